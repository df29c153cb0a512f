"""The core's models, one module per aggregate; each feature keeps its own in its package."""

from .login_failure import LoginFailure
from .mail_event import MailEvent
from .note import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Note
from .user import DEFAULT_ROLE, ROLES, Permission, Role, RoleChangeRefused, User

__all__ = [
    "BODY_MAX_LENGTH",
    "DEFAULT_ROLE",
    "ROLES",
    "TITLE_MAX_LENGTH",
    "LoginFailure",
    "MailEvent",
    "Note",
    "Permission",
    "Role",
    "RoleChangeRefused",
    "User",
]

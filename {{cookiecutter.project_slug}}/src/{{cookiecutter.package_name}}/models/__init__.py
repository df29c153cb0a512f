"""The core's models, one module per aggregate; each feature keeps its own in its package."""

from .login_failure import LoginFailure
from .mail_event import MailEvent
from .user import DEFAULT_ROLE, ROLES, Permission, Role, RoleChangeRefused, User

__all__ = [
    "DEFAULT_ROLE",
    "ROLES",
    "LoginFailure",
    "MailEvent",
    "Permission",
    "Role",
    "RoleChangeRefused",
    "User",
]

"""The core's models, one module per aggregate; each feature keeps its own in its package."""

from .login_failure import LoginFailure
from .user import DEFAULT_ROLE, ROLES, Permission, Role, RoleChangeRefused, User

__all__ = [
    "DEFAULT_ROLE",
    "ROLES",
    "LoginFailure",
    "Permission",
    "Role",
    "RoleChangeRefused",
    "User",
]

"""Token authentication: the JWT callbacks and the ``token_required`` decorator.

A token's subject is the user's id. The user and their permissions are loaded from the database
on every request, so a changed role or a deleted user takes effect at once. Every failure is a
401 in the API's error shape: missing, malformed, tampered, expired or revoked token.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Response
from flask_jwt_extended import current_user, verify_jwt_in_request
from flask_smorest import abort

from ..extensions import db
from ..models import User
from .errors import error_response
from .extensions import jwt
from .models import RevokedToken

P = ParamSpec("P")
R = TypeVar("R")


@jwt.user_identity_loader
def user_identity(user: User) -> str:
    """Tokens are issued for a :class:`User`; their ``sub`` claim is the id as a string."""
    return str(user.id)


@jwt.additional_claims_loader
def session_claim(user: User) -> dict[str, str]:
    """Tokens carry the user's ``session_fingerprint`` as ``sid``: logging out (or a role
    change) rotates the session token, and every token issued before stops working."""
    return {"sid": user.session_fingerprint}


@jwt.user_lookup_loader
def load_user(_header: dict[str, Any], payload: dict[str, Any]) -> User | None:
    """The user a valid token was issued for, as ``flask_jwt_extended.current_user``; ``None``
    (401) when that user is gone or their session token changed since (``sid``), which also
    keeps a deleted user's tokens from reaching a new user given the same id."""
    user = db.session.get(User, int(payload["sub"]))
    if user is None or payload.get("sid") != user.session_fingerprint:
        return None
    return user


@jwt.token_in_blocklist_loader
def token_revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
    """A token is refused once ``POST /api/v1/auth/revoke`` has stored its ``jti``."""
    return RevokedToken.is_revoked(payload["jti"])


@jwt.unauthorized_loader
def missing_token(reason: str) -> Response:
    return error_response(401, reason)


@jwt.invalid_token_loader
def invalid_token(reason: str) -> Response:
    return error_response(401, f"Invalid token: {reason}")


@jwt.expired_token_loader
def expired_token(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return error_response(401, "Token has expired")


@jwt.revoked_token_loader
def revoked_token(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return error_response(401, "Token has been revoked")


@jwt.user_lookup_error_loader
def unknown_user(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return error_response(401, "The token's user no longer exists or has logged out")


def token_required(permission: str | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Let a view run only with a valid access token whose user has ``permission`` (if given).

    No or a bad token gives 401, a user without the permission 403: the same rules as
    ``auth.permissions.permission_required`` for pages.
    """

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            verify_jwt_in_request()
            if permission is not None and not current_user.has_permission(permission):
                abort(403, message=f"This needs the {permission!r} permission.")
            return view(*args, **kwargs)

        return wrapped

    return decorator

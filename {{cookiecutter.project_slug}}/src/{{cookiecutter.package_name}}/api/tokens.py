"""``/api/v1/auth``: exchange an email and password for tokens, refresh and revoke them."""

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from flask import current_app
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    current_user,
    get_jwt,
    jwt_required,
)
from flask_smorest import Blueprint, abort
from sqlalchemy.exc import IntegrityError

from ..auth import throttle
from ..auth.throttle import Throttled
from ..auth.views import may_log_in
from ..extensions import db
from ..models import User
from .extensions import limiter
from .models import RevokedToken
from .schemas import AccessTokenSchema, CredentialsSchema, TokenPairSchema

F = TypeVar("F", bound=Callable[..., Any])

# Flask-JWT-Extended types jwt_required's result as Any; it is a decorator that keeps the view's
# signature.
refresh_token_required: Callable[[F], F] = jwt_required(refresh=True)
any_token_required: Callable[[F], F] = jwt_required(verify_type=False)

bp = Blueprint(
    "api_tokens",
    __name__,
    url_prefix="/auth",
    description="Bearer tokens: get a pair with an email and password, refresh, revoke.",
)


def access_token_body(user: User) -> dict[str, object]:
    """A new access token for ``user`` with its type and lifetime in seconds."""
    lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    if isinstance(lifetime, timedelta):
        lifetime = lifetime.total_seconds()
    return {
        "access_token": create_access_token(identity=user),
        "token_type": "Bearer",
        "expires_in": int(lifetime),
    }


@bp.route("/token", methods=["POST"])
@limiter.limit(lambda: current_app.config["API_AUTH_RATE_LIMIT"])
@bp.arguments(CredentialsSchema)
@bp.response(200, TokenPairSchema)
@bp.alt_response(403, description="The address is not confirmed, and the site requires it.")
@bp.doc(security=[])
def issue_token(credentials: dict[str, str]) -> dict[str, object]:
    """Get an access token and a refresh token.

    Rate limited per client address (API_AUTH_RATE_LIMIT); a wrong email or password is 401,
    and failed logins are throttled like the login page's (429 with ``Retry-After``). A user
    whose address is not confirmed gets 403 while ``ALLOW_UNCONFIRMED_LOGIN`` is off.
    """
    email = credentials["email"]
    try:
        throttle.check(email)
    except Throttled as refusal:
        headers = {"Retry-After": str(refusal.retry_after)}
        abort(429, message="Too many failed logins; see Retry-After (seconds).", headers=headers)
    user = User.authenticate(email, credentials["password"])
    if user is None:
        throttle.record_failure(email)
        abort(401, message="Wrong email or password.")
    throttle.clear(email)
    if not may_log_in(user):
        abort(403, message="Confirm your email address first: follow the link we sent you.")
    return access_token_body(user) | {"refresh_token": create_refresh_token(identity=user)}


@bp.route("/refresh", methods=["POST"])
@refresh_token_required
@bp.response(200, AccessTokenSchema)
def refresh_token() -> dict[str, object]:
    """Get a new access token; send the refresh token as the bearer token."""
    return access_token_body(current_user)


@bp.route("/revoke", methods=["POST"])
@any_token_required
@bp.response(204)
def revoke_token() -> None:
    """Revoke the bearer token sent (access or refresh): it is refused from now on.

    Idempotent: revoking a token that a concurrent request is revoking also answers 204.
    """
    claims = get_jwt()
    expires = claims.get("exp")
    db.session.add(
        RevokedToken(
            jti=claims["jti"],
            token_type=claims["type"],
            user_id=current_user.id,
            expires_at=datetime.fromtimestamp(expires, timezone.utc) if expires else None,
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        # The same token revoked by a request running at the same time (the jti is unique):
        # it is revoked either way, so this one succeeds too.
        db.session.rollback()

"""The signed links that account e-mails carry: confirm an address, reset a password, change
the address.

A token is itsdangerous's ``URLSafeTimedSerializer`` output, signed with ``SECRET_KEY`` and a
salt per purpose, so a token made for one purpose is refused by the others (itsdangerous docs,
"The Salt"). It holds the user's id and a snapshot of what the link may act on; the link works
only while that still matches, which makes each one work once:

- ``confirm``: the address. It dies when the address changes.
- ``reset``: a digest of the password hash. Setting the new password changes the hash, so the
  link works once, and any other change of password kills it too.
- ``change``: the password digest, the old address and the new one. It dies when either the
  password or the address changes.

Its age is checked against ``EMAIL_CONFIRM_MAX_AGE`` or ``PASSWORD_RESET_MAX_AGE`` (seconds).
"""

from typing import Literal

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from ..models import User

Purpose = Literal["confirm", "reset", "change"]

#: The config key of each purpose's lifetime, in seconds.
MAX_AGE_SETTINGS: dict[Purpose, str] = {
    "confirm": "EMAIL_CONFIRM_MAX_AGE",
    "reset": "PASSWORD_RESET_MAX_AGE",
    "change": "EMAIL_CONFIRM_MAX_AGE",
}


class LinkRefused(Exception):
    """A link that cannot be used; ``expired`` tells an old link from a broken or used one."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid or already used")
        self.expired = expired


def serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    """The signer of ``purpose``'s tokens, keyed by the app's ``SECRET_KEY``."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"account-{purpose}")


def state(purpose: Purpose, user: User) -> dict[str, str]:
    """What a ``purpose`` link for ``user`` holds besides the id (see the module docstring)."""
    if purpose == "confirm":
        return {"email": user.email}
    return {"password": user.password_fingerprint}


def make_token(purpose: Purpose, user: User, new_email: str | None = None) -> str:
    """A token for a ``purpose`` link of ``user``; ``new_email`` is the address a ``change``
    link moves the account to."""
    payload: dict[str, object] = {"id": user.id, **state(purpose, user)}
    if purpose == "change":
        payload |= {"email": user.email, "new_email": new_email}
    return str(serializer(purpose).dumps(payload))


def load_token(purpose: Purpose, token: str) -> tuple[User, dict[str, str]]:
    """The user a ``purpose`` token was made for, and its payload.

    Raises:
        LinkRefused: ``expired`` when the signature is right but the token is older than its
            max age; not ``expired`` when the signature is wrong, the token is malformed, the
            user is gone or what the link acts on has changed since (it was used).
    """
    max_age = int(current_app.config[MAX_AGE_SETTINGS[purpose]])
    try:
        payload = serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkRefused(expired=True) from None
    except BadData:
        raise LinkRefused(expired=False) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise LinkRefused(expired=False)
    user = db.session.get(User, payload["id"])
    if user is None or any(
        payload.get(key) != value for key, value in state(purpose, user).items()
    ):
        raise LinkRefused(expired=False)
    if purpose == "change" and (
        payload.get("email") != user.email or not isinstance(payload.get("new_email"), str)
    ):
        raise LinkRefused(expired=False)
    return user, {key: str(value) for key, value in payload.items()}

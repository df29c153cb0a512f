"""Login throttling that every worker process and host shares: the counts live in the database.

Each failed login is recorded under three keys: the account with the client address, the client
address alone, and the account alone. A login attempt is refused (429 with ``Retry-After``)
while any key holds its limit of failures within the last ``LOGIN_THROTTLE_WINDOW`` seconds
(limits in ``LOGIN_THROTTLE_LIMITS``). Guessing one password from one address stops after the
first limit; spraying many accounts from one address after the second; a botnet guessing one
account after the third. Someone who wants to lock a user out can do it for one window at most
from each address, and only the third, much higher limit reaches the user's own address; the
lock lifts by itself once the failures age out of the window. A successful login clears the
account's keys, never the address's. (OWASP Authentication Cheat Sheet, "Protect Against
Automated Attacks"; NIST SP 800-63B, 5.2.2 "Rate Limiting".)
"""

import math
import time

from flask import current_app, flash, request

from ..extensions import db
from ..models import LoginFailure, User


class Throttled(Exception):
    """A limit is reached (failed logins here, account e-mails in :mod:`.mail_limits`);
    ``retry_after`` is the number of seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"limit reached: retry after {retry_after} s")
        self.retry_after = retry_after


def too_many(refusal: Throttled, what: str) -> dict[str, str]:
    """Flash "Too many ``what``. Try again in N minutes." (N rounded up) and return the
    headers of the 429 answer: ``Retry-After`` in seconds (RFC 9110, 10.2.3)."""
    minutes = math.ceil(refusal.retry_after / 60)
    flash(f"Too many {what}. Try again in {minutes} minutes.", "error")
    return {"Retry-After": str(refusal.retry_after)}


def throttle_keys(email: str) -> dict[str, str]:
    """The keys a login for ``email`` from this request's client counts under, by kind."""
    account = f"account:{User.normalize_email(email)}"
    client = f"client:{request.remote_addr or 'unknown'}"
    return {"account_client": f"{account}|{client}", "client": client, "account": account}


def check(email: str) -> None:
    """Refuse the attempt when one of its keys is at its limit.

    Raises:
        Throttled: with the seconds until the oldest counted failure leaves the window.
    """
    window = float(current_app.config["LOGIN_THROTTLE_WINDOW"])
    limits = current_app.config["LOGIN_THROTTLE_LIMITS"]
    now = time.time()
    keys = throttle_keys(email)
    # One query for the three keys: failures within the window and the oldest of them, per key.
    counted = {
        key: (count, oldest)
        for key, count, oldest in db.session.execute(
            db.select(LoginFailure.key, db.func.count(), db.func.min(LoginFailure.failed_at))
            .where(LoginFailure.key.in_(keys.values()), LoginFailure.failed_at > now - window)
            .group_by(LoginFailure.key)
        )
    }
    for kind, key in keys.items():
        count, oldest = counted.get(key, (0, now))
        if count >= limits[kind]:
            raise Throttled(max(1, math.ceil(oldest + window - now)))


def record_failure(email: str) -> None:
    """Count a failed login under each key, dropping the key's failures that aged out; commits."""
    window = float(current_app.config["LOGIN_THROTTLE_WINDOW"])
    now = time.time()
    keys = list(throttle_keys(email).values())
    db.session.execute(
        db.delete(LoginFailure).where(
            LoginFailure.key.in_(keys), LoginFailure.failed_at <= now - window
        )
    )
    db.session.add_all(LoginFailure(key=key, failed_at=now) for key in keys)
    db.session.commit()


def clear(email: str) -> None:
    """Forget the account's failures after a successful login; the address's stay; commits."""
    keys = throttle_keys(email)
    db.session.execute(
        db.delete(LoginFailure).where(
            LoginFailure.key.in_([keys["account_client"], keys["account"]])
        )
    )
    db.session.commit()

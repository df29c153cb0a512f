"""Rate limits on the account e-mails a visitor can trigger, shared by every worker and host
(the counts live in the database, as login throttling's do).

Each e-mail is counted under two keys: the address it goes to and the client that asked. Within
``MAIL_LIMIT_WINDOW`` seconds, ``MAIL_LIMITS["address"]`` e-mails of one kind reach an address
and ``MAIL_LIMITS["client"]`` leave on one client's requests. Past the address limit the mail is
quietly not sent: the page answers as always, so the limit tells nobody whether the address has
an account, and nobody can flood someone's inbox. Past the client limit the request answers 429
with ``Retry-After``, which says nothing about any address. (OWASP Forgot Password Cheat Sheet,
"Forgot Password Request"; OWASP Authentication Cheat Sheet, "Account Enumeration".)
"""

import math
import time
from typing import Literal

from flask import current_app, request

from ..extensions import db
from ..models import MailEvent, User
from .throttle import Throttled

#: The account e-mails a visitor can ask for: confirmation (and "already registered"), password
#: reset, change of address. Each has its own counts.
Kind = Literal["confirm", "reset", "change"]


def mail_keys(kind: Kind, address: str) -> dict[str, str]:
    """The keys an e-mail of ``kind`` to ``address``, asked for by this request's client, is
    counted under, by limit."""
    return {
        "address": f"{kind}:address:{User.normalize_email(address)}",
        "client": f"{kind}:client:{request.remote_addr or 'unknown'}",
    }


def allow(kind: Kind, address: str) -> bool:
    """Count an e-mail of ``kind`` to ``address`` if the limits let it go, and commit.

    Returns:
        ``True`` when it may be sent (and is counted); ``False`` when the address had its
        share: send nothing and answer as if it went.

    Raises:
        Throttled: this client had its share; ``retry_after`` is in seconds.
    """
    window = float(current_app.config["MAIL_LIMIT_WINDOW"])
    limits = current_app.config["MAIL_LIMITS"]
    now = time.time()
    keys = mail_keys(kind, address)
    db.session.execute(
        db.delete(MailEvent).where(
            MailEvent.key.in_(keys.values()), MailEvent.sent_at <= now - window
        )
    )
    counted = {
        key: (count, oldest)
        for key, count, oldest in db.session.execute(
            db.select(MailEvent.key, db.func.count(), db.func.min(MailEvent.sent_at))
            .where(MailEvent.key.in_(keys.values()))
            .group_by(MailEvent.key)
        )
    }
    client_count, client_oldest = counted.get(keys["client"], (0, now))
    if client_count >= limits["client"]:
        db.session.commit()
        raise Throttled(max(1, math.ceil(client_oldest + window - now)))
    allowed: bool = counted.get(keys["address"], (0, now))[0] < limits["address"]
    # The client's count goes up either way: guessing addresses costs the guesser its share.
    db.session.add(MailEvent(key=keys["client"], sent_at=now))
    if allowed:
        db.session.add(MailEvent(key=keys["address"], sent_at=now))
    db.session.commit()
    return allowed

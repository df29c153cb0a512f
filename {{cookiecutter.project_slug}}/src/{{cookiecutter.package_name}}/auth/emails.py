"""The account e-mails: what each says and where its link points.

Each function renders one message from ``auth/templates/auth/email/`` (a text and an HTML
body) and hands it to :func:`..mail.send`, which never raises. Links are absolute URLs built
from the request's host; behind a proxy, set ``FLASK_TRUSTED_HOSTS`` so that a forged ``Host``
header cannot point a link at another site (Flask docs, "TRUSTED_HOSTS").
"""

import math

from flask import current_app, url_for

from .. import mail
from ..models import User
from .links import make_token


def minutes(setting: str) -> int:
    """The lifetime in ``setting`` (seconds), in whole minutes, for the mail's wording."""
    return math.ceil(int(current_app.config[setting]) / 60)


def hours(setting: str) -> int:
    """The lifetime in ``setting`` (seconds), in whole hours, for the mail's wording."""
    return math.ceil(int(current_app.config[setting]) / 3600)


def send_confirmation(user: User) -> bool:
    """Send ``user`` a link that confirms their address. Returns :func:`..mail.send`'s answer."""
    link = url_for("auth.confirm_email", token=make_token("confirm", user), _external=True)
    return mail.send(
        mail.render(
            "auth/email/confirm",
            to=user.email,
            subject="Confirm your email address",
            link=link,
            hours=hours("EMAIL_CONFIRM_MAX_AGE"),
        )
    )


def send_already_registered(user: User) -> bool:
    """Tell ``user`` that someone (maybe they) tried to register their address again, with
    the ways in: log in, or reset the password."""
    return mail.send(
        mail.render(
            "auth/email/already_registered",
            to=user.email,
            subject="You already have an account",
            login=url_for("auth.login", _external=True),
            reset=url_for("auth.reset_password_request", _external=True),
        )
    )


def send_password_reset(user: User) -> bool:
    """Send ``user`` a link to set a new password (:data:`.links` purpose ``reset``)."""
    link = url_for("auth.reset_password", token=make_token("reset", user), _external=True)
    return mail.send(
        mail.render(
            "auth/email/reset_password",
            to=user.email,
            subject="Set a new password",
            link=link,
            minutes=minutes("PASSWORD_RESET_MAX_AGE"),
        )
    )


def send_change_email(user: User, new_email: str) -> bool:
    """Send ``new_email`` the link that moves ``user``'s account to it."""
    token = make_token("change", user, new_email=new_email)
    return mail.send(
        mail.render(
            "auth/email/change_email",
            to=new_email,
            subject="Confirm your new email address",
            link=url_for("account.change_email", token=token, _external=True),
            old_email=user.email,
            hours=hours("EMAIL_CONFIRM_MAX_AGE"),
        )
    )


def send_address_taken(new_email: str) -> bool:
    """Tell the owner of ``new_email`` that another account asked to move to it (the page
    answered as usual, so the asker does not learn the address is taken)."""
    return mail.send(
        mail.render(
            "auth/email/address_taken",
            to=new_email,
            subject="Someone tried to use your email address",
            reset=url_for("auth.reset_password_request", _external=True),
        )
    )


def send_changed_notice(to: str, what: str, new_email: str | None = None) -> bool:
    """Tell ``to`` (the account's address before the change) that ``what`` (``"password"``
    or ``"email address"``, then to ``new_email``) was changed, and what to do if it was not
    them."""
    return mail.send(
        mail.render(
            "auth/email/changed",
            to=to,
            subject=f"Your {what} was changed",
            what=what,
            new_email=new_email,
            reset=url_for("auth.reset_password_request", _external=True),
        )
    )

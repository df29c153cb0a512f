"""Routes: ``/account/`` (the page), ``POST /account/password``, ``POST /account/email`` (and
the e-mailed ``/account/email/<token>``), ``POST /account/confirm``."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user
from sqlalchemy.exc import IntegrityError

from ..auth import emails, mail_limits
from ..auth.forms import ChangeEmailForm, ChangePasswordForm
from ..auth.links import LinkRefused, load_token
from ..auth.throttle import Throttled, too_many
from ..auth.views import link_refused
from ..extensions import db
from ..models import User
from . import bp


def me() -> User:
    """The logged-in user itself, not the ``current_user`` proxy (``login_user`` keeps what it
    is given, and a proxy of itself would never resolve)."""
    user: User = current_user._get_current_object()
    return user


def account_page(
    password_form: ChangePasswordForm | None = None,
    email_form: ChangeEmailForm | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> ResponseReturnValue:
    """The account page with its two forms (a submitted one keeps its data and errors)."""
    user = me()
    page = render_template(
        "account/index.html",
        password_form=password_form or ChangePasswordForm(user, formdata=None),
        email_form=email_form or ChangeEmailForm(user, formdata=None),
    )
    return page, status, headers or {}


def throttled(refusal: Throttled) -> ResponseReturnValue:
    """The account page, 429 with ``Retry-After`` (seconds): too many e-mails asked for."""
    return account_page(status=429, headers=too_many(refusal, "e-mails asked for"))


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """The account page."""
    return account_page()


@bp.route("/password", methods=["POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change the password (fields ``current_password``, ``password``, ``confirm``).

    Every other session of the user ends (:meth:`User.set_password` rotates the session
    token); this one goes on, logged in again under the new token. The address gets a notice.
    A wrong current password is a 400 like any invalid field; it is not throttled as logins
    are, since only a logged-in session can try it.
    """
    user = me()
    form = ChangePasswordForm(user)
    if not form.validate_on_submit():
        return account_page(password_form=form, status=400)
    user.set_password(form.password.data or "")
    db.session.commit()
    # The new token in this browser's cookies: a new session (and a new remember cookie if it
    # had one), which the audit trail records as a login.
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=remember_cookie in request.cookies)
    emails.send_changed_notice(user.email, "password")
    flash("Your password is changed. Other devices must log in again.", "success")
    return redirect(url_for("account.index"))


@bp.route("/email", methods=["POST"])
@login_required
def request_email_change() -> ResponseReturnValue:
    """Ask to move the account to a new address (fields ``email``, ``current_password``).

    The new address receives a link that makes the change (:func:`change_email`); nothing
    changes before it is followed. An address that belongs to another account gets a notice
    instead, and this page answers the same, so it does not tell which addresses are taken.
    """
    user = me()
    form = ChangeEmailForm(user)
    if not form.validate_on_submit():
        return account_page(email_form=form, status=400)
    new_email = User.normalize_email(form.email.data or "")
    try:
        allowed = mail_limits.allow("change", new_email)
    except Throttled as refusal:
        return throttled(refusal)
    if allowed:
        if User.find_by_email(new_email) is None:
            emails.send_change_email(user, new_email)
        else:
            emails.send_address_taken(new_email)
    flash(
        f"We sent a link to {new_email}. Your address changes once you follow it; until then "
        f"you log in with {user.email}.",
        "success",
    )
    return redirect(url_for("account.index"))


@bp.route("/email/<token>")
def change_email(token: str) -> ResponseReturnValue:
    """Move the account to the address an e-mailed link was sent to, which counts as
    confirmed; the old address gets a notice. Works without a login (the link may be opened
    on another device) and once: the account's address is part of the link (:mod:`..auth.links`).
    """
    try:
        user, payload = load_token("change", token)
    except LinkRefused as refusal:
        return link_refused(refusal, again="account.index")
    old_email, new_email = user.email, payload["new_email"]
    user.email = new_email
    user.confirm_email()
    try:
        db.session.commit()
    except IntegrityError:
        # Another account took the address after the link was sent.
        db.session.rollback()
        flash(f"{new_email} belongs to another account now: you keep {old_email}.", "error")
        return redirect(next_page())
    emails.send_changed_notice(old_email, "email address", new_email=new_email)
    flash(f"Your address is now {new_email}: log in with it from now on.", "success")
    return redirect(next_page())


def next_page() -> str:
    """Where an e-mailed link leads: the account page, or the login page when logged out."""
    return url_for("account.index" if current_user.is_authenticated else "auth.login")


@bp.route("/confirm", methods=["POST"])
@login_required
def resend_confirmation() -> ResponseReturnValue:
    """E-mail a new confirmation link to the logged-in user's address (limits of
    :mod:`..auth.mail_limits`)."""
    user = me()
    if user.email_confirmed:
        flash(f"{user.email} is already confirmed.", "info")
        return redirect(url_for("account.index"))
    try:
        allowed = mail_limits.allow("confirm", user.email)
    except Throttled as refusal:
        return throttled(refusal)
    if allowed:
        emails.send_confirmation(user)
    flash(f"We sent a new link to {user.email}.", "success")
    return redirect(url_for("account.index"))

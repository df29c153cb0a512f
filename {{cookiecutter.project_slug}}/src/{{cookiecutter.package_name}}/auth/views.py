"""Routes: ``/auth/register``, ``/auth/login``, ``/auth/logout``, ``/auth/reset-password``
(and the e-mailed ``/auth/reset-password/<token>``), ``/auth/confirm`` (and the e-mailed
``/auth/confirm/<token>``)."""

from collections.abc import Callable

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from ..extensions import db, login_manager
from ..models import User
from ..models.user import hash_password
from ..signals import user_registered
from ..stats import invalidate_user_stats
from . import bp, emails, mail_limits, throttle
from .forms import EmailForm, LoginForm, RegistrationForm, ResetPasswordForm
from .links import LinkRefused, load_token
from .redirects import safe_next_path
from .throttle import Throttled, too_many


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Flask-Login callback: the user whose session token the session or remember cookie
    holds (``User.get_id``), or ``None`` once it was rotated."""
    return User.find_by_session_token(session_token)


def mail_throttled(refusal: Throttled, template: str, **context: object) -> ResponseReturnValue:
    """The 429 answer to a client that asked for too many account e-mails (:mod:`.mail_limits`),
    with ``Retry-After`` in seconds."""
    headers = too_many(refusal, "e-mails asked for")
    return render_template(template, **context), 429, headers


def link_refused(refusal: LinkRefused, again: str) -> ResponseReturnValue:
    """The 400 page for an e-mailed link that cannot be used, pointing to ``again`` (the
    endpoint that sends a new one)."""
    page = render_template("auth/link_refused.html", expired=refusal.expired, again=again)
    return page, 400, NO_STORE


#: Pages whose address holds a live token: no cache (shared or browser) keeps them.
NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    """Show the registration form; on a valid POST create the user and e-mail a confirmation
    link, then go to the login page.

    An address that already has an account gets the same answer, and that address an e-mail
    saying so instead (:func:`.emails.send_already_registered`): the page tells nobody which
    addresses are registered. A client that asked for too many e-mails gets 429
    (:mod:`.mail_limits`). A site whose roles were never seeded (``flask init`` not run)
    answers 503 with a notice and logs the cause: a setup error, not the visitor's.
    """
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    if form.validate_on_submit():
        email = User.normalize_email(form.email.data or "")  # DataRequired has passed
        password = form.password.data or ""
        try:
            allowed = mail_limits.allow("confirm", email)
        except Throttled as refusal:
            return mail_throttled(refusal, "auth/register.html", form=form)
        existing = User.find_by_email(email)
        if existing is None:
            try:
                user = User.create(email, password)
                db.session.commit()
            except LookupError as error:
                db.session.rollback()
                current_app.logger.error("registration unavailable: %s", error)
                flash("Registration is not available yet. Please try again later.", "error")
                return render_template("auth/register.html", form=form), 503
            except IntegrityError:
                # Registered by a request that ran at the same time: answer as below.
                db.session.rollback()
                existing = User.find_by_email(email)
            else:
                invalidate_user_stats()
                # The app itself, not the proxy: receivers connect to one app as the sender.
                # Flask types current_app as the Flask it stands for, without the proxy's own
                # method.
                user_registered.send(current_app._get_current_object(), user=user)  # type: ignore[attr-defined]
                if allowed:
                    emails.send_confirmation(user)
        if existing is not None:
            # The hash a new account costs, so the answer takes as long either way.
            hash_password(password)
            if allowed:
                emails.send_already_registered(existing)
        flash(
            f"We sent a message to {email}: follow its link to confirm the address. "
            + (
                "You can log in already."
                if current_app.config["ALLOW_UNCONFIRMED_LOGIN"]
                else "Then log in."
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


def may_log_in(user: User) -> bool:
    """Whether ``user`` may log in: always once the address is confirmed, before that only
    while ``ALLOW_UNCONFIRMED_LOGIN`` is set (the API's token endpoint asks the same)."""
    return user.email_confirmed or bool(current_app.config["ALLOW_UNCONFIRMED_LOGIN"])


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form; on valid credentials log in and go to ``next`` if it is same-site.

    A wrong email and a wrong password get the same message and cost the same time, so the
    form does not reveal which addresses are registered. Failed logins are throttled
    (:mod:`.throttle`): 429 with ``Retry-After`` (seconds) while a limit is reached.
    """
    if current_user.is_authenticated:
        return redirect(safe_next_path(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data or ""  # DataRequired has passed: both fields hold text
        try:
            throttle.check(email)
        except Throttled as refusal:
            headers = too_many(refusal, "failed logins")
            return render_template("auth/login.html", form=form), 429, headers
        user = User.authenticate(email, form.password.data or "")
        if user is not None:
            throttle.clear(email)
            if not may_log_in(user):
                flash(
                    "Confirm your email address first: follow the link we sent you, or ask "
                    "for a new one below.",
                    "error",
                )
                return redirect(url_for("auth.confirm_request"))
            login_user(user, remember=form.remember_me.data)
            flash("You are logged in.", "success")
            return redirect(safe_next_path(request.args.get("next")))
        throttle.record_failure(email)
        flash("Wrong email or password.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Log out everywhere and go to the home page.

    The user's session token is rotated, so copied session cookies, remember cookies and API
    tokens stop working too. POST only, with the CSRF token (the navigation bar's form): a GET
    would let any page log a visitor out with an ``<img>``.
    """
    if current_user.is_authenticated:
        # Every copy of the session and remember cookies, on any device, ends with this one.
        current_user.rotate_session_token()
        db.session.commit()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("main.index"))


def link_request(
    kind: mail_limits.Kind,
    template: str,
    send: Callable[[User], object],
    answer: str,
) -> ResponseReturnValue:
    """A form that e-mails a link to a given address (field ``email``), the same answer for
    every address.

    Args:
        kind: what the e-mail is, for the limits of :mod:`.mail_limits` (past this client's
            limit the answer is 429 with ``Retry-After``).
        template: the page with the form.
        send: sends the e-mail to the account with the address, if it has one and the limits
            let it go; it decides whether the account gets one.
        answer: the flash message after a valid request, with ``{email}`` for the address.
    """
    form = EmailForm()
    if not form.validate_on_submit():
        return render_template(template, form=form), 400 if form.errors else 200
    email = User.normalize_email(form.email.data or "")
    try:
        allowed = mail_limits.allow(kind, email)
    except Throttled as refusal:
        return mail_throttled(refusal, template, form=form)
    user = User.find_by_email(email)
    if allowed and user is not None:
        send(user)
    flash(answer.format(email=email), "success")
    return redirect(url_for("auth.login"))


@bp.route("/reset-password", methods=["GET", "POST"])
def reset_password_request() -> ResponseReturnValue:
    """Ask for a password reset link (field ``email``); the same answer for every address, and
    the link only to an address that has an account (:func:`link_request`)."""
    minutes = emails.minutes("PASSWORD_RESET_MAX_AGE")
    return link_request(
        "reset",
        "auth/reset_request.html",
        emails.send_password_reset,
        "If {email} has an account, we sent it a link to set a new password. The link works "
        f"once, for {minutes} minutes. Nothing there? Check the spam folder, or ask again.",
    )


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Set a new password through an e-mailed link (fields ``password`` and ``confirm``).

    The link is refused with a 400 page when expired, tampered with or used (:mod:`.links`).
    The new password ends every session of the user, this browser's included
    (:meth:`User.set_password`), and, since only the address's owner could open the link,
    confirms the address. Then the user logs in with it.
    """
    try:
        user, _ = load_token("reset", token)
    except LinkRefused as refusal:
        return link_refused(refusal, again="auth.reset_password_request")
    form = ResetPasswordForm(user)
    if form.validate_on_submit():
        user.set_password(form.password.data or "")
        if not user.email_confirmed:
            user.confirm_email()
        db.session.commit()
        throttle.clear(user.email)
        emails.send_changed_notice(user.email, "password")
        logout_user()
        flash("Your new password is set. Log in with it.", "success")
        return redirect(url_for("auth.login"))
    page = render_template("auth/reset_password.html", form=form, user=user)
    return page, 400 if form.errors else 200, NO_STORE


@bp.route("/confirm", methods=["GET", "POST"])
def confirm_request() -> ResponseReturnValue:
    """Ask for a new confirmation link (field ``email``); the same answer for every address,
    and the link only to an account not confirmed yet (:func:`link_request`)."""

    def send(user: User) -> None:
        if not user.email_confirmed:
            emails.send_confirmation(user)

    return link_request(
        "confirm",
        "auth/confirm_request.html",
        send,
        "If {email} has an account that is not confirmed yet, we sent it a new link. Nothing "
        "there? Check the spam folder, or ask again.",
    )


@bp.route("/confirm/<token>")
def confirm_email(token: str) -> ResponseReturnValue:
    """Confirm the address an e-mailed link was sent to; a used link for a confirmed address
    says so, an expired or tampered one gets the 400 page with the way to a new link.

    A GET, so that the link works when clicked in any mail client; it changes only the
    confirmation state of the address that received it.
    """
    try:
        user, _ = load_token("confirm", token)
    except LinkRefused as refusal:
        return link_refused(refusal, again="auth.confirm_request")
    if user.email_confirmed:
        flash(f"{user.email} is already confirmed.", "info")
    else:
        user.confirm_email()
        db.session.commit()
        flash(f"Thank you: {user.email} is confirmed.", "success")
    if current_user.is_authenticated:
        return redirect(url_for("account.index"))
    return redirect(url_for("auth.login"))

"""Routes: ``/auth/register``, ``/auth/login``, ``/auth/logout``."""

import math

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ..extensions import db, login_manager
from ..models import User
from ..signals import user_registered
from ..stats import invalidate_user_stats
from . import bp, throttle
from .forms import LoginForm, RegistrationForm
from .redirects import safe_next_path
from .throttle import Throttled


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Flask-Login callback: the user whose session token the session or remember cookie
    holds (``User.get_id``), or ``None`` once it was rotated."""
    return User.find_by_session_token(session_token)


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    """Show the registration form; on a valid POST create the user and log them in.

    A site whose roles were never seeded (``flask init`` not run) answers 503 with a notice and
    logs the cause: a setup error, not the visitor's.
    """
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            # DataRequired has passed: both fields hold text.
            user = User.create(form.email.data or "", form.password.data or "")
        except LookupError as error:
            db.session.rollback()
            current_app.logger.error("registration unavailable: %s", error)
            flash("Registration is not available yet. Please try again later.", "error")
            return render_template("auth/register.html", form=form), 503
        db.session.commit()
        invalidate_user_stats()
        # The app itself, not the proxy: receivers connect to one app as the sender. Flask
        # types current_app as the Flask it stands for, without the proxy's own method.
        user_registered.send(current_app._get_current_object(), user=user)  # type: ignore[attr-defined]
        login_user(user)
        flash("Welcome! Your account is ready.", "success")
        return redirect(url_for("main.index"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


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
            minutes = math.ceil(refusal.retry_after / 60)
            flash(f"Too many failed logins. Try again in {minutes} minutes.", "error")
            headers = {"Retry-After": str(refusal.retry_after)}
            return render_template("auth/login.html", form=form), 429, headers
        user = User.authenticate(email, form.password.data or "")
        if user is not None:
            throttle.clear(email)
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

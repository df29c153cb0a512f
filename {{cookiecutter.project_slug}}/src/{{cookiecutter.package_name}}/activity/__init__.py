"""The activity feed: a signed-in user's own recent register, login and logout events, kept as
documents in MongoDB (see :mod:`.feed`).

:func:`init_app` adds the settings (``MONGODB_URI`` in the environment replaces the default),
binds the ``mongo`` client, registers the ``mongodb`` readiness check, the ``/activity/`` page
and ``flask mongo-init``, and records events from the signals: Flask-Login's ``user_logged_in``
and ``user_logged_out``, and the app's ``user_registered``.
"""

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_login import AnonymousUserMixin, user_logged_in, user_logged_out
from pymongo.errors import ConnectionFailure, PyMongoError

from .. import config, errors, health
from ..cli import first_line
from ..models import User
from ..signals import user_registered
from .client import Mongo, mongo
from .feed import ensure_indexes, record_event
from .views import bp

__all__ = ["Mongo", "bp", "init_app", "mongo"]


class Settings:
    """Defaults for every config."""

    # The database name is the URI's path.
    MONGODB_URI = "mongodb://127.0.0.1:27017/{{ cookiecutter.package_name }}"
    # Milliseconds to wait for a MongoDB server (selection and connecting) before giving up.
    MONGODB_TIMEOUT_MS = 2000


def check_mongodb() -> None:
    """Run MongoDB's ``ping`` command; raises ``pymongo.errors.PyMongoError`` when it is down."""
    mongo.client.admin.command("ping")


@click.command("mongo-init")
@with_appcontext
def mongo_init_command() -> None:
    """Create the MongoDB indexes the app queries by; safe to re-run."""
    try:
        names = ensure_indexes()
    except PyMongoError as error:
        raise click.ClickException(f"cannot reach MongoDB: {first_line(error)}") from None
    click.echo(f"MongoDB indexes ready: {', '.join(names)}.")


def on_registered(sender: Flask, user: User, **extra: object) -> None:
    record_event(user, "register")


def on_login(sender: Flask, user: User, **extra: object) -> None:
    record_event(user, "login")


def on_logout(sender: Flask, user: User | AnonymousUserMixin, **extra: object) -> None:
    if isinstance(user, User):  # logging out while logged out sends the anonymous user
        record_event(user, "logout")


def init_app(app: Flask) -> None:
    """Set up MongoDB and the activity feed on ``app``.

    Raises:
        config.ConfigError: ``MONGODB_URI`` cannot be parsed or names no database.
    """
    config.add_settings(app, Settings, environ={"MONGODB_URI": "MONGODB_URI"})
    mongo.init_app(app)
    health.add_check(app, "mongodb", check_mongodb)
    errors.add_unavailable(app, ConnectionFailure)
    app.register_blueprint(bp, url_prefix="/activity")
    app.cli.add_command(mongo_init_command)
    user_registered.connect(on_registered, app)
    user_logged_in.connect(on_login, app)
    user_logged_out.connect(on_logout, app)
    app.shell_context_processor(lambda: {"mongo": mongo})

"""The core's extension objects, created unbound and bound to an app in ``create_app``
(Flask's init_app pattern). Each feature package keeps its own next to its code."""

import os
import weakref
from typing import TYPE_CHECKING

from flask import Flask
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_login import LoginManager
from flask_mailman import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints let later migrations drop or alter them on every database, SQLite's batch
# mode included (Alembic docs, "The Importance of Naming Constraints").
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model (SQLAlchemy 2 typed mappings)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

#: The engines of the apps built in this process, for :func:`forget_pools_in_child`; held
#: weakly, so an app the tests are done with goes away with its engines.
_ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def forget_pools_after_fork(app: Flask) -> None:
    """Have every process forked from this one open its own connections to ``app``'s databases.

    A connection the parent's pool holds is one socket, and two processes talking on it at
    once corrupt each other's results. So after a fork the child replaces each engine's pool
    with an empty one, without closing the parent's connections, which the parent goes on
    using (SQLAlchemy docs, "Using Connection Pools with Multiprocessing or os.fork()":
    ``Engine.dispose(close=False)``). The parent's pool is untouched.

    Processes forked so: gunicorn's workers with ``preload_app``
{%- if cookiecutter.use_docker %} (on in gunicorn.conf.py){% endif %}
{%- if cookiecutter.celery_broker != "none" %};
    the children of Celery's prefork pool
{%- endif %}.

    Args:
        app: an app ``db`` was bound to (``db.init_app``), whose engines Flask-SQLAlchemy has
            already made.
    """
    with app.app_context():
        _ENGINES.update(db.engines.values())


def forget_pools_in_child() -> None:
    """Give each engine of :data:`_ENGINES` a new, empty pool (``dispose(close=False)``); run by
    ``os.register_at_fork`` in a forked child (:func:`forget_pools_after_fork`)."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)


# Windows has no fork, and no os.register_at_fork.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=forget_pools_in_child)

#: Largest id an Integer column holds: SQLAlchemy makes it a 32-bit INTEGER on PostgreSQL and
#: MySQL (SQLite takes more), so a larger id in a URL cannot exist and must not reach the database.
MAX_ID = 2**31 - 1

if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as FlaskSQLAlchemyModel

    class Model(Base, FlaskSQLAlchemyModel):
        """What ``db.Model`` is to a type checker: :class:`Base` with Flask-SQLAlchemy's
        ``query`` and table naming mixed in. mypy cannot take an attribute (``db.Model``) as a
        base class, so models subclass this name instead."""

else:
    Model = db.Model

csrf = CSRFProtect()
# Bootstrap 5's CSS and JS, served by the app itself from Bootstrap-Flask's package
# (BOOTSTRAP_SERVE_LOCAL): no CDN, so the Content-Security-Policy can stay 'self'.
bootstrap = Bootstrap5()
cache = Cache()
mail = Mail()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"

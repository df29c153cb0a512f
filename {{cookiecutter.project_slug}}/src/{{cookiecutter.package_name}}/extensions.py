"""The core's extension objects, created unbound and bound to an app in ``create_app``
(Flask's init_app pattern). Each feature package keeps its own next to its code."""

from typing import TYPE_CHECKING

from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_login import LoginManager
from flask_mailman import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
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

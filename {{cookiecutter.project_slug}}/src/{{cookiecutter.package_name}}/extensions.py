"""Extension objects, created unbound and bound to an app in ``create_app`` (init_app pattern)."""
{%- if cookiecutter.use_mongodb %}

from threading import Lock
{%- endif %}

{% if cookiecutter.use_redis or cookiecutter.use_mongodb -%}
from flask import Flask, current_app
{% endif -%}
from flask_caching import Cache
{% if cookiecutter.use_api -%}
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
{% endif -%}
from flask_login import LoginManager
from flask_migrate import Migrate
{%- if cookiecutter.use_api %}
from flask_smorest import Api
{%- endif %}
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
{%- if cookiecutter.use_mongodb %}
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import ConfigurationError
from pymongo.uri_parser import parse_uri
{%- endif %}
{%- if cookiecutter.use_redis %}
from redis import Redis
{%- endif %}
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
{%- if cookiecutter.use_redis or cookiecutter.use_mongodb %}

from .config import ConfigError
{%- endif %}

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
{%- if cookiecutter.use_redis %}


class RedisClient:
    """A Redis client per app, built from ``REDIS_URL``.

    ``redis.Redis.from_url`` only makes a connection pool: nothing connects until the first
    command, so the app starts (and ``/health/ready`` reports it) while Redis is down.
    ``REDIS_TIMEOUT`` bounds connecting and every reply, so a dead server costs seconds, not
    minutes. Use ``redis_client.client`` inside an app context.
    """

    def init_app(self, app: Flask) -> None:
        timeout = app.config["REDIS_TIMEOUT"]
        try:
            client = Redis.from_url(
                app.config["REDIS_URL"],
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                health_check_interval=30,
            )
        except ValueError as error:
            raise ConfigError(f"REDIS_URL cannot be used: {error}") from None
        app.extensions["redis"] = client

    @property
    def client(self) -> Redis:
        """The current app's client."""
        return current_app.extensions["redis"]
{%- endif %}
{%- if cookiecutter.use_mongodb %}


class Mongo:
    """A PyMongo client per app, built from ``MONGODB_URI`` (whose path names the database).

    ``init_app`` only checks the URI; the client is made on first use, so an app that never
    touches MongoDB holds no client (and no pool threads), and each gunicorn worker makes its
    own after the fork. Even then nothing connects until the first operation, so the app starts
    while MongoDB is down. ``MONGODB_TIMEOUT_MS`` bounds server selection and connecting. Use
    ``mongo.db`` inside an app context, and ``mongo.close(app)`` when an app is discarded.
    """

    def __init__(self) -> None:
        self._lock = Lock()

    def init_app(self, app: Flask) -> None:
        """Check ``MONGODB_URI`` and bind this extension to ``app``.

        Raises:
            ConfigError: the URI cannot be parsed or names no database.
        """
        try:
            database = parse_uri(app.config["MONGODB_URI"])["database"]
        except ConfigurationError as error:  # InvalidURI is a ConfigurationError too
            raise ConfigError(f"MONGODB_URI cannot be used: {error}") from None
        if not database:
            raise ConfigError(
                "MONGODB_URI cannot be used: it names no database; "
                "e.g. mongodb://127.0.0.1:27017/app"
            )
        app.extensions["mongo"] = {"client": None}

    @property
    def client(self) -> MongoClient:
        """The current app's client, made on first use."""
        state = current_app.extensions["mongo"]
        with self._lock:
            if state["client"] is None:
                timeout = current_app.config["MONGODB_TIMEOUT_MS"]
                state["client"] = MongoClient(
                    current_app.config["MONGODB_URI"],
                    connect=False,
                    serverSelectionTimeoutMS=timeout,
                    connectTimeoutMS=timeout,
                    tz_aware=True,
                )
        return state["client"]

    @property
    def db(self) -> Database:
        """The database named in ``MONGODB_URI``."""
        return self.client.get_default_database()

    def close(self, app: Flask) -> None:
        """Close ``app``'s client, if one was made; a later use makes a new one."""
        state = app.extensions["mongo"]
        with self._lock:
            client, state["client"] = state["client"], None
        if client is not None:
            client.close()
{%- endif %}


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
cache = Cache()
{%- if cookiecutter.use_redis %}
redis_client = RedisClient()
{%- endif %}
{%- if cookiecutter.use_mongodb %}
mongo = Mongo()
{%- endif %}
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
{%- if cookiecutter.use_api %}

# The REST API: flask-smorest builds the OpenAPI document, Flask-JWT-Extended checks tokens and
# Flask-Limiter throttles the token endpoint (limits by client address).
api = Api()
jwt = JWTManager()
limiter = Limiter(get_remote_address)
{%- endif %}

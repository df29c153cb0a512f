"""Configuration classes and the order in which settings are read.

Precedence, lowest to highest (see :func:`load`):

1. the class defaults below, chosen by name (``development``, ``testing``, ``production``);
{%- if cookiecutter.use_redis or cookiecutter.use_mongodb or cookiecutter.celery_broker != "none" %}
2. the conventional twelve-factor variables for the backing services:
   ``DATABASE_URL``{% if cookiecutter.use_redis %}, ``REDIS_URL``{% endif %}{% if cookiecutter.use_mongodb %}, ``MONGODB_URI``{% endif %}{% if cookiecutter.celery_broker != "none" %},
   ``CELERY_BROKER_URL``, ``CELERY_RESULT_BACKEND``{% endif %};
{%- else %}
2. ``DATABASE_URL``, the conventional twelve-factor variable for the database;
{%- endif %}
3. every ``FLASK_*`` environment variable, prefix removed and value parsed as JSON when it can be
   (Flask's ``Config.from_prefixed_env``), e.g. ``FLASK_SECRET_KEY`` or
   ``FLASK_SQLALCHEMY_ECHO=true``; ``.env`` and ``.flaskenv`` feed the environment;
{%- if cookiecutter.celery_broker != "none" %}
   ``__`` sets one key of a dict setting: ``FLASK_CELERY__task_default_queue=jobs``;
{%- endif %}
4. ``instance/config.py``, the deployment-local file kept out of version control;
5. keyword overrides passed to ``create_app`` (tests only).
"""

import os
from datetime import timedelta
{%- if cookiecutter.celery_broker != "none" %}
from pathlib import Path
{%- endif %}

from flask import Flask

#: Values that mark a SECRET_KEY as not chosen for this deployment.
PLACEHOLDER_SECRET_KEYS = frozenset({"", "dev", "change-me"})
#: Shortest SECRET_KEY production accepts, in characters; ``secrets.token_hex(32)`` gives 64.
MIN_SECRET_KEY_LENGTH = 32
{%- if cookiecutter.database == "sqlite" %}
#: The database when ``DATABASE_URL`` is unset: ``None`` means ``app.db`` in the instance folder.
DEFAULT_DATABASE_URL: str | None = None
{%- elif cookiecutter.database == "postgresql" %}
#: The database when ``DATABASE_URL`` is unset: PostgreSQL on this machine, through psycopg 3.
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{{ cookiecutter.package_name }}"
{%- elif cookiecutter.database == "mysql" %}
#: The database when ``DATABASE_URL`` is unset: MySQL/MariaDB on this machine, through PyMySQL.
DEFAULT_DATABASE_URL = "mysql+pymysql://root@127.0.0.1:3306/{{ cookiecutter.package_name }}?charset=utf8mb4"
{%- endif %}
#: Environment variables read without the ``FLASK_`` prefix, and the config key each sets.
SERVICE_URL_VARIABLES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
{%- if cookiecutter.use_redis %}
    "REDIS_URL": "REDIS_URL",
{%- endif %}
{%- if cookiecutter.use_mongodb %}
    "MONGODB_URI": "MONGODB_URI",
{%- endif %}
}


class ConfigError(RuntimeError):
    """The configuration cannot work; the message is one line that says what to change."""


class BaseConfig:
    """Settings shared by every environment."""

    APP_NAME = {{ cookiecutter.project_name | pyquote }}
    SECRET_KEY = "dev"  # noqa: S105  (a development default that production refuses)
{%- if cookiecutter.database == "sqlite" %}
    # None means "a SQLite file in the instance folder"; see load().
{%- endif %}
    SQLALCHEMY_DATABASE_URI: str | None = DEFAULT_DATABASE_URL
{%- if cookiecutter.database == "sqlite" %}
    # pool_pre_ping tests a pooled connection before handing it out.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
{%- else %}
    # Survive a database restart or an idle-connection timeout: test each pooled connection
    # before use (pool_pre_ping), replace connections older than 30 minutes (pool_recycle, below
    # the server's idle timeout), and give up connecting after 5 s instead of hanging.
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "connect_args": {"connect_timeout": 5},
{%- if cookiecutter.database == "mysql" %}
        # PostgreSQL's default, instead of MySQL's REPEATABLE READ: a transaction sees what
        # other connections (a Celery task, another worker) committed since it began.
        "isolation_level": "READ COMMITTED",
{%- endif %}
    }
{%- endif %}
{%- if cookiecutter.use_redis %}
    REDIS_URL = "redis://127.0.0.1:6379/0"
    # Seconds to wait for a Redis connection or reply before treating it as down.
    REDIS_TIMEOUT = 2.0
    # Flask-Caching on Redis; the cache uses REDIS_URL unless CACHE_REDIS_URL is set.
    CACHE_TYPE = "RedisCache"
    CACHE_REDIS_URL: str | None = None
    CACHE_KEY_PREFIX = "{{ cookiecutter.package_name }}:cache:"
{%- else %}
    # Flask-Caching: an in-process cache (one per worker process).
    CACHE_TYPE = "SimpleCache"
{%- endif %}
    CACHE_DEFAULT_TIMEOUT = 300
{%- if cookiecutter.use_mongodb %}
    # The database name is the URI's path.
    MONGODB_URI = "mongodb://127.0.0.1:27017/{{ cookiecutter.package_name }}"
    # Milliseconds to wait for a MongoDB server (selection and connecting) before giving up.
    MONGODB_TIMEOUT_MS = 2000
{%- endif %}
    LOG_LEVEL = "INFO"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Flask-WTF: CSRF tokens last as long as the session instead of one hour, so a form left
    # open in a tab still submits.
    WTF_CSRF_TIME_LIMIT = None
    # How many proxies in front of the app set each X-Forwarded-* header (werkzeug's ProxyFix).
    # 0 trusts none of them: right when clients reach the app directly, since anyone can send
    # these headers. Behind one nginx set FLASK_PROXY_FIX_X_FOR=1 (and _PROTO, _HOST).
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PORT = 0
    PROXY_FIX_X_PREFIX = 0
{%- if cookiecutter.use_api %}

    # REST API (flask-smorest): the OpenAPI document and Swagger UI live under /api/v1.
    API_TITLE = APP_NAME
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Swagger UI's files come from the flask-swagger-ui package, served by this app (no CDN).
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
    # Every operation takes a bearer token unless it says otherwise (the token endpoint).
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            }
        },
        "security": [{"bearerAuth": []}],
    }
    # Flask-JWT-Extended signs tokens with JWT_SECRET_KEY, or SECRET_KEY when that is unset.
    # Lifetimes are in seconds.
    JWT_SECRET_KEY: str | None = None
    JWT_ACCESS_TOKEN_EXPIRES = 15 * 60
    JWT_REFRESH_TOKEN_EXPIRES = 30 * 24 * 60 * 60
{%- if cookiecutter.use_redis %}
    # Flask-Limiter keeps request counts in Redis (REDIS_URL unless this is set), so every
    # worker process sees the same counts; below, how often a client may ask for a token.
    RATELIMIT_STORAGE_URI: str | None = None
{%- else %}
    # Flask-Limiter: where request counts are kept (memory:// is per process; use redis:// or
    # memcached:// with several workers) and how often a client may ask for a token.
    RATELIMIT_STORAGE_URI = "memory://"
{%- endif %}
    RATELIMIT_HEADERS_ENABLED = True
    API_AUTH_RATE_LIMIT = "10 per minute"
{%- endif %}
{%- if cookiecutter.celery_broker != "none" %}

    # Celery, configured with its own lower-case setting names (Flask docs, "Background Tasks
    # with Celery"); tasks/__init__.py hands this dict to the Celery app.
    CELERY = {
{%- if cookiecutter.celery_broker == "redis" %}
        "broker_url": "redis://127.0.0.1:6379/0",
        "result_backend": "redis://127.0.0.1:6379/1",
{%- elif cookiecutter.celery_broker == "rabbitmq" %}
        "broker_url": "amqp://guest:guest@127.0.0.1:5672//",
        # None: the database result backend on a SQLite file in the instance folder (see load()).
        "result_backend": None,
{%- else %}
        # None: kombu's SQLAlchemy transport and the database result backend, each on a SQLite
        # file in the instance folder (see load()), so a worker needs no server.
        "broker_url": None,
        "result_backend": None,
{%- endif %}
        # JSON only: a message can never make the worker unpickle arbitrary objects.
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        # Acknowledge after the task ran, and put the message back when the worker process dies
        # mid-task, so a crash means "run again" rather than "lost". Tasks must be idempotent.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # A worker process reserves one message at a time, so a long task holds up no others.
        "worker_prefetch_multiplier": 1,
        # Seconds: SoftTimeLimitExceeded is raised in the task, then the process is killed.
        "task_soft_time_limit": 300,
        "task_time_limit": 330,
        "task_track_started": True,
        "result_expires": timedelta(days=1),
        "timezone": "UTC",
        # Publishing (in a web request) gives up quickly when the broker is down, so the caller
        # can fall back instead of hanging: one short connect attempt, no retry loop.
        "broker_connection_timeout": 2,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {"max_retries": 1, "interval_start": 0, "interval_max": 1},
        "beat_schedule": {
            "prune-audit-events": {
                "task": "{{ cookiecutter.package_name }}.tasks.audit.prune_audit_events",
                "schedule": timedelta(hours=1),
            },
        },
        # None: celerybeat-schedule in the instance folder (see load()).
        "beat_schedule_filename": None,
    }
    #: Audit events older than this many days are deleted by the periodic prune task.
    AUDIT_RETENTION_DAYS = 90
    #: Steps and seconds per step of the demo task started on /tasks/.
    DEMO_TASK_STEPS = 20
    DEMO_TASK_DELAY = 0.5
{%- endif %}


class DevelopmentConfig(BaseConfig):
    """Local development: debug logging."""

    LOG_LEVEL = "DEBUG"


class TestingConfig(BaseConfig):
{%- if cookiecutter.database == "sqlite" %}
    """The test suite: in-memory database, CSRF off (one test turns it back on)."""

    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
{%- else %}
    """The test suite: CSRF off (one test turns it back on); tests/conftest.py creates a
    database for each run and passes its URL in."""

    TESTING = True
{%- endif %}
    WTF_CSRF_ENABLED = False
    LOG_LEVEL = "WARNING"
{%- if cookiecutter.use_api %}
    # PyJWT warns about HMAC keys shorter than 32 bytes, and warnings fail the tests.
    JWT_SECRET_KEY = "testing-only-jwt-key-" + "x" * 32
{%- if cookiecutter.use_redis %}
    # Counts in a shared Redis would outlive the run and throttle the next one.
    RATELIMIT_STORAGE_URI = "memory://"
{%- endif %}
{%- endif %}
{%- if cookiecutter.celery_broker != "none" %}
    # Tasks run at once in the calling process; results are kept in memory for the status API.
    CELERY = {
        **BaseConfig.CELERY,
        "broker_url": "memory://",
        "result_backend": "cache+memory://",
        "task_always_eager": True,
        "task_eager_propagates": True,
        "task_store_eager_result": True,
    }
    DEMO_TASK_STEPS = 3
    DEMO_TASK_DELAY = 0
{%- endif %}


class ProductionConfig(BaseConfig):
    """Deployment: secure cookies, a real SECRET_KEY required."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load(app: Flask, config_name: str, overrides: dict[str, object]) -> None:
    """Fill ``app.config`` in the order given in this module's docstring.

    Args:
        app: the app being built; its instance folder is created when missing.
        config_name: a key of :data:`CONFIGS`.
        overrides: keys applied last.

    Raises:
        ConfigError: unknown ``config_name``, or production without a real ``SECRET_KEY``.
    """
    try:
        app.config.from_object(CONFIGS[config_name])
    except KeyError:
        names = ", ".join(CONFIGS)
        raise ConfigError(f"unknown config {config_name!r}: use one of {names}") from None
    for variable, key in SERVICE_URL_VARIABLES.items():
        if value := os.environ.get(variable):
            app.config[key] = value
{%- if cookiecutter.celery_broker != "none" %}
    # A copy, so changes below never leak into the class attribute shared by every app.
    app.config["CELERY"] = dict(app.config["CELERY"])
    for variable, key in (
        ("CELERY_BROKER_URL", "broker_url"),
        ("CELERY_RESULT_BACKEND", "result_backend"),
    ):
        if value := os.environ.get(variable):
            app.config["CELERY"][key] = value
{%- endif %}
    app.config.from_prefixed_env()
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(overrides)

    os.makedirs(app.instance_path, exist_ok=True)
{%- if cookiecutter.database == "sqlite" %}
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "app.db"
        )
{%- endif %}
{%- if cookiecutter.use_redis %}
    if not app.config.get("CACHE_REDIS_URL"):
        app.config["CACHE_REDIS_URL"] = app.config["REDIS_URL"]
{%- if cookiecutter.use_api %}
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
{%- endif %}
    app.config.setdefault(
        "CACHE_OPTIONS",
        {
            "socket_timeout": app.config["REDIS_TIMEOUT"],
            "socket_connect_timeout": app.config["REDIS_TIMEOUT"],
        },
    )
{%- endif %}
{%- if cookiecutter.celery_broker != "none" %}
    instance = Path(app.instance_path)
    celery = app.config["CELERY"] = dict(app.config["CELERY"])
{%- if cookiecutter.celery_broker == "sqlalchemy" %}
    celery["broker_url"] = celery.get("broker_url") or (
        f"sqla+sqlite:///{instance / 'celery-broker.sqlite'}"
    )
{%- endif %}
{%- if cookiecutter.celery_broker != "redis" %}
    celery["result_backend"] = celery.get("result_backend") or (
        f"db+sqlite:///{instance / 'celery-results.sqlite'}"
    )
{%- endif %}
    celery["beat_schedule_filename"] = celery.get("beat_schedule_filename") or str(
        instance / "celerybeat-schedule"
    )
{%- endif %}
    if config_name == "production":
        check_secret_key(app.config.get("SECRET_KEY"))


def check_secret_key(secret_key: object) -> None:
    """Refuse a SECRET_KEY that is missing, a placeholder, or too short to resist guessing.

    Flask signs the session cookie with it (Flask docs, "SECRET_KEY").

    Raises:
        ConfigError: with a one-line message that says how to make a key.
    """
    key = secret_key if isinstance(secret_key, str) else ""
    if key in PLACEHOLDER_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            "SECRET_KEY is missing, a placeholder or shorter than "
            f"{MIN_SECRET_KEY_LENGTH} characters: set FLASK_SECRET_KEY, e.g. to the output of "
            '`python -c "import secrets; print(secrets.token_hex(32))"`'
        )

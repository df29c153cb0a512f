"""Configuration classes and the order in which settings are read.

Precedence, lowest to highest (see :func:`load`):

1. the class defaults below, chosen by name (``development``, ``testing``, ``production``), and
   each feature's own defaults (its ``settings.py``, added by :func:`add_settings`);
2. the conventional twelve-factor variables of the backing services: ``DATABASE_URL`` here,
   and the ones a feature reads for its server (say, ``REDIS_URL``);
3. every ``FLASK_*`` environment variable, prefix removed and value parsed as JSON when it can be
   (Flask's ``Config.from_prefixed_env``), e.g. ``FLASK_SECRET_KEY`` or
   ``FLASK_SQLALCHEMY_ECHO=true``; ``__`` sets one key of a dict setting
   (``FLASK_SQLALCHEMY_ENGINE_OPTIONS__pool_recycle=600``); ``.env`` and ``.flaskenv`` feed the
   environment;
4. ``instance/config.py``, the deployment-local file kept out of version control;
5. keyword overrides passed to ``create_app`` (tests only).
"""

import copy
import os
from collections.abc import Mapping
from datetime import timedelta

from flask import Flask

from .security import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY

#: Values that mark a SECRET_KEY as not chosen for this deployment.
PLACEHOLDER_SECRET_KEYS = frozenset({"", "dev", "change-me"})
#: Shortest SECRET_KEY production accepts, in characters; ``secrets.token_hex(32)`` gives 64.
MIN_SECRET_KEY_LENGTH = 32
#: Fewest PBKDF2-HMAC-SHA256 rounds production accepts (OWASP Password Storage Cheat Sheet).
MIN_PBKDF2_ROUNDS = 600_000
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


class ConfigError(RuntimeError):
    """The configuration cannot work; the message is one line that says what to change."""


class BaseConfig:
    """Settings shared by every environment."""

    APP_NAME = {{ cookiecutter.project_name | pyquote }}
    # One sentence under the name on the home page.
    APP_DESCRIPTION = {{ cookiecutter.description | pyquote }}
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
        # Seconds a request waits for a free pooled connection before it fails (503).
        "pool_timeout": 10,
{%- if cookiecutter.database == "postgresql" %}
        "connect_args": {
            "connect_timeout": 5,
            # The server cancels a statement after 15 s and a wait for a lock after 5 s
            # (PostgreSQL docs, "Client Connection Defaults"), so a long lock held by someone
            # else gives a 503 instead of a request that never ends. Migrations lift the
            # statement limit (migrations/env.py).
            "options": "-c statement_timeout=15s -c lock_timeout=5s",
            # A dead host or network (no RST ever comes): TCP keepalives find an idle connection
            # dead after 10 + 3 x 5 s, and tcp_user_timeout (ms) fails a query whose packets are
            # not acknowledged for 15 s (libpq docs, "Parameter Key Words").
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "tcp_user_timeout": 15000,
        },
{%- else %}
        "connect_args": {
            "connect_timeout": 5,
            # Seconds PyMySQL waits for each read from or write to the server: a server that
            # stops answering (hung, frozen, cut off) fails the query instead of holding the
            # request; with the pool's reconnect attempt, a request gives up within 2 x 10 s,
            # inside gunicorn's 30 s. Migrations lift both (migrations/env.py); raise them for
            # tasks that run longer queries.
            "read_timeout": 10,
            "write_timeout": 10,
        },
{%- endif %}
{%- if cookiecutter.database == "mysql" %}
        # PostgreSQL's default, instead of MySQL's REPEATABLE READ: a transaction sees what
        # other connections (a background task, another worker) committed since it began.
        "isolation_level": "READ COMMITTED",
{%- endif %}
    }
{%- endif %}
    # Flask-Caching: seconds an entry lives. CACHE_TYPE is NullCache (nothing cached) unless a
    # feature backs the cache with a server every worker shares; see create_app.
    CACHE_DEFAULT_TIMEOUT = 300
    LOG_LEVEL = "INFO"
    # "json": one JSON object per line (production); "text": one readable line (logging.py).
    LOG_FORMAT = "text"
    # Take a request's id from its X-Request-ID header: only when a proxy in front sets that
    # header itself (docker/nginx.conf does), since a client can send anything.
    TRUST_REQUEST_ID = False
    # Werkzeug's generate_password_hash method for new passwords; stored hashes name their own
    # method, so a change applies to passwords set afterwards.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  (a hash method, not a password)
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
    # New passwords need at least this zxcvbn score, 0 to 4 (auth/passwords.py).
    PASSWORD_MIN_SCORE = 2
    # Login throttling (auth/throttle.py): failures per key within the window (seconds).
    LOGIN_THROTTLE_WINDOW = 15 * 60
    LOGIN_THROTTLE_LIMITS = {"account_client": 10, "client": 30, "account": 100}
    # Limits on a request (security.py): body bytes (413 above it), JSON nesting (400).
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_JSON_DEPTH = 32
    # Bootstrap-Flask: serve Bootstrap from this app, not from a CDN the CSP would block.
    BOOTSTRAP_SERVE_LOCAL = True
    # Rows on one page of a list (the notes, the admin's users).
    PER_PAGE = 20
    # Response headers (security.py). HSTS (seconds) goes out on HTTPS requests only.
    CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY
    PERMISSIONS_POLICY = PERMISSIONS_POLICY
    REFERRER_POLICY = "same-origin"
    HSTS_MAX_AGE = 365 * 24 * 3600
    # E-mail (mail.py, Flask-Mailman's settings). With no MAIL_SERVER each message is written
    # to a file in instance/mail/ instead of being sent; set FLASK_MAIL_SERVER to send by SMTP.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False  # STARTTLS on the plain port (587)
    MAIL_USE_SSL = False  # TLS from the first byte (465)
    # Seconds each SMTP operation may take: a hung mail server fails the delivery instead of
    # holding a request or a worker.
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = "no-reply@localhost"
    # Accounts (auth/): whether a user may log in before confirming the address (they see a
    # notice until they do), and how long each e-mailed link works, in seconds.
    ALLOW_UNCONFIRMED_LOGIN = True
    EMAIL_CONFIRM_MAX_AGE = 48 * 3600
    PASSWORD_RESET_MAX_AGE = 3600
    # Account e-mails a visitor can trigger (auth/mail_limits.py): per kind, at most "address"
    # to one address and "client" asked for by one client within the window (seconds).
    MAIL_LIMIT_WINDOW = 3600
    MAIL_LIMITS = {"address": 3, "client": 10}


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
    # One PBKDF2 round: tests log in hundreds of times and need no slow hash (about 0.3 s per
    # scrypt hash here). Never a method for real passwords.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"  # noqa: S105  (a hash method)


class ProductionConfig(BaseConfig):
    """Deployment: secure cookies, a real SECRET_KEY required."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    LOG_FORMAT = "json"


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
    # A copy of each dict setting: FLASK_NAME__key changes this app's, not the class's.
    for name, value in app.config.items():
        if isinstance(value, dict):
            app.config[name] = copy.deepcopy(value)
    if url := os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config.from_prefixed_env()
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(overrides)
    # Which of CONFIGS this app runs: what error reports call its environment, for one.
    app.config["CONFIG_NAME"] = config_name

    os.makedirs(app.instance_path, exist_ok=True)
{%- if cookiecutter.database == "sqlite" %}
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "app.db"
        )
{%- endif %}
    if config_name == "production":
        check_secret_key(app.config.get("SECRET_KEY"))
        check_password_hash_method(app.config.get("PASSWORD_HASH_METHOD"))


def add_settings(
    app: Flask,
    settings: type,
    testing: type | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Add a feature's settings to ``app.config`` beneath everything :func:`load` applied.

    Args:
        app: the app being built, after :func:`load`.
        settings: a class whose upper-case attributes are the feature's defaults.
        testing: the class used instead when ``app.testing`` is set (the testing config).
        environ: environment variable -> config key; a variable that is set replaces that
            default (rung 2 of the precedence). ``"NAME.key"`` names one key of a dict setting.

    A key the app already has keeps its value. A dict setting is merged key by key, the app's
    keys winning, so ``FLASK_NAME__key=value`` changes one key, not the whole dict.
    """
    chosen = testing if testing is not None and app.testing else settings
    defaults = {
        name: copy.deepcopy(getattr(chosen, name)) for name in dir(chosen) if name.isupper()
    }
    for variable, key in (environ or {}).items():
        if value := os.environ.get(variable):
            name, _, item = key.partition(".")
            if item:
                defaults[name][item] = value
            else:
                defaults[name] = value
    for name, value in defaults.items():
        current = app.config.get(name)
        if isinstance(value, dict) and isinstance(current, dict):
            app.config[name] = {**value, **current}
        elif name not in app.config:
            app.config[name] = value


def check_password_hash_method(method: object) -> None:
    """Refuse a ``PASSWORD_HASH_METHOD`` too cheap for stored passwords: scrypt (Werkzeug's
    default) passes, and PBKDF2 with at least :data:`MIN_PBKDF2_ROUNDS` rounds.

    Raises:
        ConfigError: in one line, naming the method and what to use instead.
    """
    text = method if isinstance(method, str) else ""
    kind, _, rest = text.partition(":")
    if kind == "scrypt":
        return
    if kind == "pbkdf2":
        rounds = rest.partition(":")[2]
        if not rounds or (rounds.isdigit() and int(rounds) >= MIN_PBKDF2_ROUNDS):
            return  # Werkzeug's own PBKDF2 default is above the floor
    raise ConfigError(
        f"PASSWORD_HASH_METHOD {text!r} is too weak for stored passwords: use 'scrypt' or "
        f"'pbkdf2:sha256:{MIN_PBKDF2_ROUNDS}' or more rounds"
    )


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

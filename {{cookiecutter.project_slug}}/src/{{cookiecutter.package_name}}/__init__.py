"""The application factory.

Everything is built inside :func:`create_app`; importing this package has no side effects, so
``wsgi.py``, the ``flask`` command and the tests each get a fresh, fully configured app. The
core (accounts, e-mail, notes, admin, health, errors, CLI) is set up first; then each package of
:data:`FEATURES` adds itself with its ``init_app``.
"""

import os
from importlib import import_module
from pathlib import Path

from flask import Flask
from sqlalchemy.exc import ArgumentError
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, config, errors, health, logging, mail, migrations, security
from .account import bp as account_bp
from .admin import bp as admin_bp
from .auth import bp as auth_bp
from .extensions import bootstrap, cache, csrf, db, forget_pools_after_fork, login_manager
from .main import bp as main_bp
from .models import Note, Permission, Role, User
from .notes import bp as notes_bp

#: The optional features of this project, set up in this order after the core. Each is a
#: subpackage whose ``init_app(app)`` adds its settings, extensions, models, blueprints, CLI
#: commands, health checks and signal handlers: delete its line and its folder to remove it.
{%- set features = [] %}
{%- if cookiecutter.use_sentry %}{% set _ = features.append("sentry") %}{% endif %}
{%- if cookiecutter.use_prometheus %}{% set _ = features.append("metrics") %}{% endif %}
{%- if cookiecutter.use_redis %}{% set _ = features.append("redis") %}{% endif %}
{%- if cookiecutter.use_mongodb %}{% set _ = features.append("activity") %}{% endif %}
{%- if cookiecutter.use_api %}{% set _ = features.append("api") %}{% endif %}
{%- if cookiecutter.celery_broker != "none" %}{% set _ = features.append("tasks") %}{% endif %}
{%- if cookiecutter.use_socketio %}{% set _ = features.append("socketio") %}{% endif %}
FEATURES: list[str] = [{% for name in features %}
    "{{ name }}",{% endfor %}{% if features %}
{% endif %}]


def create_app(config_name: str | None = None, **overrides: object) -> Flask:
    """Build and return a configured Flask application.

    Args:
        config_name: ``"development"``, ``"testing"`` or ``"production"``. ``None`` reads the
            ``APP_CONFIG`` environment variable and falls back to ``"development"``.
        **overrides: config keys applied last, after the environment and ``instance/config.py``
            (the tests use this to point the app at a temporary database).

    Returns:
        The Flask app, with extensions, blueprints, error handlers and CLI commands registered.

    Raises:
        KeyError: ``config_name`` is not one of the names above.
        config.ConfigError: the production config has no real ``SECRET_KEY``, or a service
            URL cannot be used (malformed, or its driver is not installed).

    The instance folder is ``$INSTANCE_PATH`` when set, otherwise ``instance/`` in the current
    directory (run the app from the project folder, as the README does).
    """
    instance_path = Path(os.environ.get("INSTANCE_PATH") or "instance").resolve()
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    config_name = config_name or os.environ.get("APP_CONFIG", "development")
    config.load(app, config_name, overrides)
    logging.init_app(app)
    # The liveness probe is answered in front of the app, and behind ProxyFix (which sets the
    # scheme that decides on HSTS). As for ProxyFix below, mypy wants the ignore.
    app.wsgi_app = health.LivenessProbe(app, app.wsgi_app)  # type: ignore[method-assign]
    trust_proxy_headers(app)

    try:
        db.init_app(app)
    except (ArgumentError, ImportError) as error:
        # A malformed URL or a missing driver: say so in one line, not a traceback.
        raise config.ConfigError(f"DATABASE_URL cannot be used: {error}") from None
    forget_pools_after_fork(app)
    if migrations.wanted(app):
        migrations.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    security.init_app(app)
    mail.init_app(app, production=config_name == "production")
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(notes_bp, url_prefix="/notes")
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(health.bp, url_prefix=health.URL_PREFIX)
    app.session_interface = health.SessionInterface()
    cli.register(app)
    app.shell_context_processor(
        lambda: {
            "app": app,
            "db": db,
            "cache": cache,
            "User": User,
            "Role": Role,
            "Permission": Permission,
            "Note": Note,
        }
    )

    for name in FEATURES:
        import_module(f".{name}", __name__).init_app(app)
    # After the features: one may back the cache with its server (Redis does), and the
    # extension of another may register error handlers of its own (flask-smorest does), which
    # these replace; a feature shapes its errors through errors.add_responder instead.
    # No feature gave the cache a server: cache nothing, since an in-process cache would hold
    # its own counts in each gunicorn worker and an invalidation would reach only one of them.
    app.config.setdefault("CACHE_TYPE", "NullCache")
    app.config.setdefault("CACHE_NO_NULL_WARNING", True)  # NullCache is chosen here, on purpose
    cache.init_app(app)
    errors.register(app)
    return app


def trust_proxy_headers(app: Flask) -> None:
    """Wrap the app in werkzeug's ProxyFix when the config trusts proxy headers.

    ``PROXY_FIX_X_FOR`` and its siblings give the number of proxies that set each
    ``X-Forwarded-*`` header; with all of them 0 (the default) the app is left unwrapped, so
    ``request.remote_addr`` and ``request.scheme`` come from the connection itself.
    """
    counts = {
        name: int(app.config[f"PROXY_FIX_{name.upper()}"])
        for name in ("x_for", "x_proto", "x_host", "x_port", "x_prefix")
    }
    if any(counts.values()):
        # Flask's documented way to add WSGI middleware, though it types wsgi_app as a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)  # type: ignore[method-assign]

"""The application factory.

Everything is built inside :func:`create_app`; importing this package has no side effects, so
``wsgi.py``, the ``flask`` command and the tests each get a fresh, fully configured app.
"""

import os
from pathlib import Path

from flask import Flask
from sqlalchemy.exc import ArgumentError
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, config, errors, logging, models
from .extensions import (
{%- if cookiecutter.use_api %}
    api,
{%- endif %}
    cache,
    csrf,
    db,
{%- if cookiecutter.use_api %}
    jwt,
    limiter,
{%- endif %}
    login_manager,
    migrate,
{%- if cookiecutter.use_mongodb %}
    mongo,
{%- endif %}
{%- if cookiecutter.use_redis %}
    redis_client,
{%- endif %}
)
{%- if cookiecutter.celery_broker != "none" %}
from .tasks import audit, celery_init_app
{%- endif %}


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
    config.load(app, config_name or os.environ.get("APP_CONFIG", "development"), overrides)
    logging.configure(app)
    trust_proxy_headers(app)

    try:
        db.init_app(app)
    except (ArgumentError, ImportError) as error:
        # A malformed URL or a missing driver: say so in one line, not a traceback.
        raise config.ConfigError(f"DATABASE_URL cannot be used: {error}") from None
    migrate.init_app(app, db, render_as_batch=True)
{%- if cookiecutter.use_redis %}
    redis_client.init_app(app)
{%- endif %}
    cache.init_app(app)
{%- if cookiecutter.use_mongodb %}
    mongo.init_app(app)
{%- endif %}
    login_manager.init_app(app)
    csrf.init_app(app)
{%- if cookiecutter.use_api %}
    jwt.init_app(app)
    limiter.init_app(app)
    api.init_app(app)
{%- endif %}
{%- if cookiecutter.celery_broker != "none" %}
    celery_init_app(app)
    audit.connect_signals(app)
{%- endif %}
{% if cookiecutter.use_mongodb %}
    from .activity import bp as activity_bp
{%- endif %}
    from .admin import bp as admin_bp
{%- if cookiecutter.use_api %}
    from .api import API_PREFIX, assets_bp, blueprints
{%- endif %}
    from .auth import bp as auth_bp
    from .health import bp as health_bp
    from .main import bp as main_bp
{%- if cookiecutter.celery_broker != "none" %}
    from .tasks import bp as tasks_bp
{%- endif %}

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(health_bp, url_prefix="/health")
{%- if cookiecutter.use_mongodb %}
    app.register_blueprint(activity_bp, url_prefix="/activity")
{%- endif %}
{%- if cookiecutter.use_api %}
    app.register_blueprint(assets_bp, url_prefix=f"{API_PREFIX}/docs")
    for blueprint in blueprints:
        # Token auth, no cookies: nothing for a cross-site form to forge.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix=f"{API_PREFIX}{blueprint.url_prefix}")
{%- endif %}
{%- if cookiecutter.celery_broker != "none" %}
    app.register_blueprint(tasks_bp, url_prefix="/tasks")
{%- endif %}

    errors.register(app)
    cli.register(app)
    app.shell_context_processor(
        lambda: {
            "app": app,
            "db": db,
            "cache": cache,
{%- if cookiecutter.use_redis %}
            "redis_client": redis_client,
{%- endif %}
{%- if cookiecutter.use_mongodb %}
            "mongo": mongo,
{%- endif %}
            "User": models.User,
            "Role": models.Role,
            "Permission": models.Permission,
{%- if cookiecutter.use_api %}
            "Note": models.Note,
{%- endif %}
{%- if cookiecutter.celery_broker != "none" %}
            "AuditEvent": models.AuditEvent,
            "celery_app": app.extensions["celery"],
{%- endif %}
        }
    )
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
        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)

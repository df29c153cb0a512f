"""The REST API, version 1, under ``/api/v1``: tokens, users (for admins) and notes (per user).

Each module holds one flask-smorest blueprint; :func:`init_app` registers :data:`blueprints`
with the ``api`` extension, which also serves the OpenAPI document (``/api/v1/openapi.json``) and
Swagger UI (``/api/v1/docs``). Swagger UI's JavaScript and CSS are served by :data:`assets_bp`
from the flask-swagger-ui package, so the docs need no CDN.
"""

from collections.abc import Sequence
from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Flask

from .. import config, migrations
from ..errors import add_responder
from ..extensions import csrf
from ..main import add_nav_link
from .errors import http_error_response, is_api_request
from .extensions import api, jwt, limiter
from .models import RevokedToken
from .notes import bp as notes_bp
from .settings import API_PREFIX, Settings, TestingSettings
from .tokens import bp as tokens_bp
from .users import bp as users_bp

__all__ = ["API_PREFIX", "RevokedToken", "init_app"]

#: The API's blueprints, each with its own ``url_prefix`` below :data:`API_PREFIX`.
blueprints = [tokens_bp, users_bp, notes_bp]

#: The blueprints with a route that has a rate limit (``limiter.limit``): Flask-Limiter's
#: per-request hooks run for these only (:func:`limit_hooks_to`).
limited_blueprints = [tokens_bp]

#: Swagger UI's static files, at ``/api/v1/docs/assets/`` (OPENAPI_SWAGGER_UI_URL), and the
#: page that starts it (``templates/swagger_ui.html``) with its script (``static/``).
assets_bp = Blueprint(
    "api_docs_assets",
    __name__,
    static_folder=Path(flask_swagger_ui.__file__).parent / "dist",
    static_url_path="/assets",
    template_folder="templates",
)
add_nav_link(
    assets_bp,
    "api-docs.openapi_swagger_ui",
    "API docs",
    "The REST API's reference: get a token and try each request in the browser.",
)

#: This feature's own script, at ``/api/v1/docs/static/``.
static_bp = Blueprint("api_static", __name__, static_folder="static", static_url_path="/static")


def init_app(app: Flask) -> None:
    """Serve the API on ``app``: settings, token and rate-limit extensions, the OpenAPI
    document, the blueprints, and JSON error bodies for every response under ``/api/``."""
    config.add_settings(app, Settings, TestingSettings)
    app.config.setdefault("API_TITLE", app.config["APP_NAME"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL", "memory://"))
    jwt.init_app(app)
    limiter.init_app(app)
    limit_hooks_to(app, limited_blueprints)
    # Before flask-smorest's own blueprint, so that this swagger_ui.html is the one found.
    app.register_blueprint(assets_bp, url_prefix=f"{API_PREFIX}/docs")
    app.register_blueprint(static_bp, url_prefix=f"{API_PREFIX}/docs")
    api.init_app(app)
    for blueprint in blueprints:
        # Token auth, no cookies: nothing for a cross-site form to forge.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix=f"{API_PREFIX}{blueprint.url_prefix}")
    add_responder(app, lambda error: http_error_response(error) if is_api_request() else None)
    migrations.add_revisions(app, "api", head="0002")


def limit_hooks_to(app: Flask, limited: Sequence[Blueprint]) -> None:
    """Keep Flask-Limiter's per-request work to the requests of ``limited`` blueprints.

    ``limiter.init_app`` hooks every request of the app: a ``before_request`` that checks the
    app-wide and default limits, an ``after_request`` that adds the ``X-RateLimit-*`` and
    ``Retry-After`` headers of the limits the request met, and a ``teardown_request`` that
    clears what it kept for them. This app has no app-wide or default limit: each limit is a
    route's ``limiter.limit`` decorator, which checks that route itself (Flask-Limiter's
    ``LimitDecorator``). So the check goes, and the other two hooks move to the blueprints that
    have such a route; the pages and health probes pay nothing for the API's limits. Giving the
    app default or app-wide limits (``RATELIMIT_DEFAULT``, ``RATELIMIT_APPLICATION``)? Do not
    call this.
    """
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    for hooks in (app.after_request_funcs, app.teardown_request_funcs):
        # The after_request hook is a functools.partial over the limiter, the teardown one of
        # its bound methods.
        own = [
            hook
            for hook in hooks[None]
            if limiter in (getattr(hook, "__self__", None), *getattr(hook, "args", ()))
        ]
        for hook in own:
            hooks[None].remove(hook)
            for blueprint in limited:
                hooks.setdefault(blueprint.name, []).append(hook)

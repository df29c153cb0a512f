"""The REST API, version 1, under ``/api/v1``: tokens, users (for admins) and notes (per user).

Each module holds one flask-smorest blueprint; ``create_app`` registers :data:`blueprints` with
the ``api`` extension, which also serves the OpenAPI document (``/api/v1/openapi.json``) and
Swagger UI (``/api/v1/docs``). Swagger UI's JavaScript and CSS are served by :data:`assets_bp`
from the flask-swagger-ui package, so the docs need no CDN.
"""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint

from .notes import bp as notes_bp
from .tokens import bp as tokens_bp
from .users import bp as users_bp

#: Where the API lives; the OPENAPI_* settings in config.py use the same prefix.
API_PREFIX = "/api/v1"

#: The API's blueprints, each with its own ``url_prefix`` below :data:`API_PREFIX`.
blueprints = [tokens_bp, users_bp, notes_bp]

#: Swagger UI's static files, at ``/api/v1/docs/assets/`` (OPENAPI_SWAGGER_UI_URL).
assets_bp = Blueprint(
    "api_docs_assets",
    __name__,
    static_folder=Path(flask_swagger_ui.__file__).parent / "dist",
    static_url_path="/assets",
)

"""JSON errors for every response under ``/api``, all with one body shape (``ErrorSchema``).

``{"code": 422, "status": "Unprocessable Entity", "message": "...", "errors": {...}}``; ``errors``
only appears for validation failures and maps each location (``json``, ``query``) to its fields.
The API's ``init_app`` hands :func:`http_error_response` to the app's error handlers; the
token callbacks in ``security.py`` build their 401s with :func:`error_response`.
"""

from typing import Any

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

VALIDATION_MESSAGE = "The request is not valid; see errors."


def is_api_request() -> bool:
    """Return whether the current request is for the API (its path starts with ``/api/``)."""
    return request.path.startswith("/api/")


def error_response(code: int, message: str, errors: dict[str, Any] | None = None) -> Response:
    """A JSON error response with status ``code``; 401s also say how to authenticate."""
    body: dict[str, object] = {
        "code": code,
        "status": HTTP_STATUS_CODES.get(code, "Unknown Error"),
        "message": message,
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    if code == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def http_error_response(error: HTTPException) -> Response:
    """The JSON response for an HTTP error raised while serving an API request.

    ``flask_smorest.abort(404, message=...)`` and webargs' validation errors keep their details
    in ``error.data``; other errors (routing, rate limits) give their description.
    """
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    message = data.get("message") or (VALIDATION_MESSAGE if errors else error.description)
    if error.code == 429 and not data.get("message"):
        # Flask-Limiter's description is the limit itself, e.g. "10 per 1 minute".
        message = f"Too many requests: {message}; try again later."
    response = error_response(error.code or 500, message or "", errors)
    # Keep headers such as 405's Allow; the body is ours.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response

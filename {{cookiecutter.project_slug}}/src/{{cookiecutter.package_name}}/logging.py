"""Logging to standard output, one line per record, each tagged with the request it belongs to.

Each process (every gunicorn worker included) writes its own lines to stdout and leaves rotation
and shipping to the process manager, so no two workers ever share a log file. With
``LOG_FORMAT = "json"`` (the production config's) each line is one JSON object
(python-json-logger): ``time`` (ISO 8601, UTC), ``level``, ``logger``, ``message``, and the
fields of :data:`FIELDS`: ``request_id``, ``user_id`` and ``remote_addr`` in a request
(``null`` outside one), and what a feature adds with :func:`add_field`. ``"text"``
(development, testing) writes ``time LEVEL [logger] message``.
{%- if cookiecutter.celery_broker != "none" %}
Lines logged inside a Celery task also carry its ``task_id`` (added by the tasks package).
{%- endif %}

Every request the app sees (the liveness probe is answered in front of it) gets an id, sent
back in the ``X-Request-ID`` response header: the one its ``X-Request-ID`` header carries when
``TRUST_REQUEST_ID`` is set (a proxy in front sets it, overwriting the client's: Caddy's
``{http.request.uuid}``, nginx's ``$request_id``), otherwise a new random one.
"""

import re
import secrets
from collections.abc import Callable
from logging import Filter, LogRecord
from logging.config import dictConfig

from flask import Flask, current_app, g, has_request_context, request
from werkzeug.wrappers import Response

#: The header that carries a request's id in and out (a de facto standard: nginx, Heroku).
REQUEST_ID_HEADER = "X-Request-ID"

#: What an id taken from a proxy may look like: 1 to 128 letters, digits and ``.-_:``. Anything
#: else (too long, spaces, quotes, control characters) is replaced by a new id, so a client
#: cannot write what it likes into the logs.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id() -> str | None:
    """The current request's id, or ``None`` outside a request."""
    if not has_request_context():
        return None
    value: str | None = g.get("request_id")
    return value


def user_id() -> int | None:
    """The database id of the user the current request has already loaded, else ``None``.

    It reads what Flask-Login keeps in ``g._login_user`` and never loads a user itself: a log
    line must not query the database (which may be the very thing that failed). It is the
    ``id`` column, not ``get_id()``, which is the user's session token, a secret.
    """
    if not has_request_context():
        return None
    user = g.get("_login_user")
    if user is None or not user.is_authenticated:
        return None
    value: int = user.id
    return value


def remote_addr() -> str | None:
    """The client's address in a request (the one a trusted proxy reports, once ProxyFix is
    on: ``PROXY_FIX_X_FOR``), else ``None``."""
    return request.remote_addr if has_request_context() else None


#: The fields added to every record: name -> a function giving its value now (``None`` when it
#: does not apply). A feature adds its own with :func:`add_field`.
FIELDS: dict[str, Callable[[], object]] = {
    "request_id": request_id,
    "user_id": user_id,
    "remote_addr": remote_addr,
}


def add_field(name: str, value: Callable[[], object]) -> None:
    """Add the field ``name`` to every log record, its value given by ``value()``.

    Logging is set up once per process, so the fields are too: call this from a feature's
    ``init_app``; calling it again with the same name replaces the function.
    """
    FIELDS[name] = value


class ContextFilter(Filter):
    """Sets each field of :data:`FIELDS` on every record that passes the handler."""

    def filter(self, record: LogRecord) -> bool:
        for name, value in FIELDS.items():
            setattr(record, name, value())
        return True


def assign_request_id() -> None:
    """``before_request``: the request's id, as the module docstring says, in ``g.request_id``."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    trusted = current_app.config["TRUST_REQUEST_ID"] and VALID_REQUEST_ID.fullmatch(incoming)
    g.request_id = incoming if trusted else secrets.token_hex(16)


def send_request_id(response: Response) -> Response:
    """``after_request``: the request's id in the ``X-Request-ID`` response header."""
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def init_app(app: Flask) -> None:
    """Set up logging (:func:`configure`) and give each request of ``app`` its id."""
    configure(app)
    app.before_request(assign_request_id)
    app.after_request(send_request_id)


def configure(app: Flask) -> None:
    """Configure the root logger from ``app.config``: ``LOG_LEVEL`` (a :mod:`logging` level
    name) and ``LOG_FORMAT`` (``"json"`` or ``"text"``).

    Raises:
        ValueError: ``LOG_FORMAT`` is neither.
    """
    log_format = app.config["LOG_FORMAT"]
    if log_format not in ("json", "text"):
        raise ValueError(f"LOG_FORMAT must be 'json' or 'text', not {log_format!r}")
    dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"context": {"()": ContextFilter}},
            "formatters": {
                "text": {"format": "%(asctime)s %(levelname)s [%(name)s] %(message)s"},
                "json": {
                    "()": "pythonjsonlogger.json.JsonFormatter",
                    "fmt": "%(levelname)s %(name)s %(message)s",
                    "rename_fields": {"levelname": "level", "name": "logger"},
                    "timestamp": "time",
                },
            },
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "formatter": log_format,
                    "filters": ["context"],
                },
            },
            "root": {"level": app.config["LOG_LEVEL"], "handlers": ["stdout"]},
            "loggers": {
                # Alembic announces each of its plugins at INFO whenever Flask-Migrate loads
                # (every `flask` command, `flask run` included): seven lines of noise.
                "alembic.runtime.plugins": {"level": "WARNING"},
{%- if cookiecutter.celery_broker != "none" %}
                # At DEBUG this one prints the source of every task signature Celery builds
                # (about 30 multi-line dumps at each worker start), drowning the lines that matter.
                "celery.utils.functional": {"level": "INFO"},
{%- endif %}
            },
        }
    )

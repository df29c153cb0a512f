"""Error tracking with Sentry (sentry-sdk).

{% if cookiecutter.celery_broker != "none" -%}
Every unhandled exception of a request or a Celery task, and every record logged at ERROR,
{% else -%}
Every unhandled exception of a request, and every record logged at ERROR,
{% endif -%}
becomes an event sent to the project that ``SENTRY_DSN`` names. Without a DSN nothing is set up
and nothing is sent.

Each event carries the release (this distribution's version), the environment (the config's
name), and the request's id as the tag ``request_id`` (the ``X-Request-ID`` the client got
back, and the one on the request's log lines).

No personal data leaves the app: no user, client address, cookie, request body{% if cookiecutter.celery_broker != "none" %}, task argument{% endif %}
or value bound into an SQL statement. sentry-sdk 3 collects most of these by default, so
:data:`DATA_COLLECTION` turns them off (Sentry's "Data Collection" spec,
https://develop.sentry.dev/sdk/foundations/client/data-collection/).
"""

import logging
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as distribution_version

import sentry_sdk
from flask import Flask
{%- if cookiecutter.celery_broker != "none" %}
from sentry_sdk.integrations.celery import CeleryIntegration
{%- endif %}
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.integrations.sqlalchemy import SqlalchemyIntegration
from sentry_sdk.types import DataCollectionUserOptions, Event, Hint

from .. import config
from ..logging import request_id
from .settings import Settings

__all__ = [
    "DATA_COLLECTION",
    "DISTRIBUTION",
    "PERSONAL_LOG_FIELDS",
    "before_send",
    "init_app",
    "release",
]

#: The distribution whose version is the release.
DISTRIBUTION = "{{ cookiecutter.project_slug }}"

#: sentry-sdk's ``data_collection``: what its integrations may attach to an event.
DATA_COLLECTION: DataCollectionUserOptions = {
    # The signed-in user and the client's address.
    "user_info": False,
    # "terms" is optional, but sentry-sdk spells that with typing.NotRequired, which mypy
    # cannot see when it checks for Python 3.10.
    "cookies": {"mode": "off", "terms": []},
    # Forms carry passwords and e-mail addresses.
    "http_bodies": [],
    # Headers stay but for those named like a credential (sentry-sdk's own list: auth, token,
    # session, ...) and the proxy headers, which carry the client's address.
    "http_headers": {"request": {"mode": "denylist", "terms": ["forwarded", "real-ip"]}},
    # The values bound into SQL statements (e-mail addresses, password hashes).
    "database_query_data": False,
{%- if cookiecutter.celery_broker != "none" %}
    # A task's arguments (the e-mail tasks get addresses).
    "queues": False,
{%- endif %}
    # A frame's local variables, but for those named like a credential, an e-mail address, an
    # e-mail message (it holds its recipient and, for a password reset, a link that logs in), a
    # user, a request (Flask's frames hold it as ``req``, whose repr is the URL with its query
    # string) or arguments (Celery's tracer holds a task's as ``args`` and ``kwargs``).
    "stack_frame_variables": {
        "mode": "denylist",
        "terms": ["mail", "message", "user", "req", "args"],
    },
}

#: The fields of the app's log records that name a person: the signed-in user and the client's
#: address. :func:`before_send` drops them from an event.
PERSONAL_LOG_FIELDS = ("user_id", "remote_addr")


def release() -> str | None:
    """``<distribution>@<version>`` of the installed project, or ``None`` when it is not
    installed (run from a bare source tree)."""
    try:
        return f"{DISTRIBUTION}@{distribution_version(DISTRIBUTION)}"
    except PackageNotFoundError:
        return None


def before_send(event: Event, hint: Hint) -> Event:
    """sentry-sdk's ``before_send``: tag the event with the current request's id, if any, and
    drop the personal fields of :data:`PERSONAL_LOG_FIELDS` from its ``extra``.

    An event made from a log record gets the record's extra attributes as its ``extra``, and
    every record carries the fields of the app's logging (``..logging.FIELDS``). Returns the
    event itself (sentry-sdk drops an event for which this returns ``None``).
    """
    if (current := request_id()) is not None:
        event.setdefault("tags", {})["request_id"] = current
    if extra := event.get("extra"):
        for name in PERSONAL_LOG_FIELDS:
            extra.pop(name, None)
    return event


def init_app(app: Flask) -> None:
    """Start sentry-sdk for this process when ``SENTRY_DSN`` is set; otherwise do nothing.

    sentry-sdk is set up once per process, so the last app built decides; an app built with no
    DSN leaves an earlier set-up alone.
    """
    config.add_settings(app, Settings, environ={"SENTRY_DSN": "SENTRY_DSN"})
    dsn = app.config["SENTRY_DSN"]
    if not dsn:
        return
    sentry_sdk.init(
        dsn=dsn,
        environment=app.config["SENTRY_ENVIRONMENT"] or app.config["CONFIG_NAME"],
        release=app.config["SENTRY_RELEASE"] or release(),
        data_collection=DATA_COLLECTION,
        traces_sample_rate=app.config["SENTRY_TRACES_SAMPLE_RATE"],
        before_send=before_send,
        integrations=[
            FlaskIntegration(),
            # sentry-sdk 3 sends no event for a logged record unless asked: the app's handler of
            # unhandled errors logs them, and a job's failure is logged, at ERROR. Its default
            # sends every record from INFO up as a Sentry log, each with the client's address:
            # level=None sends none (the log lines go to stdout, see ..logging).
            LoggingIntegration(level=None, event_level=logging.ERROR),
            SqlalchemyIntegration(),
{%- if cookiecutter.celery_broker != "none" %}
            CeleryIntegration(),
{%- endif %}
        ],
    )

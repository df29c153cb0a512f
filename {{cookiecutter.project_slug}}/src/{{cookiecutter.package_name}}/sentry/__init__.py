"""Error tracking with Sentry (sentry-sdk).

Every unhandled exception of a request{% if cookiecutter.celery_broker != "none" %} or a Celery task{% endif %}, and every record logged at
ERROR, becomes an event sent to the project that ``SENTRY_DSN`` names. Without a DSN nothing is
set up and nothing is sent.

Each event carries the release (this distribution's version), the environment (the config's
name), and the request's id as the tag ``request_id`` (the ``X-Request-ID`` the client got
back, and the one on the request's log lines). sentry-sdk's default for personal data stays:
no cookies, client addresses, user names or request bodies leave the app (Sentry's "Data
Collected" docs).
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as distribution_version

import sentry_sdk
from flask import Flask
{%- if cookiecutter.celery_broker != "none" %}
from sentry_sdk.integrations.celery import CeleryIntegration
{%- endif %}
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.integrations.sqlalchemy import SqlalchemyIntegration
from sentry_sdk.types import Event, Hint

from .. import config
from ..logging import request_id
from .settings import Settings

__all__ = ["DISTRIBUTION", "add_request_id", "init_app", "release"]

#: The distribution whose version is the release.
DISTRIBUTION = "{{ cookiecutter.project_slug }}"


def release() -> str | None:
    """``<distribution>@<version>`` of the installed project, or ``None`` when it is not
    installed (run from a bare source tree)."""
    try:
        return f"{DISTRIBUTION}@{distribution_version(DISTRIBUTION)}"
    except PackageNotFoundError:
        return None


def add_request_id(event: Event, hint: Hint) -> Event:
    """sentry-sdk's ``before_send``: tag the event with the current request's id, if any.

    Returns the event itself (sentry-sdk drops an event for which this returns ``None``).
    """
    if (current := request_id()) is not None:
        event.setdefault("tags", {})["request_id"] = current
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
        # No personal data: send_default_pii is left at its default, off (newer releases
        # replace that setting with data_collection, whose default is the same).
        traces_sample_rate=app.config["SENTRY_TRACES_SAMPLE_RATE"],
        before_send=add_request_id,
        integrations=[
            FlaskIntegration(),
            SqlalchemyIntegration(),
{%- if cookiecutter.celery_broker != "none" %}
            CeleryIntegration(),
{%- endif %}
        ],
    )

"""Background tasks with Celery, set up as in the Flask docs ("Background Tasks with Celery").

:func:`init_app` adds the settings of :mod:`.settings`, builds the Celery app from
``app.config["CELERY"]`` (:func:`celery_init_app`) and wires the rest of the feature: the audit
trail of logins and logouts, the delivery of e-mail (:mod:`.mail`), the broker's readiness
check, the ``/tasks/`` progress page and its JSON API (with the workers that are listening),
and the admin page's audit events. Every task runs inside the Flask app context
(``FlaskTask``), so tasks use ``db`` and ``current_app`` like a view does. Tasks are declared
with ``shared_task`` and take ids and plain JSON values, never ORM objects. The worker and beat
load ``celery_app.py``
(``celery -A {{ cookiecutter.package_name }}.tasks.celery_app worker``).
"""

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery import Celery, Task, current_task
from celery.signals import setup_logging
from flask import Blueprint, Flask, current_app
from kombu.exceptions import OperationalError

from .. import admin, config, errors, health, main, migrations
from .. import logging as app_logging
from ..extensions import db
from .models import AuditEvent, TaskRun
from .settings import ENVIRON, Settings, TestingSettings
{%- if cookiecutter.celery_broker == "sqlalchemy" %}
from .workers import add_heartbeat, heartbeat_folder, set_polling_interval
{%- endif %}

if TYPE_CHECKING:
    # celery-types makes Task generic (its arguments and result); Celery's own class takes no
    # parameters at run time.
    BaseTask = Task[Any, Any]
else:
    BaseTask = Task

bp = Blueprint(
    "tasks",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

#: How many audit events the admin page shows.
RECENT_AUDIT_EVENTS = 50


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app``, make it the default and store it as
    ``app.extensions["celery"]``."""

    class FlaskTask(BaseTask):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app: Celery = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
{%- if cookiecutter.celery_broker == "sqlalchemy" %}
    # The transport has no broadcast, so workers say they are listening with a file instead.
    add_heartbeat(celery_app, heartbeat_folder(app))
    set_polling_interval(celery_app, float(app.config["BROKER_POLLING_INTERVAL"]))
{%- endif %}
    app.extensions["celery"] = celery_app
    return celery_app


def use_instance_folder(app: Flask) -> None:
    """Fill the ``CELERY`` settings left ``None`` with files in the instance folder."""
    instance = Path(app.instance_path)
    celery = app.config["CELERY"]
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


def check_broker() -> None:
    """Connect to the Celery broker (one attempt, short timeout); raises when it is down."""
    with current_app.extensions["celery"].connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)


def recent_audit_events() -> Mapping[str, object]:
    """The admin page's section: the latest :data:`RECENT_AUDIT_EVENTS` audit events."""
    events = db.session.scalars(
        db.select(AuditEvent)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(RECENT_AUDIT_EVENTS)
    )
    return {"audit_events": events.all()}


def task_id() -> str | None:
    """The id of the Celery task this code runs in, else ``None``: the log field ``task_id``."""
    # current_task is a proxy that is false outside a task.
    if not current_task:
        return None
    value: str | None = current_task.request.id
    return value


def keep_app_logging(**kwargs: object) -> None:
    """Receiver of Celery's ``setup_logging`` signal. With a receiver connected, the worker and
    beat leave logging as ``create_app`` set it up (JSON lines with the task's id) instead of
    putting their own text format on the root logger (Celery's "Logging" signals docs)."""


def init_app(app: Flask) -> None:
    """Set up Celery and the task pages on ``app``; with ``LOG_FORMAT = "json"`` (production)
    the worker and beat keep the app's JSON log lines."""
    config.add_settings(app, Settings, TestingSettings, environ=ENVIRON)
    use_instance_folder(app)
    celery_app = celery_init_app(app)
    app_logging.add_field("task_id", task_id)
    if app.config["LOG_FORMAT"] == "json":
        setup_logging.connect(keep_app_logging, weak=False, dispatch_uid=__name__)
    audit.connect_signals(app)
    mail.init_app(app)
    health.add_check(app, "broker", check_broker)
    errors.add_unavailable(app, OperationalError)
    errors.add_responder(app, views.json_errors)
    admin.add_section(app, "tasks/admin_audit_events.html", recent_audit_events)
    app.register_blueprint(bp, url_prefix="/tasks")
    main.add_page_script(app, {"tasks.index"}, "tasks.static", "tasks.js")
    migrations.add_revisions(app, "tasks", head="0003")
    app.shell_context_processor(lambda: {"AuditEvent": AuditEvent, "celery_app": celery_app})


from . import audit, demo, mail, views  # noqa: E402  (registers the tasks and the routes)

__all__ = ["AuditEvent", "TaskRun", "celery_init_app", "demo", "init_app", "views"]

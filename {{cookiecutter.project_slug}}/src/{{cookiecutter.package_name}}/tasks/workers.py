"""Which Celery workers are listening, for the ``/tasks/`` page.
{%- if cookiecutter.celery_broker == "sqlalchemy" %}

kombu's SQLAlchemy transport has no broadcast (kombu's transport comparison lists no fanout
for it), so Celery's ``ping`` reaches no worker there. Instead each worker touches a file
named after its hostname in ``<instance>/celery-workers/`` every :data:`HEARTBEAT_INTERVAL`
seconds while it runs (:func:`add_heartbeat`), and a worker counts as listening while its file
is fresh. The broker is a SQLite file on this host, so its workers are on this host too.

The transport finds new messages by polling its table; :func:`set_polling_interval` sets how
often (``BROKER_POLLING_INTERVAL``).
{%- else %}

Celery's ``ping`` broadcast reaches every worker on the broker, and each one answers.
{%- endif %}
"""

{% if cookiecutter.celery_broker == "sqlalchemy" -%}
import threading
import time
from pathlib import Path
from typing import Any

from celery import Celery, bootsteps
from flask import Flask, current_app

#: Seconds between two heartbeats of a running worker.
HEARTBEAT_INTERVAL = 2.0
#: Seconds after its last heartbeat that a worker counts as gone (it was killed, or its host
#: froze): three missed beats.
HEARTBEAT_STALE = 3 * HEARTBEAT_INTERVAL


def heartbeat_folder(app: Flask) -> Path:
    """``<instance>/celery-workers``, where running workers keep their heartbeat files."""
    return Path(app.instance_path) / "celery-workers"


def add_heartbeat(celery_app: Celery, folder: Path) -> None:
    """Make every worker of ``celery_app`` keep ``folder/<hostname>`` fresh while it runs and
    delete it when it stops (a killed worker's file goes stale instead)."""

    class Heartbeat(bootsteps.StartStopStep):
        """A thread in the worker's main process that touches the heartbeat file."""

        def __init__(self, parent: Any, **kwargs: Any) -> None:
            super().__init__(parent, **kwargs)
            self.stopped = threading.Event()
            self.path = folder / "unnamed"
            self.thread: threading.Thread | None = None

        def start(self, parent: Any) -> None:
            folder.mkdir(parents=True, exist_ok=True)
            self.path = folder / parent.hostname
            self.thread = threading.Thread(target=self.beat, name="heartbeat", daemon=True)
            self.thread.start()

        def beat(self) -> None:
            while True:
                self.path.touch()
                if self.stopped.wait(HEARTBEAT_INTERVAL):
                    return

        def stop(self, parent: Any) -> None:
            self.stopped.set()
            if self.thread is not None:
                self.thread.join(timeout=HEARTBEAT_INTERVAL)
            self.path.unlink(missing_ok=True)

    celery_app.steps["worker"].add(Heartbeat)


def set_polling_interval(celery_app: Celery, seconds: float) -> None:
    """Make every worker of ``celery_app`` look at the broker every ``seconds`` while it is
    idle (kombu's virtual transports sleep ``Transport.polling_interval`` between looks)."""

    class PollingInterval(bootsteps.StartStopStep):
        """Sets the interval on the transport of the consumer's broker connection, each time
        the consumer (re)connects."""

        requires = ("celery.worker.consumer.connection:Connection",)

        def start(self, parent: Any) -> None:
            parent.connection.transport.polling_interval = seconds

    celery_app.steps["consumer"].add(PollingInterval)


def listening_workers() -> list[str]:
    """The hostnames (``celery@host``) of the workers whose heartbeat is fresh, sorted; ``[]``
    when none is running."""
    folder = heartbeat_folder(current_app)
    now = time.time()
    names = []
    for path in folder.glob("*@*"):
        try:
            fresh = now - path.stat().st_mtime < HEARTBEAT_STALE
        except FileNotFoundError:  # its worker stopped while we looked
            continue
        if fresh:
            names.append(path.name)
    return sorted(names)
{%- else -%}
from flask import current_app

#: Seconds that a ping waits for the workers' answers (it always waits this long).
PING_TIMEOUT = 1.0


def listening_workers() -> list[str]:
    """The hostnames (``celery@host``) of the workers that answer a ping within
    :data:`PING_TIMEOUT` seconds, sorted; ``[]`` when none does.

    Raises kombu's ``OperationalError`` when the broker cannot be reached within 2 seconds (the
    app answers 503 for it).
    """
    celery_app = current_app.extensions["celery"]
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        replies = celery_app.control.ping(timeout=PING_TIMEOUT, connection=connection)
    return sorted(name for reply in replies for name in reply)
{%- endif %}

"""Settings of the background tasks: Celery's own (lower-case names, in the ``CELERY`` dict, as
in the Flask docs' "Background Tasks with Celery") and the tasks' own.

``CELERY_BROKER_URL`` and ``CELERY_RESULT_BACKEND`` in the environment replace the defaults;
``None`` below means a file in the instance folder (see ``use_instance_folder``).
"""

from datetime import timedelta


class Settings:
    """Defaults for every config."""

    CELERY = {
{%- if cookiecutter.celery_broker == "redis" %}
        "broker_url": "redis://127.0.0.1:6379/0",
        "result_backend": "redis://127.0.0.1:6379/1",
{%- elif cookiecutter.celery_broker == "rabbitmq" %}
        "broker_url": "amqp://guest:guest@127.0.0.1:5672//",
        # None: the database result backend on a SQLite file in the instance folder.
        "result_backend": None,
{%- else %}
        # None: kombu's SQLAlchemy transport and the database result backend, each on a SQLite
        # file in the instance folder, so a worker needs no server.
        "broker_url": None,
        "result_backend": None,
{%- endif %}
        # JSON only: a message can never make the worker unpickle arbitrary objects.
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        # Acknowledge after the task ran, and put the message back when the worker process dies
        # mid-task, so a crash means "run again" rather than "lost". Tasks must be idempotent.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # A worker process reserves one message at a time, so a long task holds up no others.
        "worker_prefetch_multiplier": 1,
        # Seconds: SoftTimeLimitExceeded is raised in the task, then the process is killed.
        "task_soft_time_limit": 300,
        "task_time_limit": 330,
        "task_track_started": True,
        "result_expires": timedelta(days=1),
        "timezone": "UTC",
        # Publishing (in a web request) gives up quickly when the broker is down, so the caller
        # can fall back instead of hanging: one short connect attempt, no retry loop.
        "broker_connection_timeout": 2,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {
            "max_retries": 1,
            "interval_start": 0,
            "interval_max": 1,
{%- if cookiecutter.celery_broker == "redis" %}
            # Seconds to wait for a reply from Redis: a hung server fails a publish (the page
            # answers 503) instead of holding the request.
            "socket_timeout": 2,
            "socket_connect_timeout": 2,
            # Seconds before Redis hands a message that was never acknowledged (its worker was
            # killed) to another worker: above task_time_limit, so a task still running is
            # never delivered twice. Redis's default is an hour.
            "visibility_timeout": 390,
            # Each worker looks for such messages every 10 s (kombu's default scans on every
            # 10th look, every 100 s), so a killed worker's task restarts within 400 s.
            "unacked_restore_interval": 10,
            "unacked_restore_throttle": 1,
{%- endif %}
        },
{%- if cookiecutter.celery_broker == "redis" %}
        "redis_socket_timeout": 2,
        "redis_socket_connect_timeout": 2,
{%- endif %}
        "beat_schedule": {
            "prune-audit-events": {
                "task": "{{ cookiecutter.package_name }}.tasks.audit.prune_audit_events",
                "schedule": timedelta(hours=1),
            },
        },
        # None: celerybeat-schedule in the instance folder.
        "beat_schedule_filename": None,
    }
{%- if cookiecutter.celery_broker == "sqlalchemy" %}
    #: Seconds a worker waits before it looks at the SQLite broker again when it found no
    #: message: the wait a new task sees, half of it on average (kombu's default is 1 s). At
    #: 0.1 s an idle worker reads the broker's table ten times a second. It cannot go in
    #: broker_transport_options: kombu's SQLAlchemy transport hands those to SQLAlchemy's
    #: create_engine, which refuses the key (workers.py sets it on the worker's connection).
    BROKER_POLLING_INTERVAL = 0.1
{%- endif %}
    #: Audit events older than this many days are deleted by the periodic prune task.
    AUDIT_RETENTION_DAYS = 90
    #: Steps and seconds per step of the demo task started on /tasks/.
    DEMO_TASK_STEPS = 20
    DEMO_TASK_DELAY = 0.5


class TestingSettings(Settings):
    """The test suite's: tasks run at once in the calling process; results are kept in memory
    for the status API."""

    CELERY = {
        **Settings.CELERY,
        "broker_url": "memory://",
        "result_backend": "cache+memory://",
        "task_always_eager": True,
        "task_eager_propagates": True,
        "task_store_eager_result": True,
    }
    DEMO_TASK_STEPS = 3
    DEMO_TASK_DELAY = 0


#: Environment variables that replace one key of ``CELERY`` (rung 2 of config.py's precedence).
ENVIRON = {
    "CELERY_BROKER_URL": "CELERY.broker_url",
    "CELERY_RESULT_BACKEND": "CELERY.result_backend",
}

"""Integration: a real Celery worker process on the {{ cookiecutter.celery_broker }} broker.

The worker runs in a subprocess (prefork pool, one child) built through ``create_app``, on a
queue named for this run only, with its own SQLite app database and result store in a temporary
folder. {% if cookiecutter.celery_broker == "sqlalchemy" %}The broker is a SQLite file there too.{% elif cookiecutter.celery_broker == "redis" %}The broker is Redis (``TEST_CELERY_BROKER_URL``, default
``redis://127.0.0.1:6379/0``); the run's queue and results are deleted afterwards.{% else %}The broker is RabbitMQ (``TEST_CELERY_BROKER_URL``, default
``amqp://guest:guest@127.0.0.1:5672//``); the run's queue and exchange are deleted afterwards.{% endif %}
If the broker is down these tests fail with a message naming it; they are never skipped.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade

from {{ cookiecutter.package_name }} import create_app
{%- if cookiecutter.use_mongodb %}
from {{ cookiecutter.package_name }}.activity import mongo
{%- endif %}
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import Role, User
from {{ cookiecutter.package_name }}.tasks.demo import long_task
from {{ cookiecutter.package_name }}.tasks.models import AuditEvent
from {{ cookiecutter.package_name }}.tasks.settings import TestingSettings

from ..conftest import PASSWORD

pytestmark = pytest.mark.integration

SERVICE = {{ {"sqlalchemy": "SQLite (kombu SQLAlchemy transport)", "redis": "Redis", "rabbitmq": "RabbitMQ"}.get(cookiecutter.celery_broker, "") | quote }}
STARTUP_TIMEOUT = 60
TIMEOUT = 60


def broker_urls(folder: Path) -> tuple[str, str, str]:
    """(broker URL, result backend URL, broker URL on which nothing answers) for this run."""
{%- if cookiecutter.celery_broker == "sqlalchemy" %}
    return (
        f"sqla+sqlite:///{folder / 'broker.sqlite'}",
        f"db+sqlite:///{folder / 'results.sqlite'}",
        f"sqla+sqlite:///{folder / 'no-such-folder' / 'broker.sqlite'}",
    )
{%- elif cookiecutter.celery_broker == "redis" %}
    return (
        os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
        os.environ.get("TEST_CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/1"),
        "redis://127.0.0.1:1/0",
    )
{%- else %}
    return (
        os.environ.get("TEST_CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//"),
        f"db+sqlite:///{folder / 'results.sqlite'}",
        "amqp://guest:guest@127.0.0.1:1//",
    )
{%- endif %}


def wait_for(condition: Callable[[], object], what: str, timeout: float = TIMEOUT) -> object:
    """Poll ``condition`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


class Worker:
    """The app shared with the worker subprocess, and the worker's log."""

    def __init__(self, app: Flask, log: Path, broker_down_url: str) -> None:
        self.app = app
        self.log = log
        self.broker_down_url = broker_down_url
        self.task_ids: list[str] = []

    @property
    def celery(self):
        return self.app.extensions["celery"]

    def start(self, task, **kwargs: object):
        result = self.celery.tasks[task.name].apply_async(**kwargs)
        self.task_ids.append(result.id)
        return result


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    folder = tmp_path_factory.mktemp("worker")
    broker_url, result_backend, broker_down_url = broker_urls(folder)
    queue = f"test-{uuid.uuid4().hex[:12]}"
    database_url = f"sqlite:///{folder / 'app.db'}"
    celery = {
        **TestingSettings.CELERY,
        "task_always_eager": False,
        "broker_url": broker_url,
        "result_backend": result_backend,
        "task_default_queue": queue,
    }
    # The project's engine settings may hold server-only arguments (connect_timeout), which
    # SQLite refuses; this SQLite file needs none.
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS={},
        CELERY=celery,
        DEMO_TASK_STEPS=4,
        DEMO_TASK_DELAY=0.3,
    )
    try:
        with app.extensions["celery"].connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=5)
    except Exception as error:
        pytest.fail(
            f"{SERVICE} broker at {broker_url} is not reachable ({type(error).__name__}: "
            f"{error}): start {SERVICE} first; these integration tests need it"
        )
    with app.app_context():
        upgrade()
        Role.seed()
        User.create("user@example.com", PASSWORD)
        db.session.commit()

    env = {
        **os.environ,
        "APP_CONFIG": "development",
        "INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": database_url,
        "FLASK_SQLALCHEMY_ENGINE_OPTIONS": "{}",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": result_backend,
        "FLASK_CELERY__task_default_queue": queue,
        "FLASK_LOG_LEVEL": "INFO",
    }
    log = folder / "worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", "{{ cookiecutter.package_name }}.tasks.celery_app",
        "worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--queues", queue, "--hostname", f"{queue}@%h",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603  (our own command line)
            command, cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while b" ready." not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        handle = Worker(app, log, broker_down_url)
        yield handle
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        clean_up(app, queue, locals().get("handle"))


def clean_up(app: Flask, queue: str, handle: Worker | None) -> None:
    """Delete this run's queue, exchange and results from the broker, and close the app's
    database connections{% if cookiecutter.use_mongodb %} and MongoDB client{% endif %}."""
    celery = app.extensions["celery"]
    for task_id in handle.task_ids if handle else []:
        celery.backend.forget(task_id)
    with celery.connection_for_write() as connection:
        channel = connection.default_channel
        channel.queue_delete(queue)
{%- if cookiecutter.celery_broker == "rabbitmq" %}
        channel.exchange_delete(queue)
{%- elif cookiecutter.celery_broker == "redis" %}
        channel.client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
{%- endif %}
    with app.app_context():
        db.engine.dispose()  # closes the SQLite connections (Python 3.13 warns about open ones)
{%- if cookiecutter.use_mongodb %}
    mongo.close(app)
{%- endif %}


@pytest.fixture
def app(worker: Worker) -> Iterator[Flask]:
    """The worker's app, current for Celery too (other tests may have made other apps since)."""
    worker.celery.set_current()
    worker.celery.set_default()
    with worker.app.app_context():
        yield worker.app
        db.session.remove()


def test_round_trip(worker, app):
    result = worker.start(long_task, kwargs={"total": 1, "delay": 0})
    assert result.get(timeout=TIMEOUT) == {"current": 1, "total": 1, "result": "Finished 1 steps."}


def test_progress_through_the_http_api(worker, app, client, auth):
    auth.login()
    started = client.post("/tasks/long")
    assert started.status_code == 202
    worker.task_ids.append(started.json["task_id"])
    seen = []

    def finished():
        body = client.get(started.json["status_url"]).json
        seen.append((body["state"], body["current"]))
        return body if body["state"] == "SUCCESS" else None

    body = wait_for(finished, "the demo task to finish")
    assert body["current"] == body["total"] == 4
    assert body["result"] == "Finished 4 steps."
    progress = [current for state, current in seen if state == "PROGRESS"]
    assert progress, f"no PROGRESS state seen: {seen}"
    assert progress == sorted(progress)
    assert all(1 <= current <= 4 for current in progress)


def test_login_event_arrives_in_the_audit_table(worker, app, client, auth):
    auth.login()
    user_id = User.find_by_email("user@example.com").id

    def recorded():
        db.session.remove()
        return db.session.scalar(db.select(AuditEvent).filter_by(user_id=user_id, action="login"))

    event = wait_for(recorded, "the login audit event")
    assert event.ip == "127.0.0.1"


def test_task_is_redelivered_when_its_worker_process_is_killed(worker, app):
    result = worker.start(long_task, kwargs={"total": 6, "delay": 0.5})

    def running_pid():
        return result.state == "PROGRESS" and result.info.get("pid")

    pid = wait_for(running_pid, "the task to report progress")
    os.kill(pid, signal.SIGKILL)
    assert result.get(timeout=TIMEOUT) == {"current": 6, "total": 6, "result": "Finished 6 steps."}
    assert "exited with 'signal 9 (SIGKILL)'" in worker.log.read_text(errors="replace")


def test_soft_time_limit_stops_a_task(worker, app):
    result = worker.start(
        long_task, kwargs={"total": 20, "delay": 0.5}, soft_time_limit=1, time_limit=5
    )
    wait_for(lambda: result.state == "FAILURE", "the task to hit its time limit")
    assert type(result.result).__name__ == "SoftTimeLimitExceeded"


def test_login_with_the_broker_down_records_the_event_synchronously(worker, make_app, capsys):
    down = make_app(
        SQLALCHEMY_DATABASE_URI=worker.app.config["SQLALCHEMY_DATABASE_URI"],
        SQLALCHEMY_ENGINE_OPTIONS={},
        CELERY={**worker.app.config["CELERY"], "broker_url": worker.broker_down_url},
    )
    started = time.monotonic()
    response = down.test_client().post(
        "/auth/login", data={"email": "user@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert time.monotonic() - started < 15
    # create_app configured logging to this test's stdout.
    assert "recorded synchronously" in capsys.readouterr().out
    with down.app_context():
        actions = db.session.scalars(db.select(AuditEvent.action)).all()
        assert "login" in actions
        db.session.remove()

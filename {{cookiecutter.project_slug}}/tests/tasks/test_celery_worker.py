"""Integration: a real Celery worker process on the {{ cookiecutter.celery_broker }} broker.

The worker runs in a subprocess (prefork pool, one child) built through ``create_app``, on a
queue named for this run only, with its own SQLite app database and result store in a temporary
folder. {% if cookiecutter.celery_broker == "sqlalchemy" %}The broker is a SQLite file there too.{% elif cookiecutter.celery_broker == "redis" %}The broker is Redis (``TEST_CELERY_BROKER_URL``, default
``redis://127.0.0.1:6379/0``); the run's queue and results are deleted afterwards.{% else %}The broker is RabbitMQ (``TEST_CELERY_BROKER_URL``, default
``amqp://guest:guest@127.0.0.1:5672//``); the run's queue and exchange are deleted afterwards.{% endif %}
If the broker is down these tests fail with a message naming it; they are never skipped.
"""

{% if cookiecutter.celery_broker == "redis" -%}
import json
{% endif -%}
import os
import signal
import subprocess
import sys
import time
{%- if cookiecutter.use_prometheus %}
import urllib.request
{%- endif %}
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask_migrate import upgrade
{%- if cookiecutter.use_prometheus %}
from prometheus_client.parser import text_string_to_metric_families
{%- endif %}

from {{ cookiecutter.package_name }} import create_app
{%- if cookiecutter.use_mongodb %}
from {{ cookiecutter.package_name }}.activity import mongo
{%- endif %}
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import Role, User
from {{ cookiecutter.package_name }}.tasks.demo import long_task
from {{ cookiecutter.package_name }}.tasks.mail import deliver_email
from {{ cookiecutter.package_name }}.tasks.settings import TestingSettings

from ..conftest import PASSWORD, Inbox, closed_port

pytestmark = pytest.mark.integration

SERVICE = {{ {"sqlalchemy": "SQLite (kombu SQLAlchemy transport)", "redis": "Redis", "rabbitmq": "RabbitMQ"}.get(cookiecutter.celery_broker, "") | quote }}
STARTUP_TIMEOUT = 60
TIMEOUT = 60


def broker_urls(folder: Path) -> tuple[str, str]:
    """(broker URL, result backend URL) for this run."""
{%- if cookiecutter.celery_broker == "sqlalchemy" %}
    return (
        f"sqla+sqlite:///{folder / 'broker.sqlite'}",
        f"db+sqlite:///{folder / 'results.sqlite'}",
    )
{%- elif cookiecutter.celery_broker == "redis" %}
    return (
        os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
        os.environ.get("TEST_CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/1"),
    )
{%- else %}
    return (
        os.environ.get("TEST_CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//"),
        f"db+sqlite:///{folder / 'results.sqlite'}",
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
    """The app shared with the worker subprocesses, and a way to start more of them."""

    def __init__(self, app: Flask, folder: Path, env: dict[str, str]) -> None:
        self.app = app
        self.folder = folder
        self.env = env
        self.task_ids: list[str] = []
        self.queues: list[str] = []
        self.processes: list[subprocess.Popen[bytes]] = []
        self.log = folder / "worker.log"

    @property
    def celery(self):
        return self.app.extensions["celery"]

    def start(self, task, **kwargs: object):
        result = self.celery.tasks[task.name].apply_async(**kwargs)
        self.task_ids.append(result.id)
        return result

    def spawn(self, queue: str, **env: str) -> subprocess.Popen[bytes]:
        """Start a worker on ``queue`` (``env`` added to its environment), in a process group
        of its own, and wait until it is ready; its log is appended to :attr:`log`."""
        if queue not in self.queues:
            self.queues.append(queue)
        command = [
            sys.executable, "-m", "celery", "-A", "{{ cookiecutter.package_name }}.tasks.celery_app",
            "worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--queues", queue, "--hostname", f"{queue}-{len(self.processes)}@%h",
        ]  # fmt: skip
        start = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as output:
            process = subprocess.Popen(  # noqa: S603  (our own command line)
                command,
                cwd=self.folder,
                env={**self.env, "FLASK_CELERY__task_default_queue": queue, **env},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while b" ready." not in self.log.read_bytes()[start:]:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker did not start:\n{self.log.read_text(errors='replace')}")
            time.sleep(0.2)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="module")
def worker(
    tmp_path_factory: pytest.TempPathFactory, smtp_server: tuple[Controller, Inbox]
) -> Iterator[Worker]:
    folder = tmp_path_factory.mktemp("worker")
    broker_url, result_backend = broker_urls(folder)
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
    # SQLite refuses; this SQLite file needs none. The app shares the workers' instance folder.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSTANCE_PATH", str(folder / "instance"))
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=database_url,
            SQLALCHEMY_ENGINE_OPTIONS={},
            CELERY=celery,
            DEMO_TASK_STEPS=4,
            DEMO_TASK_DELAY=0.3,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp_server[0].port,
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
        "FLASK_LOG_LEVEL": "INFO",
        # The worker sends the mail to the suite's SMTP server.
        "FLASK_MAIL_SERVER": "127.0.0.1",
        "FLASK_MAIL_PORT": str(smtp_server[0].port),
    }
    handle = Worker(app, folder, env)
    try:
        handle.spawn(queue)
        yield handle
    finally:
        handle.stop_all()
        clean_up(app, handle)


def clean_up(app: Flask, handle: Worker) -> None:
    """Delete this run's queues, exchanges and results from the broker, and close the app's
    database connections{% if cookiecutter.use_mongodb %} and MongoDB client{% endif %}."""
    celery = app.extensions["celery"]
    for task_id in handle.task_ids:
        celery.backend.forget(task_id)
    with celery.connection_for_write() as connection:
        channel = connection.default_channel
        for queue in handle.queues:
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


def test_the_page_lists_the_running_worker(worker, app, client, auth):
    """/tasks/workers names the worker of this module (its hostname starts with its queue)."""
    auth.login()

    def names() -> list[str]:
        response = client.get("/tasks/workers")
        assert response.status_code == 200, response.text
        return [name for name in response.json["workers"] if name.startswith(worker.queues[0])]

    assert wait_for(names, "the worker to be listed", timeout=10)


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


def test_task_is_redelivered_when_its_worker_process_is_killed(worker, app):
    result = worker.start(long_task, kwargs={"total": 6, "delay": 0.5})

    def running_pid():
        return result.state == "PROGRESS" and result.info.get("pid")

    pid = wait_for(running_pid, "the task to report progress")
    os.kill(pid, signal.SIGKILL)
    assert result.get(timeout=TIMEOUT) == {"current": 6, "total": 6, "result": "Finished 6 steps."}
    assert "exited with 'signal 9 (SIGKILL)'" in worker.log.read_text(errors="replace")


def test_soft_time_limit_stops_a_task(worker, app):
    # The limit falls inside the first 3 s step's sleep: one that fell while Celery decodes
    # a stored state (update_state) would reach the task wrapped in kombu's DecodeError.
    result = worker.start(
        long_task, kwargs={"total": 2, "delay": 3}, soft_time_limit=1, time_limit=5
    )
    wait_for(lambda: result.state == "FAILURE", "the task to hit its time limit")
    assert type(result.result).__name__ == "SoftTimeLimitExceeded"
{%- if cookiecutter.celery_broker != "sqlalchemy" %}


def test_a_task_outlives_the_kill_of_its_whole_worker(worker, app):
    """kill -9 of the worker and its pool at once (a host lost, an out-of-memory kill): the
    message was never acknowledged, so a second worker runs the task to the end."""
    queue = f"{worker.queues[0]}-killed"
{%- if cookiecutter.celery_broker == "redis" %}
    # Seconds instead of the project's 390 s visibility_timeout, so the test runs quickly.
    transport = {
        **app.config["CELERY"]["broker_transport_options"],
        "visibility_timeout": 3,
        "unacked_restore_interval": 1,
    }
    env = {"FLASK_CELERY__broker_transport_options": json.dumps(transport)}
{%- else %}
    env: dict[str, str] = {}
{%- endif %}
    first = worker.spawn(queue, **env)
    result = worker.start(long_task, kwargs={"total": 6, "delay": 0.5}, queue=queue)
    wait_for(lambda: result.state == "PROGRESS", "the task to start on the first worker")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    worker.spawn(queue, **env)
    assert result.get(timeout=TIMEOUT) == {"current": 6, "total": 6, "result": "Finished 6 steps."}
{%- endif %}


{%- if cookiecutter.use_prometheus %}


def test_the_worker_serves_the_counts_of_its_pool(worker, app, tmp_path):
    """WORKER_METRICS_PORT: the worker's main process serves what its pool process counted
    (prometheus_client's multiprocess mode, the folder emptied at start)."""
    queue = f"{worker.queues[0]}-metrics"
    port = closed_port()
    stale = tmp_path / "metrics" / "counter_1.db"
    stale.parent.mkdir()
    stale.write_bytes(b"left by an earlier run")
    worker.spawn(
        queue,
        METRICS_TOKEN="a-metrics-token-for-the-worker-0123",
        WORKER_METRICS_PORT=str(port),
        PROMETHEUS_MULTIPROC_DIR=str(stale.parent),
    )
    assert not stale.exists()
    result = worker.start(long_task, kwargs={"total": 1, "delay": 0}, queue=queue)
    result.get(timeout=TIMEOUT)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    samples = {
        (sample.name, sample.labels.get("task"), sample.labels.get("state")): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    assert samples[("celery_tasks_total", long_task.name, "succeeded")] == 1
{%- endif %}


def test_the_worker_sends_the_reset_email(worker, app, client, outbox):
    response = client.post("/auth/reset-password", data={"email": "user@example.com"})
    assert response.status_code == 302
    wait_for(lambda: outbox.to("user@example.com"), "the worker to send the reset e-mail")
    assert f"{deliver_email.name}[" in worker.log.read_text(errors="replace")
    link = outbox.link("user@example.com")
    assert client.get(link).status_code == 200


def test_a_worker_retries_a_mail_server_that_is_down(worker, app):
    queue = f"{worker.queues[0]}-mail"
    worker.spawn(queue, FLASK_MAIL_PORT=str(closed_port()))
    message = {"to": "later@example.com", "subject": "S", "text": "t", "html": "<p>t</p>"}
    worker.start(deliver_email, args=[message], queue=queue)
    wait_for(
        lambda: (
            "to be retried" in worker.log.read_text(errors="replace")
            and "Retry in" in worker.log.read_text(errors="replace")
        ),
        "the worker to schedule a retry",
        timeout=30,
    )

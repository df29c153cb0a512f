"""Celery set-up, the tasks, the audit trail and the /tasks/ API, with tasks run eagerly.

The tests against a real worker process are in test_celery_worker.py.
"""

import importlib
import json
import logging
{%- if cookiecutter.celery_broker == "sqlalchemy" %}
import os
{%- endif %}
import re
import sys
{%- if cookiecutter.celery_broker == "sqlalchemy" %}
import time
{%- endif %}
from datetime import datetime, timedelta, timezone
{%- if cookiecutter.celery_broker == "sqlalchemy" %}
from types import SimpleNamespace
{%- endif %}

import pytest
from celery import Celery
from celery.signals import task_prerun
{%- if cookiecutter.celery_broker == "sqlalchemy" %}
from kombu import Connection
{%- endif %}
from sqlalchemy.exc import OperationalError

from {{ cookiecutter.package_name }} import create_app, mail
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User
from {{ cookiecutter.package_name }}.tasks import audit{% if cookiecutter.celery_broker == "sqlalchemy" %}, workers{% endif %}
from {{ cookiecutter.package_name }}.tasks.audit import prune_audit_events
from {{ cookiecutter.package_name }}.tasks.demo import long_task
from {{ cookiecutter.package_name }}.tasks.mail import deliver_email, queue_email
from {{ cookiecutter.package_name }}.tasks.models import AuditEvent, TaskRun
from {{ cookiecutter.package_name }}.tasks.settings import TestingSettings

from ..conftest import PASSWORD, closed_port

#: A broker URL on a port where nothing listens: publishing fails at once.
CLOSED_BROKER = "amqp://guest:guest@127.0.0.1:1//"
NOW = datetime(2026, 1, 31, 12, 0, tzinfo=timezone.utc)


def events() -> list[AuditEvent]:
    return db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()


#: The app fixture with tasks really published, to a broker that is down.
broker_down = pytest.mark.parametrize(
    "app",
    [
        {
            "CELERY": {
                **TestingSettings.CELERY,
                "task_always_eager": False,
                "broker_url": CLOSED_BROKER,
            }
        }
    ],
    indirect=True,
)


def test_celery_app_is_built_from_the_flask_config(app):
    celery = app.extensions["celery"]
    assert isinstance(celery, Celery)
    conf = celery.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == conf.result_serializer == "json"
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["max_retries"] == 1
{%- if cookiecutter.celery_broker == "redis" %}
    # A killed worker's task comes back, but never while it may still be running elsewhere.
    assert conf.task_time_limit < conf.broker_transport_options["visibility_timeout"] <= 600
{%- endif %}
    schedule = conf.beat_schedule["prune-audit-events"]
    assert schedule["task"] == prune_audit_events.name
    assert prune_audit_events.name in celery.tasks


def test_default_broker_and_result_urls(monkeypatch, tmp_path):
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    conf = create_app("development").config["CELERY"]
    instance = tmp_path / "instance"
{%- if cookiecutter.celery_broker == "sqlalchemy" %}
    assert conf["broker_url"] == f"sqla+sqlite:///{instance}/celery-broker.sqlite"
{%- elif cookiecutter.celery_broker == "redis" %}
    assert conf["broker_url"] == "redis://127.0.0.1:6379/0"
{%- else %}
    assert conf["broker_url"] == "amqp://guest:guest@127.0.0.1:5672//"
{%- endif %}
{%- if cookiecutter.celery_broker == "redis" %}
    assert conf["result_backend"] == "redis://127.0.0.1:6379/1"
{%- else %}
    assert conf["result_backend"] == f"db+sqlite:///{instance}/celery-results.sqlite"
{%- endif %}
    assert conf["beat_schedule_filename"] == f"{instance}/celerybeat-schedule"


def test_environment_overrides_celery_urls_and_keys(monkeypatch):
    monkeypatch.setenv("CELERY_BROKER_URL", "memory://elsewhere")
    monkeypatch.setenv("CELERY_RESULT_BACKEND", "cache+memory://")
    monkeypatch.setenv("FLASK_CELERY__task_default_queue", "jobs")
    app = create_app("development")
    conf = app.extensions["celery"].conf
    assert conf.broker_url == "memory://elsewhere"
    assert conf.result_backend == "cache+memory://"
    assert conf.task_default_queue == "jobs"
    assert create_app("development").config["CELERY"] is not app.config["CELERY"]


def test_celery_app_module_builds_through_create_app(monkeypatch):
    monkeypatch.setattr("dotenv.load_dotenv", lambda *args, **kwargs: False)
    monkeypatch.setenv("APP_CONFIG", "testing")
    monkeypatch.delitem(sys.modules, "{{ cookiecutter.package_name }}.tasks.celery_app", raising=False)
    module = importlib.import_module("{{ cookiecutter.package_name }}.tasks.celery_app")
    assert module.celery_app is module.flask_app.extensions["celery"]
    assert module.flask_app.testing


def test_login_and_logout_record_audit_events(client, auth, make_user):
    user = make_user()
    auth.login()
    auth.logout()
    auth.logout()  # already logged out: nothing to record
    recorded = events()
    assert [(event.action, event.user_id) for event in recorded] == [
        ("login", user.id),
        ("logout", user.id),
    ]
    assert recorded[0].ip == "127.0.0.1"
    assert recorded[0].user_agent.startswith("Werkzeug/")


@broker_down
def test_login_with_the_broker_down_records_its_event_in_the_request(app):
    client = app.test_client()
    User.create("user@example.com", PASSWORD)
    db.session.commit()
    response = client.post("/auth/login", data={"email": "user@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert [event.action for event in events()] == ["login"]


def test_an_audit_event_that_cannot_be_stored_fails_the_login_with_503(app, monkeypatch):
    User.create("user@example.com", PASSWORD)
    db.session.commit()
    real_commit = db.session.commit

    def commit_fails_for_audit_rows() -> None:
        if any(isinstance(row, AuditEvent) for row in db.session.new):
            raise OperationalError("INSERT", {}, Exception("disk full"))
        real_commit()

    monkeypatch.setattr(db.session, "commit", commit_fails_for_audit_rows)
    response = app.test_client().post(
        "/auth/login", data={"email": "user@example.com", "password": PASSWORD}
    )
    assert response.status_code == 503
    monkeypatch.undo()
    assert events() == []


def no_propagation(app) -> None:
    """Eager retries run inside apply(), as on a worker, instead of raising Retry."""
    app.extensions["celery"].conf.task_eager_propagates = False


def failing_commits(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[int]:
    """Make the next ``failures`` commits raise OperationalError; returns the list of calls."""
    real_commit = db.session.commit
    calls: list[int] = []

    def commit() -> None:
        calls.append(1)
        if len(calls) <= failures:
            raise OperationalError("DELETE", {}, Exception("database is locked"))
        real_commit()

    monkeypatch.setattr(db.session, "commit", commit)
    return calls


def test_prune_retries_transient_database_errors(app, make_user, monkeypatch):
    user = make_user()
    audit.save_audit_event(user.id, "login", datetime.now(timezone.utc) - timedelta(days=400))
    calls = failing_commits(monkeypatch, failures=2)
    no_propagation(app)
    result = prune_audit_events.delay()
    assert result.successful()
    assert len(calls) == 3
    monkeypatch.undo()
    assert events() == []


def test_prune_retries_are_bounded(app, monkeypatch):
    calls = failing_commits(monkeypatch, failures=100)
    no_propagation(app)
    result = prune_audit_events.delay()
    assert result.failed()
    assert isinstance(result.result, OperationalError)
    assert len(calls) == prune_audit_events.max_retries + 1 == 6
    assert prune_audit_events.retry_backoff is True
    assert prune_audit_events.retry_backoff_max == 60
    monkeypatch.undo()


def test_save_audit_event_rolls_back_on_error(app, monkeypatch):
    def fail() -> None:
        raise OperationalError("COMMIT", {}, Exception("disk full"))

    monkeypatch.setattr(db.session, "commit", fail)
    with pytest.raises(OperationalError):
        audit.save_audit_event(None, "login", NOW)
    monkeypatch.undo()
    assert events() == []


def test_prune_deletes_events_older_than_the_retention(app, make_user):
    user = make_user()
    now = datetime.now(timezone.utc)
    for days in (1, 89, 91, 400):
        audit.save_audit_event(user.id, "login", now - timedelta(days=days))
    assert prune_audit_events.delay().get() == 2
    assert len(events()) == 2
    assert prune_audit_events.delay(days=0).get() == 2
    assert events() == []


def test_long_task_reports_progress(app, monkeypatch):
    states = []
    monkeypatch.setattr(long_task, "update_state", lambda **kwargs: states.append(kwargs))
    result = long_task.delay(total=3, delay=0)
    assert result.get() == {"current": 3, "total": 3, "result": "Finished 3 steps."}
    assert [state["meta"]["current"] for state in states] == [1, 2, 3]
    assert {state["state"] for state in states} == {"PROGRESS"}


def test_tasks_page_needs_login(client):
    assert client.get("/tasks/").status_code == 302
    assert client.post("/tasks/long").status_code == 302
    assert client.get("/tasks/some-id").status_code == 302
    assert client.get("/tasks/workers").status_code == 302


def test_tasks_page_has_button_script_and_nav_link(client, auth, make_user):
    make_user()
    auth.login()
    page = client.get("/tasks/").text
    assert 'id="start-task"' in page
    assert "/tasks/static/tasks.js" in page
    assert 'href="/tasks/"' in client.get("/").text
    script = client.get("/tasks/static/tasks.js")
    assert script.status_code == 200
    assert "X-CSRFToken" in script.text
    script.close()


def test_tasks_page_says_when_no_worker_listens(client, auth, make_user):
    make_user()
    auth.login()
    page = client.get("/tasks/").text
    assert 'data-url="/tasks/workers"' in page
    assert "No Celery worker is listening" in page
    assert '<code class="text-reset">make worker</code>' in page
    assert client.get("/tasks/workers").json == {"workers": []}
    assert client.get("/tasks/workers").status_code == 200
{%- if cookiecutter.celery_broker == "sqlalchemy" %}


def test_a_worker_counts_as_listening_while_its_heartbeat_is_fresh(app):
    folder = workers.heartbeat_folder(app)
    folder.mkdir(parents=True)
    (folder / "celery@fresh").touch()
    stale = folder / "celery@stale"
    stale.touch()
    old = time.time() - workers.HEARTBEAT_STALE - 1
    os.utime(stale, (old, old))
    (folder / "not-a-worker").touch()
    assert workers.listening_workers() == ["celery@fresh"]


def test_the_heartbeat_step_keeps_its_file_fresh_and_deletes_it_on_stop(app, tmp_path):
    celery = app.extensions["celery"]
    heartbeat = next(step for step in celery.steps["worker"] if step.__name__ == "Heartbeat")
    worker = SimpleNamespace(hostname="celery@here")
    step = heartbeat(worker)
    step.path = tmp_path / "unused"
    step.start(worker)
    path = workers.heartbeat_folder(app) / "celery@here"
    deadline = time.monotonic() + 5
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers.listening_workers() == ["celery@here"]
    step.stop(worker)
    assert not path.exists()
    assert step.thread is not None and not step.thread.is_alive()


def test_workers_poll_the_sqlite_broker_at_the_configured_interval(app, tmp_path):
    """kombu's default is a look a second; the consumer step sets the setting's interval on
    the real transport of the worker's broker connection."""
    celery = app.extensions["celery"]
    step_class = next(s for s in celery.steps["consumer"] if s.__name__ == "PollingInterval")
    connection = Connection(f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    consumer = SimpleNamespace(connection=connection)
    try:
        assert connection.transport.polling_interval == 1.0
        step_class(consumer).start(consumer)
        assert connection.transport.polling_interval == app.config["BROKER_POLLING_INTERVAL"]
        assert app.config["BROKER_POLLING_INTERVAL"] == 0.1
    finally:
        connection.release()
{%- else %}


@broker_down
def test_workers_is_503_when_the_broker_is_down(app, client, auth, make_user):
    make_user()
    auth.login()
    response = client.get("/tasks/workers")
    assert response.status_code == 503
    assert response.json["error"]
    assert "Retry-After" in response.headers
{%- endif %}


def test_start_long_task_and_poll_until_done(client, auth, make_user):
    make_user()
    auth.login()
    response = client.post("/tasks/long")
    assert response.status_code == 202
    task_id = response.json["task_id"]
    assert response.json["status_url"] == f"/tasks/{task_id}"
    status = client.get(response.json["status_url"])
    assert status.status_code == 200
    assert status.json == {
        "task_id": task_id,
        "state": "SUCCESS",
        "current": 3,
        "total": 3,
        "result": "Finished 3 steps.",
    }
    assert db.session.scalar(db.select(TaskRun).filter_by(task_id=task_id)).name == long_task.name


def store_run(app, user, task_id: str) -> None:
    db.session.add(TaskRun(task_id=task_id, name=long_task.name, user_id=user.id))
    db.session.commit()


def test_status_maps_pending_progress_and_failure(app, client, auth, make_user):
    user = make_user()
    auth.login()
    backend = app.extensions["celery"].backend
    store_run(app, user, "pending-id")
    assert client.get("/tasks/pending-id").json == {
        "task_id": "pending-id",
        "state": "PENDING",
        "current": 0,
        "total": 3,
    }
    store_run(app, user, "progress-id")
    backend.store_result("progress-id", {"current": 2, "total": 5, "pid": 1}, "PROGRESS")
    body = client.get("/tasks/progress-id").json
    assert (body["state"], body["current"], body["total"]) == ("PROGRESS", 2, 5)
    store_run(app, user, "failed-id")
    backend.mark_as_failure("failed-id", ValueError("boom"))
    body = client.get("/tasks/failed-id").json
    assert body["state"] == "FAILURE"
    assert body["error"] == "ValueError: boom"


def test_unknown_or_foreign_task_id_is_404(app, client, auth, make_user):
    other = make_user("other@example.com")
    store_run(app, other, "not-yours")
    make_user()
    auth.login()
    for task_id in ("no-such-task", "not-yours"):
        response = client.get(f"/tasks/{task_id}")
        assert response.status_code == 404
        assert response.json == {"error": f"No task {task_id!r} was started by you."}


@broker_down
def test_start_is_503_when_the_broker_is_down(app, caplog):
    User.create("user@example.com", PASSWORD)
    db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"email": "user@example.com", "password": PASSWORD})
    response = client.post("/tasks/long")
    assert response.status_code == 503
    assert response.json == {"error": "The task queue is unavailable; try again later."}
    assert db.session.scalars(db.select(TaskRun)).all() == []


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_start_needs_the_csrf_token_header(client, make_user):
    make_user()
    login_page = client.get("/auth/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)[1]
    client.post(
        "/auth/login",
        data={"email": "user@example.com", "password": PASSWORD, "csrf_token": token},
    )
    refused = client.post("/tasks/long")
    assert refused.status_code == 400
    assert "CSRF" in refused.json["error"]
    page_token = re.search(r'data-csrf-token="([^"]+)"', client.get("/tasks/").text)[1]
    response = client.post("/tasks/long", headers={"X-CSRFToken": page_token})
    assert response.status_code == 202


def test_ready_checks_the_broker(client):
    broker = client.get("/health/ready").json["checks"]["broker"]
    assert broker["status"] == "ok"


@broker_down
def test_ready_is_503_when_the_broker_is_down(app):
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.json["checks"]["database"]["status"] == "ok"
    assert response.json["checks"]["broker"]["status"] == "fail"
    assert set(response.json["checks"]["broker"]) == {"status", "duration_ms"}


def test_admin_lists_recent_audit_events(client, auth, make_user):
    make_user("admin@example.com", role="admin")
    auth.login("admin@example.com")
    page = client.get("/admin/").text
    assert "Recent audit events" in page
    assert "<td>login</td>" in page
    assert "127.0.0.1" in page


def test_model_reprs_name_what_they_hold():
    assert repr(AuditEvent(action="login", user_id=7)) == "<AuditEvent login user=7>"
    assert repr(TaskRun(name="demo", task_id="abc")) == "<TaskRun demo abc>"


def test_account_emails_are_sent_by_the_delivery_task(app, client, make_user, outbox):
    assert app.extensions["mail_queue"] is queue_email
    ran: list[str] = []

    def record(sender: object = None, **kwargs: object) -> None:
        ran.append(getattr(sender, "name", ""))

    task_prerun.connect(record, weak=False)
    try:
        make_user()
        assert (
            client.post("/auth/reset-password", data={"email": "user@example.com"}).status_code
            == 302
        )
    finally:
        task_prerun.disconnect(record)
    assert ran == [deliver_email.name]
    [message] = outbox.to("user@example.com")
    assert message["Subject"].endswith("Set a new password")


@broker_down
def test_with_the_broker_down_account_emails_are_sent_at_once(client, make_user, outbox, caplog):
    make_user()
    with caplog.at_level(logging.WARNING):
        response = client.post("/auth/reset-password", data={"email": "user@example.com"})
    assert response.status_code == 302
    assert "mail queue unavailable" in caplog.text
    assert len(outbox.to("user@example.com")) == 1


# Nothing listens on the mail port: every attempt is refused.
@pytest.mark.parametrize("app", [{"MAIL_PORT": closed_port()}], indirect=True)
def test_a_failed_delivery_is_retried_with_backoff_then_fails_on_record(app, monkeypatch, caplog):
    no_propagation(app)
    attempts: list[int] = []
    real_deliver = mail.deliver

    def deliver(message: mail.OutgoingEmail) -> None:
        attempts.append(1)
        real_deliver(message)

    monkeypatch.setattr(mail, "deliver", deliver)
    message = mail.OutgoingEmail(to="a@example.com", subject="S", text="t", html="<p>t</p>")
    with caplog.at_level(logging.WARNING):
        result = deliver_email.delay(message)
    assert result.failed()
    assert isinstance(result.result, OSError)
    assert len(attempts) == deliver_email.max_retries + 1 == 9
    assert "to be retried" in caplog.text and "a@example.com" in caplog.text
    assert deliver_email.retry_backoff == 30
    assert deliver_email.retry_backoff_max == 600
    assert deliver_email.acks_late is True


def test_every_task_of_the_project_keeps_the_delivery_guarantees(app):
    """What README "Background tasks" promises of each task, checked on each registered one,
    so that a task declared without them fails here and not in production."""
    celery = app.extensions["celery"]
    package = long_task.name.split(".")[0]
    ours = {name: task for name, task in celery.tasks.items() if name.startswith(f"{package}.")}
    assert {long_task.name, prune_audit_events.name, deliver_email.name} <= set(ours)
    for name, task in ours.items():
        # Acknowledged after it ran, and redelivered when its worker process dies.
        assert task.acks_late is True, name
        assert task.reject_on_worker_lost is True, name
        # Bounded: stopped by the time limits rather than holding a worker for ever.
        assert (task.soft_time_limit or celery.conf.task_soft_time_limit) > 0, name
        assert (task.time_limit or celery.conf.task_time_limit) > 0, name


def test_lines_logged_in_a_task_carry_its_id_and_the_worker_keeps_them_json(make_app, capsys):
    app = make_app(LOG_FORMAT="json", LOG_LEVEL="INFO")
    celery_app = app.extensions["celery"]
    logger = logging.getLogger("tests.task")

    @celery_app.task(name="tests.logs_inside")
    def logs_inside() -> None:
        logger.info("inside the task")

    capsys.readouterr()
    result = logs_inside.apply()
    logger.info("outside any task")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_message = {line["message"]: line for line in lines}
    assert by_message["inside the task"]["task_id"] == result.id
    assert by_message["outside any task"]["task_id"] is None
    # What a worker does at start: with the app's receiver connected, Celery leaves the root
    # logger's handlers (the JSON ones) in place instead of putting its text format there.
    handlers = list(logging.getLogger().handlers)
    celery_app.log.setup_logging_subsystem(loglevel="INFO")
    assert logging.getLogger().handlers == handlers

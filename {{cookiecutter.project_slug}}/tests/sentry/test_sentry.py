"""Error tracking, against a local HTTP server standing in for Sentry's ingest endpoint: the
envelopes sentry-sdk really sends are read back and checked."""

import gzip
import json
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
{%- if cookiecutter.celery_broker != "none" %}
from celery import shared_task
{%- endif %}

from {{ cookiecutter.package_name }}.sentry import DISTRIBUTION


class Ingest(ThreadingHTTPServer):
    """Receives envelopes at ``/api/<project>/envelope/``; :attr:`events` holds each event,
    :attr:`types` the type of every item received."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), IngestHandler)
        self.events: list[dict] = []
        self.types: list[str] = []
        self.dsn = f"http://public@127.0.0.1:{self.server_port}/1"

    def errors(self, message: str) -> list[dict]:
        """The events whose exception says ``message``."""
        return [e for e in self.events if message in json.dumps(e.get("exception", {}))]


class IngestHandler(BaseHTTPRequestHandler):
    server: Ingest

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        # An envelope: a header line, then (item header, payload) line pairs.
        lines = body.split(b"\n")[1:]
        for header, payload in zip(lines[::2], lines[1::2], strict=False):
            self.server.types.append(kind := json.loads(header).get("type"))
            if kind == "event":
                self.server.events.append(json.loads(payload))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads the events, not the access log."""


@pytest.fixture
def ingest() -> Iterator[Ingest]:
    server = Ingest()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    # sentry-sdk is set up once per process: leave it off for the tests that follow.
    sentry_sdk.get_client().close()
    sentry_sdk.init()
    server.shutdown()
    thread.join(10)
    server.server_close()


def test_without_a_dsn_nothing_is_set_up(make_app):
    sentry_sdk.init()
    make_app()
    assert sentry_sdk.get_client().dsn is None


def test_an_unhandled_error_is_sent_with_the_request_id_and_no_personal_data(make_app, ingest):
    app = make_app(SENTRY_DSN=ingest.dsn)
    assert sentry_sdk.get_client().dsn == ingest.dsn
    # Made now, so that the only way into an event is through the request or the view's frame
    # (the source lines around a frame are sent too).
    cookie, token, password, email = (secrets.token_hex(8) for _ in range(4))

    @app.post("/boom")
    def boom():
        # Locals are sent but for those named like a credential or an address.
        user_password, user_email = password, f"{email}@example.com"  # noqa: F841
        raise RuntimeError("forced for the test")

    response = app.test_client().post(
        f"/boom?token={token}",
        data={"password": password},
        headers={
            "Cookie": f"session={cookie}",
            "Authorization": f"Bearer {token}",
            "X-Forwarded-For": "198.51.100.7",
        },
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=10)
    events = ingest.errors("forced for the test")
    assert events, ingest.events
    event = events[0]
    assert event["tags"]["request_id"] == response.headers["X-Request-ID"]
    assert event["environment"] == "testing"
    assert event["release"].startswith(f"{DISTRIBUTION}@")
    assert event["request"]["method"] == "POST"
    # No personal data: no cookie, token, form field, local or client address leaves the app.
    sent = json.dumps(event)
    for secret in (cookie, token, password, email, "203.0.113.9", "198.51.100.7"):
        assert secret not in sent
    # Nor do the log lines: no Sentry logs, only the error's event.
    assert "log" not in ingest.types, ingest.types


def test_an_error_logged_outside_a_request_is_sent_without_a_request_id(make_app, ingest):
    app = make_app(SENTRY_DSN=ingest.dsn, SENTRY_ENVIRONMENT="staging")
    app.logger.error("a job failed")
    sentry_sdk.flush(timeout=10)
    events = [event for event in ingest.events if "a job failed" in json.dumps(event)]
    assert len(events) == 1
    assert events[0]["environment"] == "staging"
    assert "request_id" not in events[0].get("tags", {})
{%- if cookiecutter.celery_broker != "none" %}


@shared_task
def fail_to_mail(message: dict[str, str]) -> None:
    """Fails holding an address, as the e-mail task does when the mail server stays down."""
    raise RuntimeError("task forced for the test")


def test_a_failed_task_is_sent_without_its_arguments(make_app, ingest):
    app = make_app(SENTRY_DSN=ingest.dsn)
    recipient = f"{secrets.token_hex(8)}@example.com"
    # The testing config runs tasks eagerly, through Celery's tracer as a worker does.
    with app.app_context(), pytest.raises(RuntimeError):
        fail_to_mail.delay({"to": recipient})
    sentry_sdk.flush(timeout=10)
    events = ingest.errors("task forced for the test")
    assert len(events) == 1, ingest.events
    assert events[0]["exception"]["values"][0]["mechanism"]["type"] == "celery"
    # Neither the task's arguments nor a frame's locals carry the address.
    assert recipient not in json.dumps(events[0])
{%- endif %}

"""Prometheus metrics (prometheus_client): requests counted and timed by endpoint and status.

``/metrics`` answers in Prometheus's text format, and only to a scraper that sends
``Authorization: Bearer <METRICS_TOKEN>``; with no token set there is no endpoint and nothing
is counted. Counted per request:

- ``http_requests_total{method, endpoint, status}``;
- ``http_request_duration_seconds{method, endpoint}``, a histogram (:data:`BUCKETS`).

``endpoint`` is the Flask endpoint (``notes.index``), never the path, so ids in URLs do not
make new series; a request that matched no route is counted as ``endpoint="none"``.
{%- if cookiecutter.celery_broker != "none" %}

Celery workers count the tasks they finish, ``celery_tasks_total{task, state}`` (``state``:
succeeded, failed, retried), and serve them on a port of their own: ``WORKER_METRICS_PORT``
(unset: not served) on ``WORKER_METRICS_ADDRESS`` (default 127.0.0.1). That endpoint has no
token: keep it on a private network, as compose does.
{%- endif %}

Several gunicorn workers: with ``PROMETHEUS_MULTIPROC_DIR`` set to an empty folder before the
workers start, each worker writes its counts there and ``/metrics`` adds up every worker's
(prometheus_client's multiprocess mode).
{%- if cookiecutter.use_docker %} ``gunicorn.conf.py`` sets that up.{% endif %} Without it the
counts are this process's own, which is right for ``flask run``.
"""

import hmac
import os
{%- if cookiecutter.celery_broker != "none" %}
import shutil
from collections.abc import Callable
{%- endif %}
from time import perf_counter
{%- if cookiecutter.celery_broker != "none" %}
from typing import Any
{%- endif %}

{% if cookiecutter.celery_broker != "none" -%}
from celery import Task
from celery.signals import task_failure, task_retry, task_success, worker_init
{% endif -%}
from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
{%- if cookiecutter.celery_broker != "none" %}
    start_http_server,
{%- endif %}
)
from prometheus_client.multiprocess import MultiProcessCollector
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from .. import config
from .settings import Settings

__all__ = [
    "BUCKETS",
    "REQUESTS",
    "REQUEST_SECONDS",
{%- if cookiecutter.celery_broker != "none" %}
    "TASKS",
{%- endif %}
    "init_app",
    "metrics",
]

#: Minimum length of ``METRICS_TOKEN``, in characters: a short token can be guessed.
MIN_TOKEN_LENGTH = 16
#: The environment variable that turns on prometheus_client's multiprocess mode.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
#: Upper bounds of the latency histogram's buckets, in seconds (prometheus_client's defaults).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)

REQUESTS = Counter(
    "http_requests_total", "HTTP requests answered.", ["method", "endpoint", "status"]
)
REQUEST_SECONDS = Histogram(
    "http_request_duration_seconds",
    "Time from the start of a request to its response, in seconds.",
    ["method", "endpoint"],
    buckets=BUCKETS,
)
{%- if cookiecutter.celery_broker != "none" %}
TASKS = Counter(
    "celery_tasks_total", "Celery tasks a worker finished, by outcome.", ["task", "state"]
)
{%- endif %}


def start_timer() -> None:
    """``before_request``: note when the request started."""
    g.metrics_started = perf_counter()


def count(response: Response) -> Response:
    """``after_request`` (which Flask runs for error responses too): count and time the
    request. Returns ``response`` unchanged."""
    endpoint = request.url_rule.endpoint if request.url_rule else "none"
    if endpoint != "metrics":
        REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
        started = g.get("metrics_started")
        if started is not None:
            REQUEST_SECONDS.labels(request.method, endpoint).observe(perf_counter() - started)
    return response


def metrics() -> Response:
    """``GET /metrics``: every metric in Prometheus's text exposition format.

    Raises:
        werkzeug.exceptions.Unauthorized: (401, with ``WWW-Authenticate: Bearer``, RFC 6750)
            the request has no ``Authorization: Bearer`` header with the token (compared in
            constant time).
    """
    expected = f"Bearer {current_app.config['METRICS_TOKEN']}".encode()
    sent = request.headers.get("Authorization", "").encode()
    if not hmac.compare_digest(sent, expected):
        raise Unauthorized(
            "Send the metrics token as Authorization: Bearer <token>.",
            www_authenticate=WWWAuthenticate("Bearer", {"realm": "metrics"}),
        )
    response = Response(generate_latest(current_registry()), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def current_registry() -> CollectorRegistry:
    """Every process's counts (multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR`` set), else this
    process's."""
    if not os.environ.get(MULTIPROCESS_DIR):
        return REGISTRY
    registry = CollectorRegistry()
    # prometheus_client is typed, but this constructor has no annotations.
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry
{%- if cookiecutter.celery_broker != "none" %}


def count_task(state: str) -> Callable[..., None]:
    """A receiver of a Celery task signal (its sender is the task) that counts ``state``."""

    def receiver(sender: Task[Any, Any] | None = None, **kwargs: object) -> None:
        TASKS.labels(sender.name if sender else "unknown", state).inc()

    return receiver


def serve_worker_metrics(**kwargs: object) -> None:
    """Celery's ``worker_init`` (in the worker's main process, before its pool starts): empty
    ``PROMETHEUS_MULTIPROC_DIR`` so the pool's processes count from zero, and serve every
    process's counts on ``WORKER_METRICS_PORT``, when set.

    Raises:
        ValueError: ``WORKER_METRICS_PORT`` is not a number.
        OSError: the port cannot be bound (taken, or not allowed).
    """
    port = int(os.environ.get("WORKER_METRICS_PORT") or 0)
    if not port:
        return
    folder = os.environ.get(MULTIPROCESS_DIR)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
    start_http_server(
        port, os.environ.get("WORKER_METRICS_ADDRESS", "127.0.0.1"), current_registry()
    )
{%- endif %}


def init_app(app: Flask) -> None:
    """Add ``/metrics`` and count every request of ``app`` when ``METRICS_TOKEN`` is set;
    otherwise do nothing.

    Raises:
        config.ConfigError: ``METRICS_TOKEN`` is shorter than :data:`MIN_TOKEN_LENGTH`.
    """
    config.add_settings(app, Settings, environ={"METRICS_TOKEN": "METRICS_TOKEN"})
    token = app.config["METRICS_TOKEN"]
    if not token:
        return
    if len(token) < MIN_TOKEN_LENGTH:
        raise config.ConfigError(
            f"METRICS_TOKEN must be at least {MIN_TOKEN_LENGTH} characters; make one with: "
            'python -c "import secrets; print(secrets.token_hex(32))"'
        )
    app.before_request(start_timer)
    app.after_request(count)
    app.add_url_rule("/metrics", "metrics", metrics)
{%- if cookiecutter.celery_broker != "none" %}
    # Signals are per process: connecting again (another app in the same process) is a no-op.
    outcomes = ((task_success, "succeeded"), (task_failure, "failed"), (task_retry, "retried"))
    for signal, state in outcomes:
        signal.connect(count_task(state), weak=False, dispatch_uid=f"{__name__}.{state}")
    worker_init.connect(serve_worker_metrics, weak=False, dispatch_uid=__name__)
{%- endif %}

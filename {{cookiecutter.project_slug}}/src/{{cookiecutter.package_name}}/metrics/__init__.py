"""Prometheus metrics (prometheus_client): requests counted and timed by endpoint and status.

``/metrics`` answers in Prometheus's text format, and only to a scraper that sends
``Authorization: Bearer <METRICS_TOKEN>``; with no token set there is no endpoint and nothing
is counted. Counted per request:

- ``http_requests_total{method, endpoint, status}``;
- ``http_request_duration_seconds{method, endpoint}``, a histogram (:data:`BUCKETS`).

``endpoint`` is the Flask endpoint (``notes.index``), never the path, so ids in URLs do not
make new series; a request that matched no route is counted as ``endpoint="none"``.

Several gunicorn workers: with ``PROMETHEUS_MULTIPROC_DIR`` set to an empty folder before the
workers start, each worker writes its counts there and ``/metrics`` adds up every worker's
(prometheus_client's multiprocess mode).
{%- if cookiecutter.use_docker %} ``gunicorn.conf.py`` sets that up.{% endif %} Without it the
counts are this process's own, which is right for ``flask run``.
"""

import hmac
import os
from time import perf_counter

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from .. import config
from .settings import Settings

__all__ = ["BUCKETS", "REQUESTS", "REQUEST_SECONDS", "init_app", "metrics"]

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
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        # prometheus_client is typed, but this constructor has no annotations.
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    response = Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


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

"""Prometheus metrics: the endpoint's guard, and what each request adds to the counts."""

import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from {{ cookiecutter.package_name }}.config import ConfigError

TOKEN = "a-metrics-token-for-the-tests-0123"


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of ``/metrics``: (name, sorted labels) -> value."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    # Prometheus's text exposition format (its version depends on prometheus_client's).
    assert response.content_type.startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def requests_counted(samples, endpoint: str, status: str, method: str = "GET") -> float:
    labels = (("endpoint", endpoint), ("method", method), ("status", status))
    return samples.get(("http_requests_total", labels), 0.0)


def test_without_a_token_there_is_no_endpoint_and_nothing_is_counted(make_app):
    app = make_app()
    client = app.test_client()
    assert client.get("/metrics").status_code == 404
    assert "metrics" not in app.view_functions


@pytest.mark.parametrize(
    "sent", [None, "Bearer wrong-token-of-some-length", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN}x"]
)
def test_the_endpoint_wants_the_bearer_token(make_app, sent):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    headers = {"Authorization": sent} if sent else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert "http_requests_total" not in response.text


def test_a_short_token_stops_the_app(make_app):
    with pytest.raises(ConfigError, match="METRICS_TOKEN must be at least 16 characters"):
        make_app(METRICS_TOKEN="short")


def test_requests_are_counted_by_endpoint_and_status(make_app):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    before = scrape(client)
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert client.get("/no/such/page/42").status_code == 404
    assert client.post("/").status_code == 405
    # The liveness probe never reaches the app (health.LivenessProbe): not counted.
    assert client.get("/health/ping").status_code == 200
    after = scrape(client)

    def added(endpoint: str, status: str, method: str = "GET") -> float:
        return requests_counted(after, endpoint, status, method) - requests_counted(
            before, endpoint, status, method
        )

    assert added("main.index", "200") == 3
    assert added("health.ping", "200") == 0
    # No route matched (nor did a method): one series for all of them, not one per path.
    assert added("none", "404") == 1
    assert added("none", "405", "POST") == 1
    # Scrapes themselves are not counted.
    assert added("metrics", "200") == 0
    labels = (("endpoint", "main.index"), ("method", "GET"))
    timed = ("http_request_duration_seconds_count", labels)
    assert after[timed] - before.get(timed, 0.0) == 3


def test_the_answer_is_never_cached_and_names_no_path(make_app):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    client.get("/notes/123456")
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.headers["Cache-Control"] == "no-store"
    assert not re.search(r"/notes/123456", response.text)
{%- if cookiecutter.celery_broker != "none" %}


def test_finished_tasks_are_counted_by_outcome(make_app):
    app = make_app(METRICS_TOKEN=TOKEN)
    celery_app = app.extensions["celery"]

    @celery_app.task(name="tests.metrics.fine")
    def fine() -> None:
        """Ends well."""

    @celery_app.task(name="tests.metrics.broken")
    def broken() -> None:
        raise RuntimeError("forced for the test")

    client = app.test_client()
    before = scrape(client)
    fine.apply()
    fine.apply()
    broken.apply(throw=False)
    after = scrape(client)

    def added(task: str, state: str) -> float:
        key = ("celery_tasks_total", (("state", state), ("task", task)))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert added("tests.metrics.fine", "succeeded") == 2
    assert added("tests.metrics.broken", "failed") == 1
    assert added("tests.metrics.fine", "failed") == 0
{%- endif %}

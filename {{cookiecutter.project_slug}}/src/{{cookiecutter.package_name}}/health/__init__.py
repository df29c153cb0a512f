"""Health endpoints for load balancers and orchestrators.

``/health/ping`` is liveness: it answers without touching any backing service, so a slow
database never gets a healthy process restarted. ``/health/ready`` is readiness: it runs every
check in :data:`CHECKS` and answers 503 when one fails, so traffic waits until the app can serve.
"""

import time
from collections.abc import Callable

from flask import Blueprint{% if cookiecutter.celery_broker != "none" %}, current_app{% endif %}, jsonify
from flask.typing import ResponseReturnValue

from ..extensions import db{% if cookiecutter.use_mongodb %}, mongo{% endif %}{% if cookiecutter.use_redis %}, redis_client{% endif %}

bp = Blueprint("health", __name__)


def check_database() -> None:
    """Run ``SELECT 1`` on the database; raises whatever the driver raises when it is down."""
    db.session.execute(db.text("SELECT 1"))
{%- if cookiecutter.use_redis %}


def check_redis() -> None:
    """Send ``PING`` to Redis; raises ``redis.exceptions.RedisError`` when it is down."""
    redis_client.client.ping()
{%- endif %}
{%- if cookiecutter.use_mongodb %}


def check_mongodb() -> None:
    """Run MongoDB's ``ping`` command; raises ``pymongo.errors.PyMongoError`` when it is down."""
    mongo.client.admin.command("ping")
{%- endif %}


{%- if cookiecutter.celery_broker != "none" %}


def check_broker() -> None:
    """Connect to the Celery broker (one attempt, short timeout); raises when it is down."""
    with current_app.extensions["celery"].connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
{%- endif %}


#: Readiness checks by name; each returns nothing and raises when its service is unusable.
CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
{%- if cookiecutter.use_redis %}
    "redis": check_redis,
{%- endif %}
{%- if cookiecutter.use_mongodb %}
    "mongodb": check_mongodb,
{%- endif %}
{%- if cookiecutter.celery_broker != "none" %}
    "broker": check_broker,
{%- endif %}
}


@bp.route("/ping")
def ping() -> ResponseReturnValue:
    """Liveness: always ``{"status": "ok"}`` with 200."""
    return {"status": "ok"}


@bp.route("/ready")
def ready() -> ResponseReturnValue:
    """Readiness: ``{"status": "ok"|"fail", "checks": {name: {...}}}``, 200 or 503.

    Each check entry holds ``status`` (``"ok"`` or ``"fail"``), ``duration_ms`` (milliseconds)
    and, on failure, ``error`` (the exception's class name and first line).
    """
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:  # any failure at all means "not ready"
            message = str(error).splitlines()[0] if str(error) else ""
            results[name] = {"status": "fail", "error": f"{type(error).__name__}: {message}"}
        else:
            results[name] = {"status": "ok"}
        results[name]["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
    healthy = all(result["status"] == "ok" for result in results.values())
    body = {"status": "ok" if healthy else "fail", "checks": results}
    return jsonify(body), 200 if healthy else 503

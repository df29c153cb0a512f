"""Routes: ``/tasks/`` (progress page), ``POST /tasks/long``, ``GET /tasks/workers`` and
``GET /tasks/<task_id>`` (JSON)."""

from flask import current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..main import add_nav_link
from . import bp
from .demo import long_task
from .models import TaskRun
from .workers import listening_workers

add_nav_link(bp, "tasks.index", "Tasks", "Start a long task on the worker and watch its progress.")

#: The routes that answer HTML; the others answer JSON, their errors included.
HTML_ENDPOINTS = frozenset({"tasks.index", "tasks.static"})


def json_errors(error: HTTPException) -> ResponseReturnValue | None:
    """The errors of the JSON routes (a missing CSRF token, a broker down) as
    ``{"error": message}`` with the error's status and headers, so the page's script can show
    them; ``None`` (the HTML error page) anywhere else."""
    if request.blueprint != "tasks" or request.endpoint in HTML_ENDPOINTS:
        return None
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return {"error": error.description}, error.code or 500, headers


@bp.route("/")
@login_required
def index() -> str:
    """The page with a button that starts the demo task and a live progress bar."""
    return render_template("tasks/index.html")


@bp.route("/long", methods=["POST"])
@login_required
def start_long() -> ResponseReturnValue:
    """Queue the demo task: 202 with ``task_id`` and ``status_url``; 503 if the broker is down."""
    total = current_app.config["DEMO_TASK_STEPS"]
    try:
        result = long_task.apply_async(
            kwargs={
                "total": total,
                "delay": current_app.config["DEMO_TASK_DELAY"],
                "user_id": current_user.id,
            },
            retry=False,
        )
    except Exception as error:  # any broker failure
        current_app.logger.warning("task not queued: %s: %s", type(error).__name__, error)
        return {"error": "The task queue is unavailable; try again later."}, 503
    db.session.add(TaskRun(task_id=result.id, name=long_task.name, user_id=current_user.id))
    db.session.commit()
    status_url = url_for("tasks.status", task_id=result.id)
    return {"task_id": result.id, "status_url": status_url}, 202, {"Location": status_url}


@bp.route("/workers")
@login_required
def workers() -> ResponseReturnValue:
    """``{"workers": [hostname, ...]}``: the Celery workers listening now (``[]`` for none), so
    the page can say that a task would wait. 503 if the broker is down."""
    return {"workers": listening_workers()}


@bp.route("/<task_id>")
@login_required
def status(task_id: str) -> ResponseReturnValue:
    """The task's ``state``, ``current`` and ``total`` steps, and ``result`` once it succeeded.

    404 for an id this user did not start (unknown to Celery or someone else's task).
    """
    run = db.session.scalar(db.select(TaskRun).filter_by(task_id=task_id, user_id=current_user.id))
    if run is None:
        return {"error": f"No task {task_id!r} was started by you."}, 404
    result = current_app.extensions["celery"].AsyncResult(task_id)
    body = {
        "task_id": task_id,
        "state": result.state,
        "current": 0,
        "total": current_app.config["DEMO_TASK_STEPS"],
    }
    if result.state in ("PROGRESS", "SUCCESS") and isinstance(result.info, dict):
        body["current"] = result.info.get("current", 0)
        body["total"] = result.info.get("total", body["total"])
    if result.state == "SUCCESS":
        body["result"] = result.info.get("result")
    elif result.state == "FAILURE":
        body["error"] = f"{type(result.info).__name__}: {result.info}"
    return body

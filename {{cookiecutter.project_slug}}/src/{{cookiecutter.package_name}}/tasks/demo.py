"""A long demo task that reports its progress, shown live on ``/tasks/``."""

import os
import time
from typing import Any

from celery import Task, shared_task
from flask import current_app

from ..signals import task_progress


@shared_task(bind=True)
def long_task(
    self: "Task[Any, Any]", total: int = 20, delay: float = 0.5, user_id: int | None = None
) -> dict[str, object]:
    """Do ``total`` steps of ``delay`` seconds, reporting ``PROGRESS`` with current/total.

    With ``user_id`` (the user who started it), each step and the end are also sent as the
    :data:`~..signals.task_progress` signal, which a feature may pass on to that user's browser.
    Safe to run twice (acks_late redelivers it when its worker process dies mid-task).
    """
    try:
        for done in range(1, total + 1):
            time.sleep(delay)
            progress: dict[str, object] = {"current": done, "total": total, "pid": os.getpid()}
            self.update_state(state="PROGRESS", meta=progress)
            report(self, user_id, "PROGRESS", progress)
    except Exception as error:
        report(self, user_id, "FAILURE", {"error": f"{type(error).__name__}: {error}"})
        raise
    outcome: dict[str, object] = {
        "current": total,
        "total": total,
        "result": f"Finished {total} steps.",
    }
    report(self, user_id, "SUCCESS", outcome)
    return outcome


def report(
    task: "Task[Any, Any]", user_id: int | None, state: str, info: dict[str, object]
) -> None:
    """Send :data:`~..signals.task_progress` for ``task`` when a user started it."""
    if user_id is not None:
        task_progress.send(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            user_id=user_id,
            task_id=task.request.id,
            state=state,
            info=info,
        )

"""A long demo task that reports its progress, shown live on ``/tasks/``."""

import os
import time
from typing import Any

from celery import Task, shared_task


@shared_task(bind=True)
def long_task(self: "Task[Any, Any]", total: int = 20, delay: float = 0.5) -> dict[str, object]:
    """Do ``total`` steps of ``delay`` seconds, reporting ``PROGRESS`` with current/total.

    Safe to run twice (acks_late redelivers it when its worker process dies mid-task).
    """
    for done in range(1, total + 1):
        time.sleep(delay)
        self.update_state(
            state="PROGRESS", meta={"current": done, "total": total, "pid": os.getpid()}
        )
    return {"current": total, "total": total, "result": f"Finished {total} steps."}

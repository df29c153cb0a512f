"""Background tasks with Celery, set up as in the Flask docs ("Background Tasks with Celery").

:func:`celery_init_app` builds the Celery app from ``app.config["CELERY"]`` inside
``create_app``; every task runs inside the Flask app context (:class:`FlaskTask`), so tasks use
``db`` and ``current_app`` like a view does. Tasks are declared with ``shared_task`` and take
ids and plain JSON values, never ORM objects. The worker and beat load
``celery_app.py`` (``celery -A {{ cookiecutter.package_name }}.tasks.celery_app worker``).

This package is also the blueprint of the ``/tasks/`` progress page and its JSON API.
"""

from celery import Celery, Task
from flask import Blueprint, Flask

bp = Blueprint("tasks", __name__, template_folder="templates")


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app``, make it the default and store it as
    ``app.extensions["celery"]``."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


from . import audit, demo, views  # noqa: E402,F401  (registers the tasks and the routes)

"""Logging to standard output.

Each process (every gunicorn worker included) writes its own lines to stdout and leaves rotation
and shipping to the process manager, so no two workers ever share a log file.
"""

from logging.config import dictConfig

from flask import Flask


def configure(app: Flask) -> None:
    """Configure the root logger from ``app.config["LOG_LEVEL"]`` (a :mod:`logging` level name)."""
    dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "default": {"format": "%(asctime)s %(levelname)s [%(name)s] %(message)s"},
            },
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "formatter": "default",
                },
            },
            "root": {"level": app.config["LOG_LEVEL"], "handlers": ["stdout"]},
{%- if cookiecutter.celery_broker != "none" %}
            # At DEBUG this one prints the source of every task signature Celery builds (about
            # 30 multi-line dumps at each worker start), which drowns the lines that matter.
            "loggers": {"celery.utils.functional": {"level": "INFO"}},
{%- endif %}
        }
    )

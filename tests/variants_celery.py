"""The Celery variants (issue 3): extra_context dicts for the generic variant harness.

Every ``celery_broker`` value appears, with and without Flower; ``none`` with Flower left at its
default (true), which must be ignored.
"""

VARIANTS_CELERY: list[dict] = [
    {"celery_broker": "sqlalchemy"},
    {"celery_broker": "redis"},
    {"celery_broker": "rabbitmq", "use_flower": False},
    {"celery_broker": "none"},
]

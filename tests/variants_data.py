"""Data-store variants (issue 4) for the variant harness: cookiecutter ``extra_context`` dicts.

Together they cover every value of ``database``, ``use_redis`` and ``use_mongodb`` and every
pair of them. Each baked suite runs against the real services its variant uses (see
:func:`services`); a service that is down fails the run with its name. MongoDB has no server
on the project's machines: those suites run their server-backed tests only when
``MONGODB_URI`` is set, and report them as skipped otherwise.
"""

from __future__ import annotations

VARIANTS: list[dict[str, object]] = [
    {"database": "postgresql"},
    {"database": "mysql", "use_redis": True},
    {"database": "sqlite", "use_redis": True, "use_mongodb": True},
    {"database": "postgresql", "use_redis": True, "use_mongodb": True},
    {"database": "mysql", "use_mongodb": True},
]


def services(variant: dict[str, object]) -> list[str]:
    """Names of the services (as in shared/services.md) a baked variant's suite needs:
    its database, Redis for the Redis option or broker, RabbitMQ for that broker."""
    needed = []
    database = variant.get("database", "sqlite")
    if database == "postgresql":
        needed.append("PostgreSQL")
    elif database == "mysql":
        needed.append("MariaDB")
    broker = variant.get("celery_broker", "sqlalchemy")
    if variant.get("use_redis") or broker == "redis":
        needed.append("Redis")
    if broker == "rabbitmq":
        needed.append("RabbitMQ")
    return needed

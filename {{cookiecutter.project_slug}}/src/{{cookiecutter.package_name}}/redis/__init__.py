"""Redis: a client extension (``redis_client``), the cache's backend and a readiness check.

``init_app`` adds the settings of :mod:`.settings`, binds the client, points Flask-Caching at the
same server (``CACHE_REDIS_URL`` defaults to ``REDIS_URL``) and registers the ``redis`` check of
``/health/ready``. Other features may keep their state in it too: the API's rate limits do.
"""

from flask import Flask
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .. import config, errors, health
from .client import RedisClient, redis_client
from .settings import Settings

__all__ = ["RedisClient", "init_app", "redis_client"]


def check_redis() -> None:
    """Send ``PING`` to Redis; raises ``redis.exceptions.RedisError`` when it is down."""
    redis_client.client.ping()


def init_app(app: Flask) -> None:
    """Set up Redis on ``app``.

    Raises:
        config.ConfigError: ``REDIS_URL`` cannot be parsed.
    """
    config.add_settings(app, Settings, environ={"REDIS_URL": "REDIS_URL"})
    app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    app.config.setdefault(
        "CACHE_OPTIONS",
        {
            "socket_timeout": app.config["REDIS_TIMEOUT"],
            "socket_connect_timeout": app.config["REDIS_TIMEOUT"],
        },
    )
    redis_client.init_app(app)
    health.add_check(app, "redis", check_redis)
    # A page whose cache or counter cannot reach Redis in REDIS_TIMEOUT answers 503.
    errors.add_unavailable(app, RedisConnectionError, RedisTimeoutError)
    app.shell_context_processor(lambda: {"redis_client": redis_client})

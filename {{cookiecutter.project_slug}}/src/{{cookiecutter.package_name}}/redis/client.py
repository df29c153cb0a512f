"""The Redis client extension."""

from flask import Flask, current_app
from redis import Redis

from ..config import ConfigError


class RedisClient:
    """A Redis client per app, built from ``REDIS_URL``.

    ``redis.Redis.from_url`` only makes a connection pool: nothing connects until the first
    command, so the app starts (and ``/health/ready`` reports it) while Redis is down.
    ``REDIS_TIMEOUT`` (seconds) bounds connecting and every reply, so a dead server costs
    seconds, not minutes. Use ``redis_client.client`` inside an app context.
    """

    def init_app(self, app: Flask) -> None:
        """Make ``app``'s client (no connection yet).

        Raises:
            ConfigError: ``REDIS_URL`` cannot be parsed.
        """
        timeout = app.config["REDIS_TIMEOUT"]
        try:
            client = Redis.from_url(
                app.config["REDIS_URL"],
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                health_check_interval=30,
            )
        except ValueError as error:
            raise ConfigError(f"REDIS_URL cannot be used: {error}") from None
        app.extensions["redis"] = client

    @property
    def client(self) -> Redis:
        """The current app's client."""
        client: Redis = current_app.extensions["redis"]
        return client


redis_client = RedisClient()

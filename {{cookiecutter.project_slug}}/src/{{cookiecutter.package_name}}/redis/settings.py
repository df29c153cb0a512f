"""Settings of the Redis feature; ``REDIS_URL`` in the environment replaces the default."""


class Settings:
    """Defaults for every config."""

    REDIS_URL = "redis://127.0.0.1:6379/0"
    # Seconds to wait for a Redis connection or reply before treating it as down.
    REDIS_TIMEOUT = 2.0
    # Flask-Caching on Redis; the cache uses REDIS_URL unless CACHE_REDIS_URL is set.
    CACHE_TYPE = "RedisCache"
    CACHE_KEY_PREFIX = "{{ cookiecutter.package_name }}:cache:"

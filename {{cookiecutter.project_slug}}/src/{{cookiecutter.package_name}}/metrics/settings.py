"""Settings of the Prometheus metrics; ``METRICS_TOKEN`` in the environment replaces the default."""


class Settings:
    """Defaults for every config."""

    # The bearer token a scraper sends (Prometheus's `authorization: credentials`). None: no
    # /metrics endpoint and nothing counted.
    METRICS_TOKEN: str | None = None

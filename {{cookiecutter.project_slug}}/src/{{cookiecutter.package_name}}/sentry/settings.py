"""Settings of error tracking; ``SENTRY_DSN`` in the environment replaces the default."""


class Settings:
    """Defaults for every config."""

    # The Sentry project's DSN (its "Client Keys" page). None: no error tracking.
    SENTRY_DSN: str | None = None
    # Shown on each event; None: the config's name (production, development, testing).
    SENTRY_ENVIRONMENT: str | None = None
    # None: "<distribution>@<version>" of the installed project.
    SENTRY_RELEASE: str | None = None
    # Share of requests traced for performance, 0.0 to 1.0; 0.0 sends errors only.
    SENTRY_TRACES_SAMPLE_RATE = 0.0

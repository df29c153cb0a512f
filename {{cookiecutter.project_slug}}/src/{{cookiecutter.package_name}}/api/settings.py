"""Settings of the REST API (flask-smorest, Flask-JWT-Extended, Flask-Limiter)."""

#: Where the API lives; the OPENAPI_* settings below use the same prefix.
API_PREFIX = "/api/v1"


class Settings:
    """Defaults for every config; ``API_TITLE`` defaults to ``APP_NAME``."""

    # The OpenAPI document and Swagger UI live under API_PREFIX.
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = API_PREFIX
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Swagger UI's files come from the flask-swagger-ui package, served by this app (no CDN).
    OPENAPI_SWAGGER_UI_URL = f"{API_PREFIX}/docs/assets/"
    # Every operation takes a bearer token unless it says otherwise (the token endpoint).
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            }
        },
        "security": [{"bearerAuth": []}],
    }
    # Flask-JWT-Extended signs tokens with JWT_SECRET_KEY, or SECRET_KEY when that is unset.
    # Lifetimes are in seconds.
    JWT_SECRET_KEY: str | None = None
    JWT_ACCESS_TOKEN_EXPIRES = 15 * 60
    JWT_REFRESH_TOKEN_EXPIRES = 30 * 24 * 60 * 60
    # Flask-Limiter: how often a client may ask for a token. Counts are kept where
    # RATELIMIT_STORAGE_URI says: by default the app's Redis (REDIS_URL) when it has one, so
    # every worker process sees the same counts, else memory:// (per process).
    RATELIMIT_HEADERS_ENABLED = True
    API_AUTH_RATE_LIMIT = "10 per minute"


class TestingSettings(Settings):
    """The test suite's."""

    # PyJWT warns about HMAC keys shorter than 32 bytes, and warnings fail the tests.
    JWT_SECRET_KEY = "testing-only-jwt-key-" + "x" * 32
    # Counts in a shared server would outlive the run and throttle the next one.
    RATELIMIT_STORAGE_URI = "memory://"

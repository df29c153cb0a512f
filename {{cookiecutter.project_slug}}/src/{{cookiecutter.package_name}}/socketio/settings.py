"""Settings of the live updates; ``SOCKETIO_MESSAGE_QUEUE`` and
``SOCKETIO_CORS_ALLOWED_ORIGINS`` in the environment replace the defaults."""


class Settings:
    """Defaults for every config."""

    #: The message queue that carries events between processes (Flask-SocketIO's
    #: ``message_queue``): a ``redis://`` or ``amqp://`` URL; ``""``: none.
{%- if cookiecutter.celery_broker in ("redis", "rabbitmq") %}
    #: ``None``: the Celery broker.
{%- elif cookiecutter.use_redis %}
    #: ``None``: ``REDIS_URL``.
{%- else %}
    #: ``None``: none, so events stay in the process that sends them (run one web process).
{%- endif %}
    SOCKETIO_MESSAGE_QUEUE: str | None = None
    #: Origins, besides the app's own, whose pages may connect (comma-separated, e.g.
    #: ``https://admin.example.com``). Browsers send the cookie with a cross-site WebSocket
    #: handshake, so this is the socket's CSRF protection: list only origins you serve.
    SOCKETIO_CORS_ALLOWED_ORIGINS = ""
    #: Seconds to wait for the message queue when connecting or sending, before giving up on
    #: one event (a login still goes through when the queue is down).
    SOCKETIO_QUEUE_TIMEOUT = 2.0


class TestingSettings(Settings):
    """The test suite's: no message queue, events stay in the process (the tests of the queue
    set one)."""

    SOCKETIO_MESSAGE_QUEUE = ""


#: Environment variables that replace a default (rung 2 of config.py's precedence).
ENVIRON = {
    "SOCKETIO_MESSAGE_QUEUE": "SOCKETIO_MESSAGE_QUEUE",
    "SOCKETIO_CORS_ALLOWED_ORIGINS": "SOCKETIO_CORS_ALLOWED_ORIGINS",
}

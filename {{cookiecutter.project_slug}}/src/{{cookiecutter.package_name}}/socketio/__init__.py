"""Live updates with Flask-SocketIO: task progress pushed to ``/tasks/`` and an account
activity feed on ``/admin/``.

Only signed-in users can connect. Each socket joins its user's room (``user:<id>``), and sockets
of users with the ``admin.access`` permission join ``admins``, so a user receives the progress of
their own tasks only and only admins receive the feed. Events, server to browser:

- ``task_progress``: ``{"task_id", "state", "current", "total"}`` and ``result`` or ``error``, the
  fields of the task's status URL, at each step of a task the user started;
- ``account_event``: ``{"action", "email", "at"}``, ``action`` being ``login``, ``logout`` or
  ``register`` and ``at`` an ISO 8601 time in UTC.

The browser sends nothing but the connection itself, so incoming messages are capped at
:data:`MAX_MESSAGE_BYTES`. Sockets use the WebSocket transport only: each one is a single
connection to one web process, so several gunicorn workers or hosts need no sticky sessions.
Between processes (gunicorn workers, hosts, and the Celery worker that runs a task), events go
through the message queue, ``SOCKETIO_MESSAGE_QUEUE`` (see :mod:`.settings`). The handshake
must come from the app's own origin or one of ``SOCKETIO_CORS_ALLOWED_ORIGINS``: a browser
sends the session cookie with a cross-site WebSocket, so this check is what CSRF tokens are for
forms.

A page that finds no socket (a proxy without WebSocket support, say) falls back to what it did
without one: ``/tasks/`` polls the task's status URL.

Flask-SocketIO serves one app per process: :data:`socketio` holds the server of the app built
last, as a web process builds only one. A socket stays connected until its page closes, a
logout included (the logout navigates its own page away); a new socket needs a valid session.
"""

import errno
import logging
import os
import threading
import uuid
from collections.abc import Callable
from types import TracebackType
from typing import Any

from flask import Blueprint, Flask, current_app, has_request_context
from flask_login import AnonymousUserMixin, current_user, user_logged_in, user_logged_out
from flask_socketio import SocketIO, join_room
from werkzeug.middleware.proxy_fix import ProxyFix

from .. import admin, config, main
from ..models import User
from ..models.user import utcnow
from ..signals import {% if cookiecutter.celery_broker != "none" %}task_progress, {% endif %}user_registered
from .settings import ENVIRON, Settings, TestingSettings

__all__ = ["ADMINS_ROOM", "close_queue_clients", "init_app", "publish", "socketio", "user_room"]

logger = logging.getLogger(__name__)

#: The extension; its server is built by :func:`init_app`.
socketio = SocketIO()
bp = Blueprint("socketio", __name__, template_folder="templates", static_folder="static")

#: The room of the sockets of users with the ``admin.access`` permission.
ADMINS_ROOM = "admins"
#: The permission that lets a socket receive the account activity feed.
ADMIN_PERMISSION = "admin.access"
#: The message queue's channel (a Redis channel, or a RabbitMQ fanout exchange).
CHANNEL = "{{ cookiecutter.package_name }}-socketio"
#: The URL schemes of the message queues: Redis and RabbitMQ (AMQP).
QUEUE_SCHEMES = ("redis://", "rediss://", "amqp://", "amqps://")
#: The largest message, in bytes, a browser may send (it sends only the connection's own).
MAX_MESSAGE_BYTES = 16 * 1024

#: Write-only message queue clients of processes that serve no socket (Celery workers), by
#: process id and URL: a forked process makes its own.
_emitters: dict[tuple[int, str], Any] = {}


def user_room(user_id: int) -> str:
    """The room of the sockets of the user ``user_id``."""
    return f"user:{user_id}"


def connect(auth: object = None) -> None:
    """Socket.IO ``connect``: accept signed-in users only, into their own room, and admins into
    :data:`ADMINS_ROOM` too.

    Raises:
        socketio.exceptions.ConnectionRefusedError: no user is signed in with this session (the
            browser's ``connect_error`` gets the message).
    """
    # python-socketio's modules are imported where they are used: this package has their name.
    from socketio.exceptions import ConnectionRefusedError as Refused

    if not current_user.is_authenticated:
        raise Refused("Log in first.")
    join_room(user_room(current_user.id))
    if current_user.has_permission(ADMIN_PERMISSION):
        join_room(ADMINS_ROOM)


def message_queue(app: Flask) -> str:
    """The message queue's URL for ``app``, ``""`` for none (see :mod:`.settings`)."""
    url = app.config["SOCKETIO_MESSAGE_QUEUE"]
    if url is not None:
        return str(url)
{%- if cookiecutter.celery_broker in ("redis", "rabbitmq") %}
    broker = str(app.config["CELERY"]["broker_url"] or "")
    # A broker that is no message queue (an in-memory one, say) means none.
    return broker if broker.startswith(QUEUE_SCHEMES) else ""
{%- elif cookiecutter.use_redis %}
    return str(app.config["REDIS_URL"])
{%- else %}
    return ""
{%- endif %}


def queue_client(url: str, timeout: float, write_only: bool) -> Any:
    """A Redis or RabbitMQ (kombu) client of the message queue at ``url`` (python-socketio's
    ``RedisManager`` or ``KombuManager``) that gives up on a connection or a send after
    ``timeout`` seconds.

    Raises:
        config.ConfigError: ``url`` is neither ``redis://`` nor ``amqp://``.
    """
    import socketio as python_socketio

    if url.startswith(("redis://", "rediss://")):
        return python_socketio.RedisManager(
            url,
            channel=CHANNEL,
            write_only=write_only,
            redis_options={"socket_timeout": timeout, "socket_connect_timeout": timeout},
        )
    if url.startswith(("amqp://", "amqps://")):
        return python_socketio.KombuManager(
            url,
            channel=CHANNEL,
            write_only=write_only,
            connection_options={
                "connect_timeout": timeout,
                "transport_options": {"max_retries": 1, "interval_start": 0},
            },
        )
    raise config.ConfigError(
        f"SOCKETIO_MESSAGE_QUEUE must be a redis:// or amqp:// URL, not {url!r}"
    )


def publish(event: str, data: dict[str, Any], room: str) -> None:
    """Send ``event`` with ``data`` to the sockets in ``room``, wherever they are connected.

    In a web process the app's server sends it (through the message queue when there is one);
    in a process that serves no socket (a Celery worker) a write-only queue client does, and
    without a queue there nothing is sent. A queue that is down loses the event and logs a
    warning: live updates never fail the request or the task that sends them.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    url: str = app.extensions["socketio_queue"]
    try:
        if serves_sockets():
            # This app's own server: the extension object holds the last app's only.
            app.extensions["socketio_server"].emit(event, data, to=room, namespace="/")
        elif url:
            key = (os.getpid(), url)
            if key not in _emitters:
                _emitters[key] = queue_client(
                    url, float(app.config["SOCKETIO_QUEUE_TIMEOUT"]), write_only=True
                )
            _emitters[key].emit(event, data, room=room, namespace="/")
    except Exception as error:  # the queue or the network: the event is lost, nothing else
        logger.warning("live update %s not sent: %s: %s", event, type(error).__name__, error)


def close_queue_clients(app: Flask) -> None:
    """Close the connections to the message queue that ``app``'s server and this process's
    write-only clients opened for sending (each reconnects when it sends again). For a process
    that builds apps and drops them, as the tests do; the listening connection of a server
    lives as long as the process."""
    managers = [app.extensions["socketio_server"].manager, *_emitters.values()]
    _emitters.clear()
    for manager in managers:
        close_queue_client(manager)


def close_queue_client(manager: Any) -> None:
    """Close the connection that ``manager`` (a client of :func:`queue_client`, or any other
    python-socketio manager, for which this does nothing) opened for sending; it reconnects
    when it sends again."""
    import socketio as python_socketio

    if isinstance(manager, python_socketio.KombuManager):
        manager.publisher_connection.release()
    elif isinstance(manager, python_socketio.RedisManager) and manager.redis is not None:
        manager.redis.close()


def serves_sockets() -> bool:
    """Whether the code runs in a web process's request (a Celery worker handles none): the
    app's own Socket.IO server sends from there."""
    return has_request_context()


class ClosingRaceHook:
    """A :data:`threading.excepthook` that logs simple-websocket's closing race as one INFO line
    and hands every other uncaught thread exception to the hook it replaced.

    The race (simple-websocket 1.1, ``simple_websocket/ws.py``): when a browser leaves, the
    library's reader thread marks the socket closed and closes it; python-engineio's writer
    thread meanwhile closes the WebSocket too, and when it read "connected" just before the
    reader thread closed the socket, its close frame goes to a closed file descriptor. The
    ``OSError`` (EBADF) escapes that thread, and Python's default hook would print it as a
    traceback. Nothing is lost: the browser is gone, and the close frame had nowhere to go.

    Args:
        next_hook: the hook to call for any other exception (Python's default, or whatever
            another library installed before).
    """

    def __init__(self, next_hook: Callable[[threading.ExceptHookArgs], object]) -> None:
        self.next_hook = next_hook

    def __call__(self, args: threading.ExceptHookArgs) -> None:
        """Handle one uncaught exception of a thread (``threading.excepthook``'s contract)."""
        if is_closing_race(args.exc_value, args.exc_traceback):
            logger.info("a live-update socket closed from both ends at once: %s", args.exc_value)
            return
        self.next_hook(args)

    @classmethod
    def install(cls) -> None:
        """Make :data:`threading.excepthook` one of these, once per process."""
        if not isinstance(threading.excepthook, cls):
            threading.excepthook = cls(threading.excepthook)


def is_closing_race(error: BaseException | None, trace: TracebackType | None) -> bool:
    """Whether ``error`` (with its traceback ``trace``) is the race :class:`ClosingRaceHook`
    describes: an EBADF ``OSError`` raised in simple-websocket's own ``close``."""
    if not isinstance(error, OSError) or error.errno != errno.EBADF or trace is None:
        return False
    while trace.tb_next is not None:
        trace = trace.tb_next
    frame = trace.tb_frame
    return frame.f_globals.get("__name__") == "simple_websocket.ws" and (
        frame.f_code.co_name == "close"
    )


def account_event(action: str, user: User) -> None:
    """Send ``account_event`` to :data:`ADMINS_ROOM`."""
    at = utcnow().isoformat(timespec="seconds")
    publish("account_event", {"action": action, "email": user.email, "at": at}, ADMINS_ROOM)


def on_login(sender: Flask, user: User, **extra: object) -> None:
    """Receiver of Flask-Login's ``user_logged_in``: tell the admins."""
    account_event("login", user)


def on_logout(sender: Flask, user: User | AnonymousUserMixin, **extra: object) -> None:
    """Receiver of Flask-Login's ``user_logged_out``: tell the admins."""
    if isinstance(user, User):  # logging out while logged out sends the anonymous user
        account_event("logout", user)


def on_registered(sender: Flask, user: User, **extra: object) -> None:
    """Receiver of the app's ``user_registered``: tell the admins."""
    account_event("register", user)
{%- if cookiecutter.celery_broker != "none" %}


def on_task_progress(
    sender: Flask, user_id: int, task_id: str, state: str, info: dict[str, Any], **extra: object
) -> None:
    """Pass :data:`~..signals.task_progress` on to the user's sockets as ``task_progress``."""
    fields: dict[str, Any] = {
        key: info[key] for key in ("current", "total", "result", "error") if key in info
    }
    publish("task_progress", {"task_id": task_id, "state": state, **fields}, user_room(user_id))
{%- endif %}


def feed_section() -> dict[str, object]:
    """The admin page's live feed: an empty list the page's script fills."""
    return {}


def init_app(app: Flask) -> None:
    """Serve Socket.IO on ``app`` at ``/socket.io/`` and send the events listed above; in this
    process, log simple-websocket's closing race instead of printing it (:class:`ClosingRaceHook`).

    Raises:
        config.ConfigError: ``SOCKETIO_MESSAGE_QUEUE`` is neither a ``redis://`` nor an
            ``amqp://`` URL.
    """
    config.add_settings(app, Settings, TestingSettings, environ=ENVIRON)
    url = app.extensions["socketio_queue"] = message_queue(app)
    # WebSocket only: each socket is one connection to one process (no sticky sessions).
    server_args: dict[str, Any] = {"transports": ["websocket"]}
    origins = [o.strip() for o in app.config["SOCKETIO_CORS_ALLOWED_ORIGINS"].split(",")]
    if any(origins):  # without: only the app's own origin (python-engineio's default)
        server_args["cors_allowed_origins"] = [origin for origin in origins if origin]
    if url:
        server_args["client_manager"] = queue_client(
            url, float(app.config["SOCKETIO_QUEUE_TIMEOUT"]), write_only=False
        )
    # Socket.IO's middleware goes around the app; ProxyFix, when the config trusts a proxy,
    # must stay outermost so that the handshake sees the client's address and scheme too.
    proxy = app.wsgi_app if isinstance(app.wsgi_app, ProxyFix) else None
    if proxy is not None:
        app.wsgi_app = proxy.app  # type: ignore[method-assign,assignment]
    # The libraries log through their own loggers, in the app's format, instead of adding a
    # text handler of their own; at INFO they would describe every packet.
    for name in ("socketio.server", "engineio.server"):
        logging.getLogger(name).setLevel(logging.WARNING)
    server_args["logger"] = logging.getLogger("socketio.server")
    server_args["engineio_logger"] = logging.getLogger("engineio.server")
    # init_app adds its arguments to those of the app it served before (one app per process in
    # production; many in the tests): each app starts from none. (types-Flask-SocketIO leaves
    # the attribute out.)
    socketio.server_options.clear()  # type: ignore[attr-defined]
    socketio.init_app(
        app,
        async_mode="threading",
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        **server_args,
    )
    # The python-socketio server init_app built for this app (types-Flask-SocketIO leaves the
    # attribute out).
    app.extensions["socketio_server"] = socketio.server  # type: ignore[attr-defined]
    if proxy is not None:
        proxy.app = app.wsgi_app
        app.wsgi_app = proxy  # type: ignore[method-assign]
    app.register_blueprint(bp, url_prefix="/socketio")
    client = ("socketio.static", "socket.io.min.js")
    admin.add_section(app, "socketio/admin_feed.html", feed_section)
    main.add_page_script(app, {"admin.index"}, *client)
    main.add_page_script(app, {"admin.index"}, "socketio.static", "admin_feed.js")
{%- if cookiecutter.celery_broker != "none" %}
    if url:  # a Celery worker reaches the browsers only through the queue
        main.add_page_script(app, {"tasks.index"}, *client)
        task_progress.connect(on_task_progress, app)
{%- endif %}
    user_logged_in.connect(on_login, app)
    user_logged_out.connect(on_logout, app)
    user_registered.connect(on_registered, app)
    ClosingRaceHook.install()


socketio.on_event("connect", connect)


def new_host_id_in_child() -> None:
    """Give the message-queue client of this process's server an id of its own; run by
    ``os.register_at_fork`` in a forked child.

    python-socketio's pub/sub managers (``RedisManager``, ``KombuManager``) draw a random
    ``host_id`` when they are built, and the thread that reads the queue skips every message
    carrying its own id, taking it for one this process sent and already delivered. gunicorn
    forks its workers from a master that built the app (``preload_app``), so without a new id
    in each, every worker would skip the events its siblings send (a login answered by one
    worker, say, for the admin feed of a page whose socket another worker holds).
    """
    # The server init_app built (types-Flask-SocketIO leaves the attribute out).
    manager = getattr(getattr(socketio, "server", None), "manager", None)
    if manager is not None and hasattr(manager, "host_id"):
        manager.host_id = uuid.uuid4().hex


# Windows has no fork, and no os.register_at_fork.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=new_host_id_in_child)

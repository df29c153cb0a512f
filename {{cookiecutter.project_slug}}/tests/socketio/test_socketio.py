"""Live updates over Socket.IO: who may connect, who receives what, the handshake's origin and
transport rules{% if cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis %}, and events that cross processes through the real message queue{% endif %}.

The in-process tests use Flask-SocketIO's test client; the handshake tests speak WebSocket to
the app served by werkzeug on a free port.
"""

import errno
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
{%- if cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis %}
from contextlib import contextmanager
{%- endif %}
from types import SimpleNamespace
{%- if cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis %}
from urllib.parse import urlsplit, urlunsplit
{%- endif %}

import pytest
import simple_websocket
{%- if cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis %}
import socketio as python_socketio
{%- endif %}
import websocket
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import Role, User
from {{ cookiecutter.package_name }}.socketio import (
    MAX_MESSAGE_BYTES,
    ClosingRaceHook,
{%- if cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis %}
    close_queue_client,
    new_host_id_in_child,
{%- endif %}
    publish,
{%- if cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis %}
    queue_client,
{%- endif %}
    socketio,
    user_room,
)

from ..conftest import PASSWORD, {% if cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis %}TEST_QUEUE_URL, closed_port, {% endif %}serve

# Every test builds its own app: the extension object serves the app built last.
pytestmark = pytest.mark.own_app

#: The accounts of :func:`users_app`, by role.
ADMIN, MEMBER, OTHER = "admin@example.com", "member@example.com", "other@example.com"


def fill(app: Flask) -> dict[str, int]:
    """Make the tables and the accounts :data:`ADMIN`, :data:`MEMBER` and :data:`OTHER`; return
    their ids by address."""
    with app.app_context():
        db.create_all()
        Role.seed()
        users = {
            ADMIN: User.create(ADMIN, PASSWORD, role_name="admin", confirmed=True),
            MEMBER: User.create(MEMBER, PASSWORD, confirmed=True),
            OTHER: User.create(OTHER, PASSWORD, confirmed=True),
        }
        db.session.commit()
        return {email: user.id for email, user in users.items()}


def empty(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture
def users_app(make_app: Callable[..., Flask], database_url: str) -> Iterator[Flask]:
    """An app with three accounts and no app context pushed: each request pushes its own, so
    several signed-in clients do not share Flask's ``g`` (and Flask-Login's user in it)."""
    app = make_app(SQLALCHEMY_DATABASE_URI=database_url)
    app.config["USER_IDS"] = fill(app)
    yield app
    empty(app)


def logged_in_socket(app: Flask, email: str) -> tuple[FlaskClient, SocketIOTestClient]:
    """A browser session signed in as ``email`` and a socket connected with its cookie."""
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client, socketio.test_client(app, flask_test_client=client)


def events(socket: SocketIOTestClient, name: str) -> list[dict[str, object]]:
    """The ``name`` events ``socket`` received since the last call."""
    return [event["args"][0] for event in socket.get_received() if event["name"] == name]


def test_a_visitor_cannot_connect(users_app):
    socket = socketio.test_client(users_app, flask_test_client=users_app.test_client())
    assert not socket.is_connected()


def test_a_member_receives_their_own_events_only(users_app):
    ids = users_app.config["USER_IDS"]
    _, socket = logged_in_socket(users_app, MEMBER)
    assert socket.is_connected()
    with users_app.test_request_context():
        publish("task_progress", {"task_id": "a", "state": "PROGRESS"}, user_room(ids[OTHER]))
        publish("account_event", {"action": "login"}, "admins")
        publish("task_progress", {"task_id": "b", "state": "PROGRESS"}, user_room(ids[MEMBER]))
    assert events(socket, "task_progress") == [{"task_id": "b", "state": "PROGRESS"}]
    assert events(socket, "account_event") == []


def test_admins_see_logins_logouts_and_registrations(users_app):
    _, admin_socket = logged_in_socket(users_app, ADMIN)
    member, member_socket = logged_in_socket(users_app, MEMBER)
    member.post("/auth/logout")
    response = users_app.test_client().post(
        "/auth/register",
        data={"email": "new@example.com", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302, response.text
    feed = events(admin_socket, "account_event")
    assert [(e["action"], e["email"]) for e in feed] == [
        ("login", MEMBER),
        ("logout", MEMBER),
        ("register", "new@example.com"),
    ]
    assert all(str(e["at"]).endswith("+00:00") for e in feed)  # ISO 8601, UTC
    assert events(member_socket, "account_event") == []


def test_the_pages_load_the_client_they_need(users_app):
    client, _ = logged_in_socket(users_app, ADMIN)
    page = client.get("/admin/").text
    assert 'id="live-feed"' in page
    assert "/socketio/static/socket.io.min.js" in page
    assert "/socketio/static/admin_feed.js" in page
    assert "socket.io.min.js" not in client.get("/notes/").text
    with client.get("/socketio/static/socket.io.min.js") as script:
        assert script.status_code == 200
        assert script.mimetype == "text/javascript"
        assert script.data.startswith(b"/*!\n * Socket.IO v4.")


@pytest.fixture
def live_server(users_app: Flask) -> Iterator[str]:
    """:func:`users_app` served; yields ``host:port``."""
    with serve(users_app) as address:
        yield address


def session_cookie(app: Flask, email: str) -> str:
    """``name=value`` of a session signed in as ``email``."""
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return f"{cookie.key}={cookie.value}"


def handshake(address: str, **headers: str) -> websocket.WebSocket:
    """A WebSocket to the app's Socket.IO endpoint, past Engine.IO's open packet."""
    ws = websocket.create_connection(
        f"ws://{address}/socket.io/?EIO=4&transport=websocket", timeout=5, **headers
    )
    assert ws.recv().startswith("0{")  # Engine.IO "open"
    return ws


def test_a_signed_in_browser_connects_over_websocket(users_app, live_server):
    ws = handshake(
        live_server, origin=f"http://{live_server}", cookie=session_cookie(users_app, MEMBER)
    )
    ws.send("40")  # Socket.IO "connect" to the default namespace
    assert ws.recv().startswith("40{")  # accepted, with the socket's id
    ws.close()


def test_a_socket_without_a_session_is_refused(live_server):
    ws = handshake(live_server, origin=f"http://{live_server}")
    ws.send("40")
    answer = ws.recv()
    assert answer.startswith("44")  # Socket.IO "connect_error"
    assert json.loads(answer[2:]) == {"message": "Log in first."}
    ws.close()


def test_a_handshake_from_another_origin_is_refused(users_app, live_server):
    # What a page on another site would do with the user's cookie (cross-site WebSocket
    # hijacking): refused before any Socket.IO packet.
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(
            f"ws://{live_server}/socket.io/?EIO=4&transport=websocket",
            timeout=5,
            origin="https://evil.example",
            cookie=session_cookie(users_app, MEMBER),
        )
    assert refused.value.status_code == 400


def test_long_polling_is_refused(users_app):
    # Polling would need sticky sessions across workers; WebSocket needs none.
    response = users_app.test_client().get("/socket.io/?EIO=4&transport=polling")
    assert response.status_code == 400


def test_a_message_over_the_limit_closes_the_socket(users_app, live_server):
    ws = handshake(
        live_server, origin=f"http://{live_server}", cookie=session_cookie(users_app, MEMBER)
    )
    ws.send("40")
    assert ws.recv().startswith("40{")
    ws.send('42["x","' + "a" * MAX_MESSAGE_BYTES + '"]')
    deadline = time.monotonic() + 5
    closed = False
    while time.monotonic() < deadline and not closed:
        try:
            frame = ws.recv()
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            closed = True
        else:
            closed = frame == ""
    ws.shutdown()  # closes the client's socket even after the server closed the connection
    assert closed, "the server kept a socket that sent more than MAX_MESSAGE_BYTES"


def closing_race() -> OSError:
    """The error of simple-websocket's closing race, raised by its own ``close``: the socket
    still reads as connected, but its reader thread has closed the file descriptor."""
    closed = socket.socket()
    closed.close()
    half_closed = SimpleNamespace(
        connected=True, ws=SimpleNamespace(send=lambda event: b"\x88\x02\x03\xe8"), sock=closed
    )
    try:
        simple_websocket.ws.Base.close(half_closed)  # type: ignore[arg-type]
    except OSError as error:
        return error
    raise AssertionError("close sent on a closed socket")


def test_the_closing_race_in_a_thread_is_one_info_line(users_app, caplog):
    """init_app installed the hook (once, however many apps), and a thread that dies of the
    race leaves one INFO line, not a traceback for the thread hook that pytest installed."""
    assert isinstance(threading.excepthook, ClosingRaceHook)
    assert not isinstance(threading.excepthook.next_hook, ClosingRaceHook)

    def writer() -> None:
        raise closing_race()

    with caplog.at_level(logging.INFO, logger="{{ cookiecutter.package_name }}.socketio"):
        thread = threading.Thread(target=writer)
        thread.start()
        thread.join()
    assert [record.levelname for record in caplog.records] == ["INFO"]
    assert "closed from both ends at once: [Errno 9]" in caplog.text


def test_any_other_thread_error_goes_to_the_hook_before(caplog):
    passed_on: list[BaseException | None] = []
    hook = ClosingRaceHook(lambda args: passed_on.append(args.exc_value))
    race = closing_race()
    elsewhere = OSError(errno.EBADF, "Bad file descriptor")  # EBADF, but not in close
    try:
        raise elsewhere
    except OSError as error:
        elsewhere = error
    others = [elsewhere, ValueError("a bug"), ConnectionResetError(errno.ECONNRESET, "reset")]
    with caplog.at_level(logging.INFO, logger="{{ cookiecutter.package_name }}.socketio"):
        for error in [race, *others]:
            hook(SimpleNamespace(exc_type=type(error), exc_value=error,
                                 exc_traceback=error.__traceback__, thread=None))  # fmt: skip
    assert passed_on == others
    assert caplog.text.count("closed from both ends") == 1
{%- if cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis %}


@pytest.fixture
def queued_app(make_app: Callable[..., Flask], database_url: str) -> Iterator[Flask]:
    """:func:`users_app` on the real message queue, :data:`TEST_QUEUE_URL`."""
    app = make_app(SQLALCHEMY_DATABASE_URI=database_url, SOCKETIO_MESSAGE_QUEUE=TEST_QUEUE_URL)
    app.config["USER_IDS"] = fill(app)
    yield app
    empty(app)


@contextmanager
def browser_socket(address: str, app: Flask, email: str) -> Iterator[python_socketio.SimpleClient]:
    """A Socket.IO client connected to ``address`` over WebSocket with the session cookie of
    ``email`` (the client sends the server's own origin, as a page of the app would)."""
    socket = python_socketio.SimpleClient()
    socket.connect(
        f"http://{address}",
        headers={"Cookie": session_cookie(app, email)},
        transports=["websocket"],
    )
    try:
        yield socket
    finally:
        socket.disconnect()


def until_listening(app: Flask, socket: python_socketio.SimpleClient, email: str) -> None:
    """Send ``probe`` events to the room of ``email`` until ``socket`` gets one: a web process
    starts listening to the queue with its first socket, and what is sent before it listens
    is lost."""
    room = user_room(app.config["USER_IDS"][email])
    deadline = time.monotonic() + 10
    with app.app_context():
        while time.monotonic() < deadline:
            publish("probe", {}, room)
            try:
                if socket.receive(timeout=0.5)[0] == "probe":
                    return
            except python_socketio.exceptions.TimeoutError:
                continue
    pytest.fail("the web process never received from the message queue")


def received(socket: python_socketio.SimpleClient, count: int) -> list[list[object]]:
    """The next ``count`` events ``socket`` receives, each ``[name, data]``, probes left out
    (10 s each)."""
    events: list[list[object]] = []
    while len(events) < count:
        event = socket.receive(timeout=10)
        if event[0] != "probe":
            events.append(event)
    return events


def test_an_event_from_a_process_without_sockets_arrives_through_the_queue(queued_app):
    with serve(queued_app) as address, browser_socket(address, queued_app, MEMBER) as socket:
        until_listening(queued_app, socket, MEMBER)
        # Outside any request, as in a Celery worker: a write-only client of the queue sends.
        with queued_app.app_context():
            room = user_room(queued_app.config["USER_IDS"][MEMBER])
            publish("task_progress", {"task_id": "t1", "state": "SUCCESS"}, room)
        assert received(socket, 1) == [["task_progress", {"task_id": "t1", "state": "SUCCESS"}]]


def test_a_forked_worker_hears_the_workers_forked_beside_it(queued_app):
    """gunicorn forks every worker from a master that built the app, so they all start with
    the master's queue client and its id; the queue's reader skips messages carrying its own
    id. In each new worker :func:`new_host_id_in_child` (run by ``os.register_at_fork``)
    draws another, so what a sibling sends, under the id they shared, arrives."""
    with serve(queued_app) as address, browser_socket(address, queued_app, MEMBER) as socket:
        until_listening(queued_app, socket, MEMBER)
        manager = queued_app.extensions["socketio_server"].manager
        forked_with = manager.host_id
        new_host_id_in_child()
        assert manager.host_id != forked_with
        sibling = queue_client(TEST_QUEUE_URL, 5.0, write_only=True)
        sibling.host_id = forked_with
        try:
            room = user_room(queued_app.config["USER_IDS"][MEMBER])
            sibling.emit("task_progress", {"task_id": "t2", "state": "SUCCESS"}, room=room)
        finally:
            close_queue_client(sibling)
        assert received(socket, 1) == [["task_progress", {"task_id": "t2", "state": "SUCCESS"}]]
{%- if cookiecutter.celery_broker != "none" %}


def test_task_progress_reaches_the_user_who_started_it(queued_app):
    client = queued_app.test_client()
    client.post("/auth/login", data={"email": MEMBER, "password": PASSWORD})
    assert "socket.io.min.js" in client.get("/tasks/").text
    with (
        serve(queued_app) as address,
        browser_socket(address, queued_app, MEMBER) as socket,
        browser_socket(address, queued_app, OTHER) as other,
    ):
        until_listening(queued_app, socket, MEMBER)
        # The testing config runs the task at once, in 3 steps.
        started = client.post("/tasks/long", headers={"Accept": "application/json"})
        assert started.status_code == 202, started.text
        task_id = started.json["task_id"]
        seen = [data for _, data in received(socket, 4)]
        assert [(e["task_id"], e["state"], e.get("current")) for e in seen] == [
            (task_id, "PROGRESS", 1),
            (task_id, "PROGRESS", 2),
            (task_id, "PROGRESS", 3),
            (task_id, "SUCCESS", 3),
        ]
        assert seen[-1]["result"] == "Finished 3 steps."
        with pytest.raises(python_socketio.exceptions.TimeoutError):
            other.receive(timeout=1)
{%- endif %}


def test_a_dead_queue_loses_the_event_not_the_login(make_app, database_url):
    # The same URL with a port nothing listens on.
    parts = urlsplit(TEST_QUEUE_URL)
    credentials, at, _ = parts.netloc.rpartition("@")
    dead = urlunsplit(parts._replace(netloc=f"{credentials}{at}127.0.0.1:{closed_port()}"))
    app = make_app(
        SQLALCHEMY_DATABASE_URI=database_url,
        SOCKETIO_MESSAGE_QUEUE=dead,
        SOCKETIO_QUEUE_TIMEOUT=1.0,
    )
    fill(app)
    try:
        started = time.monotonic()
        response = app.test_client().post(
            "/auth/login", data={"email": MEMBER, "password": PASSWORD}
        )
        elapsed = time.monotonic() - started
    finally:
        empty(app)
    assert response.status_code == 302
    assert elapsed < 10, f"the login waited {elapsed:.1f} s for the dead queue"
{%- endif %}

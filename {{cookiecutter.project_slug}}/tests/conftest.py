{%- set server_db = cookiecutter.database != "sqlite" -%}
"""Shared fixtures: ``app``, ``client``, ``runner``, ``auth``, ``make_user``, ``make_app`` and
``outbox``.

Every app sends its e-mail by SMTP to a real SMTP server (aiosmtpd) that the suite starts on a
free port; ``outbox`` holds what it received.
{%- if not server_db %}

The suite runs on SQLite: in memory, a new database for every app.
{%- else %}

The suite runs on {{ "PostgreSQL" if cookiecutter.database == "postgresql" else "MySQL/MariaDB" }}: it creates its own databases (random names) on the server at
``TEST_DATABASE_URL`` and drops them at the end. A server that is down stops the run with a
message naming it; nothing is skipped.
{%- endif %}
{%- if cookiecutter.use_redis %}

Redis at ``TEST_REDIS_URL`` backs the cache under a random key prefix, deleted at the end.
{%- endif %}
{%- if cookiecutter.use_mongodb %}

MongoDB: no test fakes one. With ``MONGODB_URI`` set, the apps use a random database on that
server (dropped at the end) and the ``requires_mongodb`` tests run; without it, the apps point
at a closed port, which is how the down-server tests see MongoDB.
{%- endif %}
"""

import contextlib
import copy
import email
import os
import re
{%- if server_db or cookiecutter.use_redis or cookiecutter.use_mongodb %}
import secrets
{%- endif %}
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit{% if cookiecutter.use_mongodb %}, urlunsplit{% endif %}

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
{%- if cookiecutter.use_mongodb %}
from pymongo import MongoClient
from pymongo.errors import PyMongoError
{%- endif %}
{%- if cookiecutter.use_redis %}
from redis import Redis
from redis.exceptions import RedisError
{%- endif %}
{%- if server_db %}
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
{%- endif %}
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from {{ cookiecutter.package_name }} import create_app
{%- if cookiecutter.use_mongodb %}
from {{ cookiecutter.package_name }}.activity import mongo
{%- endif %}
{%- if cookiecutter.use_api %}
from {{ cookiecutter.package_name }}.api.extensions import limiter
{%- endif %}
from {{ cookiecutter.package_name }}.extensions import cache, db
from {{ cookiecutter.package_name }}.models import Role, User
{%- if cookiecutter.use_socketio %}
from {{ cookiecutter.package_name }}.socketio import close_queue_clients
{%- endif %}

PASSWORD = "correct horse battery"
#: A sign-in form (CSRF is off in the testing config): its view looks the address up.
SIGN_IN = {"email": "user@example.com", "password": PASSWORD}
{%- if cookiecutter.database == "postgresql" %}
#: The PostgreSQL server the suite makes its databases on; the database in the URL is only
#: used to connect.
TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASE_SERVICE = "PostgreSQL"
{%- elif cookiecutter.database == "mysql" %}
#: The MySQL/MariaDB server the suite makes its databases on; the database in the URL is only
#: used to connect.
TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"
)
DATABASE_SERVICE = "MySQL/MariaDB"
{%- endif %}
{%- if cookiecutter.use_redis %}
#: The Redis server for the cache and health tests.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
{%- endif %}
{%- if cookiecutter.use_socketio and cookiecutter.celery_broker in ["redis", "rabbitmq"] %}
#: The message queue of the live-update tests: the Celery broker's server.
TEST_QUEUE_URL = os.environ.get(
    "TEST_CELERY_BROKER_URL",
    {{ ("redis://127.0.0.1:6379/0" if cookiecutter.celery_broker == "redis" else "amqp://guest:guest@127.0.0.1:5672//") | quote }},
)
{%- elif cookiecutter.use_socketio and cookiecutter.use_redis %}
#: The message queue of the live-update tests: the Redis server.
TEST_QUEUE_URL = TEST_REDIS_URL
{%- endif %}
{%- if cookiecutter.use_mongodb %}
#: A MongoDB server for the tests marked ``requires_mongodb``; none can run on some machines.
MONGODB_URI = os.environ.get("MONGODB_URI")
requires_mongodb = pytest.mark.skipif(
    not MONGODB_URI, reason="MONGODB_URI not set: no MongoDB server on this machine"
)
{%- endif %}

#: Set on a test whose call failed (see :func:`pytest_runtest_makereport`).
FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Marks a test whose call failed, so that fixtures can keep evidence of it while tearing
    down (the browser tests save what the page showed)."""
    report = yield
    if call.when == "call" and call.excinfo is not None:
        item.stash[FAILED] = True
    return report


@contextlib.contextmanager
def serve(app: Flask) -> Iterator[str]:
    """``app`` served by werkzeug on a free port of 127.0.0.1 in a thread (threaded, so it can
    hold WebSockets); yields ``host:port`` and stops the server afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def closed_port() -> int:
    """A local TCP port nobody listens on, to play a server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


{%- if server_db or cookiecutter.use_redis or cookiecutter.use_mongodb %}


def answer_within(seconds: float, call: Callable[[], TestResponse]) -> TestResponse:
    """``call()`` in a thread; fails when it has not returned after ``seconds`` (a hang)."""
    results: list[TestResponse] = []
    worker = threading.Thread(target=lambda: results.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert results, f"no answer within {seconds} s: the request hangs on the server"
    return results[0]
{%- endif %}


def unreachable_database_url() -> str:
    """A URL of this project's database kind where no server answers."""
{%- if cookiecutter.database == "postgresql" %}
    return f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/nothing"
{%- elif cookiecutter.database == "mysql" %}
    return f"mysql+pymysql://root@127.0.0.1:{closed_port()}/nothing?charset=utf8mb4"
{%- else %}
    return f"sqlite:////nonexistent-{closed_port()}/folder/app.db"
{%- endif %}


class Inbox:
    """An aiosmtpd handler that keeps every message it receives, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        message = email.message_from_bytes(content, policy=default_policy)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Controller, Inbox]]:
    """A real SMTP server on 127.0.0.1 and a free port, for the whole run."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=closed_port())
    controller.start()
    yield controller, inbox
    controller.stop()


class Outbox:
    """What the test's SMTP server received: ``outbox.to(address)``, ``outbox.link(address)``."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    @property
    def messages(self) -> list[EmailMessage]:
        with self.inbox.lock:
            return list(self.inbox.messages)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``, oldest first."""
        return [message for message in self.messages if message["To"] == address]

    @staticmethod
    def text(message: EmailMessage) -> str:
        """The plain-text body of ``message``."""
        body = message.get_body(("plain",))
        assert body is not None, "the message has no text body"
        return str(body.get_content())  # type: ignore[attr-defined]

    def link(self, address: str) -> str:
        """The path (with query) of the first link in the newest message to ``address``."""
        sent = self.to(address)
        assert sent, f"no e-mail to {address}; sent to: {[m['To'] for m in self.messages]}"
        found = re.search(r"https?://\S+", self.text(sent[-1]))
        assert found, "the e-mail holds no link"
        parts = urlsplit(found.group())
        return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def outbox(smtp_server: tuple[Controller, Inbox]) -> Outbox:
    """The messages the test's apps sent (empty at the start of each test)."""
    inbox = smtp_server[1]
    with inbox.lock:
        inbox.messages.clear()
    return Outbox(inbox)


def isolate_environment(monkeypatch: pytest.MonkeyPatch, instance: Path) -> None:
    """Point ``INSTANCE_PATH`` at ``instance`` and drop the developer's own settings."""
    monkeypatch.setenv("INSTANCE_PATH", str(instance))
    settings = [
        "DATABASE_URL",
        "APP_CONFIG",
{%- if cookiecutter.use_redis %}
        "REDIS_URL",
{%- endif %}
{%- if cookiecutter.use_sentry %}
        "SENTRY_DSN",
{%- endif %}
{%- if cookiecutter.use_prometheus %}
        "METRICS_TOKEN",
        "PROMETHEUS_MULTIPROC_DIR",
{%- endif %}
    ]
    for name in settings:
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("FLASK_"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test gets its own instance folder and none of the developer's settings."""
    isolate_environment(monkeypatch, tmp_path / "instance")
{%- if server_db %}


class DatabaseServer:
    """Makes databases with random names on the test server; drops them all in :meth:`close`."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.engine = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.names: list[str] = []

    def check(self) -> None:
        """Stop the run, naming the service, when the server cannot be reached."""
        try:
            with self.engine.connect():
                pass
        except OperationalError as error:
            where = self.url.render_as_string(hide_password=True)
            reason = str(error.orig).strip().splitlines()[0]
            pytest.exit(
                f"{DATABASE_SERVICE} is not reachable at {where} ({reason}): start it, or "
                "point TEST_DATABASE_URL at a server where this user may create databases",
                returncode=1,
            )

    def create(self) -> str:
        """Create an empty database and return its URL."""
        name = f"test_{secrets.token_hex(6)}"
        with self.engine.connect() as connection:
{%- if cookiecutter.database == "mysql" %}
            connection.exec_driver_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
{%- else %}
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
{%- endif %}
        self.names.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        """Drop every database :meth:`create` made."""
        with self.engine.connect() as connection:
            for name in self.names:
{%- if cookiecutter.database == "postgresql" %}
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
{%- else %}
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
{%- endif %}
        self.engine.dispose()


@pytest.fixture(scope="session")
def database_server() -> Iterator[DatabaseServer]:
    """The {{ "PostgreSQL" if cookiecutter.database == "postgresql" else "MySQL/MariaDB" }} server at ``TEST_DATABASE_URL``."""
    server = DatabaseServer(TEST_DATABASE_URL)
    server.check()
    yield server
    server.close()


@pytest.fixture(scope="session")
def database_url(database_server: DatabaseServer) -> str:
    """The suite's database, made once per run; the ``app`` fixture empties it after each test."""
    return database_server.create()


@pytest.fixture
def empty_database_url(database_server: DatabaseServer) -> str:
    """A new database without tables (for the migration and ``flask init`` tests)."""
    return database_server.create()
{%- else %}


@pytest.fixture(scope="session")
def database_url() -> str:
    """The suite's database: SQLite in memory, a new one for every app."""
    return "sqlite://"


@pytest.fixture
def empty_database_url(tmp_path) -> str:
    """A new database file without tables (for the migration and ``flask init`` tests)."""
    return f"sqlite:///{tmp_path}/empty.db"
{%- endif %}
{%- if cookiecutter.use_redis %}


@pytest.fixture(scope="session")
def redis_prefix() -> Iterator[str]:
    """A random key prefix on the Redis at ``TEST_REDIS_URL``; its keys are deleted at the end."""
    client = Redis.from_url(TEST_REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except RedisError as error:
        client.close()
        pytest.exit(
            f"Redis is not reachable at {TEST_REDIS_URL} ({error}): start it, or set "
            "TEST_REDIS_URL",
            returncode=1,
        )
    prefix = f"test-{secrets.token_hex(6)}:"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()
{%- endif %}
{%- if cookiecutter.use_mongodb %}


@pytest.fixture(scope="session")
def mongodb_test_uri() -> Iterator[str]:
    """A random database on the server at ``MONGODB_URI`` (dropped at the end), or, without
    ``MONGODB_URI``, a URI whose port is closed."""
    if not MONGODB_URI:
        yield f"mongodb://127.0.0.1:{closed_port()}/test"
        return
    name = f"test_{secrets.token_hex(6)}"
    uri = urlunsplit(urlsplit(MONGODB_URI)._replace(path=f"/{name}"))
    client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=3000)
    try:
        client.admin.command("ping")
    except PyMongoError as error:
        client.close()
        pytest.exit(f"MongoDB is not reachable at MONGODB_URI ({error})", returncode=1)
    yield uri
    client.drop_database(name)
    client.close()
{%- endif %}


@pytest.fixture(scope="session")
{%- if cookiecutter.use_redis or cookiecutter.use_mongodb %}
def app_overrides(
    smtp_server: tuple[Controller, Inbox],
{%- if cookiecutter.use_redis %}
    redis_prefix: str,
{%- endif %}
{%- if cookiecutter.use_mongodb %}
    mongodb_test_uri: str,
{%- endif %}
) -> dict[str, Any]:
    """Config every test app gets: mail to the suite's SMTP server, and the test services."""
{%- else %}
def app_overrides(smtp_server: tuple[Controller, Inbox]) -> dict[str, Any]:
    """Config every test app gets: mail to the suite's SMTP server."""
{%- endif %}
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server[0].port,
        "MAIL_TIMEOUT": 5,
{%- if cookiecutter.use_redis %}
        "REDIS_URL": TEST_REDIS_URL,
        "CACHE_KEY_PREFIX": redis_prefix,
{%- endif %}
{%- if cookiecutter.use_mongodb %}
        "MONGODB_URI": mongodb_test_uri,
        # Without a server every feed write fails; fail fast.
        "MONGODB_TIMEOUT_MS": 3000 if MONGODB_URI else 100,
{%- endif %}
    }


def close_app(app: Flask) -> None:
    """Close ``app``'s database connections{% if cookiecutter.use_mongodb %}, its MongoDB client{% endif %}{% if cookiecutter.use_socketio %} and its connections to the message
    queue (an app of another config than testing has a queue, and sends on it at each login){% endif %}."""
    with app.app_context():
        db.engine.dispose()
{%- if cookiecutter.use_mongodb %}
    mongo.close(app)
{%- endif %}
{%- if cookiecutter.use_socketio %}
    close_queue_clients(app)
{%- endif %}


@pytest.fixture
def make_app(app_overrides: dict[str, Any], outbox: Outbox) -> Iterator[Callable[..., Flask]]:
    """Factory for extra apps: ``make_app(SOME_KEY=value)`` builds a testing app,
    ``make_app("production", ...)`` another config's; they send mail to the test's SMTP
    server (``outbox``), and their database connections are closed afterwards."""
    apps: list[Flask] = []

    def make(config_name: str = "testing", **overrides: object) -> Flask:
        app = create_app(config_name, **{**app_overrides, **overrides})
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)


@pytest.fixture(scope="session")
def shared_app(
    app_overrides: dict[str, Any], database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """The testing app on the suite's database that most tests share.

    Building an app (routes, OpenAPI document, templates) costs more than most tests, so it is
    built once; the ``app`` fixture puts its config, data and instance folder back after each
    test. A test that changes the app itself (adds routes, blueprints or hooks) is marked
    ``own_app`` and gets a new one.
    """
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate_environment(monkeypatch, tmp_path_factory.mktemp("shared") / "instance")
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, **app_overrides)
    yield app
    close_app(app)


def reset_instance_folder(app: Flask) -> None:
    """Empty ``app``'s instance folder, keeping the folder."""
    for child in Path(app.instance_path).iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    make_app: Callable[..., Flask],
    shared_app: Flask,
    database_url: str,
) -> Iterator[Flask]:
    """A testing app on the suite's database with the tables made and roles seeded.

    Extra config comes from indirect parametrization:
    ``@pytest.mark.parametrize("app", [{"KEY": value}], indirect=True)``; such a test, and one
    marked ``own_app``, gets an app of its own, the others :func:`shared_app`.
    """
    param = getattr(request, "param", None)
    if param is not None or request.node.get_closest_marker("own_app"):
        app = make_app(SQLALCHEMY_DATABASE_URI=database_url, **(param or {}))
    else:
        app = shared_app
{%- if cookiecutter.celery_broker != "none" %}
        # Tasks run in the Flask app of the Celery app made last; an own app may have been.
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()
{%- endif %}
        # The values, and a copy of each dict's contents: a test may replace a key or change a
        # dict in place, and extensions may hold the dict objects themselves.
        config = dict(app.config)
        contents = {key: copy.deepcopy(v) for key, v in config.items() if isinstance(v, dict)}
    with app.app_context():
        db.create_all()
        Role.seed()
        db.session.commit()
        yield app
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
{%- if cookiecutter.use_redis %}
        with contextlib.suppress(RedisError):  # tests may point the app at a Redis that is down
            cache.clear()
{%- else %}
        cache.clear()
{%- endif %}
{%- if cookiecutter.use_mongodb %}
        if MONGODB_URI:
            mongo.db.drop_collection("activity")
{%- endif %}
{%- if cookiecutter.use_api %}
        # Flask-Limiter keeps its counters in the limiter, not the app: start each test at zero.
        if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
            limiter.reset()
{%- endif %}
    if app is shared_app:
        app.config.clear()
        app.config.update(config)
        for key, value in contents.items():
            config[key].clear()
            config[key].update(value)
        # What the app builds from its config at its first views (a test may change the config).
        for built in ("security_headers", "visitor_pages"):
            app.extensions.pop(built, None)
        reset_instance_folder(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for ``app``'s CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Factory: ``make_user("a@example.com", role="admin")`` adds and commits a user, its
    address confirmed unless ``confirmed=False``."""

    def make(email: str = "user@example.com", role: str = "user", confirmed: bool = True) -> User:
        user = User.create(email, PASSWORD, role_name=role, confirmed=confirmed)
        db.session.commit()
        return user

    return make


class AuthActions:
    """Log in and out through the real routes, as a browser would."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(
        self, email: str = "user@example.com", password: str = PASSWORD, **query: str
    ) -> TestResponse:
        return self._client.post(
            "/auth/login", data={"email": email, "password": password}, query_string=query
        )

    def logout(self) -> TestResponse:
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Helper with ``login(email, password, **query)`` and ``logout()``."""
    return AuthActions(client)

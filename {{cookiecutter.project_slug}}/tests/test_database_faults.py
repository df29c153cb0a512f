{%- set pg = cookiecutter.database == "postgresql" -%}
"""Bounded waits on the database: a request never waits on {{ "PostgreSQL" if pg else "MySQL/MariaDB" }} longer than the
engine's limits in ``config.py``; it answers 503 instead, and readiness names the check only.

The faults are made here, never on the shared server: a listener that accepts connections and
never answers{% if pg %}, and a table lock held by a second connection in the suite's own
database{% else %}, and a private server on a free port, frozen with SIGSTOP{% endif %}.
"""

{% if not pg -%}
import shutil
import signal
{% endif -%}
import socket
{% if not pg -%}
import subprocess
import time
{% endif -%}
from collections.abc import {{ "Iterator" if pg else "Callable, Iterator" }}
{%- if not pg %}
from pathlib import Path
{%- endif %}

import pytest
{%- if pg %}
from alembic.runtime.migration import MigrationContext
from flask import Flask
from flask_migrate import upgrade
{%- endif %}
from sqlalchemy import create_engine, text
{%- if pg %}
from sqlalchemy.exc import OperationalError
{%- endif %}

from {{ cookiecutter.package_name }}.config import BaseConfig
from {{ cookiecutter.package_name }}.extensions import db
{%- if not pg %}
from {{ cookiecutter.package_name }}.models import Role, User
{%- endif %}

from .conftest import PASSWORD, SIGN_IN, answer_within{% if not pg %}, closed_port{% endif %}


def engine_settings(**connect_args: object) -> dict[str, object]:
    """The project's ``SQLALCHEMY_ENGINE_OPTIONS`` with some ``connect_args`` replaced."""
    settings = dict(BaseConfig.SQLALCHEMY_ENGINE_OPTIONS)
    settings["connect_args"] = {**settings["connect_args"], **connect_args}  # type: ignore[dict-item]
    return settings


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A port where the kernel accepts TCP connections and nothing ever answers: a server that
    hangs before its first byte."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def test_a_server_that_never_answers_gives_503_and_a_bare_readiness(make_app, silent_listener):
{%- if pg %}
    url = f"postgresql+psycopg://postgres@127.0.0.1:{silent_listener}/nothing"
    # libpq's smallest connect_timeout is 2 s.
    app = make_app(
        SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=engine_settings(connect_timeout=2)
    )
{%- else %}
    url = f"mysql+pymysql://root@127.0.0.1:{silent_listener}/nothing?charset=utf8mb4"
    # PyMySQL waits read_timeout for the server's greeting.
    app = make_app(
        SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=engine_settings(read_timeout=1)
    )
{%- endif %}
    client = app.test_client()
    # The limit only tells an answer from a hang; without the engine's timeouts this hangs.
    page = answer_within(15, lambda: client.post("/auth/login", data=SIGN_IN))
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    ready = answer_within(15, lambda: client.get("/health/ready"))
    assert ready.status_code == 503
    assert ready.json["checks"]["database"]["status"] == "fail"
    assert str(silent_listener) not in ready.get_data(as_text=True)
{%- if pg %}


@pytest.fixture
def locked_users_table(app: Flask, database_url: str) -> Iterator[None]:
    """A second connection holds an exclusive lock on ``users`` until the test ends, as a long
    migration or a stuck transaction elsewhere would."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        connection.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))
        yield
        connection.rollback()
    engine.dispose()


def test_a_locked_table_gives_503_within_the_lock_timeout(
    make_app, database_url, locked_users_table
):
    waiting = make_app(
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_settings(
            options="-c statement_timeout=15s -c lock_timeout=1s"
        ),
    )
    client = waiting.test_client()
    login = answer_within(
        15,
        lambda: client.post(
            "/auth/login", data={"email": "nobody@example.com", "password": PASSWORD}
        ),
    )
    assert login.status_code == 503


def test_the_server_cancels_a_statement_over_the_statement_timeout(make_app, database_url):
    app = make_app(
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_settings(options="-c statement_timeout=500ms"),
    )
    with app.app_context(), pytest.raises(OperationalError, match="statement timeout"):
        db.session.execute(text("SELECT pg_sleep(5)"))


def test_connections_carry_the_limits(app):
    with app.app_context():
        assert db.session.scalar(text("SHOW statement_timeout")) == "15s"
        assert db.session.scalar(text("SHOW lock_timeout")) == "5s"


def test_migrations_run_without_the_statement_timeout(make_app, empty_database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    seen: list[str] = []

    def record(*, ctx: MigrationContext, **kwargs: object) -> None:
        seen.append(ctx.connection.exec_driver_sql("SHOW statement_timeout").scalar())

    app.extensions["migrate"].configure_args["on_version_apply"] = record
    with app.app_context():
        upgrade()
    assert seen
    assert set(seen) == {"0"}
{%- else %}


@pytest.fixture
def frozen_server(tmp_path: Path) -> Iterator[tuple[str, Callable[[], None]]]:
    """A private MariaDB/MySQL server on a free port with an empty ``app`` database: yields its
    URL and a function that freezes it with SIGSTOP (the kernel still accepts connections and
    acknowledges queries; the server never answers). The shared server is never touched."""
    install = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
    server = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin:/usr/local/sbin")
    if install is None or server is None:
        pytest.skip("mariadb-install-db and mariadbd are not installed; this test starts them")
    data = tmp_path / "data"
    port = closed_port()
    subprocess.run(  # noqa: S603  (fixed arguments)
        [install, "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
         "--skip-test-db", "--user=root"],
        check=True, capture_output=True,
    )  # fmt: skip
    process = subprocess.Popen(  # noqa: S603  (fixed arguments)
        [server, "--no-defaults", f"--datadir={data}", f"--port={port}", "--user=root",
         "--bind-address=127.0.0.1", f"--socket={tmp_path / 'mysqld.sock'}",
         f"--log-error={tmp_path / 'mysqld.err'}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"mysql+pymysql://root@127.0.0.1:{port}/app?charset=utf8mb4"
    try:
        bootstrap = create_engine(url.replace("/app?", "/mysql?"))
        for _ in range(100):
            try:
                with bootstrap.connect() as connection:
                    connection.execute(text("CREATE DATABASE app"))
                break
            except Exception:  # not accepting connections yet
                time.sleep(0.1)
        bootstrap.dispose()
        yield url, lambda: process.send_signal(signal.SIGSTOP)
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=30)


def test_a_frozen_server_gives_503_within_the_read_timeout(make_app, frozen_server):
    # The project's limits, which this test shortens to 1 s to run fast.
    limits = BaseConfig.SQLALCHEMY_ENGINE_OPTIONS["connect_args"]
    assert 0 < limits["read_timeout"] <= 30  # type: ignore[index]
    assert 0 < limits["write_timeout"] <= 30  # type: ignore[index]
    url, freeze = frozen_server
    app = make_app(
        SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=engine_settings(read_timeout=1)
    )
    with app.app_context():
        db.create_all()
        Role.seed()
        User.create("user@example.com", PASSWORD)
        db.session.commit()
    client = app.test_client()
    assert client.get("/auth/login").status_code == 200  # a pooled connection to the server
    freeze()
    login = answer_within(
        15,
        lambda: client.post(
            "/auth/login", data={"email": "user@example.com", "password": PASSWORD}
        ),
    )
    assert login.status_code == 503
    ready = answer_within(15, lambda: client.get("/health/ready"))
    assert ready.status_code == 503
    assert ready.json["checks"]["database"]["status"] == "fail"
{%- endif %}

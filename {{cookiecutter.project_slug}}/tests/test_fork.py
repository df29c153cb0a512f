"""Processes forked from one that built the app open their own database connections, and the
parent keeps its own (``forget_pools_after_fork`` in extensions.py): a gunicorn worker with
``preload_app``{% if cookiecutter.celery_broker != "none" %}, a child of Celery's prefork pool{% endif %}.

The fork happens in a new interpreter: this one runs threads (the suite's SMTP server), and
forking a threaded process is what Python 3.12 warns about.
"""

import json
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from {{ cookiecutter.package_name }} import extensions
{% if cookiecutter.database == "postgresql" %}
#: The server's process for this connection.
IDENTITY = "SELECT pg_backend_pid()"
{%- elif cookiecutter.database == "mysql" %}
#: The server's id for this connection.
IDENTITY = "SELECT CONNECTION_ID()"
{%- else %}
#: SQLite has no server, so no connection id: the pool's counts say it all.
IDENTITY = "SELECT 0"
{%- endif %}

#: Builds the app on the database ``sys.argv[1]``, uses a connection, forks, and prints what
#: the child and then the parent saw, as JSON; ``sys.argv[2]`` is :data:`IDENTITY`.
SCRIPT = """
import json, os, sys
from sqlalchemy import text
from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.extensions import db


def seen():
    with db.engine.connect() as connection:
        return connection.execute(text(sys.argv[2])).scalar()


app = create_app("testing", SQLALCHEMY_DATABASE_URI=sys.argv[1])
with app.app_context():
    parent_before = seen()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        pooled = db.engine.pool.checkedin()
        os.write(write, json.dumps({"pooled": pooled, "identity": seen()}).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = json.loads(os.read(read, 1000))
    print(json.dumps({
        "child": child,
        "parent_before": parent_before,
        "parent_pooled": db.engine.pool.checkedin(),
        "parent_after": seen(),
    }))
"""


def test_a_forked_child_opens_its_own_database_connection(empty_database_url: str) -> None:
    done = subprocess.run(  # noqa: S603 (this module's own script)
        [sys.executable, "-c", SCRIPT, empty_database_url, IDENTITY],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    # The parent's pooled connection was not handed down: the child's pool started empty.
    assert seen["child"]["pooled"] == 0
    # The parent still holds its connection, and it still works: the child did not close it.
    assert seen["parent_pooled"] == 1
    assert seen["parent_after"] == seen["parent_before"]
{%- if cookiecutter.database != "sqlite" %}
    # On the server, the child's session is another one.
    assert seen["child"]["identity"] != seen["parent_before"]
{%- endif %}


def test_the_fork_handler_empties_each_pool_and_closes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What the child above runs, in this process: on an engine of its own, so that the
    suite's connections are left alone."""
    engine = create_engine(f"sqlite:///{tmp_path}/pool.db")
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    inherited = engine.pool
    monkeypatch.setattr(extensions, "_ENGINES", weakref.WeakSet([engine]))
    extensions.forget_pools_in_child()
    assert engine.pool is not inherited
    assert engine.pool.checkedin() == 0
    # The old pool's connection is still open (the parent's, in a real fork): close it here.
    assert inherited.checkedin() == 1
    inherited.dispose()
    engine.dispose()

"""The production entry point, run as gunicorn would import it: each case in a new interpreter.

The interpreters start together (one fixture for the module), so the module costs about one
import of the app instead of one per case.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
GOOD_KEY = "s" * 64

#: Each case: the environment it adds, and a ``.env`` file it writes first (or None).
CASES: dict[str, tuple[dict[str, str], str | None]] = {
    "no secret key": ({}, None),
    "production": ({"FLASK_SECRET_KEY": GOOD_KEY, "FLASK_MAIL_SERVER": "mail.example"}, None),
    "no mail server": ({"FLASK_SECRET_KEY": GOOD_KEY}, None),
    "bad database url": ({"FLASK_SECRET_KEY": GOOD_KEY, "DATABASE_URL": "nonsense"}, None),
    "dotenv": ({}, f"FLASK_SECRET_KEY={'d' * 64}\n"),
}

#: What each interpreter runs: the production app's secure-cookie setting, then which of the
#: modules only some work needs (migrations, new passwords) building it has loaded.
LAZY_MODULES = {"alembic", "flask_migrate", "zxcvbn"}
REPORT = (
    "import sys, wsgi; print(wsgi.app.config['SESSION_COOKIE_SECURE']); "
    f"print('loaded:', *sorted(set(sys.modules) & {LAZY_MODULES!r}))"
)


@pytest.fixture(scope="module")
def imports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess]:
    """``import wsgi`` in a new interpreter per case, all at once, from its own folder."""
    # As the suite's own apps: none of the developer's settings (this runs before the
    # per-test isolation in conftest.py).
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FLASK_") and key not in {"DATABASE_URL", "APP_CONFIG", "REDIS_URL"}
    }
    started = {}
    for name, (env, dotenv) in CASES.items():
        folder = tmp_path_factory.mktemp("wsgi")
        if dotenv is not None:
            (folder / ".env").write_text(dotenv)
        environment = {**base, **env, "INSTANCE_PATH": str(folder / "instance")}
        started[name] = subprocess.Popen(  # noqa: S603 (this module's own command)
            [sys.executable, "-c", REPORT],
            cwd=folder,
            env={**environment, "PYTHONPATH": str(PROJECT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    results = {}
    for name, process in started.items():
        out, err = process.communicate(timeout=120)
        results[name] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return results


def test_wsgi_refuses_to_start_without_a_secret_key_in_one_line(imports):
    result = imports["no secret key"]
    assert result.returncode == 4
    assert result.stderr.startswith("ERROR: SECRET_KEY is missing")
    assert result.stderr.count("\n") == 1


def test_wsgi_builds_the_production_app(imports):
    result = imports["production"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "True"


def test_a_web_worker_loads_neither_migrations_nor_the_password_estimator(imports):
    """Each gunicorn worker builds the app; Flask-Migrate, Alembic and zxcvbn would add about
    half a second to its start for work it never does (migrations.py, auth/passwords.py)."""
    result = imports["production"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "loaded:"


def test_production_without_a_mail_server_warns_where_the_mail_goes(imports):
    result = imports["no mail server"]
    assert result.returncode == 0, result.stderr
    assert "WARNING" in result.stdout
    assert "FLASK_MAIL_SERVER is unset: e-mail is written to" in result.stdout


def test_wsgi_refuses_an_unusable_database_url_in_one_line(imports):
    result = imports["bad database url"]
    assert result.returncode == 4
    assert result.stderr.startswith("ERROR: DATABASE_URL cannot be used: ")
    assert result.stderr.count("\n") == 1


def test_wsgi_reads_dotenv_from_the_working_directory(imports):
    result = imports["dotenv"]
    assert result.returncode == 0, result.stderr

"""The production entry point, run as gunicorn would import it."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def import_wsgi(tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    environment.update(env, INSTANCE_PATH=str(tmp_path / "instance"))
    return subprocess.run(
        [sys.executable, "-c", "import wsgi; print(wsgi.app.config['SESSION_COOKIE_SECURE'])"],
        cwd=tmp_path,
        env={**environment, "PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_wsgi_refuses_to_start_without_a_secret_key_in_one_line(tmp_path):
    result = import_wsgi(tmp_path)
    assert result.returncode == 4
    assert result.stderr.startswith("ERROR: SECRET_KEY is missing")
    assert result.stderr.count("\n") == 1


def test_wsgi_builds_the_production_app(tmp_path):
    result = import_wsgi(tmp_path, FLASK_SECRET_KEY="s" * 64, FLASK_MAIL_SERVER="mail.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_production_without_a_mail_server_warns_where_the_mail_goes(tmp_path):
    result = import_wsgi(tmp_path, FLASK_SECRET_KEY="s" * 64)
    assert result.returncode == 0, result.stderr
    assert "WARNING" in result.stdout
    assert "FLASK_MAIL_SERVER is unset: e-mail is written to" in result.stdout


def test_wsgi_refuses_an_unusable_database_url_in_one_line(tmp_path):
    result = import_wsgi(tmp_path, FLASK_SECRET_KEY="s" * 64, DATABASE_URL="nonsense")
    assert result.returncode == 4
    assert result.stderr.startswith("ERROR: DATABASE_URL cannot be used: ")
    assert result.stderr.count("\n") == 1


def test_wsgi_reads_dotenv_from_the_working_directory(tmp_path):
    (tmp_path / ".env").write_text(f"FLASK_SECRET_KEY={'d' * 64}\n")
    result = import_wsgi(tmp_path)
    assert result.returncode == 0, result.stderr

import pytest
from flask import session

from {{ cookiecutter.package_name }}.health import registered_checks

from .conftest import {% if cookiecutter.use_mongodb %}MONGODB_URI, {% endif %}unreachable_database_url


def test_ping_is_ok_without_io(client):
    response = client.get("/health/ping")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


@pytest.mark.parametrize("path", ["/health/ping", "/health/ready"])
def test_probes_open_no_session(app, client, auth, make_user, path):
    """A signed-in browser's cookie comes along to a probe's address too: it is not read, and
    the answer sets no cookie; the same cookie still signs the browser in elsewhere."""
    make_user()
    auth.login()
    with client:
        response = client.get(path)
        assert app.session_interface.is_null_session(session)
        assert "_user_id" not in session
    assert "Set-Cookie" not in response.headers
    with client:
        client.get("/")
        assert not app.session_interface.is_null_session(session)
        assert session["_user_id"]


def test_ready_reports_each_check(app, client):
    response = client.get("/health/ready")
{%- if cookiecutter.use_mongodb %}
    # Without MONGODB_URI the tests point MongoDB at a closed port (see conftest.py).
    assert response.status_code == (200 if MONGODB_URI else 503)
    checks = response.json["checks"]
    assert {name for name, check in checks.items() if check["status"] == "ok"} >= (
        set(registered_checks(app)) - {"mongodb"}
    )
{%- else %}
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert set(response.json["checks"]) == set(registered_checks(app))
{%- endif %}
    database = response.json["checks"]["database"]
    assert database["status"] == "ok"
    assert database["duration_ms"] >= 0


def test_ready_is_503_when_the_database_is_unreachable(make_app, capsys):
    app = make_app(SQLALCHEMY_DATABASE_URI=unreachable_database_url())
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.json["status"] == "fail"
    database = response.json["checks"]["database"]
    assert database["status"] == "fail"
    # The cause goes to the log only: the body names no host, port or driver message.
    assert set(database) == {"status", "duration_ms"}
    log = capsys.readouterr().out
    assert "readiness check database failed: OperationalError: " in log
    assert app.test_client().get("/health/ping").status_code == 200

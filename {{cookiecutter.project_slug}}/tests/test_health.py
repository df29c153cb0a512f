from flask import session

from {{ cookiecutter.package_name }}.health import PING_BODY, PING_PATH, registered_checks

from .conftest import {% if cookiecutter.use_mongodb %}MONGODB_URI, {% endif %}unreachable_database_url


def test_ping_is_ok_without_io(client):
    response = client.get("/health/ping")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_ping_is_answered_in_front_of_the_app_with_the_security_headers(app, client):
    """GET and HEAD of the probe never reach Flask (no hook runs: no request id, no session),
    and carry every response's security headers; the route answers the other methods."""
    page = client.get("/")
    probe = client.get("/health/ping")
    assert "X-Request-ID" in page.headers
    assert "X-Request-ID" not in probe.headers
    assert "Vary" not in probe.headers
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert probe.headers[name] == page.headers[name]
    assert "Strict-Transport-Security" not in probe.headers
    secure = client.get("/health/ping", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    head = client.head("/health/ping")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == probe.headers["Content-Length"]
    assert probe.json == {"status": "ok"}
    refused = client.post("/health/ping")
    assert refused.status_code in (400, 405)  # the CSRF check, where on, before the route
    assert "X-Request-ID" in refused.headers
    assert client.get("/health/ping/").status_code == 404


def test_the_route_says_what_the_probe_says(app):
    """Where the middleware is left out, the route gives the same answer."""
    with app.test_request_context(PING_PATH):
        response = app.make_response(app.view_functions["health.ping"]())
    assert response.status_code == 200
    assert response.get_data() == PING_BODY


def test_probes_open_no_session(app, client, auth, make_user):
    """A signed-in browser's cookie comes along to a probe's address too: it is not read, and
    the answer sets no cookie; the same cookie still signs the browser in elsewhere."""
    make_user()
    auth.login()
    assert "Set-Cookie" not in client.get("/health/ping").headers  # no session at all
    with client:
        response = client.get("/health/ready")
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

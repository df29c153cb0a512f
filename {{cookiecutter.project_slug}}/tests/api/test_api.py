"""The API as a whole: JSON errors in one shape, the OpenAPI document, Swagger UI, CSRF."""

import logging
import re
from datetime import datetime, timezone

import pytest
from flask_jwt_extended import create_access_token
from flask_smorest import abort

from {{ cookiecutter.package_name }}.api.models import RevokedToken
from {{ cookiecutter.package_name }}.api.schemas import UTCDateTime
from {{ cookiecutter.package_name }}.models import Note, User

from ..conftest import PASSWORD, unreachable_database_url
from .conftest import assert_error


def test_unknown_api_path_is_json_404(client):
    body = assert_error(client.get("/api/v1/no/such/thing"), 404, "Not Found")
    assert "errors" not in body


def test_wrong_method_is_json_405_with_allow(client):
    response = client.delete("/api/v1/auth/token")
    assert_error(response, 405, "Method Not Allowed")
    assert "POST" in response.headers["Allow"]


def test_web_pages_keep_html_errors(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


@pytest.mark.own_app
def test_unexpected_error_in_api_is_json_500(app, caplog):
    @app.route("/api/v1/boom")
    def boom():
        raise RuntimeError("kaput")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/api/v1/boom")
    body = assert_error(response, 500, "Internal Server Error")
    assert "kaput" not in response.text
    assert "errors" not in body


@pytest.mark.own_app
def test_abort_with_custom_headers_keeps_them(app):
    @app.route("/api/v1/teapot")
    def teapot():
        abort(418, message="short and stout", headers={"X-Teapot": "yes"})

    response = app.test_client().get("/api/v1/teapot")
    assert_error(response, 418, "I'm a teapot")
    assert response.get_json()["message"] == "short and stout"
    assert response.headers["X-Teapot"] == "yes"


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/auth/token", "/api/v1/notes", "/api/v1/users/{user_id}"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []


def test_swagger_ui_is_served_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page.text
    assert "//cdn" not in page.text
    assert "unpkg" not in page.text
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert len(asset.data) > 100_000
    asset.close()


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_api_is_exempt_from_csrf_but_pages_are_not(client):
    response = client.post(
        "/api/v1/auth/token", json={"email": "nobody@example.com", "password": PASSWORD}
    )
    assert response.status_code == 401
    assert client.post("/auth/login", data={}).status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/notes", "/api/v1/users"])
def test_resources_need_a_token(client, path):
    response = client.get(path)
    assert_error(response, 401, "Unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_model_reprs_and_aware_times():
    note = Note(id=3, owner_id=7, title="t")
    assert repr(note) == "<Note 3 of user 7>"
    assert repr(RevokedToken(jti="abc")) == "<RevokedToken abc>"
    aware = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert UTCDateTime().serialize("t", {"t": aware}) == "2030-01-02T03:04:05+00:00"


def test_swagger_ui_runs_under_the_content_security_policy(client):
    """No inline script: the page loads swagger_ui.js, which reads the settings from data-."""
    page = client.get("/api/v1/docs")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>", page.text)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert 'data-spec-url="/api/v1/openapi.json"' in page.text
    script = client.get("/api/v1/docs/static/swagger_ui.js")
    assert script.status_code == 200
    assert "SwaggerUIBundle(config)" in script.text
    script.close()


def test_a_body_over_max_content_length_is_a_json_413(app, client):
    body = '{"email": "' + "x" * app.config["MAX_CONTENT_LENGTH"] + '"}'
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert_error(response, 413, "Request Entity Too Large")


@pytest.mark.parametrize("depth", [33, 100_000])
def test_json_nested_too_deeply_is_a_json_400(client, depth):
    body = '{"email": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert "nested" in assert_error(response, 400, "Bad Request")["message"]


def test_api_responses_to_a_token_bearer_are_no_store(client, api, make_user):
    response = client.get("/api/v1/notes", headers=api.headers(make_user()))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_database_down_is_a_json_503(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI=unreachable_database_url())
    with app.app_context():
        token = create_access_token(identity=User(id=1, session_token="t" * 43))
    response = app.test_client().get("/api/v1/notes", headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 503, "Service Unavailable")
    assert response.headers["Retry-After"] == "30"

"""Security headers on every response, and the limits on what a request may send."""

import io
import json
import re

import pytest
from flask import request

from {{ cookiecutter.package_name }}.security import accepts_files, json_depth

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize(
    "path", ["/", "/auth/login", "/no-such-page", "/bootstrap/static/css/bootstrap.min.css"]
)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name
    csp = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP
    response.close()


def test_hsts_only_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_pages_have_no_inline_script_or_style(client, auth, make_user):
    make_user(role="admin")
    auth.login()
    for path in ["/", "/admin/", "/auth/login"]:
        page = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert "<style" not in page and " style=" not in page, path
        assert not re.search(r"\son[a-z]+=", page), path


def test_no_store_once_logged_in(client, auth, make_user):
    assert "Cache-Control" not in client.get("/").headers
    make_user()
    auth.login()
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/no-such-page").headers["Cache-Control"] == "no-store"


def test_a_body_over_max_content_length_is_413_and_not_read(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/auth/login", data={"email": "x" * (limit + 1), "password": "p"})
    assert response.status_code == 413
    assert "text/html" in response.content_type
    assert "Request Entity Too Large" in response.text


@pytest.mark.parametrize(
    ("depth", "reason"),
    [
        (33, "The JSON body cannot be read: the JSON body is nested deeper than 32 levels."),
        # Deeper than Python's own parser goes (RecursionError).
        (100_000, "The JSON body cannot be read: the JSON body is nested too deeply."),
    ],
)
def test_json_nested_too_deeply_is_400(client, depth, reason):
    body = "[" * depth + "]" * depth
    response = client.post("/auth/login", data=body, content_type="application/json")
    assert response.status_code == 400
    assert reason in response.text


def test_json_at_the_depth_limit_is_read(app):
    limit = app.config["MAX_JSON_DEPTH"]
    body = "[" * limit + "]" * limit
    assert app.json.loads(body) == json.loads(body)
    with pytest.raises(ValueError, match="nested deeper than 32 levels"):
        app.json.loads("[" + body + "]")


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_the_body_of_a_safe_method_is_not_read(client, method):
    # Not parsed, so not refused: no view of a safe method reads a body.
    body = {"data": "{nope", "content_type": "application/json"}
    response = client.open("/auth/login", method=method, **body)
    assert response.status_code == 200


def test_malformed_json_is_400(client):
    response = client.post("/auth/login", data="{nope", content_type="application/json")
    assert response.status_code == 400


def test_a_file_part_where_a_field_belongs_is_400(client):
    data = {"email": (io.BytesIO(b"user@example.com"), "email.txt"), "password": "secret"}
    response = client.post("/auth/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "This address takes no file uploads." in response.text


@pytest.mark.own_app
def test_a_view_marked_accepts_files_gets_them(app):
    @accepts_files
    def upload() -> str:
        return request.files["doc"].read().decode()

    app.add_url_rule("/upload-test", view_func=upload, methods=["POST"])
    data = {"doc": (io.BytesIO(b"hello"), "doc.txt")}
    response = app.test_client().post("/upload-test", data=data)
    assert response.status_code == 200
    assert response.text == "hello"


@pytest.mark.own_app
def test_a_view_s_own_security_header_wins_whatever_its_case(app):
    def framed() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"x-frame-options": "SAMEORIGIN"}

    app.add_url_rule("/framed-test", view_func=framed)
    response = app.test_client().get("/framed-test")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_json_depth():
    assert json_depth(1) == 0
    assert json_depth([]) == 1
    assert json_depth({"a": [1, {"b": []}]}) == 4
    # A scalar met first does not end the walk: the deep sibling still counts.
    assert json_depth([[[[]]], 1]) == 4
    assert json_depth({"deep": [[[]]], "flat": "x"}) == 4
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    assert json_depth(deep) == 5001


def test_dict_settings_are_copied_per_app(make_app):
    first = make_app()
    first.config["CONTENT_SECURITY_POLICY"]["img-src"] = "*"
    assert make_app().config["CONTENT_SECURITY_POLICY"]["img-src"] == "'self' data:"


@pytest.mark.own_app
def test_a_json_view_sees_the_parsed_body(app):
    def echo() -> object:
        return {"got": request.get_json()}

    app.add_url_rule("/echo-test", view_func=echo, methods=["POST"])
    response = app.test_client().post("/echo-test", json={"a": [1, 2]})
    assert response.json == {"got": {"a": [1, 2]}}

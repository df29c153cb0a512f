"""The production config's security, tested on the production config itself: the other tests
run the testing config, which turns CSRF off, so a change to production would pass them.

The route sweep takes its routes from the app's URL map: a new route, or a new CSRF exemption,
is checked without anyone listing it here.
"""

import re
import uuid

import pytest
from flask import Flask, url_for
from werkzeug.routing import IntegerConverter, Rule, UUIDConverter

from {{ cookiecutter.package_name }}.extensions import csrf

from .conftest import PASSWORD
from .test_security import SECURITY_HEADERS

#: The production app on the suite's database, with a real key.
PRODUCTION = {"config_name": "production", "SECRET_KEY": "p" * 64}
production = pytest.mark.parametrize("app", [PRODUCTION], indirect=True)

#: Blueprints exempt from CSRF, and why: the token API reads no cookies (bearer tokens only),
#: so a cross-site form has nothing to forge there.
TOKEN_API_BLUEPRINTS: set[str] = {% if cookiecutter.use_api %}{"api_tokens", "api_users", "api_notes"}{% else %}set(){% endif %}

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
HTTPS = "https://localhost"


def sample_url(app: Flask, rule: Rule) -> str:
    """A URL of ``rule`` with a made-up value for each of its arguments."""
    values: dict[str, object] = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, UUIDConverter):
            values[name] = uuid.uuid4()
        else:
            values[name] = "x"
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def csrf_token(client, path: str = "/auth/login") -> str:
    page = client.get(path, base_url=HTTPS).text
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def log_in(client, remember: bool = False):
    """Log in over HTTPS with the form's CSRF token, as a browser on the real site would."""
    data = {"email": "user@example.com", "password": PASSWORD, "csrf_token": csrf_token(client)}
    if remember:
        data["remember_me"] = "y"
    return client.post(
        "/auth/login", data=data, base_url=HTTPS, headers={"Referer": f"{HTTPS}/auth/login"}
    )


@production
def test_production_keeps_csrf_on_and_exempts_only_the_token_api(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is True
    # Flask-WTF keeps the exempt blueprints themselves.
    assert {blueprint.name for blueprint in csrf._exempt_blueprints} == TOKEN_API_BLUEPRINTS
    assert csrf._exempt_views == set()


@production
def test_every_state_changing_route_refuses_a_request_without_the_csrf_token(app, make_user):
    make_user()
    client = app.test_client()
    assert log_in(client).status_code == 302  # logged in: login_required cannot answer first
    checked = []
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & STATE_CHANGING
        if not methods or rule.endpoint.split(".")[0] in TOKEN_API_BLUEPRINTS:
            continue
        url = sample_url(app, rule)
        for method in sorted(methods):
            response = client.open(url, method=method, data={"x": "1"}, base_url=HTTPS)
            assert response.status_code == 400, f"{method} {url}: {response.status_code}"
        checked.append(rule.rule)
    # The sweep reached the routes: these are in every project.
    assert {"/auth/login", "/auth/logout", "/auth/register", "/account/password"} <= set(checked)
    # And the 400s were CSRF's: the same request with the token goes through.
    token = csrf_token(client, "/account/")
    response = client.post(
        "/auth/logout",
        data={"csrf_token": token},
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/account/"},
    )
    assert response.status_code == 302


@production
def test_a_request_from_another_site_is_refused_even_with_a_token(app, make_user):
    make_user()
    client = app.test_client()
    token = csrf_token(client)
    data = {"email": "user@example.com", "password": PASSWORD, "csrf_token": token}
    # Over HTTPS Flask-WTF also wants a same-origin Referer (WTF_CSRF_SSL_STRICT).
    for headers in ({}, {"Referer": "https://evil.example/login"}):
        response = client.post("/auth/login", data=data, base_url=HTTPS, headers=headers)
        assert response.status_code == 400, headers


@production
def test_production_cookies_are_httponly_samesite_and_secure(app, make_user):
    make_user()
    response = log_in(app.test_client(), remember=True)
    assert response.status_code == 302
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        flags = [part.strip() for part in cookies[name].split(";")]
        assert "HttpOnly" in flags, name
        assert "Secure" in flags, name
        assert "SameSite=Lax" in flags, name


@production
def test_production_sends_the_security_headers(app):
    response = app.test_client().get("/auth/login", base_url=HTTPS)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"

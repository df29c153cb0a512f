import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, template_rendered
from jinja2 import Template
from markupsafe import escape


def test_index_for_anonymous_visitor(client, app):
    response = client.get("/")
    assert response.status_code == 200
    # The page shows the name HTML-escaped (quotes and apostrophes become entities).
    assert str(escape(app.config["APP_NAME"])) in response.text
    assert 'href="/auth/login"' in response.text
    assert 'href="/auth/register"' in response.text


def test_index_for_logged_in_user_shows_role(client, auth, make_user):
    make_user()
    auth.login()
    response = client.get("/")
    assert "user@example.com" in response.text
    assert "<strong>user</strong>" in response.text


@contextmanager
def renders_of(app: Flask) -> Iterator[list[str]]:
    """The templates ``app`` renders in the ``with`` block, by name, in order."""
    names: list[str] = []

    def record(sender: Flask, template: Template, **extra: object) -> None:
        names.append(str(template.name))

    with template_rendered.connected_to(record, app):
        yield names


def test_visitors_home_page_is_rendered_once(client, app):
    """Every visitor sees the same home page: the first view renders it, the next (another
    visitor's) sends the same page, with the headers of every response."""
    with renders_of(app) as names:
        first = client.get("/")
        second = app.test_client().get("/")
    assert names == ["main/index.html"]
    assert second.status_code == 200
    assert second.text == first.text
    for name in ("Content-Security-Policy", "X-Frame-Options", "Content-Type"):
        assert second.headers[name] == first.headers[name]
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]


def test_members_and_visitors_with_a_message_get_their_own_home_page(client, auth, make_user, app):
    client.get("/")  # the visitors' page is kept from here on
    make_user()
    auth.login()
    with renders_of(app) as names:
        member = client.get("/").text
        auth.logout()  # flashes "You are logged out."
        told = client.get("/").text
        visitor = client.get("/").text
    assert names == ["main/index.html", "main/index.html"]
    assert "user@example.com" in member
    assert "You are logged out." in told
    assert "You are logged out." not in visitor
    assert 'href="/auth/register"' in visitor


@pytest.mark.parametrize("app", [{"TEMPLATES_AUTO_RELOAD": True}], indirect=True)
def test_with_template_reload_on_every_view_renders(client, app):
    with renders_of(app) as names:
        client.get("/")
        client.get("/")
    assert names == ["main/index.html"] * 2


def test_flash_messages_render(client, auth, make_user):
    make_user()
    response = client.post(
        "/auth/login",
        data={"email": "user@example.com", "password": "correct horse battery"},
        follow_redirects=True,
    )
    assert "You are logged in." in response.text


def test_pages_load_only_assets_the_app_serves(client):
    """Bootstrap's CSS and JS and the icon come from this app (no CDN, which the CSP would
    block), and each one answers."""
    page = client.get("/").text
    assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js|svg))"', page)
    assert any(url.endswith("/bootstrap.min.css") for url in assets), assets
    assert any(url.endswith("/bootstrap.min.js") for url in assets), assets
    for url in assets:
        assert url.startswith("/"), f"{url} is not served by the app"
        with client.get(url) as response:
            assert response.status_code == 200, url
            if url.endswith(".css"):
                # Nothing pulled in from elsewhere at run time.
                assert "@import" not in response.text
                assert "url(http" not in response.text

import re

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

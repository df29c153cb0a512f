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


def test_stylesheet_is_served_locally(client):
    with client.get("/static/css/style.css") as response:
        assert response.status_code == 200
        assert "http" not in response.text

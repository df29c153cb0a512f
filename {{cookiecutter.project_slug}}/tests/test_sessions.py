"""Sessions rest on a per-user session token that logout and role changes rotate."""

from flask import Flask
from flask.testing import FlaskClient

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import Role, User

from .conftest import PASSWORD


def home(client: FlaskClient, app: Flask) -> str:
    """``GET /`` in an app context of its own, as every real request has: the test's context
    would hand Flask-Login the user it cached on ``g`` during an earlier request."""
    with app.app_context():
        return client.get("/").text


def copy_cookies(source: FlaskClient, app: Flask) -> FlaskClient:
    """A second browser holding copies of ``source``'s cookies (what a thief would replay)."""
    thief = app.test_client()
    for cookie in source._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def test_a_copied_session_cookie_dies_with_logout(app, client, auth, make_user):
    make_user()
    auth.login()
    thief = copy_cookies(client, app)
    assert "user@example.com" in home(thief, app)
    auth.logout()
    assert "Log in" in home(thief, app)


def test_a_copied_remember_cookie_dies_with_logout(app, client, make_user):
    make_user()
    data = {"email": "user@example.com", "password": PASSWORD, "remember_me": "y"}
    client.post("/auth/login", data=data)
    thief = app.test_client()
    thief.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert "user@example.com" in home(thief, app)  # the cookie logs a new browser in
    client.post("/auth/logout")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", thief.get_cookie("remember_token").value)
    assert "Log in" in home(fresh, app)


def test_a_session_outlives_a_key_rotation_only_while_its_key_is_a_fallback(
    app, client, auth, make_user
):
    """Flask's key rotation: with a new ``SECRET_KEY`` and the old one in
    ``SECRET_KEY_FALLBACKS``, a cookie signed with the old key still holds its session; once
    the old key leaves the list, it holds none (the session interface keeps a signer for each
    set of keys, never the first one it built)."""
    make_user()
    auth.login()
    signed_with_old = copy_cookies(client, app)
    old = app.secret_key
    app.config["SECRET_KEY"] = "n" * 64
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert "user@example.com" in home(copy_cookies(signed_with_old, app), app)
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert "Log in" in home(signed_with_old, app)


def test_the_session_stores_the_token_not_the_id(client, auth, make_user):
    user = make_user()
    auth.login()
    with client.session_transaction() as session:
        assert session["_user_id"] == user.session_token
        assert session["_user_id"] != str(user.id)
    assert len(user.session_token) >= 43


def test_a_role_change_ends_the_users_sessions(app, client, auth, make_user):
    user = make_user()
    auth.login()
    admin = make_user("admin@example.com", role="admin")
    user.change_role(db.session.scalars(db.select(Role).filter_by(name="admin")).one(), by=admin)
    db.session.commit()
    assert "Log in" in home(client, app)


def test_a_new_user_given_a_deleted_users_id_gets_none_of_their_sessions(app, client, auth):
    user = User.create("old@example.com", PASSWORD)
    db.session.commit()
    old_id = user.id
    auth.login("old@example.com")
    db.session.delete(user)
    db.session.commit()
    reused = User.create("new@example.com", PASSWORD)
    reused.id = old_id  # what SQLite does with the highest id once its row is deleted
    db.session.commit()
    assert "Log in" in home(client, app)


def test_logout_when_anonymous_just_redirects(client):
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_fingerprint_follows_the_token(make_user):
    user = make_user()
    before = user.session_fingerprint
    assert len(before) == 32 and user.session_token not in before
    user.rotate_session_token()
    assert user.session_fingerprint != before

import re

import pytest

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import Role, User

from .conftest import PASSWORD


def register(client, email="new@example.com", password=PASSWORD, confirm=None):
    data = {"email": email, "password": password, "confirm": confirm or password}
    return client.post("/auth/register", data=data)


def test_register_page_renders_form(client):
    response = client.get("/auth/register")
    assert response.status_code == 200
    for name in ("email", "password", "confirm"):
        assert f'name="{name}"' in response.text


def test_register_creates_user_with_default_role_and_goes_to_login(client, auth, app):
    response = register(client, email="  New@Example.COM ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    user = User.find_by_email("new@example.com")
    assert user is not None
    assert user.role.name == "user"
    assert user.password_hash != PASSWORD
    page = client.get("/auth/login").text
    assert "We sent a message to new@example.com" in page
    assert "You can log in already." in page
    assert auth.login("new@example.com").status_code == 302
    assert "new@example.com" in client.get("/").text


@pytest.mark.parametrize(
    ("email", "password", "confirm", "message"),
    [
        ("not-an-email", PASSWORD, PASSWORD, "Invalid email address."),
        ("new@example.com", "short", "short", "Use at least 8 characters."),
        ("new@example.com", PASSWORD, PASSWORD + "x", "Passwords differ."),
        ("new@example.com", "x" * 257, "x" * 257, "Use at most 256 characters."),
        # NIST SP 800-63B 5.1.1.2: no common, expected or account-derived passwords.
        ("new@example.com", "password123", "password123", "too easy to guess"),
        ("new@example.com", "qwertyuiop", "qwertyuiop", "too easy to guess"),
        ("new@example.com", "New@Example.com", "New@Example.com", "your email address"),
        ("firstname.lastname@example.com", "firstname.lastname", "firstname.lastname", "email"),
        ("", PASSWORD, PASSWORD, "This field is required."),
    ],
)
def test_register_rejects_bad_input(client, email, password, confirm, message):
    response = register(client, email, password, confirm)
    assert response.status_code == 400
    assert message in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_register_takes_a_long_passphrase(client):
    # Longer than the 72 characters the strength estimator looks at (it raises past them).
    passphrase = "correct horse battery staple " * 8
    response = register(client, "long@example.com", passphrase, passphrase)
    assert response.status_code == 302
    assert db.session.scalar(db.select(User).filter_by(email="long@example.com")) is not None


def test_register_before_the_roles_are_seeded_is_503_with_a_notice(client, caplog):
    # As after `flask db upgrade` without `flask init`: the default role does not exist.
    db.session.delete(db.session.scalar(db.select(Role).filter_by(name="user")))
    db.session.commit()
    response = register(client)
    assert response.status_code == 503
    assert "Registration is not available yet." in response.text
    assert "run `flask init` first" in caplog.text
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_register_with_a_taken_email_in_any_case_makes_no_second_account(client, make_user):
    make_user("taken@example.com")
    response = register(client, email="TAKEN@example.com")
    assert response.status_code == 302  # the same answer as for a new address
    assert "We sent a message to taken@example.com" in client.get("/auth/login").text
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_login_page_has_contract_fields(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    for name in ("email", "password", "remember_me"):
        assert f'name="{name}"' in response.text


def test_login_and_logout(client, auth, make_user):
    make_user()
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Log out" in client.get("/").text
    response = auth.logout()
    assert response.headers["Location"] == "/"
    assert "Log in" in client.get("/").text


def test_logout_is_post_only(client, auth, make_user):
    """A GET (an <img> on any page) cannot log anyone out."""
    make_user()
    auth.login()
    assert client.get("/auth/logout").status_code == 405
    assert "user@example.com" in client.get("/").text


@pytest.mark.parametrize(
    ("email", "password"),
    [("user@example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
)
def test_login_refuses_bad_credentials_with_one_message(client, auth, make_user, email, password):
    make_user()
    response = auth.login(email, password)
    assert response.status_code == 401
    assert "Wrong email or password." in response.text
    assert "Log out" not in client.get("/").text


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/auth/login", {"email": "user\x00@example.com", "password": PASSWORD}),
        ("/auth/register?next=/\x00", {"email": "user@example.com", "password": PASSWORD}),
        ("/no-such-page\x00", {}),
    ],
)
def test_nul_character_anywhere_is_400_before_any_lookup(client, path, data):
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "The request holds a NUL character." in response.text


@pytest.mark.parametrize("query", ["q=%00", "q%00=1", "q=a%00b&r=1", "q=\x00"])
def test_nul_in_a_query_name_or_value_is_400_on_get(client, query):
    response = client.get(f"/auth/login?{query}")
    assert response.status_code == 400
    assert "The request holds a NUL character." in response.text


def test_percent_sign_without_nul_passes(client):
    assert client.get("/auth/login?q=%2500&r=100%25").status_code == 200


def test_login_with_missing_fields_is_400(client):
    response = client.post("/auth/login", data={"email": ""})
    assert response.status_code == 400
    assert "This field is required." in response.text


def test_remember_me_sets_remember_cookie(client, make_user):
    make_user()
    data = {"email": "user@example.com", "password": PASSWORD, "remember_me": "y"}
    response = client.post("/auth/login", data=data)
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_login_without_remember_me_sets_no_remember_cookie(auth, make_user):
    make_user()
    response = auth.login()
    assert "remember_token=" not in " ".join(response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("target", ["/admin/", "/some/page?x=1&y=2", "/a#frag"])
def test_login_redirects_to_same_site_next(auth, make_user, target):
    make_user()
    assert auth.login(next=target).headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "http:/evil.example",
        "",
    ],
)
def test_login_refuses_off_site_next(auth, make_user, target):
    make_user()
    assert auth.login(next=target).headers["Location"] == "/"


def test_authenticated_user_skips_login_and_register(client, auth, make_user):
    make_user()
    auth.login()
    assert client.get("/auth/login?next=/admin/").headers["Location"] == "/admin/"
    assert client.get("/auth/login?next=//evil.example").headers["Location"] == "/"
    assert client.get("/auth/register").headers["Location"] == "/"


def test_session_with_unknown_or_malformed_user_id_is_anonymous(client, app, make_user):
    user = make_user()
    for user_id in ("999", "not-a-number", str(user.id)):
        with client.session_transaction() as session:
            session["_user_id"] = user_id
        assert "Log in" in client.get("/").text


def test_csrf_token_is_required_when_enabled(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user()
    client = app.test_client()
    data = {"email": "user@example.com", "password": PASSWORD}
    assert client.post("/auth/login", data=data).status_code == 400

    page = client.get("/auth/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={**data, "csrf_token": token})
    assert response.status_code == 302

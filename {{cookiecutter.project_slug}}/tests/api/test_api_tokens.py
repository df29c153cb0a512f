"""``/api/v1/auth``: issue, refresh and revoke tokens; every way a token can be refused."""

from datetime import timedelta

import pytest

from {{ cookiecutter.package_name }}.api.extensions import limiter
from {{ cookiecutter.package_name }}.api.models import RevokedToken
from {{ cookiecutter.package_name }}.extensions import db

from ..conftest import PASSWORD
from .conftest import assert_error

TOKEN_URL = "/api/v1/auth/token"


def get_tokens(client, email="user@example.com", password=PASSWORD):
    return client.post(TOKEN_URL, json={"email": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_issue_tokens_and_use_the_access_token(client, make_user):
    make_user()
    response = get_tokens(client, email=" USER@example.com ")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 15 * 60
    assert client.get("/api/v1/notes", headers=bearer(body["access_token"])).status_code == 200


def test_expires_in_follows_a_timedelta_setting(app, client, make_user):
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(minutes=5)
    make_user()
    assert get_tokens(client).get_json()["expires_in"] == 300


@pytest.mark.parametrize(
    ("email", "password"),
    [("user@example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
)
def test_wrong_credentials_are_401(client, make_user, email, password):
    make_user()
    response = get_tokens(client, email, password)
    body = assert_error(response, 401, "Unauthorized")
    assert body["message"] == "Wrong email or password."
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"password": PASSWORD}, "email"),
        ({"email": "user@example.com"}, "password"),
        ({"email": 42, "password": PASSWORD}, "email"),
        ({"email": "user@example.com", "password": ["x"]}, "password"),
        ({"email": "a" * 300, "password": PASSWORD}, "email"),
        ({"email": "user@example.com", "password": "p" * 5000}, "password"),
        ({"email": "user@example.com", "password": PASSWORD, "admin": True}, "admin"),
        ({"email": "user\x00@example.com", "password": PASSWORD}, "email"),
    ],
)
def test_bad_bodies_are_422_with_field_messages(client, payload, field):
    body = assert_error(client.post(TOKEN_URL, json=payload), 422, "Unprocessable Entity")
    assert field in body["errors"]["json"]


def test_non_json_body_is_422(client):
    response = client.post(TOKEN_URL, data="email=x", content_type="text/plain")
    assert_error(response, 422, "Unprocessable Entity")


def test_refresh_gives_a_new_access_token(client, make_user, api):
    user = make_user()
    response = client.post("/api/v1/auth/refresh", headers=api.refresh_headers(user))
    assert response.status_code == 200
    token = response.get_json()["access_token"]
    assert "refresh_token" not in response.get_json()
    assert client.get("/api/v1/notes", headers=bearer(token)).status_code == 200


def test_access_token_cannot_refresh_and_refresh_token_cannot_access(client, make_user, api):
    user = make_user()
    response = client.post("/api/v1/auth/refresh", headers=api.headers(user))
    assert "Only refresh tokens" in assert_error(response, 401, "Unauthorized")["message"]
    response = client.get("/api/v1/notes", headers=api.refresh_headers(user))
    assert "Only non-refresh tokens" in assert_error(response, 401, "Unauthorized")["message"]


@pytest.mark.parametrize("kind", ["headers", "refresh_headers"])
def test_revoked_token_is_refused(client, make_user, api, kind):
    user = make_user()
    headers = getattr(api, kind)(user)
    assert client.post("/api/v1/auth/revoke", headers=headers).status_code == 204
    revoked = db.session.scalar(db.select(RevokedToken))
    assert revoked.user_id == user.id
    assert revoked.expires_at is not None
    url = "/api/v1/notes" if kind == "headers" else "/api/v1/auth/refresh"
    method = client.get if kind == "headers" else client.post
    body = assert_error(method(url, headers=headers), 401, "Unauthorized")
    assert body["message"] == "Token has been revoked"
    # A new token for the same user still works.
    assert client.get("/api/v1/notes", headers=api.headers(user)).status_code == 200


def test_expired_token_is_refused(app, client, make_user, api):
    user = make_user()
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = -1
    response = client.get("/api/v1/notes", headers=api.headers(user))
    assert assert_error(response, 401, "Unauthorized")["message"] == "Token has expired"


def test_tampered_token_is_refused(client, make_user, api):
    make_user()
    admin = make_user("admin@example.com", role="admin")
    token = api.headers(make_user("other@example.com"))["Authorization"].split()[1]
    header, _payload, signature = token.split(".")
    forged_payload = api.headers(admin)["Authorization"].split()[1].split(".")[1]
    response = client.get("/api/v1/users", headers=bearer(f"{header}.{forged_payload}.{signature}"))
    body = assert_error(response, 401, "Unauthorized")
    assert body["message"].startswith("Invalid token:")


@pytest.mark.parametrize("value", ["Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwdw==", ""])
def test_malformed_authorization_is_401(client, value):
    response = client.get("/api/v1/notes", headers={"Authorization": value})
    assert_error(response, 401, "Unauthorized")


def test_token_of_a_deleted_user_is_refused(client, make_user, api):
    user = make_user()
    headers = api.headers(user)
    db.session.delete(user)
    db.session.commit()
    body = assert_error(client.get("/api/v1/notes", headers=headers), 401, "Unauthorized")
    assert body["message"] == "The token's user no longer exists or has logged out"


def test_token_endpoint_is_rate_limited(app, client, make_user):
    app.config["API_AUTH_RATE_LIMIT"] = "3 per minute"
    make_user()
    for _ in range(3):
        assert get_tokens(client, password="wrong password").status_code == 401
    response = get_tokens(client)
    body = assert_error(response, 429, "Too Many Requests")
    assert body["message"] == "Too many requests: 3 per 1 minute; try again later."
    assert int(response.headers["Retry-After"]) > 0
    # Other endpoints are not limited.
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_default_rate_limit_is_ten_per_minute(client):
    statuses = [get_tokens(client).status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]


def test_a_token_revoked_twice_at_once_answers_204_both_times(client, make_user, api, monkeypatch):
    """The second request passed the revocation check before the first one committed."""
    headers = api.headers(make_user())
    assert client.post("/api/v1/auth/revoke", headers=headers).status_code == 204
    monkeypatch.setattr(RevokedToken, "is_revoked", classmethod(lambda cls, jti: False))
    assert client.post("/api/v1/auth/revoke", headers=headers).status_code == 204
    assert len(db.session.scalars(db.select(RevokedToken)).all()) == 1


def test_tokens_die_when_their_user_logs_out_of_the_site(client, auth, make_user, api):
    user = make_user()
    headers = api.headers(user)
    assert client.get("/api/v1/notes", headers=headers).status_code == 200
    auth.login()
    auth.logout()
    body = assert_error(client.get("/api/v1/notes", headers=headers), 401, "Unauthorized")
    assert "logged out" in body["message"]
    assert client.get("/api/v1/notes", headers=api.headers(user)).status_code == 200


def test_failed_token_requests_are_throttled_like_the_login_page(app, client, make_user):
    app.config["LOGIN_THROTTLE_LIMITS"] = {"account_client": 2, "client": 10, "account": 10}
    make_user()
    wrong = {"email": "user@example.com", "password": "wrong password"}
    assert [client.post("/api/v1/auth/token", json=wrong).status_code for _ in range(2)] == [
        401,
        401,
    ]
    right = {"email": "user@example.com", "password": PASSWORD}
    response = client.post("/api/v1/auth/token", json=right)
    assert "Too many failed logins" in assert_error(response, 429, "Too Many Requests")["message"]
    assert int(response.headers["Retry-After"]) > 0


def test_unconfirmed_users_get_tokens_by_default(client, make_user):
    make_user(confirmed=False)
    assert get_tokens(client).status_code == 200


@pytest.mark.parametrize("app", [{"ALLOW_UNCONFIRMED_LOGIN": False}], indirect=True)
def test_unconfirmed_users_get_403_when_the_setting_is_off(client, make_user):
    make_user(confirmed=False)
    body = assert_error(get_tokens(client), 403, "Forbidden")
    assert "Confirm your email address first" in body["message"]
    make_user("confirmed@example.com")
    assert get_tokens(client, "confirmed@example.com").status_code == 200


def test_the_limiter_works_on_no_request_but_the_token_endpoints(app, client):
    """Flask-Limiter's app-wide before_request hook is off, and its after_request and
    teardown hooks run for the tokens blueprint only (api/__init__.py): the pages and health
    probes do no work for limits they do not have; the token endpoint's own decorator
    enforces its limit (the tests above) and its responses still carry the limit's headers."""

    def limiter_hooks(hooks):
        return [
            hook
            for hook in hooks
            if limiter in (getattr(hook, "__self__", None), *getattr(hook, "args", ()))
        ]

    for registry in (app.before_request_funcs, app.after_request_funcs):
        assert limiter_hooks(registry.get(None, [])) == []
    assert limiter_hooks(app.teardown_request_funcs.get(None, [])) == []
    assert len(limiter_hooks(app.after_request_funcs["api_tokens"])) == 1
    assert len(limiter_hooks(app.teardown_request_funcs["api_tokens"])) == 1
    response = get_tokens(client, password="wrong password")
    assert response.status_code == 401
    assert response.headers["X-RateLimit-Limit"] == "10"
    assert response.headers["X-RateLimit-Remaining"] == "9"
    assert "X-RateLimit-Limit" not in client.get("/health/ping").headers

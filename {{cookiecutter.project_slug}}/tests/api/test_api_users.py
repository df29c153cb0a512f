"""``/api/v1/users``: admins (permission ``users.manage``) list users and change roles."""

import json

import pytest

from {{ cookiecutter.package_name }}.extensions import db

from .conftest import assert_error

URL = "/api/v1/users"


@pytest.fixture
def admin_headers(api, make_user):
    return api.headers(make_user("admin@example.com", role="admin"))


def test_user_without_permission_gets_403(client, api, make_user):
    headers = api.headers(make_user())
    body = assert_error(client.get(URL, headers=headers), 403, "Forbidden")
    assert "users.manage" in body["message"]
    response = client.patch(f"{URL}/1", json={"role": "admin"}, headers=headers)
    assert_error(response, 403, "Forbidden")


def test_admin_lists_filters_and_pages_users(client, admin_headers, make_user):
    for n in range(3):
        make_user(f"user{n}@example.com")
    response = client.get(URL, headers=admin_headers)
    assert [u["email"] for u in response.get_json()] == [
        "admin@example.com",
        "user0@example.com",
        "user1@example.com",
        "user2@example.com",
    ]
    assert response.get_json()[0]["role"] == "admin"
    assert "password_hash" not in response.get_json()[0]
    found = client.get(URL, query_string={"email": "USER1"}, headers=admin_headers).get_json()
    assert [u["email"] for u in found] == ["user1@example.com"]
    found = client.get(URL, query_string={"role": "admin"}, headers=admin_headers).get_json()
    assert [u["email"] for u in found] == ["admin@example.com"]
    response = client.get(URL, query_string={"page_size": 3, "page": 2}, headers=admin_headers)
    assert len(response.get_json()) == 1
    assert json.loads(response.headers["X-Pagination"])["total"] == 4


def test_unknown_role_filter_is_422(client, admin_headers):
    response = client.get(URL, query_string={"role": "wizard"}, headers=admin_headers)
    assert "role" in assert_error(response, 422, "Unprocessable Entity")["errors"]["query"]


def test_admin_gets_one_user_and_changes_the_role(client, api, admin_headers, make_user):
    user = make_user()
    item = f"{URL}/{user.id}"
    assert client.get(item, headers=admin_headers).get_json()["email"] == "user@example.com"
    user_headers = api.headers(user)
    assert client.get(URL, headers=user_headers).status_code == 403

    response = client.patch(item, json={"role": "admin"}, headers=admin_headers)
    assert response.status_code == 200
    assert response.get_json()["role"] == "admin"
    # A role change ends the user's sessions: the old token is refused, a new one has the
    # new role's rights.
    assert client.get(URL, headers=user_headers).status_code == 401
    db.session.refresh(user)
    assert client.get(URL, headers=api.headers(user)).status_code == 200


@pytest.mark.parametrize("payload", [{}, {"role": "wizard"}, {"role": 1}, {"role": "user", "x": 1}])
def test_bad_role_change_is_422(client, admin_headers, make_user, payload):
    user = make_user()
    response = client.patch(f"{URL}/{user.id}", json=payload, headers=admin_headers)
    assert_error(response, 422, "Unprocessable Entity")


@pytest.mark.parametrize("user_id", [999, 2**64])
def test_unknown_user_is_404(client, admin_headers, user_id):
    assert_error(client.get(f"{URL}/{user_id}", headers=admin_headers), 404, "Not Found")


def test_an_admin_cannot_change_their_own_role(client, admin_headers):
    admin_id = client.get(URL, headers=admin_headers).get_json()[0]["id"]
    response = client.patch(f"{URL}/{admin_id}", json={"role": "user"}, headers=admin_headers)
    assert "your own role" in assert_error(response, 409, "Conflict")["message"]
    me = client.get(f"{URL}/{admin_id}", headers=admin_headers).get_json()
    assert me["role"] == "admin"

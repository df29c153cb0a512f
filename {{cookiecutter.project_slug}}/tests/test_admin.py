import re

import pytest

from {{ cookiecutter.package_name }}.auth.permissions import permission_required
from {{ cookiecutter.package_name }}.models import User


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    assert "%2Fadmin%2F" in response.headers["Location"]


def test_user_without_permission_gets_403(client, auth, make_user):
    make_user()
    auth.login()
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "403 Forbidden" in response.text
    assert 'href="/admin/"' not in client.get("/").text


def test_admin_sees_users_and_nav_link(client, auth, make_user):
    make_user("admin@example.com", role="admin")
    make_user("someone@example.com")
    auth.login("admin@example.com")
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "someone@example.com" in response.text
    assert 'href="/admin/"' in client.get("/").text


def test_admin_changes_another_users_role(client, auth, make_user):
    make_user("admin@example.com", role="admin")
    other = make_user("someone@example.com")
    auth.login("admin@example.com")
    response = client.post(f"/admin/users/{other.id}/role", data={"role": "admin"})
    assert response.status_code == 302
    assert User.find_by_email("someone@example.com").role.name == "admin"


def test_set_role_refuses_bad_requests(client, auth, make_user):
    admin = make_user("admin@example.com", role="admin")
    other = make_user("someone@example.com")
    auth.login("admin@example.com")
    response = client.post(f"/admin/users/{other.id}/role", data={"role": "emperor"})
    assert response.status_code == 400
    assert "Unknown role." in response.text
    assert client.post(f"/admin/users/{other.id}/role").status_code == 400
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "user"})
    assert response.status_code == 400
    assert "your own role" in response.text
    assert client.post("/admin/users/9999/role", data={"role": "user"}).status_code == 404
    assert User.find_by_email("someone@example.com").role.name == "user"
    assert User.find_by_email("admin@example.com").role.name == "admin"


def test_set_role_needs_users_manage_permission(client, auth, make_user):
    make_user("plain@example.com")
    other = make_user("someone@example.com")
    auth.login("plain@example.com")
    response = client.post(f"/admin/users/{other.id}/role", data={"role": "admin"})
    assert response.status_code == 403
    assert User.find_by_email("someone@example.com").role.name == "user"


@pytest.mark.own_app
def test_permission_required_keeps_view_metadata_and_result(app, client, auth, make_user):
    @permission_required("admin.access")
    def secret() -> str:
        """Secret docstring."""
        return "the secret"

    assert secret.__name__ == "secret"
    assert secret.__doc__ == "Secret docstring."
    app.add_url_rule("/secret", view_func=secret)
    assert client.get("/secret").status_code == 302
    make_user("admin@example.com", role="admin")
    auth.login("admin@example.com")
    assert client.get("/secret").text == "the secret"


def emails_listed(page: str) -> list[str]:
    """The addresses in the user table, in order."""
    return re.findall(r'<th scope="row" class="fw-normal">([^<]*)</th>', page)


def test_admin_searches_users_by_address(client, auth, make_user):
    make_user("admin@example.com", role="admin")
    make_user("ann@shop.example")
    make_user("bob@shop.example")
    make_user("ann_b@home.example")
    auth.login("admin@example.com")
    assert emails_listed(client.get("/admin/?q=SHOP").text) == [
        "bob@shop.example",
        "ann@shop.example",
    ]
    # _ is matched as itself, not as a LIKE wildcard.
    assert emails_listed(client.get("/admin/?q=ann_").text) == ["ann_b@home.example"]
    assert "No user matches." in client.get("/admin/?q=nobody").text


def test_admin_pages_through_users(app, client, auth, make_user):
    app.config["PER_PAGE"] = 2
    make_user("admin@example.com", role="admin")
    for number in range(4):
        make_user(f"user{number}@example.com")
    auth.login("admin@example.com")
    first = client.get("/admin/").text
    assert emails_listed(first) == ["user3@example.com", "user2@example.com"]
    assert 'href="/admin/?page=3"' in first
    assert emails_listed(client.get("/admin/?page=3").text) == ["admin@example.com"]
    assert client.get("/admin/?page=4").status_code == 404
    assert client.get(f"/admin/?page={10**30}").status_code == 404


def test_a_role_change_returns_to_the_page_of_the_list_it_was_made_on(client, auth, make_user):
    make_user("admin@example.com", role="admin")
    other = make_user("someone@example.com")
    auth.login("admin@example.com")
    response = client.post(
        f"/admin/users/{other.id}/role", data={"role": "admin", "next": "/admin/?q=some&page=1"}
    )
    assert response.headers["Location"] == "/admin/?q=some&page=1"
    elsewhere = client.post(
        f"/admin/users/{other.id}/role", data={"role": "user", "next": "https://evil.example/"}
    )
    assert elsewhere.headers["Location"] == "/admin/"

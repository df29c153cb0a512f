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

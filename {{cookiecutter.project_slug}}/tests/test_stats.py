"""The cached user statistics on the home and admin pages, and their invalidation.
{%- if not cookiecutter.use_redis %}

The project caches nothing by default (``NullCache``: no server every worker shares); these
tests run on ``SimpleCache``, as a shared backend would behave in one process.
{% endif %}"""

import logging

import pytest

from {{ cookiecutter.package_name }}.extensions import cache, db
from {{ cookiecutter.package_name }}.models import User
from {{ cookiecutter.package_name }}.stats import USER_STATS_KEY, invalidate_user_stats, user_stats

from .conftest import PASSWORD
{%- if not cookiecutter.use_redis %}

pytestmark = pytest.mark.parametrize("app", [{"CACHE_TYPE": "SimpleCache"}], indirect=True)
{%- endif %}


def test_home_page_shows_the_member_count(client, make_user):
    assert "0 members so far." in client.get("/").text
    invalidate_user_stats()
    make_user()
    invalidate_user_stats()
    assert "1 member so far." in client.get("/").text


def test_counts_are_cached_until_invalidated(app, make_user):
    make_user()
    assert user_stats() == {"total": 1, "by_role": {"admin": 0, "user": 1}}
    assert cache.get(USER_STATS_KEY) == user_stats()
    User.create("quiet@example.com", PASSWORD)
    db.session.commit()
    assert user_stats()["total"] == 1  # served from the cache
    invalidate_user_stats()
    assert cache.get(USER_STATS_KEY) is None
    assert user_stats()["total"] == 2


def test_registering_invalidates_the_counts(client):
    assert "0 members so far." in client.get("/").text
    data = {"email": "new@example.com", "password": PASSWORD, "confirm": PASSWORD}
    client.post("/auth/register", data=data)
    assert "1 member so far." in client.get("/").text


def test_role_change_invalidates_the_admin_counts(client, auth, make_user):
    make_user("admin@example.com", role="admin")
    other = make_user("someone@example.com")
    auth.login("admin@example.com")
    assert "2 in all: admin 1, user 1." in client.get("/admin/").text
    client.post(f"/admin/users/{other.id}/role", data={"role": "admin"})
    assert "2 in all: admin 2, user 0." in client.get("/admin/").text


def test_create_admin_invalidates_the_counts(client, runner):
    assert "0 members so far." in client.get("/").text
    args = ["create-admin", "--email", "boss@example.com", "--password", "correct horse battery"]
    assert runner.invoke(args=args).exit_code == 0
    assert "1 member so far." in client.get("/").text


@pytest.mark.parametrize("failing", [("get",), ("set", "delete")])
def test_a_failing_cache_is_bypassed(client, make_user, monkeypatch, caplog, failing):
    def broken(*args, **kwargs):
        raise ConnectionError("cache server down")

    for method in failing:
        monkeypatch.setattr(cache, method, broken)
    make_user()
    with caplog.at_level(logging.WARNING):
        invalidate_user_stats()
        response = client.get("/")
    assert response.status_code == 200
    assert "1 member so far." in response.text
    assert "cache unavailable" in caplog.text

"""The cached user statistics on the admin page, and their invalidation.
{%- if not cookiecutter.use_redis %}

The project caches nothing by default (``NullCache``: no server every worker shares); these
tests run on ``SimpleCache``, as a shared backend would behave in one process.
{% endif %}"""

import logging
import re

import pytest

from {{ cookiecutter.package_name }}.extensions import cache, db
from {{ cookiecutter.package_name }}.models import User
from {{ cookiecutter.package_name }}.stats import USER_STATS_KEY, invalidate_user_stats, user_stats

from .conftest import PASSWORD
{%- if not cookiecutter.use_redis %}

pytestmark = pytest.mark.parametrize("app", [{"CACHE_TYPE": "SimpleCache"}], indirect=True)
{%- endif %}

ADMIN = "admin@example.com"


@pytest.fixture
def admin(client, auth, make_user):
    """The test client, signed in as an admin (counted: 1 in all)."""
    make_user(ADMIN, role="admin")
    invalidate_user_stats()
    assert auth.login(ADMIN).status_code == 302
    return client


def counts(client) -> str:
    """The admin page's count line, say ``"2 in all: admin 1, user 1."``."""
    page = client.get("/admin/").text
    found = re.search(r"\d+ in all:[^.]*\.", " ".join(page.split()))
    assert found, page
    return found[0]


def test_the_home_page_counts_nobody(client, make_user):
    """The home page shows no member count, so it needs no query for one."""
    make_user()
    assert "in all" not in client.get("/").text
    assert "member" not in client.get("/").text


def test_admin_page_shows_the_member_count(admin, make_user):
    assert counts(admin) == "1 in all: admin 1, user 0."
    make_user()
    invalidate_user_stats()
    assert counts(admin) == "2 in all: admin 1, user 1."


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


def test_registering_invalidates_the_counts(admin, auth):
    assert counts(admin) == "1 in all: admin 1, user 0."  # now cached
    auth.logout()
    data = {"email": "new@example.com", "password": PASSWORD, "confirm": PASSWORD}
    assert admin.post("/auth/register", data=data).status_code == 302
    auth.logout()
    auth.login(ADMIN)
    assert counts(admin) == "2 in all: admin 1, user 1."


def test_role_change_invalidates_the_admin_counts(admin, make_user):
    other = make_user("someone@example.com")
    invalidate_user_stats()
    assert counts(admin) == "2 in all: admin 1, user 1."
    admin.post(f"/admin/users/{other.id}/role", data={"role": "admin"})
    assert counts(admin) == "2 in all: admin 2, user 0."


def test_create_admin_invalidates_the_counts(admin, runner):
    assert counts(admin) == "1 in all: admin 1, user 0."
    args = ["create-admin", "--email", "boss@example.com", "--password", "correct horse battery"]
    assert runner.invoke(args=args).exit_code == 0
    assert counts(admin) == "2 in all: admin 2, user 0."


@pytest.mark.parametrize("failing", [("get",), ("set", "delete")])
def test_a_failing_cache_is_bypassed(admin, make_user, monkeypatch, caplog, failing):
    def broken(*args, **kwargs):
        raise ConnectionError("cache server down")

    for method in failing:
        monkeypatch.setattr(cache, method, broken)
    make_user()
    with caplog.at_level(logging.WARNING):
        invalidate_user_stats()
        assert counts(admin) == "2 in all: admin 1, user 1."
    assert "cache unavailable" in caplog.text

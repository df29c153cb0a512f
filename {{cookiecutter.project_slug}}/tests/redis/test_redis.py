"""Redis, on the real server at TEST_REDIS_URL: the cache lives there, readiness pings it, and
the site keeps working when it is down."""

import pytest
from redis import Redis

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.config import ConfigError
from {{ cookiecutter.package_name }}.extensions import cache
from {{ cookiecutter.package_name }}.redis import redis_client
from {{ cookiecutter.package_name }}.stats import USER_STATS_KEY, user_stats

from ..conftest import TEST_REDIS_URL, closed_port

REDIS_DOWN = {"REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0", "REDIS_TIMEOUT": 0.5}


def test_client_is_built_from_config_with_timeouts(app):
    client = redis_client.client
    assert isinstance(client, Redis)
    kwargs = client.connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == app.config["REDIS_TIMEOUT"]
    assert kwargs["socket_connect_timeout"] == app.config["REDIS_TIMEOUT"]
    assert client.ping() is True


def test_cache_entries_live_in_redis_under_the_prefix(app, client):
    client.get("/")
    key = f"{app.config['CACHE_KEY_PREFIX']}{USER_STATS_KEY}"
    with Redis.from_url(TEST_REDIS_URL) as direct:
        assert direct.exists(key) == 1
        assert 0 < direct.ttl(key) <= app.config["CACHE_DEFAULT_TIMEOUT"]
    assert cache.get(USER_STATS_KEY) == user_stats()


def test_ready_pings_redis(client):
    response = client.get("/health/ready")
    assert response.json["checks"]["redis"]["status"] == "ok"


@pytest.mark.parametrize("app", [REDIS_DOWN], indirect=True)
def test_redis_down_pages_render_and_ready_is_503(client, auth, make_user):
    make_user()
    response = client.get("/")
    assert response.status_code == 200
    assert "1 member so far." in response.text
    assert auth.login().status_code == 302
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json["checks"]["redis"]["status"] == "fail"
    assert set(response.json["checks"]["redis"]) == {"status", "duration_ms"}
    assert response.json["checks"]["database"]["status"] == "ok"


def test_redis_url_comes_from_the_environment_and_feeds_the_cache(monkeypatch):
    app = create_app("development")
    assert app.config["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6380/2")
    app = create_app("development")
    assert app.config["REDIS_URL"] == "redis://cache.internal:6380/2"
    assert app.config["CACHE_REDIS_URL"] == "redis://cache.internal:6380/2"
    assert app.config["CACHE_OPTIONS"]["socket_connect_timeout"] == app.config["REDIS_TIMEOUT"]
    app = create_app("development", CACHE_REDIS_URL="redis://other:6379/5")
    assert app.config["CACHE_REDIS_URL"] == "redis://other:6379/5"


def test_unusable_redis_url_is_refused_in_one_line(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "http://not-redis")
    with pytest.raises(ConfigError, match=r"^REDIS_URL cannot be used: "):
        create_app("development")

"""Redis, on the real server at TEST_REDIS_URL: the cache lives there, readiness pings it, and
the site keeps working when it is down."""

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.config import ConfigError
from {{ cookiecutter.package_name }}.extensions import cache, db
from {{ cookiecutter.package_name }}.redis import redis_client
from {{ cookiecutter.package_name }}.stats import USER_STATS_KEY, user_stats

from ..conftest import TEST_REDIS_URL, answer_within, closed_port

REDIS_DOWN = {"REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0", "REDIS_TIMEOUT": 0.5}


def test_client_is_built_from_config_with_timeouts(app):
    client = redis_client.client
    assert isinstance(client, Redis)
    kwargs = client.connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == app.config["REDIS_TIMEOUT"]
    assert kwargs["socket_connect_timeout"] == app.config["REDIS_TIMEOUT"]
    assert client.ping() is True


def test_cache_entries_live_in_redis_under_the_prefix(app):
    user_stats()
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
    make_user(role="admin")
    assert client.get("/").status_code == 200
    assert auth.login().status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "1 in all: admin 1, user 0." in " ".join(response.text.split())
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


@pytest.fixture
def hung_redis_url() -> Iterator[str]:
    """A private redis-server on a free port, then frozen with SIGSTOP: the kernel still
    accepts connections, but nothing ever answers (the shared server is never touched)."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed: the hung-server test starts its own")
    port = closed_port()
    command = [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    # redis-server from PATH with fixed arguments: nothing untrusted reaches the command.
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
    url = f"redis://127.0.0.1:{port}/0"
    try:
        with Redis.from_url(url, socket_timeout=1) as probe:
            for _ in range(50):
                try:
                    probe.ping()
                    break
                except RedisError:
                    time.sleep(0.1)
        server.send_signal(signal.SIGSTOP)
        yield url
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)


def test_a_hung_redis_gives_503_on_ready_and_pages_still_render(
    make_app, database_url, hung_redis_url
):
    app = make_app(
        SQLALCHEMY_DATABASE_URI=database_url,
        REDIS_URL=hung_redis_url,
        CACHE_REDIS_URL=hung_redis_url,
        REDIS_TIMEOUT=0.5,
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    # Bounded by REDIS_TIMEOUT per call; the limit here only tells a hang from an answer.
    ready = answer_within(10, lambda: client.get("/health/ready"))
    assert ready.status_code == 503
    assert ready.json["checks"]["redis"]["status"] == "fail"
    home = answer_within(10, lambda: client.get("/"))
    assert home.status_code == 200


def test_a_redis_error_in_a_view_is_a_503(make_app):
    app = make_app()

    def uses_redis() -> str:
        raise RedisConnectionError("Connection refused")

    app.add_url_rule("/needs-redis", view_func=uses_redis)
    response = app.test_client().get("/needs-redis")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"

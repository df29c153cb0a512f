"""The MongoDB activity feed.

Tests marked ``requires_mongodb`` use a real server (``MONGODB_URI``); there is none on some
machines, and they are then reported as skipped with that reason. Everything else (config, CLI
wiring, MongoDB being down) needs no server: it points the app at a closed port. The
``test_unit_`` tests check the feed's query itself (owner filter, order, paging) as a plain
value; they stand beside the server tests, not for them.
"""

import logging
import socket

import pytest
from pymongo import DESCENDING, MongoClient

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.activity import mongo
from {{ cookiecutter.package_name }}.activity.feed import (
    FEED_LENGTH,
    INDEXES,
    feed_query,
    recent_events,
    record_event,
)
from {{ cookiecutter.package_name }}.config import ConfigError

from ..conftest import PASSWORD, answer_within, closed_port, requires_mongodb

MONGODB_DOWN = {
    "MONGODB_URI": f"mongodb://127.0.0.1:{closed_port()}/feed",
    "MONGODB_TIMEOUT_MS": 100,
}
down = pytest.mark.parametrize("app", [MONGODB_DOWN], indirect=True)


@down
def test_client_is_lazy_and_built_from_config(app):
    client = mongo.client
    assert isinstance(client, MongoClient)
    assert client.options.server_selection_timeout == 0.1
    assert client.options.pool_options.connect_timeout == 0.1
    assert client.options.pool_options.socket_timeout == 0.1
    assert mongo.db.name == "feed"


def test_activity_page_needs_login(client):
    response = client.get("/activity/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_record_event_refuses_unknown_kinds(app, make_user):
    with pytest.raises(ValueError, match="unknown activity kind 'dance'"):
        record_event(make_user(), "dance")


def test_mongo_init_command_is_registered(app):
    assert "mongo-init" in app.cli.list_commands(app.app_context())


@down
def test_mongodb_down_sign_in_still_works_and_is_logged(client, auth, make_user, caplog):
    make_user()
    with caplog.at_level(logging.WARNING):
        assert auth.login().status_code == 302
        assert "Log out" in client.get("/").text
        assert auth.logout().status_code == 302
        data = {"email": "new@example.com", "password": PASSWORD, "confirm": PASSWORD}
        assert client.post("/auth/register", data=data).status_code == 302
    assert "activity feed unavailable, login of user" in caplog.text
    assert "activity feed unavailable, register of user" in caplog.text


@down
def test_mongodb_down_feed_page_renders_a_notice_with_503(client, auth, make_user):
    make_user()
    auth.login()
    response = client.get("/activity/")
    assert response.status_code == 503
    assert "The activity feed is unavailable right now." in response.text
    assert 'href="/activity/"' in response.text


@down
def test_mongodb_down_ready_is_503(client):
    response = client.get("/health/ready")
    assert response.status_code == 503
    check = response.json["checks"]["mongodb"]
    assert check["status"] == "fail"
    assert "error" not in check
    assert response.json["checks"]["database"]["status"] == "ok"


def test_a_mongodb_that_never_answers_gives_503_on_ready_and_pages_still_render(make_app):
    with socket.socket() as silent:  # accepts connections, never answers a byte
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        app = make_app(
            MONGODB_URI=f"mongodb://127.0.0.1:{silent.getsockname()[1]}/feed",
            MONGODB_TIMEOUT_MS=500,
        )
        client = app.test_client()
        ready = answer_within(10, lambda: client.get("/health/ready"))
        assert ready.status_code == 503
        assert ready.json["checks"]["mongodb"]["status"] == "fail"
        assert answer_within(10, lambda: client.get("/auth/login")).status_code == 200


@down
def test_mongodb_down_mongo_init_fails_in_one_line(runner):
    result = runner.invoke(args=["mongo-init"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot reach MongoDB: ")
    assert result.output.count("\n") == 1


def test_logout_when_anonymous_records_nothing(client, caplog):
    with caplog.at_level(logging.WARNING):
        assert client.post("/auth/logout").status_code == 302
    assert "activity feed" not in caplog.text


@requires_mongodb
def test_feed_shows_own_events_newest_first(client, auth, make_user):
    data = {"email": "new@example.com", "password": PASSWORD, "confirm": PASSWORD}
    client.post("/auth/register", data=data)  # then the login page: no session yet
    auth.login("new@example.com")
    auth.logout()
    auth.login("new@example.com")
    page = client.get("/activity/")
    assert page.status_code == 200
    assert page.text.count("<td>login</td>") == 2
    assert page.text.index("<td>login</td>") < page.text.index("<td>logout</td>")
    assert page.text.index("<td>logout</td>") < page.text.index("<td>register</td>")

    make_user("other@example.com")
    auth.logout()
    auth.login("other@example.com")
    page = client.get("/activity/")
    assert page.text.count("<td>login</td>") == 1
    assert "<td>register</td>" not in page.text


@requires_mongodb
def test_recent_events_are_documents_of_the_user(app, make_user):
    user = make_user()
    assert recent_events(user.id) == []
    assert record_event(user, "login")
    (event,) = recent_events(user.id)
    assert event["kind"] == "login"
    assert event["user_id"] == user.id
    assert event["at"].tzinfo is not None


@requires_mongodb
def test_new_user_sees_an_empty_feed(client, auth, make_user):
    make_user()
    auth.login()
    mongo.db.drop_collection("activity")
    assert "No activity yet." in client.get("/activity/").text


@requires_mongodb
def test_mongo_init_creates_indexes_idempotently(runner):
    for _ in range(2):
        result = runner.invoke(args=["mongo-init"])
        assert result.exit_code == 0, result.output
        assert "MongoDB indexes ready: user_at." in result.output
    names = mongo.db["activity"].index_information().keys()
    assert {index.document["name"] for index in INDEXES} <= names


@requires_mongodb
def test_ready_pings_mongodb(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json["checks"]["mongodb"]["status"] == "ok"


def test_mongodb_uri_comes_from_the_environment(monkeypatch):
    app = create_app("development")
    assert app.config["MONGODB_URI"] == "mongodb://127.0.0.1:27017/{{ cookiecutter.package_name }}"
    monkeypatch.setenv("MONGODB_URI", "mongodb://db.internal:27018/feed")
    assert create_app("development").config["MONGODB_URI"] == "mongodb://db.internal:27018/feed"


@pytest.mark.parametrize("uri", ["http://not-mongo", "mongodb://127.0.0.1:27017/"])
def test_unusable_mongodb_uri_is_refused_in_one_line(monkeypatch, uri):
    monkeypatch.setenv("MONGODB_URI", uri)
    with pytest.raises(ConfigError, match=r"^MONGODB_URI cannot be used: "):
        create_app("development")


# Unit tests of the feed's query, without a server: who sees what, in which order, how many.


def test_unit_the_feed_query_reads_only_the_users_own_events():
    query = feed_query(42)
    assert query["filter"] == {"user_id": 42}
    assert feed_query(7)["filter"] == {"user_id": 7}


def test_unit_the_feed_query_is_newest_first_and_paged():
    query = feed_query(42)
    assert query["sort"] == [("at", DESCENDING), ("_id", DESCENDING)]
    assert query["limit"] == FEED_LENGTH == 20
    assert feed_query(42, limit=5)["limit"] == 5
    assert query["projection"] == {"_id": False}
    # The sort matches the index the page reads by (flask mongo-init), after its user_id.
    (index,) = INDEXES
    assert list(index.document["key"].items())[1:] == query["sort"]


@pytest.mark.parametrize("limit", [0, -1])
def test_unit_the_feed_query_refuses_a_limit_mongodb_would_read_as_none(limit):
    with pytest.raises(ValueError, match="at least 1"):
        feed_query(42, limit=limit)

"""``/api/v1/notes``: CRUD of one's own notes, filtering, pagination and validation."""

import json

import pytest

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import Note

from .conftest import assert_error

URL = "/api/v1/notes"


@pytest.fixture
def owner(make_user):
    return make_user("owner@example.com")


@pytest.fixture
def headers(api, owner):
    return api.headers(owner)


def add_notes(owner, *titles):
    notes = [Note(owner=owner, title=title) for title in titles]
    db.session.add_all(notes)
    db.session.commit()
    return notes


def test_create_read_update_delete(client, headers):
    response = client.post(URL, json={"title": "Shopping", "body": "milk"}, headers=headers)
    assert response.status_code == 201
    note = response.get_json()
    assert note["title"] == "Shopping"
    assert note["body"] == "milk"
    assert {"id", "created_at", "updated_at"} <= set(note)
    item = f"{URL}/{note['id']}"

    assert client.get(item, headers=headers).get_json() == note

    response = client.patch(item, json={"body": "milk, eggs"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["body"] == "milk, eggs"
    assert response.get_json()["title"] == "Shopping"

    assert client.delete(item, headers=headers).status_code == 204
    assert_error(client.get(item, headers=headers), 404, "Not Found")


def test_body_defaults_to_empty(client, headers):
    response = client.post(URL, json={"title": "Only a title"}, headers=headers)
    assert response.get_json()["body"] == ""


def test_another_users_note_is_404(client, api, make_user, owner):
    (note,) = add_notes(owner, "private")
    stranger = api.headers(make_user("stranger@example.com"))
    item = f"{URL}/{note.id}"
    assert assert_error(client.get(item, headers=stranger), 404, "Not Found")["message"] == (
        "Note not found."
    )
    assert_error(client.patch(item, json={"title": "x"}, headers=stranger), 404, "Not Found")
    assert_error(client.delete(item, headers=stranger), 404, "Not Found")
    assert client.get(URL, headers=stranger).get_json() == []
    assert db.session.get(Note, note.id).title == "private"


def test_huge_id_is_404(client, headers):
    assert_error(client.get(f"{URL}/{2**70}", headers=headers), 404, "Not Found")


def test_list_is_newest_first_and_filters_by_title(client, headers, owner):
    add_notes(owner, "Alpha plan", "beta", "ALPHA review", "50% done")
    titles = [n["title"] for n in client.get(URL, headers=headers).get_json()]
    assert titles == ["50% done", "ALPHA review", "beta", "Alpha plan"]
    found = client.get(URL, query_string={"title": "alpha"}, headers=headers).get_json()
    assert [n["title"] for n in found] == ["ALPHA review", "Alpha plan"]
    found = client.get(URL, query_string={"title": "%"}, headers=headers).get_json()
    assert [n["title"] for n in found] == ["50% done"]


def test_pagination(client, headers, owner):
    add_notes(owner, *(f"note {n}" for n in range(25)))
    response = client.get(URL, query_string={"page": 3, "page_size": 10}, headers=headers)
    assert response.status_code == 200
    assert len(response.get_json()) == 5
    meta = json.loads(response.headers["X-Pagination"])
    assert meta["total"] == 25
    assert meta["total_pages"] == 3
    assert meta["page"] == 3
    assert meta["previous_page"] == 2
    assert len(client.get(URL, headers=headers).get_json()) == 10
    far = client.get(URL, query_string={"page": 10**30}, headers=headers)
    assert far.status_code == 200
    assert far.get_json() == []


@pytest.mark.parametrize(
    "query",
    [{"page": 0}, {"page_size": 0}, {"page_size": 101}, {"page": "x"}, {"title": "t" * 201}],
)
def test_pagination_and_filter_bounds_are_422(client, headers, query):
    response = client.get(URL, query_string=query, headers=headers)
    body = assert_error(response, 422, "Unprocessable Entity")
    assert set(query) <= set(body["errors"]["query"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "title"),
        ({"body": "no title"}, "title"),
        ({"title": ""}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"title": 7}, "title"),
        ({"title": "ok", "body": "b" * 10_001}, "body"),
        ({"title": "ok", "body": None}, "body"),
        ({"title": "ok", "owner_id": 1}, "owner_id"),
        ({"title": "ok", "id": 5}, "id"),
    ],
)
def test_bad_bodies_are_422(client, headers, payload, field):
    response = client.post(URL, json=payload, headers=headers)
    body = assert_error(response, 422, "Unprocessable Entity")
    assert field in body["errors"]["json"]


def test_longest_allowed_values_are_accepted(client, headers):
    payload = {"title": "t" * 200, "body": "b" * 10_000}
    assert client.post(URL, json=payload, headers=headers).status_code == 201


def test_bad_patch_is_422(client, headers, owner):
    (note,) = add_notes(owner, "keep")
    response = client.patch(f"{URL}/{note.id}", json={"title": ""}, headers=headers)
    assert_error(response, 422, "Unprocessable Entity")
    assert db.session.get(Note, note.id).title == "keep"


def test_web_user_and_api_user_are_the_same(client, auth, owner):
    assert auth.login("owner@example.com").status_code == 302
    response = client.post("/api/v1/auth/token", json={"email": owner.email, "password": "x"})
    assert response.status_code == 401

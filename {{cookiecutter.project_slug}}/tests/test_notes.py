"""The notes pages: each user's own notes, listed (paged, searched by title), written, edited
and deleted through forms with CSRF tokens and the model's limits."""

import re

import pytest

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Note, User

from .conftest import PASSWORD


def add_note(owner_email: str, title: str, body: str = "") -> Note:
    owner = db.session.scalar(db.select(User).filter_by(email=owner_email))
    assert owner is not None
    note = Note(owner=owner, title=title, body=body)
    db.session.add(note)
    db.session.commit()
    return note


def titles(page: str) -> list[str]:
    """The note titles a list page shows, in order."""
    return re.findall(r'<h2 class="h5 mb-1 text-break">([^<]*)</h2>', page)


@pytest.fixture
def user(make_user, auth):
    make_user()
    auth.login()
    return "user@example.com"


@pytest.mark.parametrize("path", ["/notes/", "/notes/new", "/notes/1/edit"])
def test_the_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_a_new_user_is_offered_the_first_note(client, user):
    page = client.get("/notes/").text
    assert "You have no notes yet." in page
    assert 'href="/notes/new"' in page


def test_a_note_is_written_and_listed(client, user):
    response = client.post("/notes/new", data={"title": "  Groceries ", "body": "eggs\nmilk"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/notes/"
    page = client.get("/notes/").text
    assert "Note saved." in page
    assert titles(page) == ["Groceries"]
    note = db.session.scalar(db.select(Note))
    assert (note.title, note.body, note.owner.email) == ("Groceries", "eggs\nmilk", user)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "", "body": "x"}, "This field is required."),
        ({"title": "   ", "body": "x"}, "This field is required."),
        ({"title": "t" * (TITLE_MAX_LENGTH + 1)}, f"longer than {TITLE_MAX_LENGTH} characters"),
        ({"title": "t", "body": "b" * (BODY_MAX_LENGTH + 1)}, "longer than"),
    ],
)
def test_a_bad_note_is_refused_with_the_reason_and_keeps_the_input(client, user, fields, message):
    response = client.post("/notes/new", data=fields)
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Note)) == 0


def test_a_note_is_edited(client, user):
    note = add_note(user, "Draft", "first")
    form = client.get(f"/notes/{note.id}/edit").text
    assert 'value="Draft"' in form
    assert "first</textarea>" in form
    response = client.post(f"/notes/{note.id}/edit", data={"title": "Final", "body": "second"})
    assert response.status_code == 302
    db.session.refresh(note)
    assert (note.title, note.body) == ("Final", "second")
    bad = client.post(f"/notes/{note.id}/edit", data={"title": "", "body": "third"})
    assert bad.status_code == 400
    db.session.refresh(note)
    assert note.body == "second"


def test_a_note_is_deleted(client, user):
    note = add_note(user, "Old")
    response = client.post(f"/notes/{note.id}/delete")
    assert response.status_code == 302
    assert db.session.get(Note, note.id) is None
    assert "Note deleted." in client.get("/notes/").text


def test_deleting_asks_first(client, user):
    note = add_note(user, "Kept", "the text")
    page = client.get(f"/notes/{note.id}/delete")
    assert page.status_code == 200
    assert "Delete the note?" in page.text
    assert "Kept" in page.text and "the text" in page.text
    assert db.session.get(Note, note.id) is not None


def test_another_users_note_is_not_found(client, user, make_user):
    make_user("other@example.com")
    theirs = add_note("other@example.com", "Private", "secret")
    assert "Private" not in client.get("/notes/").text
    assert client.get(f"/notes/{theirs.id}/edit").status_code == 404
    assert client.get(f"/notes/{theirs.id}/delete").status_code == 404
    assert client.post(f"/notes/{theirs.id}/edit", data={"title": "Mine"}).status_code == 404
    assert client.post(f"/notes/{theirs.id}/delete").status_code == 404
    db.session.refresh(theirs)
    assert (theirs.title, theirs.body) == ("Private", "secret")


@pytest.mark.parametrize("note_id", ["999", str(2**31), str(10**30)])
def test_an_unknown_or_impossible_id_is_not_found(client, user, note_id):
    assert client.get(f"/notes/{note_id}/edit").status_code == 404
    assert client.get(f"/notes/{note_id}/delete").status_code == 404
    assert client.post(f"/notes/{note_id}/delete").status_code == 404


def test_the_list_is_searched_by_title_in_any_case(client, user):
    for title in ("Shopping list", "Reading LIST", "Ideas", "100% done", "1000 done"):
        add_note(user, title)
    assert titles(client.get("/notes/?q=list").text) == ["Reading LIST", "Shopping list"]
    # % and _ are matched as themselves, not as SQL LIKE wildcards.
    assert titles(client.get("/notes/?q=0%25").text) == ["100% done"]
    page = client.get("/notes/?q=nothing").text
    assert 'No note has "nothing" in its title.' in page


def test_the_list_is_paged(app, client, user):
    app.config["PER_PAGE"] = 2
    for number in range(5):
        add_note(user, f"Note {number}")
    first = client.get("/notes/").text
    assert titles(first) == ["Note 4", "Note 3"]
    assert 'href="/notes/?page=2"' in first
    assert titles(client.get("/notes/?page=3").text) == ["Note 0"]
    # A search keeps its terms from page to page.
    assert 'href="/notes/?q=Note&amp;page=2"' in client.get("/notes/?q=Note").text


@pytest.mark.parametrize("page", ["0", "-1", "4", "100001", str(10**30)])
def test_a_page_outside_the_list_is_not_found(app, client, user, page):
    app.config["PER_PAGE"] = 2
    for number in range(5):
        add_note(user, f"Note {number}")
    response = client.get(f"/notes/?page={page}")
    assert response.status_code == 404
    assert "There is no such page." in response.text or "Not Found" in response.text


def test_a_page_that_is_not_a_number_is_the_first(client, user):
    add_note(user, "Only")
    assert titles(client.get("/notes/?page=abc").text) == ["Only"]


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_the_forms_need_the_csrf_token(client, make_user):
    make_user()
    login_page = client.get("/auth/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    assert token is not None
    client.post(
        "/auth/login",
        data={"email": "user@example.com", "password": PASSWORD, "csrf_token": token[1]},
    )
    assert client.post("/notes/new", data={"title": "Forged"}).status_code == 400
    form = client.get("/notes/new").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert token is not None
    saved = client.post("/notes/new", data={"title": "Mine", "csrf_token": token[1]})
    assert saved.status_code == 302
    note = db.session.scalar(db.select(Note))
    assert note.title == "Mine"
    assert client.post(f"/notes/{note.id}/delete").status_code == 400
    assert db.session.get(Note, note.id) is not None

"""The account e-mails, end to end: each test sends real SMTP to the suite's SMTP server
(``outbox``), reads the message, follows its link and checks the rule.

Rules: a confirmation link on registration; the same answer for known and unknown addresses
(register, reset, new confirmation link); reset links that expire, work once and die when the
password changes; refused links get a 400 page, never a 500; rate limits per address and per
client; a mail server that is down costs the mail, never the request.
"""

import logging
import re
import time

import pytest
from itsdangerous import TimestampSigner

from {{ cookiecutter.package_name }}.auth.links import make_token, serializer
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User

from .conftest import PASSWORD, closed_port

NEW_PASSWORD = "staple orbit velvet"


def register(client, email="new@example.com", password=PASSWORD):
    return client.post(
        "/auth/register", data={"email": email, "password": password, "confirm": password}
    )


def flashes(client) -> list[str]:
    """The flash messages waiting in ``client``'s session."""
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def issued_ago(monkeypatch, seconds: int) -> None:
    """Make itsdangerous date the tokens made from now on ``seconds`` in the past."""
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now - seconds)


def status_of(app, client, path: str) -> int:
    """``GET path``'s status in an app context of its own, as every real request has: the
    test's context would hand Flask-Login the user it cached on ``g`` in an earlier request."""
    with app.app_context():
        return client.get(path).status_code


def ask_reset(client, email="user@example.com"):
    return client.post("/auth/reset-password", data={"email": email})


# Registration and confirmation


def test_registration_sends_a_confirmation_link_that_confirms(client, outbox):
    response = register(client, email="New@Example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    user = User.find_by_email("new@example.com")
    assert user is not None and not user.email_confirmed

    [message] = outbox.to("new@example.com")
    assert message["Subject"].endswith("Confirm your email address")
    assert message["From"] == "no-reply@localhost"
    html = message.get_body(("html",)).get_content()
    link = outbox.link("new@example.com")
    assert link.startswith("/auth/confirm/") and link in html

    confirmed = client.get(link)
    assert confirmed.status_code == 302
    assert "is confirmed" in flashes(client)[-1]
    db.session.refresh(user)
    assert user.email_confirmed
    # The link again: harmless, and says so.
    client.get(link)
    assert "already confirmed" in flashes(client)[-1]


def test_registering_a_taken_address_answers_the_same_and_mails_the_owner(
    client, app, make_user, outbox
):
    owner = make_user("taken@example.com")
    hash_before = owner.password_hash

    new = register(client, email="fresh@example.com")
    new_flash = flashes(client)[-1].replace("fresh@example.com", "ADDRESS")
    taken = app.test_client()
    again = register(taken, email="TAKEN@example.com", password="another good passphrase")
    taken_flash = flashes(taken)[-1].replace("taken@example.com", "ADDRESS")

    assert (again.status_code, again.headers["Location"]) == (
        new.status_code,
        new.headers["Location"],
    )
    assert taken_flash == new_flash
    [message] = outbox.to("taken@example.com")
    assert "already have an account" in message["Subject"]
    assert "/auth/reset-password" in outbox.text(message)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 2
    db.session.refresh(owner)
    assert owner.password_hash == hash_before


def test_unconfirmed_users_log_in_with_a_notice_by_default(client, auth, make_user):
    make_user(confirmed=False)
    assert auth.login().status_code == 302
    page = client.get("/").text
    assert "Please confirm user@example.com" in page


@pytest.mark.parametrize("app", [{"ALLOW_UNCONFIRMED_LOGIN": False}], indirect=True)
def test_unconfirmed_users_cannot_log_in_when_the_setting_is_off(client, auth, make_user, outbox):
    make_user(confirmed=False)
    response = auth.login()
    assert response.headers["Location"] == "/auth/confirm"
    assert "Confirm your email address first" in flashes(client)[-1]
    assert "Log in" in client.get("/").text  # still anonymous

    client.post("/auth/confirm", data={"email": "user@example.com"})
    client.get(outbox.link("user@example.com"))
    assert auth.login().headers["Location"] == "/"
    assert "Log out" in client.get("/").text


def test_a_new_confirmation_link_goes_only_to_unconfirmed_accounts(client, make_user, outbox):
    make_user("waiting@example.com", confirmed=False)
    make_user("done@example.com")
    answers = []
    for address in ("waiting@example.com", "done@example.com", "nobody@example.com"):
        response = client.post("/auth/confirm", data={"email": address})
        answers.append((response.status_code, flashes(client)[-1].replace(address, "ADDRESS")))
    assert len(set(answers)) == 1
    assert [message["To"] for message in outbox.messages] == ["waiting@example.com"]


def test_a_confirmation_link_dies_when_the_address_changes(client, make_user, outbox):
    user = make_user("old@example.com", confirmed=False)
    client.post("/auth/confirm", data={"email": "old@example.com"})
    link = outbox.link("old@example.com")
    user.email = "other@example.com"
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 400
    assert "cannot be used" in response.text
    db.session.refresh(user)
    assert not user.email_confirmed


def test_an_expired_confirmation_link_is_refused_with_a_way_forward(
    client, make_user, outbox, monkeypatch, app
):
    make_user(confirmed=False)
    issued_ago(monkeypatch, app.config["EMAIL_CONFIRM_MAX_AGE"] + 1)
    client.post("/auth/confirm", data={"email": "user@example.com"})
    monkeypatch.undo()
    response = client.get(outbox.link("user@example.com"))
    assert response.status_code == 400
    assert "too old" in response.text
    assert "was not copied whole" not in response.text
    assert 'href="/auth/confirm"' in response.text


# Password reset


def test_the_reset_flow_sets_a_new_password_once(app, client, auth, make_user, outbox):
    make_user()
    # Another device, logged in before the reset.
    other = app.test_client()
    other.post("/auth/login", data={"email": "user@example.com", "password": PASSWORD})
    assert status_of(app, other, "/account/") == 200

    response = ask_reset(client)
    assert response.headers["Location"] == "/auth/login"
    [message] = outbox.to("user@example.com")
    assert "60 minutes" in outbox.text(message)
    link = outbox.link("user@example.com")
    assert re.fullmatch(r"/auth/reset-password/[\w.-]+", link)

    form = client.get(link)
    assert form.status_code == 200
    assert form.headers["Cache-Control"] == "no-store"
    for name in ("password", "confirm", "csrf_token"):
        assert f'name="{name}"' in form.text
    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.headers["Location"] == "/auth/login"

    assert auth.login(password=PASSWORD).status_code == 401
    assert auth.login(password=NEW_PASSWORD).status_code == 302
    # Every other session ended.
    assert status_of(app, other, "/account/") == 302
    # The link worked once.
    again = client.post(link, data={"password": PASSWORD, "confirm": PASSWORD})
    assert again.status_code == 400
    assert "cannot be used" in again.text
    # The owner is told.
    assert outbox.to("user@example.com")[-1]["Subject"].endswith("Your password was changed")


def test_a_reset_link_confirms_the_address(client, make_user, outbox):
    user = make_user(confirmed=False)
    ask_reset(client)
    client.post(
        outbox.link("user@example.com"), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    db.session.refresh(user)
    assert user.email_confirmed


def test_a_reset_request_answers_the_same_for_unknown_addresses(client, app, make_user, outbox):
    make_user()
    known = ask_reset(client, "user@example.com")
    known_flash = flashes(client)[-1].replace("user@example.com", "ADDRESS")
    other = app.test_client()
    unknown = ask_reset(other, "nobody@example.com")
    unknown_flash = flashes(other)[-1].replace("nobody@example.com", "ADDRESS")
    assert (known.status_code, known.headers["Location"], known_flash) == (
        unknown.status_code,
        unknown.headers["Location"],
        unknown_flash,
    )
    assert [message["To"] for message in outbox.messages] == ["user@example.com"]


def test_a_reset_link_dies_when_the_password_changes_otherwise(client, auth, make_user, outbox):
    user = make_user()
    ask_reset(client)
    link = outbox.link("user@example.com")
    user.set_password(NEW_PASSWORD)
    db.session.commit()
    assert client.get(link).status_code == 400


def test_an_expired_reset_link_is_refused(client, app, make_user, outbox, monkeypatch):
    make_user()
    issued_ago(monkeypatch, app.config["PASSWORD_RESET_MAX_AGE"] + 1)
    ask_reset(client)
    monkeypatch.undo()
    link = outbox.link("user@example.com")
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert "too old" in response.text
    assert 'href="/auth/reset-password"' in response.text
    assert auth_works(client, PASSWORD)


def auth_works(client, password: str) -> bool:
    response = client.post("/auth/login", data={"email": "user@example.com", "password": password})
    return response.status_code == 302


def test_a_reset_link_still_inside_its_lifetime_works(client, app, make_user, outbox, monkeypatch):
    make_user()
    issued_ago(monkeypatch, app.config["PASSWORD_RESET_MAX_AGE"] - 60)
    ask_reset(client)
    monkeypatch.undo()
    assert client.get(outbox.link("user@example.com")).status_code == 200


def test_tampered_and_foreign_tokens_are_refused(client, make_user, outbox):
    make_user(confirmed=False)
    ask_reset(client)
    reset = outbox.link("user@example.com").rsplit("/", 1)[1]
    client.post("/auth/confirm", data={"email": "user@example.com"})
    confirm = outbox.link("user@example.com").rsplit("/", 1)[1]
    payload, _, signature = reset.rpartition(".")
    # The first character: the last one of base64 also holds padding bits, and two
    # spellings of it can decode to the same signature.
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    for token in (
        f"{payload}.{flipped}",  # signature changed
        reset[:-4],  # cut short
        confirm,  # a confirmation token at the reset address
        "not-a-token",
        "a" * 2000,
    ):
        response = client.get(f"/auth/reset-password/{token}")
        assert response.status_code == 400, token
        assert "cannot be used" in response.text
        assert "was not copied whole" in response.text
        assert "too old" not in response.text
    # A reset token cannot confirm an address either.
    assert client.get(f"/auth/confirm/{reset}").status_code == 400


def test_a_token_signed_with_another_key_is_refused(app, make_app, client, make_user, outbox):
    user = make_user()
    assert user.password_fingerprint  # loaded here, in the suite's app
    other = make_app(SECRET_KEY="another-key-of-at-least-32-characters")
    with other.test_request_context():
        forged = make_token("reset", user)
    with app.test_request_context():
        genuine = make_token("reset", user)
    assert client.get(f"/auth/reset-password/{forged}").status_code == 400
    assert client.get(f"/auth/reset-password/{genuine}").status_code == 200


def test_the_new_password_follows_the_password_rule(client, make_user, outbox):
    make_user()
    ask_reset(client)
    link = outbox.link("user@example.com")
    response = client.post(link, data={"password": "password123", "confirm": "password123"})
    assert response.status_code == 400
    assert "too easy to guess" in response.text
    assert client.get(link).status_code == 200  # the link still works


# Rate limits


@pytest.mark.parametrize("app", [{"MAIL_LIMITS": {"address": 2, "client": 4}}], indirect=True)
def test_an_address_gets_a_limited_number_of_mails_and_the_answer_stays_the_same(
    app, client, make_user, outbox
):
    make_user()
    answers = set()
    for _ in range(3):
        response = ask_reset(app.test_client())
        answers.add((response.status_code, response.headers["Location"]))
    assert answers == {(302, "/auth/login")}
    assert len(outbox.to("user@example.com")) == 2


@pytest.mark.parametrize("app", [{"MAIL_LIMITS": {"address": 2, "client": 4}}], indirect=True)
def test_a_client_asking_for_too_many_mails_gets_429(client, make_user, outbox):
    for number in range(4):
        assert ask_reset(client, f"someone{number}@example.com").status_code == 302
    response = ask_reset(client, "another@example.com")
    assert response.status_code == 429
    # The window is an hour (MAIL_LIMIT_WINDOW) and began with this test's first e-mail.
    assert 3000 < int(response.headers["Retry-After"]) <= 3600
    assert (
        '<div class="alert alert-danger text-break" role="status">Too many e-mails asked for.'
        " Try again in 60 minutes.</div>"
    ) in response.text
    # Registration counts against the same client's confirmation e-mails.
    for number in range(4):
        assert register(client, f"new{number}@example.com").status_code == 302
    assert register(client, "one-more@example.com").status_code == 429
    assert User.find_by_email("one-more@example.com") is None


# Delivery failures


@pytest.mark.parametrize("app", [{"MAIL_PORT": closed_port()}], indirect=True)
def test_a_mail_server_that_is_down_is_logged_not_a_500(client, make_user, caplog):
    make_user()
    with caplog.at_level(logging.ERROR):
        assert ask_reset(client).status_code == 302
        assert register(client, "new@example.com").status_code == 302
    assert "not sent" in caplog.text
    assert "user@example.com" in caplog.text
    assert User.find_by_email("new@example.com") is not None


def test_without_a_mail_server_mail_is_written_to_the_instance_folder(
    make_app, database_url, tmp_path
):
    app = make_app(MAIL_SERVER=None, MAIL_BACKEND=None, SQLALCHEMY_DATABASE_URI=database_url)
    assert app.config["MAIL_BACKEND"] == "file"
    with app.test_request_context():
        from {{ cookiecutter.package_name }} import mail

        assert mail.send(
            mail.render("auth/email/changed", "a@example.com", "Test", what="password", reset="/r")
        )
    [written] = (tmp_path / "instance" / "mail").iterdir()
    assert written.name.endswith(".log")
    assert "To: a@example.com" in written.read_text()


# The account page


def test_the_account_page_needs_a_login_and_shows_the_account(client, auth, make_user):
    assert client.get("/account/").headers["Location"].startswith("/auth/login")
    make_user(role="admin")
    auth.login()
    page = client.get("/account/").text
    assert "user@example.com" in page
    assert "admin" in page
    for name in ("current_password", "password", "confirm", "email"):
        assert f'name="{name}"' in page


def test_changing_the_password_needs_the_current_one(app, client, auth, make_user, outbox):
    make_user()
    auth.login()
    other = app.test_client()
    other.post("/auth/login", data={"email": "user@example.com", "password": PASSWORD})
    data = {"current_password": "wrong one here", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = client.post("/account/password", data=data)
    assert response.status_code == 400
    assert "not your current password" in response.text

    data["current_password"] = PASSWORD
    assert client.post("/account/password", data=data).status_code == 302
    assert status_of(app, client, "/account/") == 200  # this session goes on
    assert status_of(app, other, "/account/") == 302  # the other one ended
    assert outbox.to("user@example.com")[-1]["Subject"].endswith("Your password was changed")
    client.post("/auth/logout")
    assert auth.login(password=NEW_PASSWORD).status_code == 302


def test_changing_the_email_goes_through_a_link_to_the_new_address(
    app, client, auth, make_user, outbox
):
    user = make_user("old@example.com")
    auth.login("old@example.com")
    response = client.post(
        "/account/email", data={"email": "New@Example.com", "current_password": PASSWORD}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "old@example.com"  # nothing changes before the link
    link = outbox.link("new@example.com")
    assert "old@example.com" in outbox.text(outbox.to("new@example.com")[-1])

    # The link works on another device, logged out.
    assert app.test_client().get(link).status_code == 302
    db.session.refresh(user)
    assert user.email == "new@example.com" and user.email_confirmed
    notice = outbox.to("old@example.com")[-1]
    assert notice["Subject"].endswith("Your email address was changed")
    assert "new@example.com" in outbox.text(notice)
    # Once only.
    assert client.get(link).status_code == 400
    assert auth.login("new@example.com").status_code == 302


def test_changing_to_a_taken_address_answers_the_same_and_changes_nothing(
    client, auth, make_user, outbox
):
    make_user("other@example.com")
    user = make_user("me@example.com")
    auth.login("me@example.com")
    taken = client.post(
        "/account/email", data={"email": "other@example.com", "current_password": PASSWORD}
    )
    taken_flash = flashes(client)[-1].replace("other@example.com", "ADDRESS")
    free = client.post(
        "/account/email", data={"email": "free@example.com", "current_password": PASSWORD}
    )
    free_flash = flashes(client)[-1].replace("free@example.com", "ADDRESS")
    assert (taken.status_code, taken_flash) == (free.status_code, free_flash)
    [message] = outbox.to("other@example.com")
    assert "tried to use your email address" in message["Subject"]
    assert "/account/email/" not in outbox.text(message)
    db.session.refresh(user)
    assert user.email == "me@example.com"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "me@example.com", "current_password": PASSWORD}, "already your email"),
        ({"email": "new@example.com", "current_password": "not it at all"}, "not your current"),
        ({"email": "not-an-address", "current_password": PASSWORD}, "Invalid email address."),
    ],
)
def test_a_bad_email_change_is_400_and_sends_nothing(
    client, auth, make_user, outbox, data, message
):
    make_user("me@example.com")
    auth.login("me@example.com")
    response = client.post("/account/email", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert outbox.messages == []


def test_a_change_link_dies_when_the_address_was_taken_meanwhile(client, auth, make_user, outbox):
    user = make_user("me@example.com")
    auth.login("me@example.com")
    client.post(
        "/account/email", data={"email": "wanted@example.com", "current_password": PASSWORD}
    )
    link = outbox.link("wanted@example.com")
    make_user("wanted@example.com")
    response = client.get(link)
    assert response.status_code == 302
    assert "belongs to another account" in flashes(client)[-1]
    db.session.refresh(user)
    assert user.email == "me@example.com"


def test_the_account_page_resends_the_confirmation(client, auth, make_user, outbox):
    make_user(confirmed=False)
    auth.login()
    assert "Send a new link" in client.get("/account/").text
    assert client.post("/account/confirm").status_code == 302
    client.get(outbox.link("user@example.com"))
    page = client.get("/account/").text
    assert "Send a new link" not in page
    assert "Yes, on" in page


def test_the_account_forms_need_the_csrf_token(app, client, auth, make_user, outbox):
    make_user()
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    forged = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/account/password", data=forged).status_code == 400
    forged = {"email": "evil@example.com", "current_password": PASSWORD}
    assert client.post("/account/email", data=forged).status_code == 400
    assert client.post("/account/confirm").status_code == 400
    assert (
        client.post("/auth/reset-password", data={"email": "user@example.com"}).status_code == 400
    )
    assert outbox.messages == []


def test_a_registration_racing_another_for_the_same_address_answers_the_same(
    client, make_user, outbox, monkeypatch
):
    make_user("racer@example.com")
    real_find = User.find_by_email
    calls: list[str] = []

    def find_late(email: str) -> User | None:
        # The first look misses the account, as when another request creates it meanwhile.
        calls.append(email)
        return None if len(calls) == 1 else real_find(email)

    monkeypatch.setattr(User, "find_by_email", staticmethod(find_late))
    response = register(client, email="racer@example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    [message] = outbox.to("racer@example.com")
    assert "already have an account" in message["Subject"]


def test_a_signed_token_of_the_wrong_shape_is_refused(app, client, make_user):
    make_user()
    with app.test_request_context():
        for payload in (["not", "a", "dict"], {"id": "1"}, {"password": "x"}):
            token = serializer("reset").dumps(payload)
            assert client.get(f"/auth/reset-password/{token}").status_code == 400


def test_a_confirmation_link_opened_while_logged_in_leads_to_the_account(
    client, auth, make_user, outbox
):
    make_user(confirmed=False)
    auth.login()
    client.post("/account/confirm")
    response = client.get(outbox.link("user@example.com"))
    assert response.headers["Location"] == "/account/"


def test_resending_to_a_confirmed_address_sends_nothing(client, auth, make_user, outbox):
    make_user()
    auth.login()
    assert client.post("/account/confirm").status_code == 302
    assert "already confirmed" in flashes(client)[-1]
    assert outbox.messages == []


@pytest.mark.parametrize("app", [{"MAIL_LIMITS": {"address": 1, "client": 1}}], indirect=True)
def test_the_account_page_answers_429_past_the_client_limit(client, auth, make_user, outbox):
    make_user(confirmed=False)
    auth.login()
    assert client.post("/account/confirm").status_code == 302
    response = client.post("/account/confirm")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Your account" in response.text
    data = {"email": "new@example.com", "current_password": PASSWORD}
    assert client.post("/account/email", data=data).status_code == 302
    assert client.post("/account/email", data=data).status_code == 429
    # The confirmation e-mails asked for on the account page count for /auth/confirm too.
    assert client.post("/auth/confirm", data={"email": "user@example.com"}).status_code == 429
    assert len(outbox.to("user@example.com")) == 1

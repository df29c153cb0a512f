"""Failed logins are throttled per account and client, in the database every worker shares."""

import time

import pytest

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import LoginFailure

from .conftest import PASSWORD


@pytest.fixture
def limits(app):
    """Small limits, so a test needs few attempts: 3 per account and client, 5 per client."""
    app.config["LOGIN_THROTTLE_LIMITS"] = {"account_client": 3, "client": 5, "account": 8}
    return app.config["LOGIN_THROTTLE_LIMITS"]


WRONG = "wrong password"


def login(client, email="user@example.com", password=WRONG, address="10.0.0.1"):
    """POST the login form from ``address``; ``password`` is a wrong one unless given."""
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_guesses_stop_at_the_limit_even_with_the_right_password(client, make_user, limits):
    make_user()
    assert [login(client).status_code for _ in range(3)] == [401, 401, 401]
    refused = login(client, password=PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed logins. Try again in 15 minutes." in refused.text


def test_the_account_owner_elsewhere_is_not_locked_out(client, make_user, limits):
    make_user()
    for _ in range(3):
        login(client, address="203.0.113.9")
    assert login(client, address="203.0.113.9", password=PASSWORD).status_code == 429
    assert login(client, address="198.51.100.7", password=PASSWORD).status_code == 302


def test_spraying_many_accounts_from_one_address_stops(client, limits):
    statuses = [login(client, email=f"u{n}@example.com").status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]


def test_guessing_one_account_from_many_addresses_stops(client, make_user, limits):
    make_user()
    statuses = [login(client, address=f"192.0.2.{n}").status_code for n in range(9)]
    assert statuses == [401] * 8 + [429]


def test_the_lock_lifts_when_the_failures_age_out(app, client, make_user, limits):
    make_user()
    for _ in range(3):
        login(client)
    assert login(client, password=PASSWORD).status_code == 429
    window = app.config["LOGIN_THROTTLE_WINDOW"]
    db.session.execute(db.update(LoginFailure).values(failed_at=time.time() - window - 1))
    db.session.commit()
    assert login(client, password=PASSWORD).status_code == 302


def test_a_failure_prunes_its_keys_aged_out_failures_only(app, client, limits):
    login(client, email="user@example.com", address="10.0.0.1")
    login(client, email="other@example.com", address="10.0.0.2")
    window = app.config["LOGIN_THROTTLE_WINDOW"]
    db.session.execute(db.update(LoginFailure).values(failed_at=time.time() - window - 1))
    db.session.commit()
    login(client, email="user@example.com", address="10.0.0.1")
    rows = db.session.execute(db.select(LoginFailure.key, LoginFailure.failed_at)).all()
    recent = {key for key, failed_at in rows if failed_at > time.time() - window}
    aged = {key for key, failed_at in rows if failed_at <= time.time() - window}
    assert recent == {
        "client:10.0.0.1",
        "account:user@example.com",
        "account:user@example.com|client:10.0.0.1",
    }
    # Another client's and another account's old failures wait for their own next failure.
    assert aged == {
        "client:10.0.0.2",
        "account:other@example.com",
        "account:other@example.com|client:10.0.0.2",
    }


def test_a_success_clears_the_accounts_failures_not_the_addresses(client, make_user, limits):
    make_user()
    login(client)
    login(client, email="other@example.com")
    assert login(client, password=PASSWORD).status_code == 302
    keys = set(db.session.scalars(db.select(LoginFailure.key)))
    assert keys == {
        "client:10.0.0.1",
        "account:other@example.com|client:10.0.0.1",
        "account:other@example.com",
    }


def test_a_failure_names_its_key():
    failure = LoginFailure(key="client:10.0.0.1", failed_at=0.0)
    assert repr(failure) == "<LoginFailure client:10.0.0.1>"

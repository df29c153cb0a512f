"""The password rule itself (``password_problem``), at its edges and word for word."""

import random
import string

import pytest
from zxcvbn import zxcvbn

from {{ cookiecutter.package_name }}.auth.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    password_problem,
)

#: zxcvbn scores this 2 (the lowest accepted score), and it is exactly the shortest length.
SHORTEST_STRONG = "xK9#mQ2v"
#: An uncommon word and a digit: strong on its own (zxcvbn score 4), weak for the account whose
#: address is made of it.
OWN_WORD = "zorbanquist7"


def long_password(length: int) -> str:
    """A password of random letters and digits, the same each run."""
    chosen = random.Random(length).choices(string.ascii_letters + string.digits, k=length)  # noqa: S311
    return "".join(chosen)


@pytest.mark.usefixtures("app")
def test_the_length_limits_are_inclusive():
    # Up to the longest length the estimator sees only the start (it raises past 72).
    assert len(SHORTEST_STRONG) == MIN_PASSWORD_LENGTH
    assert password_problem(SHORTEST_STRONG, "user@example.com") is None
    too_short = password_problem(SHORTEST_STRONG[:-1], "user@example.com")
    assert too_short == "Use at least 8 characters."
    assert password_problem(long_password(MAX_PASSWORD_LENGTH), "user@example.com") is None
    assert (
        password_problem(long_password(MAX_PASSWORD_LENGTH + 1), "user@example.com")
        == "Use at most 256 characters."
    )


@pytest.mark.usefixtures("app")
@pytest.mark.parametrize("password", ["zorbanquist", "ZORBANQUIST ", "zorbanquist@example.com"])
def test_the_address_or_its_local_part_is_refused(password):
    assert (
        password_problem(password, " Zorbanquist@Example.com")
        == "Do not use your email address as your password."
    )


@pytest.mark.usefixtures("app")
def test_the_address_counts_as_a_word_of_the_estimate():
    assert password_problem(OWN_WORD, "someone@example.com") is None
    assert password_problem(OWN_WORD, "zorbanquist@example.com") == (
        "This password is too easy to guess."
    )


@pytest.mark.usefixtures("app")
def test_a_weak_password_is_refused_with_the_estimators_warning():
    warning = zxcvbn("qwertyuiop")["feedback"]["warning"]
    assert warning
    assert password_problem("qwertyuiop", "user@example.com") == (
        f"This password is too easy to guess: {warning}"
    )


@pytest.mark.parametrize("app", [{"PASSWORD_MIN_SCORE": 3}], indirect=True)
def test_the_minimum_score_comes_from_the_config(app):
    assert password_problem(SHORTEST_STRONG, "user@example.com") == (
        "This password is too easy to guess."
    )

"""The password rule for new passwords (registration, ``flask create-admin``).

NIST SP 800-63B, 5.1.1.2: at least 8 characters, no composition rules, but refuse passwords
that are commonly used, expected, or derived from the account itself. The check is zxcvbn's
estimate (Dropbox's password strength estimator: dictionaries of common passwords, names and
words, keyboard patterns, dates, with the email as a word of its own), and a password must
score at least ``PASSWORD_MIN_SCORE`` of zxcvbn's 0 to 4 (2: about 10^8 guesses needed).
"""

from flask import current_app

#: Shortest password accepted, in characters (NIST SP 800-63B, 5.1.1.2).
MIN_PASSWORD_LENGTH = 8
#: Longest password accepted; bounds the hashing work one request can ask for.
MAX_PASSWORD_LENGTH = 256
#: zxcvbn estimates this many characters at most (its cost grows quickly with length, and it
#: raises ``ValueError`` past its ``max_length``); a longer password is judged by its start,
#: which it is at least as strong as.
ESTIMATE_LENGTH = 72


def password_problem(password: str, email: str) -> str | None:
    """Why ``password`` cannot be the password of the account ``email``, or ``None``.

    Returns:
        A sentence for the user, or ``None`` when the password is acceptable.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    address = email.strip().lower()
    local_part = address.partition("@")[0]
    if password.strip().lower() in {address, local_part}:
        return "Do not use your email address as your password."
    # Imported here, not at the top: loading zxcvbn's dictionaries takes about a quarter of a
    # second, which every web worker would pay at start for a check only new passwords need.
    from zxcvbn import zxcvbn

    estimate = zxcvbn(
        password[:ESTIMATE_LENGTH], user_inputs=[address, local_part], max_length=ESTIMATE_LENGTH
    )
    if estimate["score"] < int(current_app.config["PASSWORD_MIN_SCORE"]):
        warning = estimate["feedback"]["warning"]
        return "This password is too easy to guess" + (f": {warning}" if warning else ".")
    return None

"""Flask-WTF forms for the auth pages; each carries a CSRF token."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..models import User

#: Shortest password accepted at registration, in characters (NIST SP 800-63B, 5.1.1.2).
MIN_PASSWORD_LENGTH = 8
#: Longest password accepted; bounds the hashing work one request can ask for.
MAX_PASSWORD_LENGTH = 256


def strip(value: str | None) -> str | None:
    """WTForms filter: drop the spaces a pasted address often carries."""
    return value.strip() if value else value


class LoginForm(FlaskForm):
    """Fields ``email``, ``password``, ``remember_me`` (plus ``csrf_token``)."""

    email = EmailField("Email", filters=[strip], validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    remember_me = BooleanField("Remember me")
    submit = SubmitField("Log in")


class RegistrationForm(FlaskForm):
    """Fields ``email``, ``password``, ``confirm``; refuses an email that is already registered."""

    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
    )
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", "Passwords differ.")]
    )
    submit = SubmitField("Register")

    def validate_email(self, field: EmailField) -> None:
        """WTForms inline validator: the address must not belong to an existing user."""
        if User.find_by_email(field.data) is not None:
            raise ValidationError("This email is already registered.")

"""Flask-WTF forms for the auth pages; each carries a CSRF token."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..models import User
from .passwords import MAX_PASSWORD_LENGTH, password_problem


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
    password = PasswordField("Password", validators=[DataRequired()])
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", "Passwords differ.")]
    )
    submit = SubmitField("Register")

    def validate_password(self, field: PasswordField) -> None:
        """WTForms inline validator: the password rule of :mod:`.passwords`."""
        if problem := password_problem(field.data or "", self.email.data or ""):
            raise ValidationError(problem)

    def validate_email(self, field: EmailField) -> None:
        """WTForms inline validator: the address must not belong to an existing user."""
        if User.find_by_email(field.data or "") is not None:
            raise ValidationError("This email is already registered.")

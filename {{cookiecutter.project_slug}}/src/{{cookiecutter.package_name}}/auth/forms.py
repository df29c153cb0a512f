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


class AccountForm(FlaskForm):
    """A form that acts on one user's account, given as ``user``."""

    def __init__(self, user: User, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.user = user


class NewPasswordFields:
    """``password`` and ``confirm`` for an :class:`AccountForm`, checked by the password rule
    of :mod:`.passwords` against the account's address."""

    password = PasswordField("New password", validators=[DataRequired()])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", "Passwords differ.")],
    )
    user: User

    def validate_password(self, field: PasswordField) -> None:
        """WTForms inline validator: the password rule of :mod:`.passwords`."""
        if problem := password_problem(field.data or "", self.user.email):
            raise ValidationError(problem)


class CurrentPasswordField:
    """``current_password`` for an :class:`AccountForm`: the account's password."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    user: User

    def validate_current_password(self, field: PasswordField) -> None:
        """WTForms inline validator: the password the user logs in with."""
        if not self.user.check_password(field.data or ""):
            raise ValidationError("This is not your current password.")


class RegistrationForm(FlaskForm):
    """Fields ``email``, ``password``, ``confirm``. A registered address passes too: the view
    answers it like a new one (no account enumeration)."""

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


class EmailForm(FlaskForm):
    """Field ``email``: where to send a password reset or a new confirmation link."""

    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    submit = SubmitField("Send the link")


class ResetPasswordForm(NewPasswordFields, AccountForm):
    """Fields ``password``, ``confirm``: the new password set through a reset link."""

    submit = SubmitField("Set the new password")


class ChangePasswordForm(CurrentPasswordField, NewPasswordFields, AccountForm):
    """Fields ``current_password``, ``password``, ``confirm`` (the account page)."""

    submit = SubmitField("Change the password")


class ChangeEmailForm(CurrentPasswordField, AccountForm):
    """Fields ``email`` (the new address) and ``current_password`` (the account page)."""

    email = EmailField(
        "New email", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    submit = SubmitField("Change the email")

    def __init__(self, user: User, **kwargs: object) -> None:
        super().__init__(user, **kwargs)
        # The account page shows ChangePasswordForm too, with a field of the same name: HTML
        # ids must differ, so that each label points at its own field.
        field = self.current_password
        field.id = field.label.field_id = "email-current_password"

    def validate_email(self, field: EmailField) -> None:
        """WTForms inline validator: a different address from the current one."""
        if User.normalize_email(field.data or "") == self.user.email:
            raise ValidationError("This is already your email address.")

"""The core's ``flask`` commands: ``init`` and ``create-admin`` (features add their own)."""

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from . import migrations
from .auth.passwords import MIN_PASSWORD_LENGTH, password_problem
from .extensions import db
from .models import Role, User
from .stats import invalidate_user_stats

#: What ``flask init`` adds when it cannot reach the database.
{%- if cookiecutter.database == "sqlite" %}
UNREACHABLE_HINT = 'README.md, "Set up the database and an admin"'
{%- else %}
UNREACHABLE_HINT = (
    'is its server up, and the database created? README.md, "Set up the database and an admin"'
)
{%- endif %}


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Apply every migration (to head) and seed the roles and permissions; safe to re-run."""
    migrations.init_app(current_app)
    from flask_migrate import upgrade  # with Flask-Migrate: see migrations.py

    try:
        upgrade()
    except OperationalError as error:
        message = f"cannot reach the database: {first_line(error.orig)} ({UNREACHABLE_HINT})"
        raise click.ClickException(message) from None
    Role.seed()
    db.session.commit()
    invalidate_user_stats()
    click.echo("Database migrated to head; roles seeded.")


@click.command("create-admin")
@with_appcontext
@click.option("--email", required=True, help="Email address to log in with.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help=f"At least {MIN_PASSWORD_LENGTH} characters, not easy to guess; asked when omitted.",
)
def create_admin_command(email: str, password: str) -> None:
    """Create a user with the admin role, or give an existing user that role and password.

    The operator vouches for the address: it counts as confirmed."""
    # Imported here: the app's import (every web worker's start) would compile its rules for
    # nothing; the forms' Email() validator, too, imports it only when a form is checked.
    from email_validator import EmailNotValidError, validate_email

    if problem := password_problem(password, email):
        raise click.BadParameter(problem, param_hint="--password")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="--email") from None
    admin = db.session.scalar(db.select(Role).filter_by(name="admin"))
    if admin is None:
        raise click.ClickException("the admin role does not exist: run `flask init` first")
    user = User.find_by_email(email)
    if user is None:
        user = User.create(email, password, role_name="admin", confirmed=True)
        action = "Created"
    else:
        user.role = admin
        user.set_password(password)
        if not user.email_confirmed:
            user.confirm_email()
        action = "Promoted"
    db.session.commit()
    invalidate_user_stats()
    click.echo(f"{action} admin {user.email}.")


def first_line(error: BaseException | None) -> str:
    """The first line of an exception's message (driver messages can span several)."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def register(app: Flask) -> None:
    """Add the commands above to ``app.cli``."""
    app.cli.add_command(init_command)
    app.cli.add_command(create_admin_command)

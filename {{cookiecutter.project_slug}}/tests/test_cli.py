from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import Role, User

from .conftest import unreachable_database_url


def test_init_migrates_and_seeds_idempotently(make_app, empty_database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["init"])
        assert result.exit_code == 0, result.output
        assert "roles seeded" in result.output
    with app.app_context():
        roles = {role.name: role.permission_names for role in db.session.scalars(db.select(Role))}
    assert roles == {"user": frozenset(), "admin": frozenset({"admin.access", "users.manage"})}


def test_migrations_come_with_the_flask_command_not_with_a_web_worker(
    make_app, empty_database_url, monkeypatch
):
    """Flask-Migrate is given to the apps the `flask` command builds (it sets
    FLASK_RUN_FROM_CLI) and to testing apps, not to a worker's; `flask init` brings it along."""
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    served = make_app("development", SQLALCHEMY_DATABASE_URI=empty_database_url)
    assert "migrate" not in served.extensions
    result = served.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "migrate" in served.extensions
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    assert "migrate" in make_app("development").extensions


def test_init_with_the_database_down_fails_in_one_line(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI=unreachable_database_url())
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot reach the database: ")
    assert 'README.md, "Set up the database and an admin")' in result.output
    assert result.output.count("\n") == 1


def test_create_admin_creates_a_user_with_admin_role(runner):
    result = runner.invoke(
        args=["create-admin", "--email", "Boss@Example.com", "--password", "long enough"]
    )
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.com." in result.output
    user = User.find_by_email("boss@example.com")
    assert user.has_permission("admin.access")
    assert user.check_password("long enough")


def test_create_admin_promotes_an_existing_user(runner, make_user):
    make_user("someone@example.com", confirmed=False)
    result = runner.invoke(
        args=["create-admin", "--email", "someone@example.com", "--password", "new password"]
    )
    assert result.exit_code == 0, result.output
    assert "Promoted admin someone@example.com." in result.output
    user = User.find_by_email("someone@example.com")
    assert user.role.name == "admin"
    assert user.check_password("new password")
    assert user.email_confirmed  # the operator vouches for the address


def test_create_admin_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["create-admin", "--email", "boss@example.com"], input="long enough\nlong enough\n"
    )
    assert result.exit_code == 0, result.output
    assert User.find_by_email("boss@example.com").check_password("long enough")


def test_create_admin_refuses_bad_input(runner):
    result = runner.invoke(args=["create-admin", "--email", "boss@example.com", "--password", "x"])
    assert result.exit_code == 2
    assert "Use at least 8 characters." in result.output
    args = ["create-admin", "--email", "boss@example.com", "--password", "x" * 9]
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert "too easy to guess" in result.output
    result = runner.invoke(
        args=["create-admin", "--email", "not-an-email", "--password", "correct horse battery"]
    )
    assert result.exit_code == 2
    assert "--email" in result.output
    assert User.find_by_email("boss@example.com") is None


def test_create_admin_before_init_says_what_to_do(runner):
    db.session.execute(db.delete(User))
    db.session.execute(db.delete(Role))
    db.session.commit()
    args = ["create-admin", "--email", "a@example.com", "--password", "correct horse battery"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "run `flask init` first" in result.output


def test_shell_context_has_app_db_and_models(app):
    context = app.make_shell_context()
    assert context["app"] is app
    assert context["db"] is db
    assert context["User"] is User
    assert {"Role", "Permission"} <= context.keys()

import re

import pytest
from sqlalchemy import event

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import (
    ROLES,
    MailEvent,
    Permission,
    Role,
    RoleChangeRefused,
    User,
)


def test_password_is_hashed_and_checked(make_user):
    user = make_user()
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert user.check_password("correct horse battery")
    assert not user.check_password("Correct horse battery")


def test_permissions_come_from_the_role(make_user):
    admin = make_user("admin@example.com", role="admin")
    user = make_user()
    assert admin.has_permission("admin.access")
    assert not user.has_permission("admin.access")
    assert not admin.has_permission("no.such.permission")


def test_create_with_unknown_role_raises(app):
    with pytest.raises(LookupError, match="role 'ghost' does not exist"):
        User.create("a@example.com", "x" * 10, role_name="ghost")


def test_seed_is_idempotent_and_restores_permissions(app):
    admin = db.session.scalar(db.select(Role).filter_by(name="admin"))
    admin.permissions = set()
    db.session.commit()
    Role.seed()
    Role.seed()
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Role)) == len(ROLES)
    names = set().union(*ROLES.values())
    assert db.session.scalar(db.select(db.func.count()).select_from(Permission)) == len(names)
    assert admin.permission_names == ROLES["admin"]


def test_created_at_is_set_and_reprs_name_things(make_user):
    user = make_user()
    assert user.created_at is not None
    assert repr(user) == "<User user@example.com>"
    assert repr(user.role) == "<Role user>"
    assert repr(Permission(name="x.y")) == "<Permission x.y>"
    assert (
        repr(MailEvent(key="reset:address:a@example.com"))
        == "<MailEvent reset:address:a@example.com>"
    )


def test_nobody_changes_their_own_role(make_user):
    admin = make_user("admin@example.com", role="admin")
    other = make_user("other@example.com", role="admin")
    user_role = db.session.scalar(db.select(Role).filter_by(name="user"))
    with pytest.raises(RoleChangeRefused, match="your own role"):
        admin.change_role(user_role, by=admin)
    admin.change_role(user_role, by=other)
    assert not admin.has_permission("users.manage")


def test_the_last_user_who_can_manage_users_keeps_that_permission(make_user):
    admin = make_user("admin@example.com", role="admin")
    helper = make_user()  # e.g. a script acting without the permission itself
    user_role = db.session.scalar(db.select(Role).filter_by(name="user"))
    admin_role = db.session.scalar(db.select(Role).filter_by(name="admin"))
    with pytest.raises(RoleChangeRefused, match="last user who can manage users"):
        admin.change_role(user_role, by=helper)
    assert admin.has_permission("users.manage")
    admin.change_role(admin_role, by=helper)  # a manager's role that keeps the permission
    helper.change_role(admin_role, by=admin)
    admin.change_role(user_role, by=helper)  # now someone else can manage users
    assert not admin.has_permission("users.manage")


def test_an_unknown_email_costs_one_password_check_like_a_known_one(make_user, monkeypatch):
    """No timing difference shows which emails exist: both paths check one hash of the same
    kind (the cost is in the hash, so equal kinds mean equal time)."""
    from {{ cookiecutter.package_name }}.models import user as user_module

    make_user()
    checked: list[str] = []
    real_check = user_module.check_password_hash

    def counting_check(pwhash: str, password: str) -> bool:
        checked.append(pwhash.split("$", 1)[0])
        return real_check(pwhash, password)

    monkeypatch.setattr(user_module, "check_password_hash", counting_check)
    assert User.authenticate("nobody@example.com", "whatever it is") is None
    assert User.authenticate("user@example.com", "wrong password") is None
    assert User.authenticate("USER@example.com", "correct horse battery") is not None
    assert len(checked) == 3 and len(set(checked)) == 1


def test_a_logged_in_request_loads_the_user_role_and_permissions_in_one_query(
    app, client, auth, make_user
):
    make_user("admin@example.com", role="admin")
    auth.login("admin@example.com")
    statements: list[str] = []

    def seen(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        # A context of its own, as a served request has: nothing loaded by the login is reused.
        # /account/ needs a user, and its navigation asks for the admin permission.
        with app.app_context():
            assert client.get("/account/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    tables = ("users", "roles", "permissions")
    loads = [s for s in statements if re.search(rf"\b(FROM|JOIN) ({'|'.join(tables)})\b", s)]
    assert len(loads) == 1, loads
    # Eager loads name their tables with aliases such as roles_1.
    assert all(re.search(rf"\b{table}(_\d+)?\.", loads[0]) for table in tables), loads[0]

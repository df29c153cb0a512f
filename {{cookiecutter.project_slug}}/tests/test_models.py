import pytest

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import ROLES, Permission, Role, User


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

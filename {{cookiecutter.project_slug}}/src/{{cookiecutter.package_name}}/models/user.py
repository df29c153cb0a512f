"""Users, their role, and the permissions a role grants (User -> Role -> Permission)."""

import hashlib
import secrets
from datetime import datetime, timezone
from functools import cache
from typing import Any

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Column, DateTime, ForeignKey, Select, String, Table, bindparam, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import Model, db

#: The roles ``flask init`` seeds, with the permission names each grants. Code checks
#: permissions, never role names, so a new role is a row here and not a code change.
ROLES: dict[str, frozenset[str]] = {
    "user": frozenset(),
    "admin": frozenset({"admin.access", "users.manage"}),
}
#: The role given to a newly registered user.
DEFAULT_ROLE = "user"
#: The permission that lets a user change roles; at least one user always keeps it.
MANAGE_USERS = "users.manage"


class RoleChangeRefused(ValueError):
    """A role change that would lock everyone out; the message says why, for the user."""


role_permissions = Table(
    "role_permissions",
    db.metadata,
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Column("permission_id", ForeignKey("permissions.id", ondelete="CASCADE"), primary_key=True),
)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


def hash_password(password: str) -> str:
    """A salted hash of ``password`` by the current app's ``PASSWORD_HASH_METHOD`` (Werkzeug's
    ``generate_password_hash``: scrypt, except in the test suite's config)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _unknown_user_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def unknown_user_hash() -> str:
    """A hash made like every user's, checked when the email is unknown: a login for an address
    nobody uses costs the same time as a wrong password, so timing shows no registered emails."""
    return _unknown_user_hash(current_app.config["PASSWORD_HASH_METHOD"])


def new_session_token() -> str:
    """A fresh random session token: 32 bytes from :mod:`secrets`, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class Permission(Model):
    """A named right, e.g. ``admin.access``, checked by ``permission_required``."""

    __tablename__ = "permissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)

    def __repr__(self) -> str:
        return f"<Permission {self.name}>"


class Role(Model):
    """A named set of permissions; every user has exactly one role."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    permissions: Mapped[set[Permission]] = relationship(secondary=role_permissions)

    def __repr__(self) -> str:
        return f"<Role {self.name}>"

    @property
    def permission_names(self) -> frozenset[str]:
        """The names of the permissions this role grants."""
        return frozenset(permission.name for permission in self.permissions)

    @classmethod
    def seed(cls) -> None:
        """Create the roles and permissions of :data:`ROLES`, or bring existing ones in line.

        Idempotent: running it twice changes nothing. The caller commits.
        """
        permissions = {p.name: p for p in db.session.scalars(db.select(Permission))}
        for name in set().union(*ROLES.values()) - permissions.keys():
            permissions[name] = Permission(name=name)
            db.session.add(permissions[name])
        for role_name, granted in ROLES.items():
            role = db.session.scalar(db.select(cls).filter_by(name=role_name))
            if role is None:
                role = cls(name=role_name)
                db.session.add(role)
            role.permissions = {permissions[name] for name in granted}


class User(UserMixin, Model):
    """A person who can log in with an email address and a password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"))
    role: Mapped[Role] = relationship(lazy="joined")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # What the session cookie, the remember cookie and API tokens identify the user by, instead
    # of the id: a new token (rotate_session_token) ends every one of them at once, and an id
    # that the database hands out again never reaches the old cookies' owner's account.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    #: When the user followed the link that confirms the address, or ``None`` (not yet).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    def get_id(self) -> str:
        """Flask-Login: the value stored in the session and the remember cookie."""
        return self.session_token

    @property
    def session_fingerprint(self) -> str:
        """A digest of the session token for API tokens to carry (their claims are readable):
        the first 32 hex digits of its SHA-256."""
        return hashlib.sha256(self.session_token.encode()).hexdigest()[:32]

    def rotate_session_token(self) -> None:
        """End every session, remember cookie and API token of this user; the caller commits.

        Called on logout and when the role changes (Flask-Login docs, "Alternative Tokens").
        """
        self.session_token = new_session_token()

    @classmethod
    def find_by_session_token(cls, token: str) -> "User | None":
        """The user whose current session token is ``token``, or ``None``.

        This runs on every logged-in request (Flask-Login's user loader), so the user, its role
        and the role's permissions come in one query: the pages check permissions.
        """
        query = SESSION_TOKEN_QUERY
        user: User | None = db.session.scalars(query, {"token": token}).unique().one_or_none()
        return user

    @property
    def email_confirmed(self) -> bool:
        """Whether the user proved they read mail at :attr:`email`."""
        return self.email_confirmed_at is not None

    def confirm_email(self) -> None:
        """Mark :attr:`email` as confirmed, now; the caller commits."""
        self.email_confirmed_at = utcnow()

    @property
    def password_fingerprint(self) -> str:
        """A digest of the stored password hash (the first 16 hex digits of its SHA-256), for
        e-mailed links that must stop working once the password changes."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (:func:`hash_password`).

        A new password ends the user's sessions (:meth:`rotate_session_token`).
        """
        self.password_hash = hash_password(password)
        self.rotate_session_token()

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def has_permission(self, name: str) -> bool:
        """Return whether this user's role grants the permission called ``name``."""
        return name in self.role.permission_names

    def change_role(self, role: Role, by: "User") -> None:
        """Give this user ``role`` on behalf of ``by``; the caller commits.

        The one rule for the admin page and the API: nobody changes their own role, and the
        last user who can manage users keeps that permission, so an installation is never left
        without an administrator. The other managers' rows are locked until the commit
        (``SELECT ... FOR UPDATE`` where the database has it), so two demotions at once cannot
        both pass the check.

        The user's sessions end (:meth:`rotate_session_token`): they log in again under the
        new role.

        Raises:
            RoleChangeRefused: ``by`` is this user, or this would remove the last manager.
        """
        if self.id == by.id:
            raise RoleChangeRefused("You cannot change your own role.")
        if self.has_permission(MANAGE_USERS) and MANAGE_USERS not in role.permission_names:
            managers = db.session.scalars(
                db.select(User.id)
                .join(User.role)
                .where(Role.permissions.any(Permission.name == MANAGE_USERS))
                .with_for_update(of=User)
            ).all()
            if set(managers) <= {self.id}:
                raise RoleChangeRefused("This is the last user who can manage users.")
        self.role = role
        self.rotate_session_token()

    @staticmethod
    def normalize_email(email: str) -> str:
        """Return ``email`` stripped and lower-cased, the form it is stored and looked up in."""
        return email.strip().lower()

    @classmethod
    def authenticate(cls, email: str, password: str) -> "User | None":
        """The user with this email and password, or ``None``; the same work either way (one
        password hash check, :func:`unknown_user_hash` for an unknown email)."""
        user = cls.find_by_email(email)
        if user is None:
            check_password_hash(unknown_user_hash(), password)
            return None
        return user if user.check_password(password) else None

    @classmethod
    def find_by_email(cls, email: str) -> "User | None":
        """Return the user with this email address (any case), or ``None``."""
        select = db.select(cls).filter_by(email=cls.normalize_email(email))
        user: User | None = db.session.scalar(select)
        return user

    @classmethod
    def create(
        cls, email: str, password: str, role_name: str = DEFAULT_ROLE, confirmed: bool = False
    ) -> "User":
        """Add a new user with the named role to the session and return it; the caller commits.

        ``confirmed`` marks the address as confirmed at once (an operator vouches for it).

        Raises:
            LookupError: the role does not exist (run ``flask init`` to seed the roles).
        """
        role = db.session.scalar(db.select(Role).filter_by(name=role_name))
        if role is None:
            raise LookupError(f"role {role_name!r} does not exist: run `flask init` first")
        user = cls(email=cls.normalize_email(email), role=role)
        user.set_password(password)
        if confirmed:
            user.confirm_email()
        db.session.add(user)
        return user


#: The statement of :meth:`User.find_by_session_token`, the token as the bound parameter
#: ``token``. Built once, like ``stats.USERS_BY_ROLE``: SQLAlchemy caches a statement's compiled
#: form, not the statement, and building this one cost more than running it. (``Any``: the
#: type parameters of ``Select`` differ between SQLAlchemy 2.0 and 2.1.)
SESSION_TOKEN_QUERY: Select[Any] = (
    select(User)
    .where(User.session_token == bindparam("token"))
    .options(joinedload(User.role).joinedload(Role.permissions))
)

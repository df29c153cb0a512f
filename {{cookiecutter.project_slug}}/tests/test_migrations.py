"""The shipped migrations build exactly the schema the models describe."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from {{ cookiecutter.package_name }} import FEATURES
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.migrations import (
    CORE_HEAD,
    add_revisions,
    feature_revisions,
    features_head,
    revision_before,
)


def schema_diff() -> list:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def test_upgrade_matches_models_and_downgrade_round_trips(make_app, empty_database_url):
    """On this project's database: upgrade, compare, downgrade to nothing, upgrade again."""
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        assert schema_diff() == []
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert schema_diff() == []


def test_history_is_one_line_through_every_feature(app):
    """One head, and each feature's revisions follow the ones before it in FEATURES order:
    ``flask db upgrade`` and ``flask db migrate`` refuse several heads."""
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        assert len(script.get_heads()) == 1
        line = [rev.revision for rev in script.walk_revisions()][::-1]
    registered = [r.feature for r in feature_revisions(app)]
    folders = {p.name for p in Path("migrations").iterdir() if p.is_dir()} - {"versions"}
    assert set(registered) == {name for name in folders if not name.startswith("_")}
    assert registered == [name for name in FEATURES if name in registered]
    assert line[0] == CORE_HEAD
    positions = [line.index(r.head) for r in feature_revisions(app)]
    assert positions == sorted(positions)


def test_revision_before_follows_registration_order():
    """The first feature follows the core; the next follows the first one's head."""
    app = Flask(__name__)
    add_revisions(app, "first", head="f1")
    add_revisions(app, "second", head="s2")
    with app.app_context():
        assert revision_before("first") == CORE_HEAD
        assert revision_before("second") == "f1"
        with pytest.raises(LookupError, match="'third' feature registered no revisions"):
            revision_before("third")


def test_users_of_an_older_database_each_get_a_session_token(make_app, empty_database_url):
    """0004 fills the new column for the rows that exist, one distinct token each."""
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision=features_head())
        with db.engine.begin() as connection:
            connection.execute(db.text("INSERT INTO roles (id, name) VALUES (1, 'user')"))
            for email in ("a@example.com", "b@example.com"):
                connection.execute(
                    db.text(
                        "INSERT INTO users (email, password_hash, role_id, created_at) "
                        "VALUES (:email, 'x', 1, CURRENT_TIMESTAMP)"
                    ),
                    {"email": email},
                )
        upgrade()
        with db.engine.connect() as connection:
            tokens = connection.execute(db.text("SELECT session_token FROM users")).scalars()
            tokens = list(tokens)
        assert len(tokens) == 2 and len(set(tokens)) == 2
        assert all(len(token) == 43 for token in tokens)


def test_notes_made_before_they_were_the_cores_are_kept(make_app, empty_database_url):
    """A database whose notes table came from the API's 0002 (as it did before 0007 existed):
    0007 leaves that table and its rows as they are, and the schema then matches the models."""
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0006")
        db.metadata.tables["notes"].create(db.engine)
        with db.engine.begin() as connection:
            connection.execute(db.text("INSERT INTO roles (id, name) VALUES (1, 'user')"))
            connection.execute(
                db.text(
                    "INSERT INTO users (id, email, password_hash, role_id, created_at, "
                    "session_token) VALUES (1, 'a@example.com', 'x', 1, CURRENT_TIMESTAMP, 't')"
                )
            )
            connection.execute(
                db.text(
                    "INSERT INTO notes (owner_id, title, body, created_at, updated_at) "
                    "VALUES (1, 'kept', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
        upgrade()
        assert schema_diff() == []
        with db.engine.connect() as connection:
            assert connection.execute(db.text("SELECT title FROM notes")).scalars().all() == [
                "kept"
            ]

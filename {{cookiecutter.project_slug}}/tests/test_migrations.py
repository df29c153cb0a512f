"""The shipped migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from {{ cookiecutter.package_name }}.extensions import db


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

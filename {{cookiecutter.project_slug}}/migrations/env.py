"""Alembic environment for Flask-Migrate: runs migrations with the app's engine and metadata."""

import logging
from logging.config import fileConfig
from pathlib import Path

from alembic import context
from flask import current_app
{%- if cookiecutter.database == "mysql" %}
from sqlalchemy import create_engine
{%- endif %}

config = context.config
# Keep the app's own loggers: fileConfig would otherwise disable every logger it does not name.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def run_migrations_offline() -> None:
    """Emit SQL to standard output (``flask db upgrade --sql``) without connecting."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=db.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Connect with the app's engine and apply the migrations."""

    def process_revision_directives(context, revision, directives) -> None:
        # `flask db migrate` with no model changes writes no empty revision file.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")
            return
        # Your revisions go to migrations/versions, not to the folder of the feature whose
        # revision is the current head (Alembic's choice when there are several folders).
        script_location = Path(config.get_main_option("script_location") or "migrations")
        directives[0].version_path = str(script_location / "versions")

    configure_args = current_app.extensions["migrate"].configure_args
    configure_args.setdefault("process_revision_directives", process_revision_directives)
{%- if cookiecutter.database == "mysql" %}
    # The app's engine without its read and write timeouts (config.py), which are for requests:
    # a migration that rebuilds a large table may rightly take minutes.
    engine = db.engine
    connect_args = current_app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {})
    if engine.dialect.name == "mysql" and {"read_timeout", "write_timeout"} & set(connect_args):
        settings = dict(current_app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        settings["connect_args"] = {
            key: value
            for key, value in connect_args.items()
            if key not in ("read_timeout", "write_timeout")
        }
        engine = create_engine(engine.url, **settings)
{%- else %}
    engine = db.engine
{%- endif %}
    with engine.connect() as connection:
{%- if cookiecutter.database == "postgresql" %}
        # The request limit on statements (statement_timeout in config.py) does not apply to
        # migrations: rebuilding a large table may rightly take minutes.
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET statement_timeout = 0")
            connection.commit()
{%- endif %}
        context.configure(connection=connection, target_metadata=db.metadata, **configure_args)
        with context.begin_transaction():
            context.run_migrations()
{%- if cookiecutter.database == "mysql" %}
    if engine is not db.engine:
        engine.dispose()
{%- endif %}


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Where the Alembic revisions live, and the one line of history they form.

The core's revisions are in ``migrations/versions/``. A feature that owns tables keeps its
revisions in ``migrations/<feature>/`` and registers them from its ``init_app`` with
:func:`add_revisions`, so deleting the feature deletes its tables' history with it.

The history stays one line: the core's first revision, then each feature's in the order of
``FEATURES``, then the core's later ones (:func:`features_head`), then the ones you write.
``flask db upgrade`` (target ``head``) and ``flask db migrate`` need a single head; with
several, Alembic refuses both (Alembic docs, "Working with Branches"). So a feature's first
revision does not name a fixed parent: its ``down_revision`` is :func:`revision_before` of
the feature, the last revision of whatever comes before it in this project.

Flask-Migrate (and Alembic under it) is loaded only where migrations run: :func:`init_app`
gives an app the ``flask db`` commands and Flask-Migrate's ``upgrade()``, and ``create_app``
calls it under the ``flask`` command and in the tests (:func:`wanted`). A web server's worker
never migrates, and importing the two costs each one about 0.2 s of its start. A script of
your own that migrates calls ``init_app(app)`` first.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app

from .extensions import db

if TYPE_CHECKING:
    from alembic.config import Config

#: The core's revision (``migrations/versions/``) that the features build on.
CORE_HEAD = "0001"


@dataclass(frozen=True)
class FeatureRevisions:
    """A feature's revisions: they live in ``migrations/<feature>/``; ``head`` is the last."""

    feature: str
    head: str


def add_revisions(app: Flask, feature: str, head: str) -> None:
    """Add ``migrations/<feature>/`` to the history of ``app``; call it from ``init_app``.

    Args:
        app: the application being built.
        feature: the feature's package name, which is also its folder under ``migrations/``.
        head: the id of the feature's last revision, which the next feature builds on.
    """
    app.extensions.setdefault("feature_revisions", []).append(FeatureRevisions(feature, head))


def feature_revisions(app: Flask) -> list[FeatureRevisions]:
    """The features of ``app`` that own revisions, in the order their histories apply."""
    return list(app.extensions.get("feature_revisions", []))


def revision_before(feature: str) -> str:
    """The revision that ``feature``'s first revision follows, in the current app.

    Returns:
        The head of the feature registered before ``feature``, or :data:`CORE_HEAD`.

    Raises:
        LookupError: ``feature`` registered no revisions (its ``init_app`` did not run).
    """
    previous = CORE_HEAD
    for revisions in feature_revisions(current_app):
        if revisions.feature == feature:
            return previous
        previous = revisions.head
    raise LookupError(f"the {feature!r} feature registered no revisions with add_revisions")


def features_head() -> str:
    """The revision the core's later revisions follow: the last feature's head, else
    :data:`CORE_HEAD`. Core revisions added after the first come after every feature's, so a
    database migrated before them only ever moves forward."""
    registered = feature_revisions(current_app)
    return registered[-1].head if registered else CORE_HEAD


def wanted(app: Flask) -> bool:
    """Whether ``create_app`` gives ``app`` Flask-Migrate: under the ``flask`` command (Flask's
    CLI sets ``FLASK_RUN_FROM_CLI`` for every command it runs, ``flask db`` and ``flask init``
    included) and in the testing config, whose suite checks the migrations."""
    return app.testing or os.environ.get("FLASK_RUN_FROM_CLI") == "true"


def init_app(app: Flask) -> None:
    """Give ``app`` Flask-Migrate, with batch mode for SQLite and :func:`configure_alembic`;
    does nothing when it has it already."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate  # here: see the module docstring

    migrate = Migrate(app, db, render_as_batch=True)
    # types-Flask-Migrate's Config is not alembic's Config (the stub cannot inherit one yet),
    # though the object Flask-Migrate passes is one, as configure_alembic expects.
    migrate.configure(configure_alembic)  # type: ignore[arg-type]


def configure_alembic(config: "Config") -> "Config":
    """Point Alembic at the core's and each feature's revision folders.

    Registered with Flask-Migrate's ``Migrate.configure``, which calls it with the Alembic
    config of every ``flask db`` command, inside the app context.
    """
    script_location = Path(config.get_main_option("script_location") or "migrations")
    folders = [script_location / "versions"]
    folders += [script_location / r.feature for r in feature_revisions(current_app)]
    # The os path separator, so a folder whose name has spaces stays one folder; "%" doubled
    # because the value goes through configparser interpolation.
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(str(folder) for folder in folders).replace("%", "%%")
    )
    return config

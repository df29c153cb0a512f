"""The admin area: only users whose role grants ``admin.access``.

A feature adds a section below the user list with :func:`add_section` (the task feature's audit
events, for one).
"""

from collections.abc import Callable, Mapping

from flask import Blueprint, Flask

bp = Blueprint("admin", __name__, template_folder="templates")


def add_section(app: Flask, template: str, context: Callable[[], Mapping[str, object]]) -> None:
    """Render ``template`` on ``/admin/`` after the users, with ``section`` set to ``context()``
    (called on each view of the page)."""
    app.extensions.setdefault("admin_sections", []).append((template, context))


from . import views  # noqa: E402  (registers the routes on bp)

__all__ = ["add_section", "bp", "views"]

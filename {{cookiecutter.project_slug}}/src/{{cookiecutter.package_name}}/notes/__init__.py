"""Notes in the pages: each user lists (paged, searchable by title), writes, edits and deletes
their own notes. The model and its limits are the core's (``models/note.py``)."""

from flask import Blueprint

from ..main import add_nav_link

bp = Blueprint("notes", __name__, template_folder="templates")
add_nav_link(bp, "notes.index", "Notes", "Write notes only you can read, and find them by title.")

from . import views  # noqa: E402,F401  (registers the routes on bp)

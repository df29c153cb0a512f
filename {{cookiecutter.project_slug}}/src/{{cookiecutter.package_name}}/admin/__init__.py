"""The admin area: only users whose role grants ``admin.access``."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (registers the routes on bp)

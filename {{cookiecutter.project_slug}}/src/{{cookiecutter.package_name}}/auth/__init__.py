"""Authentication: register, log in, log out, and the permission checks used by other blueprints."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (registers the routes on bp)

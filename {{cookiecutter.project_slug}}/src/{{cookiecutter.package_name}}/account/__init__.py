"""The account page of the logged-in user: the address and its confirmation, the role, and
the forms that change the password and the address."""

from flask import Blueprint

bp = Blueprint("account", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (registers the routes on bp)

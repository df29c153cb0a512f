"""Public pages."""

from flask import Blueprint, current_app, render_template

from ..stats import user_stats

bp = Blueprint("main", __name__, template_folder="templates")


def add_nav_link(blueprint: Blueprint, endpoint: str, label: str) -> None:
    """Show ``label``, linking to ``endpoint``, in the navigation bar of signed-in users.

    The link is added when ``blueprint`` is registered on an app, so an app without that
    blueprint never links to it; base.html lists the links in registration order.
    """
    blueprint.record_once(
        lambda state: state.app.extensions.setdefault("nav_links", []).append((endpoint, label))
    )


@bp.app_context_processor
def navigation() -> dict[str, list[tuple[str, str]]]:
    """Template context ``nav_links``: the (endpoint, label) pairs of :func:`add_nav_link`."""
    return {"nav_links": current_app.extensions.get("nav_links", [])}


@bp.route("/")
def index() -> str:
    """The home page, with the (cached) number of members."""
    return render_template("main/index.html", stats=user_stats())

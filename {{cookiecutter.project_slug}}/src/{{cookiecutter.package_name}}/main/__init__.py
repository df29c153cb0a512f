"""Public pages: the home page (a welcome for visitors, a dashboard for members) and the
registry of links the navigation bar and the dashboard show."""

from collections.abc import Collection
from typing import NamedTuple

from flask import Blueprint, Flask, current_app, render_template, request, session, url_for
from flask_login import current_user

bp = Blueprint("main", __name__, template_folder="templates")


class NavLink(NamedTuple):
    """One entry of the navigation bar and of the home page's dashboard."""

    endpoint: str
    label: str
    description: str


def add_nav_link(blueprint: Blueprint, endpoint: str, label: str, description: str) -> None:
    """Show ``label``, linking to ``endpoint``, in the navigation bar of signed-in users, and
    as a card saying ``description`` (one sentence) on their home page.

    The link is added when ``blueprint`` is registered on an app, so an app without that
    blueprint never links to it; the links appear in registration order.
    """
    link = NavLink(endpoint, label, description)
    blueprint.record_once(
        lambda state: state.app.extensions.setdefault("nav_links", []).append(link)
    )


@bp.app_context_processor
def navigation() -> dict[str, list[NavLink]]:
    """Template context ``nav_links``: the :class:`NavLink` entries of :func:`add_nav_link`."""
    return {"nav_links": current_app.extensions.get("nav_links", [])}


def add_page_script(
    app: Flask, endpoints: Collection[str], static_endpoint: str, filename: str
) -> None:
    """Load the static file ``filename`` of ``static_endpoint`` (``"tasks.static"``, say) as a
    deferred script at the end of the pages of ``endpoints``, after the layout's own scripts.
    Scripts run in the order they were added; a feature adds the scripts its pages need this
    way, so a page without them loads none."""
    scripts = app.extensions.setdefault("page_scripts", [])
    scripts.append((frozenset(endpoints), static_endpoint, filename))


@bp.app_context_processor
def page_scripts() -> dict[str, list[str]]:
    """Template context ``page_scripts``: the URLs of the scripts that :func:`add_page_script`
    added for this request's endpoint."""
    scripts = current_app.extensions.get("page_scripts", [])
    return {
        "page_scripts": [
            url_for(static_endpoint, filename=filename)
            for endpoints, static_endpoint, filename in scripts
            if request.endpoint in endpoints
        ]
    }


def render_for_visitor(template: str) -> str:
    """Render ``template`` as :func:`flask.render_template` does, once per process for the
    visitors of a page that is the same for all of them.

    A visitor (no user signed in) with no flashed message waiting sees what every other visitor
    sees: the app's name and description, links and the layout, which change only when the
    app is restarted. So the first such view renders the page and later ones send the same
    text, saving the template's work (about half of the home page's time, measured in-process)
    on the page that crawlers and probes of the site hit most. A signed-in user, or a visitor
    with a flashed message, gets a fresh render. With template auto-reload on (debug mode,
    ``TEMPLATES_AUTO_RELOAD``), every view renders, so an edited template shows at once.

    Args:
        template: the template's name, as for :func:`flask.render_template`; the page may use
            no request data but the script root (``url_for`` without ``_external``).

    Returns:
        The page's HTML.
    """
    if current_user.is_authenticated or "_flashes" in session or current_app.jinja_env.auto_reload:
        return render_template(template)
    rendered: dict[tuple[str, str], str] = current_app.extensions.setdefault("visitor_pages", {})
    key = (template, request.script_root)  # an app mounted under a prefix links under it
    page = rendered.get(key)
    if page is None:
        page = rendered[key] = render_template(template)
    return page


@bp.route("/")
def index() -> str:
    """The home page: what the app is and how to start for a visitor (the same for all of
    them, :func:`render_for_visitor`); for a signed-in user, a dashboard of what they can do.
    It needs no query beyond the signed-in user's own: the number of members is for the admin
    page (a public count tells anyone how big the site is, and counting on the busiest page
    costs a query on every view)."""
    return render_for_visitor("main/index.html")

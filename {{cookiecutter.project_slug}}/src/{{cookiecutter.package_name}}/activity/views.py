"""Route: ``/activity/``, the signed-in user's own feed."""

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from pymongo.errors import PyMongoError

from ..main import add_nav_link
from .feed import recent_events

bp = Blueprint("activity", __name__, template_folder="templates")
add_nav_link(
    bp, "activity.index", "Activity", "What happened on your account: logins, logouts, changes."
)


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """List the current user's recent events, newest first; 503 with a notice when MongoDB is
    unreachable (the rest of the site keeps working)."""
    try:
        events = recent_events(current_user.id)
    except PyMongoError as error:
        current_app.logger.warning("activity feed unavailable: %s", type(error).__name__)
        return render_template("activity/index.html", events=None), 503
    return render_template("activity/index.html", events=events)

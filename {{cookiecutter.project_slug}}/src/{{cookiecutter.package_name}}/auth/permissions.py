"""The ``permission_required`` decorator for views."""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")


def permission_required(name: str) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """Let a view run only for a logged-in user whose role grants the permission ``name``.

    An anonymous visitor is sent to the login page (Flask-Login's ``unauthorized``, which
    remembers the page in ``next``): the view then answers that redirect instead of its own
    return value. A logged-in user without the permission gets 403.
    """

    def decorator(view: Callable[P, R]) -> Callable[P, R | Response]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_permission(name):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator

"""HTML error pages for HTTP errors and a logged 500 for anything unexpected.

A feature that answers errors in its own shape (the API's JSON) adds a responder with
:func:`add_responder`; the HTML page is the answer when no responder takes the error.
"""

from collections.abc import Callable

from flask import Flask, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

#: Takes an HTTP error and returns a response, or ``None`` to leave it to the next responder.
Responder = Callable[[HTTPException], ResponseReturnValue | None]


def add_responder(app: Flask, responder: Responder) -> None:
    """Let ``responder`` answer ``app``'s HTTP errors before the HTML error page does."""
    app.extensions.setdefault("error_responders", []).append(responder)


def render_error(error: HTTPException) -> ResponseReturnValue:
    """Answer an HTTP error: the first responder's response, else ``errors/error.html``."""
    for responder in current_app.extensions.get("error_responders", []):
        if (response := responder(error)) is not None:
            return response
    return render_template("errors/error.html", error=error), error.code or 500


def refuse_nul_characters() -> None:
    """``before_request``: a 400 when the path, query string or a form field holds a NUL.

    PostgreSQL cannot store or even compare such text (its driver raises), and no real input
    holds one, so it is refused before any view or lookup meets it.
    """
    fields = [*request.args.listvalues(), *request.form.listvalues()]
    if "\x00" in request.path or any("\x00" in value for values in fields for value in values):
        abort(400, description="The request holds a NUL character.")


def register(app: Flask) -> None:
    """Register the handlers: every :class:`HTTPException` (400, 403, 404, 405, ...) gets the
    error page, and any other exception is logged with its traceback and answered with a 500.
    Requests holding NUL characters are refused first (:func:`refuse_nul_characters`)."""
    app.before_request(refuse_nul_characters)
    app.register_error_handler(HTTPException, render_error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled exception", exc_info=error)
        return render_error(InternalServerError())

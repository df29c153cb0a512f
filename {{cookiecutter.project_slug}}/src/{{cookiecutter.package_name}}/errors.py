"""HTML error pages for HTTP errors, 503 for a backing service that fails, and a logged 500 for
anything else.

A feature that answers errors in its own shape (the API's JSON) adds a responder with
:func:`add_responder`; the HTML page is the answer when no responder takes the error. A feature
whose server can be down or hung names its client's connection errors with
:func:`add_unavailable`, so they answer 503 (with ``Retry-After``) instead of 500.
"""

from collections.abc import Callable

from flask import Flask, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .extensions import db
from .security import SAFE_METHODS

#: Seconds a client is asked to wait after a 503 (the ``Retry-After`` header, RFC 9110 10.2.3).
RETRY_AFTER = 30

#: Takes an HTTP error and returns a response, or ``None`` to leave it to the next responder.
Responder = Callable[[HTTPException], ResponseReturnValue | None]


def add_responder(app: Flask, responder: Responder) -> None:
    """Let ``responder`` answer ``app``'s HTTP errors before the HTML error page does."""
    app.extensions.setdefault("error_responders", []).append(responder)


def add_unavailable(app: Flask, *exception_types: type[BaseException]) -> None:
    """Answer these exceptions of ``app`` (a backing service down or too slow) with 503."""
    app.extensions.setdefault("unavailable_errors", []).extend(exception_types)


def render_error(error: HTTPException) -> ResponseReturnValue:
    """Answer an HTTP error: the first responder's response, else ``errors/error.html`` with
    the error's own headers (``Allow`` on a 405, ``Retry-After`` on a 503)."""
    responders: list[Responder] = current_app.extensions.get("error_responders", [])
    for responder in responders:
        if (response := responder(error)) is not None:
            return response
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return render_template("errors/error.html", error=error), error.code or 500, headers


def refuse_nul_characters() -> None:
    """``before_request``: a 400 when the path, the query string (a name or a value) or a form
    field holds a NUL.

    PostgreSQL cannot store or even compare such text (its driver raises), and no real input
    holds one, so it is refused before any view or lookup meets it. The query string is read
    raw: a NUL gets into a decoded name or value only as ``%00`` (RFC 3986, 2.1) or as itself,
    so nothing is parsed for the requests that hold neither. A form body is read only for the
    methods that send one (not :data:`.security.SAFE_METHODS`).
    """
    query = request.query_string
    if "\x00" in request.path or b"\x00" in query or b"%00" in query:
        abort(400, description="The request holds a NUL character.")
    if request.method in SAFE_METHODS:
        return
    if any("\x00" in value for values in request.form.listvalues() for value in values):
        abort(400, description="The request holds a NUL character.")


def register(app: Flask) -> None:
    """Register the handlers: every :class:`HTTPException` (400, 403, 404, 405, ...) gets the
    error page; the exceptions of :func:`add_unavailable` (the database's here) are logged in
    one line and answered with 503; any other exception is logged with its traceback and
    answered with a 500.
    Requests holding NUL characters are refused first (:func:`refuse_nul_characters`)."""
    app.before_request(refuse_nul_characters)
    app.register_error_handler(HTTPException, render_error)
    # The database down, unreachable, or its connection pool exhausted.
    add_unavailable(app, OperationalError, InterfaceError, PoolTimeoutError)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        if isinstance(error, tuple(app.extensions["unavailable_errors"])):
            message = str(error).splitlines()[0] if str(error) else ""
            app.logger.warning("service unavailable: %s: %s", type(error).__name__, message)
            db.session.rollback()
            return render_error(
                ServiceUnavailable(
                    "A service this page needs is not answering. Please try again shortly.",
                    retry_after=RETRY_AFTER,
                )
            )
        app.logger.exception("unhandled exception", exc_info=error)
        return render_error(InternalServerError())

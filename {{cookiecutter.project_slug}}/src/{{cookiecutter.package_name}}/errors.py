{%- if cookiecutter.use_api -%}
"""Error responses: HTML pages for the site, JSON for the API, and a logged 500 for surprises."""
{%- else -%}
"""HTML error pages for HTTP errors and a logged 500 for anything unexpected."""
{%- endif %}

from flask import Flask, abort, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError
{%- if cookiecutter.use_api %}

from .api.errors import http_error_response, is_api_request
{%- endif %}


def render_error(error: HTTPException) -> ResponseReturnValue:
{%- if cookiecutter.use_api %}
    """Answer an HTTP error: JSON under ``/api/``, else the ``errors/error.html`` page."""
    if is_api_request():
        return http_error_response(error)
{%- else %}
    """Render ``errors/error.html`` for an HTTP error; returns (body, status code)."""
{%- endif %}
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

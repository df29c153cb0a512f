"""Security headers on every response, and limits on what a request may send.

Every response (pages, JSON, static files, error pages) gets the headers of
:func:`set_security_headers`: a Content-Security-Policy that allows scripts, styles and
fetches only from this origin and no framing (CSP Level 3, W3C), ``X-Frame-Options: DENY`` for
browsers without CSP, ``nosniff``, a Referrer-Policy and a Permissions-Policy (OWASP Secure
Headers Project), HSTS on HTTPS requests (RFC 6797), and ``Cache-Control: no-store`` on every
response to a logged-in user or a token bearer, so no shared or browser cache keeps a private
page (RFC 9111, 5.2.2.5).

Requests are bounded before a view runs: ``MAX_CONTENT_LENGTH`` (bytes) gives 413, a JSON body
nested deeper than ``MAX_JSON_DEPTH`` or not JSON at all gives 400, and a file part sent to a
view that takes no uploads gives 400 (a text field sent as a file would otherwise reach the
form as an object it cannot read).
"""

import json
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, current_app, request, session
from flask.json.provider import DefaultJSONProvider
from werkzeug.wrappers import Response

#: The Content-Security-Policy, directive -> sources. No inline script or style anywhere: the
#: pages load their JavaScript and CSS as files from this origin.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

#: The safe methods (RFC 9110, 9.2.1) this app answers. A body sent with one of them has no
#: defined meaning, and no view of this app reads it, so the request checks skip it.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Browser features no page of this app uses, switched off for it and anything it embeds.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, with a bound on nesting when reading.

    ``loads`` raises :class:`ValueError` (which ``request.get_json`` turns into a 400) for a
    document nested deeper than ``MAX_JSON_DEPTH``, including one so deep that Python's parser
    itself gives up with a :class:`RecursionError`.
    """

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("the JSON body is nested too deeply") from None
        limit = int(self._app.config["MAX_JSON_DEPTH"])
        if json_depth(value) > limit:
            raise ValueError(f"the JSON body is nested deeper than {limit} levels")
        return value


def json_depth(value: object) -> int:
    """Nesting depth of a parsed JSON value: 0 for a scalar, 1 for ``[]`` or ``{}``, and so on.

    Walks with an explicit stack, so any depth Python could parse is measured.
    """
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def accepts_files(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view as taking file uploads; every other view answers a file part with 400."""
    view.accepts_files = True  # type: ignore[attr-defined]
    return view


def check_request_body() -> None:
    """``before_request``: refuse a body this app will not read (see the module docstring).

    Raises:
        werkzeug.exceptions.BadRequest: a file part where no upload is taken, or a JSON body
            that is malformed or too deep.
        werkzeug.exceptions.RequestEntityTooLarge: the body is over ``MAX_CONTENT_LENGTH``.
    """
    if request.method in SAFE_METHODS:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if request.files and not getattr(view, "accepts_files", False):
        abort(400, description="This address takes no file uploads.")
    if request.is_json and (body := request.get_data(cache=True)):
        # Parsed here with the depth bound, so a view (or flask-smorest, which parses on its
        # own) only ever meets a body that parses.
        try:
            current_app.json.loads(body)
        except ValueError as error:
            abort(400, description=f"The JSON body cannot be read: {error}.")


def security_headers(app: Flask, secure: bool) -> list[tuple[str, str, str]]:
    """The headers of the module docstring for ``app``'s responses, as ``(name, lowercased
    name, value)``; with ``secure`` (an HTTPS request), HSTS too.

    Built from ``app.config`` at the app's first response and kept for its life, as this runs
    on every response, health probes included: change ``CONTENT_SECURITY_POLICY``,
    ``REFERRER_POLICY``, ``PERMISSIONS_POLICY`` or ``HSTS_MAX_AGE`` before the app serves
    (Flask's rule for setup, too).
    """
    built: dict[bool, list[tuple[str, str, str]]] | None = app.extensions.get("security_headers")
    if built is None:
        config = app.config
        csp = "; ".join(f"{name} {src}" for name, src in config["CONTENT_SECURITY_POLICY"].items())
        always = [
            ("Content-Security-Policy", csp),
            ("X-Frame-Options", "DENY"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", config["REFERRER_POLICY"]),
            ("Permissions-Policy", config["PERMISSIONS_POLICY"]),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        ]
        hsts = ("Strict-Transport-Security", f"max-age={config['HSTS_MAX_AGE']}")
        built = app.extensions["security_headers"] = {
            False: [(name, name.lower(), value) for name, value in always],
            True: [(name, name.lower(), value) for name, value in [*always, hsts]],
        }
    return built[secure]


def set_security_headers(response: Response) -> Response:
    """``after_request``: add the headers of the module docstring (:func:`security_headers`);
    a view's own win."""
    headers = response.headers
    # One pass over the names the view set (header names are case-insensitive, RFC 9110 5.1),
    # instead of a lookup per header.
    present = {name.lower() for name, _ in headers.items()}
    wanted = security_headers(current_app, request.is_secure)
    headers.extend([(name, value) for name, lower, value in wanted if lower not in present])
    # The session says who is logged in without a database query (Flask-Login's "_user_id").
    if "Authorization" in request.headers or session.get("_user_id") is not None:
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Bound requests and add the security headers on ``app``; called by ``create_app``.

    The limits and header values are settings of :class:`config.BaseConfig`.
    """
    app.json = JSONProvider(app)
    app.before_request(check_request_body)
    app.after_request(set_security_headers)

"""Pages of a list: the ``page`` query argument, read and bounded once for every paged view."""

from typing import Any

from flask import abort, current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from .extensions import db

#: Highest page number a URL may ask for. Beyond it a request is refused before the database
#: sees an OFFSET that large (a huge one overflows PostgreSQL's bigint and fails the query).
MAX_PAGE = 100_000


def paginate(select: Select[Any]) -> Pagination:
    """Run ``select`` for the page the ``page`` query argument asks for (1 when absent or not
    a number), ``PER_PAGE`` rows per page.

    Returns:
        Flask-SQLAlchemy's :class:`Pagination`: ``items``, ``page``, ``pages``, ``total``.

    Raises:
        NotFound: (404) a page below 1, above :data:`MAX_PAGE`, or past the last one (page 1
            of an empty list is a page, with no items).
    """
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= MAX_PAGE:
        abort(404, description="There is no such page.")
    return db.paginate(select, page=page, per_page=current_app.config["PER_PAGE"], error_out=True)

"""Query helpers shared by the API's resources: pages of results and lookups by id."""

from collections.abc import Sequence
from typing import Any, TypeVar

from flask_smorest import abort
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select, func

from ..extensions import MAX_ID, db

T = TypeVar("T")


def page_of(select: Select[Any], pagination: PaginationParameters) -> Sequence[Any]:
    """Run ``select`` for the requested page and record the total for the X-Pagination header.

    A page past the end is empty (and never queried: a huge page number overflows an OFFSET).
    """
    total = db.session.scalar(db.select(func.count()).select_from(select.order_by(None).subquery()))
    pagination.item_count = total
    if pagination.first_item >= total:
        return []
    return db.session.scalars(
        select.limit(pagination.page_size).offset(pagination.first_item)
    ).all()


def one_or_404(select: Select[Any], what: str) -> Any:
    """The single row ``select`` finds, or a 404 that says ``what`` was not found."""
    found = db.session.scalar(select)
    if found is None:
        abort(404, message=f"{what} not found.")
    return found


def valid_id_or_404(item_id: int, what: str) -> int:
    """``item_id`` itself, or a 404 when it is too large to be a database id."""
    if item_id > MAX_ID:
        abort(404, message=f"{what} not found.")
    return item_id

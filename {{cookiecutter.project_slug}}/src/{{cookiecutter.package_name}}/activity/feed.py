"""Activity events as MongoDB documents, in the ``activity`` collection of ``MONGODB_URI``'s
database. One document per event::

    {"user_id": 42, "kind": "login", "at": datetime (UTC), "ip": "203.0.113.7"}

``flask mongo-init`` creates the index the feed page reads by (:func:`ensure_indexes`).
"""

from datetime import datetime, timezone
from typing import Any, TypedDict

from flask import current_app, request
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from ..models import User
from .client import mongo

COLLECTION = "activity"
#: The kinds of event the app records.
KINDS = frozenset({"register", "login", "logout"})
#: How many events the feed page shows.
FEED_LENGTH = 20
#: Serves "this user's events, newest first" without a collection scan.
INDEXES = [
    IndexModel([("user_id", ASCENDING), ("at", DESCENDING), ("_id", DESCENDING)], name="user_at"),
]


def events() -> Collection[dict[str, Any]]:
    """The ``activity`` collection of the current app's MongoDB database."""
    return mongo.db[COLLECTION]


def record_event(user: User, kind: str) -> bool:
    """Store that ``user`` did ``kind`` (one of :data:`KINDS`) just now, from this request's IP.

    Returns whether it was stored. A MongoDB failure is logged and swallowed: signing in or out
    must never depend on the feed.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown activity kind {kind!r}: use one of {sorted(KINDS)}")
    document = {
        "user_id": user.id,
        "kind": kind,
        "at": datetime.now(timezone.utc),
        "ip": request.remote_addr,
    }
    try:
        events().insert_one(document)
    except PyMongoError as error:
        current_app.logger.warning(
            "activity feed unavailable, %s of user %s not recorded: %s",
            kind,
            user.id,
            type(error).__name__,
        )
        return False
    return True


class FeedQuery(TypedDict):
    """A ``find`` on the collection: filter, projection, sort keys and the number of documents."""

    filter: dict[str, Any]
    projection: dict[str, bool]
    sort: list[tuple[str, int]]
    limit: int


def feed_query(user_id: int, limit: int = FEED_LENGTH) -> FeedQuery:
    """The query of a user's feed: only ``user_id``'s events, newest first (ties by ``_id``,
    the insertion order), at most ``limit`` (at least 1), without MongoDB's ``_id``.

    Raises:
        ValueError: ``limit`` is below 1 (MongoDB reads 0 as "no limit").
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    return FeedQuery(
        filter={"user_id": user_id},
        projection={"_id": False},
        sort=[("at", DESCENDING), ("_id", DESCENDING)],
        limit=limit,
    )


def recent_events(user_id: int, limit: int = FEED_LENGTH) -> list[dict[str, Any]]:
    """The user's latest ``limit`` events (:func:`feed_query`).

    Raises:
        ValueError: ``limit`` is below 1.
        pymongo.errors.PyMongoError: MongoDB is unreachable or refused the query.
    """
    query = feed_query(user_id, limit)
    cursor = events().find(query["filter"], query["projection"])
    return list(cursor.sort(query["sort"]).limit(query["limit"]))


def ensure_indexes() -> list[str]:
    """Create :data:`INDEXES` (a no-op when they exist); returns their names.

    Raises:
        pymongo.errors.PyMongoError: MongoDB is unreachable, or an index of the same name
            exists with other keys.
    """
    return events().create_indexes(INDEXES)

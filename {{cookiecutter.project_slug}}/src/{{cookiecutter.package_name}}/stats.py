"""Site statistics, cached: how many users hold each role (the admin page).

Counting users is a query on every view of that page, so the result is kept in the cache
(Flask-Caching, ``CACHE_TYPE``) for ``CACHE_DEFAULT_TIMEOUT`` seconds. Everything that changes
the numbers (registering, a role change, ``flask create-admin``) calls
:func:`invalidate_user_stats`, so pages never show stale counts. A failing cache (say, its
server is down) is logged and bypassed: the numbers then come straight from the database.
"""

from typing import TypedDict

from flask import current_app

from .extensions import cache, db
from .models import Role, User

#: Cache key of the user statistics.
USER_STATS_KEY = "stats:users"


class UserStats(TypedDict):
    """``total`` users and the number holding each role, by role name."""

    total: int
    by_role: dict[str, int]


#: Users per role name, roles without users included. Built once: building a statement costs
#: about as much as running this one (SQLAlchemy caches the compiled form, not the statement).
USERS_BY_ROLE = (
    db.select(Role.name, db.func.count(User.id))
    .outerjoin(User, User.role_id == Role.id)
    .group_by(Role.name)
    .order_by(Role.name)
)


def count_users() -> UserStats:
    """Count users per role in the database (roles without users count 0)."""
    rows = db.session.execute(USERS_BY_ROLE).all()
    by_role = {name: count for name, count in rows}
    return {"total": sum(by_role.values()), "by_role": by_role}


def user_stats() -> UserStats:
    """The user statistics from the cache, counted and cached on a miss."""
    try:
        stats: UserStats | None = cache.get(USER_STATS_KEY)
    except Exception:  # any cache backend failure: serve from the database instead
        current_app.logger.warning("cache unavailable; counting users in the database")
        return count_users()
    if stats is None:
        stats = count_users()
        try:
            cache.set(USER_STATS_KEY, stats)
        except Exception:  # the page still renders; the next view tries again
            current_app.logger.warning("cache unavailable; user statistics not cached")
    return stats


def invalidate_user_stats() -> None:
    """Drop the cached statistics; call after any change to users or their roles."""
    try:
        cache.delete(USER_STATS_KEY)
    except Exception:  # the entry then expires after CACHE_DEFAULT_TIMEOUT seconds
        current_app.logger.warning("cache unavailable; cached user statistics not cleared")

"""Audit events: every login and logout, written in the request's own database transaction.

Flask-Login's ``user_logged_in`` / ``user_logged_out`` signals call :func:`record_request_event`,
which inserts the row and commits with the request, never through the broker: a broker that is
down or hung, or a worker killed mid-task, cannot lose an event or slow a login. Celery beat
runs :func:`prune_audit_events` later, to keep the table at ``AUDIT_RETENTION_DAYS``.
"""

from datetime import datetime, timedelta
from typing import Any, cast

from celery import shared_task
from flask import Flask, current_app, request
from flask_login import AnonymousUserMixin, user_logged_in, user_logged_out
from sqlalchemy import CursorResult
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models.user import User, utcnow
from .models import AuditEvent


def save_audit_event(
    user_id: int | None,
    action: str,
    created_at: datetime,
    ip: str | None = None,
    user_agent: str | None = None,
) -> int:
    """Insert one audit event and commit; returns its id. ``created_at`` is aware, in UTC.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the insert or commit failed; the session is rolled back.
    """
    event = AuditEvent(
        user_id=user_id,
        action=action,
        created_at=created_at,
        ip=ip,
        user_agent=user_agent,
    )
    db.session.add(event)
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise
    return event.id


@shared_task(
    autoretry_for=(SQLAlchemyError,),
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def prune_audit_events(days: int | None = None) -> int:
    """Periodic task: delete audit events older than ``days`` (default ``AUDIT_RETENTION_DAYS``)
    and return how many. A database error rolls back and is retried 5 times with exponential
    backoff (at most 60 s apart); after that the failure is in the worker's log and the next
    hourly run tries again."""
    if days is None:
        days = current_app.config["AUDIT_RETENTION_DAYS"]
    cutoff = utcnow() - timedelta(days=days)
    try:
        result = db.session.execute(db.delete(AuditEvent).where(AuditEvent.created_at < cutoff))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise
    # A DELETE's result is a CursorResult; scoped_session.execute is typed as a plain Result.
    return cast(CursorResult[Any], result).rowcount


def record_request_event(action: str, user_id: int) -> int:
    """Store ``action`` by ``user_id`` with the current request's client address and user agent
    (the first 256 characters), in this request's transaction; returns the event's id.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database refused the row (rolled back); the request
            answers 503 like any other database failure.
    """
    return save_audit_event(
        user_id,
        action,
        utcnow(),
        ip=request.remote_addr,
        user_agent=request.user_agent.string[:256] or None,
    )


def on_login(sender: Flask, user: User, **extra: object) -> None:
    record_request_event("login", user.id)


def on_logout(sender: Flask, user: User | AnonymousUserMixin, **extra: object) -> None:
    if isinstance(user, User):  # logging out while logged out sends the anonymous user
        record_request_event("logout", user.id)


def connect_signals(app: Flask) -> None:
    """Record logins and logouts of ``app``."""
    user_logged_in.connect(on_login, app)
    user_logged_out.connect(on_logout, app)

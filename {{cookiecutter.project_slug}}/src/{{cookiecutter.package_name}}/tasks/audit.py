"""Audit events: login and logout are recorded by a task, off the request path.

Flask-Login's ``user_logged_in`` / ``user_logged_out`` signals call :func:`send_audit_event`,
which queues :func:`record_audit_event`. When the broker cannot take the message (down,
unreachable), the login still succeeds: the event is written synchronously instead and a
warning is logged, so no event is lost. :func:`prune_audit_events` runs under Celery beat.
"""

import logging
from datetime import datetime, timedelta

from celery import shared_task
from flask import Flask, current_app, request
from flask_login import user_logged_in, user_logged_out
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models.user import utcnow
from .models import AuditEvent

logger = logging.getLogger(__name__)


def save_audit_event(
    user_id: int | None,
    action: str,
    created_at: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> int:
    """Insert one audit event and commit; returns its id. ``created_at`` is ISO 8601."""
    event = AuditEvent(
        user_id=user_id,
        action=action,
        created_at=datetime.fromisoformat(created_at),
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
def record_audit_event(
    user_id: int | None,
    action: str,
    created_at: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> int:
    """Task: store an audit event; a database error is retried 5 times with backoff."""
    return save_audit_event(user_id, action, created_at, ip, user_agent)


@shared_task(ignore_result=True)
def prune_audit_events(days: int | None = None) -> int:
    """Periodic task: delete audit events older than ``AUDIT_RETENTION_DAYS``; returns how many."""
    if days is None:
        days = current_app.config["AUDIT_RETENTION_DAYS"]
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(db.delete(AuditEvent).where(AuditEvent.created_at < cutoff))
    db.session.commit()
    return result.rowcount


def send_audit_event(action: str, user_id: int) -> None:
    """Queue an audit event for the current request; record it here if the broker fails."""
    event = {
        "user_id": user_id,
        "action": action,
        "created_at": utcnow().isoformat(),
        "ip": request.remote_addr,
        "user_agent": request.user_agent.string[:256] or None,
    }
    try:
        record_audit_event.apply_async(kwargs=event, retry=False)
    except Exception as error:  # any broker failure: the event must not be lost
        logger.warning(
            "audit event %r for user %s not queued (%s: %s); recorded synchronously",
            action,
            user_id,
            type(error).__name__,
            error,
        )
        save_audit_event(**event)


def on_login(sender: Flask, user: object, **extra: object) -> None:
    send_audit_event("login", user.id)


def on_logout(sender: Flask, user: object, **extra: object) -> None:
    if getattr(user, "is_authenticated", False):  # logging out while logged out sends anonymous
        send_audit_event("logout", user.id)


def connect_signals(app: Flask) -> None:
    """Record logins and logouts of ``app``."""
    user_logged_in.connect(on_login, app)
    user_logged_out.connect(on_logout, app)

"""What happened and who started what: audit events (login, logout) and the task runs a user
started, so the task status API only answers for ids it issued."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models.user import User, utcnow


class AuditEvent(Model):
    """One security-relevant action by a user, e.g. ``login`` or ``logout``."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user: Mapped[User | None] = relationship(lazy="joined")
    action: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(256))

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} user={self.user_id}>"


class TaskRun(Model):
    """A background task a user started; its state lives in the Celery result backend."""

    __tablename__ = "task_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<TaskRun {self.name} {self.task_id}>"

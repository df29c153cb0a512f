"""E-mails sent on a visitor's request, the record :mod:`..auth.mail_limits` counts."""

from sqlalchemy import Double, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class MailEvent(Model):
    """One account e-mail (confirmation, password reset, change of address), counted under one
    rate-limit key (an address or a client).

    Rows older than ``MAIL_LIMIT_WINDOW`` no longer count and are deleted as new events of the
    same key come in.
    """

    __tablename__ = "mail_events"
    __table_args__ = (Index("ix_mail_events_key_sent_at", "key", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(320))
    #: When, in seconds since the epoch (a float, the same on every database).
    sent_at: Mapped[float] = mapped_column(Double)

    def __repr__(self) -> str:
        return f"<MailEvent {self.key}>"

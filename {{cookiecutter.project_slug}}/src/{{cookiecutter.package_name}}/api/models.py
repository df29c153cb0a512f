"""The API's own model: the API tokens revoked before they expire (a blocklist keyed by the
token's ``jti`` claim). Notes, which the API also serves, are the core's (``models/note.py``)."""

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model, db
from ..models.user import utcnow


class RevokedToken(Model):
    """One revoked token. Rows whose ``expires_at`` has passed can be deleted at any time."""

    __tablename__ = "revoked_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    jti: Mapped[str] = mapped_column(String(64), unique=True)
    token_type: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None]
    revoked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<RevokedToken {self.jti}>"

    @classmethod
    def is_revoked(cls, jti: str) -> bool:
        """Return whether the token with this ``jti`` has been revoked."""
        return db.session.scalar(db.select(cls.id).filter_by(jti=jti)) is not None

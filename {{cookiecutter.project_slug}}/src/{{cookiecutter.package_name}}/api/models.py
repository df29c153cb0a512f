"""The API's models: notes, short texts a user writes and only that user can read or change,
and the API tokens revoked before they expire (a blocklist keyed by the token's ``jti`` claim)."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from ..models.user import User, utcnow

#: Longest title and body, in characters; the API refuses longer ones with 422.
TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000


class Note(Model):
    """A note owned by one user; deleting the user deletes their notes."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    owner: Mapped[User] = relationship()
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    def __repr__(self) -> str:
        return f"<Note {self.id} of user {self.owner_id}>"


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

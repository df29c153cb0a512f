"""Notes: short texts a user writes and only that user can read, change or delete. The pages
(``notes/``) and, when present, the REST API both work on this model with the same limits."""

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Select, String, Text
from sqlalchemy import select as select_sql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .user import User, utcnow

#: Longest title and body, in characters; the forms and the API refuse longer ones.
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

    @classmethod
    def owned_by(cls, owner_id: int, title_contains: str | None = None) -> Select[Any]:
        """The statement selecting the notes of user ``owner_id``, newest first.

        Args:
            owner_id: the owner's user id.
            title_contains: when given and not empty, only notes whose title holds it, in any
                case; ``%`` and ``_`` in it are matched literally.
        """
        select = select_sql(cls).where(cls.owner_id == owner_id)
        if title_contains:
            select = select.where(cls.title.icontains(title_contains, autoescape=True))
        return select.order_by(cls.created_at.desc(), cls.id.desc())

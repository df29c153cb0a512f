"""Failed logins, the record :mod:`..auth.throttle` counts."""

from sqlalchemy import Double, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class LoginFailure(Model):
    """One failed login, counted under one throttle key (an account, a client, or the pair).

    Rows older than ``LOGIN_THROTTLE_WINDOW`` no longer count and are deleted as new failures
    of the same key come in.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_failed_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(320))
    #: When, in seconds since the epoch (a float, the same on every database).
    failed_at: Mapped[float] = mapped_column(Double)

    def __repr__(self) -> str:
        return f"<LoginFailure {self.key}>"

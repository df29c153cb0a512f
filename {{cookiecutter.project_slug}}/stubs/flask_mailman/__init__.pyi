# The parts of Flask-Mailman 1.1 this app uses; the package ships no type information.
from collections.abc import Sequence
from typing import Any

from flask import Flask

class Mail:
    def __init__(self, app: Flask | None = None) -> None: ...
    def init_app(self, app: Flask) -> Any: ...

class EmailMessage:
    def __init__(
        self,
        subject: str = "",
        body: str = "",
        from_email: str | None = None,
        to: Sequence[str] | None = None,
        bcc: Sequence[str] | None = None,
        connection: Any = None,
        attachments: Sequence[Any] | None = None,
        headers: dict[str, str] | None = None,
        cc: Sequence[str] | None = None,
        reply_to: Sequence[str] | None = None,
    ) -> None: ...
    def send(self, fail_silently: bool = False) -> int: ...

class EmailMultiAlternatives(EmailMessage):
    def attach_alternative(self, content: str, mimetype: str) -> None: ...

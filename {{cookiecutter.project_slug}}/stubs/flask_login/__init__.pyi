# The parts of Flask-Login 0.6 this app uses; the package ships no type information.
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from blinker import NamedSignal
from flask import Flask
from werkzeug.wrappers import Response

_F = TypeVar("_F", bound=Callable[..., Any])
_Loader = TypeVar("_Loader", bound=Callable[[str], Any])

class UserMixin:
    @property
    def is_active(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_anonymous(self) -> bool: ...
    def get_id(self) -> str: ...

class AnonymousUserMixin:
    @property
    def is_active(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_anonymous(self) -> bool: ...
    def get_id(self) -> None: ...

class LoginManager:
    login_view: str | None
    login_message: str
    login_message_category: str
    session_protection: str | None
    def __init__(self, app: Flask | None = None, add_context_processor: bool = True) -> None: ...
    def init_app(self, app: Flask, add_context_processor: bool = True) -> None: ...
    def user_loader(self, callback: _Loader) -> _Loader: ...
    # Redirects to login_view (or aborts with 401 when there is none).
    def unauthorized(self) -> Response: ...

# The app's user model or an AnonymousUserMixin, behind a proxy: the class is the app's choice.
current_user: Any

user_logged_in: NamedSignal
user_logged_out: NamedSignal

def login_user(
    user: Any,
    remember: bool = False,
    duration: timedelta | None = None,
    force: bool = False,
    fresh: bool = True,
) -> bool: ...
def logout_user() -> bool: ...
def login_required(func: _F) -> _F: ...

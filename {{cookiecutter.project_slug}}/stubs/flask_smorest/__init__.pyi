# The parts of flask-smorest this app uses; the package ships no type information.
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar

import flask
from marshmallow import Schema

from .pagination import Page

_F = TypeVar("_F", bound=Callable[..., Any])
_Schema = type[Schema] | Schema

class Blueprint(flask.Blueprint):
    def __init__(
        self, name: str, import_name: str, *args: Any, description: str | None = None, **kwargs: Any
    ) -> None: ...
    # Also takes a MethodView class, which Flask's own route does not.
    def route(
        self,
        rule: str,
        *,
        parameters: list[Any] | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> Callable[[_F], _F]: ...
    def arguments(
        self,
        schema: _Schema,
        *,
        location: str = "json",
        content_type: str | None = None,
        required: bool = True,
        description: str | None = None,
        example: Any = None,
        examples: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Callable[[_F], _F]: ...
    def response(
        self,
        status_code: int | str,
        schema: _Schema | None = None,
        *,
        content_type: str | None = None,
        description: str | None = None,
        example: Any = None,
        examples: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> Callable[[_F], _F]: ...
    def alt_response(
        self,
        status_code: int | str,
        response: _Schema | str | None = None,
        *,
        schema: _Schema | None = None,
        description: str | None = None,
        example: Any = None,
        examples: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        success: bool = False,
    ) -> Callable[[_F], _F]: ...
    def paginate(
        self,
        pager: type[Page] | None = None,
        *,
        page: int | None = None,
        page_size: int | None = None,
        max_page_size: int | None = None,
    ) -> Callable[[_F], _F]: ...
    @staticmethod
    def doc(**kwargs: Any) -> Callable[[_F], _F]: ...

class Api:
    def __init__(
        self,
        app: flask.Flask | None = None,
        *,
        spec_kwargs: Mapping[str, Any] | None = None,
        config_prefix: str = "",
    ) -> None: ...
    def init_app(
        self, app: flask.Flask, *, spec_kwargs: Mapping[str, Any] | None = None
    ) -> None: ...
    def register_blueprint(
        self, blp: Blueprint, *, parameters: list[Any] | None = None, **kwargs: Any
    ) -> None: ...

# Raises the HTTPException for the status; message, errors and headers go into its data.
def abort(http_status_code: int, exc: Exception | None = None, **kwargs: Any) -> NoReturn: ...

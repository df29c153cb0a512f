"""Fixtures of the API tests: bearer tokens and the API's error shape."""

import pytest
from flask import Flask
from flask_jwt_extended import create_access_token, create_refresh_token
from werkzeug.test import TestResponse

from {{ cookiecutter.package_name }}.models import User


class ApiActions:
    """Bearer tokens for the API, made directly (the token endpoint is rate limited)."""

    def headers(self, user: User) -> dict[str, str]:
        """``Authorization`` header with a fresh access token for ``user``."""
        return {"Authorization": f"Bearer {create_access_token(identity=user)}"}

    def refresh_headers(self, user: User) -> dict[str, str]:
        """``Authorization`` header with a fresh refresh token for ``user``."""
        return {"Authorization": f"Bearer {create_refresh_token(identity=user)}"}


@pytest.fixture
def api(app: Flask) -> ApiActions:
    """Helper with ``headers(user)`` and ``refresh_headers(user)``."""
    return ApiActions()


def assert_error(response: TestResponse, code: int, status: str) -> dict:
    """Check ``response`` is a JSON error in the API's one shape; return its body."""
    assert response.status_code == code
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == code
    assert body["status"] == status
    assert isinstance(body["message"], str)
    assert body["message"]
    assert set(body) <= {"code", "status", "message", "errors"}
    return body

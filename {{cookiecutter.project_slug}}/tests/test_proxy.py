"""X-Forwarded-* headers count only when the config says how many proxies set them."""

import pytest
from flask import Flask, request

from {{ cookiecutter.package_name }} import create_app

FORWARDED = {
    "X-Forwarded-For": "203.0.113.7, 10.0.0.2",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "app.example.com",
}


def seen_by_app(app: Flask) -> dict:
    """What a view sees of the client behind the headers in :data:`FORWARDED`."""

    @app.get("/_client")
    def client_view():
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

    return app.test_client().get("/_client", headers=FORWARDED).get_json()


def test_headers_are_ignored_by_default():
    seen = seen_by_app(create_app("testing"))
    assert seen == {"addr": "127.0.0.1", "scheme": "http", "host": "localhost"}


def test_one_trusted_proxy_takes_its_entry_of_each_header():
    app = create_app("testing", PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1, PROXY_FIX_X_HOST=1)
    seen = seen_by_app(app)
    # The last X-Forwarded-For entry is the one our proxy added; earlier ones are the client's.
    assert seen == {"addr": "10.0.0.2", "scheme": "https", "host": "app.example.com"}


@pytest.mark.parametrize(("value", "addr"), [("1", "10.0.0.2"), ("2", "203.0.113.7")])
def test_proxy_count_comes_from_the_environment(monkeypatch, value, addr):
    monkeypatch.setenv("FLASK_PROXY_FIX_X_FOR", value)
    assert seen_by_app(create_app("testing"))["addr"] == addr

import logging

import pytest

from .conftest import SIGN_IN, unreachable_database_url


def test_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "404 Not Found" in response.text
    assert "<nav" in response.text


def test_405_page(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "405 Method Not Allowed" in response.text
    assert response.headers["Allow"]


@pytest.mark.own_app
def test_unexpected_error_is_logged_and_answered_500(app, caplog):
    @app.route("/boom")
    def boom():
        raise RuntimeError("kaput")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "500 Internal Server Error" in response.text
    assert "kaput" not in response.text
    assert any(record.exc_info and "kaput" in str(record.exc_info[1]) for record in caplog.records)


def test_the_database_down_is_a_503_page_with_retry_after(make_app, capsys):
    app = make_app(SQLALCHEMY_DATABASE_URI=unreachable_database_url())
    # Signing in looks the address up: the first query of a visitor's request.
    response = app.test_client().post("/auth/login", data=SIGN_IN)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "A service this page needs is not answering" in response.text
    assert "<!doctype html>" in response.text
    assert "service unavailable: OperationalError" in capsys.readouterr().out

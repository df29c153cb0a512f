import logging


def test_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "404 Not Found" in response.text
    assert "<nav" in response.text


def test_405_page(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "405 Method Not Allowed" in response.text


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

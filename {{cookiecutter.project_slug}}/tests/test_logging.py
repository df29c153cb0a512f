import json
import logging
import re

import pytest

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.logging import ContextFilter


def test_logs_go_to_stdout_at_the_configured_level(capsys):
    app = create_app("testing", LOG_LEVEL="INFO")
    root = logging.getLogger()
    assert root.level == logging.INFO
    app.logger.info("hello from the app")
    app.logger.debug("not shown")
    out = capsys.readouterr().out
    assert "INFO [{{ cookiecutter.package_name }}] hello from the app" in out
    assert "not shown" not in out
    # Alembic's plugin announcements are kept out of every `flask` command's output.
    assert logging.getLogger("alembic.runtime.plugins").getEffectiveLevel() == logging.WARNING
{%- if cookiecutter.celery_broker != "none" %}


def test_debug_level_leaves_out_celerys_signature_dumps(capsys):
    app = create_app("testing", LOG_LEVEL="DEBUG")
    assert logging.getLogger().level == logging.DEBUG
    assert logging.getLogger("celery.utils.functional").getEffectiveLevel() == logging.INFO
    app.logger.debug("shown at DEBUG")
    assert "shown at DEBUG" in capsys.readouterr().out
{%- endif %}


def served_lines(app, capsys, path="/", **request):
    """The response to ``path`` and every line the app logged while serving it, each parsed as
    JSON (a line that is not JSON fails the test)."""
    capsys.readouterr()
    response = app.test_client().get(path, **request)
    app.logger.warning("served %s", path)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return response, lines


def test_production_logs_one_json_object_per_line_with_the_request_id(capsys):
    app = create_app("production", SECRET_KEY="p" * 64, MAIL_SERVER="127.0.0.1")

    @app.get("/logged")
    def logged():
        app.logger.info("inside the view")
        app.logger.warning('a warning with a quote " and a newline\nin it')
        return "ok"

    response, lines = served_lines(
        app, capsys, "/logged", environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    inside = [line for line in lines if line["logger"] == app.logger.name]
    assert [line["message"] for line in inside[:2]] == [
        "inside the view",
        'a warning with a quote " and a newline\nin it',
    ]
    for line in inside[:2]:
        assert line["request_id"] == request_id
        assert line["user_id"] is None
        assert line["remote_addr"] == "203.0.113.9"
        assert line["level"] in {"INFO", "WARNING"}
        assert line["time"].endswith("+00:00")
    # Outside a request the fields are there, empty.
    assert lines[-1]["message"] == "served /logged"
    assert lines[-1]["request_id"] is None
    assert lines[-1]["remote_addr"] is None


def test_each_request_gets_its_own_id_and_a_clients_id_is_not_trusted(app, client):
    first = client.get("/", headers={"X-Request-ID": "chosen-by-client"})
    second = client.get("/")
    ids = {first.headers["X-Request-ID"], second.headers["X-Request-ID"]}
    assert len(ids) == 2
    assert "chosen-by-client" not in ids


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("3f2a9c1e-77b0-4c1d-9a55-0e8e2d1c6b4a", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("two words", False),
        ('quote"d', False),
        ("", False),
    ],
)
def test_a_trusted_proxys_id_is_kept_when_it_looks_like_one(app, client, sent, kept):
    app.config["TRUST_REQUEST_ID"] = True
    echoed = client.get("/", headers={"X-Request-ID": sent}).headers["X-Request-ID"]
    assert (echoed == sent) is kept
    assert re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", echoed)


@pytest.mark.own_app
def test_the_logged_in_users_id_is_on_the_lines_of_their_requests(app, client, auth, make_user):
    user = make_user()

    @app.get("/logged")
    def logged():
        app.logger.warning("inside the view")
        return "ok"

    records: list[logging.LogRecord] = []
    keeper = logging.Handler()
    keeper.emit = records.append  # type: ignore[method-assign]
    keeper.addFilter(ContextFilter())
    logging.getLogger().addHandler(keeper)
    try:
        client.get("/logged")
        auth.login()
        client.get("/logged")
    finally:
        logging.getLogger().removeHandler(keeper)
    views = [record for record in records if record.getMessage() == "inside the view"]
    # The id column: get_id() is the session token, which must never reach a log.
    assert [record.user_id for record in views] == [None, user.id]
    assert all(record.request_id for record in views)


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT must be 'json' or 'text', not 'xml'"):
        create_app("testing", LOG_FORMAT="xml")

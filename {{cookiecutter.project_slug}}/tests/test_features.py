"""The points where a feature plugs into the core: ``FEATURES``, settings, readiness checks,
error responders, admin sections and navigation links."""

import sys
import types

import pytest
from flask import Blueprint, Flask
from jinja2 import ChoiceLoader, DictLoader

import {{ cookiecutter.package_name }}
from {{ cookiecutter.package_name }} import admin, config, errors, health
from {{ cookiecutter.package_name }}.main import add_nav_link

from .conftest import PASSWORD


class StubSettings:
    STUB_URL = "stub://class-default"
    STUB_TIMEOUT = 2
    STUB_OPTIONS = {"a": 1, "b": 2}


class StubTestingSettings(StubSettings):
    STUB_TIMEOUT = 0


def test_each_listed_feature_is_set_up_after_the_core(monkeypatch, make_app):
    seen: list[Flask] = []

    def init_app(app: Flask) -> None:
        seen.append(app)
        app.config["STUB"] = "set up"

    stub = types.ModuleType("{{ cookiecutter.package_name }}.stub")
    stub.init_app = init_app
    monkeypatch.setitem(sys.modules, stub.__name__, stub)
    features = [*{{ cookiecutter.package_name }}.FEATURES, "stub"]
    monkeypatch.setattr({{ cookiecutter.package_name }}, "FEATURES", features)
    app = make_app()
    assert seen == [app]
    assert app.config["STUB"] == "set up"
    # The core was there first: its blueprints and extensions are registered.
    assert "health" in app.blueprints


def test_feature_settings_come_beneath_environment_instance_file_and_overrides(
    monkeypatch, tmp_path
):
    def settled(**overrides: object) -> Flask:
        app = Flask(
            __name__, instance_path=str(tmp_path / "instance"), instance_relative_config=True
        )
        config.load(app, "development", overrides)
        config.add_settings(
            app, StubSettings, StubTestingSettings, environ={"STUB_URL": "STUB_URL"}
        )
        return app

    assert settled().config["STUB_URL"] == "stub://class-default"
    assert settled().config["STUB_TIMEOUT"] == 2
    monkeypatch.setenv("STUB_URL", "stub://environment")
    assert settled().config["STUB_URL"] == "stub://environment"
    monkeypatch.setenv("FLASK_STUB_URL", "stub://flask-prefixed")
    monkeypatch.setenv("FLASK_STUB_OPTIONS__b", "3")
    app = settled()
    assert app.config["STUB_URL"] == "stub://flask-prefixed"
    # A dict setting is merged key by key, and the class attribute is never changed.
    assert app.config["STUB_OPTIONS"] == {"a": 1, "b": 3}
    assert StubSettings.STUB_OPTIONS == {"a": 1, "b": 2}
    (tmp_path / "instance" / "config.py").write_text('STUB_URL = "stub://instance"\n')
    assert settled().config["STUB_URL"] == "stub://instance"
    assert settled(STUB_URL="stub://override").config["STUB_URL"] == "stub://override"
    assert settled(TESTING=True).config["STUB_TIMEOUT"] == 0


def test_environment_variable_can_set_one_key_of_a_dict_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("STUB_A", "from the environment")
    app = Flask(__name__, instance_path=str(tmp_path))
    config.add_settings(app, StubSettings, environ={"STUB_A": "STUB_OPTIONS.a"})
    assert app.config["STUB_OPTIONS"] == {"a": "from the environment", "b": 2}


def test_readiness_runs_checks_features_add(make_app, capsys):
    app = make_app()

    def broken() -> None:
        raise ConnectionError("stub server down\nsecond line")

    health.add_check(app, "stub", broken)
    assert list(health.registered_checks(app))[-1] == "stub"
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.json["checks"]["stub"]["status"] == "fail"
    log = capsys.readouterr().out
    assert "readiness check stub failed: ConnectionError: stub server down" in log


def test_error_responder_answers_its_errors_and_passes_on_the_rest(make_app):
    app = make_app()
    errors.add_responder(app, lambda error: None)
    errors.add_responder(
        app, lambda error: ({"stub": error.code}, error.code) if error.code == 404 else None
    )
    client = app.test_client()
    assert client.get("/no/such/page").json == {"stub": 404}
    response = client.delete("/")
    assert response.status_code == 405
    assert "405 Method Not Allowed" in response.text


@pytest.mark.own_app
def test_admin_section_renders_below_the_users(app, client, auth, make_user):
    make_user("admin@example.com", role="admin")
    loader = DictLoader({"stub/section.html": "<h2>Stub</h2>"})
    app.jinja_loader = ChoiceLoader([loader, app.jinja_loader])
    views: list[int] = []
    admin.add_section(app, "stub/section.html", lambda: views.append(1) or {})
    auth.login("admin@example.com", PASSWORD)
    page = client.get("/admin/").text
    assert views == [1]
    assert "<h2>Stub</h2>" in page
    assert page.index(">Users</h2>") < page.index("<h2>Stub</h2>")


@pytest.mark.own_app
@pytest.mark.parametrize("signed_in", [True, False])
def test_nav_link_shows_for_signed_in_users_once_its_blueprint_is_registered(
    app, client, auth, make_user, signed_in
):
    stub = Blueprint("stub", __name__)
    stub.add_url_rule("/", "index", lambda: "stub page")
    add_nav_link(stub, "stub.index", "Stub page", "What the stub page offers.")
    app.register_blueprint(stub, url_prefix="/stub")
    make_user()
    if signed_in:
        auth.login()
    home = client.get("/").text
    # In the navigation bar, and as a card of the dashboard with its description.
    assert home.count('href="/stub/"') == (2 if signed_in else 0)
    assert ("What the stub page offers." in home) is signed_in

import pytest

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.config import ConfigError, check_secret_key
{%- if cookiecutter.database != "sqlite" %}
from {{ cookiecutter.package_name }}.extensions import db
{%- endif %}

GOOD_KEY = "k" * 64


def test_config_classes_by_name():
    assert create_app("testing").testing
    assert create_app("development").config["LOG_LEVEL"] == "DEBUG"


def test_default_config_comes_from_app_config_variable(monkeypatch):
    assert create_app().config["LOG_LEVEL"] == "DEBUG"
    monkeypatch.setenv("APP_CONFIG", "testing")
    assert create_app().testing


def test_unknown_config_name_is_refused():
    with pytest.raises(ConfigError, match="unknown config 'staging': use one of"):
        create_app("staging")


{% if cookiecutter.database == "sqlite" -%}
def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    app = create_app("development")
    assert app.instance_path == str(tmp_path / "instance")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/instance/app.db"
    assert (tmp_path / "instance").is_dir()
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
{% else -%}
def test_default_database_is_the_local_server(tmp_path):
    app = create_app("development")
    assert app.instance_path == str(tmp_path / "instance")
    assert (tmp_path / "instance").is_dir()
{%- if cookiecutter.database == "postgresql" %}
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://postgres@127.0.0.1:5432/{{ cookiecutter.package_name }}"
    )
{%- else %}
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "mysql+pymysql://root@127.0.0.1:3306/{{ cookiecutter.package_name }}?charset=utf8mb4"
    )
{%- endif %}


def test_engine_survives_restarts_and_gives_up_connecting(app):
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    assert 0 < options["pool_recycle"] <= 3600
    assert options["connect_args"]["connect_timeout"] == 5
    assert db.engine.pool._pre_ping is True
{% endif %}

@pytest.mark.parametrize("url", ["not a url", "nosuchdriver://host/db"])
def test_unusable_database_url_is_refused_in_one_line(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError) as raised:
        create_app("production", SECRET_KEY=GOOD_KEY)
    assert str(raised.value).startswith("DATABASE_URL cannot be used: ")
    assert "\n" not in str(raised.value)


def test_cache_is_configurable(monkeypatch):
{%- if cookiecutter.use_redis %}
    assert create_app("development").config["CACHE_TYPE"] == "RedisCache"
{%- else %}
    assert create_app("development").config["CACHE_TYPE"] == "NullCache"
{%- endif %}
    # Redis's CACHE_OPTIONS (socket timeouts) suit a server backend; NullCache takes any.
    other = "{{ 'NullCache' if cookiecutter.use_redis else 'SimpleCache' }}"
    monkeypatch.setenv("FLASK_CACHE_TYPE", other)
    monkeypatch.setenv("FLASK_CACHE_DEFAULT_TIMEOUT", "60")
    app = create_app("development")
    assert app.config["CACHE_TYPE"] == other
    assert app.config["CACHE_DEFAULT_TIMEOUT"] == 60


def test_precedence_class_then_env_then_instance_file_then_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-database-url.db")
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-database-url.db"

    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", "sqlite:///from-flask-env.db")
    monkeypatch.setenv("FLASK_LOG_LEVEL", "ERROR")
    monkeypatch.setenv("FLASK_MAX_CONTENT_LENGTH", "1048576")
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-flask-env.db"
    assert app.config["LOG_LEVEL"] == "ERROR"
    assert app.config["MAX_CONTENT_LENGTH"] == 1048576

    (tmp_path / "instance" / "config.py").write_text('LOG_LEVEL = "CRITICAL"\n')
    app = create_app("development")
    assert app.config["LOG_LEVEL"] == "CRITICAL"

    app = create_app("development", LOG_LEVEL="WARNING")
    assert app.config["LOG_LEVEL"] == "WARNING"


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "short-key", "x" * 31, b"k" * 64])
def test_production_refuses_missing_placeholder_or_short_secret_key(monkeypatch, key):
    if key is not None:
        monkeypatch.setenv("FLASK_SECRET_KEY", key) if isinstance(key, str) else None
    overrides = {"SECRET_KEY": key} if isinstance(key, bytes) else {}
    with pytest.raises(ConfigError) as raised:
        create_app("production", **overrides)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("SECRET_KEY is missing, a placeholder or shorter than 32")
    # The fix it names, word for word: the command prints a key the check accepts.
    assert message.endswith('`python -c "import secrets; print(secrets.token_hex(32))"`')


def test_production_accepts_a_real_key_and_secures_cookies(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", GOOD_KEY)
    app = create_app("production")
    assert app.config["SECRET_KEY"] == GOOD_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert not app.debug


@pytest.mark.parametrize("method", ["pbkdf2:sha256:1", "pbkdf2:sha256:599999", "plain", None])
def test_production_refuses_a_cheap_password_hash(monkeypatch, method):
    monkeypatch.setenv("FLASK_SECRET_KEY", GOOD_KEY)
    with pytest.raises(ConfigError, match=r"^PASSWORD_HASH_METHOD .* too weak"):
        create_app("production", PASSWORD_HASH_METHOD=method)


@pytest.mark.parametrize(
    "method", ["scrypt", "scrypt:32768:8:1", "pbkdf2:sha256", "pbkdf2:sha256:600000"]
)
def test_production_accepts_scrypt_and_strong_pbkdf2(monkeypatch, method):
    monkeypatch.setenv("FLASK_SECRET_KEY", GOOD_KEY)
    app = create_app("production", PASSWORD_HASH_METHOD=method)
    assert app.config["PASSWORD_HASH_METHOD"] == method


def test_the_test_suite_hashes_cheaply_and_the_app_with_scrypt(app, make_user):
    assert make_user().password_hash.startswith("pbkdf2:sha256:1$")
    assert create_app("development").config["PASSWORD_HASH_METHOD"] == "scrypt"


def test_check_secret_key_accepts_32_characters():
    check_secret_key("s" * 32)

import logging

from {{ cookiecutter.package_name }} import create_app


def test_logs_go_to_stdout_at_the_configured_level(capsys):
    app = create_app("testing", LOG_LEVEL="INFO")
    root = logging.getLogger()
    assert root.level == logging.INFO
    app.logger.info("hello from the app")
    app.logger.debug("not shown")
    out = capsys.readouterr().out
    assert "INFO [{{ cookiecutter.package_name }}] hello from the app" in out
    assert "not shown" not in out
{%- if cookiecutter.celery_broker != "none" %}


def test_debug_level_leaves_out_celerys_signature_dumps(capsys):
    app = create_app("testing", LOG_LEVEL="DEBUG")
    assert logging.getLogger().level == logging.DEBUG
    assert logging.getLogger("celery.utils.functional").getEffectiveLevel() == logging.INFO
    app.logger.debug("shown at DEBUG")
    assert "shown at DEBUG" in capsys.readouterr().out
{%- endif %}

"""The Celery app for the worker{% if cookiecutter.celery_broker in ["redis", "rabbitmq"] and cookiecutter.use_flower %}, beat and Flower{% else %} and beat{% endif %}, built through ``create_app``.

    celery -A {{ cookiecutter.package_name }}.tasks.celery_app worker --loglevel=INFO
    celery -A {{ cookiecutter.package_name }}.tasks.celery_app beat --loglevel=INFO

Reads ``.env`` first, as ``wsgi.py`` does; ``APP_CONFIG`` picks the config (development when
unset), so a production worker runs with ``APP_CONFIG=production``.
"""

from dotenv import load_dotenv

from .. import create_app

load_dotenv()
flask_app = create_app()
celery_app = flask_app.extensions["celery"]

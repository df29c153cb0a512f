"""WSGI entry point for production servers: ``gunicorn wsgi:app``.

Reads ``.env`` first (python-dotenv; variables already set in the environment win), then builds
the app with the production config, which refuses to start without a real SECRET_KEY.
"""

import sys

from dotenv import load_dotenv

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.config import ConfigError

#: Exit status for a configuration that cannot work. gunicorn reads 4 as "app failed to load"
#: and stops, instead of restarting workers that can only fail again.
APP_LOAD_ERROR = 4

load_dotenv()
try:
    app = create_app("production")
except ConfigError as error:
    # One clear line instead of a traceback from every worker the server starts.
    print(f"ERROR: {error}", file=sys.stderr)
    sys.exit(APP_LOAD_ERROR)

# Public settings for the `flask` command (python-dotenv); secrets go in .env, not here.
FLASK_APP={{ cookiecutter.package_name }}
FLASK_DEBUG=1

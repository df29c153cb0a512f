#!/bin/sh
# Entry point of the Docker image: optionally migrate, then run the command given (gunicorn).
#
#   RUN_MIGRATIONS=1  run `flask init` first: apply every migration and seed the roles, with
#                     the same app (wsgi.py, production config) that gunicorn serves. Safe to
#                     run on every start. With several replicas, set it on one of them only, or
#                     run `docker compose run --rm web flask --app wsgi init` before scaling.
#
# `exec` hands the process over to the command, so gunicorn gets Docker's stop signal itself.
set -eu

if [ "${RUN_MIGRATIONS:-0}" = "1" ]; then
    echo "entrypoint: applying migrations (flask --app wsgi init)"
    flask --app wsgi init
fi

exec "$@"

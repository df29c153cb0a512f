"""Finish the bake: drop the files of options not chosen, write .env, print the next steps.

Runs inside the new project folder. Answers are read as data (see pre_gen_project.py). Nothing
here touches the network. Any surprise fails the bake loudly (exit 1 and one ``ERROR:`` line);
cookiecutter then deletes the half-made project.
"""

from __future__ import annotations

import json
import secrets
import shutil
import sys
from pathlib import Path

ANSWERS = json.loads(r'''{{ cookiecutter | tojson }}''')  # fmt: skip

PACKAGE = f"src/{ANSWERS['package_name']}"

# THE table of conditional files: option -> chosen value -> paths (relative to the project
# root) to remove when that value is chosen. Each option that adds files adds its row here.
REMOVE_WHEN: dict[str, dict[object, list[str]]] = {
    "celery_broker": {
        "none": [
            f"{PACKAGE}/tasks",
            f"{PACKAGE}/models/audit.py",
            f"{PACKAGE}/static/js/tasks.js",
            "migrations/versions/0003_audit_events.py",
            "tests/test_tasks.py",
            "tests/test_celery_worker.py",
        ],
    },
    "use_redis": {False: ["tests/test_redis.py"]},
    "use_mongodb": {False: [f"{PACKAGE}/activity", "tests/test_activity.py"]},
    "use_api": {
        False: [
            f"{PACKAGE}/api",
            f"{PACKAGE}/models/note.py",
            f"{PACKAGE}/models/revoked_token.py",
            "migrations/versions/0002_api_notes_and_revoked_tokens.py",
            "tests/test_api.py",
            "tests/test_api_notes.py",
            "tests/test_api_openapi.py",
            "tests/test_api_tokens.py",
            "tests/test_api_users.py",
        ]
    },
    "use_docker": {
        False: ["Dockerfile", ".dockerignore", "docker-compose.yml", "docker", "gunicorn.conf.py"],
    },
    "ci_tool": {
        "jenkins": [".github"],
        "github": ["Jenkinsfile"],
        "none": [".github", "Jenkinsfile"],
    },
}

SECRET_PLACEHOLDER = "FLASK_SECRET_KEY=change-me"


class BakeError(Exception):
    """Something the template promised is not there; the bake must not pass silently."""


def remove_unused(project: Path) -> None:
    """Remove every path the table lists for the chosen answers; each must exist."""
    for option, by_value in REMOVE_WHEN.items():
        if option not in ANSWERS:
            raise BakeError(f"the removal table names the unknown option {option!r}")
        for relative in by_value.get(ANSWERS[option], []):
            path = (project / relative).resolve()
            if project.resolve() not in path.parents:
                raise BakeError(f"the removal table path {relative!r} leaves the project")
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
            else:
                raise BakeError(
                    f"{option}={ANSWERS[option]!r} should remove {relative!r}, which does not exist"
                )


def write_dotenv(project: Path) -> None:
    """Copy .env.example to .env, each ``change-me`` at the end of a value made a fresh secret.

    ``FLASK_SECRET_KEY=change-me`` is always there; service passwords follow the same rule
    (``POSTGRES_PASSWORD=change-me``, ``FLOWER_BASIC_AUTH=flower:change-me``), so no two bakes
    share a secret.
    """
    example = project / ".env.example"
    if not example.is_file():
        raise BakeError(".env.example is missing, so .env cannot be written")
    lines = example.read_text(encoding="utf-8").splitlines(keepends=True)
    found = False
    for index, line in enumerate(lines):
        text = line.rstrip("\r\n")
        name, _, value = text.partition("=")
        if value.endswith("change-me") and name.isidentifier():
            fresh = value.removesuffix("change-me") + secrets.token_hex(32)
            lines[index] = f"{name}={fresh}{line[len(text) :]}"
            found = found or text == SECRET_PLACEHOLDER
    if not found:
        raise BakeError(f".env.example has no line {SECRET_PLACEHOLDER!r} to fill in")
    dotenv = project / ".env"
    dotenv.write_text("".join(lines), encoding="utf-8")
    dotenv.chmod(0o600)


def ignored_answers() -> list[str]:
    """A note for each answer that had no effect, per cookiecutter.json ``_option_rules.ignored``
    (each rule: ``option``, ``when`` option -> value, ``why``). Cookiecutter has already turned
    "yes"/"no" answers of boolean options into booleans."""
    notes = []
    for rule in ANSWERS.get("_option_rules", {}).get("ignored", []):
        if not all(ANSWERS.get(name) == value for name, value in rule["when"].items()):
            continue
        if ANSWERS.get(rule["option"]) is True:
            notes.append(f"Note: {rule['option']} was ignored: {rule['why']}.")
    return [*notes, ""] if notes else []


def celery_steps() -> list[str]:
    """The worker/beat/Flower lines of the next steps (none without Celery)."""
    broker = ANSWERS["celery_broker"]
    if broker == "none":
        return []
    app = f"{ANSWERS['package_name']}.tasks.celery_app"
    lines = [f"Background tasks (Celery, broker: {broker}), each in its own terminal:", ""]
    lines.append(f"    celery -A {app} worker --loglevel=INFO")
    lines.append(f"    celery -A {app} beat --loglevel=INFO")
    if ANSWERS["use_flower"]:
        lines.append(f"    celery -A {app} flower   # user:password in .env FLOWER_BASIC_AUTH")
    return [*lines, ""]


def next_steps() -> str:
    slug = ANSWERS["project_slug"]
    return "\n".join(
        [
            "",
            f"Baked {slug}/ (with a fresh SECRET_KEY in .env, which git ignores). Next steps:",
            "",
            f"    cd {slug}",
            f"    python{ANSWERS['python_version']} -m venv .venv && . .venv/bin/activate",
            "    python -m pip install --upgrade pip && pip install -e '.[dev]'",
            "    flask init                                 # create the database tables and roles",
            "    flask create-admin --email you@example.com # asks for a password",
            "    flask run                                  # http://127.0.0.1:5000/",
            "    pytest                                     # the project's tests + coverage gate",
            "",
            *celery_steps(),
            *ignored_answers(),
        ]
    )


def main() -> int:
    sys.stdout.reconfigure(errors="backslashreplace")
    sys.stderr.reconfigure(errors="backslashreplace")
    project = Path.cwd()
    try:
        remove_unused(project)
        write_dotenv(project)
    except BakeError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    print(next_steps())
    return 0


if __name__ == "__main__":
    sys.exit(main())

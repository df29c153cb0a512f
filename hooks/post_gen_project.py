"""Finish the bake: drop the files of options not chosen, write .env, print the next steps.

Runs inside the new project folder. Answers are read as data (see pre_gen_project.py). Nothing
here touches the network. Any surprise fails the bake loudly (exit 1 and one ``ERROR:`` line);
cookiecutter then deletes the half-made project.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

ANSWERS = json.loads(r'''{{ cookiecutter | tojson }}''')  # fmt: skip

PACKAGE = ANSWERS["package_name"]

SECRET_PLACEHOLDER = "FLASK_SECRET_KEY=change-me"


class BakeError(Exception):
    """Something the template promised is not there; the bake must not pass silently."""


def value_key(value: object) -> str:
    """How an answer is spelled in the manifest's keys: ``true``/``false`` for booleans."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def ignored(option: str) -> bool:
    """Whether the answer to ``option`` has no effect here (``_option_rules.ignored``): then
    none of its values is chosen, and everything the manifest lists for it goes."""
    for rule in ANSWERS.get("_option_rules", {}).get("ignored", []):
        if rule["option"] == option and all(
            ANSWERS.get(name) == value for name, value in rule["when"].items()
        ):
            return True
    return False


def unused_paths() -> dict[str, str]:
    """Every path the feature manifest (cookiecutter.json ``_features``) lists for a value that
    was not chosen -> the answer that drops it. An entry's key names one value or several
    (``sqlalchemy|redis``); ``core`` lists the files every bake has."""
    features = ANSWERS.get("_features")
    if not isinstance(features, dict):
        raise BakeError("cookiecutter._features, the feature manifest, is missing")
    unused: dict[str, str] = {}
    for option, entries in features.items():
        if option == "core":
            continue
        if option not in ANSWERS:
            raise BakeError(f"the feature manifest names the unknown option {option!r}")
        chosen = None if ignored(option) else value_key(ANSWERS[option])
        for key, facts in entries.items():
            if chosen not in key.split("|"):
                for path in facts.get("paths", []):
                    unused.setdefault(path.format(package=PACKAGE), f"{option}={ANSWERS[option]!r}")
    return unused


def remove_unused(project: Path) -> None:
    """Remove every path of a value not chosen; each must exist in the raw bake."""
    root = project.resolve()
    paths = []
    for relative, answer in unused_paths().items():
        path = project / relative
        if root not in path.resolve().parents:
            raise BakeError(f"the feature manifest path {relative!r} leaves the project")
        if not (path.exists() or path.is_symlink()):
            raise BakeError(f"{answer} should remove {relative!r}, which does not exist")
        paths.append(path)
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():  # gone already when inside a removed folder
            path.unlink()


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
    lines = [
        f"Background tasks (Celery, broker: {broker}): `make dev` runs the web server, a worker",
        "and beat together (Procfile.dev); or each in its own terminal:",
        "",
    ]
    lines.append(f"    celery -A {app} worker --loglevel=INFO")
    lines.append(f"    celery -A {app} beat --loglevel=INFO")
    if ANSWERS["use_flower"] and broker in {"redis", "rabbitmq"}:
        lines.append(f"    celery -A {app} flower   # user:password in .env FLOWER_BASIC_AUTH")
    return [*lines, ""]


def lock_steps() -> list[str]:
    """The lock file step, for a project whose CI installs from ``uv.lock``."""
    if ANSWERS["ci_tool"] == "none":
        return []
    return [
        "CI installs with `uv sync --locked`: run `make lock` (needs uv) and commit uv.lock",
        "and requirements.lock before the first push.",
        "",
    ]


def version_of(command: str) -> tuple[int, int] | None:
    """(major, minor) of the Python that ``command`` on PATH runs, or None if there is none."""
    path = shutil.which(command)
    if path is None:
        return None
    try:
        out = subprocess.run(
            [path, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
        major, minor = out.stdout.split()
        return int(major), int(minor)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def interpreter() -> tuple[str, str | None]:
    """The command that makes the project's venv, and a one-line warning when no Python on PATH
    is new enough for its ``requires-python``."""
    wanted = ANSWERS["python_version"]
    needed = tuple(int(part) for part in wanted.split("."))
    have = version_of("python3")
    if have is not None and have >= needed:
        return "python3", None
    exact = version_of(f"python{wanted}")
    if exact is not None and exact >= needed:
        return f"python{wanted}", None
    return f"python{wanted}", (
        f"WARNING: the project needs Python >= {wanted}, and python3 here is "
        f"{'.'.join(map(str, have)) if have else 'missing'}: install it with "
        f"`uv python install {wanted}` (then `uv venv -p {wanted}`) or `pyenv install {wanted}`"
    )


def database_steps() -> list[str]:
    """The command that creates the bake's default database on a server on this machine (the
    README's "Set up the database and an admin"), before ``flask init`` needs it; none for
    SQLite, whose file ``flask init`` creates."""
    name = ANSWERS["package_name"]
    create = {
        "postgresql": f"createdb -h 127.0.0.1 -U postgres {name}",
        "mysql": f'mysql -h 127.0.0.1 -u root -e "CREATE DATABASE {name} CHARACTER SET utf8mb4"',
    }.get(ANSWERS["database"])
    return [f"    {create}  # or another one: DATABASE_URL in .env"] if create else []


def next_steps() -> str:
    slug = ANSWERS["project_slug"]
    python, warning = interpreter()
    return "\n".join(
        [
            "",
            f"Baked {slug}/ (with a fresh SECRET_KEY in .env, which git ignores). Next steps:",
            "",
            f"    cd {slug}",
            f"    {python} -m venv .venv && . .venv/bin/activate",
            "    python -m pip install --upgrade pip && pip install -e . --group dev",
            *database_steps(),
            "    flask init                                 # create the database tables and roles",
            "    flask create-admin --email you@example.com # asks for a password",
            "    flask run                                  # http://127.0.0.1:5000/",
            "    pytest                                     # the fast tests (all: make test-all)",
            "",
            "(Or with uv: `uv sync && . .venv/bin/activate` instead of the venv and pip lines.)",
            "",
            *lock_steps(),
            *celery_steps(),
            *ignored_answers(),
            *([warning, ""] if warning else []),
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

"""Issue 3, Celery: each broker variant bakes the right files, and none leaves no trace.

The variant level (own venv, own suite against the real broker) is test_variants.py's, which
runs these variants too.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import DEFAULT_PACKAGE, project_files, ruff_command, variant_id
from variants_celery import VARIANTS_CELERY

CELERY_FILES = [
    f"src/{DEFAULT_PACKAGE}/tasks/__init__.py",
    f"src/{DEFAULT_PACKAGE}/tasks/celery_app.py",
    f"src/{DEFAULT_PACKAGE}/tasks/audit.py",
    f"src/{DEFAULT_PACKAGE}/tasks/demo.py",
    f"src/{DEFAULT_PACKAGE}/tasks/views.py",
    f"src/{DEFAULT_PACKAGE}/tasks/templates/tasks/index.html",
    f"src/{DEFAULT_PACKAGE}/models/audit.py",
    f"src/{DEFAULT_PACKAGE}/static/js/tasks.js",
    "migrations/versions/0003_audit_events.py",
    "tests/test_tasks.py",
    "tests/test_celery_worker.py",
]
# Words that must not appear in a bake without Celery. "worker" alone is also gunicorn's and
# nginx's word (worker_processes, worker_tmp_dir), so only Celery's worker command and settings
# are searched for.
NO_CELERY = re.compile(
    r"celery|flower|\bbeat\b|worker --|worker_prefetch|acks_late|FLOWER_", re.IGNORECASE
)
NO_FLOWER = re.compile(r"flower", re.IGNORECASE)

variants = pytest.mark.parametrize(
    "variant", VARIANTS_CELERY, ids=[variant_id(v) for v in VARIANTS_CELERY]
)


def flower_on(variant: dict) -> bool:
    return variant["celery_broker"] != "none" and variant.get("use_flower", True)


def matches(project: Path, pattern: re.Pattern) -> list[str]:
    found = []
    for path in project_files(project):
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(project)}:{number}: {line.strip()}")
    return found


@variants
def test_celery_files_exist_only_with_celery(baked, variant):
    project = baked.get(variant).project_path
    present = [name for name in CELERY_FILES if (project / name).exists()]
    assert present == ([] if variant["celery_broker"] == "none" else CELERY_FILES)


@variants
def test_no_celery_or_flower_traces_where_not_chosen(baked, variant):
    project = baked.get(variant).project_path
    if variant["celery_broker"] == "none":
        assert matches(project, NO_CELERY) == []
    if not flower_on(variant):
        assert matches(project, NO_FLOWER) == []


@variants
def test_dependencies_settings_and_docs_follow_the_broker(baked, variant):
    project = baked.get(variant).project_path
    broker = variant["celery_broker"]
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    config = (project / "src" / DEFAULT_PACKAGE / "config.py").read_text(encoding="utf-8")
    readme = (project / "README.md").read_text(encoding="utf-8")
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    assert ('"celery[redis]>=5.4"' in pyproject) == (broker == "redis")
    assert ('"flower>=2.0"' in pyproject) == flower_on(variant)
    if broker == "none":
        return
    expected = {
        "sqlalchemy": "sqla+sqlite:///",
        "redis": "redis://127.0.0.1:6379/0",
        "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//",
    }[broker]
    assert expected in config
    assert f"celery -A {DEFAULT_PACKAGE}.tasks.celery_app worker" in readme
    assert f"celery -A {DEFAULT_PACKAGE}.tasks.celery_app beat" in readme
    assert re.search(r"^worker:", makefile, re.MULTILINE)
    assert re.search(r"^beat:", makefile, re.MULTILINE)
    assert bool(re.search(r"^flower:", makefile, re.MULTILINE)) == flower_on(variant)
    dotenv = (project / ".env").read_text(encoding="utf-8")
    if flower_on(variant):
        password = re.search(r"^FLOWER_BASIC_AUTH=flower:(\S+)$", dotenv, re.MULTILINE)[1]
        assert password != "change-me"
        assert len(password) >= 20


@variants
def test_bake_is_ruff_clean(baked, variant):
    project = baked.get(variant).project_path
    out = subprocess.run(
        [*ruff_command(), "check", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_flower_without_celery_is_ignored_and_said_so(cookies):
    from conftest import bake

    result = bake(cookies, celery_broker="none", use_flower=True)
    assert result.exit_code == 0, result.exception
    assert matches(result.project_path, NO_FLOWER) == []


# --- variant level: install, migrate, run the bake's own suite against the real broker ----------

"""Issue 3, Celery: each broker variant bakes the right files, and none leaves no trace.

The variant level (own venv, own suite against the real broker) is test_variants.py's, which
runs these variants too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import checks
from conftest import variant_id
from option_space import CELERY_VARIANTS, DEFAULT_PACKAGE, complete

# Words that must not appear in a bake without Celery. "worker" alone is also gunicorn's and
# nginx's word (worker_processes, worker_tmp_dir), so only Celery's worker command and settings
# are searched for.
NO_CELERY = re.compile(
    r"celery|flower|\bbeat\b|worker --|worker_prefetch|acks_late|FLOWER_", re.IGNORECASE
)
NO_FLOWER = re.compile(r"flower", re.IGNORECASE)

variants = pytest.mark.parametrize(
    "variant", CELERY_VARIANTS, ids=[variant_id(v) for v in CELERY_VARIANTS]
)


def flower_on(variant: dict) -> bool:
    return variant["celery_broker"] in {"redis", "rabbitmq"} and variant.get("use_flower", True)


def matches(project: Path, pattern: re.Pattern) -> list[str]:
    found = []
    for path in checks.project_files(project):
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(project)}:{number}: {line.strip()}")
    return found


@variants
def test_celery_files_and_requirements_exist_only_with_celery(baked, variant):
    """The feature manifest's paths and requirements for the broker (and Flower)."""
    project = baked.get(variant).project_path
    assert checks.file_findings(project, complete(variant), DEFAULT_PACKAGE) == []
    assert checks.requirement_findings(project, complete(variant)) == []
    assert (project / "src" / DEFAULT_PACKAGE / "tasks").is_dir() is (
        variant["celery_broker"] != "none"
    )


@variants
def test_no_celery_or_flower_traces_where_not_chosen(baked, variant):
    project = baked.get(variant).project_path
    if variant["celery_broker"] == "none":
        assert matches(project, NO_CELERY) == []
    if not flower_on(variant):
        assert matches(project, NO_FLOWER) == []


@variants
def test_settings_and_docs_follow_the_broker(baked, variant):
    project = baked.get(variant).project_path
    broker = variant["celery_broker"]
    # The broker's settings live wherever the package keeps them (the tasks package).
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted((project / "src" / DEFAULT_PACKAGE).rglob("*.py"))
    )
    readme = (project / "README.md").read_text(encoding="utf-8")
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    if broker == "none":
        return
    expected = {
        "sqlalchemy": "sqla+sqlite:///",
        "redis": "redis://127.0.0.1:6379/0",
        "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//",
    }[broker]
    assert expected in sources
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
    assert checks.ruff([baked.get(variant).project_path], "check") == {}


def test_flower_without_celery_is_ignored_and_said_so(cookies):
    from conftest import bake

    result = bake(cookies, celery_broker="none", use_flower=True)
    assert result.exit_code == 0, result.exception
    assert matches(result.project_path, NO_FLOWER) == []


def test_flower_on_the_sqlalchemy_transport_is_ignored_and_said_so(cookies, capfd):
    from conftest import bake

    result = bake(cookies, celery_broker="sqlalchemy", use_flower=True)
    assert result.exit_code == 0, result.exception
    assert matches(result.project_path, NO_FLOWER) == []
    out = capfd.readouterr().out
    assert "Note: use_flower was ignored: kombu's SQLAlchemy transport has no broadcast" in out

"""Static checks of every variant: it bakes, nothing is left unrendered, it lints and parses.

No installs here: these run on every tox env. Each variant is baked once per session.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from conftest import (
    CHOICES,
    DEFAULT_PACKAGE,
    OPTIONS,
    project_files,
    python_for,
    read_toml,
    ruff_command,
    variant_id,
)
from option_space import AWKWARD_IDENTITY

# The default, then every other value of each choice variable on its own, each boolean flipped
# on its own, and awkward identity answers. Every combination of the feature options is the
# exhaustive level's (test_exhaustive.py); this list runs on every Python from 3.10 to 3.13.
BOOLEANS = {name: value for name, value in OPTIONS.items() if isinstance(value, bool)}
VARIANTS = (
    [{}]
    + [{name: value} for name, choices in CHOICES.items() for value in choices[1:]]
    + [{name: not value} for name, value in BOOLEANS.items()]
    + [AWKWARD_IDENTITY]
)

# Files that are not rendered (cookiecutter.json _copy_without_render) and may hold Jinja.
UNRENDERED_DIRS = {"templates"}
UNRENDERED_FILES = {"migrations/script.py.mako"}
LEFTOVERS = ("{{", "{%", "{#", "cookiecutter.")

LICENSE_MARKERS = {
    "MIT": "MIT License",
    "BSD-3-Clause": "Redistribution and use",
    "Apache-2.0": "Apache License",
    "GPL-3.0-only": "GNU GENERAL PUBLIC LICENSE",
    "Proprietary": "All rights reserved",
}

EXPECTED_FILES = [
    "pyproject.toml",
    "README.md",
    ".flaskenv",
    ".env.example",
    ".env",
    ".gitignore",
    "Makefile",
    "wsgi.py",
    "LICENSE",
    "migrations/env.py",
    "src/{package}/__init__.py",
    "tests/conftest.py",
]

variants = pytest.mark.parametrize("variant", VARIANTS, ids=[variant_id(v) for v in VARIANTS])


def answer(result, name: str):
    return result.context[name]


def run(command: list[str], cwd) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_variants_cover_every_choice():
    for name, choices in CHOICES.items():
        seen = {variant.get(name, choices[0]) for variant in VARIANTS}
        assert seen == set(choices), name
    assert set(LICENSE_MARKERS) == set(CHOICES["open_source_license"])


@variants
def test_bakes_with_the_expected_files(baked, variant):
    result = baked.get(variant)
    project = result.project_path
    assert project.name == answer(result, "project_slug")
    package = answer(result, "package_name")
    missing = [
        name for name in EXPECTED_FILES if not (project / name.format(package=package)).is_file()
    ]
    assert missing == []
    if not variant:
        assert package == DEFAULT_PACKAGE


@variants
def test_nothing_left_unrendered(baked, variant):
    project = baked.get(variant).project_path
    found = []
    for path in project_files(project):
        relative = path.relative_to(project)
        if (
            UNRENDERED_DIRS.intersection(relative.parts[:-1])
            or relative.as_posix() in UNRENDERED_FILES
        ):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        if relative.parts[0] == ".github":
            # GitHub Actions' own expressions, ${{ ... }}, are not Jinja.
            text = re.sub(r"\$\{\{[^}]*\}\}", "", text)
        for number, line in enumerate(text.splitlines(), start=1):
            found += [f"{relative}:{number}: {line.strip()}" for mark in LEFTOVERS if mark in line]
    assert found == []


@variants
def test_names_of_files_and_folders_are_rendered(baked, variant):
    project = baked.get(variant).project_path
    assert [p for p in project.rglob("*") if "{" in p.name or "cookiecutter" in p.name] == []


@variants
def test_ruff_check_passes(baked, variant):
    project = baked.get(variant).project_path
    out = run([*ruff_command(), "check", "--no-cache", "."], project)
    assert out.returncode == 0, out.stdout + out.stderr


@variants
def test_ruff_format_check_passes(baked, variant):
    project = baked.get(variant).project_path
    out = run([*ruff_command(), "format", "--check", "--no-cache", "."], project)
    assert out.returncode == 0, out.stdout + out.stderr


@variants
def test_compiles_on_its_lowest_python(baked, variant, tmp_path):
    """compileall with the variant's own python_version when that interpreter is here."""
    result = baked.get(variant)
    python = python_for(answer(result, "python_version")) or sys.executable
    # Byte code goes to a scratch folder so the bake stays as cookiecutter wrote it.
    out = subprocess.run(
        [python, "-m", "compileall", "-q", str(result.project_path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path)},
    )
    assert out.returncode == 0, out.stdout + out.stderr


@variants
def test_data_files_parse(baked, variant):
    project = baked.get(variant).project_path
    parsed = []
    for path in project_files(project):
        text = path.read_text(encoding="utf-8") if path.suffix in {".json", ".yml", ".yaml"} else ""
        if path.suffix == ".toml":
            read_toml(path)
        elif path.suffix == ".json":
            json.loads(text)
        elif path.suffix in {".yml", ".yaml"}:
            yaml.safe_load(text)
        else:
            continue
        parsed.append(path.name)
    assert "pyproject.toml" in parsed


@variants
def test_license_matches_the_choice(baked, variant):
    result = baked.get(variant)
    license_name = answer(result, "open_source_license")
    text = (result.project_path / "LICENSE").read_text(encoding="utf-8")
    assert LICENSE_MARKERS[license_name] in text
    for other, marker in LICENSE_MARKERS.items():
        # BSD's text carries "All rights reserved" too, so that marker is not exclusive.
        if other not in {license_name, "Proprietary"}:
            assert marker not in text, f"{license_name} LICENSE holds {other}'s {marker!r}"
    assert answer(result, "author_name") in text or license_name in {"Apache-2.0", "GPL-3.0-only"}


@variants
def test_pyproject_metadata(baked, variant):
    result = baked.get(variant)
    meta = read_toml(result.project_path / "pyproject.toml")["project"]
    assert meta["requires-python"] == f">={answer(result, 'python_version')}"
    assert meta["name"] == answer(result, "project_slug")
    assert meta["version"] == answer(result, "version")
    assert meta["description"] == answer(result, "description")
    assert meta["authors"] == [
        {"name": answer(result, "author_name"), "email": answer(result, "author_email")}
    ]


@variants
def test_dotenv_has_a_fresh_secret_and_flaskenv_the_app(baked, variant):
    result = baked.get(variant)
    project = result.project_path
    env = (project / ".env").read_text(encoding="utf-8")
    assert re.search(r"^FLASK_SECRET_KEY=[0-9a-f]{64}$", env, re.MULTILINE), env
    flaskenv = (project / ".flaskenv").read_text(encoding="utf-8").splitlines()
    assert f"FLASK_APP={answer(result, 'package_name')}" in flaskenv

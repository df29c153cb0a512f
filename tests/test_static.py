"""Static checks of every variant: it bakes, nothing is left unrendered, it lints and parses.

No installs here: these run on every tox env. Each variant is baked once per session.
"""

from __future__ import annotations

import re
import sys

import pytest

import checks
from conftest import CHOICES, python_for, variant_id
from option_space import DEFAULT_PACKAGE, complete, one_at_a_time

# The default, then every other value of each option on its own and awkward identity answers.
# The static level (test_exhaustive.py) bakes a 3-way covering array and renders every
# combination of the options that share a file; this list runs on every Python from 3.10 to 3.13.
VARIANTS = one_at_a_time()

LICENSE_MARKERS = {
    "MIT": "MIT License",
    "BSD-3-Clause": "Redistribution and use",
    "Apache-2.0": "Apache License",
    "GPL-3.0-only": "GNU GENERAL PUBLIC LICENSE",
    "Proprietary": "All rights reserved",
}

variants = pytest.mark.parametrize("variant", VARIANTS, ids=[variant_id(v) for v in VARIANTS])


def answer(result, name: str):
    return result.context[name]


def test_variants_cover_every_choice():
    for name, choices in CHOICES.items():
        seen = {variant.get(name, choices[0]) for variant in VARIANTS}
        assert seen == set(choices), name
    assert set(LICENSE_MARKERS) == set(CHOICES["open_source_license"])


@variants
def test_bakes_with_exactly_its_files_and_requirements(baked, variant):
    result = baked.get(variant)
    project = result.project_path
    assert project.name == answer(result, "project_slug")
    package = answer(result, "package_name")
    assert checks.file_findings(project, complete(variant), package) == []
    assert checks.requirement_findings(project, complete(variant)) == []
    if not variant:
        assert package == DEFAULT_PACKAGE


@variants
def test_nothing_left_unrendered_and_data_files_parse(baked, variant):
    project = baked.get(variant).project_path
    assert checks.file_check_findings(project, ["unrendered", "parses"]) == []
    assert checks.unrendered_names(project) == []


@variants
@pytest.mark.parametrize("mode", ["check", "format"])
def test_ruff_passes(baked, variant, mode):
    project = baked.get(variant).project_path
    assert checks.ruff([project], mode) == {}


@variants
def test_compiles_on_its_lowest_python(baked, variant, tmp_path):
    """compileall with the variant's own python_version when that interpreter is here."""
    result = baked.get(variant)
    python = python_for(answer(result, "python_version")) or sys.executable
    assert checks.compileall([result.project_path], python, tmp_path) == {}


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
    meta = checks.read_toml(result.project_path / "pyproject.toml")["project"]
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

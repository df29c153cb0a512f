"""Static checks of every variant: it bakes, nothing is left unrendered, it lints and parses.

No installs here: these run on every tox env. Each variant is baked once per session.
"""

from __future__ import annotations

import hashlib
import re
import sys

import pytest

import checks
from conftest import CHOICES, python_for, variant_id
from option_space import (
    DEFAULT_PACKAGE,
    SPACE,
    complete,
    covering_array,
    minimal,
    one_at_a_time,
    split_across,
    value_key,
)

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


def test_a_knob_split_across_the_covering_array_meets_every_option_value():
    """The variant level runs the browser suite at one width a variant (both on the default):
    every option value must still meet every width."""
    variants = [minimal(v) for v in covering_array()]
    settings = ("phone", "desktop")
    chosen = split_across(variants, settings)
    met = {
        (name, value_key(complete(variant)[name]), setting)
        for variant, picks in zip(variants, chosen, strict=True)
        for name in SPACE
        for setting in picks
    }
    needed = {
        (name, value_key(complete(variant)[name]), setting)
        for variant in variants
        for name in SPACE
        for setting in settings
    }
    assert met == needed
    assert chosen[variants.index({})] == settings
    assert all(picks for picks in chosen)
    assert sum(map(len, chosen)) <= 0.6 * len(settings) * len(variants)


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
def test_every_import_is_declared_by_a_chosen_option(baked, variant):
    result = baked.get(variant)
    package = answer(result, "package_name")
    findings = checks.import_findings(result.project_path, complete(variant), package)
    assert findings == []


def test_the_import_check_finds_an_undeclared_library(baked, tmp_path):
    project = tmp_path / "project"
    (project / "src" / "app").mkdir(parents=True)
    (project / "src" / "app" / "x.py").write_text(
        "import os\nimport flask\nfrom . import y\nfrom redis.client import Redis\n"
    )
    assert checks.import_findings(project, complete({}), "app") == [
        "src/app/x.py:4: imports redis, which the chosen options do not declare"
    ]


@variants
def test_copied_templates_hold_no_template_variables_and_parse(baked, variant):
    assert checks.copied_template_findings(baked.get(variant).project_path) == []


def test_the_copied_template_check_finds_leftovers(tmp_path):
    folder = tmp_path / "src" / "app" / "templates"
    folder.mkdir(parents=True)
    (folder / "a.html").write_text("<h1>{{ cookiecutter.project_name }}</h1>\n")
    (folder / "b.html").write_text("{% now 'utc', '%Y' %}\n")
    (folder / "c.html").write_text("{% if x %}{{ x }}{% endif %}\n")
    findings = checks.copied_template_findings(tmp_path)
    assert findings[0] == (
        "src/app/templates/a.html: line 1: cookiecutter variable: "
        "<h1>{{ cookiecutter.project_name }}</h1>"
    )
    assert findings[1].startswith("src/app/templates/b.html: line 1: Jinja: ")
    assert len(findings) == 2


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


def test_skip_counts_reads_pytests_summary():
    summary = (
        "SKIPPED [2] tests/a.py:10: MONGODB_URI not set: no MongoDB server on this machine\n"
        "SKIPPED [1] tests/b.py: module skipped\n"
        "SKIPPED [1] tests/c.py:3: MONGODB_URI not set: no MongoDB server on this machine\n"
        "FAILED tests/d.py::test_x - SKIPPED [9] is not a summary line\n"
    )
    assert checks.skip_counts(summary) == {
        "MONGODB_URI not set: no MongoDB server on this machine": 3,
        "module skipped": 1,
    }


#: socket.io-client's ``dist/socket.io.min.js``, byte for byte as npm's tarball
#: socket.io-client-4.8.4.tgz holds it (``npm pack socket.io-client@4.8.4``): its version and
#: SHA-256. The live-update feature serves it, so a bake needs no network and no CDN.
SOCKET_IO_CLIENT = ("4.8.4", "d5d79a35039e860b32bdef4795528b05c2f788d4b2d9dacc913120e2878f7b3f")


def test_the_socket_io_client_is_npms_file_unchanged_and_its_version_documented():
    version, sha256 = SOCKET_IO_CLIENT
    (path,) = checks.PROJECT_TEMPLATE.glob("src/*/socketio/static/socket.io.min.js")
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256, "the file differs from npm's"
    assert data.startswith(f"/*!\n * Socket.IO v{version}\n".encode())
    readme = (checks.PROJECT_TEMPLATE / "README.md").read_text(encoding="utf-8")
    assert f"socket.io-client {version}" in readme

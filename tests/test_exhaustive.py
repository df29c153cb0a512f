"""The static level (tox env ``exhaustive``): bakes that do not double with each new boolean, and
every combination of the options that render into the same file.

Two sources of files, checked together:

- **bakes**: :func:`option_space.three_way_array`, every 3-way combination of values of the
  feature options (and every pair with ``python_version`` and the license), baked in-process
  by a pool of processes. Each bake: expected and absent paths and exactly the requirements of
  the feature manifest, names rendered, ruff, ``compileall`` on its own Python, and every file
  it holds through the file checks;
- **renders**: each template file whose Jinja reads two or more options, rendered alone
  (checks.FileRenderer, cookiecutter's own Jinja environment) for EVERY valid combination of
  those options, the others at their defaults; a test proves that the renderer writes each
  bake's files byte for byte as the bake did.

Then every distinct file content, from either source, goes once through the file checks
(nothing unrendered, TOML/YAML/JSON parse, reads as hand-written), ruff, ``compileall``, and
its deployment checker (hadolint, ``docker-compose config -q``, ``nginx -t``,
``caddy validate``, gunicorn ``--check-config``, the workflow schema, npm-groovy-lint).
Failures name the variants (or the rendered combinations) they hit; the end-of-run report
groups the bakes' by option value.
"""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import json
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

import checks
from conftest import FIGURES, python_for, record
from option_space import (
    AWKWARD_IDENTITY,
    DEFAULTS,
    FEATURES,
    RULES,
    SPACE,
    TEMPLATE_DIR,
    combinations,
    complete,
    file_combinations,
    servers,
    three_way_array,
    uncovered_pairs,
    uncovered_triples,
    variant_id,
)

pytestmark = pytest.mark.exhaustive

VARIANTS = three_way_array()
# One bake carries awkward identity answers (quotes, apostrophe, non-ASCII, braces).
VARIANTS[1] = {**VARIANTS[1], **AWKWARD_IDENTITY}
WORKERS = os.cpu_count() or 2
#: Files the post-gen hook writes from another (``.env`` is ``.env.example`` with secrets).
HOOK_WRITTEN = {".env"}


# --- baking ----------------------------------------------------------------------------------


def _quiet_worker(replay_dir: str) -> None:
    """Pool initializer: hooks print next steps to fd 1; dozens of them help no one."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.environ["COOKIECUTTER_CONFIG"] = _config_file(replay_dir)


def _config_file(replay_dir: str) -> str:
    """A cookiecutter user config whose replay folder is this process's own."""
    folder = Path(replay_dir) / str(os.getpid())
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.yaml"
    config.write_text(f"replay_dir: {json.dumps(str(folder))}\n", encoding="utf-8")
    return str(config)


def _bake_one(job: tuple[int, dict, str]) -> tuple[int, str | None, str]:
    """(index, project path or None, error) for one variant baked into ``folder``."""
    from cookiecutter.main import cookiecutter

    index, variant, folder = job
    try:
        path = cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            extra_context={k: v for k, v in variant.items() if DEFAULTS.get(k) != v},
            output_dir=folder,
            config_file=os.environ["COOKIECUTTER_CONFIG"],
        )
    except Exception as error:  # every failure is reported with its variant
        return index, None, f"{type(error).__name__}: {error}"
    return index, path, ""


class Bakes:
    """The baked projects: ``paths[i]`` is ``VARIANTS[i]``'s (None when it did not bake)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.paths: list[Path | None] = [None] * len(VARIANTS)
        self.errors: dict[int, str] = {}
        jobs = [(i, v, str(root / f"v{i:04d}")) for i, v in enumerate(VARIANTS)]
        started = time.perf_counter()
        with ProcessPoolExecutor(
            WORKERS, initializer=_quiet_worker, initargs=(str(root / "replay"),)
        ) as pool:
            for index, path, error in pool.map(_bake_one, jobs, chunksize=2):
                if path:
                    self.paths[index] = Path(path)
                else:
                    self.errors[index] = error
        self.seconds = time.perf_counter() - started

    def baked(self):
        return ((i, p) for i, p in enumerate(self.paths) if p is not None)

    @staticmethod
    def package(project: Path) -> str:
        return next(path.name for path in (project / "src").iterdir() if path.is_dir())


@pytest.fixture(scope="session")
def bakes(tmp_path_factory: pytest.TempPathFactory) -> Bakes:
    result = Bakes(tmp_path_factory.mktemp("static"))
    FIGURES.append(
        f"static level: baked {len(VARIANTS)} variants in {result.seconds:.1f} s "
        f"({len(VARIANTS) / result.seconds:.1f} variants/s, {WORKERS} processes)"
    )
    return result


def settle(problems: dict[int, list[str]], check: str) -> None:
    """Record every bake's outcome for ``check`` and fail naming the variants hit."""
    for index, variant in enumerate(VARIANTS):
        record("exhaustive", variant, not problems.get(index))
    if problems:
        shown = [
            f"{variant_id(VARIANTS[i])}:\n    " + "\n    ".join(lines[:5])
            for i, lines in sorted(problems.items())[:10]
        ]
        pytest.fail(f"{check}: {len(problems)} variants fail, e.g.\n" + "\n".join(shown))


# --- renders: every combination of the options one file reads --------------------------------


#: Files a tool reads from disk (ruff, compileall, the deployment checkers): their renders are
#: written out, each into its own folder with the pyproject.toml and .env of the same answers
#: (which ruff and compose read). The others are checked in memory.
TOOL_FILES = {
    "Dockerfile",
    "docker-compose.yml",
    "docker/nginx.conf",
    "gunicorn.conf.py",
    ".github/workflows/ci.yml",
    "Jenkinsfile",
}


@dataclass
class Renders:
    """Distinct renders of the files whose Jinja statements read several options, with the
    combinations that render each."""

    root: Path
    #: (relative path, text) -> answers of each combination that renders exactly that text
    holders: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    #: (relative path, text) -> the folder it is written in (tool files only)
    folders: dict[tuple[str, str], Path] = field(default_factory=dict)
    combinations: int = 0
    files: dict[str, list[str]] = field(default_factory=dict)  # relative -> options it reads


@pytest.fixture(scope="session")
def renders(tmp_path_factory: pytest.TempPathFactory) -> Renders:
    renderer = checks.FileRenderer()
    result = Renders(tmp_path_factory.mktemp("renders"))
    started = time.perf_counter()
    for template_relative, source in renderer.sources():
        names = renderer.options_of(source, SPACE)
        if len(names) < 2:
            continue
        relative = renderer.path_for(template_relative, {})
        result.files[relative] = names
        for answers in file_combinations(names):
            key = (relative, renderer.render(template_relative, answers))
            result.holders.setdefault(key, []).append(answers)
            result.combinations += 1
    for (relative, text), holders in result.holders.items():
        if not (relative.endswith(".py") or relative in TOOL_FILES):
            continue
        folder = result.root / f"r{len(result.folders):05d}"
        for name, template in {"pyproject.toml": "pyproject.toml", ".env": ".env.example"}.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(renderer.render(template, holders[0]), encoding="utf-8")
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
        result.folders[(relative, text)] = folder
    FIGURES.append(
        f"static level: rendered {len(result.files)} files whose conditionals read several "
        f"options in every combination ({result.combinations} renders, "
        f"{len(result.holders)} distinct, {time.perf_counter() - started:.1f} s)"
    )
    return result


def fail_renders(problems: dict[tuple[str, str], list[str]], renders: Renders, check: str):
    if not problems:
        return
    shown = []
    for key, lines in sorted(problems.items())[:10]:
        holders = renders.holders[key]
        combos = "; ".join(variant_id(answers) for answers in holders[:3])
        shown.append(f"{key[0]} with {combos} ({len(holders)} combinations):\n    " +
                     "\n    ".join(lines[:5]))  # fmt: skip
    pytest.fail(f"{check}: {len(problems)} distinct renders fail, e.g.\n" + "\n".join(shown))


# --- distinct files of both sources ----------------------------------------------------------


@dataclass
class Distinct:
    """One distinct content of one file: its text, a copy on disk if there is one, and who
    holds it (bakes by index, renders by their key)."""

    text: str
    path: Path | None = None
    bakes: list[int] = field(default_factory=list)
    renders: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture(scope="session")
def distinct(bakes: Bakes, renders: Renders) -> dict[tuple[str, str], Distinct]:
    """(relative path, digest) -> the distinct content, over every bake and every render."""
    found: dict[tuple[str, str], Distinct] = {}
    for index, project in bakes.baked():
        for relative, path in checks.rendered_files(project):
            if relative in HOOK_WRITTEN:
                continue
            key = (relative, hashlib.sha256(path.read_bytes()).hexdigest())
            if key not in found:
                found[key] = Distinct(checks.text_of(path), path)
            found[key].bakes.append(index)
    for render_key in renders.holders:
        relative, text = render_key
        key = (relative, hashlib.sha256(text.encode("utf-8")).hexdigest())
        entry = found.setdefault(key, Distinct(text))
        entry.renders.append(render_key)
        if entry.path is None and render_key in renders.folders:
            entry.path = renders.folders[render_key] / relative
    return found


def spread(
    distinct: dict[tuple[str, str], Distinct], found: dict[tuple[str, str], list[str]]
) -> tuple[dict[int, list[str]], dict[tuple[str, str], list[str]]]:
    """Findings per distinct content -> findings per bake and per render that holds it."""
    by_bake: dict[int, list[str]] = defaultdict(list)
    by_render: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, lines in found.items():
        if not lines:
            continue
        entry = distinct[key]
        for index in entry.bakes:
            by_bake[index] += [f"{key[0]}: {line}" for line in lines]
        for render_key in entry.renders:
            by_render[render_key] += [f"{key[0]}: {line}" for line in lines]
    return by_bake, by_render


def settle_both(bakes_found, renders_found, renders: Renders, check: str) -> None:
    try:
        fail_renders(renders_found, renders, check)
    finally:
        settle(bakes_found, check)


def split(found: dict[Path, list[str]], bakes: Bakes, renders: Renders):
    """A tool's findings by folder -> (by bake index, by render key)."""
    index_of = {project: index for index, project in bakes.baked()}
    key_of = {folder: key for key, folder in renders.folders.items()}
    return (
        {index_of[f]: lines for f, lines in found.items() if f in index_of},
        {key_of[f]: lines for f, lines in found.items() if f in key_of},
    )


# --- the option space ------------------------------------------------------------------------


def test_the_bakes_hold_every_3_way_combination_and_every_pair():
    assert uncovered_triples(VARIANTS) == set()
    assert uncovered_pairs(VARIANTS) == set()
    assert VARIANTS[0] == DEFAULTS
    everything = len(combinations(FEATURES))
    assert len(VARIANTS) < everything / 10, (len(VARIANTS), everything)


def test_each_file_that_reads_several_options_is_rendered_in_every_combination(renders):
    # The files whose conditionals mix options, found from the template itself.
    for expected in ("README.md", "pyproject.toml", ".env.example", "docker-compose.yml"):
        assert expected in renders.files, sorted(renders.files)
    for relative, names in renders.files.items():
        count = sum(len(h) for (file, _), h in renders.holders.items() if file == relative)
        assert count == len(combinations(names)), relative


def test_the_renderer_writes_each_file_as_the_bake_did(bakes):
    """The renders stand for bakes only if the renderer is cookiecutter's rendering."""
    problems: dict[int, list[str]] = {}
    for index, project in bakes.baked():
        context = {**checks.FileRenderer.default_context(), **VARIANTS[index]}
        for name in ("project_slug", "package_name"):
            if name in VARIANTS[index] or "project_name" in VARIANTS[index]:
                context[name] = project.name if name == "project_slug" else bakes.package(project)
        renderer = checks.FileRenderer(context)
        lines = []
        for template_relative, _ in renderer.sources():
            relative = renderer.path_for(template_relative, {})
            path = project / relative
            if path.is_file() and renderer.render(template_relative, {}) != path.read_text(
                encoding="utf-8"
            ):
                lines.append(f"{relative} differs")
        if lines:
            problems[index] = lines
    settle(problems, "renderer = bake")


def test_every_ignored_answer_bakes_the_same_project(tmp_path):
    from cookiecutter.main import cookiecutter

    config = _config_file(str(tmp_path / "replay"))
    for number, rule in enumerate(RULES["ignored"]):
        trees = []
        for value in SPACE[rule["option"]]:
            folder = tmp_path / f"{number}-{rule['option']}-{value}"
            folder.mkdir()
            with contextlib.redirect_stdout(None):
                trees.append(
                    Path(
                        cookiecutter(
                            str(TEMPLATE_DIR),
                            no_input=True,
                            extra_context={**rule["when"], rule["option"]: value},
                            output_dir=str(folder),
                            config_file=config,
                        )
                    )
                )
        assert different_files(*trees) == [], rule


def different_files(first: Path, second: Path) -> list[str]:
    """Relative paths that differ between two bakes (``.env`` holds fresh secrets: keys only)."""
    names = {p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
    names |= {p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()}
    differ = []
    for name in sorted(names):
        a, b = first / name, second / name
        if not (a.is_file() and b.is_file()):
            differ.append(name)
        elif name == ".env":
            keys = [[line.split("=")[0] for line in f.read_text().splitlines()] for f in (a, b)]
            differ += [name] if keys[0] != keys[1] else []
        elif not filecmp.cmp(a, b, shallow=False):
            differ.append(name)
    return differ


# --- per-bake checks -------------------------------------------------------------------------


def test_every_bake_has_exactly_its_files_and_requirements(bakes):
    problems: dict[int, list[str]] = {i: [f"did not bake: {e}"] for i, e in bakes.errors.items()}
    for index, project in bakes.baked():
        variant = VARIANTS[index]
        lines = checks.file_findings(project, variant, bakes.package(project))
        lines += checks.requirement_findings(project, variant)
        lines += checks.unrendered_names(project)
        if lines:
            problems[index] = lines
    settle(problems, "files and requirements (feature manifest)")


@pytest.mark.parametrize("mode", ["check", "format"])
def test_ruff_passes_on_every_bake_and_render(bakes, renders, mode):
    # One ruff run over all of them; each folder's own pyproject.toml configures its files.
    folders = [project for _, project in bakes.baked()]
    found = checks.ruff([*folders, *renders.folders.values()], mode)
    settle_both(*split(found, bakes, renders), renders, f"ruff {mode}")


def test_everything_compiles_on_its_python(bakes, renders, tmp_path):
    groups: dict[str, list[Path]] = defaultdict(list)
    for index, project in bakes.baked():
        groups[complete(VARIANTS[index])["python_version"]].append(project)
    for key, folder in renders.folders.items():
        if key[0].endswith(".py"):
            groups[complete(renders.holders[key][0])["python_version"]].append(folder)
    found: dict[Path, list[str]] = {}
    for version, folders in groups.items():
        python = python_for(version)
        if python is None:
            pytest.fail(f"Python {version} is not installed (pyenv install {version})")
        found.update(checks.compileall(folders, python, tmp_path / version))
    settle_both(*split(found, bakes, renders), renders, "compileall")


# --- file checks, once per distinct content ---------------------------------------------------


@pytest.mark.parametrize("check", list(checks.FILE_CHECKS))
def test_every_distinct_file_passes_the_file_check(distinct, renders, check):
    run = checks.FILE_CHECKS[check]
    found = {key: run(key[0], entry.text) for key, entry in distinct.items()}
    by_bake, by_render = spread(distinct, found)
    FIGURES.append(f"static level: {check} on {len(distinct)} distinct files")
    settle_both(by_bake, by_render, renders, check)


# --- deployment files: each distinct content through its checker ------------------------------


def scratch(root: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix="scratch-", dir=root))


#: checker -> (the file it reads, how to run it on one copy of that file).
DEPLOY_CHECKS: dict[str, tuple[str, Callable]] = {
    "hadolint": ("Dockerfile", lambda conf, root: checks.run_hadolint(conf)),
    "docker-compose config": ("docker-compose.yml", lambda conf, root: checks.run_compose(conf)),
    "nginx -t": ("docker/nginx.conf", lambda conf, root: checks.run_nginx(conf, scratch(root))),
    "caddy validate": ("docker/Caddyfile", lambda conf, root: checks.run_caddy(conf)),
    "gunicorn --check-config": (
        "gunicorn.conf.py",
        lambda conf, root: checks.run_gunicorn_config(conf, scratch(root)),
    ),
}


@pytest.mark.parametrize("tool", list(DEPLOY_CHECKS))
def test_every_distinct_deployment_file_passes_its_checker(distinct, renders, tmp_path, tool):
    relative, check = DEPLOY_CHECKS[tool]
    chosen = {key: entry for key, entry in distinct.items() if key[0] == relative}
    assert chosen

    def one(key: tuple[str, str]) -> tuple[tuple[str, str], list[str]]:
        out = check(chosen[key].path, tmp_path)
        return key, ([] if out.returncode == 0 else [checks.output(out)[:2000]])

    with ThreadPoolExecutor(WORKERS) as pool:
        found = dict(pool.map(one, chosen))
    FIGURES.append(f"static level: {tool} on {len(chosen)} distinct {relative}")
    settle_both(*spread(distinct, found), renders, f"{tool} ({len(chosen)} distinct {relative})")


def files_named_in_output(
    chosen: dict[tuple[str, str], Path], out, names: dict[tuple[str, str], str] | None = None
) -> dict[tuple[str, str], list[str]]:
    """A file whose name (or ``names[key]``) the tool's output holds is a file that fails."""
    text = out.stdout + out.stderr
    found = {}
    for key, path in chosen.items():
        name = (names or {}).get(key, str(path))
        found[key] = [checks.output(out)[:2000]] if name in text else []
    if out.returncode != 0 and not any(found.values()):
        pytest.fail(checks.output(out))
    return found


def test_every_distinct_github_workflow_matches_the_schema(distinct, renders):
    relative = ".github/workflows/ci.yml"
    chosen = {key: entry.path for key, entry in distinct.items() if key[0] == relative}
    assert chosen
    out = checks.run_workflow_check(*chosen.values())
    FIGURES.append(f"static level: check-jsonschema on {len(chosen)} distinct {relative}")
    found = files_named_in_output(chosen, out)
    settle_both(*spread(distinct, found), renders, f"workflow schema ({len(chosen)} distinct)")


#: The service container the baked workflow runs for each server (option_space.servers).
WORKFLOW_SERVICES = {
    "PostgreSQL": "postgres",
    "MariaDB": "mariadb",
    "Redis": "redis",
    "RabbitMQ": "rabbitmq",
    "MongoDB": "mongodb",
}


def workflow_services(path: Path, variant: dict) -> list[str]:
    test_job = yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"]["test"]
    found = set(test_job.get("services", {}))
    if found != {WORKFLOW_SERVICES[name] for name in servers(variant)}:
        return [f"services {sorted(found)}, servers {servers(variant)}"]
    return []


def test_every_github_workflow_runs_exactly_the_servers_its_suite_needs(bakes, renders):
    by_bake: dict[int, list[str]] = {}
    for index, project in bakes.baked():
        workflow = project / ".github" / "workflows" / "ci.yml"
        if workflow.is_file() and (lines := workflow_services(workflow, VARIANTS[index])):
            by_bake[index] = lines
    by_render: dict[tuple[str, str], list[str]] = {}
    for key, folder in renders.folders.items():
        if key[0] == ".github/workflows/ci.yml":
            path = folder / key[0]
            lines = [
                line
                for answers in renders.holders[key]
                for line in workflow_services(path, answers)
            ]
            if lines:
                by_render[key] = lines
    settle_both(by_bake, by_render, renders, "workflow service containers")


@pytest.mark.groovy_lint
def test_groovy_lint_accepts_every_distinct_jenkinsfile(distinct, renders, tmp_path):
    chosen = {key: entry.path for key, entry in distinct.items() if key[0] == "Jenkinsfile"}
    assert chosen
    # npm-groovy-lint starts one JVM for all files: one copy of each distinct Jenkinsfile.
    copies, names = {}, {}
    for number, (key, path) in enumerate(sorted(chosen.items())):
        copy = tmp_path / f"Jenkinsfile{number:03d}"
        copy.write_bytes(path.read_bytes())
        copies[key], names[key] = copy, copy.name
    out = checks.run_groovy_lint(*copies.values())
    FIGURES.append(f"static level: npm-groovy-lint on {len(chosen)} distinct Jenkinsfile")
    found = files_named_in_output(copies, out, names)
    settle_both(*spread(distinct, found), renders, f"Groovy lint ({len(chosen)} Jenkinsfiles)")

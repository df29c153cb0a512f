"""What one variant costs at each test level, next to a reference measured in the same run.

Reference: one in-process bake of the default variant (cookiecutter's Python API), the cheapest
thing every level does. Then, per variant:

* static level: bake + the static checks of DESIGN section 4 that run per variant (ruff check,
  ruff format --check, compileall, TOML/YAML/JSON parsing), for ``--sample`` variants spread
  over the static level's bakes (the 3-way covering array);
* variant level (``--install K``, default 1): bake, its own venv with uv, ``pip install -e .
  --group dev`` and its own pytest, for the first K variants of the covering array. Those suites
  use the real services on 127.0.0.1 (PostgreSQL, MariaDB, Redis, RabbitMQ) as the variant
  needs; ``--install 0`` leaves this level out.

Every figure is printed in seconds and as a ratio to the reference. Run it with the tox env
that has the tools (cookiecutter, ruff, pyyaml, allpairspy, uv):

    .tox/variants/bin/python bench/variant_cost.py [--sample 24] [--install 1]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from option_space import (  # noqa: E402  (needs the tests folder on sys.path)
    DEFAULTS,
    TEMPLATE_DIR,
    covering_array,
    minimal,
    three_way_array,
    variant_id,
)


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null: the hooks run as subprocesses and print next steps."""
    sys.stdout.flush()
    saved = os.dup(1)
    sink = os.open(os.devnull, os.O_WRONLY)
    os.dup2(sink, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(sink)


def bake(variant: dict, folder: Path) -> tuple[Path, float]:
    """(project path, seconds) of one in-process bake of ``variant`` into ``folder``."""
    from cookiecutter.main import cookiecutter

    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.yaml"
    config.write_text(f"replay_dir: {folder / 'replay'}\n", encoding="utf-8")
    started = time.perf_counter()
    with quiet_stdout():
        path = cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            extra_context=minimal(variant),
            output_dir=str(folder),
            config_file=str(config),
        )
    return Path(path), time.perf_counter() - started


def run(command: list[str], cwd: Path, env: dict | None = None) -> None:
    """Run ``command``; a failure stops the benchmark with its output (a broken variant has no
    meaningful cost)."""
    out = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed in {cwd}:\n{out.stdout[-3000:]}{out.stderr[-3000:]}")


def static_checks(project: Path, scratch: Path) -> float:
    """Seconds the per-variant static checks take on ``project``."""
    import json

    import tomllib
    import yaml

    ruff = shutil.which("ruff") or sys.exit("ruff is not installed")
    started = time.perf_counter()
    run([ruff, "check", "--no-cache", "."], project)
    run([ruff, "format", "--check", "--no-cache", "."], project)
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(scratch)}
    run([sys.executable, "-m", "compileall", "-q", "."], project, env)
    for path in project.rglob("*"):
        if path.suffix == ".toml":
            tomllib.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix in {".yml", ".yaml"}:
            yaml.safe_load(path.read_text(encoding="utf-8"))
    return time.perf_counter() - started


def timed(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float | None = None
) -> tuple[float, str]:
    """(seconds, stdout) of ``command``; a failure or a run past ``timeout`` seconds stops the
    benchmark with its output."""
    started = time.perf_counter()
    out = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{out.stdout[-3000:]}{out.stderr[-3000:]}")
    return seconds, out.stdout


def install(project: Path, python_version: str, extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Make ``project/.venv`` on that Python with uv and install the bake into it as the variant
    level does (``-e . --group dev``, byte-compiled), with the ``extra`` requirements.

    Returns the environment to run the bake's tools in (none of the caller's ``FLASK_`` or
    ``PYTEST_`` settings). A missing uv or Python, or a failed install, stops the benchmark.
    """
    from conftest import python_for

    # uv on PATH, or the one of the venv running the benchmark (the tox envs install it).
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(uv).exists():
        sys.exit("uv is not installed")
    python = python_for(python_version) or sys.exit(f"Python {python_version} is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTEST_"))}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    run([uv, "venv", "-q", "--python", python, ".venv"], project, env)
    command = [uv, "pip", "install", "-q", "--compile-bytecode", "--python", ".venv/bin/python"]
    run([*command, "-e", ".", "--group", "dev", *extra], project, env)
    return env


def parse_variant(parser: argparse.ArgumentParser) -> tuple[argparse.Namespace, dict]:
    """Add the ``key=value`` cookiecutter answers argument to ``parser``, parse the command
    line, and return the arguments and the variant they give (the defaults, overridden)."""
    parser.add_argument("answers", nargs="*", help="cookiecutter answers as key=value")
    args = parser.parse_args()
    answers = dict(answer.split("=", 1) for answer in args.answers)
    return args, {**DEFAULTS, **answers}


def variant_level(project: Path, python_version: str) -> float:
    """Seconds for a venv, the install from the bake's own pyproject and its own pytest."""
    started = time.perf_counter()
    env = install(project, python_version)
    run([".venv/bin/pytest", "-q", "-p", "no:cacheprovider"], project, env)
    return time.perf_counter() - started


def line(label: str, seconds: float, reference: float) -> str:
    return f"{label:<58} {seconds:8.2f} s {seconds / reference:8.1f} x"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=24, help="static-level variants to time")
    parser.add_argument("--install", type=int, default=1, help="variant-level variants to time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="variant-cost-") as scratch_name:
        scratch = Path(scratch_name)
        reference = statistics.median(
            bake(DEFAULTS, scratch / f"reference{i}")[1] for i in range(5)
        )
        print(line("reference: in-process bake of the default variant", reference, reference))

        everything = three_way_array()
        step = max(1, len(everything) // max(1, args.sample))
        sample = everything[::step][: args.sample]
        bakes, checks = [], []
        for number, variant in enumerate(sample):
            project, seconds = bake(variant, scratch / f"static{number}")
            bakes.append(seconds)
            checks.append(static_checks(project, scratch / f"pyc{number}"))
        total = [b + c for b, c in zip(bakes, checks, strict=True)]
        print(f"static level, {len(sample)} of {len(everything)} bakes, median per variant:")
        print(line("  bake", statistics.median(bakes), reference))
        print(line("  static checks (ruff x2, compileall, parsing)", statistics.median(checks),
                   reference))  # fmt: skip
        print(line("  bake + static", statistics.median(total), reference))
        print(line("  slowest bake + static", max(total), reference))

        array = covering_array()
        if args.install:
            print(f"variant level, {args.install} of the {len(array)} covering-array variants:")
        for number, variant in enumerate(array[: args.install]):
            project, seconds = bake(variant, scratch / f"variant{number}")
            seconds += variant_level(project, variant["python_version"])
            print(line(f"  {variant_id(variant)[:56]}", seconds, reference))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How long a baked project's own test suite takes, next to references measured in the same run.

Bakes one project (the default answers, or ``key=value`` arguments), installs it with uv into
its own venv (``-e . --group dev``, as the variant level does), then times, ``--rounds`` times
each and interleaved:

* the suite as ``pytest`` runs it (the fast tests): coverage and its gate included, the
  integration and browser tests left out; and with the integration tests (``make test-all``);
* reference 1: ``pytest --collect-only``, the fixed cost of starting pytest and importing the
  app and every test module, which no test can avoid;
* reference 2: the same suite with the production password hashing (``scrypt``, Werkzeug's
  default) in place of the testing config's one-round PBKDF2, which is what the suite cost
  before the testing config chose cheap hashing.

It prints the test count, the median seconds, the milliseconds per test and the ratios. The suite
uses the real services on 127.0.0.1 that the bake needs. Run it with the tox env that has the
tools (cookiecutter, uv):

    .tox/variants/bin/python bench/suite_time.py [--rounds 3] [database=postgresql ...]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from variant_cost import bake, install, parse_variant, timed  # noqa: E402

from option_space import minimal  # noqa: E402  (needs the tests folder on sys.path)

#: A pytest plugin, loaded with ``-p``, that gives the testing config the production hashing.
#: The config is imported at session start, after coverage has started, so coverage still
#: sees the whole module; the one test that asserts the cheap hashing is left out of that run.
SCRYPT_PLUGIN = """\
import importlib
import os


def pytest_sessionstart(session):
    config = importlib.import_module(os.environ["BENCH_PACKAGE"] + ".config")
    config.TestingConfig.PASSWORD_HASH_METHOD = "scrypt"
"""
CHEAP_HASH_TEST = "not test_the_test_suite_hashes_cheaply"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each command")
    args, variant = parse_variant(parser)

    with tempfile.TemporaryDirectory(prefix="suite-time-") as scratch_name:
        scratch = Path(scratch_name)
        project, _ = bake(minimal(variant), scratch / "bake")
        env = install(project, variant["python_version"])
        plugins = scratch / "plugins"
        plugins.mkdir()
        (plugins / "bench_scrypt.py").write_text(SCRYPT_PLUGIN, encoding="utf-8")
        package = next(p.name for p in (project / "src").iterdir() if p.is_dir())
        scrypt_env = {**env, "PYTHONPATH": str(plugins), "BENCH_PACKAGE": package}
        pytest = [".venv/bin/pytest", "-q", "-p", "no:cacheprovider"]
        commands = {
            "suite (pytest, coverage gate)": (pytest, env),
            "suite with the integration tests": ([*pytest, "-m", "not browser"], env),
            "reference 1: pytest --collect-only": ([*pytest, "--collect-only"], env),
            "reference 2: suite with scrypt hashing": (
                [*pytest, "-p", "bench_scrypt", "-k", CHEAP_HASH_TEST],
                scrypt_env,
            ),
        }
        times: dict[str, list[float]] = {label: [] for label in commands}
        counts: dict[str, int] = {}
        for _ in range(args.rounds):
            for label, (command, command_env) in commands.items():
                seconds, out = timed(command, project, command_env)
                times[label].append(seconds)
                ran = re.search(r"(\d+) passed", out)
                counts[label] = int(ran[1]) if ran else 0
        medians = {label: statistics.median(values) for label, values in times.items()}
        suite = medians["suite (pytest, coverage gate)"]
        print(f"{minimal(variant) or 'default answers'}: {args.rounds} rounds, medians")
        for label, seconds in medians.items():
            tests = counts[label] or counts["suite (pytest, coverage gate)"]
            print(
                f"{label:<42} {seconds:7.1f} s  {tests:4d} tests  {1000 * seconds / tests:5.0f} ms"
                f"/test  suite / this = {suite / seconds:5.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

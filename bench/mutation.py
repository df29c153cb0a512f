"""Mutation score of a baked project's own fast suite over its security-relevant modules.

Bakes one project (the default answers, or ``key=value`` arguments), installs it with uv into its
own venv (``-e . --group dev``) with mutmut, and runs ``mutmut run`` over the modules that decide
who may do what: ``auth/`` (log-in, throttling, links, permissions, mail limits), ``config.py``,
``security.py`` (headers, body limits), the API's token and security modules and ``tasks/`` (the
Celery settings and tasks). mutmut changes one thing at a time (an operator, a constant, a
keyword argument, a returned value) and runs the tests that cover the changed function; a mutant
the tests still pass on "survived".

mutmut 3 mutates top-level functions and methods only, not functions nested inside them (the
inner ``wrapped`` of a decorator, for example) nor module-level settings such as the config
classes' attributes: those are covered by the suite's own planted-mutant checks (issue notes),
not by this score.

It prints, per module and in all: the mutants, how many the suite killed, how many survived,
how many no test reaches, and the score ``killed / (killed + survived + not reached)``; then the
seconds of the mutation run next to one plain ``pytest --no-cov`` of the same suite (the
reference, measured in the same run). ``--survivors FILE`` writes each survivor's diff.

    .tox/exhaustive/bin/python bench/mutation.py [--survivors survivors.txt] [key=value ...]

It took 13 min for the default bake on two cores with nothing else running (23 min beside a CI
run). Not part of CI.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from variant_cost import bake, install, parse_variant, timed  # noqa: E402

from option_space import minimal  # noqa: E402  (needs the tests folder on sys.path)

#: The modules mutated, relative to the package folder (mutmut's ``only_mutate`` globs).
MODULES = ["auth/*", "config.py", "security.py", "api/security.py", "api/tokens.py", "tasks/*"]

#: Appended to the bake's pyproject.toml (the bake itself ships no mutmut settings). The suite
#: runs without coverage (its gate would fail on the subsets mutmut selects). The files outside
#: ``src`` and ``tests`` that the suite reads are copied into mutmut's working tree.
MUTMUT_CONFIG = """
[tool.mutmut]
source_paths = ["src"]
only_mutate = [{globs}]
also_copy = ["wsgi.py", "migrations/", "stubs/", ".flaskenv"]
pytest_add_cli_args = ["--no-cov", "-p", "no:cacheprovider"]
"""

#: mutmut's statuses, grouped for the score.
KILLED = {"killed", "timeout"}
SURVIVED = {"survived"}
NOT_REACHED = {"no tests"}


def module_of(mutant: str) -> str:
    """``acme.auth.views.x_login__mutmut_3`` -> ``acme.auth.views``."""
    return mutant.rsplit(".", 1)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--survivors", type=Path, help="write each survivor's diff here")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds for mutmut run")
    args, variant = parse_variant(parser)

    with tempfile.TemporaryDirectory(prefix="mutation-") as scratch_name:
        project, _ = bake(minimal(variant), Path(scratch_name) / "bake")
        package = next(p.name for p in (project / "src").iterdir() if p.is_dir())
        env = install(project, variant["python_version"], extra=("mutmut>=3.8",))
        globs = ", ".join(f'"src/{package}/{module}"' for module in MODULES)
        with (project / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
            pyproject.write(MUTMUT_CONFIG.format(globs=globs))

        reference, _ = timed([".venv/bin/pytest", "-q", "--no-cov"], project, env, args.timeout)
        seconds, _ = timed([".venv/bin/mutmut", "run"], project, env, args.timeout)
        listing = subprocess.run(
            [".venv/bin/mutmut", "results", "--all", "true"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        statuses = dict(re.findall(r"^\s+(\S+): (.+)$", listing, re.M))
        if not statuses:
            sys.exit(f"mutmut reported no mutants:\n{listing[-3000:]}")
        by_module: dict[str, Counter[str]] = defaultdict(Counter)
        for mutant, status in statuses.items():
            by_module[module_of(mutant)][status] += 1
        by_module["all"] = sum(by_module.values(), Counter())

        print(f"{'module':<34} {'mutants':>7} {'killed':>7} {'survived':>8} {'no test':>7} score")
        for module, counts in sorted(by_module.items(), key=lambda kv: kv[0] == "all"):
            killed = sum(counts[s] for s in KILLED)
            survived = sum(counts[s] for s in SURVIVED)
            unreached = sum(counts[s] for s in NOT_REACHED)
            scored = killed + survived + unreached
            score = f"{killed / scored:6.1%}" if scored else "     -"
            total = sum(counts.values())
            print(f"{module:<34} {total:>7} {killed:>7} {survived:>8} {unreached:>7} {score}")
        other = sum(by_module["all"].values()) - sum(
            by_module["all"][s] for s in KILLED | SURVIVED | NOT_REACHED
        )
        if other:
            print(f"({other} mutants with another status: {dict(by_module['all'])})")
        print(
            f"mutmut run: {seconds:.0f} s; reference, the suite once without coverage: "
            f"{reference:.1f} s ({seconds / reference:.0f}x)"
        )
        if args.survivors:
            survivors = [m for m, s in statuses.items() if s in SURVIVED | NOT_REACHED]
            diffs = [
                subprocess.run(
                    [".venv/bin/mutmut", "show", mutant],
                    cwd=project,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                ).stdout
                for mutant in survivors
            ]
            args.survivors.write_text("\n".join(diffs), encoding="utf-8")
            print(f"{len(survivors)} survivors' diffs written to {args.survivors}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

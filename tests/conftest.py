"""Shared fixtures of the template's own tests: bakes, interpreters, shards, the variant report.

Option facts come from option_space.py (which reads cookiecutter.json), checks from checks.py.

Every bake goes through pytest-cookies (in-process cookiecutter). The template is always this
repository, wherever pytest is started from.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from option_space import OPTIONS, TEMPLATE_DIR
from option_space import variant_id as option_id
from report import lines as report_lines

# Choice variables: name -> choices, the first being the default.
CHOICES = {
    name: value
    for name, value in OPTIONS.items()
    if not name.startswith("_") and isinstance(value, list)
}
DEFAULT_SLUG = "flask-app"


def bake(cookies, **answers):
    """Bake the template with ``answers`` as extra context; returns the pytest-cookies Result."""
    return cookies.bake(extra_context=answers, template=str(TEMPLATE_DIR))


def variant_id(variant: dict) -> str:
    return ",".join(f"{name}={value}" for name, value in variant.items()) or "default"


def pyenv_root() -> Path | None:
    """pyenv's root folder, if pyenv is installed."""
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    pyenv = shutil.which("pyenv")
    if pyenv:
        out = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    default = Path.home() / ".pyenv"
    return default if default.is_dir() else None


def python_for(version: str) -> str | None:
    """An interpreter for ``version`` ("3.12"): pyenv's if present, else one on PATH."""
    root = pyenv_root()
    if root:
        pattern = str(root / "versions" / f"{version}.*" / "bin" / f"python{version}")
        found = sorted(glob.glob(pattern))
        if found:
            return found[-1]
    if sys.version_info[:2] == tuple(int(part) for part in version.split(".")):
        return sys.executable
    return shutil.which(f"python{version}")


class BakeCache:
    """Bakes each variant once per test session (pytest-cookies' session fixture)."""

    def __init__(self, cookies_session) -> None:
        self._cookies = cookies_session
        self._results: dict[str, object] = {}

    def get(self, variant: dict):
        key = json.dumps(variant, sort_keys=True)
        if key not in self._results:
            self._results[key] = bake(self._cookies, **variant)
        result = self._results[key]
        if result.exit_code != 0 or result.exception is not None:
            pytest.fail(f"variant {variant_id(variant)} did not bake: {result.exception!r}")
        return result


@pytest.fixture(scope="session")
def baked(cookies_session) -> BakeCache:
    return BakeCache(cookies_session)


# --- sharding and the end-of-run report -----------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--shard",
        default=None,
        metavar="i/N",
        help="run only the i-th of N interleaved slices of the variant level (CI farms)",
    )


#: level -> variant id -> (variant, passed so far), filled as tests report.
OUTCOMES: dict[str, dict[str, tuple[dict, bool]]] = {}
#: Lines of figures (timings, rates) that tests add for the report.
FIGURES: list[str] = []


def record(level: str, variant: dict, passed: bool) -> None:
    """Count ``variant`` at ``level`` ("static", "exhaustive", "variant"); one failed test fails
    the variant."""
    key = option_id(variant)
    _, before = OUTCOMES.setdefault(level, {}).get(key, (variant, True))
    OUTCOMES[level][key] = (variant, before and passed)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    params = getattr(getattr(item, "callspec", None), "params", {})
    variant = params.get("variant")
    if isinstance(variant, dict) and (report.when == "call" or report.failed):
        level = "variant" if item.get_closest_marker("variant") else "static"
        record(level, variant, not report.failed)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """The variant report (report.py); also written as JSON to ``$VARIANT_REPORT`` when set, so
    the reports of parallel shards can be merged."""
    if not OUTCOMES:
        return
    report = {"outcomes": OUTCOMES, "figures": FIGURES}
    terminalreporter.section("variant report")
    for line in report_lines(report):
        terminalreporter.write_line(line)
    target = os.environ.get("VARIANT_REPORT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(json.dumps(report, indent=1), encoding="utf-8")

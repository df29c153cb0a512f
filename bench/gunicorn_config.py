"""Throughput and tail latency of a baked project under its shipped ``gunicorn.conf.py``, next to
the same config with workers restarted every 1000 requests (``GUNICORN_MAX_REQUESTS=1000``, the
default before), measured in the same run.

Bakes one project (the default answers, or ``key=value`` arguments), installs it with uv into
its own venv, runs ``flask init``, then for ``--rounds`` interleaved rounds serves it with
``gunicorn -c gunicorn.conf.py wsgi:app`` (production config, 2 workers, its access log on
stdout, which goes to /dev/null) and drives the anonymous home page with wrk (``-t2 -c16 -d10s
--latency``, after a 2 s warm-up). It prints each configuration's median requests per second
and median p99 latency, and their ratios to the reference. wrk comes from Debian (``apt-get
install wrk``).

One run here (2 cores, idle, ``--rounds 3``, when the config shipped sync workers): shipped
1588 req/s and p99 17.8 ms; with ``GUNICORN_MAX_REQUESTS=1000`` 910 req/s and p99 997 ms (1.75x
the throughput, 0.02x the p99).

    .tox/exhaustive/bin/python bench/gunicorn_config.py [--rounds 3] [key=value ...]
"""

from __future__ import annotations

import argparse
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from variant_cost import bake, install, parse_variant, run  # noqa: E402

from option_space import minimal  # noqa: E402  (needs the tests folder on sys.path)

#: label -> environment added to the shipped config's.
CONFIGS = {
    "shipped gunicorn.conf.py": {},
    "reference: GUNICORN_MAX_REQUESTS=1000": {"GUNICORN_MAX_REQUESTS": "1000"},
}
WRK = ["-t2", "-c16", "-d10s", "--latency"]
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float) -> None:
    """Return once ``url`` answers 200; stop the benchmark after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} did not answer 200 within {seconds} s")


def measure(project: Path, env: dict[str, str], wrk: str) -> tuple[float, float]:
    """(requests per second, p99 milliseconds) of one wrk run against a fresh gunicorn."""
    port = free_port()
    server = subprocess.Popen(
        [".venv/bin/gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=project,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health/ping", 60)
        url = f"http://127.0.0.1:{port}/"
        # Both workers serve the page once before the measured run (its first render compiles
        # the templates); restarted workers pay that again, which is what is measured.
        subprocess.run([wrk, "-t2", "-c4", "-d2s", url], capture_output=True, check=True)
        out = subprocess.run([wrk, *WRK, url], capture_output=True, text=True, check=True).stdout
    finally:
        server.terminate()
        server.wait(timeout=60)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if rate is None or p99 is None or "Non-2xx" in out:
        sys.exit(f"wrk gave no figures, or errors:\n{out}")
    return float(rate.group(1)), float(p99.group(1)) * UNITS[p99.group(2)]


def prepare(variant: dict, scratch: Path) -> tuple[Path, dict[str, str]]:
    """Bake ``variant`` into ``scratch``, install it and run ``flask init`` (production config).

    Returns the project folder and the environment to serve it in: a fresh secret key, an
    instance folder in ``scratch``, and a mail server set (no page measured sends mail; it
    silences the production config's warning)."""
    project, _ = bake(minimal(variant), scratch / "bake")
    env = install(project, variant["python_version"])
    env |= {"FLASK_SECRET_KEY": secrets.token_hex(32), "INSTANCE_PATH": str(scratch / "i")}
    env["FLASK_MAIL_SERVER"] = "127.0.0.1"
    run([".venv/bin/flask", "init"], project, {**env, "APP_CONFIG": "production"})
    return project, env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    args, variant = parse_variant(parser)
    wrk = shutil.which("wrk") or sys.exit("wrk is not installed (apt-get install wrk)")

    with tempfile.TemporaryDirectory(prefix="gunicorn-config-") as scratch_name:
        project, env = prepare(variant, Path(scratch_name))
        rates: dict[str, list[float]] = {label: [] for label in CONFIGS}
        tails: dict[str, list[float]] = {label: [] for label in CONFIGS}
        for _ in range(args.rounds):
            for label, extra in CONFIGS.items():
                rate, p99 = measure(project, {**env, **extra}, wrk)
                rates[label].append(rate)
                tails[label].append(p99)
        reference = next(reversed(CONFIGS))
        base_rate = statistics.median(rates[reference])
        base_p99 = statistics.median(tails[reference])
        print(f"{'configuration':<40} {'req/s':>9} {'x ref':>6} {'p99 ms':>9} {'x ref':>6}")
        for label in CONFIGS:
            rate, p99 = statistics.median(rates[label]), statistics.median(tails[label])
            print(
                f"{label:<40} {rate:9.0f} {rate / base_rate:6.2f} {p99:9.1f} {p99 / base_p99:6.2f}"
            )
        print(f"wrk {' '.join(WRK)} on /, {args.rounds} interleaved rounds, medians")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

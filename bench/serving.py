"""What serving a baked project costs, next to a bare Flask app served the same way in one run.

Bakes one project (the default answers, or ``key=value`` arguments), installs it with uv into
its own venv, runs ``flask init`` and ``flask create-admin``, writes a bare Flask app (one view
returning a short string) beside it, then for ``--rounds`` interleaved rounds serves each of:

- ``shipped``: ``gunicorn -c gunicorn.conf.py wsgi:app``, the project's own config (its own
  worker count, its access log on stdout, which goes to /dev/null);
- ``shipped, log off``: the same with ``GUNICORN_ACCESS_LOG=off``, as docker-compose.yml runs
  it behind Caddy or nginx (which write the access line instead);
- each ``--also NAME:KEY=VALUE[,...]``: the shipped config again with those environment
  variables (``GUNICORN_PRELOAD=off``, say), to weigh one of its settings;
- ``plain``: ``gunicorn -w 2 wsgi:app`` with an empty config file (gunicorn would otherwise
  read the project's ``gunicorn.conf.py``), so gunicorn's defaults: sync workers, no access log;
- ``bare Flask``: ``gunicorn -w 2 hello:app`` from the same venv, the reference;
- each ``--compare NAME=DIR:MODULE:APP``: another project installed in ``DIR/.venv`` (say a
  baked cookiecutter-flask, ``autoapp:app``), ``gunicorn -w 2 MODULE:APP`` in ``DIR``, its
  venv byte-compiled first (:func:`byte_compile`) as the bake's is;

in a new random order each round (servers, and each server's paths; ``--seed`` repeats one),
and drives ``/`` anonymous, ``/`` logged in (the session cookie of a real login), ``/auth/login``
and ``/health/ping`` with wrk (``-t2 -c16 --latency`` for ``--seconds``, after a 2 s warm-up);
the bare app and compared projects answer ``/``. It prints, per path and server, the medians
of requests per second, p50 and p99 latency, each rate as a ratio to bare Flask's ``/`` and to
each compared project's; then each app's cost in-process (:func:`in_process`: microseconds a
request through Flask's test client, with nothing else on the CPU, so steadier than wrk's rates
on a small machine); then the memory after the run (:func:`memory`: the largest
worker's RSS and USS, and the whole server's PSS) and the cold start,
``import wsgi`` (imports plus ``create_app("production")``) timed inside a new interpreter,
median of 7 interleaved rounds, each as ratios to the same references; last, each serving target
(:func:`targets`) with its ratio and bound, and whether it is met: a rate that misses its bound
by no more than this run's noise says so. The noise is the ratio of the shipped config's rates
on ``/health/ping`` with the access log on and off: an answered probe writes no line, so the
two do the same work. wrk comes from Debian
(``apt-get install wrk``).

    .tox/exhaustive/bin/python bench/serving.py [--rounds 2] [--seconds 5] [key=value ...]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from gunicorn_config import UNITS, free_port, prepare, wait_for  # noqa: E402
from variant_cost import parse_variant, run  # noqa: E402

PATHS = ("/ anonymous", "/ logged in", "/auth/login", "/health/ping")
#: wrk and the login send the same User-Agent: Flask-Login ties a session to it.
USER_AGENT = "bench/serving"
EMAIL, PASSWORD = "bench@example.com", "copper kettle under the stairs 42"
HELLO = """from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello"
"""
COLD_START = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
#: Runs in a server's venv and folder: argv[1] is a JSON job ({"module", "app", "paths": [[path,
#: cookie or null], ...], "agent", "count", "rounds"}); prints {path: microseconds a request},
#: the best of the rounds.
IN_PROCESS = """
import importlib, json, sys, time

job = json.loads(sys.argv[1])
app = getattr(importlib.import_module(job["module"]), job["app"])
# Without the client's cookie jar: each request carries the cookie it is given, or none.
client = app.test_client(use_cookies=False)
figures = {}
for path, cookie in job["paths"]:
    headers = {"User-Agent": job["agent"], **({"Cookie": cookie} if cookie else {})}
    for _ in range(100):  # the first requests compile the page's templates
        response = client.get(path.split()[0], headers=headers)
    if response.status_code != 200 or (cookie and b"Log out" not in response.data):
        sys.exit(f"{path}: {response.status_code}, logged in: {b'Log out' in response.data}")
    best = float("inf")
    for _ in range(job["rounds"]):
        start = time.perf_counter()
        for _ in range(job["count"]):
            client.get(path.split()[0], headers=headers)
        best = min(best, (time.perf_counter() - start) / job["count"])
    figures[path] = best * 1e6
print(json.dumps(figures))
"""


@dataclass
class Server:
    """One way of serving: the command, its folder and environment, the paths it answers."""

    name: str
    command: list[str]
    folder: Path
    env: dict[str, str]
    paths: tuple[str, ...]
    module: str
    rates: dict[str, list[float]] = field(default_factory=dict)
    p50s: dict[str, list[float]] = field(default_factory=dict)
    p99s: dict[str, list[float]] = field(default_factory=dict)
    rss: list[float] = field(default_factory=list)
    uss: list[float] = field(default_factory=list)
    pss: list[float] = field(default_factory=list)
    cookie: str | None = None


def log_in(port: int) -> str:
    """The session cookie (``name=value``) of a real login through the login form."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/auth/login", headers={"User-Agent": USER_AGENT})
    response = connection.getresponse()
    page = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if token is None or not cookie:
        sys.exit(f"the login page gave no CSRF token or cookie:\n{page[:2000]}")
    body = urlencode({"csrf_token": token[1], "email": EMAIL, "password": PASSWORD})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie,
        "User-Agent": USER_AGENT,
    }
    connection.request("POST", "/auth/login", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    cookies = [c.split(";")[0] for c in response.msg.get_all("Set-Cookie") or []]
    session = [c for c in cookies if c.startswith(cookie.split("=")[0] + "=")]
    if response.status != 302 or not session:
        sys.exit(f"the login answered {response.status} with cookies {cookies}")
    # The first page after a login adds the CSRF token of its forms to the session, as a
    # browser keeps it; with the login's own cookie every request would add it again.
    headers = {"Cookie": session[0], "User-Agent": USER_AGENT}
    connection.request("GET", "/", headers=headers)
    response = connection.getresponse()
    response.read()
    cookies = [c.split(";")[0] for c in response.msg.get_all("Set-Cookie") or []]
    updated = [c for c in cookies if c.startswith(cookie.split("=")[0] + "=")]
    return (updated or session)[0]


def drive(wrk: str, url: str, seconds: int, cookie: str | None) -> tuple[float, float, float]:
    """(requests per second, p50 ms, p99 ms) of one wrk run, after a 2 s warm-up that reaches
    every worker (a worker's first render of a page compiles its templates)."""
    headers = ["-H", f"User-Agent: {USER_AGENT}"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    subprocess.run([wrk, "-t2", "-c16", "-d2s", *headers, url], capture_output=True, check=True)
    command = [wrk, "-t2", "-c16", f"-d{seconds}s", "--latency", *headers, url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s))\s*$", out, re.M))
    if rate is None or len(latency) != 2 or "Non-2xx" in out:
        sys.exit(f"wrk gave no figures, or errors, for {url}:\n{out}")

    def ms(text: str) -> float:
        value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * UNITS[unit]

    return float(rate[1]), ms(latency["50"]), ms(latency["99"])


def memory(master: int) -> tuple[float, float, float]:
    """The memory of the gunicorn server ``master``, in MiB, read from /proc/PID/smaps_rollup
    (Linux's proc(5)): the largest RSS among its workers; the largest USS (private pages: what
    the worker alone holds, gone when it exits); and the PSS of master and workers added up
    (each shared page split among the processes sharing it: the whole server's share of RAM).
    A worker forked from a master that built the app (gunicorn's ``preload_app``) shares its
    pages until it writes to them: its RSS counts them, its USS does not."""
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    )
    workers = [int(pid) for pid in out.stdout.split()]

    def rollup(pid: int) -> dict[str, int]:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value, *_ = line.split()
            fields[name.rstrip(":")] = int(value)
        return fields

    if not workers:
        return float("nan"), float("nan"), float("nan")
    sizes = {pid: rollup(pid) for pid in [master, *workers]}
    rss = max(sizes[pid]["Rss"] for pid in workers)
    uss = max(sizes[pid]["Private_Clean"] + sizes[pid]["Private_Dirty"] for pid in workers)
    pss = sum(fields["Pss"] for fields in sizes.values())
    return rss / 1024, uss / 1024, pss / 1024


def serve_and_measure(server: Server, wrk: str, seconds: int, shuffler: random.Random) -> None:
    """Start ``server`` on a free port, drive each of its paths in an order ``shuffler`` picks,
    record the figures, stop it."""
    port = free_port()
    command = [*server.command, "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        command,
        cwd=server.folder,
        env=server.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", 60)
        cookie = log_in(port) if "/ logged in" in server.paths else None
        server.cookie = server.cookie or cookie
        for path in shuffler.sample(server.paths, len(server.paths)):
            url = f"http://127.0.0.1:{port}{path.split()[0]}"
            rate, p50, p99 = drive(wrk, url, seconds, cookie if "logged in" in path else None)
            server.rates.setdefault(path, []).append(rate)
            server.p50s.setdefault(path, []).append(p50)
            server.p99s.setdefault(path, []).append(p99)
        rss, uss, pss = memory(process.pid)
        server.rss.append(rss)
        server.uss.append(uss)
        server.pss.append(pss)
    finally:
        process.terminate()
        process.wait(timeout=60)


def cold_starts(servers: list[Server], times: int = 7) -> dict[str, float]:
    """Median seconds of ``import <module>`` in a new interpreter of each server's venv, by
    server name: ``times`` rounds, each importing every server's module once in turn, so that
    what the machine is doing meanwhile falls on all of them alike."""
    seconds: dict[str, list[float]] = {server.name: [] for server in servers}
    for _ in range(times):
        for server in servers:
            python = str(Path(server.command[0]).with_name("python"))
            out = subprocess.run(
                [python, "-c", COLD_START.format(module=server.module)],
                cwd=server.folder,
                env=server.env,
                capture_output=True,
                text=True,
                check=True,
            )
            seconds[server.name].append(float(out.stdout.strip().splitlines()[-1]))
    return {name: statistics.median(values) for name, values in seconds.items()}


def in_process(servers: list[Server], count: int = 2000, rounds: int = 3) -> dict[str, dict]:
    """Microseconds a request of each server's app, called in-process through Flask's test
    client (no server, no network, no other process on the CPU), by server name and path: the
    best of ``rounds`` runs of ``count`` requests, after 100 that compile the templates. Servers
    that share an app (the shipped config and plain flags serve the same ``wsgi:app``) are
    measured once, as the first of them. ``/ logged in`` sends the session cookie of the
    server's login (:func:`log_in`)."""
    figures: dict[str, dict] = {}
    measured: set[tuple[Path, str]] = set()
    for server in servers:
        if (server.folder, server.module) in measured:
            continue
        measured.add((server.folder, server.module))
        paths = [[path, server.cookie if "logged in" in path else None] for path in server.paths]
        module, _, app = server.command[-1].partition(":")
        job = {"module": module, "app": app, "paths": paths, "agent": USER_AGENT,
               "count": count, "rounds": rounds}  # fmt: skip
        python = str(Path(server.command[0]).with_name("python"))
        out = subprocess.run(
            [python, "-c", IN_PROCESS, json.dumps(job)],
            cwd=server.folder,
            env=server.env,
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            sys.exit(f"{server.name} in-process: {out.stderr[-2000:]}")
        figures[server.name] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def row_key(path: str, figures: dict[str, object]) -> str | None:
    """The key of ``figures`` (one server's, by path) for the table row of ``path``: the path
    itself, or ``/`` on the ``/ anonymous`` row for a server that answers ``/`` only (bare
    Flask, a compared project); ``None`` when it has no figure for that row."""
    key = path if path in figures else ("/" if path == "/ anonymous" else None)
    return key if key in figures else None


def report(
    servers: list[Server], reference: Server, others: list[Server], rounds: int, seconds: int
) -> None:
    """Print the tables of the module docstring: each rate as a ratio to bare Flask's ``/``
    and to each compared project's ``/`` (``others``), the in-process costs, memory and cold
    start likewise, the run's noise, then each of the serving targets (:func:`targets`) with
    its ratio, its bound and whether it is met."""

    def median_rate(server: Server, key: str) -> float:
        return statistics.median(server.rates[key])

    bases = [median_rate(reference, "/")] + [median_rate(other, "/") for other in others]
    names = ["bare"] + [other.name for other in others]
    widths = [max(8, len(name) + 2) for name in names]
    extra = "".join(f" {'x ' + name:>{width}}" for name, width in zip(names, widths, strict=True))
    print(f"{'path':<14} {'server':<22} {'req/s':>8}{extra} {'p50 ms':>8} {'p99 ms':>8}")
    for path in PATHS:
        for server in servers:
            key = row_key(path, server.rates)
            if key is None:
                continue
            rate = median_rate(server, key)
            p50 = statistics.median(server.p50s[key])
            p99 = statistics.median(server.p99s[key])
            ratios = "".join(
                f" {rate / base:>{width}.2f}" for base, width in zip(bases, widths, strict=True)
            )
            print(f"{path:<14} {server.name:<22} {rate:8.0f}{ratios} {p50:8.2f} {p99:8.1f}")
    calls = in_process(servers)
    print(f"\n{'in-process':<14} {'app of':<22} {'us/req':>8}" + extra)
    for path in PATHS:
        for name, figures in calls.items():
            key = row_key(path, figures)
            if key is not None:
                cost = figures[key]
                ratios = "".join(
                    f" {calls[base.name]['/'] / cost:>{width}.2f}"
                    for base, width in zip([reference, *others], widths, strict=True)
                )
                print(f"{path:<14} {name:<22} {cost:8.0f}{ratios}")
    starts = cold_starts(servers)
    sizes = {
        "worker RSS": {server.name: statistics.median(server.rss) for server in servers},
        "worker USS": {server.name: statistics.median(server.uss) for server in servers},
        "all PSS": {server.name: statistics.median(server.pss) for server in servers},
    }
    references = [reference, *others]
    for measure, figures in (
        *((f"{measure} MiB", figures) for measure, figures in sizes.items()),
        ("cold start s", starts),
    ):
        print(f"\n{'server':<22} {measure:>15}" + "".join(f" {'x ' + n:>16}" for n in names))
        for server in servers:
            value = figures[server.name]
            ratios = "".join(f" {value / figures[r.name]:16.2f}" for r in references)
            print(f"{server.name:<22} {value:15.3f}{ratios}")
    print(f"\nwrk -t2 -c16 -d{seconds}s, {rounds} interleaved rounds, medians; bare Flask on /")
    rates = {(one.name, path): median_rate(one, path) for one in servers for path in one.rates}
    # An answered probe writes no access line: on /health/ping the two shipped servers do the
    # same work, and whatever their rates differ by is this run's noise.
    same = rates[("shipped", "/health/ping")] / rates[("shipped, log off", "/health/ping")]
    noise = abs(1 - same)
    print(f"\nnoise: /health/ping, shipped x shipped, log off (the same work): {same:.2f}")
    print(f"\n{'target':<52} {'ratio':>7}  {'bound':<7} met")
    for what, ratio, sense, bound in targets(rates, sizes, starts, others[:1]):
        met = ratio >= bound if sense == ">=" else ratio <= bound
        # Only the rates' targets (each named by its path) share the noise of wrk's rates.
        near = what.startswith("/") and abs(ratio / bound - 1) <= noise
        verdict = "yes" if met else ("no, within noise" if near else "no")
        print(f"{what:<52} {ratio:7.2f}  {sense} {bound:<4.2f} {verdict}")


#: The serving targets the template holds itself to, each a bound on a ratio of two figures of
#: one run: the shipped config against plain flags (more is better), the anonymous page and the
#: probe against bare Flask (more), and against a compared project: cold start (less), the
#: logged-in page against its anonymous one (more), memory (less): a worker's RSS, and, since
#: RSS counts the pages a worker shares with the master that forked it, its USS (what one more
#: worker costs) and the whole server's PSS.
SHIPPED_X_PLAIN = 1.0
ANONYMOUS_X_BARE = 0.6
PROBE_X_BARE = 0.85
COLD_START_X_OTHER = 0.8
LOGGED_IN_X_OTHER = 1.0
RSS_X_OTHER = 1.0
USS_X_OTHER = 1.0
PSS_X_OTHER = 1.0


def targets(
    rates: dict[tuple[str, str], float],
    sizes: dict[str, dict[str, float]],
    starts: dict[str, float],
    others: list[Server],
) -> list[tuple[str, float, str, float]]:
    """Each target as (what, ratio, ">=" or "<=", bound): shipped against plain on every path,
    with the access log on and off; the anonymous page and the probe against bare Flask's
    ``/``; and against each of ``others``, cold start, the logged-in page (against its ``/``)
    and memory. ``rates`` holds the median requests a second by (server, path), ``sizes``
    each memory measure's MiB by server name (:func:`memory`)."""
    bare = rates[("bare Flask", "/")]
    rows = [
        (f"{path}, {name} x plain", rates[(name, path)] / rates[("plain (-w 2)", path)], ">=",
         SHIPPED_X_PLAIN)
        for path in PATHS
        for name in ("shipped", "shipped, log off")
    ]  # fmt: skip
    rows += [
        ("/ anonymous, shipped x bare Flask", rates[("shipped", "/ anonymous")] / bare, ">=",
         ANONYMOUS_X_BARE),
        ("/health/ping, shipped x bare Flask", rates[("shipped", "/health/ping")] / bare, ">=",
         PROBE_X_BARE),
    ]  # fmt: skip
    for other in others:
        rows += [
            (f"cold start, shipped x {other.name}", starts["shipped"] / starts[other.name], "<=",
             COLD_START_X_OTHER),
            (f"/ logged in, shipped x {other.name}'s /",
             rates[("shipped", "/ logged in")] / rates[(other.name, "/")], ">=",
             LOGGED_IN_X_OTHER),
            *(
                (f"{measure}, shipped x {other.name}",
                 sizes[measure]["shipped"] / sizes[measure][other.name], "<=", bound)
                for measure, bound in (
                    ("worker RSS", RSS_X_OTHER),
                    ("worker USS", USS_X_OTHER),
                    ("all PSS", PSS_X_OTHER),
                )
            ),
        ]  # fmt: skip
    return rows


def byte_compile(venv: Path) -> None:
    """Write the bytecode of every module in ``venv`` that has none (``compileall``), as the
    bake's own install does (``uv pip install --compile-bytecode``): a project installed by uv
    without it, on a machine that sets ``PYTHONDONTWRITEBYTECODE``, compiles every module it
    imports at each start, and a cold start measured so came out 3 times as long."""
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "compileall", "-q", str(venv)], capture_output=True, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds")
    parser.add_argument("--seconds", type=int, default=5, help="seconds of each wrk run")
    parser.add_argument("--seed", type=int, default=None, help="seed of the random order")
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="NAME:KEY=VALUE[,KEY=VALUE...]",
        help="the shipped config once more, with these environment variables (e.g. "
        "'no preload:GUNICORN_PRELOAD=off'), on every path",
    )
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="NAME=DIR:MODULE:APP",
        help="another installed project to serve plain (DIR/.venv) and drive on /",
    )
    args, variant = parse_variant(parser)
    wrk = shutil.which("wrk") or sys.exit("wrk is not installed (apt-get install wrk)")

    with tempfile.TemporaryDirectory(prefix="serving-") as scratch_name:
        scratch = Path(scratch_name)
        project, env = prepare(variant, scratch)
        admin = [".venv/bin/flask", "create-admin", "--email", EMAIL, "--password", PASSWORD]
        run(admin, project, {**env, "APP_CONFIG": "production"})
        (scratch / "hello").mkdir()
        (scratch / "hello" / "hello.py").write_text(HELLO)
        gunicorn = str(project / ".venv" / "bin" / "gunicorn")
        # gunicorn reads ./gunicorn.conf.py unless given another file: an empty one keeps its
        # own defaults for the plain servers.
        (scratch / "empty.conf.py").write_text("")
        plain = [gunicorn, "--config", str(scratch / "empty.conf.py"), "--workers", "2"]
        reference = Server(
            "bare Flask", [*plain, "hello:app"], scratch / "hello", env, ("/",), "hello"
        )
        shipped = [gunicorn, "-c", "gunicorn.conf.py", "wsgi:app"]
        log_off = {**env, "GUNICORN_ACCESS_LOG": "off"}
        servers = [
            Server("shipped", shipped, project, env, PATHS, "wsgi"),
            Server("shipped, log off", shipped, project, log_off, PATHS, "wsgi"),
            Server("plain (-w 2)", [*plain, "wsgi:app"], project, env, PATHS, "wsgi"),
            reference,
        ]
        for spec in args.also:
            name, _, settings = spec.partition(":")
            extra = dict(setting.split("=", 1) for setting in settings.split(","))
            servers.insert(-1, Server(name, shipped, project, {**env, **extra}, PATHS, "wsgi"))
        others = []
        for spec in args.compare:
            name, _, where = spec.partition("=")
            folder, module, app = where.split(":")
            byte_compile(Path(folder) / ".venv")
            command = [str(Path(folder) / ".venv" / "bin" / "gunicorn"), *plain[1:]]
            others.append(
                Server(name, [*command, f"{module}:{app}"], Path(folder), env, ("/",), module)
            )
        servers += others
        # A new random order each round, of the servers and of each one's paths: this machine's
        # slow spells come and go, and a fixed order lines them up with the same measurements.
        shuffler = random.Random(args.seed)
        for _ in range(args.rounds):
            for server in shuffler.sample(servers, len(servers)):
                serve_and_measure(server, wrk, args.seconds, shuffler)
        report(servers, reference, others, args.rounds, args.seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Variants, for real: each in its own venv, its own tests, its migrations, gunicorn.

Marked ``variant`` (tox env ``variants``): each bake's dependencies are installed from PyPI with
uv, exactly as its pyproject declares them, into a venv of the bake's lowest supported Python,
and its suite runs against the real services the variant uses (services.md). A service that is
down fails the variant with its name; nothing is skipped.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

import checks
from checks import Server, stop
from conftest import FIGURES, bake, python_for
from option_space import (
    AWKWARD_IDENTITY,
    complete,
    covering_array,
    minimal,
    servers,
    shard,
    split_across,
    variant_id,
)

pytestmark = pytest.mark.variant

#: The covering array of the option space (every pair of option values in some variant); the
#: first row that is not the default also carries awkward identity answers (quotes, apostrophe,
#: non-ASCII, braces) that must survive every file type of a real install.
VARIANTS: list[dict] = [minimal(v) for v in covering_array()]
VARIANTS[1] = {**VARIANTS[1], **AWKWARD_IDENTITY}
#: Where each service listens (services.md), to fail fast with its name when it is down.
SERVICE_PORTS = {"PostgreSQL": 5432, "MariaDB": 3306, "Redis": 6379, "RabbitMQ": 5672}
#: Server URLs the harness makes a scratch database on, for `flask init` and gunicorn.
ADMIN_URLS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    "mysql": "mysql+pymysql://root@127.0.0.1:3306/",
}
BOOT_SECONDS = 60
#: The skips a baked suite may report, each with why it is allowed. Any other skip fails the
#: variant: a skipped test must never stand in for one that runs.
ALLOWED_SKIPS = {
    "MONGODB_URI not set: no MongoDB server on this machine": (
        "MongoDB cannot be installed on this machine (services.md); the feed's query is "
        "unit-tested without a server, and the server tests run wherever MONGODB_URI is set"
    ),
}
REFUSAL_SECONDS = 20
#: The widths the bake's browser suite runs each page at (its ``VIEWPORTS``, the test ids).
BROWSER_WIDTHS = ("phone", "desktop")
#: The widths each variant's browser suite runs at: both for the default, one for each other,
#: so that every option value meets both widths (the suite is a third of a variant's time).
WIDTHS_OF = dict(
    zip(map(variant_id, VARIANTS), split_across(VARIANTS, BROWSER_WIDTHS), strict=True)
)


def uv_bin() -> str:
    try:
        from uv import find_uv_bin
    except ImportError:
        found = shutil.which("uv")
        if not found:
            pytest.fail("uv is needed for the variant tests: pip install uv")
        return found
    return find_uv_bin()


def clean_env(project: Path) -> dict[str, str]:
    """The caller's environment minus anything that would leak into the bake's own tools."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "PYTEST_", "COV_", "COVERAGE_"))
        and key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "APP_CONFIG", "DATABASE_URL"}
    }
    env["PATH"] = f"{project / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["UV_PYTHON_DOWNLOADS"] = "never"
    return env


def run(project: Path, *command: str, env=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=project,
        env=env or clean_env(project),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def show(out: subprocess.CompletedProcess) -> str:
    return f"$ {' '.join(map(str, out.args))}\n--- stdout\n{out.stdout}\n--- stderr\n{out.stderr}"


def require_services(variant: dict) -> None:
    """Fail, naming the service, when one the variant needs is not listening."""
    # MongoDB has no server on these machines (services.md): its suites say so themselves.
    for name in (server for server in servers(variant) if server != "MongoDB"):
        try:
            socket.create_connection(("127.0.0.1", SERVICE_PORTS[name]), timeout=3).close()
        except OSError as error:
            pytest.fail(f"{name} is not reachable on 127.0.0.1:{SERVICE_PORTS[name]}: {error}")


def scratch_database(project: Path, database: str, action: str, name: str) -> None:
    """Create or drop the database ``name`` on the variant's server, with the bake's driver."""
    statement = f"{action} DATABASE {'IF EXISTS ' if action == 'DROP' else ''}{name}"
    script = (
        "import sys, sqlalchemy as sa\n"
        "engine = sa.create_engine(sys.argv[1], isolation_level='AUTOCOMMIT')\n"
        "with engine.connect() as c: c.execute(sa.text(sys.argv[2]))\n"
    )
    out = run(project, ".venv/bin/python", "-c", script, ADMIN_URLS[database], statement)
    assert out.returncode == 0, show(out)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One module-scoped parameter per variant of this shard (``--shard i/N``)."""
    if "variant" in metafunc.fixturenames:
        chosen = shard(VARIANTS, metafunc.config.getoption("shard"))
        ids = [variant_id(v) for v in chosen]
        metafunc.parametrize("variant", chosen, ids=ids, scope="module")


@pytest.fixture(scope="module", autouse=True)
def timed(variant: dict) -> Iterator[None]:
    """Puts this variant's variant-level cost (bake, install, every test) in the report."""
    started = time.perf_counter()
    yield
    FIGURES.append(f"variant level: {time.perf_counter() - started:5.0f} s  {variant_id(variant)}")


@pytest.fixture(scope="module")
def project(cookies_session, variant) -> Path:
    """The variant, baked and installed with its dev extra in its own .venv."""
    require_services(variant)
    result = bake(cookies_session, **variant)
    assert result.exit_code == 0, result.exception
    path = result.project_path
    version = result.context["python_version"]
    python = python_for(version) or version
    created = run(path, uv_bin(), "venv", "--python", python, ".venv")
    assert created.returncode == 0, show(created)
    # --compile-bytecode: the bake's tests start several Pythons, and without .pyc files (e.g.
    # under PYTHONDONTWRITEBYTECODE=1) each one compiles every imported module again.
    installed = run(
        path,
        uv_bin(),
        "pip",
        "install",
        "--compile-bytecode",
        "--python",
        ".venv/bin/python",
        "-e",
        ".",
        "--group",
        "dev",
    )
    assert installed.returncode == 0, show(installed)
    venv_python = run(path, ".venv/bin/python", "-c", "import sys; print(sys.version_info[:2])")
    assert venv_python.stdout.strip() == str(tuple(int(p) for p in version.split(".")))
    return path


@pytest.fixture(scope="module")
def database_env(project: Path, variant: dict) -> Iterator[dict[str, str]]:
    """Environment for `flask init` and gunicorn: a scratch database on the variant's server and,
    where Redis backs the cache, a key prefix of this run's own. The shards run side by side on
    the one shared Redis: with the bake's default prefix, another variant's server would read
    and refill this one's cached member count (seen in CI as a stale count after an invalidation).
    """
    env = clean_env(project)
    full = complete(variant)
    name = f"variant_{os.getpid()}_{int(time.time())}"
    if full["use_redis"]:
        env["FLASK_CACHE_KEY_PREFIX"] = f"{name}:cache:"
    database = full["database"]
    if database != "sqlite":
        scratch_database(project, database, "CREATE", name)
        base = ADMIN_URLS[database].rsplit("/", 1)[0]
        suffix = "?charset=utf8mb4" if database == "mysql" else ""
        env["DATABASE_URL"] = f"{base}/{name}{suffix}"
    try:
        yield env
    finally:
        if database != "sqlite":
            scratch_database(project, database, "DROP", name)
        if full["use_redis"]:
            drop_redis_keys(project, f"{name}:cache:")


def drop_redis_keys(project: Path, prefix: str) -> None:
    """Delete every key under ``prefix`` on the shared Redis, with the bake's own client."""
    script = (
        "import sys, redis\n"
        "client = redis.Redis.from_url('redis://127.0.0.1:6379/0', socket_timeout=5)\n"
        "keys = list(client.scan_iter(match=sys.argv[1] + '*'))\n"
        "if keys: client.delete(*keys)\n"
    )
    out = run(project, ".venv/bin/python", "-c", script, prefix)
    assert out.returncode == 0, show(out)


@pytest.fixture(scope="module")
def initialized(project: Path, database_env: dict[str, str]) -> Path:
    """``flask init`` has run (FLASK_APP from .flaskenv, the secret from .env)."""
    out = run(project, ".venv/bin/flask", "init", env=database_env)
    assert out.returncode == 0, show(out)
    return project


def test_own_test_suite_passes_with_its_coverage_gate(project, variant):
    """Every test but the browser ones (`make test-all`, what the CI files run); the offline
    test runs the fast default (`pytest`) with its own gate. A skip that is not on
    :data:`ALLOWED_SKIPS` fails the variant; the report gives the skips of each."""
    out = run(project, ".venv/bin/pytest", "-m", "not browser")
    text = out.stdout + out.stderr
    assert out.returncode == 0, show(out)
    assert " passed" in text
    assert "Required test coverage of" in text and "reached" in text, text[-2000:]
    skips = checks.skip_counts(text)
    FIGURES.append(f"skips: {sum(skips.values()):3d}  {variant_id(variant)}")
    unexpected = {reason: n for reason, n in skips.items() if reason not in ALLOWED_SKIPS}
    assert not unexpected, f"skips not on ALLOWED_SKIPS: {unexpected}"


def test_src_passes_mypy_strict(project):
    """``make typecheck``: mypy --strict on src/ with the bake's own [tool.mypy] settings."""
    out = run(project, ".venv/bin/mypy")
    assert out.returncode == 0, show(out)
    assert "Success: no issues found" in out.stdout, show(out)


def test_make_lock_pins_what_uv_sync_installs(project, tmp_path):
    """`make lock` writes uv.lock and requirements.lock (hashes, for pip); `uv sync --locked`
    accepts the lock, the check the baked CI files run first."""
    env = clean_env(project)
    env["PATH"] = f"{Path(uv_bin()).parent}{os.pathsep}{env['PATH']}"
    try:
        out = run(project, "make", "lock", env=env)
        assert out.returncode == 0, show(out)
        pins = (project / "requirements.lock").read_text(encoding="utf-8")
        assert re.search(r"^flask==[\d.]+ \\$", pins, re.M | re.I), pins[:2000]
        assert "--hash=sha256:" in pins
        assert not re.search(r"^-e |^\.", pins, re.M), "the project itself is not pinned"
        env["UV_PROJECT_ENVIRONMENT"] = str(tmp_path / "venv")
        synced = run(project, uv_bin(), "sync", "--locked", "--dry-run", env=env)
        assert synced.returncode == 0, show(synced)
    finally:
        for name in ("uv.lock", "requirements.lock"):
            (project / name).unlink(missing_ok=True)


def test_pre_commit_hooks_pass_on_a_fresh_repository(project, tmp_path):
    """`pre-commit run --all-files` in a new git repository of the project: its local hooks
    find their tools in .venv (on PATH) and need no network."""
    copy = tmp_path / "repo"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".venv", "*.pyc", "instance"))
    env = clean_env(project)
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    for command in (["git", "init", "-q"], ["git", "add", "-A"]):
        out = run(copy, *command, env=env)
        assert out.returncode == 0, show(out)
    hooks = run(copy, str(project / ".venv" / "bin" / "pre-commit"), "run", "--all-files", env=env)
    assert hooks.returncode == 0, show(hooks)
    assert re.search(r"^ruff check\.+Passed$", hooks.stdout, re.M), show(hooks)
    assert re.search(r"^ruff format\.+Passed$", hooks.stdout, re.M), show(hooks)
    assert re.search(r"^mypy\.+Passed$", hooks.stdout, re.M), show(hooks)


#: The variant whose wheelhouse is installed and tested with the network out of reach.
OFFLINE_VARIANT = "default"


def test_installs_from_its_wheelhouse_and_passes_with_no_network(project, variant, tmp_path):
    """`make wheelhouse` with the network, then in a network namespace with no route out (only
    loopback): `make install-offline` into a new venv, and the suite passes there. One variant
    (it has no servers to reach); the others check the targets' commands only."""
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    assert "pip install --no-index --find-links wheelhouse -e . --group dev" in makefile
    if variant_id(variant) != OFFLINE_VARIANT:
        return
    assert not servers(variant), "the offline variant must need no server"
    ip = shutil.which("ip") or "/usr/sbin/ip"
    if not Path(ip).exists():
        pytest.fail("the offline install test needs iproute2's ip (apt-get install iproute2)")
    built = run(project, "make", "wheelhouse", timeout=900)
    assert built.returncode == 0, show(built)
    namespace = f"flask-offline-{os.getpid()}"
    added = subprocess.run([ip, "netns", "add", namespace], capture_output=True, text=True)
    assert added.returncode == 0, f"ip netns add failed (needs root): {added.stderr}"
    try:
        inside = [ip, "netns", "exec", namespace]
        assert subprocess.run([*inside, ip, "link", "set", "lo", "up"]).returncode == 0
        probe = "import socket; socket.create_connection(('pypi.org', 443), timeout=3)"
        reached = run(project, *inside, ".venv/bin/python", "-c", probe)
        assert reached.returncode != 0, "the namespace can reach PyPI"
        python = python_for(complete(variant)["python_version"])
        venv = tmp_path / "offline-venv"
        installed = run(
            project, *inside, "make", "install-offline", f"VENV={venv}", f"PYTHON={python}"
        )
        assert installed.returncode == 0, show(installed)
        env = clean_env(project)
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
        suite = run(
            project, *inside, str(venv / "bin" / "pytest"), "-p", "no:cacheprovider", env=env
        )
        assert suite.returncode == 0, show(suite)
        assert " passed" in suite.stdout and "reached" in suite.stdout, suite.stdout[-2000:]
    finally:
        subprocess.run([ip, "netns", "delete", namespace], check=False)
        shutil.rmtree(project / "wheelhouse", ignore_errors=True)


def test_pages_pass_in_chromium_with_no_csp_violation(project, variant):
    """The project's browser tests (``make test-browser``): every page with no CSP violation,
    script error, sideways scroll or WCAG A/AA violation, at the widths of :data:`WIDTHS_OF`.
    .ci/run installs Chromium."""
    widths = WIDTHS_OF[variant_id(variant)]
    chosen = " or ".join(f"[{width}]" for width in widths)
    out = run(project, ".venv/bin/pytest", "-m", "browser", "--no-cov", "-k", chosen)
    assert out.returncode == 0, show(out)
    assert " passed" in out.stdout, show(out)
    FIGURES.append(f"browser widths: {', '.join(widths):14}  {variant_id(variant)}")


def test_flask_init_migrates_to_head_and_models_match(initialized, database_env):
    again = run(initialized, ".venv/bin/flask", "init", env=database_env)
    assert again.returncode == 0, show(again)  # safe to re-run
    check = run(initialized, ".venv/bin/flask", "db", "check", env=database_env)
    assert check.returncode == 0, show(check)
    assert (initialized / "instance").is_dir()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: The password of the admins the tests create with `flask create-admin`.
PASSWORD = "copper kettle under the stairs 42"


def get(url: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET, waiting up to 5 s; HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers.get_content_type(), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read().decode()


def start_gunicorn(
    project: Path, port: int, env: dict[str, str], workers: int = 1, *flags: str
) -> Server:
    command = [
        ".venv/bin/gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), *flags
    ]  # fmt: skip
    # Newer gunicorn opens a control socket under ~/.gunicorn; tests must not share or leave one.
    if "--no-control-socket" in run(project, ".venv/bin/gunicorn", "--help").stdout:
        command.append("--no-control-socket")
    return Server([*command, "wsgi:app"], project, env)


def start_shipped_gunicorn(project: Path, env: dict[str, str]) -> Server:
    """gunicorn with the bake's own ``gunicorn.conf.py`` (``GUNICORN_BIND`` and
    ``WEB_CONCURRENCY`` in ``env``), its output read by :func:`stop`."""
    return Server([".venv/bin/gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], project, env)


def test_gunicorn_serves_health_with_the_baked_secret(initialized, database_env, variant):
    port = free_port()
    env = dict(database_env)  # no FLASK_SECRET_KEY: wsgi.py reads .env itself
    server = start_gunicorn(initialized, port, env)
    try:
        deadline = time.monotonic() + BOOT_SECONDS
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, _, _ = get(f"http://127.0.0.1:{port}/health/ping")
                break
            except OSError:
                time.sleep(0.2)
        assert server.poll() is None, stop(server)
        assert status == 200, stop(server)
        status, content_type, body = get(f"http://127.0.0.1:{port}/health/ready")
        assert content_type == "application/json", body
        checks = json.loads(body)["checks"]
        if complete(variant)["use_mongodb"] and not os.environ.get("MONGODB_URI"):
            # No MongoDB server can run on these machines (services.md): readiness must say
            # exactly that, and every other backing service must be ready.
            assert status == 503, body
            assert {name for name, check in checks.items() if check["status"] != "ok"} == {
                "mongodb"
            }, body
        else:
            assert status == 200, body
    finally:
        output = stop(server)
    assert "Traceback" not in output, output


def wait_until_serving(server: Server, port: int) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            get(f"http://127.0.0.1:{port}/health/ping")
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not serve on port {port}:\n{stop(server)}")


def signed_in(base: str, email: str, password: str) -> urllib.request.OpenerDirector:
    """An opener holding the session of a sign-in through ``base``'s login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/auth/login", timeout=10) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, page[:2000]
    form = urllib.parse.urlencode({"csrf_token": token[1], "email": email, "password": password})
    with opener.open(f"{base}/auth/login", form.encode(), timeout=10) as response:
        assert response.url == f"{base}/", response.url  # redirected home: signed in
    return opener


def member_counts(opener: urllib.request.OpenerDirector, base: str, times: int) -> set[int]:
    """The member counts that ``times`` views of the admin page show."""
    counts = set()
    for _ in range(times):
        with opener.open(f"{base}/admin/", timeout=5) as response:
            body = response.read().decode()
        found = re.search(r"(\d+) in all:", body)
        assert found, body[:2000]
        counts.add(int(found[1]))
    return counts


def create_admin(project: Path, env: dict[str, str], email: str) -> None:
    """``flask create-admin`` in a process of its own, with :data:`PASSWORD`."""
    added = subprocess.run(
        [".venv/bin/flask", "create-admin", "--email", email],
        cwd=project, env=env, input=f"{PASSWORD}\n" * 2,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert added.returncode == 0, show(added)


def test_every_gunicorn_worker_sees_a_new_member_at_once(initialized, database_env):
    """Two workers, a user added by `flask create-admin` in a third process: no view of the admin
    page may show the old count (a per-worker cache would, until its entries expire)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    create_admin(initialized, database_env, f"a{port}@example.com")
    # Plain HTTP on loopback: the production config's Secure cookies would never come back.
    env = {**database_env, "FLASK_SESSION_COOKIE_SECURE": "false"}
    server = start_gunicorn(initialized, port, env, workers=2)
    try:
        wait_until_serving(server, port)
        admin = signed_in(base, f"a{port}@example.com", PASSWORD)
        before = member_counts(admin, base, 12)  # enough views to reach, and fill, both workers
        assert len(before) == 1, before
        create_admin(initialized, database_env, f"w{port}@example.com")
        assert member_counts(admin, base, 12) == {before.pop() + 1}
    finally:
        output = stop(server)
    assert "Traceback" not in output, output


def curl(*args: str) -> tuple[int, dict[str, str], str]:
    """(status, lower-cased headers, body) of one ``curl`` request from 127.0.0.2, a client
    address other than the proxy's own."""
    command = [shutil.which("curl") or "curl", "-sS", "--interface", "127.0.0.2", "-D", "-"]
    out = subprocess.run([*command, *args], capture_output=True, text=True, timeout=30, check=False)
    assert out.returncode == 0, f"curl {' '.join(args)}: {out.stderr}"
    head, _, body = out.stdout.partition("\r\n\r\n")
    status_line, *lines = head.splitlines()
    headers: dict[str, str] = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    return int(status_line.split()[1]), headers, body


def websocket_handshake(*args: str, origin: str) -> int:
    """The status of a WebSocket handshake with Socket.IO at ``args[-1]`` (a base URL; curl's
    options before it) sent from a page of ``origin``; curl gives up 3 s after the headers."""
    base = args[-1]
    command = [
        shutil.which("curl") or "curl", "-sS", "--http1.1", "-m", "3", "-D", "-", "-o", os.devnull,
        "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
        "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "-H", f"Origin: {origin}", *args[:-1], f"{base}/socket.io/?EIO=4&transport=websocket",
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert out.stdout.startswith("HTTP/"), f"no answer: {out.stderr}"
    return int(out.stdout.split()[1])


def test_caddy_serves_https_in_front_of_gunicorn(initialized, database_env, variant, tmp_path):
    """The compose pair for real, without Docker: docker/Caddyfile in front of gunicorn with
    gunicorn.conf.py and the production config, set as docker-compose.yml sets them, but with
    gunicorn's access lines on (GUNICORN_ACCESS_LOG, which compose turns off, defaults to on
    elsewhere). A client at 127.0.0.2 gets HTTPS with the app's headers and Secure cookies, is
    redirected from HTTP, and every line gunicorn writes is JSON, its access line naming that
    client and the request's id, which Caddy's own access line holds too."""
    if not complete(variant)["use_docker"]:
        assert not (initialized / "docker").exists()
        return
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    env = {
        **database_env,
        "APP_CONFIG": "production",
        "GUNICORN_BIND": f"127.0.0.1:{app_port}",
        "WEB_CONCURRENCY": "2",
        "FLASK_PROXY_FIX_X_FOR": "1",
        "FLASK_PROXY_FIX_X_PROTO": "1",
        "FLASK_PROXY_FIX_X_HOST": "1",
        "FLASK_TRUST_REQUEST_ID": "true",
        "FLASK_SESSION_COOKIE_SECURE": "true",
        "FLASK_REMEMBER_COOKIE_SECURE": "true",
    }
    app = start_shipped_gunicorn(initialized, env)
    proxy_env = checks.caddy_environment(initialized, tmp_path, app_port, http_port, https_port)
    proxy = Server([checks.caddy(), "run", "--config", "docker/Caddyfile"], initialized, proxy_env)
    root = checks.caddy_root_certificate(tmp_path)
    https = f"https://localhost:{https_port}"
    tls = ["--cacert", str(root), "--resolve", f"localhost:{https_port}:127.0.0.1"]
    try:
        wait_until_serving(app, app_port)
        deadline = time.monotonic() + BOOT_SECONDS
        while not root.is_file() and proxy.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert root.is_file(), f"caddy made no local authority:\n{stop(proxy)}"

        status, headers, _ = curl(f"http://localhost:{http_port}/notes/?q=x")
        assert status == 308, headers
        # Caddy names the standard port: compose publishes 443 as 443.
        assert headers["location"] == "https://localhost/notes/?q=x"

        status, headers, body = curl(*tls, f"{https}/")
        assert status == 200, body[:500]
        assert headers["strict-transport-security"] == "max-age=31536000"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        request_id = headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f-]{36}", request_id), request_id

        _, headers, _ = curl(*tls, f"{https}/auth/login")
        assert "; secure" in headers["set-cookie"].lower(), headers["set-cookie"]
        status, headers, _ = curl(*tls, f"{https}/static/favicon.svg")
        assert status == 200 and headers["x-content-type-options"] == "nosniff", headers
        if complete(variant)["use_prometheus"]:
            # The app's counts are for the Prometheus inside the compose network only.
            status, _, _ = curl(*tls, f"{https}/metrics")
            assert status == 404
        if complete(variant)["use_socketio"]:
            # Caddy passes the WebSocket upgrade on, and the app's origin check holds behind it.
            assert websocket_handshake(*tls, https, origin=https) == 101
            assert websocket_handshake(*tls, https, origin="https://evil.example") == 400
    finally:
        logged = stop(app)
        proxy_logged = stop(proxy)
    # Every line gunicorn and the app wrote (stdout and stderr) is one JSON object.
    lines = [json.loads(line) for line in logged.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    served = [line for line in access if line["request_id"] == request_id]
    assert len(served) == 1, access
    assert served[0]["remote_addr"] == "127.0.0.2", served[0]
    assert (served[0]["method"], served[0]["path"], served[0]["status"]) == ("GET", "/", 200)
    # Caddy's access log holds the same id (the response header the app sent back).
    proxy_lines = [json.loads(line) for line in proxy_logged.splitlines() if line.startswith("{")]
    assert any(
        line.get("resp_headers", {}).get("X-Request-Id") == [request_id] for line in proxy_lines
    ), proxy_logged[-3000:]


def test_metrics_add_up_every_gunicorn_worker(initialized, database_env, variant, tmp_path):
    """Two workers, prometheus_client's multiprocess mode as the bake sets it up (gunicorn.conf.py
    where it has one): /metrics counts the requests both workers served, and only for the
    bearer of the token."""
    if not complete(variant)["use_prometheus"]:
        assert not list((initialized / "src").glob("*/metrics"))
        return
    port, token, folder = free_port(), "metrics-token-of-this-test-run-42", tmp_path / "metrics"
    env = {**database_env, "METRICS_TOKEN": token, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    if (initialized / "gunicorn.conf.py").is_file():
        # The shipped config empties (here: makes) the folder before the workers start.
        env.update(GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2")
        server = start_shipped_gunicorn(initialized, env)
    else:
        folder.mkdir()
        server = start_gunicorn(initialized, port, env, workers=2)
    views, writers = 0, set()
    try:
        wait_until_serving(server, port)
        # Views 16 at a time until both workers have served some (the second may still be
        # booting when the first answers; on a busy CI machine that took dozens of bursts).
        deadline = time.monotonic() + BOOT_SECONDS
        home = f"http://127.0.0.1:{port}/"
        while len(writers) < 2 and time.monotonic() < deadline:
            with ThreadPoolExecutor(8) as pool:
                statuses = list(pool.map(lambda _: get(home)[0], range(16)))
            assert statuses == [200] * 16
            views += 16
            writers = {path.stem.rsplit("_", 1)[1] for path in folder.glob("counter_*.db")}
        assert get(f"http://127.0.0.1:{port}/metrics")[0] == 401
        scrape = urllib.request.Request(
            f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(scrape, timeout=5) as response:
            text = response.read().decode()
    except OSError as error:  # a view unanswered: what did the server say?
        pytest.fail(f"{error!r} after {views} views; the server's output:\n{stop(server)}")
    finally:
        output = stop(server)
    assert "Traceback" not in output, output
    counted = re.search(
        r'^http_requests_total\{endpoint="main\.index",method="GET",status="200"\} (\S+)$',
        text,
        flags=re.MULTILINE,
    )
    assert counted, text[:3000]
    assert float(counted[1]) == views
    assert len(writers) == 2, f"counts came from the workers {writers}"


def test_compose_worker_healthcheck_tells_a_running_worker_from_a_stopped_one(
    initialized, database_env, variant
):
    """With the SQLite transport (no broadcast, so no `celery inspect ping`): the worker's
    healthcheck in docker-compose.yml, run as written (the container's instance folder swapped
    for this bake's) beside a real worker of this bake, fails before it starts and after it
    stops and passes while it runs."""
    full = complete(variant)
    if not full["use_docker"] or full["celery_broker"] != "sqlalchemy":
        return
    compose = yaml.safe_load((initialized / "docker-compose.yml").read_text(encoding="utf-8"))
    test = compose["services"]["worker"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"], test
    script = test[3].replace("/app/instance", str(initialized / "instance"))
    check = [str(initialized / ".venv" / "bin" / "python"), "-c", script]

    def healthy() -> bool:
        out = subprocess.run(
            check, cwd=initialized, env=database_env, capture_output=True, timeout=60, check=False
        )
        return out.returncode == 0

    assert not healthy(), "no worker runs yet"
    worker = Server(
        [".venv/bin/celery", "-A", f"{package_of(initialized)}.tasks.celery_app", "worker",
         "--concurrency=1", "--loglevel=INFO", "--hostname", f"celery@{socket.gethostname()}"],
        initialized, database_env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + BOOT_SECONDS
        while not healthy():
            assert worker.poll() is None and time.monotonic() < deadline, stop(worker)
            time.sleep(1)
    finally:
        output = stop(worker)
    assert not healthy(), output


#: Run with the bake's own Python (python-socketio and websocket-client are its dev tools): signs
#: in as ``EMAIL`` over HTTP, holds ``SOCKETS`` sockets from that session, signs in again, and
#: prints JSON: whether each socket heard of a later sign-in (``account_event``), and, with
#: ``TASKS`` set, the states of ``task_progress`` for a task started from the first session.
LIVE_CLIENT = """
import http.cookiejar, json, os, re, sys, urllib.parse, urllib.request
import socketio

base, email, password = os.environ["BASE"], os.environ["EMAIL"], os.environ["PASSWORD"]


def session():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/auth/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    opener.open(base + "/auth/login", form.encode(), timeout=10)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return opener, cookie


opener, cookie = session()
sockets = []
for _ in range(int(os.environ["SOCKETS"])):
    client = socketio.SimpleClient()
    client.connect(base, headers={"Cookie": cookie}, transports=["websocket"])
    sockets.append(client)
# More sign-ins until every admin socket heard of one (up to 5): a web process starts listening
# to the queue with its first socket, and what is sent before it listens is lost.
logins = [False] * len(sockets)
for _ in range(5):
    session()
    for number, client in enumerate(sockets):
        try:
            while not logins[number]:
                name, data = client.receive(timeout=2)
                logins[number] = name == "account_event" and data["action"] == "login"
        except socketio.exceptions.TimeoutError:
            pass
    if all(logins):
        break
states = []
if os.environ.get("TASKS"):
    page = opener.open(base + "/tasks/", timeout=10).read().decode()
    token = re.search(r'data-csrf-token="([^"]+)"', page)[1]
    request = urllib.request.Request(
        base + "/tasks/long", data=b"", headers={"X-CSRFToken": token, "Accept": "application/json"}
    )
    task_id = json.load(opener.open(request, timeout=10))["task_id"]
    while not states or states[-1] not in ("SUCCESS", "FAILURE"):
        name, data = sockets[0].receive(timeout=60)
        if name == "task_progress" and data["task_id"] == task_id:
            states.append(data["state"])
for client in sockets:
    client.disconnect()
print(json.dumps({"logins": logins, "states": states}))
"""


def test_live_updates_reach_every_gunicorn_worker_and_come_from_the_celery_worker(
    initialized, database_env, variant, tmp_path
):
    """use_socketio: the shipped gunicorn (gthread workers, 2 of them where the bake has a
    message queue, else its default of 1) and sockets made as a browser makes them. An admin's
    8 sockets all hear of a sign-in made over HTTP, whichever worker served it or holds them;
    with Celery on a queue, a real worker's task reports each step to the socket, to SUCCESS."""
    full = complete(variant)
    if not full["use_socketio"]:
        assert not list((initialized / "src").glob("*/socketio"))
        return
    queue = full["celery_broker"] in ("redis", "rabbitmq") or full["use_redis"]
    port, email = free_port(), f"live{free_port()}@example.com"
    create_admin(initialized, database_env, email)
    # Plain HTTP on loopback: the production config's Secure cookies would never come back.
    env = {
        **database_env,
        "FLASK_SESSION_COOKIE_SECURE": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # The demo task as the web app starts it: 5 steps of 0.1 s.
        "FLASK_DEMO_TASK_STEPS": "5",
        "FLASK_DEMO_TASK_DELAY": "0.1",
    }
    if queue:
        env["WEB_CONCURRENCY"] = "2"
    if (initialized / "gunicorn.conf.py").is_file():
        server = start_shipped_gunicorn(initialized, env)
    else:
        # The README's command for a bake without gunicorn.conf.py.
        threaded = ("--worker-class", "gthread", "--threads", "50")
        server = start_gunicorn(initialized, port, env, 2 if queue else 1, *threaded)
    worker = None
    try:
        wait_until_serving(server, port)
        tasks = queue and full["celery_broker"] != "none"
        if tasks:
            worker = Server(
                [".venv/bin/celery", "-A", f"{package_of(initialized)}.tasks.celery_app",
                 "worker", "--concurrency=1", "--loglevel=INFO", "--without-gossip",
                 "--without-mingle", "--hostname", f"live-{port}@%h"],
                initialized, env,
            )  # fmt: skip
        client = subprocess.run(
            [str(initialized / ".venv" / "bin" / "python"), "-c", LIVE_CLIENT],
            cwd=initialized, capture_output=True, text=True, timeout=240, check=False,
            env={**env, "BASE": f"http://127.0.0.1:{port}", "EMAIL": email,
                 "PASSWORD": PASSWORD, "SOCKETS": "8", "TASKS": "1" if tasks else ""},
        )  # fmt: skip
        assert client.returncode == 0, show(client)
        result = json.loads(client.stdout.strip().splitlines()[-1])
    finally:
        if worker is not None:
            worker_output = stop(worker)
        output = stop(server)
    assert "Traceback" not in output, output
    assert result["logins"] == [True] * 8, (result, output)
    if tasks:
        assert result["states"] == ["PROGRESS"] * 5 + ["SUCCESS"], (result, worker_output)


def package_of(project: Path) -> str:
    """The import package of a bake (the one folder under src/)."""
    (package,) = [path.parent.name for path in (project / "src").glob("*/__init__.py")]
    return package


def test_gunicorn_refuses_to_start_without_a_real_secret_key(initialized, database_env):
    # One test for the three cases: a parametrized test here would make pytest interleave the
    # module-scoped variants and bake and install them again.
    for secret in ("unset", "", "change-me"):
        refusal = gunicorn_refusal(initialized, database_env, secret)
        assert refusal.startswith("ERROR: "), f"FLASK_SECRET_KEY {secret!r}:\n{refusal}"


def gunicorn_refusal(initialized: Path, database_env: dict[str, str], secret: str) -> str:
    """The one SECRET_KEY line gunicorn's output holds when it refuses to start with
    ``secret`` ("unset": no key at all); the whole output when it did something else."""
    env = dict(database_env)
    dotenv = initialized / ".env"
    parked = initialized / ".env.parked"
    if secret == "unset":
        dotenv.rename(parked)  # wsgi.py would read the baked key from .env
    else:
        env["FLASK_SECRET_KEY"] = secret  # the environment wins over .env
    server = start_gunicorn(initialized, free_port(), env)
    kept_running = False
    try:
        server.wait(timeout=REFUSAL_SECONDS)
    except subprocess.TimeoutExpired:
        kept_running = True
    finally:
        output = stop(server)
        if parked.exists():
            parked.rename(dotenv)
    lines = [line for line in output.splitlines() if "SECRET_KEY" in line]
    if kept_running or server.returncode == 0 or len(lines) != 1 or "Traceback" in output:
        return f"kept running: {kept_running}, exit {server.returncode}\n{output}"
    return lines[0]


#: A stand-in for the docker CLI for the Jenkinsfile's Test stage: each "container" is this
#: machine's own server of that image, on its usual port (services.md).
FAKE_DOCKER = """#!/bin/sh
case "$1" in
    run) for last; do :; done; echo "container-of-$last" ;;
    port)
        case "$2" in
            *postgres*) echo 127.0.0.1:5432 ;;
            *mariadb*) echo 127.0.0.1:3306 ;;
            *redis*) echo 127.0.0.1:6379 ;;
            *rabbitmq*) echo 127.0.0.1:5672 ;;
            *) exit 1 ;;
        esac ;;
esac
"""
#: The Test stage's steps when they are one multi-line shell script (comment lines before it).
SERVERS_STAGE = re.compile(
    r"stage\('Test'\) \{\s*steps \{\s*(?://[^\n]*\n\s*)*sh '''\n(?P<script>.*?)'''", re.S
)


def test_jenkins_test_stage_points_the_suite_at_its_servers(project, variant, tmp_path):
    """The Test stage's shell script, run with docker replaced by this machine's own servers:
    its readiness probes work with the variant's drivers and its TEST_* URLs reach the servers
    (the health tests, and a Celery round trip on the broker, pass through them)."""
    full = complete(variant)
    jenkinsfile = project / "Jenkinsfile"
    if full["ci_tool"] != "jenkins":
        assert not jenkinsfile.exists()
        return
    match = SERVERS_STAGE.search(jenkinsfile.read_text(encoding="utf-8"))
    if not servers(variant):
        assert match is None  # no servers: the stage only runs pytest
        return
    assert match, "the Test stage starts no servers"
    if full["use_mongodb"]:
        # No MongoDB server can run here (services.md): its probe would wait in vain.
        assert "serve mongo:7 27017" in match["script"]
        return
    suite = "tests/test_health.py"
    if full["celery_broker"] in {"redis", "rabbitmq"}:
        # The Celery feature's tests live with the feature (tests/tasks/).
        worker_tests = sorted(project.glob("tests/**/test_celery_worker.py"))
        assert worker_tests, "the bake has no Celery worker tests"
        suite += f" {worker_tests[0].relative_to(project).as_posix()}::test_round_trip"
    script = match["script"].replace(
        '.venv/bin/pytest -m "not browser" --junitxml=reports/junit.xml',
        f".venv/bin/pytest -q -p no:cacheprovider --no-cov -m 'not browser' {suite}",
    )
    assert script != match["script"], "the Test stage does not run the suite"
    # The browser tests run in test_pages_pass_in_chromium_with_no_csp_violation already.
    browser = [line for line in script.splitlines() if "-m browser" in line or "playwright" in line]
    assert len(browser) == 2, f"the Test stage does not run the browser tests: {browser}"
    for line in browser:
        script = script.replace(line, "")
    fake = tmp_path / "bin" / "docker"
    fake.parent.mkdir()
    fake.write_text(FAKE_DOCKER, encoding="utf-8")
    fake.chmod(0o755)
    env = clean_env(project)
    env = {**env, "PATH": f"{fake.parent}{os.pathsep}{env['PATH']}", "BUILD_TAG": "test-1"}
    out = run(project, "sh", "-c", script, env=env, timeout=300)
    assert out.returncode == 0, show(out)
    assert " passed" in out.stdout, show(out)

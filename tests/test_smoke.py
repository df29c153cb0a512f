"""Smoke step of the static level: each bake's app is built and serves pages, in one shared venv.

One venv holds the union of every option's requirements (the manifest's), installed once with
uv; each variant of the static list is baked, and its ``create_app("testing")`` is built from
its ``src`` (on ``PYTHONPATH``, no install) on an in-memory SQLite database and asked for a
handful of pages through Flask's test client. A wrong setting, a broken import or a page that
fails to render shows here in seconds, where the variant level needs minutes per variant.

The same venv runs ``mypy`` (strict, the bake's own ``[tool.mypy]``) on each distinct ``src``
tree, with one mypy cache for all of them, so only a bake's own modules are checked again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import python_for, variant_id
from option_space import MANIFEST, complete, one_at_a_time

pytestmark = pytest.mark.exhaustive

VARIANTS = one_at_a_time()

#: Run inside a bake: builds the testing app and prints each page's status as JSON.
SMOKE = """
import json, sys
from {package} import create_app
from {package}.extensions import db
from {package}.models import Role

app = create_app(
    "testing",
    SQLALCHEMY_DATABASE_URI="sqlite://",
    SQLALCHEMY_ENGINE_OPTIONS={{}},
    MAIL_BACKEND="locmem",
    MONGODB_TIMEOUT_MS=200,
)
with app.app_context():
    db.create_all()
    Role.seed()
    db.session.commit()
    client = app.test_client()
    statuses = {{path: client.get(path).status_code for path in sys.argv[1:]}}
    ready = client.get("/health/ready").get_json()
print(json.dumps({{"statuses": statuses, "ready": ready}}))
"""

PAGES = {
    "/": 200,
    "/auth/login": 200,
    "/auth/register": 200,
    "/auth/reset-password": 200,
    "/auth/confirm": 200,
    "/account/": 302,
    "/notes/": 302,
    "/admin/": 302,
    "/bootstrap/static/css/bootstrap.min.css": 200,
    "/health/ping": 200,
    "/no-such-page": 404,
}


def requirements() -> list[str]:
    """Every requirement and dev requirement (mypy and the stub packages among them) of every
    option value in the manifest, each once."""
    names: list[str] = []
    for option, entries in MANIFEST.items():
        for entry in [entries] if option == "core" else entries.values():
            names += entry.get("requirements", []) + entry.get("dev_requirements", [])
    return list(dict.fromkeys(names))


@pytest.fixture(scope="session")
def union_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A venv with the union of all options' requirements; returns its interpreter."""
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    venv = tmp_path_factory.mktemp("smoke") / "venv"
    python = python_for("3.12") or sys.executable
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    command = [uv, "venv", "--quiet", "--python", python, str(venv)]
    made = subprocess.run(command, env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    command = [uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python")]
    installed = subprocess.run(command + requirements(), env=env, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    return str(venv / "bin" / "python")


@pytest.mark.parametrize("variant", VARIANTS, ids=[variant_id(v) for v in VARIANTS])
def test_the_app_builds_and_serves_its_pages(baked, variant, union_python, tmp_path):
    result = baked.get(variant)
    project = result.project_path
    package = result.context["package_name"]
    chosen = complete(variant)
    pages = dict(PAGES)
    if chosen["use_api"]:
        pages["/api/v1/openapi.json"] = 200
    if chosen["celery_broker"] != "none":
        pages["/tasks/"] = 302
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FLASK_") and key not in {"DATABASE_URL", "APP_CONFIG"}
    }
    env |= {"PYTHONPATH": str(project / "src"), "INSTANCE_PATH": str(tmp_path / "instance")}
    out = subprocess.run(
        [union_python, "-c", SMOKE.format(package=package), *pages],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["statuses"] == pages
    failed = {name for name, check in report["ready"]["checks"].items() if check["status"] != "ok"}
    # No MongoDB server can run here; every other backing service of the testing config does.
    assert failed <= ({"mongodb"} if chosen["use_mongodb"] else set()), report["ready"]


#: mypy's verdict per distinct (``src`` tree, target Python): bakes that differ only outside
#: ``src`` (licence, CI files, Docker) share it.
MYPY_VERDICTS: dict[tuple[str, str], subprocess.CompletedProcess[str]] = {}


def tree_digest(folder: Path) -> str:
    """A digest of every file's path and bytes under ``folder``."""
    digest = hashlib.sha256()
    files = (p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(files):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("variant", VARIANTS, ids=[variant_id(v) for v in VARIANTS])
def test_src_passes_mypy_strict(baked, variant, union_python, tmp_path_factory):
    result = baked.get(variant)
    project = result.project_path
    sources = tree_digest(project / "src") + tree_digest(project / "stubs")
    key = (sources, complete(variant)["python_version"])
    if key not in MYPY_VERDICTS:
        cache = tmp_path_factory.getbasetemp() / "mypy-cache"
        MYPY_VERDICTS[key] = subprocess.run(
            [union_python, "-m", "mypy", "--cache-dir", str(cache)],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=600,
        )
    checked = MYPY_VERDICTS[key]
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-2000:]
    assert "Success: no issues found" in checked.stdout

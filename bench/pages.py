"""What the pages cost a browser: the CSS and JavaScript bytes each page loads and the home
page's first contentful paint in Chromium, for this template and an earlier commit of it, in
one run.

Bakes the default answers from the working tree and from ``--before REF`` (a git ref of this
repository, exported with ``git archive``), installs each with uv into its own venv, runs
``flask init`` and ``flask create-admin``, and serves each with ``gunicorn -w 2`` on the
development config (plain HTTP, so the login cookie works). Then, in Chromium through the
working tree's Playwright, it loads each page with an empty cache, logs in where the page needs
it, and sums the bodies of the CSS and JS files it loaded (Resource Timing's ``decodedBodySize``,
bytes before any compression); and it loads
the visitor's home page ``--rounds`` times per bake, interleaved, each in a fresh context, and
prints the median first contentful paint (``performance.getEntriesByType("paint")``) as a ratio
to the earlier bake's. Needs Chromium (``CHROMIUM_PATH`` or ``chromium`` on ``PATH``).

    .tox/exhaustive/bin/python bench/pages.py --before 3a5f349 [--rounds 15]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gunicorn_config import free_port, wait_for  # noqa: E402

ROOT = HERE.parent
EMAIL, PASSWORD = "bench@example.com", "copper kettle under the stairs 42"
#: The pages measured: (path, whether it needs a login).
PAGES = [
    ("/", False),
    ("/auth/login", False),
    ("/auth/register", False),
    ("/no-such-page", False),
    ("/", True),
    ("/notes/", True),
    ("/tasks/", True),
    ("/admin/", True),
    ("/account/", True),
]

#: Runs inside a baked project's venv (it has Playwright): argv[1] is a JSON job, the output
#: one JSON object.
DRIVER = r"""
import json, os, shutil, sys
from playwright.sync_api import sync_playwright

job = json.loads(sys.argv[1])
exe = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
args = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]
out = {"pages": {}, "paint": []}
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=exe, args=args)

    def fresh(login):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        if login:
            page.goto(job["base"] + "/auth/login")
            page.fill("input[name=email]", job["email"])
            page.fill("input[name=password]", job["password"])
            page.click("main form [type=submit], .form [type=submit]")
            page.wait_for_load_state("networkidle")
            if "/auth/login" in page.url:
                raise SystemExit("the login failed: " + page.inner_text("main"))
        return context, page

    for path, login in job["pages"]:
        context, page = fresh(login)
        page.goto(job["base"] + path)
        page.wait_for_load_state("networkidle")
        # Resource Timing: decodedBodySize is the body's size after any content coding.
        sizes = page.evaluate(
            '''() => {
              const sizes = {css: 0, js: 0};
              for (const entry of performance.getEntriesByType("resource")) {
                const ext = entry.name.split("?")[0].split(".").pop();
                if (ext in sizes) sizes[ext] += entry.decodedBodySize;
              }
              return sizes;
            }'''
        )
        out["pages"][("member " if login else "visitor ") + path] = sizes
        context.close()
    for _ in range(job["rounds"]):
        context, page = fresh(False)
        page.goto(job["base"] + "/")
        page.wait_for_load_state("load")
        fcp = page.evaluate(
            "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null"
        )
        out["paint"].append(fcp)
        context.close()
    browser.close()
print(json.dumps(out))
"""


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None, **kw) -> str:
    done = subprocess.run(
        command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, **kw
    )
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def bake(template: Path, out: Path) -> Path:
    """Bake the default answers of ``template`` into ``out``, install it, init it, add a user."""
    run([sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(out), str(template)], ROOT)
    project = next(out.iterdir())
    run(["uv", "venv", "-q", "--python", sys.executable, ".venv"], project)
    run(
        ["uv", "pip", "install", "-q", "--python", ".venv/bin/python", "-e", ".", "--group", "dev"],
        project,
    )
    env = {"FLASK_SECRET_KEY": secrets.token_hex(32)}
    run([".venv/bin/flask", "init"], project, env)
    run([".venv/bin/flask", "create-admin", "--email", EMAIL, "--password", PASSWORD], project, env)
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git ref of the earlier template")
    parser.add_argument("--rounds", type=int, default=15, help="home page loads per bake")
    args = parser.parse_args()
    if not shutil.which("uv"):
        sys.exit("uv is not on PATH")

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as scratch_name:
        scratch = Path(scratch_name)
        earlier = scratch / "template-before"
        earlier.mkdir()
        archive = subprocess.run(
            ["git", "archive", args.before], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(earlier)], input=archive.stdout, check=True)
        projects = {"before": bake(earlier, scratch / "before"), "now": bake(ROOT, scratch / "now")}
        servers, results = {}, {}
        try:
            for name, project in projects.items():
                port = free_port()
                package = next((project / "src").iterdir()).name
                servers[name] = subprocess.Popen(
                    [".venv/bin/gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                     f"{package}:create_app('development')"],
                    cwd=project, env={**os.environ, "FLASK_SECRET_KEY": secrets.token_hex(32)},
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                wait_for(f"http://127.0.0.1:{port}/health/ping", 30)
                results[name] = {"base": f"http://127.0.0.1:{port}", "paint": []}
            driver = projects["now"] / ".venv/bin/python"
            # Interleaved: each bake's home page in turn, a few loads at a time.
            for _ in range(max(1, args.rounds // 5)):
                for name in projects:
                    pages = [] if results[name].get("pages") else PAGES
                    job = {"base": results[name]["base"], "email": EMAIL, "password": PASSWORD}
                    job |= {"pages": pages, "rounds": 5}
                    got = json.loads(run([str(driver), "-c", DRIVER, json.dumps(job)], ROOT))
                    results[name].setdefault("pages", got["pages"])
                    results[name]["paint"] += got["paint"]
        finally:
            for server in servers.values():
                server.terminate()
                server.wait(10)

    print(f"{'page':<22} {'before CSS':>11} {'JS':>8} {'now CSS':>9} {'JS':>8}")
    for page in results["now"]["pages"]:
        b = results["before"]["pages"].get(page, {"css": 0, "js": 0})
        n = results["now"]["pages"][page]
        print(f"{page:<22} {b['css']:>11,} {b['js']:>8,} {n['css']:>9,} {n['js']:>8,}")
    before = statistics.median(p for p in results["before"]["paint"] if p is not None)
    now = statistics.median(p for p in results["now"]["paint"] if p is not None)
    count = len(results["now"]["paint"])
    print(f"home page first contentful paint, median of {count} loads each (ms):")
    print(f"  before {before:.1f}   now {now:.1f}   now/before {now / before:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

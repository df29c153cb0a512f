"""Template updates with cruft: ``cruft create`` makes what ``cookiecutter`` makes, and a project
takes a later template commit with ``cruft update`` without losing its own ``.env``.

cruft renders the template through cookiecutter's own functions but builds the context itself:
it passes the ``_``-prefixed keys of cookiecutter.json (``_features``, ``_option_rules``) plus
``_template`` and ``_commit``, and none of ``_repo_dir``, ``_output_dir`` or ``_checkout``.
Both render the hooks with the template folder as the working directory, which is where the
pre-gen hook reads the choice lists from (local_extensions.template_choices).

Everything runs on local folders (no network): the working tree of this template is copied into
a scratch git repository, which is the "remote" cruft clones from. cruft and cookiecutter run as
``python -m`` subprocesses, each with a scratch cookiecutter config (no user defaults, no replay
files in the home folder) and a scratch git config.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEFAULT_SLUG, TEMPLATE_DIR

# A few non-default answers, as strings the way a command line gives them.
OTHER_ANSWERS = {
    "project_name": "Acme Orders",
    "database": "postgresql",
    "celery_broker": "none",
    "use_redis": "yes",
    "use_api": "no",
    "use_docker": "no",
    "ci_tool": "github",
}
BOOLEANS = {"yes": True, "no": False}
SECRET = re.compile(r"[0-9a-f]{64}")


@pytest.fixture
def env(tmp_path):
    """Environment for the subprocesses: scratch cookiecutter and git configs."""
    config = tmp_path / "cookiecutter-config.yaml"
    config.write_text(
        f"cookiecutters_dir: {json.dumps(str(tmp_path / 'cutters'))}\n"
        f"replay_dir: {json.dumps(str(tmp_path / 'replay'))}\n",
        encoding="utf-8",
    )
    git_config = tmp_path / "gitconfig"
    git_config.write_text(
        "[user]\n\tname = Template Test\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    return {
        **os.environ,
        "COOKIECUTTER_CONFIG": str(config),
        "GIT_CONFIG_GLOBAL": str(git_config),
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def run(env: dict, *command: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    out = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    if check and out.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited {out.returncode}:\n{out.stdout}\n{out.stderr}")
    return out


def cruft(env: dict, *args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    return run(env, sys.executable, "-m", "cruft", *args, cwd=cwd, check=check)


def git(env: dict, *args: str, cwd: Path) -> str:
    return run(env, "git", *args, cwd=cwd).stdout.strip()


@pytest.fixture
def template_repo(tmp_path, env):
    """This template's working tree (what pytest-cookies bakes too) committed into a scratch
    git repository: cruft only works from git."""
    repo = tmp_path / "template"
    junk = {".git", ".tox", "__pycache__", ".ruff_cache", ".pytest_cache"}
    shutil.copytree(TEMPLATE_DIR, repo, ignore=lambda _, names: [n for n in names if n in junk])
    git(env, "init", "--quiet", cwd=repo)
    git(env, "add", "--all", cwd=repo)
    git(env, "commit", "--quiet", "--message", "template as tested", cwd=repo)
    return repo


def tree(root: Path) -> dict[str, tuple[int, bytes | str]]:
    """relative path -> (mode, bytes of a file or the target of a symlink); folders too."""
    found: dict[str, tuple[int, bytes | str]] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        mode = path.lstat().st_mode
        if path.is_symlink():
            found[relative] = (mode, os.readlink(path))
        elif path.is_dir():
            found[relative] = (mode, b"")
        else:
            found[relative] = (mode, path.read_bytes())
    return found


def secret_lines(example: str) -> set[int]:
    """Line numbers of .env.example whose value ends in ``change-me`` (the post-gen hook makes
    each a fresh secret)."""
    return {
        number
        for number, line in enumerate(example.splitlines())
        if line.partition("=")[0].isidentifier() and line.endswith("change-me")
    }


@pytest.mark.parametrize("answers", [{}, OTHER_ANSWERS], ids=["default", "other-answers"])
def test_cruft_create_makes_what_cookiecutter_makes(tmp_path, env, template_repo, answers):
    by_cookiecutter = tmp_path / "by-cookiecutter"
    by_cruft = tmp_path / "by-cruft"
    by_cookiecutter.mkdir()
    by_cruft.mkdir()
    run(
        env,
        sys.executable, "-m", "cookiecutter", "--no-input", "--output-dir", str(by_cookiecutter),
        str(template_repo), *(f"{name}={value}" for name, value in answers.items()),
        cwd=tmp_path,
    )  # fmt: skip
    cruft(
        env,
        "create", "--no-input", "--output-dir", str(by_cruft),
        "--extra-context", json.dumps(answers), str(template_repo),
        cwd=tmp_path,
    )  # fmt: skip
    slug = "acme-orders" if answers else DEFAULT_SLUG
    assert [p.name for p in by_cookiecutter.iterdir()] == [slug]
    assert [p.name for p in by_cruft.iterdir()] == [slug]
    made, created = tree(by_cookiecutter / slug), tree(by_cruft / slug)

    state = json.loads(created.pop(".cruft.json")[1])
    assert state["template"] == str(template_repo)
    assert state["commit"] == git(env, "rev-parse", "HEAD", cwd=template_repo)
    for name, value in answers.items():
        assert state["context"]["cookiecutter"][name] == BOOLEANS.get(value, value), name

    made_env, created_env = made.pop(".env"), created.pop(".env")
    assert made_env[0] == created_env[0]  # the same mode (0600)
    assert sorted(made) == sorted(created), "the two trees hold different paths"
    different = [path for path in made if made[path] != created[path]]
    assert different == [], "cruft create and cookiecutter made these differently"

    # .env: line for line the same, except each secret, which is fresh in each.
    secrets = secret_lines(made[".env.example"][1].decode())
    made_lines = made_env[1].decode().splitlines()
    created_lines = created_env[1].decode().splitlines()
    assert len(made_lines) == len(created_lines) and secrets
    for number, (one, other) in enumerate(zip(made_lines, created_lines, strict=True), start=1):
        if number - 1 not in secrets:
            assert one == other, f".env line {number}"
            continue
        assert one[:-64] == other[:-64], f".env line {number}"
        assert SECRET.fullmatch(one[-64:]) and SECRET.fullmatch(other[-64:]), f".env line {number}"
        assert one[-64:] != other[-64:], f".env line {number}: the same secret twice"


def test_cruft_update_takes_a_template_commit_and_keeps_env(tmp_path, env, template_repo):
    cruft(
        env, "create", "--no-input", "--output-dir", str(tmp_path), str(template_repo), cwd=tmp_path
    )
    project = tmp_path / DEFAULT_SLUG
    git(env, "init", "--quiet", cwd=project)
    git(env, "add", "--all", cwd=project)
    git(env, "commit", "--quiet", "--message", "new project", cwd=project)
    assert ".env" not in git(env, "ls-files", cwd=project).split()  # git ignores it
    # The project's own edit, in a part of the README the template commit leaves alone.
    readme = project / "README.md"
    local_line = "Deployed at orders.example.com."
    readme.write_text(readme.read_text(encoding="utf-8") + f"\n{local_line}\n", encoding="utf-8")
    git(env, "commit", "--quiet", "--all", "--message", "local README line", cwd=project)
    (project / "instance" / "app.db").write_bytes(b"local database")
    dotenv = (project / ".env").read_bytes()
    dotenv_mode = (project / ".env").stat().st_mode
    assert cruft(env, "check", cwd=project).returncode == 0

    # A template commit: a README line, a changed line of source code, and a new secret in
    # .env.example (a fresh .env would then differ in its lines as well as its random values).
    template = template_repo / "{{cookiecutter.project_slug}}"
    upstream_line = "Run `make help` for every task."
    replace_once(template / "README.md", "\n\n", f"\n\n{upstream_line}\n\n")
    init = template / "src" / "{{cookiecutter.package_name}}" / "__init__.py"
    docstring = '"""The application factory, and the extensions it sets up.'
    replace_once(init, '"""The application factory.', docstring)
    example = template / ".env.example"
    example.write_text(
        example.read_text(encoding="utf-8")
        + "\n# A new service's key\nNEW_SERVICE_KEY=change-me\n",
        encoding="utf-8",
    )
    git(env, "commit", "--quiet", "--all", "--message", "upstream change", cwd=template_repo)

    out = cruft(env, "check", cwd=project, check=False)
    assert out.returncode != 0, out.stdout
    cruft(env, "update", "--skip-apply-ask", cwd=project)

    assert upstream_line in readme.read_text(encoding="utf-8")
    assert local_line in readme.read_text(encoding="utf-8")
    source = (project / "src" / "flask_app" / "__init__.py").read_text(encoding="utf-8")
    assert source.startswith(docstring + "\n")
    assert "NEW_SERVICE_KEY=change-me" in (project / ".env.example").read_text(encoding="utf-8")
    assert (project / ".env").read_bytes() == dotenv, "cruft update changed .env"
    assert (project / ".env").stat().st_mode == dotenv_mode
    assert (project / "instance" / "app.db").read_bytes() == b"local database"
    changed = sorted(
        line[3:]
        for line in run(env, "git", "status", "--porcelain", cwd=project).stdout.splitlines()
    )
    assert changed == [".cruft.json", ".env.example", "README.md", "src/flask_app/__init__.py"], (
        "an update changes the files the template commit changed, and .cruft.json, only"
    )
    assert cruft(env, "check", cwd=project).returncode == 0


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a template file, which must hold it."""
    content = path.read_text(encoding="utf-8")
    assert old in content, f"{path.name} no longer holds {old!r}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")

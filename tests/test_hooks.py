"""The hooks: every answer that cannot work is refused and leaves nothing; awkward answers bake.

All through real bakes (pytest-cookies), never by importing the hooks: the hooks are Jinja
templates, and what matters is what cookiecutter does with them.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

import checks
from conftest import DEFAULT_SLUG, OPTIONS, TEMPLATE_DIR, bake
from option_space import DEFAULT_PACKAGE, all_import_names

# What follows "ERROR: <answer name> <value repr> " in the hook's one line.
WHY_AND_EXAMPLE = re.compile(r"(?P<why>[^;]+); e\.g\. (?P<example>'[^']*')")

# (answer name, bad value). Each is refused by the pre-gen hook with one ERROR line.
BAD_ANSWERS = [
    ("project_name", ""),
    ("project_name", "   "),
    ("project_name", "Tab\there"),
    ("project_name", "Two\nlines"),
    ("project_name", "Nul\x00byte"),
    ("project_name", "Bidi\u202eoverride"),
    ("project_name", "Zero\u200bwidth"),
    ("project_name", "Line\u2028separator"),
    ("project_slug", " "),
    ("project_slug", "my app"),
    ("project_slug", "My-App"),
    ("project_slug", "-app"),
    ("project_slug", "app-"),
    ("project_slug", "app."),
    ("project_slug", "_app"),
    ("project_slug", "caf\u00e9"),
    ("project_slug", "app!"),
    ("project_slug", "a" * 101),
    ("project_slug", "con"),
    ("project_slug", "nul"),
    ("project_slug", "com1"),
    ("project_slug", "lpt9"),
    ("project_slug", "aux.app"),
    ("package_name", ""),
    ("package_name", " "),
    ("package_name", "my pkg"),
    ("package_name", "My_Pkg"),
    ("package_name", "MYPKG"),
    ("package_name", "my-pkg"),
    ("package_name", "my.pkg"),
    ("package_name", "1app"),
    ("package_name", "na\u00efve"),
    ("package_name", "class"),
    ("package_name", "def"),
    ("package_name", "match"),
    ("package_name", "case"),
    ("package_name", "type"),
    ("package_name", "_"),
    ("package_name", "__init__"),
    ("package_name", "__main__"),
    ("package_name", "test"),
    ("package_name", "email"),
    ("package_name", "logging"),
    ("package_name", "json"),
    ("package_name", "secrets"),
    ("package_name", "tomllib"),
    ("package_name", "distutils"),
    ("package_name", "flask"),
    ("package_name", "flask_login"),
    ("package_name", "sqlalchemy"),
    ("package_name", "werkzeug"),
    ("package_name", "celery"),
    ("package_name", "dotenv"),
    ("package_name", "pytest"),
    ("package_name", "tests"),
    ("package_name", "migrations"),
    ("package_name", "wsgi"),
    ("package_name", "instance"),
    ("package_name", "conftest"),
    ("package_name", "src"),
    ("description", ""),
    ("description", "  "),
    ("description", "First line.\nSecond line."),
    ("description", "Carriage\rreturn"),
    ("description", "Bell\x07"),
    ("description", "Paragraph\u2029separator"),
    ("author_name", ""),
    ("author_name", " \t "),
    ("author_name", "Jane\nDoe"),
    ("author_name", "Esc\x1b[31m"),
    ("author_email", ""),
    ("author_email", "jane"),
    ("author_email", "a@b"),
    ("author_email", "a@@b.com"),
    ("author_email", "a@b@c.com"),
    ("author_email", "a b@c.com"),
    ("author_email", " a@b.com"),
    ("author_email", "a@-b.com"),
    ("author_email", "a@b-.com"),
    ("author_email", "a@b..com"),
    ("author_email", "a@.b.com"),
    ("author_email", "a@b.com."),
    ("author_email", "a@exa_mple.com"),
    ("author_email", "@example.com"),
    ("author_email", "a@"),
    ("author_email", ".a@example.com"),
    ("author_email", "a.@example.com"),
    ("author_email", "a..b@example.com"),
    ("author_email", "<a>@example.com"),
    ("author_email", "a,b@example.com"),
    ("author_email", '"a"@example.com'),
    ("author_email", "a@example.c"),
    ("author_email", "a@example.123"),
    ("author_email", "zo\u00eb@example.com"),
    ("author_email", "a@b\u00fccher.de"),
    ("author_email", "x" * 65 + "@example.com"),
    ("author_email", "a@" + "b" * 64 + ".com"),
    ("author_email", "a@" + ".".join(["b" * 60] * 5) + ".com"),
    ("version", ""),
    ("version", " "),
    ("version", "one"),
    ("version", "latest"),
    ("version", "1.0.0.0.x"),
    ("version", "1.0."),
    ("version", "1..0"),
    ("version", ".1"),
    ("version", "v"),
    ("version", "1.0+"),
    ("version", "1.0+local+more"),
    ("version", "1.0 beta"),
    ("version", "1.0-beta-x"),
    ("version", "1.0-gamma"),
    ("version", "1.0+\u212a"),  # KELVIN SIGN, which re.IGNORECASE alone lets [a-z] match
    ("version", "\u0661.0"),  # ARABIC-INDIC DIGIT ONE
]


def param_id(value: str) -> str:
    """A short test id for a value."""
    text = ascii(value)
    return text if len(text) <= 24 else f"{text[:21]}..."


def answers_for(field: str, value: str) -> dict:
    """Only ``field`` is bad: give a good slug when the bad value is the name it derives from."""
    answers = {field: value}
    if field == "project_name":
        answers["project_slug"] = "refused-app"
    return answers


def left_on_disk(tmp_path) -> list[str]:
    """Everything under the test's folder except pytest-cookies' empty output folders."""
    output = tmp_path / "cookies"
    return [
        str(path.relative_to(tmp_path))
        for path in sorted(tmp_path.rglob("*"))
        if not (path == output or (path.parent == output and path.name.startswith("bake")))
    ]


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("ERROR:")]


def shown(value: str) -> str:
    """How the hook shows a value: its repr, shortened past 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def assert_refused(result, capfd, tmp_path, field: str, value: str) -> re.Match:
    """The bake failed in the pre-gen hook with one well-formed line, and left nothing."""
    err = capfd.readouterr().err
    assert result.exit_code != 0
    assert isinstance(result.exception, FailedHookException), result.exception
    lines = error_lines(err)
    assert len(lines) == 1, err
    # The value as cookiecutter passed it on (it renders answers with Jinja, turning \r into \n).
    prefix = f"ERROR: {field} {shown(result.context[field])} "
    assert lines[0].startswith(prefix), lines[0]
    match = WHY_AND_EXAMPLE.fullmatch(lines[0][len(prefix) :])
    assert match, lines[0]
    assert left_on_disk(tmp_path) == []
    return match


@pytest.mark.parametrize(
    ("field", "value"), BAD_ANSWERS, ids=[f"{f}={param_id(v)}" for f, v in BAD_ANSWERS]
)
def test_bad_answer_is_refused_and_leaves_nothing(cookies, capfd, tmp_path, field, value):
    result = bake(cookies, **answers_for(field, value))
    assert_refused(result, capfd, tmp_path, field, value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("project_name", "Tab\there"),
        ("project_slug", "My-App"),
        ("project_slug", "con"),
        ("package_name", "class"),
        ("package_name", "flask"),
        ("package_name", "My_Pkg"),
        ("description", "Two\nlines"),
        ("author_name", ""),
        ("author_email", "a@b"),
        ("version", "one"),
    ],
)
def test_example_in_the_error_is_accepted(cookies, capfd, tmp_path, field, value):
    """The 'e.g.' of each refusal is a value the hook takes."""
    match = assert_refused(
        bake(cookies, **answers_for(field, value)), capfd, tmp_path, field, value
    )
    example = ast.literal_eval(match["example"])  # the repr() the hook printed
    answers = answers_for(field, example)
    if field == "project_slug":
        answers["package_name"] = "refused_app"
    result = bake(cookies, **answers)
    assert result.exit_code == 0, (example, capfd.readouterr().err)


def test_long_value_is_shortened_in_the_one_error_line(cookies, capfd, tmp_path):
    value = "x" * 300 + "@example"
    result = bake(cookies, author_email=value)
    line = error_lines(capfd.readouterr().err)
    assert result.exit_code != 0
    assert len(line) == 1
    assert line[0].startswith(f"ERROR: author_email {shown(value)} ")
    assert shown(value).endswith("...")
    assert len(line[0]) < 200
    assert left_on_disk(tmp_path) == []


@pytest.mark.parametrize("slug", ["a/b", "nested/deeper/app"])
def test_slug_with_a_path_separator_is_refused(cookies, capfd, tmp_path, slug):
    result = bake(cookies, project_slug=slug, package_name="refused_app")
    err = capfd.readouterr().err
    assert result.exit_code != 0
    assert error_lines(err)[0].startswith(f"ERROR: project_slug {slug!r} ")


@pytest.mark.xfail(
    strict=True,
    reason="cookiecutter makes output/a/b before the pre-gen hook runs and deletes only a/b on "
    "failure, so the empty folder 'a' stays; no hook can remove it",
)
def test_slug_with_a_path_separator_leaves_nothing(cookies, capfd, tmp_path):
    result = bake(cookies, project_slug="a/b", package_name="refused_app")
    assert result.exit_code != 0
    assert left_on_disk(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "value"), [("python_version", "3.9"), ("open_source_license", "WTFPL")]
)
def test_unknown_choice_on_the_command_line_is_refused_by_cookiecutter(
    cookies, tmp_path, name, value
):
    result = bake(cookies, **{name: value})
    assert result.exit_code != 0
    assert f"provided for choice variable {name}" in str(result.exception)
    assert left_on_disk(tmp_path) == []


def test_unescaped_jinja_in_a_command_line_answer_is_refused_by_cookiecutter(cookies, tmp_path):
    """Cookiecutter renders --no-input answers as Jinja; literal braces need {% raw %}."""
    result = bake(cookies, description="{{ x }}")
    assert result.exit_code != 0
    assert left_on_disk(tmp_path) == []


@pytest.fixture
def replay(cookies, tmp_path):
    """Bake through ``cookiecutter --replay-file`` with one answer changed; returns the error."""

    def run(name: str, value: object):
        good = bake(cookies)
        assert good.exit_code == 0, good.exception
        answers = dict(good.context)
        answers[name] = value
        replay_file = tmp_path / "replay" / "flask-starter.json"
        replay_file.parent.mkdir()
        replay_file.write_text(json.dumps({"cookiecutter": answers}), encoding="utf-8")
        config = tmp_path / "config.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "cookiecutters_dir": str(tmp_path / "cutters"),
                    "replay_dir": str(tmp_path / "replay-dump"),
                }
            ),
            encoding="utf-8",
        )
        output = tmp_path / "replayed"
        output.mkdir()
        with pytest.raises(FailedHookException):
            cookiecutter(
                str(TEMPLATE_DIR),
                replay=str(replay_file),
                output_dir=str(output),
                config_file=str(config),
            )
        return output

    return run


@pytest.mark.parametrize(
    ("name", "value"),
    [
        *[("python_version", v) for v in ("3.9", "3.14", "2.7", "3.12 ")],
        *[("open_source_license", v) for v in ("WTFPL", "mit", "")],
        ("package_name", "class"),
    ],
)
def test_replay_with_a_bad_answer_is_refused(replay, capfd, name, value):
    output = replay(name, value)
    lines = error_lines(capfd.readouterr().err)
    assert len(lines) == 1
    assert lines[0].startswith(f"ERROR: {name} {value!r} ")
    assert list(output.iterdir()) == []


# (answers given, what pyproject/README must then hold where it differs from the answer)
AWKWARD = [
    pytest.param({"project_name": 'The "Quoted" App'}, {}, id="double-quotes"),
    pytest.param({"project_name": "O'Reilly's Bookshelf"}, {}, id="apostrophes"),
    pytest.param({"project_name": "Back\\slash \\n \\u00e9 App"}, {}, id="backslashes"),
    pytest.param({"project_name": "Say \"\"\"hi\"\"\" and '''bye'''"}, {}, id="triple-quotes"),
    pytest.param(
        {"description": "{% raw %}Braces {{ x }} and {% y %} stay literal.{% endraw %}"},
        {"description": "Braces {{ x }} and {% y %} stay literal."},
        id="jinja-braces",
    ),
    pytest.param(
        {"description": 'Says "hi", it\'s 100% \\o/ {not} ${HOME} `ls` <b>&amp;</b> # ; --'},
        {},
        id="description-punctuation",
    ),
    pytest.param(
        {
            "project_name": "Zo\u00eb's Caf\u00e9 \u2014 \u00dcn\u00efc\u00f6d\u00e9",
            "author_name": 'Zo\u00eb \u00dcn\u00efc\u00f6d\u00e9-O\'Brien "ZB" \u738b',
            "description": "Caf\u00e9 \u2014 na\u00efve \u65e5\u672c\u8a9e \U0001f370 text.",
        },
        {},
        id="non-ascii",
    ),
    pytest.param({"author_email": "a.b+c@sub.example.co.uk"}, {}, id="email-plus-subdomain"),
    pytest.param({"author_email": "o'brien_x-y=z!#$%&*/?^`{|}~@ex-ample.io"}, {}, id="email-atext"),
    pytest.param({"version": "1.0.0rc1"}, {}, id="version-rc"),
    pytest.param({"version": "2024.1.post2"}, {}, id="version-post"),
    pytest.param({"version": "1!2.0.dev3+local.7"}, {}, id="version-epoch-dev-local"),
    pytest.param(
        {"project_slug": "acme.orders_v2-x", "package_name": "acme_orders_v2_x"}, {}, id="slug-dots"
    ),
    pytest.param({"package_name": "_private_app"}, {}, id="package-underscore"),
]


@pytest.mark.parametrize(("answers", "expected"), AWKWARD)
def test_awkward_valid_answers_bake_and_survive(cookies, capfd, answers, expected):
    result = bake(cookies, **answers)
    assert result.exit_code == 0, (result.exception, capfd.readouterr().err)
    context = result.context
    want = {**{k: context[k] for k in ("project_name", "description", "author_name")}, **expected}
    want["author_email"] = context["author_email"]
    project = result.project_path
    assert project.name == context["project_slug"]

    meta = checks.read_toml(project / "pyproject.toml")["project"]
    assert meta["name"] == context["project_slug"]
    assert meta["version"] == context["version"]
    assert meta["description"] == want["description"]
    assert meta["authors"] == [{"name": want["author_name"], "email": want["author_email"]}]
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert want["project_name"] in readme
    assert want["description"] in readme
    assert (project / "src" / context["package_name"] / "__init__.py").is_file()

    found = []
    for relative, path in checks.rendered_files(project):
        text = path.read_text(encoding="utf-8")
        if relative.endswith(".py"):
            compile(text, str(path), "exec")
        found += [f"{relative}: {line}" for line in checks.unparsable(relative, text)]
    assert found == []
    assert checks.ruff([project], "check") == {}


SECRET_LINE = re.compile(r"^FLASK_SECRET_KEY=([0-9a-f]{64})$", re.MULTILINE)


def test_each_bake_gets_its_own_secret_key(cookies, capfd):
    secrets = []
    for _ in range(2):
        result = bake(cookies)
        assert result.exit_code == 0, result.exception
        project = result.project_path
        env = (project / ".env").read_text(encoding="utf-8")
        found = SECRET_LINE.findall(env)
        assert len(found) == 1, env
        secrets.append(found[0])
        assert "change-me" not in env
        example = (project / ".env.example").read_text(encoding="utf-8")
        assert "FLASK_SECRET_KEY=change-me" in example.splitlines()
        # .env is .env.example with the placeholder lines filled in (Flower's password too).
        filled = {"FLASK_SECRET_KEY=change-me": f"FLASK_SECRET_KEY={found[0]}"}
        flower = re.search(r"^FLOWER_BASIC_AUTH=flower:(\S+)$", env, re.MULTILINE)
        if flower:
            filled["FLOWER_BASIC_AUTH=flower:change-me"] = flower[0]
        assert env.splitlines() == [filled.get(line, line) for line in example.splitlines()]
        assert (project / ".env").stat().st_mode & 0o077 == 0
    assert secrets[0] != secrets[1]


def test_bake_prints_the_next_steps(cookies, capfd):
    result = bake(cookies)
    out = capfd.readouterr().out
    assert result.exit_code == 0
    for step in (
        f"cd {DEFAULT_SLUG}",
        " -m venv .venv && . .venv/bin/activate",  # python3, or python3.11 when it is older
        "python -m pip install --upgrade pip && pip install -e . --group dev",
        "flask init",
        "flask create-admin --email you@example.com",
        "flask run",
        "pytest",
    ):
        assert step in out


@pytest.mark.parametrize(
    "database, create",
    [
        ("postgresql", f"createdb -h 127.0.0.1 -U postgres {DEFAULT_PACKAGE}"),
        ("mysql", f'mysql -h 127.0.0.1 -u root -e "CREATE DATABASE {DEFAULT_PACKAGE} '),
        ("sqlite", None),
    ],
)
def test_the_next_steps_create_a_server_database_before_flask_init(
    cookies, capfd, database, create
):
    """``flask init`` fails on a server whose database does not exist yet: the steps create the
    default one first, as the README's "Set up the database and an admin" does."""
    result = bake(cookies, database=database)
    out = capfd.readouterr().out
    assert result.exit_code == 0
    readme = (Path(result.project_path) / "README.md").read_text(encoding="utf-8")
    if create is None:
        assert "createdb" not in out and "CREATE DATABASE" not in out
        assert "createdb" not in readme and "CREATE DATABASE" not in readme
        return
    assert out.index(create) < out.index("flask init")
    block = readme.split("## Set up the database and an admin", 1)[1].split("```", 2)[1]
    assert block.index(create) < block.index("flask init"), block


def test_a_python_older_than_the_project_needs_is_named_in_one_warning(cookies, capfd):
    result = bake(cookies, python_version="3.13")
    out = capfd.readouterr().out
    assert result.exit_code == 0
    python3 = subprocess.run(
        ["python3", "-c", "import sys; print(sys.version_info >= (3, 13))"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    warnings = [line for line in out.splitlines() if line.startswith("WARNING:")]
    if python3.stdout.strip() == "True" or shutil.which("python3.13"):
        assert warnings == []
    else:
        assert len(warnings) == 1
        assert "needs Python >= 3.13" in warnings[0]
        assert "uv python install 3.13" in warnings[0]
        assert "python3.13 -m venv .venv" in out


def test_answers_reach_the_hooks_as_data(cookies, capfd):
    """A name that would break or inject into a hook written as code bakes as plain text."""
    name = "x''' + __import__('os').system('exit 3') + r'''\"\"\" \\"
    result = bake(cookies, project_name=name, project_slug="data-app")
    assert result.exit_code == 0, (result.exception, capfd.readouterr().err)
    assert name in (result.project_path / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def template_copy(tmp_path):
    """A copy of this template to break on purpose (the real one is never modified)."""
    copy = tmp_path / "template"
    junk = {".git", ".tox", "__pycache__", ".ruff_cache", ".pytest_cache"}

    def ignore(folder, names):
        top = Path(folder) == TEMPLATE_DIR
        return [name for name in names if name in junk or (top and name == "tests")]

    shutil.copytree(TEMPLATE_DIR, copy, ignore=ignore)
    return copy


def test_post_gen_fails_loudly_without_the_secret_placeholder(cookies, capfd, template_copy):
    example = template_copy / "{{cookiecutter.project_slug}}" / ".env.example"
    text = example.read_text(encoding="utf-8")
    example.write_text(
        text.replace("FLASK_SECRET_KEY=change-me", "FLASK_SECRET_KEY="), encoding="utf-8"
    )
    result = cookies.bake(template=str(template_copy))
    err = capfd.readouterr().err
    assert result.exit_code != 0
    assert any("FLASK_SECRET_KEY=change-me" in line for line in error_lines(err)), err


def set_manifest_entry(template_copy: Path, option: str, entries: dict) -> None:
    """Put ``option``'s entries into the feature manifest of a template copy."""
    options_file = template_copy / "cookiecutter.json"
    options = json.loads(options_file.read_text(encoding="utf-8"))
    options["_features"][option] = entries
    options_file.write_text(json.dumps(options), encoding="utf-8")


def test_post_gen_fails_loudly_when_a_listed_path_is_missing(cookies, capfd, template_copy):
    other_license = OPTIONS["open_source_license"][1]
    paths = ["LICENSE", "no-such-file"]
    set_manifest_entry(template_copy, "open_source_license", {other_license: {"paths": paths}})
    result = cookies.bake(template=str(template_copy))
    err = capfd.readouterr().err
    assert result.exit_code != 0
    assert any("'no-such-file'" in line for line in error_lines(err)), err
    assert not list((template_copy.parent / "cookies").glob("bake*/*")), "the bake left files"


def test_post_gen_removes_what_the_manifest_lists_for_values_not_chosen(
    cookies, capfd, template_copy
):
    first, second = OPTIONS["open_source_license"][:2]
    entries = {
        f"{second}|{OPTIONS['open_source_license'][2]}": {"paths": ["LICENSE", "migrations"]},
        first: {"paths": ["Makefile"]},
    }
    set_manifest_entry(template_copy, "open_source_license", entries)
    result = cookies.bake(template=str(template_copy))
    assert result.exit_code == 0, (result.exception, capfd.readouterr().err)
    assert not (result.project_path / "LICENSE").exists()
    assert not (result.project_path / "migrations").exists()
    assert (result.project_path / "Makefile").exists()  # listed for the value chosen
    assert (result.project_path / "pyproject.toml").exists()


def test_post_gen_fails_loudly_on_a_manifest_option_that_does_not_exist(
    cookies, capfd, template_copy
):
    set_manifest_entry(template_copy, "use_nothing", {"true": {"paths": ["LICENSE"]}})
    result = cookies.bake(template=str(template_copy))
    assert result.exit_code != 0
    assert any("'use_nothing'" in line for line in error_lines(capfd.readouterr().err))


def test_pre_gen_refuses_every_import_name_of_the_manifest(cookies, capfd):
    """Each option value's import names shadow a library, chosen or not (the manifest's
    ``imports``); a name added to the manifest is refused at once (template copy below)."""
    for name in sorted(all_import_names()):
        result = bake(cookies, package_name=name)
        lines = error_lines(capfd.readouterr().err)
        assert result.exit_code != 0, name
        assert len(lines) == 1 and lines[0].startswith(f"ERROR: package_name {name!r} "), lines


def test_pre_gen_reads_the_shadowing_list_from_the_manifest(cookies, capfd, template_copy):
    set_manifest_entry(template_copy, "use_redis", {"true": {"imports": ["acme_client"]}})
    result = cookies.bake(
        template=str(template_copy), extra_context={"package_name": "acme_client"}
    )
    assert isinstance(result.exception, FailedHookException)
    assert error_lines(capfd.readouterr().err) == [
        "ERROR: package_name 'acme_client' would shadow the installed library of that name; "
        "e.g. 'acme_client_app'"
    ]


def test_the_manifest_reaches_the_hooks_as_data(cookies):
    result = bake(cookies)
    assert result.context["_features"] == OPTIONS["_features"]


# --- combinations: cookiecutter.json `_option_rules` -----------------------------------------


def test_an_invalid_combination_is_refused_in_one_line_and_leaves_nothing(
    cookies, capfd, tmp_path, template_copy
):
    """The template declares no invalid combination today; a copy declares one, and the pre-gen
    hook must refuse exactly that combination, in one line, before writing anything."""
    options_file = template_copy / "cookiecutter.json"
    options = json.loads(options_file.read_text(encoding="utf-8"))
    options["_option_rules"]["invalid"] = [
        {
            "when": {"database": "mysql", "use_mongodb": True},
            "why": "a made-up rule for this test",
            "fix": "database=postgresql",
        }
    ]
    options_file.write_text(json.dumps(options), encoding="utf-8")

    def bake_copy(**answers):
        return cookies.bake(template=str(template_copy), extra_context=answers)

    refused = bake_copy(database="mysql", use_mongodb=True)
    err = capfd.readouterr().err
    assert isinstance(refused.exception, FailedHookException), refused.exception
    assert error_lines(err) == [
        "ERROR: database='mysql' with use_mongodb=True cannot be baked: "
        "a made-up rule for this test; e.g. 'database=postgresql'"
    ], err
    assert not list((tmp_path / "cookies").glob("bake*/*")), "the refused bake left files"
    for answers in ({"database": "mysql"}, {"database": "postgresql", "use_mongodb": True}):
        accepted = bake_copy(**answers)
        assert accepted.exit_code == 0, (answers, capfd.readouterr().err)


def test_the_cli_yes_answer_matches_a_boolean_rule(cookies, capfd, template_copy):
    options_file = template_copy / "cookiecutter.json"
    options = json.loads(options_file.read_text(encoding="utf-8"))
    options["_option_rules"]["invalid"] = [
        {"when": {"use_mongodb": True}, "why": "test rule", "fix": "use_mongodb=no"}
    ]
    options_file.write_text(json.dumps(options), encoding="utf-8")
    result = cookies.bake(template=str(template_copy), extra_context={"use_mongodb": "yes"})
    assert isinstance(result.exception, FailedHookException)
    assert len(error_lines(capfd.readouterr().err)) == 1


def test_an_ignored_answer_is_named_in_the_next_steps(cookies, capfd):
    rule = OPTIONS["_option_rules"]["ignored"][0]
    result = bake(cookies, **rule["when"], **{rule["option"]: True})
    out = capfd.readouterr().out
    assert result.exit_code == 0
    assert f"Note: {rule['option']} was ignored: {rule['why']}." in out
    result = bake(cookies, **rule["when"], **{rule["option"]: False})
    assert "was ignored" not in capfd.readouterr().out

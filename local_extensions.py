"""Jinja extensions used while baking (listed in cookiecutter.json ``_extensions``).

Answers such as the project name may hold quotes, backslashes or non-ASCII letters, so they are
never pasted into code as they are:

- ``quote`` (TOML, YAML): a double-quoted JSON string. JSON's escapes are valid in TOML basic
  strings and YAML double-quoted scalars, and ``ensure_ascii=False`` keeps "ë" readable.
- ``pyquote`` (Python): a string literal in the quote style ``ruff format`` keeps: double
  quotes, unless the text holds more double than single quotes (fewer escapes wins).

And one global for the pre-gen hook:

- ``template_choices()``: the choice variables of the template's ``cookiecutter.json``, read
  while the hook is rendered. Cookiecutter renders a hook with the template folder as the
  working directory (that is how it finds ``hooks/``), under ``cookiecutter`` and under cruft
  alike, so this needs no ``_repo_dir`` (which cruft does not pass) and always reads the
  template being baked, never a copy imported earlier.
"""

import json
from pathlib import Path

from jinja2.ext import Extension


def quote(value: object) -> str:
    """Return ``value`` as a double-quoted string literal valid in TOML and YAML."""
    return json.dumps(str(value), ensure_ascii=False)


def pyquote(value: object) -> str:
    """Return ``value`` as a Python string literal that ``ruff format`` leaves as it is."""
    text = str(value)
    mark = "'" if text.count('"') > text.count("'") else '"'
    escaped = []
    for char in text:
        if char == "\\" or char == mark:
            escaped.append("\\" + char)
        elif char.isprintable():
            escaped.append(char)
        else:  # control and format characters as \n, \t or \uXXXX escapes
            escaped.append(json.dumps(char)[1:-1])
    return mark + "".join(escaped) + mark


def template_choices() -> list | None:
    """``[name, choices]`` for each choice variable of the template being baked, in
    ``cookiecutter.json`` order (a list: Jinja's ``tojson`` would sort a dict's keys), or None
    when the working directory is not a template (the hook then fails with one line)."""
    options_file = Path.cwd() / "cookiecutter.json"
    if not (options_file.is_file() and (Path.cwd() / "hooks").is_dir()):
        return None
    options = json.loads(options_file.read_text(encoding="utf-8"))
    return [
        [name, choices]
        for name, choices in options.items()
        if not name.startswith("_") and isinstance(choices, list)
    ]


class QuoteExtension(Extension):
    """Registers the ``quote`` and ``pyquote`` filters."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["quote"] = quote
        environment.filters["pyquote"] = pyquote


class TemplateChoicesExtension(Extension):
    """Registers the ``template_choices()`` global (for hooks/pre_gen_project.py)."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["template_choices"] = template_choices

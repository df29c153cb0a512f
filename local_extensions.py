"""Jinja extensions used while baking (listed in cookiecutter.json ``_extensions``).

Answers such as the project name may hold quotes, backslashes or non-ASCII letters, so they are
never pasted into code as they are:

- ``quote`` (TOML, YAML): a double-quoted JSON string. JSON's escapes are valid in TOML basic
  strings and YAML double-quoted scalars, and ``ensure_ascii=False`` keeps "ë" readable.
- ``pyquote`` (Python): a string literal in the quote style ``ruff format`` keeps: double
  quotes, unless the text holds more double than single quotes (fewer escapes wins).
"""

import json

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


class QuoteExtension(Extension):
    """Registers the ``quote`` and ``pyquote`` filters."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["quote"] = quote
        environment.filters["pyquote"] = pyquote

"""Refuse answers that cannot work, before anything is written.

Cookiecutter renders this file with Jinja, so the answers arrive below as one JSON document
inside a raw triple-single-quoted string: they are data, never code. ``tojson`` escapes every ``'``
as ``\\u0027``, so no answer can close the string or inject code.

On the first bad answer this prints exactly one line to stderr,
``ERROR: <answer name> <value repr> <why>; e.g. <good example>``, and exits 1; cookiecutter then
deletes the half-made project folder.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import unicodedata

ANSWERS = json.loads(r'''{{ cookiecutter | tojson }}''')  # fmt: skip

# [name, choices] of each choice variable in cookiecutter.json, read while this file is rendered
# (local_extensions.template_choices; cookiecutter and cruft both render hooks in the template
# folder, and cruft passes no ``_repo_dir``). null if it could not be read.
CHOICES = json.loads(r'''{{ template_choices() | tojson }}''')  # fmt: skip

# Soft keywords of every supported Python (``type`` became one in 3.12).
SOFT_KEYWORDS = {"_", "case", "match", "type"}

# Standard-library modules that sys.stdlib_module_names of the interpreter running this hook may
# leave out: the ``test`` package (never listed) and modules that exist in only some of the
# supported Pythons (3.10-3.13).
STDLIB_NOT_ALWAYS_LISTED = {"test"} | {
    "aifc", "asynchat", "asyncore", "audioop", "binhex", "cgi", "cgitb", "chunk", "crypt",
    "distutils", "imghdr", "imp", "lib2to3", "mailcap", "msilib", "nis", "nntplib",
    "ossaudiodev", "pipes", "smtpd", "sndhdr", "spwd", "sunau", "telnetlib", "tomllib", "uu",
    "xdrlib",
}  # fmt: skip


def dependency_import_names() -> set[str]:
    """Import names of the project's dependencies, its dev tools and the libraries each option
    value pulls in (``imports`` of every entry of the feature manifest, cookiecutter.json
    ``_features``, chosen or not): a package with one of these names would shadow the real one.
    """
    features = ANSWERS.get("_features")
    if not isinstance(features, dict) or "core" not in features:
        raise SystemExit("ERROR: cookiecutter._features, the feature manifest, is missing")
    names = set(features["core"].get("imports", []))
    for option, entries in features.items():
        if option != "core":
            for facts in entries.values():
                names.update(facts.get("imports", []))
    return names


# Top-level names inside the generated project (folders and modules on sys.path next to it).
PROJECT_TOP_LEVEL_NAMES = {
    "tests", "migrations", "instance", "wsgi", "conftest", "src", "docs", "gunicorn", "setup",
}  # fmt: skip

# Windows refuses these as file names, with or without an extension.
WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{device}{n}" for device in ("com", "lpt") for n in range(1, 10)
}

# PEP 440, Appendix B (the same pattern as packaging.version.VERSION_PATTERN).
VERSION_PATTERN = r"""
    v?
    (?:
        (?:(?P<epoch>[0-9]+)!)?                           # epoch
        (?P<release>[0-9]+(?:\.[0-9]+)*)                  # release segment
        (?P<pre>                                          # pre-release
            [-_\.]?
            (?P<pre_l>(a|b|c|rc|alpha|beta|pre|preview))
            [-_\.]?
            (?P<pre_n>[0-9]+)?
        )?
        (?P<post>                                         # post release
            (?:-(?P<post_n1>[0-9]+))
            |
            (?:
                [-_\.]?
                (?P<post_l>post|rev|r)
                [-_\.]?
                (?P<post_n2>[0-9]+)?
            )
        )?
        (?P<dev>                                          # dev release
            [-_\.]?
            (?P<dev_l>dev)
            [-_\.]?
            (?P<dev_n>[0-9]+)?
        )?
    )
    (?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?       # local version
"""
# re.ASCII as well: with IGNORECASE alone, [a-z] also matches the Kelvin sign and the long s.
VERSION_RE = re.compile(VERSION_PATTERN, re.VERBOSE | re.IGNORECASE | re.ASCII)

PACKAGE_RE = re.compile(r"[a-z_][a-z0-9_]*", re.ASCII)
SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?", re.ASCII)
LOCAL_PART_FORBIDDEN = set(' "<>(),;:\\[]@')
DOMAIN_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII | re.IGNORECASE)
TLD_RE = re.compile(r"[a-z]{2,63}", re.ASCII | re.IGNORECASE)


class Refused(Exception):
    """An answer that cannot work: ``why`` says what is wrong, ``example`` what would do."""

    def __init__(self, why: str, example: str) -> None:
        super().__init__(why)
        self.why = why
        self.example = example


def stdlib_module_names() -> set[str]:
    """Names of the standard library's top-level modules on every supported Python."""
    names = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
    return names | STDLIB_NOT_ALWAYS_LISTED


def check_text(value: str, example: str) -> str:
    """A human one-line text: not blank, no control or format characters."""
    if not value.strip():
        raise Refused("is empty or blank", example)
    if len(value.splitlines()) > 1:
        raise Refused("must be a single line", example)
    bad = [ch for ch in value if unicodedata.category(ch).startswith("C")]
    if bad:
        raise Refused(f"holds the control or invisible character {bad[0]!r}", example)
    return value


def check_project_slug(value: str) -> str:
    example = "acme-orders"
    if len(value) > 100:
        raise Refused("is longer than 100 characters", example)
    if not SLUG_RE.fullmatch(value):
        raise Refused(
            "must be a lower-case distribution name: letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit",
            example,
        )
    stem = value.split(".")[0]
    if stem in WINDOWS_RESERVED:
        raise Refused("is a reserved device name on Windows", f"{stem}-app")
    return value


def check_package_name(value: str) -> str:
    fallback = "acme_orders"
    if not PACKAGE_RE.fullmatch(value):
        raise Refused(
            "must be a lower-case Python identifier: a-z, 0-9 and '_', not starting with a digit",
            fallback,
        )
    suggestion = f"{value.strip('_')}_app" if value.strip("_") else fallback
    if keyword.iskeyword(value):
        raise Refused("is a Python keyword", suggestion)
    if value in SOFT_KEYWORDS or keyword.issoftkeyword(value):
        raise Refused("is a Python soft keyword", suggestion)
    if value.startswith("__") and value.endswith("__"):
        raise Refused("is a dunder name, reserved by Python", suggestion)
    if value in stdlib_module_names():
        raise Refused("would shadow the standard-library module of that name", suggestion)
    if value in dependency_import_names():
        raise Refused("would shadow the installed library of that name", suggestion)
    if value in PROJECT_TOP_LEVEL_NAMES:
        raise Refused("clashes with a top-level name of the generated project", suggestion)
    return value


def check_author_email(value: str) -> str:
    example = "jane.doe@example.com"
    if not value.isascii():
        raise Refused("must be ASCII (internationalised addresses are not supported)", example)
    if len(value) > 254:
        raise Refused("is longer than 254 characters", example)
    if value.count("@") != 1:
        raise Refused("must hold exactly one '@'", example)
    local, domain = value.split("@")
    if not local or len(local) > 64:
        raise Refused("needs 1 to 64 characters before the '@'", example)
    bad = [ch for ch in local if not ch.isprintable() or ch in LOCAL_PART_FORBIDDEN]
    if bad:
        raise Refused(f"has {bad[0]!r} before the '@', where it is not allowed", example)
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise Refused("has a leading, trailing or doubled '.' before the '@'", example)
    labels = domain.split(".")
    if len(labels) < 2:
        raise Refused("needs a domain with a dot after the '@'", example)
    if not all(DOMAIN_LABEL_RE.fullmatch(label) for label in labels):
        raise Refused(
            "has a bad domain: each dot-separated label is 1-63 letters, digits or '-', "
            "not starting or ending with '-'",
            example,
        )
    if not TLD_RE.fullmatch(labels[-1]):
        raise Refused("needs an alphabetic top-level domain of 2 or more letters", example)
    return value


def check_version(value: str) -> str:
    if not VERSION_RE.fullmatch(value.strip()):
        raise Refused("is not a PEP 440 version", "0.1.0")
    return value


def check_choice(value: object, choices: list) -> object:
    if value not in choices:
        listed = ", ".join(str(choice) for choice in choices)
        raise Refused(f"is not one of the choices ({listed})", choices[0])
    return value


TEXT_EXAMPLES = {
    "project_name": "Acme Orders",
    "description": "Order tracking for Acme.",
    "author_name": "Jane Doe",
}

CHECKS = {
    "project_name": lambda v: check_text(v, TEXT_EXAMPLES["project_name"]),
    "project_slug": check_project_slug,
    "package_name": check_package_name,
    "description": lambda v: check_text(v, TEXT_EXAMPLES["description"]),
    "author_name": lambda v: check_text(v, TEXT_EXAMPLES["author_name"]),
    "author_email": check_author_email,
    "version": check_version,
}


def template_choices() -> dict[str, list]:
    """The choice variables of this template's cookiecutter.json (also right under --replay,
    whose answers can be anything, and under cruft)."""
    if not isinstance(CHOICES, list):
        raise SystemExit("ERROR: cannot read the template's options from its cookiecutter.json")
    return dict(CHOICES)


def shown(value: object) -> str:
    """``repr`` of an answer, shortened so the error stays one readable line."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def first_refusal() -> str | None:
    """The error line for the first answer that cannot work, or None if all are fine."""
    for name, check in CHECKS.items():
        value = ANSWERS.get(name)
        try:
            if not isinstance(value, str):
                raise Refused("must be text", "...")
            check(value)
        except Refused as refused:
            return f"ERROR: {name} {shown(value)} {refused.why}; e.g. {refused.example!r}"
    for name, choices in template_choices().items():
        value = ANSWERS.get(name)
        try:
            check_choice(value, choices)
        except Refused as refused:
            return f"ERROR: {name} {shown(value)} {refused.why}; e.g. {refused.example!r}"
    return combination_refusal()


def combination_refusal() -> str | None:
    """The error line for the first invalid combination of answers that this bake matches.

    The combinations are declared once, in cookiecutter.json ``_option_rules.invalid``: each
    rule has ``when`` (option -> value, all of which must match), ``why`` and ``fix``.
    Cookiecutter has already turned "yes"/"no" answers of boolean options into booleans.
    """
    for rule in ANSWERS.get("_option_rules", {}).get("invalid", []):
        when = rule["when"]
        if all(ANSWERS.get(name) == value for name, value in when.items()):
            combination = " with ".join(f"{name}={value!r}" for name, value in when.items())
            return f"ERROR: {combination} cannot be baked: {rule['why']}; e.g. {rule['fix']!r}"
    return None


def main() -> int:
    sys.stderr.reconfigure(errors="backslashreplace")
    error = first_refusal()
    if error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The variant report: variants baked, checked and tested per level, failures by option value.

Each pytest run prints its own report at the end (conftest.py) and, when ``VARIANT_REPORT``
names a file, writes it there as JSON. Shards of one CI run write one file each; this module
merges them into one report::

    python tests/report.py .tox/reports/*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from option_space import grouped_failures

VERBS = {"static": "checked", "exhaustive": "checked", "variant": "installed and tested"}


def merge(parts: list[dict]) -> dict:
    """One report from several: outcomes joined per level (a variant fails if it failed in any
    part), figures concatenated."""
    merged: dict = {"outcomes": {}, "figures": []}
    for part in parts:
        merged["figures"] += part.get("figures", [])
        for level, outcomes in part.get("outcomes", {}).items():
            into = merged["outcomes"].setdefault(level, {})
            for key, (variant, passed) in outcomes.items():
                into[key] = (variant, passed and into.get(key, (variant, True))[1])
    return merged


def lines(report: dict) -> list[str]:
    """The report as text lines."""
    out = list(report.get("figures", []))
    for level, outcomes in report.get("outcomes", {}).items():
        failed = [key for key, (_, passed) in outcomes.items() if not passed]
        verb = VERBS.get(level, "checked")
        out.append(f"{level}: {len(outcomes)} variants baked and {verb}, {len(failed)} failed")
        out += [f"    FAILED {key}" for key in failed]
        if failed:
            out.append("    failures by option value (failed/run):")
            out += [
                f"        {value}: {count}/{run}"
                for value, count, run in grouped_failures(outcomes)
                if count
            ]
    return out


def main(paths: list[str]) -> int:
    """Print the merged report of ``paths``; exit status 1 if any variant failed."""
    parts = [json.loads(Path(path).read_text(encoding="utf-8")) for path in paths]
    report = merge(parts)
    print("\n".join(lines(report)) or "no variant report found")
    failed = any(
        not passed for outcomes in report["outcomes"].values() for _, passed in outcomes.values()
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`python -m macros release-check [VERSIONS_JSON]`: refuse to release a version twice.

A released version is frozen: its pages are what readers cited under its permanent address.
mike (`make release`) would rebuild and overwrite /<version>/ if asked to deploy a version
that is already on the gh-pages branch, so the release target runs this check first. It reads
mike's versions.json (by default from the local gh-pages branch; a file path for the tests)
and fails when mkdocs.yml's `extra.citation.version` is already there, or when CHANGELOG.md
has no entry for it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from .citation import ROOT, load_record

CHANGELOG = ROOT / "CHANGELOG.md"


def released_versions(versions_json: str) -> set[str]:
    """Every version and alias in mike's versions.json text."""
    found = set()
    for entry in json.loads(versions_json or "[]"):
        found.add(str(entry["version"]))
    return found


def deployed_versions_json(branch: str = "gh-pages") -> str:
    """versions.json of the local gh-pages branch, '' when there is no such branch or file."""
    result = subprocess.run(
        ["git", "show", f"{branch}:versions.json"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout if result.returncode == 0 else ""


def changelog_has(version: str, changelog: Path = CHANGELOG) -> bool:
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    return re.search(rf"^## \[?{re.escape(version)}\]?(?:\s|$)", text, re.M) is not None


def problems(version: str, versions_json: str, changelog: Path = CHANGELOG) -> list[str]:
    found = []
    if version in released_versions(versions_json):
        found.append(
            f"version {version} is already released; a released version is never "
            "overwritten: raise extra.citation.version in mkdocs.yml (and "
            "CHANGELOG.md) first"
        )
    if not changelog_has(version, changelog):
        found.append(f"CHANGELOG.md has no '## {version}' entry")
    return found


def main(argv: list[str]) -> int:
    version = load_record(ROOT / "mkdocs.yml").version
    versions_json = Path(argv[0]).read_text(encoding="utf-8") if argv else deployed_versions_json()
    found = problems(version, versions_json)
    for problem in found:
        print(f"release-check: {problem}", file=sys.stderr)
    if not found:
        print(f"release-check: version {version} is not released yet")
    return 1 if found else 0

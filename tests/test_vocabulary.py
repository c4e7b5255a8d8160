"""The schema is the one home of every enumerated value and its label.

A value added to a schema's vocabulary shows, labelled, on the pages and in the docs; a value
without a label fails `make check`, never the build half-way.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, copy_repo, mkdocs_build
from macros.vocabulary import VOCABULARIES, all_vocabularies, problems, vocabulary

NEW_ROLE = {
    "const": "mediation-attempt",
    "title": "Mediation attempt (made up)",
    "description": "A made-up role for this test.",
    "x-plural-title": "Mediation attempts (made up)",
}
NEW_STATUS = {
    "const": "disputed",
    "title": "Disputed among the sources (made up)",
    "description": "A made-up status for this test.",
}


def test_every_vocabulary_is_complete():
    assert problems() == []
    for v in all_vocabularies():
        assert v.terms and v.title and v.description
        for term in v.terms:
            assert term.title.strip() and term.description.strip(), (v.name, term.value)


def test_the_enum_message_lists_the_vocabulary():
    expected = ", ".join(vocabulary("role").values())
    text = (FIXTURES / "invalid" / "bad-enum" / "expected.txt").read_text()
    assert f"(expected one of: {expected})" in text


def add_values(repo: Path, role: dict | None = NEW_ROLE, status: dict | None = NEW_STATUS) -> None:
    path = repo / "data" / "schemas" / "case.schema.json"
    schema = json.loads(path.read_text())
    if role:
        schema["$defs"]["role"]["oneOf"].append(role)
    if status:
        schema["$defs"]["fact_check_status"]["oneOf"].append(status)
    path.write_text(json.dumps(schema, indent=2))


def use_values(case_file: Path) -> None:
    text = case_file.read_text()
    text = text.replace("role: essay-case", "role: mediation-attempt", 1)
    text = text.replace("role: counter-evidence", "role: mediation-attempt", 1)
    if "fact_checks:" not in text:
        text += (
            'fact_checks:\n  - essay: "It says so."\n    finding: "Sources differ."\n'
            "    status: disputed\n    sources: [test-book]\n"
        )
    else:
        text = re.sub(r"status: \w+", "status: disputed", text, count=1)
    case_file.write_text(text)


def small_repo(tmp_path: Path) -> Path:
    """The code and schemas, with the minimal fixture as data/."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "macros", repo / "macros", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURES / "minimal", repo / "data")
    shutil.copytree(ROOT / "data" / "schemas", repo / "data" / "schemas")
    return repo


RENDER = """
from macros import publish
from macros.render import release
from macros.view import get_site
site = get_site()
print(release(publish.case_page(site, "first-case")))
for name in ("cases_index", "comparison_table", "vocabulary"):
    print(release(publish.part(site, name, "about/")))
"""


def run(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin"},
    )


def test_a_value_added_to_the_schema_shows_labelled_everywhere(tmp_path):
    repo = small_repo(tmp_path)
    add_values(repo)
    use_values(repo / "data" / "cases" / "first-case.yml")
    check = run(repo, "-m", "macros", "check")
    assert check.returncode == 0, check.stderr
    result = run(repo, "-c", RENDER)
    assert result.returncode == 0, result.stderr
    html = result.stdout
    assert html.count(NEW_ROLE["title"]) >= 3  # case page, comparison, about
    assert NEW_ROLE["x-plural-title"] in html  # its group on /cases/
    assert NEW_ROLE["description"] in html
    assert html.count(NEW_STATUS["title"]) >= 2  # the fact-check, about


@pytest.mark.parametrize(
    "broken",
    [
        {"const": "no-title", "description": "d"},
        {"const": "essay-case", "title": "t", "description": "d"},
    ],
    ids=["missing-title", "duplicate"],
)
def test_a_value_without_a_label_fails_the_check_not_the_build(tmp_path, broken):
    repo = small_repo(tmp_path)
    add_values(repo, role=broken, status=None)
    check = run(repo, "-m", "macros", "check")
    assert check.returncode == 1
    roles = json.loads((ROOT / "data" / "schemas" / "case.schema.json").read_text())
    added = len(roles["$defs"]["role"]["oneOf"])  # the broken value is appended after these
    assert check.stderr.startswith(
        f"data/schemas/case.schema.json:1:1: $defs.role.oneOf[{added}]: "
    )
    assert "Traceback" not in check.stderr


def test_every_vocabulary_is_in_a_schema():
    for kind, key in VOCABULARIES.values():
        schema = json.loads((ROOT / "data" / "schemas" / f"{kind}.schema.json").read_text())
        assert "oneOf" in schema["$defs"][key]


@pytest.mark.slow
def test_a_value_added_to_the_schema_shows_on_the_built_site(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    add_values(repo)
    use_values(repo / "data" / "cases" / "syria-civil-war.yml")
    site_dir = tmp_path / "site"
    result = mkdocs_build(repo, site_dir)
    assert result.returncode == 0, result.stdout + result.stderr

    def page(url):
        return (site_dir / url / "index.html").read_text(encoding="utf-8")

    assert NEW_ROLE["title"] in page("cases/syria-civil-war/")
    assert NEW_ROLE["x-plural-title"] in page("cases/")
    assert NEW_ROLE["title"] in page("comparison/")
    assert NEW_ROLE["title"] in page("about/") and NEW_STATUS["title"] in page("about/")
    assert NEW_STATUS["title"] in page("cases/syria-civil-war/")

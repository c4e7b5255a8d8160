"""Citable pages: the citation record, each page's citation in every format, the <head>
metadata, CITATION.cff, the permanent addresses and the release check."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import yaml

from conftest import FIXTURES, ROOT, copy_repo, mkdocs_build
from macros import citation, release
from macros.bibliography import format_citation
from macros.model import load_project
from macros.templates import json_script
from sitecheck import crawl, read_published, unresolved

CSL_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "csl-data.json").read_text())
PUBLISHED = ROOT / "tests" / "published_urls.txt"
SAMPLE = [
    "cases/syria-civil-war/",
    "cases/tajik-civil-war/",
    "concepts/strategic-alliance/",
    "argument/",
    "criteria/",
    "comparison/",
    "sources/",
    "perspectives/",
    "concepts/",
    "cases/",
]
ADDRESS = "https://example.org/iran-russia/"


@pytest.fixture(scope="module")
def record():
    return citation.load_record(ROOT / "mkdocs.yml", ADDRESS)


def view(project, record, page_url, title="Page title", description="What the page says."):
    return citation.page_view(project, record, page_url, title, description)


def meta(v: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in v["meta"]:
        found.setdefault(tag["key"], []).append(tag["content"])
    return found


# ----- the record --------------------------------------------------------------------------


def test_the_record_names_the_site_its_authors_version_and_licence(record):
    config = yaml.safe_load(re.sub(r"!ENV \[[^\]]*\]", '""', (ROOT / "mkdocs.yml").read_text()))
    assert record.title == config["site_name"]
    assert record.authors == ("Iran and Russia: Alliance or Cooperation? contributors",)
    assert re.fullmatch(r"\d+\.\d+\.\d+", record.version)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record.date_released)
    assert record.licence["id"] == "CC-BY-4.0"
    newest = re.search(
        r"^## \[?([0-9.]+)\]? - (\d{4}-\d{2}-\d{2})", (ROOT / "CHANGELOG.md").read_text(), re.M
    )
    assert newest.groups() == (record.version, record.date_released), "CHANGELOG.md's newest entry"


@pytest.mark.parametrize(
    "address, expected",
    [
        ("http://127.0.0.1:8000/", ""),
        ("http://localhost:8000/x/", ""),
        ("http://[::1]/", ""),
        ("", ""),
        (None, ""),
        ("file:///tmp/site/", ""),
        ("https://example.org/iran-russia", "https://example.org/iran-russia/"),
    ],
)
def test_a_local_address_is_not_configured(address, expected):
    assert citation.site_address(address) == expected


def test_citation_cff_is_made_from_the_record_and_valid(record):
    assert (ROOT / "CITATION.cff").read_text() == citation.cff_text(record), (
        "run: python -m macros cff"
    )
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["title"] == record.title and cff["version"] == record.version
    assert str(cff["date-released"]) == record.date_released
    assert [a["name"] for a in cff["authors"]] == list(record.authors)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.citation-file-format",
            str(ROOT / "CITATION.cff"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ----- each page's citation --------------------------------------------------------------


@pytest.mark.parametrize("page_url", SAMPLE)
def test_bibtex_parses_and_has_the_required_fields(project, record, page_url):
    v = view(project, record, page_url)
    library = bibtexparser.parse_string(v["machine"][0]["text"])
    assert library.failed_blocks == []
    assert len(library.entries) == 1
    entry = library.entries[0]
    assert entry.entry_type == "online"
    fields = {f.key: f.value for f in entry.fields}
    assert {"author", "title", "organization", "version", "date", "year", "url"} <= set(fields)
    assert fields["author"] == "{Iran and Russia: Alliance or Cooperation? contributors}"
    assert fields["date"] == v["revised"] and fields["url"] == ADDRESS + page_url
    assert fields["version"] == record.version


def test_bibtex_braces_proper_nouns_and_escapes_specials(project, record):
    title = project.cases["syria-civil-war"]["title"]
    assert "Iran" in title or "Russia" in title
    fields = bibtexparser.parse_string(
        view(project, record, "cases/syria-civil-war/")["machine"][0]["text"]
    ).entries[0]
    assert re.search(r"\{(Iranian|Russian|Iran|Russia)\}", fields["title"])
    item = citation.csl_item(record, "x/", "Iran & Russia: 50% of {it}_#", "2026-01-02", "")
    text = citation.bibtex(item)
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [] and len(library.entries) == 1
    assert r"{Iran} \& {Russia}: 50\% of \{it\}\_\#" in text


@pytest.mark.parametrize("page_url", SAMPLE)
def test_csl_json_is_valid_and_formats_in_apa_and_chicago(project, record, page_url):
    v = view(project, record, page_url)
    items = json.loads(v["machine"][2]["text"])
    jsonschema.Draft7Validator(CSL_SCHEMA).validate(items)
    assert len(items) == 1 and items[0]["type"] == "webpage"
    for style in ("apa", "chicago-author-date", "modern-language-association"):
        html, plain = format_citation(items[0], style)
        assert "contributors" in plain and ADDRESS + page_url in plain
        assert not re.search(r"[?!.,][.,]|\.\.", plain), (style, plain)  # no doubled stops
    assert [s["text"].strip() for s in v["styles"]] == [
        format_citation(items[0], s)[1]
        for s in ("apa", "chicago-author-date", "modern-language-association")
    ]


def test_the_styles_read_as_the_styles_want(project, record):
    v = view(project, record, "argument/", title="The argument")
    apa, chicago, mla = (s["text"].strip() for s in v["styles"])
    year, month, day = v["revised"].split("-")
    assert apa.startswith(f"Iran and Russia: Alliance or Cooperation? contributors. ({year}, ")
    assert "The argument. Iran and Russia: Alliance or Cooperation? https://" in apa
    assert f"{year}. “The Argument.” Version {record.version}." in chicago
    assert (
        f"“The Argument.” Iran and Russia: Alliance or Cooperation? Version {record.version}" in mla
    )


@pytest.mark.parametrize("page_url", SAMPLE)
def test_ris_has_exactly_one_record_ending_in_er(project, record, page_url):
    lines = view(project, record, page_url)["machine"][1]["text"].splitlines()
    assert [line for line in lines if line.startswith("TY  - ")] == ["TY  - ELEC"]
    assert lines[-1].rstrip() == "ER  -"
    assert sum(line.startswith("ER  -") for line in lines) == 1
    assert all(re.match(r"[A-Z][A-Z0-9]  - ", line) for line in lines)
    assert f"UR  - {ADDRESS}{page_url}" in lines


@pytest.mark.parametrize("page_url", SAMPLE)
def test_head_has_highwire_dublin_core_and_open_graph(project, record, page_url):
    v = view(project, record, page_url)
    tags = meta(v)
    assert tags["citation_title"] == [v["item"]["title"]]
    assert " - " + record.title not in tags["citation_title"][0]
    assert tags["citation_author"] == list(record.authors)
    for key in ("citation_publication_date", "citation_online_date"):
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", tags[key][0])
        assert tags[key] == [v["revised"].replace("-", "/")]
    assert tags["citation_public_url"] == [ADDRESS + page_url] == tags["og:url"]
    assert tags["citation_language"] == ["en"]
    assert tags["og:type"] == ["website"] and tags["DC.type"] == ["webpage"]
    assert tags["DC.date"] == [v["revised"]] and tags["og:description"]


@pytest.mark.parametrize(
    "page_url, kind, extra",
    [
        ("cases/syria-civil-war/", "Article", "author"),
        ("argument/", "Article", "headline"),
        ("concepts/strategic-alliance/", "DefinedTerm", "inDefinedTermSet"),
        ("concepts/", "DefinedTermSet", "hasDefinedTerm"),
        ("data/", "Dataset", "distribution"),
    ],
)
def test_json_ld_has_the_expected_type_and_fields(project, record, page_url, kind, extra):
    v = view(project, record, page_url)
    data = json.loads(str(json_script(v["json_ld"])))
    assert data["@context"] == "https://schema.org" and data["@type"] == kind
    assert data[extra] and data["url"] == ADDRESS + page_url
    assert data["dateModified"] == v["revised"] and data["version"] == record.version
    if kind == "Dataset":
        assert {d["contentUrl"] for d in data["distribution"]} >= {
            ADDRESS + "data/cases.csv",
            ADDRESS + "data/cases.json",
        }
    if kind == "DefinedTermSet":
        assert ADDRESS + "concepts/strategic-alliance/" in {
            t["url"] for t in data["hasDefinedTerm"]
        }


def test_json_ld_cannot_close_its_script_element():
    text = str(json_script({"name": "</script><script>alert(1)</script> & <!--"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"].startswith("</script>")


def test_without_an_address_citations_carry_no_url(project, record):
    local = dataclasses.replace(record, root_url="")
    v = view(project, local, "argument/")
    assert "URL" not in v["item"] and "citation_public_url" not in meta(v)
    assert all("http" not in s["text"] for s in v["styles"])
    assert "url" not in v["json_ld"]


def test_a_release_build_cites_its_permanent_link(project, record):
    released = dataclasses.replace(record, release=record.version)
    v = view(project, released, "cases/syria-civil-war/")
    assert v["addresses"] == {
        "current": ADDRESS + "latest/cases/syria-civil-war/",
        "permanent": ADDRESS + f"{record.version}/cases/syria-civil-war/",
    }
    assert v["item"]["URL"] == v["addresses"]["permanent"]
    assert view(project, record, "argument/")["addresses"]["permanent"] == ""


def test_changing_a_cases_last_reviewed_changes_its_citation_date(record, tmp_path):
    data = shutil.copytree(FIXTURES / "minimal", tmp_path / "data")
    case_file = data / "cases" / "first-case.yml"
    before = view(load_project(data), record, "cases/first-case/")
    text = case_file.read_text()
    old = re.search(r'last_reviewed: "?(\d{4}-\d{2}-\d{2})"?', text).group(1)
    case_file.write_text(text.replace(old, "2031-02-03"))
    after = view(load_project(data), record, "cases/first-case/")
    assert before["revised"] == old and after["revised"] == "2031-02-03"
    assert after["item"]["issued"] == {"date-parts": [[2031, 2, 3]]}
    assert "date = {2031-02-03}" in after["machine"][0]["text"]
    assert "DA  - 2031/02/03/" in after["machine"][1]["text"]
    assert "(2031, February 3)" in after["styles"][0]["text"]
    # every other page shows the cases: it is revised with the newest of them
    assert view(load_project(data), record, "comparison/")["revised"] == "2031-02-03"


def test_other_pages_are_dated_by_the_release_or_the_newest_review(project, record):
    newest = max(c["last_reviewed"] for c in project.cases.values())
    assert view(project, record, "sources/")["revised"] == max(newest, record.date_released)


def test_only_content_pages_get_the_box(project, record):
    for page_url in SAMPLE:
        assert view(project, record, page_url)["box"], page_url
    for page_url in ("", "about/", "cite/", "data/", "contribute/"):
        assert not view(project, record, page_url)["box"], page_url
        assert citation.download_files(view(project, record, page_url)) == {}


# ----- releases ----------------------------------------------------------------------------


def test_release_check_refuses_a_released_version(tmp_path):
    versions = json.dumps([{"version": "1.0.0", "title": "1.0.0", "aliases": ["latest"]}])
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## 1.0.0 - 2026-11-26\n\n## 0.9.0 - 2026-01-01\n")
    assert release.problems("1.0.0", versions, changelog)
    assert release.problems("1.1.0", versions, changelog) == [
        "CHANGELOG.md has no '## 1.1.0' entry"
    ]
    assert release.problems("0.9.1", "", changelog)
    changelog.write_text("## 1.1.0 - 2027-01-01\n")
    assert release.problems("1.1.0", versions, changelog) == []


def test_release_check_command_fails_on_the_current_version_once_released(record, tmp_path):
    deployed = tmp_path / "versions.json"
    deployed.write_text(
        json.dumps([{"version": record.version, "title": record.version, "aliases": ["latest"]}])
    )
    command = [sys.executable, "-m", "macros", "release-check"]
    refused = subprocess.run(command + [str(deployed)], cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 1 and "already released" in refused.stderr
    deployed.write_text("[]")
    allowed = subprocess.run(command + [str(deployed)], cwd=ROOT, capture_output=True, text=True)
    assert allowed.returncode == 0, allowed.stderr


# ----- the built site ------------------------------------------------------------------------


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta.setdefault(a.get("name") or a["property"], []).append(a.get("content"))
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_ld = False


@pytest.mark.slow
def test_every_published_address_resolves(built_site):
    addresses = read_published(PUBLISHED)
    assert len(addresses) > 100 and "" in addresses
    assert unresolved(built_site[0], addresses) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "page_url",
    [
        "cases/syria-civil-war/",
        "concepts/strategic-alliance/",
        "argument/",
        "sources/",
        "comparison/",
        "perspectives/",
        "criteria/",
    ],
)
def test_built_pages_carry_the_metadata_and_the_box(built_site, page_url):
    page = (built_site[0] / page_url / "index.html").read_text(encoding="utf-8")
    head = _Head()
    head.feed(page.split("</head>")[0])
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", head.meta["citation_publication_date"][0])
    assert head.meta["og:type"] == ["website"] and head.meta["DC.type"] == ["webpage"]
    assert head.meta["citation_title"][0] and head.meta["citation_author"]
    assert len(head.json_ld) == 1 and json.loads(head.json_ld[0])["@type"]
    assert page.count('id="cite-this-page"') == 1 and 'aria-live="polite"' in page
    assert 'src="../' in page and "javascripts/cite.js" in page
    for name in ("citation.bib", "citation.ris", "citation.json", "citation-apa.txt"):
        assert f'href="{name}"' in page and (built_site[0] / page_url / name).is_file()
    library = bibtexparser.parse_string((built_site[0] / page_url / "citation.bib").read_text())
    assert library.failed_blocks == [] and len(library.entries) == 1
    # built without SITE_URL: the box says so, and no citation names a local address
    assert "Address not configured" in page and "citation_public_url" not in head.meta


@pytest.mark.slow
def test_pages_without_the_box_still_show_their_dates(built_site):
    page = (built_site[0] / "about" / "index.html").read_text(encoding="utf-8")
    assert "Last revised" in page and 'id="cite-this-page"' not in page


@pytest.mark.slow
def test_removing_a_page_without_a_redirect_breaks_a_published_address(tmp_path):
    """Two pages are removed; the one given a redirect keeps its address alive."""
    repo = copy_repo(tmp_path / "repo")
    (repo / "docs" / "perspectives.md").unlink()
    (repo / "docs" / "comparison.md").unlink()
    config = (repo / "mkdocs.yml").read_text()
    config = config.replace("  - Perspectives: perspectives.md\n", "")
    config = config.replace("  - Comparison: comparison.md\n", "")
    config = config.replace(
        "redirect_maps: {}", "redirect_maps:\n        comparison.md: cases/index.md"
    )
    (repo / "mkdocs.yml").write_text(config)
    result = mkdocs_build(repo, tmp_path / "site", strict=False)
    assert result.returncode == 0, result.stderr
    assert "comparison/" in crawl(tmp_path / "site")  # the redirect page
    missing = unresolved(tmp_path / "site", read_published(PUBLISHED))
    assert missing == ["perspectives/"]


@pytest.mark.slow
def test_a_mike_release_is_frozen_with_its_permanent_links(tmp_path):
    """mike deploys the version under /<version>/ with a copied /latest/ alias; the pages cite
    the permanent link; and the release check then refuses to deploy that version again."""
    repo = copy_repo(tmp_path / "repo")
    git = ["git", "-c", "user.email=test@example.invalid", "-c", "user.name=test"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-qm", "site"], cwd=repo, check=True)
    version = citation.load_record(ROOT / "mkdocs.yml").version
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(repo),
        "SITE_URL": ADDRESS,
        "REQUIRE_SITE_URL": "1",
        "NO_MKDOCS_2_WARNING": "1",
        "GIT_AUTHOR_NAME": "test",
        "GIT_COMMITTER_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    mike = [str(Path(sys.executable).parent / "mike")]
    result = subprocess.run(
        mike + ["deploy", "--alias-type", "copy", "--update-aliases", version, "latest"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    def show(path):
        return subprocess.run(
            ["git", "show", f"gh-pages:{path}"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    versions = show("versions.json")
    assert json.loads(versions) == [{"version": version, "title": version, "aliases": ["latest"]}]
    tree = subprocess.run(
        ["git", "ls-tree", "gh-pages"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"^040000 tree \w+\tlatest$", tree, re.M), "latest/ is a copy, no symlink"
    page = show(f"{version}/cases/syria-civil-war/index.html")
    permanent = f"{ADDRESS}{version}/cases/syria-civil-war/"
    assert f'name="citation_public_url" content="{permanent}"' in page
    assert f'href="{ADDRESS}latest/cases/syria-civil-war/"' in page  # current address
    assert '"version": {"provider": "mike"}' in page  # Material's version selector
    assert release.problems(version, versions)  # and never again

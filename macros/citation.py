"""How to cite the site and each of its pages: one citation record, one CSL-JSON item per page.

The record is mkdocs.yml `extra.citation` (title, authors, version, release date, licence),
with the address from `site_url` (the environment's SITE_URL). From it and the page this
module makes, for every page: the CSL-JSON item, the same item formatted by citeproc-py in
the official APA, Chicago (author-date) and MLA styles, BibTeX, RIS, the `<head>` metadata
(Highwire, Dublin Core, Open Graph) and schema.org JSON-LD. CITATION.cff is made from the
same record (`cff`). Everything here is plain data; templates/citation/ lays it out, escaped.

Decisions (README, "Citing the site"):
- Authors: no personal names are known; the project is the organisational author.
- Date of a case page: the case's `last_reviewed`. Date of any other page: the release date
  of the version, or the newest `last_reviewed` of the cases if that is later (every other
  content page shows or counts the cases).
- No access date: the build date is not the reader's; readers add theirs where a style wants
  one, and a citation of the permanent link to a version needs none.
- First published: not recorded for any page (the site kept no per-page history before its
  first versioned release), and the pages say so.
- Address: a build without SITE_URL (a local address) is "not configured": its citations
  carry no URL and the box says so, rather than citing a local address.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

from .bibliography import CITATION_STYLES, format_citation
from .render import href
from .urls import DOWNLOADS, DOWNLOADS_PAGE, PAGES, url

LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"}
# The page kinds that get the "Cite this page" box; every page gets the <head> metadata.
CITABLE = (
    "argument",
    "concepts",
    "concept",
    "criteria",
    "cases",
    "case",
    "comparison",
    "sources",
    "perspectives",
)
TEMPLATES = ("citation/box.html", "citation/meta.html")
# The alias under which mike serves the newest release (mkdocs.yml, plugin `mike`).
LATEST_ALIAS = "latest"


@dataclass(frozen=True)
class Record:
    """The site's citation record (mkdocs.yml `extra.citation`) and where this build lives."""

    title: str
    authors: tuple[str, ...]  # organisational (literal) names
    version: str
    date_released: str  # YYYY-MM-DD
    licence: dict  # {"id", "name", "url"} for text and data
    code_licence: str  # SPDX id
    language: str
    abstract: str
    keywords: tuple[str, ...]
    root_url: str  # the site's root address, '' when not configured
    release: str = ""  # the version this build is a frozen release of (mike), or ''

    @property
    def configured(self) -> bool:
        return bool(self.root_url)


def site_address(site_url: str | None) -> str:
    """The site's root address with a trailing slash, or '' for none or a local address."""
    if not site_url:
        return ""
    host = (urlsplit(site_url).hostname or "").lower()
    if (
        host in LOCAL_HOSTS
        or host.endswith(".localhost")
        or urlsplit(site_url).scheme not in ("http", "https")
    ):
        return ""
    return site_url if site_url.endswith("/") else site_url + "/"


def record_from_config(extra: dict, site_url: str | None, release: str = "") -> Record:
    """The Record from mkdocs.yml's `extra.citation`, the configured site_url and, for a
    mike release build, the version being released (MIKE_DOCS_VERSION)."""
    c = extra["citation"]
    return Record(
        title=c["title"],
        authors=tuple(a["name"] for a in c["authors"]),
        version=str(c["version"]),
        date_released=str(c["date-released"]),
        licence=dict(c["license"]),
        code_licence=c["code-license"],
        language=c["language"],
        abstract=" ".join(c["abstract"].split()),
        keywords=tuple(c.get("keywords", ())),
        root_url=site_address(site_url),
        release=release if release == str(c["version"]) else "",
    )


def load_record(mkdocs_yml, site_url: str | None = None) -> Record:
    """The Record straight from mkdocs.yml (for CITATION.cff and the tests): `!ENV` tags
    take their default."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor(
        "!ENV",
        lambda loader, node: (
            loader.construct_sequence(node)[-1] if isinstance(node, yaml.SequenceNode) else None
        ),
    )
    Loader.add_multi_constructor(
        "tag:yaml.org,2002:python/name:", lambda loader, suffix, node: suffix
    )
    with open(mkdocs_yml, encoding="utf-8") as file:
        config = yaml.load(file, Loader=Loader)  # noqa: S506 (a SafeLoader subclass)
    return record_from_config(config["extra"], site_url)


# ----- one page -------------------------------------------------------------------------


def page_kind(page_url: str) -> tuple[str, str]:
    """(kind, id) of a site-relative page URL, ('', '') for a page of no kind in urls.py."""
    for kind, pattern in PAGES.items():
        if "{id}" in pattern:
            prefix = pattern.split("{id}")[0]
            rest = page_url[len(prefix) : -1] if page_url.startswith(prefix) else ""
            if rest and "/" not in rest and page_url == url(kind, rest):
                return kind, rest
        elif page_url == pattern:
            return kind, ""
    return ("data", "") if page_url == DOWNLOADS_PAGE else ("", "")


def revised_date(project, kind: str, entry_id: str, record: Record) -> str:
    """The date a page was last substantively revised (see the module's docstring)."""
    if kind == "case":
        return project.cases[entry_id]["last_reviewed"]
    newest = max((c["last_reviewed"] for c in project.cases.values()), default="")
    return max(record.date_released, newest)


def _slug(page_url: str) -> str:
    return page_url.strip("/").replace("/", "-") or "home"


def addresses(record: Record, page_url: str) -> dict:
    """{'current': URL of the page's newest version, 'permanent': URL of this version's copy}
    ('' where not known): a release build is served under its version and LATEST_ALIAS."""
    if not record.configured:
        return {"current": "", "permanent": ""}
    if record.release:
        return {
            "current": urljoin(record.root_url, f"{LATEST_ALIAS}/{page_url}"),
            "permanent": urljoin(record.root_url, f"{record.release}/{page_url}"),
        }
    return {"current": urljoin(record.root_url, page_url), "permanent": ""}


def csl_item(record: Record, page_url: str, title: str, revised: str, address: str) -> dict:
    """The page's CSL-JSON item (the record the styles, BibTeX and RIS are made from)."""
    item = {
        "id": f"iranrussia-{_slug(page_url)}",
        "type": "webpage",
        "title": title,
        "container-title": record.title,
        "author": [{"literal": name} for name in record.authors],
        "version": record.version,
        "issued": {"date-parts": [[int(p) for p in revised.split("-")]]},
        "language": record.language,
    }
    if address:
        item["URL"] = address
    return item


_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_~^])")
_CAPITALISED = re.compile(r"(?<![\w{])([A-Z][\w'’-]*)")


def _bibtex_text(value: str) -> str:
    def escape(match):
        ch = match.group(1)
        return {
            "\\": r"\textbackslash{}",
            "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}",
        }.get(ch, "\\" + ch)

    return _BIBTEX_SPECIAL.sub(escape, value)


def _bibtex_title(value: str) -> str:
    """Escaped, each capitalised word braced: the site's titles are in sentence case, so a
    capital marks a proper noun ({Russia}, {Iran}) that a style must not lowercase."""
    return _CAPITALISED.sub(r"{\1}", _bibtex_text(value))


def bibtex(item: dict) -> str:
    year, month, day = item["issued"]["date-parts"][0]
    fields = [
        ("author", " and ".join("{" + _bibtex_text(a["literal"]) + "}" for a in item["author"])),
        ("title", _bibtex_title(item["title"])),
        ("organization", "{" + _bibtex_text(item["container-title"]) + "}"),
        ("version", _bibtex_text(item["version"])),
        ("date", f"{year:04d}-{month:02d}-{day:02d}"),
        ("year", str(year)),
        ("langid", {"en": "english"}.get(item["language"], item["language"])),
    ]
    if "URL" in item:
        fields.append(("url", item["URL"]))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{item['id']},\n{body}\n}}\n"


def ris(item: dict) -> str:
    year, month, day = item["issued"]["date-parts"][0]
    lines = [("TY", "ELEC")]
    lines += [("AU", a["literal"]) for a in item["author"]]
    lines += [
        ("TI", item["title"]),
        ("T2", item["container-title"]),
        ("PY", str(year)),
        ("DA", f"{year:04d}/{month:02d}/{day:02d}/"),
        ("ET", item["version"]),
        ("LA", item["language"]),
    ]
    if "URL" in item:
        lines.append(("UR", item["URL"]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\n" for tag, value in lines)


def csl_json(item: dict) -> str:
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def _slashed(day: str) -> str:
    return day.replace("-", "/")


def head_meta(record: Record, item: dict, revised: str, description: str) -> list[dict]:
    """The <meta> tags: Highwire (citation_*), Dublin Core (DC.*), Open Graph (og:*)."""
    address = item.get("URL", "")
    tags = [("name", "citation_title", item["title"])]
    tags += [("name", "citation_author", a) for a in record.authors]
    tags += [
        ("name", "citation_publication_date", _slashed(revised)),
        ("name", "citation_online_date", _slashed(revised)),
        ("name", "citation_language", record.language),
        ("name", "DC.title", item["title"]),
        *[("name", "DC.creator", a) for a in record.authors],
        ("name", "DC.date", revised),
        ("name", "DC.type", "webpage"),
        ("name", "DC.format", "text/html"),
        ("name", "DC.language", record.language),
        ("name", "DC.relation.isPartOf", record.title),
        ("name", "DC.rights", record.licence["url"]),
        ("property", "og:type", "website"),
        ("property", "og:title", item["title"]),
        ("property", "og:site_name", record.title),
        ("property", "og:locale", "en_GB" if record.language == "en-GB" else "en_US"),
    ]
    if description:
        tags += [
            ("name", "DC.description", description),
            ("property", "og:description", description),
        ]
    if address:
        tags += [
            ("name", "citation_public_url", address),
            ("name", "DC.identifier", address),
            ("property", "og:url", address),
        ]
    return [{"attribute": a, "key": k, "content": v} for a, k, v in tags]


def json_ld(
    record: Record, kind: str, item: dict, revised: str, description: str, page_url: str, project
) -> dict:
    """schema.org: a DefinedTerm for a concept, a DefinedTermSet for the concepts, a Dataset
    for the downloads, an Article for every other page."""
    authors = [{"@type": "Organization", "name": a} for a in record.authors]
    website = {"@type": "WebSite", "name": record.title}
    if record.configured:
        website["url"] = record.root_url
    data = {
        "@context": "https://schema.org",
        "name": item["title"],
        "inLanguage": record.language,
        "license": record.licence["url"],
        "version": record.version,
        "dateModified": revised,
        "isPartOf": website,
    }
    if description:
        data["description"] = description
    if "URL" in item:
        data["url"] = item["URL"]

    address = item.get("URL", "")
    base = address[: len(address) - len(page_url)]  # the root of this version of the site

    def absolute(site_relative: str) -> dict:
        return {"url": base + site_relative} if address else {}

    if kind == "concept":
        data.update(
            {
                "@type": "DefinedTerm",
                "termCode": page_url.strip("/").split("/")[-1],
                "inDefinedTermSet": {
                    "@type": "DefinedTermSet",
                    "name": f"Concepts: {record.title}",
                },
            }
        )
        return data
    if kind == "concepts":
        data.update(
            {
                "@type": "DefinedTermSet",
                "hasDefinedTerm": [
                    {
                        "@type": "DefinedTerm",
                        "name": c["title"],
                        "termCode": cid,
                        **absolute(url("concept", cid)),
                    }
                    for cid, c in project.concepts.items()
                ],
            }
        )
        return data
    if kind == "data":
        formats = {
            "cases-json": "application/json",
            "cases-csv": "text/csv",
            "datapackage": "application/json",
        }
        data.update(
            {
                "@type": "Dataset",
                "creator": authors,
                "distribution": [
                    {
                        "@type": "DataDownload",
                        "encodingFormat": media,
                        "name": DOWNLOADS[name],
                        **{
                            ("contentUrl" if k == "url" else k): v
                            for k, v in absolute(DOWNLOADS[name]).items()
                        },
                    }
                    for name, media in formats.items()
                ],
            }
        )
        return data
    data.update({"@type": "Article", "headline": item["title"][:110], "author": authors})
    return data


def page_view(project, record: Record, page_url: str, title: str, description: str) -> dict:
    """Everything the cite box and the <head> metadata of one page show (plain data)."""
    kind, entry_id = page_kind(page_url)
    if kind == "case":
        title = project.cases[entry_id]["title"]
    elif kind == "concept":
        title = project.concepts[entry_id]["title"]
    elif kind == "home":
        title = record.title
    revised = revised_date(project, kind, entry_id, record)
    where = addresses(record, page_url)
    item = csl_item(record, page_url, title, revised, where["permanent"] or where["current"])
    styles = []
    for style, name in CITATION_STYLES.items():
        formatted, plain = format_citation(item, style)
        styles.append(
            {
                "id": style,
                "name": name,
                "html": formatted,
                "text": plain + "\n",
                "file": f"citation-{style}.txt",
            }
        )
    machine = [
        {"id": "bibtex", "name": "BibTeX", "text": bibtex(item), "file": "citation.bib"},
        {"id": "ris", "name": "RIS", "text": ris(item), "file": "citation.ris"},
        {"id": "csl-json", "name": "CSL-JSON", "text": csl_json(item), "file": "citation.json"},
    ]
    return {
        "kind": kind,
        "box": kind in CITABLE,
        "cite_href": href(page_url, url("cite")),
        "file_stem": item["id"],
        "record": record,
        "revised": revised,
        "first_published": "",  # not recorded: see the module's docstring
        "addresses": where,
        "item": item,
        "styles": styles,
        "machine": machine,
        "meta": head_meta(record, item, revised, description),
        "json_ld": json_ld(record, kind, item, revised, description, page_url, project),
    }


def download_files(view: dict) -> dict[str, str]:
    """{file name: text} of the citation downloads of a page with the box, written next to
    its index.html: 'citation.bib', 'citation.ris', 'citation.json', 'citation-apa.txt'..."""
    if not view["box"]:
        return {}
    return {f["file"]: f["text"] for f in view["styles"] + view["machine"]}


# ----- CITATION.cff -----------------------------------------------------------------------


def cff(record: Record) -> dict:
    """CITATION.cff (Citation File Format 1.2.0) for the whole site, from the record."""
    return {
        "cff-version": "1.2.0",
        "message": 'To cite this site or one of its pages, use the "Cite this page" box on '
        "the page or see the Cite page of the site.",
        "type": "dataset",
        "title": record.title,
        "abstract": record.abstract,
        "authors": [{"name": a} for a in record.authors],
        "version": record.version,
        "date-released": date.fromisoformat(record.date_released),
        "license": [record.licence["id"], record.code_licence],
        "keywords": list(record.keywords),
    }


def cff_text(record: Record) -> str:
    return (
        "# Generated from mkdocs.yml `extra.citation` by `python -m macros cff`; "
        "tests/test_citation.py checks it.\n"
        + yaml.safe_dump(cff(record), allow_unicode=True, sort_keys=False, width=100)
    )


ROOT = Path(__file__).resolve().parent.parent
CFF_FILE = ROOT / "CITATION.cff"


def cff_main(argv: list[str]) -> int:
    """`python -m macros cff`: write CITATION.cff; with --check, fail if it is out of date."""
    text = cff_text(load_record(ROOT / "mkdocs.yml"))
    current = CFF_FILE.read_text(encoding="utf-8") if CFF_FILE.exists() else ""
    if argv[:1] == ["--check"]:
        if current != text:
            sys.stderr.write(
                "CITATION.cff does not match mkdocs.yml extra.citation: run python -m macros cff\n"
            )
            return 1
        return 0
    CFF_FILE.write_text(text, encoding="utf-8")
    sys.stdout.write("wrote CITATION.cff\n")
    return 0

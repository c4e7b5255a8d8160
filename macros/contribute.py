"""The contributor's pages: /contribute/ (CONTRIBUTING.md plus the coding rules read from
data/criteria/), /contribute/schema/ (the field reference) and the list of downloads on /data/.

View data is computed here; templates/*.html lay it out through the core's Jinja environment
(templates.py). Headings are written with render.heading markers
and the result goes through render.page_markdown, as every data-driven page part does, so
headings reach the table of contents. Plain Python; no MkDocs.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from . import exports, fieldref
from .model import Project
from .render import href, page_markdown
from .templates import markdown, render_template
from .urls import download, url

ROOT = Path(__file__).resolve().parent.parent
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
# In CONTRIBUTING.md, this comment is where the site shows the coding rules read from data.
CODING_RULES_MARKER = "<!-- site: coding rules from data/criteria/ -->"
# The macros of the contributor's pages, and the templates they use.
MACROS = ("field_reference", "contributing", "data_downloads")
TEMPLATES = (
    "contribute/field_reference.html",
    "contribute/coding_rules.html",
    "contribute/downloads.html",
)

# ----- /contribute/schema/ -----------------------------------------------------------------


def field_reference(project: Project | None) -> str:
    """The field reference as page Markdown (headings for the table of contents)."""
    return page_markdown(
        render_template("contribute/field_reference.html", kinds=fieldref.reference(project))
    )


# ----- /contribute/: coding rules from data -----------------------------------------------


def coding_rules_view(here: str, project: Project) -> list[dict]:
    criteria = []
    for criterion_id, criterion in project.criteria.items():
        values = []
        for value in criterion["values"]:
            cases = [
                {"href": href(here, url("case", cid)), "label": c["short_title"]}
                for cid, c in project.cases.items()
                if c.get("coding", {}).get(criterion_id, {}).get("value") == value["id"]
            ]
            concepts = [
                c["title"]
                for c in project.concepts.values()
                if c["profile"].get(criterion_id) == value["id"]
            ]
            values.append(
                {
                    "id": value["id"],
                    "label": value["label"],
                    "description": markdown(value["description"]),
                    "cases": cases,
                    "concepts": concepts,
                }
            )
        criteria.append(
            {
                "id": criterion_id,
                "title": criterion["title"],
                "question": criterion["question"],
                "href": href(here, url("criteria"), criterion_id),
                "values": values,
            }
        )
    return criteria


def coding_rules(here: str, project: Project) -> str:
    return page_markdown(
        render_template("contribute/coding_rules.html", criteria=coding_rules_view(here, project))
    )


_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


def _site_link(match: re.Match, page_dir: str) -> str:
    """A link of CONTRIBUTING.md, made to work on the site: docs/ pages become relative
    links; any other file of the repository is named in code, since the site has no copy."""
    label, target = match.group(1), match.group(2)
    if re.match(r"^(https?:|mailto:|#)", target):
        return match.group(0)
    path, _, anchor = target.partition("#")
    if path.startswith("docs/"):
        rel = posixpath.relpath(path[len("docs/") :], page_dir)
        return f"[{label}]({rel}{'#' + anchor if anchor else ''})"
    if label.strip("`") == path:
        return f"`{path}`"
    return f"{label} (`{path}`)"


def contributing_page(here: str, project: Project, page_dir: str = "contribute") -> str:
    """CONTRIBUTING.md, the one text for GitHub and for /contribute/, with its links made to
    work on the site and the coding rules rendered from data where the marker stands."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    if CODING_RULES_MARKER not in text:
        raise ValueError(f"CONTRIBUTING.md lost its marker {CODING_RULES_MARKER!r}")
    before, after = text.split(CODING_RULES_MARKER, 1)
    fix = lambda part: _LINK.sub(lambda m: _site_link(m, page_dir), part)  # noqa: E731
    return fix(before) + "\n" + coding_rules(here, project) + "\n" + fix(after)


# ----- /data/ -------------------------------------------------------------------------------


def downloads(here: str, project: Project) -> str:
    home = href(here, url("home"))
    cases = [
        {"href": home + path, "label": project.cases[case_id]["short_title"], "path": "/" + path}
        for case_id in project.cases
        for path in [download("case-json", case_id)]
    ]
    schemas = [
        {"href": home + path, "path": "/" + path}
        for path in sorted(exports.exports(project))
        if path.startswith(download("schema").rsplit("/", 1)[0])
    ]
    return page_markdown(
        render_template(
            "contribute/downloads.html",
            cases=cases,
            schemas=schemas,
            version=exports.SCHEMA_VERSION,
            changes=exports.EXPORT_CHANGES,
            columns=exports.csv_columns(project),
        )
    )

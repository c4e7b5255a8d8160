"""One loaded, checked Site per data directory and content version, shared by all glue."""
from __future__ import annotations

from pathlib import Path

import yaml

from .model import DATA_DIR, load_project
from .pages import Site
from .render import page_markdown, text

_cache: dict[tuple, Site] = {}


def _fingerprint(data_dir: Path) -> tuple:
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                        for p in data_dir.rglob("*") if p.is_file()))


def get_site(data_dir: Path = DATA_DIR) -> Site:
    """Load (or reuse) the site for data_dir; raises DataError on invalid data."""
    key = (str(data_dir), _fingerprint(data_dir))
    if key not in _cache:
        _cache.clear()
        _cache[key] = Site(load_project(data_dir))
    return _cache[key]


def front_matter(fields: dict) -> str:
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\n\n"


def generated_pages(site: Site) -> dict[str, str]:
    """{docs-relative path: Markdown} for every page made from data files."""
    pages = {}
    for case_id, case in site.p.cases.items():
        meta = {"title": text(case["short_title"]), "render_macros": False,
                "description": text(case["title"])}
        pages[f"cases/{case_id}.md"] = front_matter(meta) + page_markdown(site.case_page(case_id))
    for concept_id, concept in site.p.concepts.items():
        meta = {"title": text(concept["title"]), "render_macros": False,
                "description": text(concept["summary"][:300])}
        pages[f"concepts/{concept_id}.md"] = front_matter(meta) + page_markdown(site.concept_page(concept_id))
    return pages

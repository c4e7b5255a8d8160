"""mkdocs-macros glue: registers the page-building functions as macros. Keep it thin."""
from __future__ import annotations

from .errors import DataError
from .render import page_markdown
from .site import get_site


def site_or_abort():
    """The loaded site, or a clean MkDocs abort listing every data problem (no traceback)."""
    try:
        return get_site()
    except DataError as error:
        from mkdocs.exceptions import Abort

        raise Abort("Invalid data, nothing was built:\n" + error.report()) from None


def define_env(env):
    def here() -> str:
        return env.page.url if env.page is not None else ""

    def register(name, method):
        def macro():
            html = method(here())
            if not html.strip():  # an empty table is a bug to report, not a page to publish
                raise ValueError(f"{name}() produced nothing: is its part of data/ empty?")
            return page_markdown(html)

        env.macro(macro, name)

    site = site_or_abort()
    for name in ("comparison_table", "concepts_side_by_side", "cases_index", "concept_index",
                 "criteria_section", "bibliography", "argument"):
        register(name, getattr(site, name))

    @env.macro
    def reference(source_id: str) -> str:
        """One formatted reference with its link, e.g. for the essay on the About page."""
        if source_id not in site.p.sources:
            raise KeyError(f"reference(): no source {source_id!r} in data/sources/")
        return page_markdown(site.reference_block(here(), source_id))

    env.variables["counts"] = {
        "cases": len(site.p.cases), "concepts": len(site.p.concepts),
        "criteria": len(site.p.criteria), "sources": len(site.p.sources),
        "claims": len(site.p.argument["claims"]),
    }

    # Issue 11 (contributing): the contributor's pages. To move into the merged glue module.
    from .contribute import contributing_page, downloads, field_reference

    env.macro(lambda: field_reference(site.p), "field_reference")
    env.macro(lambda: contributing_page(here(), site.p), "contributing")
    env.macro(lambda: downloads(here(), site.p), "data_downloads")

"""The one module that knows about MkDocs: the macros for hand-written pages (through
mkdocs-macros, which calls `define_env`) and the hooks (mkdocs.yml `hooks:`) that add the
pages generated from data and put held HTML back after the Markdown step.

Data is loaded and checked in `on_config`, before anything is written, so invalid data stops
the build with every problem listed and no traceback. This module is loaded twice, once as
the hook file and once as `macros.mkdocs_glue`, so it keeps no state of its own: the loaded
site is cached in view.py, held HTML in render.py.
"""

from __future__ import annotations

import copy
import logging
import os
from html import unescape
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from macros import bibliography, citation, contribute, glossary, publish
from macros.derive import counts
from macros.errors import DataError
from macros.exports import exports
from macros.render import anchor_ids, forget_held, release
from macros.templates import (
    bytecode_cache,
    date_text,
    number_word,
    reload_templates,
    render_template,
)
from macros.view import get_site

# mkdocs-macros logs its start-up (modules, variables, macros found) at INFO on every build,
# whatever its `verbose` setting; only its warnings and errors matter here.
logging.getLogger("mkdocs.plugins.mkdocs_macros.util").setLevel(logging.WARNING)


def site_or_abort(recheck: bool = False):
    """The loaded site, or a clean MkDocs abort listing every data problem (no traceback).
    The data files are looked at again only when `recheck` is set: once per build, in
    on_config (`mkdocs serve` loads the configuration again before each rebuild)."""
    try:
        return get_site(recheck=recheck)
    except DataError as error:
        raise Abort("Invalid data, nothing was built:\n" + error.report()) from None


# ----- mkdocs-macros: the parts of hand-written pages, and the variables they use --------


def define_env(env):
    site = site_or_abort()

    def here() -> str:
        return env.page.url if env.page is not None else ""

    def register(name):
        def macro(*args):
            return publish.part(site, name, here(), *args)

        env.macro(macro, name)

    for name in publish.PARTS:
        register(name)
    env.filter(number_word)
    env.filter(date_text)
    env.variables["counts"] = counts(site.p)
    # The essay's own address (data/sources/essay.yml), for the home page's link to it.
    env.variables["essay_url"] = site.p.sources["essay"].get("url", "")
    # The contributor's pages (contribute.py): the guide, the field reference, the downloads.
    env.macro(lambda: contribute.field_reference(site.p), contribute.MACROS[0])
    env.macro(lambda: contribute.contributing_page(here(), site.p), contribute.MACROS[1])
    env.macro(lambda: contribute.downloads(here(), site.p), contribute.MACROS[2])


# ----- MkDocs hooks ---------------------------------------------------------------------------


@event_priority(100)  # before mike's on_config, which moves site_url to the /latest/ alias
def on_config(config):
    site_or_abort(recheck=True)
    # The citation record (citation.py) is read once, with the site's root address as
    # configured and, when mike builds a release, the version it releases.
    release = os.environ.get("MIKE_DOCS_VERSION", "")
    record = citation.record_from_config(config.extra, config.site_url, release)
    if release and release != record.version:
        raise Abort(
            f"mike is releasing {release!r} but mkdocs.yml extra.citation.version is "
            f"{record.version!r}: release the version the citations name"
        )
    if os.environ.get("REQUIRE_SITE_URL") and not record.configured:
        raise Abort(
            f"REQUIRE_SITE_URL is set but site_url is {config.site_url!r}, a local or "
            "missing address: set SITE_URL to the site's published address"
        )
    config.extra["citation_record"] = record
    # Material's version selector fetches mike's versions.json, which only a deployment made
    # with mike has: a plain build would request a file that does not exist.
    if not release:
        config.extra.pop("version", None)
    return config


def on_startup(command, dirty):
    if command == "serve":
        _remember_search_entries()


def _remember_search_entries():
    """While `mkdocs serve` runs, a page whose HTML, title and contents are unchanged since
    the last rebuild gets the search entries it had then, instead of having its HTML parsed
    again by Material's search plugin (a quarter of a rebuild after an edit to one case file).
    The entries are copied, so the index written is the same as without this."""
    try:
        from material.plugins.search.plugin import SearchIndex
    except ImportError:  # not Material's search plugin: nothing to speed up
        return
    if hasattr(SearchIndex, "ir_remembered"):
        return  # installed already (this module is loaded once per configuration load)
    index_page = SearchIndex.add_entry_from_context
    remembered: dict[str, tuple[tuple, list[dict]]] = {}  # by page: what it was, its entries

    def add_entry_from_context(self, page):
        seen = (
            page.title,
            str(page.toc),
            repr(page.meta.get("title")),
            repr(page.meta.get("search")),
            repr(page.meta.get("tags")),
            page.content,
        )
        last = remembered.get(page.url)
        if last is None or last[0] != seen:
            first = len(self.entries)
            index_page(self, page)
            last = remembered[page.url] = (seen, copy.deepcopy(self.entries[first:]))
        else:
            self.entries.extend(copy.deepcopy(last[1]))

    SearchIndex.add_entry_from_context = add_entry_from_context
    SearchIndex.ir_remembered = remembered


def on_pre_build(config):
    forget_held()
    reload_templates()


def on_env(env, config, files):
    # MkDocs makes the theme's environment afresh for every build (every `mkdocs serve`
    # rebuild too): without a cache each one compiles the theme's templates again.
    env.bytecode_cache = bytecode_cache()
    return env


def on_files(files, config):
    for path, content in publish.generated_pages(site_or_abort()).items():
        if files.get_file_from_path(path) is not None:
            raise Abort(f"docs/{path} would be overwritten by a generated page; remove it")
        files.append(File.generated(config, path, content=content))
    for path, content in exports(site_or_abort().p).items():  # the downloads under /data/
        files.append(File.generated(config, path, content=content))
    return files


def on_page_context(context, page, config, nav):
    # The <head> metadata and the "Cite this page" box, laid out by the core's own templates
    # (escaped there) and placed by overrides/main.html.
    view = citation.page_view(
        site_or_abort().p,
        config.extra["citation_record"],
        page.url,
        unescape(page.title or ""),
        unescape(page.meta.get("description", "")),
    )
    context["cite_meta"] = render_template("citation/meta.html", cite=view)
    context["cite_box"] = render_template("citation/box.html", cite=view)
    folder = Path(config.site_dir) / page.url
    for name, text in citation.download_files(view).items():  # the box's downloads
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return context


def on_page_content(html, page, config, files):
    # Data-derived HTML was held out of the Markdown step (see render.page_markdown). Its ids
    # were not seen by MkDocs' anchor check then, so they are added now: links such as
    # about.md -> argument.md#<objection id> are checked like any other.
    released = release(html, forget=True)
    if released != html and page.present_anchor_ids is not None:
        page.present_anchor_ids |= anchor_ids(released)
    # Glossary terms: the first mention of a concept or criterion in each section shows its
    # short definition on hover, focus or tap (macros/glossary.py, javascripts/glossary.js).
    return glossary.mark(released, page.url, site_or_abort().glossary)


def on_post_build(config):
    # Once per build, not once per formatted reference; a whole build looks up every source.
    bibliography.save_cache(only_used=True)

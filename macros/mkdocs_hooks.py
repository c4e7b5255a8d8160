"""MkDocs hook: add the pages generated from data (case and concept pages).

Data is loaded and validated before this runs (by the macros plugin's on_config, through
glue.site_or_abort), so an invalid data file stops the build before anything is written.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mkdocs.exceptions import Abort  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from macros.glue import site_or_abort  # noqa: E402
from macros.render import anchor_ids, forget_held, release  # noqa: E402
from macros.site import generated_pages  # noqa: E402


def on_config(config):
    site_or_abort()
    return config


def on_pre_build(config):
    forget_held()


def on_page_content(html, page, config, files):
    # Data-derived HTML was held out of the Markdown step (see render.page_markdown); its
    # anchors are added to those MkDocs found, so that links to them are still validated.
    html = release(html)
    if page.present_anchor_ids is not None:
        page.present_anchor_ids |= anchor_ids(html)
    return html


def on_files(files, config):
    for path, content in generated_pages(site_or_abort()).items():
        if files.get_file_from_path(path) is not None:
            raise Abort(f"docs/{path} would be overwritten by a generated page; remove it")
        files.append(File.generated(config, path, content=content))
    from macros.exports import exports  # issue 11: the data downloads under /data/
    for path, content in exports(site_or_abort().p).items():
        files.append(File.generated(config, path, content=content))
    return files

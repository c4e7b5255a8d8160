"""The bibliography reads as a reference list should: no title or site name printed twice, no
doubled punctuation, short labels cut at a word."""

from __future__ import annotations

import html
import json
import re

import pytest

from macros.bibliography import format_references, short_cite


def plain(reference: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", reference))


@pytest.mark.slow  # formats all the real sources
def test_no_reference_repeats_its_title_or_its_author(project):
    for source_id, reference in format_references(project.sources).items():
        text = plain(reference)
        title = project.sources[source_id]["title"]
        assert text.count(title) <= 1, text
        lead = text.split(". (", 1)[0]
        assert not re.search(rf" {re.escape(lead)}\.(?: |$)", text), text


def test_an_authorless_news_item_is_cited_by_title_once():
    item = {
        "type": "article-newspaper",
        "title": "Why is there a war?",
        "container-title": "Daily Test",
        "issued": "2018-02-28",
        "url": "https://example.org/a",
    }
    [reference] = format_references({"a": item}).values()
    assert plain(reference) == (
        "Why is there a war? (2018, February 28). Daily Test. https://example.org/a"
    )


def test_a_site_named_as_author_is_not_repeated_and_punctuation_is_not_doubled():
    item = {
        "type": "webpage",
        "title": "Alliance or Cooperation?",
        "container-title": "Club",
        "publisher": "Club",
        "url": "https://example.org/e",
    }
    [reference] = format_references({"e": item}).values()
    assert plain(reference) == "Club. (n.d.). Alliance or Cooperation? https://example.org/e"


def test_long_organisation_labels_are_cut_at_a_word():
    source = {
        "title": "T",
        "issued": "1997",
        "author": [
            {"literal": "Government of the Republic of Tajikistan and United Tajik Opposition"}
        ],
    }
    assert short_cite(source) == "Government of the Republic of Tajikistan and United Tajik… 1997"


def _item(title: str) -> dict:
    return {"type": "webpage", "title": title, "issued": "2020", "url": "https://example.org/"}


def test_formatted_references_are_saved_once_and_a_whole_build_keeps_only_what_it_used(
    tmp_path, monkeypatch
):
    from macros import bibliography

    cache_file = tmp_path / ".cache" / "references.json"
    monkeypatch.setattr(bibliography, "CACHE_FILE", cache_file)
    monkeypatch.setattr(bibliography, "_cache", {})
    monkeypatch.setattr(bibliography, "_used", set())
    monkeypatch.setattr(bibliography, "_formatted", False)
    format_references({"a": _item("First"), "b": _item("Second")})
    assert not cache_file.exists()  # formatting a few references writes nothing by itself
    bibliography.save_cache(only_used=False)
    assert len(json.loads(cache_file.read_text())) == 2
    format_references({"c": _item("Third")})  # a partial view (a test, a tool) keeps all
    bibliography.save_cache(only_used=False)
    assert len(json.loads(cache_file.read_text())) == 3
    format_references({"a": _item("First changed"), "c": _item("Third")})
    bibliography.save_cache(only_used=True)  # a whole build: what it looked up, nothing stale
    saved = json.loads(cache_file.read_text())
    assert len(saved) == 2 and any("First changed" in v for v in saved.values())
    format_references({"a": _item("First changed")})
    cache_file.unlink()
    bibliography.save_cache(only_used=True)
    assert not cache_file.exists()  # nothing formatted since the last save: nothing written

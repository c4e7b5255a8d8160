"""The argument map on /argument/ (view: Site.argument_map, geometry: macros/argmap.py).

Fast: the map is rendered from the real data and from the minimal fixture and read back
with the standard library's HTML parser; no MkDocs, no browser (see
test_argument_map_browser.py for those).
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

from macros import argmap, publish
from macros.model import load_project
from macros.render import release
from macros.urls import url
from macros.view import Site


class _Map(HTMLParser):
    """Per drawing (wide, narrow): its claim nodes, objection markers and edges."""

    def __init__(self):
        super().__init__()
        self.drawings: dict[str, dict[str, list]] = {}
        self.current = None
        self.list_links: list[str] = []
        self.in_list = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "svg" and "ir-map-svg" in classes:
            shape = next(c.rsplit("--", 1)[1] for c in classes if c.startswith("ir-map-svg--"))
            self.current = self.drawings.setdefault(
                shape, {"nodes": [], "objections": [], "supports": [], "objection_edges": []}
            )
        elif self.current is not None and tag == "a" and "ir-map-node" in classes:
            self.current["nodes"].append((a["data-claim"], a["href"], a["aria-label"]))
        elif self.current is not None and tag == "a" and "ir-map-objection" in classes:
            self.current["objections"].append((a["data-objection"], a["href"]))
        elif self.current is not None and tag == "path" and "ir-map-edge--support" in classes:
            self.current["supports"].append((a["data-from"], a["data-to"]))
        elif self.current is not None and tag == "path" and "ir-map-edge--objection" in classes:
            self.current["objection_edges"].append((a["data-from"], a["data-to"]))
        elif tag == "details" and "ir-map-list" in classes:
            self.in_list = True
        elif self.in_list and tag == "a":
            self.list_links.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "svg":
            self.current = None
        elif tag == "details":
            self.in_list = False


def read_map(site: Site) -> tuple[_Map, str]:
    html = release(publish.part(site, "argument_map", url("argument")))
    parsed = _Map()
    parsed.feed(html)
    return parsed, html


def relations(project):
    claims = project.argument["claims"]
    supports = Counter((c["id"], t) for c in claims for t in c.get("supports", []))
    objections = Counter((o["id"], c["id"]) for c in claims for o in c.get("objections", []))
    return claims, supports, objections


@pytest.fixture(scope="module")
def real_map(site):
    return read_map(site)


@pytest.mark.parametrize("shape", ["wide", "narrow"])
def test_one_node_per_claim_and_one_edge_per_relation(real_map, project, shape):
    parsed, _ = real_map
    drawing = parsed.drawings[shape]
    claims, supports, objections = relations(project)
    assert [n[0] for n in drawing["nodes"]] == [c["id"] for c in claims]  # essay order: tab order
    assert Counter(drawing["supports"]) == supports
    assert Counter(drawing["objection_edges"]) == objections
    assert [o[0] for o in drawing["objections"]] == [
        o["id"] for c in claims for o in c.get("objections", [])
    ]
    assert sum(supports.values()) >= len(claims) - 2  # the data does relate the claims


@pytest.mark.parametrize("shape", ["wide", "narrow"])
def test_nodes_link_to_their_claims_and_objections(real_map, project, shape):
    parsed, _ = real_map
    drawing = parsed.drawings[shape]
    for claim_id, href, label in drawing["nodes"]:
        assert href == f"./#{claim_id}"
        assert label.startswith("Claim ")
    assert all(href == f"./#{oid}" for oid, href in drawing["objections"])


def test_every_claim_is_in_one_layer_below_the_claims_supporting_it(project):
    claims, _, _ = relations(project)
    shapes = [argmap.Claim(c["id"], "", c["id"], c.get("supports", []), []) for c in claims]
    rows = argmap.layers(shapes)
    level = {cid: n for n, row in enumerate(rows) for cid in row}
    assert sorted(level) == sorted(c["id"] for c in claims)
    assert sum(len(r) for r in rows) == len(claims)
    assert all(len(r) <= argmap.MAX_PER_LAYER for r in rows)
    for c in claims:
        for target in c.get("supports", []):
            assert level[c["id"]] < level[target]


@pytest.mark.parametrize("shape", ["wide", "narrow"])
def test_boxes_stay_inside_the_drawing_and_do_not_overlap(site, shape):
    layout = site.argument_map(url("argument"))[shape]
    boxes = layout.boxes
    for b in boxes:
        assert b.x >= 0 and b.x + b.w <= layout.width
        assert b.y >= 0 and b.bottom <= layout.height
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a.x + a.w <= b.x or b.x + b.w <= a.x or a.bottom <= b.y or b.bottom <= a.y
            assert apart, (a.id, b.id)
    # Arrows point down the page: a claim is drawn below the claims that support it.
    top = {b.id: b.y for b in boxes}
    for source, target, _ in layout.supports:
        assert top[source] < top[target]


def test_the_list_says_the_same_as_the_map(real_map, project):
    parsed, html = real_map
    claims, supports, objections = relations(project)
    hrefs = Counter(parsed.list_links)
    for c in claims:
        # once as the claim, once for each claim it supports and each that supports it
        expected = 1 + sum(n for (a, b), n in supports.items() if c["id"] in (a, b))
        assert hrefs[f"./#{c['id']}"] == expected, c["id"]
    for oid, _ in objections:
        assert hrefs[f"./#{oid}"] == 1
    assert html.count("(answered by this site)") + html.count("(answered by the essay)") == sum(
        objections.values()
    )


def test_map_of_one_claim_without_supports(minimal_data):
    parsed, html = read_map(Site(load_project(minimal_data)))
    for drawing in parsed.drawings.values():
        assert [n[0] for n in drawing["nodes"]] == ["first-claim"]
        assert drawing["supports"] == []
        assert drawing["objection_edges"] == [("first-objection", "first-claim")]
    assert "Supports:" not in html


def test_titles_are_escaped_text(minimal_data):
    path = minimal_data / "argument.yml"
    path.write_text(
        path.read_text().replace(
            "kind: definition", "title: '<script>alert(1)</script> & \"Q\"'\n    kind: definition"
        )
    )
    parsed, html = read_map(Site(load_project(minimal_data)))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp; &#34;Q&#34;" in html or "&amp; &quot;Q&quot;" in html


def test_two_claims_map_with_an_arrow_between_them(minimal_data):
    path = minimal_data / "argument.yml"
    path.write_text(
        path.read_text().replace(
            "    sources: [test-book]\n    objections:",
            "    supports: [second-claim]\n    sources: [test-book]\n    objections:",
            1,
        )
        + '  - id: second-claim\n    kind: conclusion\n    statement: "So."\n'
        "    sources: [test-book]\n"
    )
    parsed, html = read_map(Site(load_project(minimal_data)))
    for drawing in parsed.drawings.values():
        assert drawing["supports"] == [("first-claim", "second-claim")]
    assert "Supported by:" in html

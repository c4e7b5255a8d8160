"""The argument map's geometry: where each claim, objection and arrow goes.

Plain Python, no HTML: `layout` takes the claims (id, a few lines of label, the claims each
supports, its objections) and returns boxes and paths in SVG user units, which the template
(templates/parts/argument_map.html) draws. Two shapes from one layering:

- `wide`: layers by dependency depth, top to bottom (a claim sits below every claim that
  supports it), ordered within each layer to limit crossings (barycentre sweeps over the
  layers, with a waypoint in each layer a long arrow passes through);
- `narrow`, for a phone: the same layers one claim under another, each arrow running down a
  lane at the left; the arrows into one claim share its lane.

Text widths are estimated, not measured: `CHAR_EM` is wider than the average character of
the system fonts the site uses, so a wrapped line fits its box (a browser test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

CHAR_EM = 0.52  # estimated width of one character, in em (generous on purpose)
TITLE_SIZE = 13  # px: a claim's title
META_SIZE = 11  # px: "7 · Premise"
LINE = 16  # px between title lines
PAD = 8  # inside a box
PILL_W, PILL_H, PILL_GAP, PILL_DROP = 40, 18, 4, 10  # an objection's marker under its claim
H_GAP = 22  # between boxes of one layer
WAYPOINT_W = 10  # the room a long arrow takes in a layer it passes through
V_GAP = 46  # between layers (room for the arrows)
LANE = 9  # between two lanes of the narrow layout
MAX_PER_LAYER = 3  # claims in one layer of the wide layout


@dataclass
class Claim:
    id: str
    meta: str  # "7 · Premise"
    title: str
    supports: list[str]
    objections: list[str]  # the responder of each objection, e.g. ["site", "essay"]


@dataclass
class Box:
    id: str
    x: float
    y: float
    w: float
    h: float
    lines: list[str]  # the title, wrapped
    pills: list[tuple[float, float]] = field(default_factory=list)  # (x, y) of each objection

    @property
    def bottom(self) -> float:  # below the objection markers too
        return self.y + self.h + (PILL_DROP + PILL_H if self.pills else 0)


@dataclass
class Layout:
    width: float
    height: float
    boxes: list[Box]
    supports: list[tuple[str, str, str]]  # (from, to, SVG path)
    objections: list[tuple[str, int, str]]  # (claim, index, SVG path)
    junctions: list[tuple[float, float]] = field(default_factory=list)  # narrow: lane joins


def wrap(text: str, width: float, size: float = TITLE_SIZE) -> list[str]:
    """`text` in lines of at most `width` px (estimated); a word longer than that stands alone."""
    most = max(1, int(width / (size * CHAR_EM)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def layers(claims: list[Claim], limit: int = MAX_PER_LAYER) -> list[list[str]]:
    """Claims by dependency depth, top to bottom. Each claim goes as low as it can: one layer
    above the highest claim it supports (conclusions at the bottom); a full layer (`limit`
    claims) sends it one higher. The data check has refused loops."""
    order = [c.id for c in claims]
    supports = {c.id: c.supports for c in claims}
    supporters: dict[str, list[str]] = {i: [] for i in order}
    for c in claims:
        for target in c.supports:
            supporters[target].append(c.id)
    # Claims that support nothing first, then each claim once everything it supports is placed,
    # later claims of the essay first.
    height: dict[str, int] = {}
    filled: dict[int, int] = {}
    pending = list(reversed(order))
    while pending:
        ready = next(i for i in pending if all(t in height for t in supports[i]))
        pending.remove(ready)
        h = 1 + max((height[t] for t in supports[ready]), default=-1)
        while filled.get(h, 0) >= limit:
            h += 1
        height[ready] = h
        filled[h] = filled.get(h, 0) + 1
    top = max(height.values())
    return [[i for i in order if height[i] == top - n] for n in range(top + 1)]


def _order(rows: list[list[str]], edges: list[tuple[str, str]]) -> list[list[str]]:
    """Rows (with waypoints) reordered to cross less: barycentre sweeps down and up, keeping
    the order with the fewest crossings seen."""
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for a, b in edges:
        down.setdefault(a, []).append(b)
        up.setdefault(b, []).append(a)

    def crossings(rs):
        total = 0
        for r1, r2 in pairwise(rs):
            pos = {n: i for i, n in enumerate(r2)}
            links = [(i, pos[b]) for i, a in enumerate(r1) for b in down.get(a, ()) if b in pos]
            total += sum(
                1
                for k, (a1, b1) in enumerate(links)
                for a2, b2 in links[k + 1 :]
                if (a1 - a2) * (b1 - b2) < 0
            )
        return total

    best, best_score = [list(r) for r in rows], crossings(rows)
    current = [list(r) for r in rows]
    for sweep in range(8):
        downward = sweep % 2 == 0
        indices = range(1, len(current)) if downward else range(len(current) - 2, -1, -1)
        for n in indices:
            ref = current[n - 1] if downward else current[n + 1]
            pos = {x: i for i, x in enumerate(ref)}
            near = up if downward else down
            keyed = []
            for i, node in enumerate(current[n]):
                linked = [pos[m] for m in near.get(node, ()) if m in pos]
                keyed.append((sum(linked) / len(linked) if linked else i, i, node))
            current[n] = [node for _, _, node in sorted(keyed)]
        score = crossings(current)
        if score < best_score:
            best, best_score = [list(r) for r in current], score
    return best


def _curve(x0, y0, x1, y1) -> str:
    mid = (y0 + y1) / 2
    return f"C{x0:.1f},{mid:.1f} {x1:.1f},{mid:.1f} {x1:.1f},{y1:.1f}"


def _box(claim: Claim, x: float, y: float, w: float) -> Box:
    lines = wrap(claim.title, w - 2 * PAD)
    h = PAD + META_SIZE + 4 + LINE * len(lines) + PAD - 2
    box = Box(claim.id, x, y, w, h, lines)
    for k in range(len(claim.objections)):  # right-aligned under the box
        px = x + w - (len(claim.objections) - k) * (PILL_W + PILL_GAP) + PILL_GAP
        box.pills.append((px, y + h + PILL_DROP))
    return box


def _objection_paths(box: Box) -> list[tuple[str, int, str]]:
    return [
        (box.id, k, f"M{px + PILL_W / 2:.1f},{box.y + box.h:.1f}V{py:.1f}")
        for k, (px, py) in enumerate(box.pills)
    ]


def wide(claims: list[Claim], node_w: float = 190, limit: int = MAX_PER_LAYER) -> Layout:
    by_id = {c.id: c for c in claims}
    rows = layers(claims, limit)
    level = {cid: n for n, row in enumerate(rows) for cid in row}
    # A long arrow gets a waypoint in each layer it passes through.
    chains: dict[tuple[str, str], list[str]] = {}
    edges: list[tuple[str, str]] = []
    for c in claims:
        for target in c.supports:
            chain = [c.id]
            for n in range(level[c.id] + 1, level[target]):
                waypoint = f"{c.id}>{target}@{n}"
                rows[n].append(waypoint)
                chain.append(waypoint)
            chain.append(target)
            chains[(c.id, target)] = chain
            edges += list(pairwise(chain))
    rows = _order(rows, edges)
    widths = [
        sum(node_w if n in by_id else WAYPOINT_W for n in row) + H_GAP * (len(row) - 1)
        for row in rows
    ]
    width = max(widths)
    boxes: dict[str, Box] = {}
    points: dict[str, float] = {}  # waypoint: x
    layer_top: list[float] = []
    layer_bottom: list[float] = []
    y = 2.0
    for row, row_w in zip(rows, widths, strict=True):
        x = (width - row_w) / 2
        for n in row:
            if n in by_id:
                boxes[n] = _box(by_id[n], x, y, node_w)
                x += node_w + H_GAP
            else:
                points[n] = x + WAYPOINT_W / 2
                x += WAYPOINT_W + H_GAP
        layer_top.append(y)
        bottom = max((boxes[n].bottom for n in row if n in boxes), default=y)
        layer_bottom.append(bottom)
        y = bottom + V_GAP
    # Where arrows leave (left part of the box: the objection markers hang on the right) and
    # arrive (spread along the top, in the order of where they come from).
    incoming: dict[str, list[tuple[float, tuple[str, str]]]] = {}
    for (a, b), chain in chains.items():
        before = chain[-2]
        incoming.setdefault(b, []).append(
            (boxes[before].x if before in boxes else points[before], (a, b))
        )
    arrive: dict[tuple[str, str], float] = {}
    for b, froms in incoming.items():
        froms.sort()
        box = boxes[b]
        for k, (_, key) in enumerate(froms):
            arrive[key] = box.x + box.w * (k + 1) / (len(froms) + 1)
    supports = []
    for (a, b), chain in chains.items():
        src = boxes[a]
        x0, y0 = src.x + min(28, src.w * 0.2), src.y + src.h
        d = f"M{x0:.1f},{y0:.1f}"
        for n, waypoint in enumerate(chain[1:-1], start=level[a] + 1):
            px = points[waypoint]
            d += _curve(x0, y0, px, layer_top[n]) + f"V{layer_bottom[n]:.1f}"
            x0, y0 = px, layer_bottom[n]
        d += _curve(x0, y0, arrive[(a, b)], boxes[b].y - 1)
        supports.append((a, b, d))
    objections = [p for box in boxes.values() for p in _objection_paths(box)]
    ordered = [boxes[c.id] for c in claims]
    return Layout(width + 4, y - V_GAP + 2, ordered, supports, objections)


def narrow(claims: list[Claim], width: float = 340) -> Layout:
    """One claim under another, layer by layer; the arrows run down lanes on the left."""
    by_id = {c.id: c for c in claims}
    rows = layers(claims)
    order = [
        cid for row in _order(rows, [(c.id, t) for c in claims for t in c.supports]) for cid in row
    ]
    position = {cid: n for n, cid in enumerate(order)}
    targets = [cid for cid in order if any(cid in c.supports for c in claims)]
    spans = {
        t: (min(position[c.id] for c in claims if t in c.supports), position[t]) for t in targets
    }
    # The shortest spans take the lanes nearest the boxes, so that lanes nest.
    lane: dict[str, int] = {}
    for t in sorted(targets, key=lambda t: (spans[t][1] - spans[t][0], position[t])):
        taken = {
            lane[o] for o in lane if not (spans[o][1] <= spans[t][0] or spans[t][1] <= spans[o][0])
        }
        lane[t] = next(n for n in range(len(targets) + 1) if n not in taken)
    lanes = max(lane.values(), default=-1) + 1
    gutter = 6 + lanes * LANE + 8 if lanes else 2
    boxes: dict[str, Box] = {}
    y = 2.0
    for cid in order:
        boxes[cid] = _box(by_id[cid], gutter, y, width - gutter - 2)
        y = boxes[cid].bottom + 14

    def lane_x(t):
        return gutter - 8 - lane[t] * LANE

    supports, junctions = [], []
    for c in claims:
        src = boxes[c.id]
        for t in c.supports:
            x = lane_x(t)
            y0 = src.y + min(src.h / 2, 22)
            y1 = boxes[t].y + 14
            supports.append((c.id, t, f"M{src.x:.1f},{y0:.1f}H{x:.1f}V{y1:.1f}H{src.x - 1:.1f}"))
            junctions.append((x, y0))
    objections = [p for cid in order for p in _objection_paths(boxes[cid])]
    return Layout(width, y - 14 + 2, [boxes[c.id] for c in claims], supports, objections, junctions)

"""Load every data file, validate it against its schema, then check references between files.

`load_project` either returns a complete, consistent Project or raises DataError listing every
problem in every file. Nothing downstream ever sees half-valid data.
"""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import schema
from .errors import DataError, Problem
from .yamlfile import Located, dotted, parse, read_regular_file

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FOLDERS = {"case": "cases", "concept": "concepts", "criterion": "criteria", "source": "sources"}
# Everything else that may sit at the top of data/; anything more is reported, never ignored.
OTHER_ENTRIES = {"argument.yml", "perspectives.yml", "README.md", "schemas", "templates"}
MAX_FILES_PER_FOLDER = 5000
# Ids the site already uses: an anchor taken by a hand-written heading on the entry's page,
# or a URL taken by a hand-written page (docs/cases/index.md is /cases/).
RESERVED_IDS = {
    "source": {"sources"},
    "criterion": {"criteria"},
    "argument": {"the-argument", "argument-map", "argument-map-figure", "in-brief"},
    "case": {"index"},
    "concept": {"index"},
}


@dataclass
class Project:
    """All the data, keyed by id. Collections keep a stable order (criteria by `order`)."""

    cases: dict[str, dict]
    concepts: dict[str, dict]
    criteria: dict[str, dict]
    sources: dict[str, dict]
    argument: dict
    # Who calls the relationship what (data/perspectives.yml); optional.
    perspectives: dict | None = None
    docs: dict[tuple[str, str], Located] = field(repr=False, default_factory=dict)
    # Files that failed to load: references to them are not reported a second time.
    broken: set[tuple[str, str]] = field(repr=False, default_factory=set)
    # Files that parsed but broke their schema: their references are still checked, so a
    # contributor sees every problem in one run.
    invalid: dict[tuple[str, str], Located] = field(repr=False, default_factory=dict)
    # Things worth saying that are not errors (hidden files that were skipped).
    notes: list[str] = field(repr=False, default_factory=list)

    def value_label(self, criterion_id: str, value_id: str) -> str:
        for value in self.criteria[criterion_id]["values"]:
            if value["id"] == value_id:
                return value["label"]
        raise KeyError(f"{criterion_id}: no value {value_id}")


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)  # a link to a folder is not followed
    except OSError:
        return False


def _check_top_level(data_dir, problems):
    expected = sorted(set(FOLDERS.values()) | OTHER_ENTRIES)
    for path in sorted(data_dir.iterdir()):
        if path.name not in expected:
            what = "folder" if _is_real_dir(path) else "file"
            problems.append(
                Problem(
                    _display(path, data_dir),
                    1,
                    1,
                    "",
                    f"unexpected {what}, so nothing in it would be published "
                    f"(expected only: {', '.join(expected)})",
                )
            )


def _load_folder(kind, data_dir, problems, project):
    folder = data_dir / FOLDERS[kind]
    entries = {}
    if not _is_real_dir(folder):
        what = (
            "is missing"
            if not os.path.lexists(folder)
            else "is not a folder (links are not followed)"
        )
        problems.append(Problem(_display(folder, data_dir), 1, 1, "", f"folder {what}"))
        return entries
    hidden = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    if hidden:
        project.notes.append(
            f"{_display(folder, data_dir)}: skipped hidden "
            f"file{'s' if len(hidden) > 1 else ''} {', '.join(hidden)}"
        )
    paths = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    if not paths:
        problems.append(
            Problem(
                _display(folder, data_dir),
                1,
                1,
                "",
                "folder is empty (expected at least one <id>.yml)",
            )
        )
    if len(paths) > MAX_FILES_PER_FOLDER:
        problems.append(
            Problem(
                _display(folder, data_dir),
                1,
                1,
                "",
                f"{len(paths)} files (expected at most {MAX_FILES_PER_FOLDER})",
            )
        )
        return entries
    for path in paths:
        shown = _display(path, data_dir)
        if path.suffix != ".yml" or _is_real_dir(path):
            problems.append(Problem(shown, 1, 1, "", "unexpected file (expected <id>.yml)"))
            continue
        if path.stem in RESERVED_IDS.get(kind, ()):
            problems.append(
                Problem(
                    shown,
                    1,
                    1,
                    "",
                    f"id {path.stem!r} is taken by a page or "
                    "heading of the site (expected another file name)",
                )
            )
            continue
        if not schema.is_valid_id(path.stem):
            problems.append(
                Problem(
                    shown,
                    1,
                    1,
                    "",
                    f"file name {path.stem!r} is not a valid id "
                    "(expected lowercase ASCII letters and digits joined by "
                    "single hyphens, e.g. syria-civil-war.yml)",
                )
            )
            continue
        doc = _load_and_validate(kind, path.stem, path, shown, problems, project)
        if doc is not None:
            entries[path.stem] = doc.data
    return entries


# What parsing and checking each file against its schema found, with the content it was
# found in, for the data directory loaded last: `mkdocs serve` loads the data again before
# every rebuild, and only a file whose content changed is parsed and checked again (0.3 s
# for the real data).
_checked: dict[tuple[str, str], tuple[bytes, str, tuple]] = {}
_checked_dir = [""]


def _parse_and_check(kind, path, shown) -> tuple[Located | None, list, list]:
    raw, refusal = read_regular_file(path)
    if refusal:
        return None, [Problem(shown, 1, 1, "", refusal)], []
    last = _checked.get((kind, str(path)))
    if last is not None and last[0] == raw and last[1] == shown:
        return last[2]
    doc, found = parse(raw, shown)
    result = (doc, found, schema.validate(kind, doc) if doc else [])
    _checked[(kind, str(path))] = (raw, shown, result)
    return result


def _load_and_validate(kind, entry_id, path, shown, problems, project):
    """The valid document, or None (the file is then marked broken, and kept as invalid when it
    at least parsed, so that its references are checked in the same run)."""
    doc, found, schema_problems = _parse_and_check(kind, path, shown)
    problems.extend(found)
    problems.extend(schema_problems)
    if doc is None or schema_problems:
        project.broken.add((kind, entry_id))
        if doc is not None:
            project.invalid[(kind, entry_id)] = doc
            project.docs[(kind, entry_id)] = doc
        return None
    project.docs[(kind, entry_id)] = doc
    return doc


class _Checker:
    """Cross-file checks: every id referenced exists, dates exist and are in order."""

    def __init__(self, project: Project):
        self.p = project
        self.problems: list[Problem] = []
        self.cited: set[str] = set()

    def report(self, kind, entry_id, field_path, message):
        doc = self.p.docs[(kind, entry_id)]
        line, col = doc.where(tuple(field_path))
        self.problems.append(Problem(doc.path, line, col, dotted(field_path), message))

    def run(self) -> list[Problem]:
        for kind, collection in (
            ("case", self.p.cases),
            ("concept", self.p.concepts),
            ("criterion", self.p.criteria),
            ("source", self.p.sources),
        ):
            for entry_id, entry in collection.items():
                self.walk(kind, entry_id, entry, ())
        self.walk("argument", "argument", self.p.argument, ())
        if self.p.perspectives is not None:
            self.walk("perspectives", "perspectives", self.p.perspectives, ())
        for (kind, entry_id), doc in self.p.invalid.items():
            self.walk(kind, entry_id, doc.data, ())
            if kind == "case" and isinstance(doc.data, dict):
                self.check_related(entry_id, doc.data.get("related"))
        self.check_criteria()
        for case_id, case in self.p.cases.items():
            self.check_case(case_id, case)
        for concept_id, concept in self.p.concepts.items():
            self.check_profile(concept_id, concept)
        self.check_argument()
        self.check_unique_ids()
        self.check_source_cycles()
        self.check_one_address_per_source()
        self.check_fact_check_agreement()
        if self.p.broken:
            return self.problems  # a broken file may be the one that cites a source
        for source_id in self.p.sources:
            if source_id not in self.cited:
                self.report(
                    "source",
                    source_id,
                    (),
                    "source is not cited anywhere (expected a citation in data/; cite it or remove the file)",
                )
        return self.problems

    def walk(self, kind, entry_id, node, path):
        """Check every `sources` list anywhere in the entry (the schemas use that name for
        lists of source ids only; dates are checked by the schema's date format)."""
        if isinstance(node, dict):
            for key, value in node.items():
                here = path + (key,)
                if key == "sources" and isinstance(value, list):
                    for i, ref in enumerate(value):
                        if not isinstance(ref, str) or not schema.is_valid_id(ref):
                            continue  # the schema reports it
                        self.cited.add(ref)
                        if ref not in self.p.sources and ("source", ref) not in self.p.broken:
                            self.report(
                                kind,
                                entry_id,
                                here + (i,),
                                f"unknown source {ref!r} (expected a file data/sources/{ref}.yml)",
                            )
                else:
                    self.walk(kind, entry_id, value, here)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                self.walk(kind, entry_id, item, path + (i,))

    def check_ref(self, kind, entry_id, path, ref, collection, what, folder):
        if (what, ref) in self.p.broken:
            return False
        if ref not in collection:
            self.report(
                kind,
                entry_id,
                path,
                f"unknown {what} {ref!r} (expected a file data/{folder}/{ref}.yml)",
            )
            return False
        return True

    def check_criteria(self):
        seen_order = {}
        for criterion_id, criterion in self.p.criteria.items():
            order = criterion["order"]
            if order in seen_order:
                self.report(
                    "criterion",
                    criterion_id,
                    ("order",),
                    f"order {order} is also used by {seen_order[order]} (expected a unique number)",
                )
            seen_order[order] = criterion_id
            ids = [v["id"] for v in criterion["values"]]
            for i, value_id in enumerate(ids):
                if value_id in ids[:i]:
                    self.report(
                        "criterion",
                        criterion_id,
                        ("values", i, "id"),
                        f"duplicate value id {value_id!r} (expected each value id once)",
                    )

    def check_value(self, kind, entry_id, path, criterion_id, value_id):
        allowed = list(dict.fromkeys(v["id"] for v in self.p.criteria[criterion_id]["values"]))
        if value_id not in allowed:
            self.report(
                kind,
                entry_id,
                path,
                f"{value_id!r} is not a value of criterion "
                f"{criterion_id} (expected one of: {', '.join(allowed)})",
            )

    def check_all_criteria(self, kind, entry_id, mapping, field_name, site_optional=False):
        """Every criterion coded; for a case, the criteria of this site's extended test may be
        left out together (the case then has the essay's verdict only), not one by one."""
        for criterion_id in mapping:
            self.check_ref(
                kind,
                entry_id,
                (field_name, criterion_id),
                criterion_id,
                self.p.criteria,
                "criterion",
                "criteria",
            )
        if any(kind == "criterion" for kind, _ in self.p.broken):
            return
        site = [c for c, criterion in self.p.criteria.items() if criterion["test"] == "site"]
        skip_site = site_optional and not any(c in mapping for c in site)
        for criterion_id in self.p.criteria:
            if criterion_id not in mapping and not (skip_site and criterion_id in site):
                expected = (
                    f"every criterion of the essay's test, and the criteria of this "
                    f"site's test all together or not at all: {', '.join(site)}"
                    if site_optional and criterion_id in site
                    else f"every criterion: {', '.join(self.p.criteria)}"
                )
                self.report(
                    kind,
                    entry_id,
                    (field_name,),
                    f"criterion {criterion_id!r} is not coded (expected {expected})",
                )

    def check_case(self, case_id, case):
        if case["role"] == "constraint":
            self.check_constraint(case_id, case)
            coding = {}
        elif "coding" not in case:
            self.report(
                "case",
                case_id,
                (),
                "missing required field coding (expected the "
                "value of every criterion; only role constraint has bears_on instead)",
            )
            coding = {}
        else:
            coding = case["coding"]
            self.check_all_criteria("case", case_id, coding, "coding", site_optional=True)
            if "bears_on" in case:
                self.report(
                    "case",
                    case_id,
                    ("bears_on",),
                    "only a case with role constraint has bears_on (expected the coding alone)",
                )
        for criterion_id, entry in coding.items():
            if criterion_id not in self.p.criteria:
                continue
            here = ("coding", criterion_id)
            self.check_value("case", case_id, here + ("value",), criterion_id, entry["value"])
            alternative = entry.get("alternative")
            if alternative:
                self.check_value(
                    "case",
                    case_id,
                    here + ("alternative", "value"),
                    criterion_id,
                    alternative["value"],
                )
                if alternative["value"] == entry["value"]:
                    self.report(
                        "case",
                        case_id,
                        here + ("alternative", "value"),
                        "alternative repeats the main value (expected a different value)",
                    )
        self.check_related(case_id, case.get("related"))
        if "expected" in case:
            if case["role"] != "reference":
                self.report(
                    "case",
                    case_id,
                    ("expected",),
                    "only a reference case names the "
                    "concept expected of it (expected role reference, or no expected)",
                )
            else:
                self.check_ref(
                    "case",
                    case_id,
                    ("expected",),
                    case["expected"],
                    self.p.concepts,
                    "concept",
                    "concepts",
                )
        period = case["period"]
        if "end" in period and _date_key(period["end"], True) < _date_key(period["start"], False):
            self.report(
                "case",
                case_id,
                ("period", "end"),
                f"end {period['end']} is before start {period['start']} "
                "(expected an end on or after the start)",
            )
        self.check_events(case_id, case)

    def check_events(self, case_id, case):
        """An event belongs to its case: its date falls within the case's period (a partial
        date counts when any part of it does). Its sources are checked by `walk`."""
        period = case["period"]
        start = _date_key(period["start"], False)
        end = _date_key(period["end"], True) if "end" in period else None
        shown = f"{period['start']} to {period.get('end', 'now (ongoing)')}"
        for i, event in enumerate(case.get("events", [])):
            date = event["date"]
            if _date_key(date, True) < start or (end and _date_key(date, False) > end):
                self.report(
                    "case",
                    case_id,
                    ("events", i, "date"),
                    f"{date} is outside the case's period {shown} (expected a date within "
                    "it: an event outside it belongs to another case, or the period is wrong)",
                )

    def check_constraint(self, case_id, case):
        """Evidence on willingness or constraint gets no verdict: it says what it bears on."""
        if "coding" in case:
            self.report(
                "case",
                case_id,
                ("coding",),
                "a case with role constraint is not coded "
                "(expected bears_on instead: it gets no verdict)",
            )
        if "bears_on" not in case:
            self.report(
                "case",
                case_id,
                (),
                "missing required field bears_on (expected what "
                "the evidence bears on, criterion by criterion)",
            )
        for i, bearing in enumerate(case.get("bears_on", [])):
            self.check_ref(
                "case",
                case_id,
                ("bears_on", i, "criterion"),
                bearing["criterion"],
                self.p.criteria,
                "criterion",
                "criteria",
            )

    def check_related(self, case_id, related):
        for i, other in enumerate(related if isinstance(related, list) else []):
            if not isinstance(other, str) or not schema.is_valid_id(other):
                continue  # the schema reports it
            if other == case_id:
                self.report(
                    "case",
                    case_id,
                    ("related", i),
                    "a case cannot be related to itself (expected another case's id)",
                )
            else:
                self.check_ref(
                    "case", case_id, ("related", i), other, self.p.cases, "case", "cases"
                )

    def check_one_address_per_source(self):
        """Two files for one URL or DOI split one source's citations in two."""
        for key, shown in (("url", "URL"), ("doi", "DOI")):
            owners: dict[str, list[str]] = defaultdict(list)
            for source_id, source in self.p.sources.items():
                if key in source:
                    address = source[key].rstrip("/") if key == "url" else source[key].lower()
                    owners[address].append(source_id)
            for ids in owners.values():
                for later in ids[1:]:
                    self.report(
                        "source",
                        later,
                        (key,),
                        f"same {shown} as data/sources/"
                        f"{ids[0]}.yml (expected one file per source; merge them)",
                    )

    def check_fact_check_agreement(self):
        """One statement of the essay, one verdict on it, whichever case page checks it."""
        first: dict[str, tuple[str, int, str]] = {}
        for case_id, case in self.p.cases.items():
            for i, check in enumerate(case.get("fact_checks", [])):
                statement = " ".join(check["essay"].split())
                seen = first.setdefault(statement, (case_id, i, check["status"]))
                if seen[2] != check["status"]:
                    self.report(
                        "case",
                        case_id,
                        ("fact_checks", i, "status"),
                        f"{check['status']!r} disagrees with the check of the same essay "
                        f"statement in data/cases/{seen[0]}.yml, fact_checks[{seen[1]}] "
                        f"(expected the same status: {seen[2]!r})",
                    )

    def check_profile(self, concept_id, concept):
        profile = concept["profile"]
        self.check_all_criteria("concept", concept_id, profile, "profile")
        for criterion_id, value_id in profile.items():
            if criterion_id in self.p.criteria:
                self.check_value(
                    "concept", concept_id, ("profile", criterion_id), criterion_id, value_id
                )

    def check_argument(self):
        anchors: dict[str, str] = {}
        refs = (
            ("concepts", self.p.concepts, "concept", "concepts"),
            ("criteria", self.p.criteria, "criterion", "criteria"),
            ("cases", self.p.cases, "case", "cases"),
        )
        for i, claim in enumerate(self.p.argument["claims"]):
            self.check_anchor(anchors, claim["id"], ("claims", i, "id"))
            for key, collection, what, folder in refs:
                for j, ref in enumerate(claim.get(key, [])):
                    self.check_ref(
                        "argument", "argument", ("claims", i, key, j), ref, collection, what, folder
                    )
            for j, objection in enumerate(claim.get("objections", [])):
                self.check_anchor(anchors, objection["id"], ("claims", i, "objections", j, "id"))
        self.check_supports()

    def check_supports(self):
        """`supports` names other claims; following it never comes back (the argument map
        lays claims out by how far they sit from the starting points, which a loop has not)."""
        claims = self.p.argument["claims"]
        ids = {c["id"] for c in claims}
        objections = {o["id"] for c in claims for o in c.get("objections", [])}
        graph: dict[str, list[str]] = {}
        for i, claim in enumerate(claims):
            graph[claim["id"]] = []
            for j, ref in enumerate(claim.get("supports", [])):
                here = ("claims", i, "supports", j)
                if ref == claim["id"]:
                    self.report(
                        "argument",
                        "argument",
                        here,
                        "a claim cannot support itself (expected the id of another claim)",
                    )
                elif ref not in ids:
                    what = (
                        f"{ref!r} is an objection, not a claim"
                        if ref in objections
                        else f"unknown claim {ref!r}"
                    )
                    self.report(
                        "argument",
                        "argument",
                        here,
                        f"{what} (expected the id of another claim in data/argument.yml)",
                    )
                else:
                    graph[claim["id"]].append(ref)
        reported: set[frozenset] = set()  # one message per loop, at its first claim
        for i, claim in enumerate(claims):
            start = claim["id"]
            for j, first in enumerate(claim.get("supports", [])):
                if first not in graph or first == start:
                    continue
                loop = _path_back(graph, first, start)
                if loop and frozenset(loop) not in reported:
                    reported.add(frozenset(loop))
                    self.report(
                        "argument",
                        "argument",
                        ("claims", i, "supports", j),
                        f"circular support: {' -> '.join([start, *loop])} (expected "
                        "supports that never lead back to the claim they start from)",
                    )
                    break

    def check_unique_ids(self):
        """One id, one thing: a case, concept, criterion, source or claim never share an id,
        so that a reference, an anchor or an export key can never be ambiguous."""
        owners: dict[str, str] = {}
        entries = [
            (kind, entry_id, (), f"data/{FOLDERS[kind]}/{entry_id}.yml")
            for kind, collection in (
                ("case", self.p.cases),
                ("concept", self.p.concepts),
                ("criterion", self.p.criteria),
                ("source", self.p.sources),
            )
            for entry_id in collection
        ]
        for i, claim in enumerate(self.p.argument["claims"]):
            entries.append(("argument", claim["id"], ("claims", i, "id"), "data/argument.yml"))
            for j, objection in enumerate(claim.get("objections", [])):
                entries.append(
                    (
                        "argument",
                        objection["id"],
                        ("claims", i, "objections", j, "id"),
                        "data/argument.yml",
                    )
                )
        for i, camp in enumerate((self.p.perspectives or {}).get("camps", [])):
            entries.append(
                (
                    "perspectives",
                    camp["id"],
                    ("camps", i, "id"),
                    f"data/perspectives.yml (camps[{i}])",
                )
            )
            for j, voice in enumerate(camp["voices"]):
                entries.append(
                    (
                        "perspectives",
                        voice["id"],
                        ("camps", i, "voices", j, "id"),
                        f"data/perspectives.yml (camps[{i}].voices[{j}])",
                    )
                )
        for kind, entry_id, path, where in entries:
            owner = owners.setdefault(entry_id, where)
            if owner != where:
                doc_id = kind if kind in ("argument", "perspectives") else entry_id
                self.report(
                    kind,
                    doc_id,
                    path,
                    f"id {entry_id!r} is also used by {owner} "
                    "(expected an id not used by any other case, concept, criterion, "
                    "source or claim)",
                )

    def check_source_cycles(self):
        """A source's `sources` establish its own details; a loop establishes nothing."""
        graph = {sid: s.get("sources", []) for sid, s in self.p.sources.items()}
        for start in graph:
            stack, seen = [(start, [start])], set()
            while stack:
                node, trail = stack.pop()
                for nxt in graph.get(node, []):
                    if nxt == start:
                        loop = " -> ".join(trail + [start])
                        what = (
                            "a source cannot establish itself"
                            if len(trail) == 1
                            else f"circular chain of sources: {loop}"
                        )
                        what += " (expected sources that do not lead back here)"
                        self.report("source", start, ("sources",), what)
                        stack = []
                        break
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append((nxt, trail + [nxt]))

    def check_anchor(self, anchors, anchor, path):
        if anchor in RESERVED_IDS["argument"]:
            self.report(
                "argument",
                "argument",
                path,
                f"id {anchor!r} is taken by the page's own heading (expected another id)",
            )
        elif anchor in anchors:
            self.report(
                "argument",
                "argument",
                path,
                f"duplicate id {anchor!r} (expected ids used once; first used at {anchors[anchor]})",
            )
        else:
            anchors[anchor] = dotted(path)


def _path_back(graph: dict[str, list[str]], start: str, goal: str) -> list[str]:
    """The claims from `start` to `goal` along `graph`, both included, or [] if none."""
    stack, seen = [(start, [start])], {start}
    while stack:
        node, trail = stack.pop()
        if node == goal:
            return trail
        for nxt in reversed(graph.get(node, [])):
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, trail + [nxt]))
    return []


def date_order(date: str) -> tuple[int, int, int]:
    """A partial date as a sort key: '2001' before '2001-03' before '2001-03-12'."""
    parts = [int(x) for x in date.split("-")]
    return tuple(parts + [0] * (3 - len(parts)))


def _date_key(text: str, as_late_as_possible: bool) -> tuple:
    parts = [int(x) for x in text.split("-")]
    pad = [12, 31] if as_late_as_possible else [1, 1]
    return tuple(parts + pad[len(parts) - 1 :])


def load_project(data_dir: Path = DATA_DIR, notes: list[str] | None = None) -> Project:
    """Load and check all data; raise DataError with every problem found. Notes that are not
    errors (skipped hidden files) are appended to `notes` when given."""
    problems: list[Problem] = []
    project = Project(cases={}, concepts={}, criteria={}, sources={}, argument={"claims": []})
    if _checked_dir[0] != str(data_dir):
        _checked.clear()
        _checked_dir[0] = str(data_dir)
    _check_top_level(data_dir, problems)
    collections = {kind: _load_folder(kind, data_dir, problems, project) for kind in FOLDERS}
    path = data_dir / "argument.yml"
    argument = _load_and_validate(
        "argument", "argument", path, _display(path, data_dir), problems, project
    )
    if argument is not None:
        project.argument = argument.data
    elif ("argument", "argument") not in project.docs:
        project.docs[("argument", "argument")] = Located("data/argument.yml", project.argument)
    path = data_dir / "perspectives.yml"
    if os.path.lexists(path):
        perspectives = _load_and_validate(
            "perspectives", "perspectives", path, _display(path, data_dir), problems, project
        )
        project.perspectives = perspectives.data if perspectives is not None else None
    project.cases, project.concepts, project.sources = (
        collections["case"],
        collections["concept"],
        collections["source"],
    )
    project.criteria = dict(sorted(collections["criterion"].items(), key=lambda kv: kv[1]["order"]))
    if notes is not None:
        notes.extend(project.notes)
    problems += _Checker(project).run()
    if problems:
        raise DataError(problems)
    return project

"""Data downloads built from the same data as the pages: /data/cases.json, /data/cases.csv,
/data/events.csv (every dated event of every case, as on /timeline/), /data/cases/<id>.json (a small read-only API, one document per case), the JSON Schemas and a
Frictionless datapackage.json. Plain Python; no MkDocs.

Every document carries `schema_version` (of this export format; see EXPORT_CHANGES) and a
`last_modified` date: a case's own `last_reviewed`, or the latest of them for a list.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from . import derive
from .model import Project, date_order
from .schema import SCHEMA_DIR
from .urls import download, url

SCHEMA_VERSION = "2.1.0"
# The export format's changelog, newest first: add a line whenever a field changes.
EXPORT_CHANGES = [
    (
        "2.1.0",
        "Dated events: `events` (date, kind, text, sources) in each case's document and in "
        "cases.json, where a case has them; new file events.csv, one row per event in date "
        "order (the events of /timeline/). Nothing removed or renamed.",
    ),
    (
        "2.0.0",
        "Two verdicts per case: `verdicts.essay` (the essay's test) and `verdicts.site` "
        "(this site's extended test), each null where the test does not apply; `verdict` "
        "removed. CSV: columns essay_verdict and site_verdict replace verdict; criteria "
        "of the extended test added (empty where a case is not coded on them). Cases "
        "with role constraint carry bears_on and no coding.",
    ),
    ("1.0.0", "First version: cases.json, cases.csv, cases/<id>.json, schemas."),
]
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def _verdict(case: dict, project: Project, test: str) -> dict | None:
    verdict = derive.case_verdict(case, project, test)
    if verdict is None:
        return None
    return {
        "concept": verdict.concept,
        "label": project.concepts[verdict.concept]["title"] if verdict.decided else "indeterminate",
        "contenders": list(verdict.contenders),
        "criteria_matched": dict(verdict.matches),
        "criteria_total": verdict.total,
    }


def _coding(case: dict, project: Project) -> dict:
    coding = {}
    for criterion_id in project.criteria:  # in the criteria's order
        entry = case.get("coding", {}).get(criterion_id)
        if entry is None:
            continue
        item = {
            "value": entry["value"],
            "label": project.value_label(criterion_id, entry["value"]),
            "rationale": entry["rationale"],
            "sources": entry["sources"],
        }
        if "alternative" in entry:
            alt = entry["alternative"]
            item["alternative"] = {
                "value": alt["value"],
                "label": project.value_label(criterion_id, alt["value"]),
                "argument": alt["argument"],
                "sources": alt["sources"],
            }
        coding[criterion_id] = item
    return coding


def case_document(case_id: str, project: Project) -> dict:
    """Everything the case file says, plus its derived verdict and its addresses."""
    case = project.cases[case_id]
    document = {
        "schema_version": SCHEMA_VERSION,
        "id": case_id,
        "last_modified": case["last_reviewed"],
        "page": url("case", case_id),
    }
    for key, value in case.items():
        document[key] = _coding(case, project) if key == "coding" else value
    document["verdicts"] = {t: _verdict(case, project, t) for t in derive.TESTS}
    return document


def _summary(case_id: str, project: Project) -> dict:
    case = project.cases[case_id]
    return {
        "id": case_id,
        "title": case["title"],
        "short_title": case["short_title"],
        "role": case["role"],
        "period": case["period"],
        "region": case["region"],
        "forms": case["forms"],
        "coding": {c: e["value"] for c, e in case.get("coding", {}).items()},
        "events": case.get("events", []),
        "verdicts": {
            t: (v or {}).get("concept", None) if v else None
            for t in derive.TESTS
            for v in [_verdict(case, project, t)]
        },
        "last_modified": case["last_reviewed"],
        "page": url("case", case_id),
        "document": download("case-json", case_id),
    }


def csv_columns(project: Project) -> list[str]:
    columns = [
        "id",
        "title",
        "short_title",
        "role",
        "period_start",
        "period_end",
        "region",
        "forms",
        "essay_verdict",
        "site_verdict",
    ]
    for criterion_id in project.criteria:
        columns += [criterion_id, f"{criterion_id}_alternative"]
    return columns + ["last_reviewed"]


def cases_csv(project: Project) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_columns(project))
    for case_id, case in project.cases.items():
        verdicts = [derive.case_verdict(case, project, t) for t in derive.TESTS]
        row = [
            case_id,
            case["title"],
            case["short_title"],
            case["role"],
            case["period"]["start"],
            case["period"].get("end", ""),
            case["region"],
            ";".join(case["forms"]),
            *("" if v is None else v.concept or "indeterminate" for v in verdicts),
        ]
        for criterion_id in project.criteria:
            entry = case.get("coding", {}).get(criterion_id, {})
            row += [entry.get("value", ""), entry.get("alternative", {}).get("value", "")]
        writer.writerow(row + [case["last_reviewed"]])
    return out.getvalue()


EVENT_COLUMNS = ["date", "kind", "text", "case", "role", "sources"]


def events_csv(project: Project) -> str:
    """Every dated event of every case, one row each, in date order (a partial date before
    the full dates it contains; then by case id): the events of /timeline/."""
    rows = [
        [e["date"], e["kind"], e["text"], case_id, case["role"], ";".join(e["sources"])]
        for case_id, case in sorted(project.cases.items())
        for e in case.get("events", [])
    ]
    rows.sort(key=lambda r: (date_order(r[0]), r[3]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVENT_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def _csv_schema(project: Project) -> dict:
    fields = []
    for name in csv_columns(project):
        field = {"name": name, "type": "string"}
        if name in project.criteria:
            field["constraints"] = {"enum": [v["id"] for v in project.criteria[name]["values"]]}
        if name == "last_reviewed":
            field["type"] = "date"
        fields.append(field)
    return {"fields": fields, "primaryKey": "id"}


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def exports(project: Project, schema_dir: Path = SCHEMA_DIR) -> dict[str, str]:
    """{site-relative path: text} of every download."""
    latest = max((c["last_reviewed"] for c in project.cases.values()), default="")
    files = {
        download("case-json", case_id): _dumps(case_document(case_id, project))
        for case_id in project.cases
    }
    files[download("cases-json")] = _dumps(
        {
            "schema_version": SCHEMA_VERSION,
            "last_modified": latest,
            "licence": LICENCE,
            "count": len(project.cases),
            "cases": [_summary(case_id, project) for case_id in project.cases],
        }
    )
    files[download("cases-csv")] = cases_csv(project)
    files[download("events-csv")] = events_csv(project)
    schemas = sorted(schema_dir.glob("*.schema.json"))
    for path in schemas:
        files[download("schema", path.name)] = path.read_text(encoding="utf-8")
    files[download("datapackage")] = _dumps(
        {
            "profile": "data-package",
            "name": "iran-russia-alliance-or-cooperation",
            "title": "Iran and Russia: Alliance or Cooperation? Coded cases",
            "description": "Every case of the site, coded on every criterion, with the verdict "
            "derived from the coding.",
            "version": SCHEMA_VERSION,
            "licenses": [LICENCE],
            "resources": [
                {
                    "profile": "tabular-data-resource",
                    "name": "cases-csv",
                    "path": "cases.csv",
                    "title": "Cases, one row each",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": _csv_schema(project),
                },
                {
                    "profile": "tabular-data-resource",
                    "name": "events-csv",
                    "path": "events.csv",
                    "title": "Dated events of every case, one row each",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": {
                        "fields": [{"name": name, "type": "string"} for name in EVENT_COLUMNS],
                    },
                },
                {
                    "profile": "data-resource",
                    "name": "cases-json",
                    "path": "cases.json",
                    "title": "Cases with their coding and verdict",
                    "format": "json",
                    "mediatype": "application/json",
                    "encoding": "utf-8",
                },
                *(
                    {
                        "profile": "data-resource",
                        "name": path.name.replace(".schema.json", "-schema"),
                        "path": f"schemas/{path.name}",
                        "format": "json",
                        "mediatype": "application/schema+json",
                        "encoding": "utf-8",
                        "title": f"JSON Schema of {path.name.split('.')[0]} files",
                    }
                    for path in schemas
                ),
            ],
        }
    )
    return files

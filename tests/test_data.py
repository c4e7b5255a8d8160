"""Validation: the real data passes; every kind of bad input fails with file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import FIXTURES, ROOT, overlay, run_check
from macros.errors import DataError
from macros.model import load_project
from macros.yamlfile import MAX_FILE_BYTES, MAX_STRING_CHARS

INVALID = sorted(p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


def problems_for(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_project(data_dir)
    return [str(p) for p in caught.value.problems]


def test_minimal_fixture_is_valid(minimal_data):
    load_project(minimal_data)


@pytest.mark.parametrize(
    "schema_path", sorted((ROOT / "data" / "schemas").glob("*.json")), ids=lambda p: p.name
)
def test_schemas_are_valid_draft_2020_12(schema_path):
    schema = json.loads(schema_path.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", INVALID)
def test_invalid_fixture_reports_exactly_the_expected_problems(name, tmp_path):
    fixture = FIXTURES / "invalid" / name
    data_dir = overlay(FIXTURES / "minimal", fixture, tmp_path / "data")
    expected = (fixture / "expected.txt").read_text().splitlines()
    assert problems_for(data_dir) == expected


def write_case(data_dir: Path, content: bytes, name: str = "first-case.yml") -> None:
    (data_dir / "cases" / name).write_bytes(content)


def test_not_utf8(minimal_data):
    write_case(minimal_data, "title: caf\u00e9\n".encode("latin-1"))
    assert problems_for(minimal_data) == [
        "data/cases/first-case.yml:1:1: (file): not valid UTF-8 (byte 0xe9 at offset 10; "
        "expected a UTF-8 encoded text file)"
    ]


def test_huge_file(minimal_data):
    write_case(minimal_data, b"title: x\n" + b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    [problem] = problems_for(minimal_data)
    assert problem.startswith("data/cases/first-case.yml:1:1: (file): file is ")
    assert f"(expected at most {MAX_FILE_BYTES})" in problem


def test_huge_string(minimal_data):
    text = (FIXTURES / "minimal" / "cases" / "first-case.yml").read_text()
    text = text.replace(
        'essay_use: "The essay uses it."', "essay_use: " + "a" * (MAX_STRING_CHARS + 1)
    )
    write_case(minimal_data, text.encode())
    problems = problems_for(minimal_data)
    assert problems[0].startswith(
        f"data/cases/first-case.yml:12:12: essay_use: text is {MAX_STRING_CHARS + 1} characters long"
    )


def test_deep_nesting_is_an_error_not_a_crash(minimal_data):
    write_case(minimal_data, b"title: " + b"[" * 5000 + b"]" * 5000 + b"\n")
    [problem] = problems_for(minimal_data)
    assert problem.startswith("data/cases/first-case.yml:1:")
    assert "nesting" in problem


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    data_dir = overlay(
        FIXTURES / "minimal", FIXTURES / "invalid" / "multiple-errors", tmp_path / "d"
    )
    assert len(problems_for(data_dir)) == 3


def test_check_command_exits_1_with_every_problem(tmp_path):
    fixture = FIXTURES / "invalid" / "multiple-errors"
    data_dir = overlay(FIXTURES / "minimal", fixture, tmp_path / "data")
    result = run_check(data_dir)
    assert result.returncode == 1
    for line in (fixture / "expected.txt").read_text().splitlines():
        assert line in result.stderr
    assert "3 errors found" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_command_passes_on_real_data():
    result = run_check(ROOT / "data")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("data OK:")


def test_empty_folder_is_an_error_not_an_empty_site(minimal_data):
    for path in (minimal_data / "cases").iterdir():
        path.unlink()
    problems = problems_for(minimal_data)
    assert "data/cases:1:1: (file): folder is empty (expected at least one <id>.yml)" in problems


def test_reloading_sees_every_edit_even_one_of_the_same_size_at_once(minimal_data):
    # model.py keeps what it found in each file for the next load (`mkdocs serve` reloads
    # before every rebuild); the file's content, not its time stamp, decides if it is reused.
    case = minimal_data / "cases" / "first-case.yml"
    text = case.read_text()
    assert load_project(minimal_data).cases["first-case"]["title"] in text
    title = load_project(minimal_data).cases["first-case"]["title"]
    renamed = title[::-1] if title[::-1] != title else title.upper()
    case.write_text(text.replace(title, renamed, 1))  # same size, within the same clock tick
    assert load_project(minimal_data).cases["first-case"]["title"] == renamed
    case.write_text(text.replace("title:", "titel:", 1))
    with pytest.raises(DataError, match="titel"):
        load_project(minimal_data)
    case.write_text(text)
    assert load_project(minimal_data).cases["first-case"]["title"] == title

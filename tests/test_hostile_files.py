"""Hostile data files, round two: links and devices, costly input, control characters,
check/build disagreement and misleading messages. Each test is a regression test for one
finding of the second hostile-input review."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, run_check
from macros.errors import MAX_PROBLEMS_PER_FILE, DataError
from macros.model import FOLDERS, OTHER_ENTRIES, load_project
from macros.render import MAX_BRACKETS, markdown_block, markdown_cost_problem
from macros.yamlfile import MAX_ITEMS, MAX_STRING_CHARS

FIRST_CASE = (FIXTURES / "minimal" / "cases" / "first-case.yml").read_text()


def problems_for(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_project(data_dir)
    return [str(p) for p in caught.value.problems]


def edit(data_dir: Path, relative: str, old: str, new: str) -> None:
    path = data_dir / relative
    text = path.read_text()
    assert old in text, (old, relative)
    path.write_text(text.replace(old, new, 1))


# ----- 2. links and anything that is not a regular file -------------------------------------


def test_link_to_a_valid_file_elsewhere_is_refused_not_published(minimal_data, tmp_path):
    outside = tmp_path / "elsewhere.yml"
    outside.write_text(FIRST_CASE.replace("The first case", "Read from outside data/"))
    (minimal_data / "cases" / "third-case.yml").symlink_to(outside)
    assert problems_for(minimal_data) == [
        "data/cases/third-case.yml:1:1: (file): is a symbolic link (expected a regular file; "
        "links are never followed)"
    ]


@pytest.mark.parametrize("target", ["/proc/self/mem", "/dev/zero", "/etc", "/nonexistent"])
def test_link_to_a_device_or_folder_is_refused_without_reading(minimal_data, target):
    (minimal_data / "cases" / "third-case.yml").symlink_to(target)
    started = time.monotonic()
    [problem] = problems_for(minimal_data)
    assert time.monotonic() - started < 10
    assert "is a symbolic link" in problem


def test_a_fifo_is_refused_without_blocking(minimal_data):
    os.mkfifo(minimal_data / "cases" / "third-case.yml")
    assert problems_for(minimal_data) == [
        "data/cases/third-case.yml:1:1: (file): is not a regular file (expected a YAML text file)"
    ]


def test_a_linked_folder_is_refused(minimal_data, tmp_path):
    real = tmp_path / "real-cases"
    (minimal_data / "cases").rename(real)
    (minimal_data / "cases").symlink_to(real)
    problems = problems_for(minimal_data)
    assert "data/cases:1:1: (file): folder is not a folder (links are not followed)" in problems


# ----- 3. cheap to write, expensive to build --------------------------------------------------


def test_a_summary_full_of_brackets_is_refused_by_check(minimal_data):
    # The review's file held 230 KB of "[" across summary paragraphs and took ~400 s to build.
    edit(minimal_data, "cases/first-case.yml", '"Something happened."', '"' + "[" * 8000 + '"')
    [problem] = problems_for(minimal_data)
    assert problem == (
        f"data/cases/first-case.yml:10:5: summary[0].text: text has 8000 '[' "
        f"(expected at most {MAX_BRACKETS} square brackets in one text; split it up)"
    )


def test_deeply_nested_lists_in_text_are_refused(minimal_data):
    nested = "\\n".join("  " * i + "- x" for i in range(40))
    edit(minimal_data, "cases/first-case.yml", '"The essay uses it."', f'"{nested}"')
    [problem] = problems_for(minimal_data)
    assert "essay_use: a line starts with" in problem and "nest lists and quotes" in problem


def test_a_huge_list_is_refused_quickly_in_a_few_lines(minimal_data):
    # The review's 43,000 mixed items took five minutes and printed 43,000 lines.
    items = ",".join(["1", "a", "[]", "{}"] * 10750)
    edit(minimal_data, "cases/first-case.yml", "related: [second-case]", f"related: [{items}]")
    started = time.monotonic()
    result = run_check(minimal_data)
    assert time.monotonic() - started < 20
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"data/cases/first-case.yml:22:10: related: 43000 entries (expected at most {MAX_ITEMS} "
        "in one list or mapping)",
        "1 error found in data/",
    ]


def test_many_problems_in_one_file_are_capped_in_the_report(minimal_data):
    items = ", ".join(["1"] * 150)
    edit(minimal_data, "cases/first-case.yml", "related: [second-case]", f"related: [{items}]")
    lines = run_check(minimal_data).stderr.splitlines()
    total = int(lines[-1].split()[0])
    assert total > 150 and len(lines) == MAX_PROBLEMS_PER_FILE + 2
    assert lines[-2] == (
        f"data/cases/first-case.yml: {total - MAX_PROBLEMS_PER_FILE} more "
        "problems in this file not shown (fix the ones above and run again)"
    )


def worst_allowed_text() -> str:
    """A text at every limit at once: as many brackets and as deep nesting as allowed."""
    nested = "\n".join("  " * i + "- [x" for i in range(12))
    body = "[a](" * (MAX_BRACKETS - 12) + nested
    return (body + " " + "y" * MAX_STRING_CHARS)[:MAX_STRING_CHARS]


def test_the_costliest_allowed_text_renders_about_as_fast_as_plain_text():
    worst = worst_allowed_text()
    assert markdown_cost_problem(worst) == ""
    # Plain words with some emphasis: text with no Markdown at all skips Python-Markdown
    # (render._plain_paragraphs), and the ratio is of the parser's costs.
    plain = ("Plain words in a *paragraph*. " * MAX_STRING_CHARS)[:MAX_STRING_CHARS]

    def cost(value: str) -> float:
        started = time.perf_counter()
        for _ in range(3):
            markdown_block(value)
        return time.perf_counter() - started

    # A ratio in one run, not a timed test: before the limits the worst case was ~10,000x.
    assert cost(worst) < 100 * cost(plain)


# ----- 4. ids, file names and text with control characters ---------------------------------


def test_file_name_with_a_trailing_newline_is_refused(minimal_data):
    (minimal_data / "cases" / "evil\n.yml").write_text(FIRST_CASE)
    problems = problems_for(minimal_data)
    assert problems == [
        "data/cases/evil\\n.yml:1:1: (file): file name 'evil\\n' is not a valid "
        "id (expected lowercase ASCII letters and digits joined by single "
        "hyphens, e.g. syria-civil-war.yml)"
    ]


def test_id_with_a_trailing_newline_is_refused(minimal_data):
    edit(minimal_data, "argument.yml", "id: first-claim", 'id: "first-claim\\n"')
    [problem] = problems_for(minimal_data)
    assert problem.startswith("data/argument.yml:")
    assert "claims[0].id" in problem and "is not valid (expected an id" in problem


@pytest.mark.parametrize(
    "escape, shown",
    [
        ("\\0", "\\x00"),
        ("\\e", "\\x1b"),
        ("\\a", "\\x07"),
        ("\\x85", "\\x85"),
        ("\\u202e", "\\u202e"),
        ("\\u2066", "\\u2066"),
    ],
)
def test_control_characters_from_yaml_escapes_are_refused(minimal_data, escape, shown):
    edit(
        minimal_data,
        "cases/first-case.yml",
        "title: The first case",
        f'title: "The first{escape} case"',
    )
    assert problems_for(minimal_data) == [
        f"data/cases/first-case.yml:1:8: title: text contains the control character {shown} "
        "(expected printable text; remove it)"
    ]


def test_bidi_override_in_a_url_is_refused(minimal_data):
    (minimal_data / "sources" / "test-book.yml").write_text(
        (FIXTURES / "minimal" / "sources" / "test-book.yml").read_text()
        + 'url: "https://example.org/\\u202egnp.exe"\n'
    )
    [problem] = problems_for(minimal_data)
    assert "url: text contains the control character \\u202e" in problem


def test_an_escape_sequence_in_a_key_cannot_reach_the_terminal(minimal_data):
    edit(
        minimal_data,
        "cases/first-case.yml",
        "region: Central Asia",
        'region: Central Asia\n"\\e[2J\\e[32mdata OK\\e[0m": 1',
    )
    result = run_check(minimal_data)
    assert result.returncode == 1
    assert "\x1b" not in result.stderr
    assert "key contains the control character \\x1b" in result.stderr


def test_problem_text_never_prints_raw_control_characters():
    from macros.errors import Problem

    shown = str(Problem("data/cases/a\x1b[2J.yml", 1, 1, "x\u202e", "bad \x07"))
    assert shown == "data/cases/a\\x1b[2J.yml:1:1: x\\u202e: bad \\x07"


# ----- 5. tracebacks and check/build disagreement -------------------------------------------


def test_a_date_looking_key_in_a_profile_is_not_taken_for_a_date(minimal_data):
    edit(
        minimal_data,
        "concepts/strategic-alliance.yml",
        "  time-horizon: long-term",
        "  time-horizon: long-term\n  start: unclear",
    )
    assert problems_for(minimal_data) == [
        "data/concepts/strategic-alliance.yml:9:3: profile.start: unknown criterion 'start' "
        "(expected a file data/criteria/start.yml)"
    ]


@pytest.mark.parametrize("folder", ["cases", "concepts"])
def test_the_index_id_is_reserved(minimal_data, folder):
    source = next((minimal_data / folder).iterdir())
    (minimal_data / folder / "index.yml").write_text(source.read_text())
    problems = problems_for(minimal_data)
    assert (
        f"data/{folder}/index.yml:1:1: (file): id 'index' is taken by a page or heading of "
        "the site (expected another file name)"
    ) in problems


def test_a_misspelled_folder_is_reported(minimal_data):
    (minimal_data / "case").mkdir()
    (minimal_data / "case" / "new.yml").write_text(FIRST_CASE)
    problems = problems_for(minimal_data)
    expected = ", ".join(sorted(set(FOLDERS.values()) | OTHER_ENTRIES))
    assert "cases, concepts" in expected
    assert problems == [
        "data/case:1:1: (file): unexpected folder, so nothing in it would be published "
        f"(expected only: {expected})"
    ]


def test_a_hidden_file_is_named_when_skipped(minimal_data):
    (minimal_data / "cases" / ".new-case.yml").write_text(FIRST_CASE)
    result = run_check(minimal_data)
    assert result.returncode == 0
    assert "note: data/cases: skipped hidden file .new-case.yml" in result.stderr


def test_schema_and_reference_errors_in_one_file_are_reported_together(minimal_data):
    edit(minimal_data, "cases/first-case.yml", "region: Central Asia", "region: 42")
    edit(minimal_data, "cases/first-case.yml", "related: [second-case]", "related: [no-such-case]")
    edit(
        minimal_data,
        "cases/first-case.yml",
        "    sources: [test-book]\nessay_use",
        "    sources: [no-such-source]\nessay_use",
    )
    assert problems_for(minimal_data) == [
        'data/cases/first-case.yml:7:1: region: got 42 (expected text: put it in quotes, "42")',
        "data/cases/first-case.yml:11:15: summary[0].sources[0]: unknown source 'no-such-source' "
        "(expected a file data/sources/no-such-source.yml)",
        "data/cases/first-case.yml:22:11: related[0]: unknown case 'no-such-case' (expected a "
        "file data/cases/no-such-case.yml)",
    ]


# ----- 6. messages that mislead ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1:20", "010", "no", "yes", "off", "1_000", "0x1F", ".inf"])
def test_yaml_1_1_readings_are_refused_with_a_quote_it_hint(minimal_data, typed):
    (minimal_data / "sources" / "test-book.yml").write_text(
        (FIXTURES / "minimal" / "sources" / "test-book.yml").read_text() + f"volume: {typed}\n"
    )
    [problem] = problems_for(minimal_data)
    assert problem == (
        f"data/sources/test-book.yml:8:9: volume: unquoted {typed} would be read "
        f'as something else than typed (expected "{typed}" in quotes if it is '
        "text, or a plain number, true or false)"
    )


def test_an_octal_looking_order_is_refused_not_read_as_8(minimal_data):
    edit(minimal_data, "criteria/threat-type.yml", "order: 1", "order: 010")
    [problem] = problems_for(minimal_data)
    assert "order: unquoted 010 would be read as something else than typed" in problem


def test_a_plain_number_where_text_is_expected_says_quote_it(minimal_data):
    (minimal_data / "sources" / "test-book.yml").write_text(
        (FIXTURES / "minimal" / "sources" / "test-book.yml").read_text() + "issue: 12\n"
    )
    assert problems_for(minimal_data) == [
        'data/sources/test-book.yml:8:1: issue: got 12 (expected text: put it in quotes, "12")'
    ]


def test_too_long_texts_say_how_long_and_the_limit(minimal_data):
    edit(minimal_data, "cases/first-case.yml", "title: The first case", "title: " + "t" * 301)
    edit(
        minimal_data, "cases/first-case.yml", "short_title: First case", "short_title: " + "s" * 61
    )
    problems = problems_for(minimal_data)
    assert problems[0].endswith(
        'title: "' + "t" * 56 + "... is 301 characters long (expected at most 300)"
    )
    assert problems[1].endswith("is 61 characters long (expected at most 60)")


_UNITS = st.sampled_from([" ", "\t", ">", "*", "+", "-", "1.", "12)", "123456789.", "7"])
_LINES = st.tuples(st.lists(_UNITS, max_size=30).map("".join), st.sampled_from(["", "a", "[x] y"]))


@settings(max_examples=400)
@given(st.lists(_LINES, max_size=6).map(lambda ls: "\n".join(p + rest for p, rest in ls)))
def test_the_quick_nesting_test_agrees_with_measuring_every_line(value):
    # render.markdown_cost_problem rules most texts out with one search; measuring every
    # line's prefix is what it stands for.
    from macros.render import _NESTING_PREFIX, MAX_NESTING_PREFIX

    deepest = max((len(m.group(0)) for m in _NESTING_PREFIX.finditer(value)), default=0)
    too_deep = value.count("[") <= MAX_BRACKETS and deepest > MAX_NESTING_PREFIX
    assert bool(markdown_cost_problem(value)) == too_deep

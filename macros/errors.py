"""The one error type the data layer raises: a list of located problems."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# A contributor's file name, key or value ends up in these messages. Control characters
# (ANSI escapes, a fake "data OK" on a new line) and bidi controls are shown escaped, never raw.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
MAX_PROBLEMS_PER_FILE = 20


def printable(value: str) -> str:
    """`value` with every control character written as an escape such as \\x1b or \\u202e."""
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), value)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one data file, printed as path:line:column: field: message."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        field = self.field or "(file)"
        return printable(f"{self.path}:{self.line}:{self.column}: {field}: {self.message}")


class DataError(Exception):
    """Raised with every problem found, so a contributor can fix them all in one go."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        """Every problem, but at most MAX_PROBLEMS_PER_FILE per file: a file with thousands
        of bad list items gets a readable report, not thousands of lines."""
        lines, per_file = [], Counter(p.path for p in self.problems)
        shown: Counter = Counter()
        for problem in self.problems:
            shown[problem.path] += 1
            if shown[problem.path] <= MAX_PROBLEMS_PER_FILE:
                lines.append(str(problem))
            elif shown[problem.path] == per_file[problem.path]:
                hidden = per_file[problem.path] - MAX_PROBLEMS_PER_FILE
                lines.append(
                    printable(
                        f"{problem.path}: {hidden} more problem"
                        f"{'s' if hidden != 1 else ''} in this file not shown "
                        "(fix the ones above and run again)"
                    )
                )
        count = len(self.problems)
        lines.append(f"{count} error{'s' if count != 1 else ''} found in data/")
        return "\n".join(lines)

"""`python -m macros check`: validate every data file and print every problem."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import DataError, printable
from .model import DATA_DIR, load_project


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate the data; print every problem")
    check.add_argument("data_dir", nargs="?", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    notes: list[str] = []
    try:
        project = load_project(args.data_dir, notes)
    except DataError as error:
        print(error.report(), file=sys.stderr)
        return 1
    finally:
        for note in notes:
            print(f"note: {printable(note)}", file=sys.stderr)
    print(f"data OK: {len(project.cases)} cases, {len(project.concepts)} concepts, "
          f"{len(project.criteria)} criteria, {len(project.sources)} sources, "
          f"{len(project.argument['claims'])} claims")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m macros check`: validate every data file and print every problem.

Also `python -m macros fmt [--check]` (format the data files) and
`python -m macros new case|source|concept ID` (write a commented template),
`python -m macros cff [--check]` (write CITATION.cff from mkdocs.yml's citation record) and
`python -m macros release-check [VERSIONS_JSON]` (refuse to release a version twice)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .derive import counts
from .errors import DataError, printable
from .model import DATA_DIR
from .view import load_site


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["fmt"]:  # python -m macros fmt [--check]: see yamlfmt.py
        from .yamlfmt import main as fmt_main

        return fmt_main(argv[1:])
    if argv[:1] == ["new"]:  # python -m macros new case|source|concept ID: see newentry.py
        from .newentry import main as new_main

        return new_main(argv[1:])
    if argv[:1] == ["cff"]:  # python -m macros cff [--check]: see citation.py
        from .citation import cff_main

        return cff_main(argv[1:])
    if argv[:1] == ["release-check"]:  # python -m macros release-check: see release.py
        from .release import main as release_main

        return release_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m macros")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate the data; print every problem")
    check.add_argument("data_dir", nargs="?", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    notes: list[str] = []
    try:
        site = load_site(args.data_dir, notes)
    except DataError as error:
        print(error.report(), file=sys.stderr)
        return 1
    finally:
        for note in notes:
            print(f"note: {printable(note)}", file=sys.stderr)
    n = counts(site.p)
    print(
        f"data OK: {n['cases']} cases, {n['concepts']} concepts, {n['criteria']} criteria, "
        f"{n['sources']} sources, {n['claims']} claims"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

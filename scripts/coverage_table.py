"""Print the README's per-segment coverage table from the shipped data, or with --write put it into README.md
between the ``<!-- coverage -->`` markers (run it after adding firms; tests/test_data_quality.py checks it)."""

import re
import sys
from pathlib import Path

from lithiumgraph import load_graph
from lithiumgraph.coverage import coverage_table

README = Path(__file__).resolve().parents[1] / "README.md"
MARKERS = re.compile(r"(<!-- coverage -->\n).*?(<!-- /coverage -->)", re.S)


def main() -> None:
    table = coverage_table(load_graph())
    if "--write" not in sys.argv[1:]:
        print(table, end="")
        return
    text = README.read_text(encoding="utf-8")
    if not MARKERS.search(text):
        sys.exit(f"{README}: no <!-- coverage --> ... <!-- /coverage --> markers")
    README.write_text(MARKERS.sub(lambda m: m[1] + table + m[2], text), encoding="utf-8")


if __name__ == "__main__":
    main()

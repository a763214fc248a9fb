"""Files are written whole or not at all, with ordinary permissions."""

import os
import re

import pytest

from lithiumgraph.output import write_atomic


def test_a_failed_write_leaves_the_old_file_and_no_debris(tmp_path):
    path = tmp_path / "report.html"
    write_atomic(path, "good")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(path, "x" * 100_000 + "\ud800")  # fails half-way through encoding
    assert path.read_text(encoding="utf-8") == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_written_files_are_readable_by_others_as_usual(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "chain.html", "<!DOCTYPE html>")
    finally:
        os.umask(old)
    assert (tmp_path / "chain.html").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    "args", [["explore", "-o"], ["export", "--to", "json", "-o"], ["report", "--park", "yichun-etdz", "-o"]]
)
def test_an_output_path_that_cannot_be_written_is_one_line(runner, tmp_path, args):
    from lithiumgraph.cli import cli

    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    r = runner.invoke(cli, args + [str(blocker / "out")])
    assert r.exit_code == 1 and r.output.count("\n") == 1
    assert re.fullmatch(rf"Error: {re.escape(str(blocker))}(/out)?: (File exists|Not a directory)\n", r.output)
    assert blocker.read_text(encoding="utf-8") == "x"


def _clip_by_character(text: str, limit: int) -> str:
    """The clip measured one character at a time, every character through ``width``."""
    from lithiumgraph.output import width

    text = " ".join(text.split())
    w, cut = 0, 0
    for i, c in enumerate(text):
        w += width(c)
        if w <= limit - 1:
            cut = i + 1
        elif w > limit:
            return text[:cut] + "…"
    return text


def _render_by_character(rows, columns, max_width):
    """A table laid out with every cell clipped and measured one character at a time."""
    import unicodedata

    from lithiumgraph.output import format_value, printable

    def slow_width(s):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)

    cells = [[_clip_by_character(printable(format_value(r.get(c))), max_width) for c in columns] for r in rows]
    widths = [max([slow_width(c)] + [slow_width(row[i]) for row in cells]) for i, c in enumerate(columns)]

    def line(values):
        return "  ".join(v + " " * (w - slow_width(v)) for v, w in zip(values, widths)).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths])] + [line(row) for row in cells])


MIXED = [
    "",
    "catl",
    "a" * 9,
    "a" * 10,
    "a" * 11,
    "宁德时代",
    "宁德时代 (Contemporary Amperex Technology Co. Limited)",
    "ab宁德cd时代ef" * 3,
    "e\u0301te\u0301 cafe\u0301 résumé naïve",  # combining accents take no column
    "ＡＢＣ full-width",
    "  spaced \n out\tcell  ",
    "x宁",
    "宁" * 6,
]


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 9, 10, 11, 60])
def test_clipping_ascii_in_one_step_equals_clipping_by_character(limit):
    from lithiumgraph.output import _clip

    for text in MIXED:
        assert _clip(text, limit) == _clip_by_character(text, limit), (text, limit)


def test_a_table_measured_once_per_cell_equals_one_measured_by_character():
    from lithiumgraph.output import render

    rows = [{"id": t[:5], "name": t, "n": i * 1234.5, "list": [t, "b"]} for i, t in enumerate(MIXED)]
    for max_width in (1, 4, 10, 60):
        expected = _render_by_character(rows, ["id", "name", "n", "list"], max_width)
        assert render(rows, "table", max_width=max_width) == expected
    assert render([], "table", ["a", "宁德"]) == _render_by_character([], ["a", "宁德"], 60)

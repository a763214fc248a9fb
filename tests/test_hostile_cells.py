"""Names that attack what reads our output: formulas in CSV cells a spreadsheet would run, terminal
escape sequences in tables, CSV and error messages, and Markdown links and images in report.md."""

import csv
import io
import json

import pytest

from lithiumgraph.cli import cli
from lithiumgraph.output import FORMULA_START, printable, render, safe_cell

from conftest import edit

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
ESCAPES = ["\x1b]0;pwned\x07", "\x1b[2J\x1b[31mred", "\x9b31m", "a\x00b\x7fc\x85d", "\r\rover"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_cells_get_a_leading_quote(text):
    assert safe_cell(text) == "'" + text and text.startswith(FORMULA_START)


@pytest.mark.parametrize("text", ["宁德时代", "a=b", "1-2", "", "'already"])
def test_other_cells_pass_unchanged(text):
    assert safe_cell(text) == text


def _evil_copy(data_copy, names):
    quoted = '"' + names[0].replace('"', '""') + '"'
    edit(data_copy / "enterprises.csv", "shenghua,江西升华新材料有限公司,", f"shenghua,{quoted},")
    edit(data_copy / "enterprises.csv", "江西升华|升华新材料", "|".join(n.replace('"', "") for n in names[1:]))
    return data_copy


def test_export_csv_is_spreadsheet_safe_unless_raw_cells(runner, data_copy, tmp_path):
    data = _evil_copy(data_copy, FORMULAS[:1] + ["-alias"])
    r = runner.invoke(cli, ["export", "--to", "csv", "-o", str(tmp_path / "safe"), "--data", str(data)])
    assert r.exit_code == 0, r.output
    rows = {row["id"]: row for row in csv.DictReader(open(tmp_path / "safe" / "nodes.csv", encoding="utf-8"))}
    assert rows["shenghua"]["name_zh"] == "'" + FORMULAS[0] and rows["shenghua"]["aliases"] == "'-alias"
    for row in rows.values():
        assert not any(str(v).startswith(FORMULA_START) for v in row.values()), row
    r = runner.invoke(cli, ["export", "--to", "csv", "--raw-cells", "-o", str(tmp_path / "raw"), "--data", str(data)])
    assert r.exit_code == 0, r.output
    rows = {row["id"]: row for row in csv.DictReader(open(tmp_path / "raw" / "nodes.csv", encoding="utf-8"))}
    assert rows["shenghua"]["name_zh"] == FORMULAS[0]


@pytest.mark.parametrize("text", FORMULAS)
def test_format_csv_is_spreadsheet_safe_unless_raw_cells(runner, text):
    q = ["query", "RETURN $t AS cell, 1 AS n, -1 AS m", "--param", "t=" + json.dumps(text), "--format", "csv"]
    r = runner.invoke(cli, q)
    assert r.exit_code == 0, r.output
    row = list(csv.reader(io.StringIO(r.output, newline="")))[1]
    assert row[0] == printable("'" + text) and row[1:] == ["1", "-1"]  # numbers stay numbers
    r = runner.invoke(cli, q + ["--raw-cells"])
    assert list(csv.reader(io.StringIO(r.output, newline="")))[1][0] == text  # a lone CR is quoted too


@pytest.mark.parametrize("text", ESCAPES)
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_terminal_output_carries_no_control_characters(runner, text, fmt):
    r = runner.invoke(cli, ["query", "RETURN $t AS x", "--param", "t=" + json.dumps(text), "--format", fmt])
    assert r.exit_code == 0, r.output
    assert not any(ord(c) < 32 and c not in "\n" or 0x7F <= ord(c) <= 0x9F for c in r.output), repr(r.output)
    if fmt == "json":
        assert json.loads(r.output) == [{"x": text}]  # lossless there


@pytest.mark.parametrize("text", ESCAPES)
def test_error_messages_carry_no_control_characters(runner, text):
    r = runner.invoke(cli, ["show", text])
    assert r.exit_code == 1 and r.output.startswith("Error: ")
    assert not any(ord(c) < 32 and c != "\n" or 0x7F <= ord(c) <= 0x9F for c in r.output), repr(r.output)
    r = runner.invoke(cli, ["query", "RETURN x" + text])
    assert r.exit_code == 1 and r.output.count("\n") == 1, repr(r.output)
    assert not any(ord(c) < 32 and c != "\n" or 0x7F <= ord(c) <= 0x9F for c in r.output), repr(r.output)


def test_render_escapes_controls_in_tables_and_headers():
    text = render([{"a\x1b": "x\x1b[31m"}], "table")
    assert "\x1b" not in text and "\\x1b[31m" in text


def test_report_markdown_has_no_live_links_or_images(runner, data_copy, tmp_path):
    from markdown_it import MarkdownIt

    names = ["[click](javascript:alert(1))", "![x](https://evil.example/p.png)"]
    data = _evil_copy(data_copy, names)
    r = runner.invoke(cli, ["report", "--park", "yichun-etdz", "--data", str(data), "-o", str(tmp_path / "rep")])
    assert r.exit_code == 0, r.output
    md = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert "!\\[x\\](https://evil.example/p.png)" in md
    page = MarkdownIt("commonmark").enable("table").render(md)
    assert "javascript:" not in page.replace("(javascript:alert(1))", "") and "<img" not in page
    assert "evil.example" not in "".join(a for a in page.split('"') if a.startswith("http"))
    assert "![x](https://evil.example/p.png)" in page  # shown as text

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

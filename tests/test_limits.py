"""Bounded resources and odd input on the command line: sizes and hops have upper limits, --timeout
is a finite positive number and stops the whole command, printed rows are capped, running out of memory
and undecodable query bytes are one line, and a password in a Neo4j URI is never printed."""

import os
import subprocess
import sys
import time

import pytest

from lithiumgraph.cli import cli

LG = [sys.executable, "-m", "lithiumgraph"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "1e-9", "-1", "abc", "1e400"])
def test_timeout_must_be_positive_and_finite(runner, value):
    r = runner.invoke(cli, ["query", "RETURN 1 AS x", "--timeout", value])
    assert (
        r.exit_code == 1 and r.output == f"Error: --timeout: {value!r} is not a number of seconds from 0.01 to 86,400\n"
    )


@pytest.mark.parametrize("value", ["nan", "inf", "-0.5"])
def test_nan_and_inf_are_refused_for_numeric_options(runner, value):
    r = runner.invoke(cli, ["gaps", "--park", "yichun-etdz", "--min-coverage", value])
    assert r.exit_code == 1 and r.output == f"Error: --min-coverage: {value!r} is not a number from 0 to 1,000\n"


def test_synth_size_and_hops_have_upper_limits(runner, tmp_path):
    r = runner.invoke(cli, ["synth", "--enterprises", "2000001", "-o", str(tmp_path / "s")])
    assert (
        r.exit_code == 1 and r.output == "Error: --enterprises: '2000001' is not a whole number from 1 to 2,000,000\n"
    )
    assert not (tmp_path / "s").exists()
    r = runner.invoke(cli, ["upstream", "宁德时代", "--hops", "11"])
    assert r.exit_code == 2 and "11 is not in the range 1<=x<=10" in r.output


def test_timeout_covers_the_conversion_of_the_answer():
    """The engine answers 3 million rows at once; turning them into Python values takes longer than the
    timeout, and the command still stops within it (plus a half-second grace) with one line."""
    t = time.perf_counter()
    r = subprocess.run(
        LG + ["query", "UNWIND range(1, 3000000) AS x RETURN x, x AS y", "--timeout", "0.3"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and r.stderr == "Error: the query ran past the 0.3 s timeout\n" and r.stdout == ""
    assert time.perf_counter() - t < 30


def test_printed_rows_are_capped_saying_how_many_were_cut(runner):
    r = runner.invoke(cli, ["query", "UNWIND range(1, 250) AS x RETURN x", "--max-rows", "100", "--format", "csv"])
    assert r.exit_code == 0
    assert r.stdout.splitlines() == ["x"] + [str(i) for i in range(1, 101)]
    assert "(150 of 250 rows cut: raise --max-rows to see them)" in r.stderr


def test_running_out_of_memory_is_one_line(tmp_path):
    """A real MemoryError: the process may use 400 MB of address space and is asked for a million firms."""
    r = subprocess.run(
        ["bash", "-c", f"ulimit -v 400000; exec {' '.join(LG)} synth --enterprises 1000000 -o {tmp_path / 'big'}"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and r.stderr.startswith("Error: out of memory") and r.stderr.count("\n") == 1, r.stderr
    assert os.listdir(tmp_path) == []


def test_query_bytes_that_are_not_utf8_are_one_line():
    r = subprocess.run(LG + [b"query", b'RETURN "\xff\xfe" AS x'], capture_output=True)
    assert r.returncode == 1 and r.stderr == b"Error: the query is not valid UTF-8 (byte 0xff at character 8)\n"


@pytest.mark.parametrize(
    "uri",
    [
        "bolt://neo4j:hunter2-secret@127.0.0.1:1",
        "neo4j://neo4j:hunter2-secret@127.0.0.1:1",
        "bolt+s://u:hunter2-secret@[::1]:1",
    ],
)
def test_a_password_in_the_neo4j_uri_is_never_printed(runner, uri):
    for args in (["query", "RETURN 1", "--store", "neo4j"], ["stats", "--store", "neo4j"], ["push"]):
        r = runner.invoke(cli, args + ["--neo4j-uri", uri, "--neo4j-password", "other"])
        assert r.exit_code == 1 and "hunter2" not in r.output and ":***@" in r.output, r.output
        assert [x for x in r.stderr.splitlines() if x != "pushing"] == [r.stderr.splitlines()[-1]], r.output

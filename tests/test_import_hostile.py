"""Hostile imports: a mapping that names files outside its directory or devices, YAML alias bombs and
deep nesting, wrongly typed values, and an output directory holding curated data. Each ends in one
line per problem naming file, line and key, exit 1, and nothing written (no output, no staging left)."""

import os
import shutil
import time

import pytest

from lithiumgraph.cli import cli
from lithiumgraph.dataset import default_data_dir

from test_import import MAPPING, NA, TABLE, run_import


@pytest.fixture
def mapping_dir(tmp_path):
    d = tmp_path / "m"
    d.mkdir()
    shutil.copyfile(NA / "LICENSE", d / "LICENSE")
    return d


def _mapping(d, old="", new=""):
    text = MAPPING.read_text(encoding="utf-8")
    assert old in text
    (d / "m.yaml").write_text(text.replace(old, new, 1) if old else new + text, encoding="utf-8")
    return d / "m.yaml"


def _nothing_written(tmp_path):
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if ".lg-" in p.name or "staging" in p.name]


@pytest.mark.parametrize(
    "licence", ["/proc/self/environ", "/dev/zero", "../../../../etc/passwd", "/etc/hostname", "m.yaml/..", "."]
)
def test_files_a_mapping_names_stay_inside_its_directory(runner, tmp_path, mapping_dir, licence):
    m = _mapping(mapping_dir, "licence: LICENSE", f"licence: {licence}")
    r = run_import(runner, tmp_path / "out", mapping=m)
    assert r.exit_code == 1 and r.output.splitlines()[0] == (
        f"{m}:12: licence: {licence!r} is not a file inside {mapping_dir.resolve()}"
    ), r.output
    _nothing_written(tmp_path)


def test_a_yaml_alias_bomb_is_refused_at_once(runner, tmp_path, mapping_dir):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    m = _mapping(mapping_dir, new=bomb)
    t = time.perf_counter()
    r = run_import(runner, tmp_path / "out", mapping=m)
    assert time.perf_counter() - t < 5
    assert r.exit_code == 1 and r.output.splitlines()[0] == f"{m}:2: yaml: aliases (*name) are not allowed", r.output
    _nothing_written(tmp_path)


def test_deep_nesting_is_refused(runner, tmp_path, mapping_dir):
    m = _mapping(mapping_dir, "settled: {}", "settled: " + "[" * 5000 + "]" * 5000)
    r = run_import(runner, tmp_path / "out", mapping=m)
    assert r.exit_code == 1 and r.output.splitlines()[0].endswith("yaml: nested deeper than 20 levels"), r.output
    _nothing_written(tmp_path)


@pytest.mark.parametrize(
    "old,new,key,line",
    [
        ("source:\n", "source: 5\nx_source:\n", "source", 4),
        ("id_prefix: na", "id_prefix: [na]", "id_prefix", 11),
        ("columns:\n", "columns: text\nx_columns:\n", "columns", 15),
        ("  company: company_name", "  company: {a: 1}", "columns.company", 16),
        ("stages:\n", "stages: [1, 2]\nx_stages:\n", "stages", 32),
        ('  "Batteries: Cells": cell-power', '  "Batteries: Cells": [cell-power]', "stages.Batteries: Cells", 33),
        ('stage_separator: ";"', "stage_separator: {a: b}", "stage_separator", 29),
        ("filter:\n", "filter: 7\nx_filter:\n", "filter", 13),
        ("settled: {}", "settled: [Toyota]", "settled", 44),
        ("settled: {}", "settled: {Toyota: [catl]}", "settled.Toyota", 44),
        ("licence: LICENSE", "licence: [LICENSE]", "licence", 12),
        ("investment_unit: million USD", "investment_unit: 5", "investment_unit", 25),
        ("bad_values: report", "bad_values: {x: 1}", "bad_values", 28),
        ("settled: {}", "settled: {}\nmissing: 0", "missing", 45),
    ],
)
def test_a_wrongly_typed_value_is_one_line_naming_key_and_line(runner, tmp_path, mapping_dir, old, new, key, line):
    m = _mapping(mapping_dir, old, new)
    r = run_import(runner, tmp_path / "out", mapping=m)
    lines = r.output.splitlines()
    assert r.exit_code == 1 and "Traceback" not in r.output and lines[-1].startswith("Error: ")
    assert any(x.startswith(f"{m}:{line}: {key}: expected ") for x in lines), r.output
    assert all(x.startswith(f"{m}:") for x in lines[:-1]), r.output
    _nothing_written(tmp_path)


def test_an_import_into_curated_data_needs_force(runner, tmp_path):
    curated = tmp_path / "graph_data"
    shutil.copytree(default_data_dir(), curated)
    before = sorted(os.listdir(curated))
    r = run_import(runner, curated)
    assert r.exit_code == 1 and r.output == (
        f"Error: {curated} holds data files no import wrote ({', '.join(before[:3])}, …); "
        "import into a new or empty directory, or pass --force to replace what is there\n"
    )
    assert sorted(os.listdir(curated)) == before
    r = runner.invoke(cli, ["import", "table", str(TABLE), "--mapping", str(MAPPING), "-o", str(curated), "--force"])
    assert r.exit_code == 0, r.output
    assert (curated / ".lithiumgraph-import").exists() and not (curated / "segments.csv").exists()
    r = run_import(runner, curated)  # an import's own directory: replaced without --force
    assert r.exit_code == 0, r.output
    assert not [p for p in tmp_path.iterdir() if ".lg-" in p.name]


def test_an_import_does_not_write_through_a_symbolic_link(runner, tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    r = run_import(runner, tmp_path / "link")
    assert r.exit_code == 1 and r.output == (
        f"Error: {tmp_path / 'link'} is a symbolic link (to {tmp_path / 'real'}); name the directory itself\n"
    )
    assert os.listdir(tmp_path / "real") == []

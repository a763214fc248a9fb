"""Synthetic data: deterministic, valid, and labelled synthetic in every record."""

import csv

from lithiumgraph.cli import cli
from lithiumgraph.dataset import load
from lithiumgraph import model


def test_same_seed_same_files(runner, tmp_path):
    for d in ("a", "b", "c"):
        seed = "2" if d == "c" else "1"
        r = runner.invoke(cli, ["synth", "--enterprises", "300", "--seed", seed, "-o", str(tmp_path / d)])
        assert r.exit_code == 0, r.output
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert (tmp_path / "a" / "supplies.csv").read_bytes() != (tmp_path / "c" / "supplies.csv").read_bytes()


def test_synthetic_output_validates_and_says_so(runner, tmp_path):
    runner.invoke(cli, ["synth", "--enterprises", "500", "--seed", "3", "-o", str(tmp_path)])
    r = runner.invoke(cli, ["validate", "--data", str(tmp_path)])
    assert r.exit_code == 0, r.output
    ds = load(tmp_path)
    template = (model.Source, model.Segment, model.SegmentLink, model.Intensity)
    for cls, rows in ds.rows.items():
        if cls in template:
            continue
        for row in rows:
            rec = row.record
            assert rec.confidence == "synthetic" and rec.sources == ("synthetic",), rec
    assert len(ds.records(model.Enterprise)) == 500
    names = [e.name_zh for e in ds.records(model.Enterprise)]
    assert all(n.startswith("合成企业") for n in names)
    title = next(s.title for s in ds.records(model.Source) if s.id == "synthetic")
    assert title.startswith("SYNTHETIC")
    # heavy tail: the largest firm of a segment dwarfs the median one
    with open(tmp_path / "enterprise_segments.csv", encoding="utf-8") as f:
        caps = sorted(float(r["capacity"]) for r in csv.DictReader(f) if r["capacity"] and r["segment"] == "anode")
    assert caps and caps[-1] > 5 * caps[len(caps) // 2]


def test_analyses_run_on_synthetic_data(runner, tmp_path):
    runner.invoke(cli, ["synth", "--enterprises", "400", "--seed", "5", "-o", str(tmp_path)])
    for cmd in ("gaps", "balance", "recommend", "risk"):
        r = runner.invoke(cli, [cmd, "--park", "syn-city0000", "--data", str(tmp_path), "--format", "json"])
        assert r.exit_code == 0, (cmd, r.output)


def test_analyses_do_not_depend_on_the_hash_seed(runner, tmp_path):
    """Python salts string hashes per process, so any answer built by walking a set would change from run
    to run; recommend did (which of a candidate's many local customers it cited), at 1,500 firms."""
    import os
    import subprocess
    import sys

    runner.invoke(cli, ["synth", "--enterprises", "1500", "--seed", "7", "-o", str(tmp_path)])
    for cmd in ("gaps", "balance", "recommend", "risk"):
        outs = {
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "lithiumgraph",
                    cmd,
                    "--park",
                    "syn-city0001",
                    "--data",
                    str(tmp_path),
                    "--format",
                    "json",
                ],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONHASHSEED": seed},
            ).stdout
            for seed in ("1", "2", "3")
        }
        assert len(outs) == 1, cmd

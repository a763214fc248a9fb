"""The park commands through CliRunner: formats, errors, and the report files."""

import csv
import io
import json
import re
from pathlib import Path

import pytest

from lithiumgraph.cli import cli
from conftest import edit

MINI = str(Path(__file__).parent / "fixtures" / "mini")


@pytest.mark.parametrize("cmd", ["gaps", "balance", "recommend", "risk"])
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_park_commands_in_every_format(runner, cmd, fmt):
    r = runner.invoke(cli, [cmd, "--park", "宜春经开区", "--format", fmt])
    assert r.exit_code == 0, r.output
    if fmt == "json":
        assert json.loads(r.output)
    elif fmt == "csv":
        assert len(list(csv.DictReader(io.StringIO(r.output)))) > 3


def test_gaps_json_covers_the_template(runner):
    data = json.loads(runner.invoke(cli, ["gaps", "--park", "yichun-etdz", "--format", "json"]).output)
    rows = data["segments"]
    assert data["park"] == "yichun-etdz" and sum(data["counts"].values()) == len(rows)
    with open(Path(__file__).parent.parent / "graph_data" / "segments.csv", encoding="utf-8") as fh:
        template = sum(1 for _ in csv.DictReader(fh))
    assert len(rows) == template and {r["status"] for r in rows} == {"missing", "pipeline", "weak", "strong"}
    assert all(r["reason"] for r in rows)


def test_gaps_table_groups_by_stage_and_by_group(runner):
    out = runner.invoke(cli, ["gaps", "--park", "yichun-etdz"]).output
    assert re.findall(r"^== (\w+) ==", out, re.M) == ["upstream", "midstream", "downstream", "recycling"]
    out = runner.invoke(cli, ["gaps", "--park", "yichun-etdz", "--by", "group"]).output
    assert re.findall(r"^== ([\w ]+) ==", out, re.M) == [
        "battery",
        "motor",
        "control",
        "vehicle",
        "other uses and recycling",
    ]


def test_pipeline_is_shown_apart_and_operating_only_is_the_default(runner):
    def run(*extra):
        return runner.invoke(cli, ["balance", "--park", "park-a", "--data", MINI, "--format", "json", *extra]).output

    default, wide = json.loads(run()), json.loads(run("--include-pipeline"))
    assert run("--operating-only") == run()
    anode = {m["material"]: m for m in default["materials"]}["anode"]
    assert default["pipeline"] is False and anode["supply"] == 0 and "supply_pipeline" not in anode
    anode = {m["material"]: m for m in wide["materials"]}["anode"]
    assert wide["pipeline"] is True and (anode["supply"], anode["supply_pipeline"]) == (0, 8000)
    assert wide["cells_gwh"] == default["cells_gwh"] == 10  # the signed p2 never counts
    out = runner.invoke(cli, ["gaps", "--park", "park-a", "--data", MINI, "--include-pipeline"]).output
    assert (
        "pipeline_capacity" in out
        and "pipeline_capacity" not in runner.invoke(cli, ["gaps", "--park", "park-a", "--data", MINI]).output
    )


def test_recommend_json_explains_each_score(runner):
    data = json.loads(
        runner.invoke(
            cli, ["recommend", "--park", "park-a", "--data", MINI, "--segment", "碳酸锂", "--format", "json"]
        ).output
    )
    assert data["park"] == "park-a"
    best = data["targets"][0]["candidates"][0]
    assert best["enterprise"] == "saltco"
    assert sum(p["points"] for p in best["parts"]) == best["score"] == 5.5
    assert all(p["evidence"] for p in best["parts"])


@pytest.mark.parametrize(
    "args,message",
    [
        (["gaps", "--park", "Zzyzx"], "Error: no park named 'Zzyzx'\n"),
        (["balance", "--park", "byd"], "Error: no park named 'byd'\n"),
        (["recommend", "--park", "yichun-etdz", "--segment", "zzqqxx"], "Error: no segment named 'zzqqxx'\n"),
        (
            ["recommend", "--park", "yichun-etdz", "--segment", "cell-power"],
            "Error: segment 'cell-power' is not a gap of this park (it is strong, or a resource)\n",
        ),
    ],
)
def test_unknown_park_or_segment(runner, args, message):
    """One line naming what was not found; close names of the data may follow it on that line."""
    r = runner.invoke(cli, args)
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert r.stderr == message or r.stderr.startswith(message.rstrip("\n") + "; closest matches: ")


def test_report_writes_markdown_and_self_contained_html(runner, tmp_path):
    r = runner.invoke(cli, ["report", "--park", "yichun-etdz", "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    for text in (
        "Coverage by stage",
        "Coverage by 三电一车",
        "Supply–demand balance",
        "Whom to attract",
        "Single sources",
        "Chokepoints",
        "Concentration",
        "Sources",
        "电解液 (electrolyte)",
        "seed-yetdz-2022",
    ):
        assert text in md and text in page, text
    assert not re.search(r"(src|href)\s*=|https?://|@import|url\(", page)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page


def test_report_escapes_hostile_names(runner, data_copy, tmp_path):
    evil = "<script>alert(1)</script>|<img src=x onerror=alert(2)>"
    edit(data_copy / "enterprises.csv", "shenghua,江西升华新材料有限公司,", f'shenghua,"{evil}",')
    edit(data_copy / "enterprises.csv", "江西升华|升华新材料", "")
    r = runner.invoke(cli, ["report", "--park", "yichun-etdz", "--data", str(data_copy), "-o", str(tmp_path / "rep")])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    md = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "&lt;script>alert(1)&lt;/script>\\|" in md


def test_report_on_another_data_set(runner, tmp_path):
    r = runner.invoke(cli, ["report", "--park", "park-a", "--data", MINI, "-o", str(tmp_path)])
    assert r.exit_code == 0 and "锂盐公司" in (tmp_path / "report.md").read_text(encoding="utf-8")

"""The command line, through click's CliRunner: exit codes, exact messages, formats."""

import csv
from pathlib import Path
import io
import json

import pytest

from lithiumgraph.cli import cli
from conftest import edit, line_of


def test_validate_ok(runner):
    r = runner.invoke(cli, ["validate"])
    assert r.exit_code == 0, r.output
    with open(Path(__file__).parent.parent / "graph_data" / "segments.csv", encoding="utf-8") as fh:
        segments = sum(1 for _ in csv.DictReader(fh))
    assert r.output.startswith("OK: ") and f" {segments} segment," in r.output


def test_validate_reports_each_problem_on_its_own_line(runner, data_copy):
    loc, ent, proj = data_copy / "locations.csv", data_copy / "enterprises.csv", data_copy / "projects.csv"
    edit(loc, "hozon,yichun-etdz,plant,", "hozon,nowhere-park,plant,")
    edit(ent, "sk-nexilis,SK Nexilis,", "catl,SK Nexilis,,,,,yc-2016,,stated,,,\nsk-nexilis,SK Nexilis,")
    edit(proj, "lepidolite-ore,30000000,t/yr", "lepidolite-ore,-30000000,t/yr")
    r = runner.invoke(cli, ["validate", "--data", str(data_copy)])
    assert r.exit_code == 1
    assert r.stdout == ""
    assert sorted(r.stderr.splitlines()) == sorted(
        [
            f"{ent}:{line_of(ent, 'catl,SK Nexilis')}: id: duplicate id 'catl' (first defined at {ent}:2)",
            f"{loc}:{line_of(loc, 'hozon,nowhere-park')}: park: unknown park id 'nowhere-park'",
            f"{proj}:{line_of(proj, 'catl-jianxiawo-mine')}: capacity: negative number -30000000",
            "Error: 3 problem(s) in the data; nothing was loaded",
        ]
    )
    assert "Traceback" not in r.output


@pytest.mark.parametrize("cmd", [["stats"], ["show", "CATL"], ["search", "CATL"]])
def test_every_reading_command_refuses_bad_data(runner, data_copy, cmd):
    edit(data_copy / "projects.csv", "lepidolite-ore,30000000,t/yr", "lepidolite-ore,-30000000,t/yr")
    r = runner.invoke(cli, cmd + ["--data", str(data_copy)])
    assert r.exit_code == 1 and r.stderr.endswith("Error: 1 problem(s) in the data; nothing was loaded\n")


@pytest.mark.parametrize(
    "name,expect",
    [
        (
            "赣锋锂业",
            [
                "[ganfeng, Enterprise]",
                "ganfeng-yichun-li-metal",
                "7,000",
                "2,200,000,000",
                "ganfeng-yichun-cells",
                "lioh_to_lg_chem",
                "SUPPLIES",
                "bmw",
                "cnyes-4966703",
            ],
        ),
        (
            "CATL",
            [
                "[catl, Enterprise]",
                "catl-yichun-cells",
                "50",
                "13,500,000,000",
                "land_area",
                "1300",
                "1800",
                "start_date",
                "2021-12-24",
                "uncertain",
                "seed-yetdz-2022",
                "autohome-2021-10-30",
            ],
        ),
        (
            "哪吒汽车",
            [
                "[hozon, Enterprise]",
                "hozon-yichun-plant",
                "100,000",
                "vehicles/yr",
                "deliveries_2021",
                "69674",
                "70000",
                "zgzqb-2022-01-02",
            ],
        ),
        (
            "国轩高科",
            [
                "[gotion, Enterprise]",
                "gotion-yichun-cells-1",
                "gotion-yichun-cells-2",
                "gotion-kefeng-li2co3",
                "2021-05-22",
                "sgmw",
                "vzkoo-gotion-2025",
            ],
        ),
    ],
)
def test_show_lists_projects_figures_and_sources(runner, name, expect):
    r = runner.invoke(cli, ["show", name])
    assert r.exit_code == 0, r.output
    missing = [e for e in expect if e not in r.output]
    assert missing == []


def test_show_unknown_name(runner):
    r = runner.invoke(cli, ["show", "宁德电池"])
    assert r.exit_code == 1
    assert r.stderr == (
        "Error: no entity named '宁德电池'; closest matches: 宁德新能源科技有限公司 (ATL) [atl], "
        "电池模组与PACK [battery-pack], 电池管理系统 [bms], 比亚迪 宜春 30GWh 电池 [byd-yichun-cells], "
        "宁德时代新能源科技股份有限公司 [catl]\n"
    )


def test_show_nothing_close(runner):
    r = runner.invoke(cli, ["show", "zzzzqqqq"])
    assert (r.exit_code, r.stderr) == (1, "Error: no entity named 'zzzzqqqq'\n")


def test_show_json_and_csv(runner):
    r = runner.invoke(cli, ["show", "宜春时代", "--format", "json"])
    data = json.loads(r.output)
    assert data["id"] == "yichun-times"
    assert {"edge": "SUBSIDIARY_OF", "direction": "out", "id": "catl"}.items() <= next(
        n for n in data["neighbours"] if n["edge"] == "SUBSIDIARY_OF" and n["direction"] == "out"
    ).items()
    r = runner.invoke(cli, ["show", "宜春时代", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert {"SUBSIDIARY_OF", "LOCATED_IN", "IN_SEGMENT", "RUNS", "INVESTS_IN"} <= {x["edge"] for x in rows}


def test_stats_reports_full_sourcing(runner):
    r = runner.invoke(cli, ["stats", "--format", "json"])
    data = json.loads(r.output)
    assert data["sourced_share"] == 1.0 and data["unsourced"] == []
    assert data["nodes"]["Segment"] >= 30 and data["nodes"]["Enterprise"] >= 40
    r = runner.invoke(cli, ["stats"])
    assert "100.0%" in next(l for l in r.output.splitlines() if l.startswith("facts sourced"))


def test_search_is_fuzzy_over_names_and_aliases(runner):
    r = runner.invoke(cli, ["search", "gotion", "--format", "json"])
    hits = json.loads(r.output)
    assert hits[0]["id"] == "gotion" and hits[0]["score"] == 100
    r = runner.invoke(cli, ["search", "Ganfeng Lithum", "--format", "csv", "--limit", "1"])
    assert list(csv.DictReader(io.StringIO(r.output)))[0]["id"] == "ganfeng"
    r = runner.invoke(cli, ["search", "清陶"])
    assert r.exit_code == 0 and "qingtao" in r.output


def test_search_without_hits(runner):
    r = runner.invoke(cli, ["search", "qqqqxxxx"])
    assert (r.exit_code, r.stderr) == (1, "Error: nothing matches 'qqqqxxxx'\n")

"""Importing a facility list through a mapping file: merged firms, anomalies reported, layered analyses."""

import filecmp
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lithiumgraph.cli import cli

ROOT = Path(__file__).parents[1]
NA = ROOT / "imports" / "na-ev-battery"
TABLE = NA / "post_IRA_EV_supply_chain_investments.csv"
MAPPING = NA / "mapping.yaml"
SHIPPED = ROOT / "data" / "north-america"


def run_import(runner, out, mapping=MAPPING, table=TABLE):
    return runner.invoke(cli, ["import", "table", str(table), "--mapping", str(mapping), "-o", str(out)])


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("na") / "north-america"
    r = run_import(CliRunner(), out)
    assert r.exit_code == 0, r.output
    return out, r.stdout


def test_the_import_merges_known_firms_and_reports_anomalies(imported):
    out, text = imported
    assert text.startswith(
        f"wrote {out}: 1 sources, 419 parks, 338 enterprises, 462 locations, 536 projects, "
        "599 figures; 269 rows filtered out\n"
    )
    for line in ("  merged: Gotion -> gotion", "  merged: Tesla -> tesla", "  merged: LG Chem -> lg-chem"):
        assert line + "\n" in text
    assert (
        "  anomaly: post_IRA_EV_supply_chain_investments.csv:211: reported_investment: number -157 is out of "
        "range; left out\n"
    ) in text
    assert "Electric Vehicles: Chargers (44)" in text
    assert (out / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_each_facility_is_dated_by_its_ira_period_and_says_how(imported):
    """The table dates facilities only as before or after the IRA (signed 2022-08-16): pre-IRA rows are
    valid from the day before, post-IRA rows from the day itself, and the note says exactly that."""
    import csv

    out, _ = imported
    rows = list(csv.DictReader((out / "projects.csv").open(encoding="utf-8")))
    pre = [r for r in rows if r["note"].startswith("Pre-Inflation Reduction Act")]
    post = [r for r in rows if r["note"].startswith("Post-Inflation Reduction Act")]
    assert pre and post and len(pre) + len(post) == len(rows)
    assert {r["valid_from"] for r in pre} == {"2022-08-15"} and {r["valid_from"] for r in post} == {"2022-08-16"}
    assert all("announced before the IRA was signed on 2022-08-16" in r["note"] for r in pre)
    # a firm's place is dated from its earliest facility there
    places = {
        (r["enterprise"], r["park"]): r["valid_from"]
        for r in csv.DictReader((out / "locations.csv").open(encoding="utf-8"))
    }
    for (firm, park), since in places.items():
        assert since == min(r["valid_from"] for r in rows if (r["enterprise"], r["park"]) == (firm, park))


def test_the_shipped_north_american_data_is_what_the_importer_writes(imported):
    out, _ = imported
    names = sorted(p.name for p in SHIPPED.iterdir())
    assert names == sorted(p.name for p in out.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(SHIPPED, out, names, shallow=False)
    assert mismatch == [] and errors == []


def test_imported_facts_carry_the_data_set_and_the_units_of_the_table(runner, imported):
    import json

    out, _ = imported
    r = runner.invoke(
        cli, ["show", "gotion", "--data", str(ROOT / "graph_data"), "--data", str(out), "--format", "json"]
    )
    e = json.loads(r.stdout)
    na = [p for p in e["projects"] if p["id"].startswith("na-")]
    assert {p["park"] for p in na} >= {"na-united-states.michigan.big-rapids", "na-united-states.illinois.manteno"}
    assert all(p["confidence"] == "imported" and p["sources"] == ["na-ev-battery-2024"] for p in na)
    inv = [f for f in e["figures"] if f["subject"] == "na-0138" and f["metric"] == "investment"]
    assert inv == [dict(inv[0], value="2364", unit="million USD")]
    # the curated Yichun projects are still there, untouched
    assert any(p["id"] == "gotion-yichun-cells-1" for p in e["projects"])
    # the anomalous row keeps its facility but not the negative figures
    r = runner.invoke(
        cli,
        [
            "query",
            "MATCH (f:Figure) WHERE f.value STARTS WITH '-' RETURN count(f) AS n",
            "--data",
            str(ROOT / "graph_data"),
            "--data",
            str(out),
            "--format",
            "csv",
        ],
    )
    assert r.stdout == "n\n0\n"


def test_gaps_report_and_explorer_run_for_a_us_state(runner, imported, tmp_path):
    out, _ = imported
    data = ["--data", str(ROOT / "graph_data"), "--data", str(out)]
    r = runner.invoke(cli, ["gaps", "--park", "Michigan"] + data)
    assert r.exit_code == 0, r.output
    assert "battery-pack" in r.stdout and "American Battery Solutions" in r.stdout
    with open(ROOT / "graph_data" / "segments.csv", encoding="utf-8") as fh:
        segments = sum(1 for _ in fh) - 1
    assert r.stdout.rstrip().endswith(f"of {segments} segments")
    r = runner.invoke(cli, ["report", "--park", "na-united-states.michigan", "-o", str(tmp_path / "rep")] + data)
    assert r.exit_code == 0 and (tmp_path / "rep" / "report.html").stat().st_size > 10_000
    r = runner.invoke(
        cli, ["explore", "--park", "Michigan", "--level", "enterprise", "-o", str(tmp_path / "mi.html")] + data
    )
    assert r.exit_code == 0, r.output


def test_a_settled_answer_is_used(runner, tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        MAPPING.read_text(encoding="utf-8").replace("settled: {}", "settled: {Toyota: catl}"), encoding="utf-8"
    )
    (tmp_path / "LICENSE").write_bytes((NA / "LICENSE").read_bytes())  # files a mapping names sit beside it
    r = run_import(runner, tmp_path / "out", mapping=mapping)
    assert r.exit_code == 0, r.output
    projects = (tmp_path / "out" / "projects.csv").read_text(encoding="utf-8")
    assert "Toyota" in projects and ",catl," in projects and "na-toyota" not in projects


@pytest.mark.parametrize(
    "edit,message",
    [
        (("columns:", "colums:"), "m.yaml:15: colums: unknown key; expected"),
        (
            ("company: company_name", "company: firm"),
            "post_IRA_EV_supply_chain_investments.csv:1: firm: no such column",
        ),
        (
            ('"Batteries: Cells": cell-power', '"Batteries: Cells": cells'),
            "m.yaml:32: stages: unknown segment ids: Batteries: Cells -> cells",
        ),
        (("id_prefix: na", "id_prefix: NA!"), "m.yaml:11: id_prefix: invalid prefix 'NA!'"),
        (
            ("bad_values: report", "bad_values: refuse"),
            "post_IRA_EV_supply_chain_investments.csv:211: reported_investment: number -157 is out of range",
        ),
        (("source:", "source: [unclosed"), "m.yaml:"),
        (
            ('valid_from: "2022-08-15"', 'valid_from: "before the act"'),
            "m.yaml:48: periods.Pre-Inflation Reduction Act: needs valid_from (YYYY, YYYY-MM or YYYY-MM-DD) and a note",
        ),
    ],
)
def test_bad_mappings_are_named_and_nothing_is_written(runner, tmp_path, edit, message):
    text = MAPPING.read_text(encoding="utf-8")
    (tmp_path / "LICENSE").write_bytes((NA / "LICENSE").read_bytes())
    assert edit[0] in text
    (tmp_path / "m.yaml").write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    r = run_import(runner, tmp_path / "out", mapping=tmp_path / "m.yaml")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert message in r.output, r.output
    assert not (tmp_path / "out").exists()


def test_a_table_in_another_encoding_and_a_busy_output_directory(runner, tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_bytes(TABLE.read_text(encoding="utf-8").replace("Tesla", "Téslа").encode("latin-1", "replace"))
    r = run_import(runner, tmp_path / "out", table=bad)
    assert r.exit_code == 1 and "not valid UTF-8" in r.output
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    r = run_import(runner, busy)
    assert r.exit_code == 1 and "holds other files" in r.output
    assert (busy / "notes.txt").read_text(encoding="utf-8") == "mine"


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        st.text(max_size=200),
        st.sampled_from(
            [
                "{",
                "- a\n- b",
                "source: 1\nid_prefix: x",
                ":::",
                "null",
                "source: {id: a}\ncolumns: {}\nstages: []\nid_prefix: p",
            ]
        ),
    )
)
def test_any_mapping_text(runner, tmp_path_factory, text):
    d = tmp_path_factory.mktemp("m")
    (d / "m.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    r = run_import(runner, d / "out", mapping=d / "m.yaml")
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert r.exit_code == 1 and r.output.strip().splitlines()[-1].startswith("Error: ")
    assert not (d / "out").exists()


# -- ChainKnowledgeGraph ---------------------------------------------------------------------------------

CKG = Path(__file__).parent / "fixtures" / "chainkg"
REAL_CKG = Path(__import__("os").environ.get("LG_CHAINKG", ROOT.parent / "shared" / "external" / "chainkg"))


def test_chainkg_merges_reports_anomalies_and_feeds_recommend(runner, tmp_path):
    out = tmp_path / "ckg"
    r = runner.invoke(cli, ["import", "chainkg", str(CKG), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(
        f"wrote {out}: 1 sources, 3 enterprises, 1 listings, 1 enterprise_segments, 7 products, 2 industries, "
        "5 makes, 2 product_links, 2 enterprise_industries, 1 industry_links; merged 2, ambiguous 0"
    )
    assert "  2 company codes only in company_product.json (named from there): 002074, 999003\n" in r.stdout
    assert "  merged by listed code: 国轩高科 (002074) -> gotion\n" in r.stdout
    assert "  merged by name: 多氟多 (999003) -> dfd\n" in r.stdout
    # merged by name, the company keeps its listed code: the code (in any exchange form) finds the firm
    assert (out / "listings.csv").read_text(encoding="utf-8").splitlines()[1].startswith("dfd,999003,多氟多,")
    from lithiumgraph import load_graph
    from lithiumgraph.names import resolve

    G = load_graph([ROOT / "graph_data", out])
    assert resolve(G, "999003") == resolve(G, "999003.SZ") == "dfd"
    assert G.nodes["dfd"]["listed_codes"] == ("002407", "999003")  # its own code and the fixture's
    assert "1 weight outside 0-1, e.g. company_product.json:5: 测试负权重 电解液 -3.2" in r.stdout
    assert "1 industry link to an unknown code" in r.stdout and "1 company in an unknown industry" in r.stdout
    assert "1 self-loop" in r.stdout
    assert "1 link against the template, e.g. product_product.json:3: 碳酸锂 上游材料 动力电池" in r.stdout
    assert "product links between mapped products: 1 agree, 0 same segment, 1 against" in r.stdout
    firms = (out / "enterprises.csv").read_text(encoding="utf-8")
    assert "ckg-999001,测试电解液股份有限公司（测试数据）" in firms
    assert "ckg-999002," in firms  # a company stays an enterprise; only its bad weight is left out
    assert "ckg-i-990100,测试子行业,990100,ckg-i-990000," in (out / "industries.csv").read_text(encoding="utf-8")
    assert "gotion,ckg-i-990100," in (out / "enterprise_industries.csv").read_text(encoding="utf-8")
    assert "ckg-i-990000,ckg-i-990100,3," in (out / "industry_links.csv").read_text(encoding="utf-8")
    assert "1 industry name unknown or not unique, e.g. industry_up.json:1: 不存在的行业 -> 测试子行业" in r.stdout
    links = (out / "product_links.csv").read_text(encoding="utf-8").splitlines()
    assert len(links) == 3 and sum("MATERIAL_OF" in x for x in links) == 1  # the link against the template is out
    makes = (out / "makes.csv").read_text(encoding="utf-8")
    assert "gotion," in makes and "-3.2" not in makes
    members = (out / "enterprise_segments.csv").read_text(encoding="utf-8")
    assert "ckg-999001,electrolyte,电解液; 锂离子电池电解液" in members
    assert ",cell-power," not in members  # gotion's cells are already in the curated data
    report = (out / "merge_report.tsv").read_text(encoding="utf-8").splitlines()
    assert report[0] == "company\tdecision\tenterprise\tcandidates" and len(report) == 3
    r = runner.invoke(
        cli,
        [
            "recommend",
            "--park",
            "yichun-etdz",
            "--segment",
            "electrolyte",
            "--top",
            "50",
            "--data",
            str(ROOT / "graph_data"),
            "--data",
            str(out),
            "--format",
            "json",
        ],
    )
    cands = [c["enterprise"] for t in __import__("json").loads(r.stdout)["targets"] for c in t["candidates"]]
    assert "ckg-999001" in cands


CKG_MAPPING = Path(__file__).parent / "fixtures" / "chainkg-mapping"


def test_chainkg_generic_products_are_read_with_the_company_s_other_products(runner, tmp_path):
    """A fixed sample: which firms each reviewed mapping row gives a segment, and what is left out."""
    out = tmp_path / "map"
    r = runner.invoke(cli, ["import", "chainkg", str(CKG_MAPPING), "-o", str(out)])
    assert r.exit_code == 0, r.output
    import csv as _csv

    got = sorted(
        (m["enterprise"], m["segment"])
        for m in _csv.DictReader(open(out / "enterprise_segments.csv", encoding="utf-8"))
    )
    assert got == [
        ("ckg-999012", "vehicle-nev"),  # 新能源汽车 beside 乘用车: a car maker
        ("ckg-999013", "aluminium-foil"),  # 铝箔 beside 电池箔, and 电池箔 itself
        ("ckg-999015", "cathode-ncm"),  # 正极材料 beside 三元前驱体
        ("ckg-999015", "ncm-precursor"),
    ]
    # not: 新能源汽车 of a charger maker (999011) or a test-equipment maker (999016, whose 动力电池模组 is
    # beside 检测设备), 铜箔 beside 覆铜板 (999014: circuit-board foil)
    assert "5 accounting or placeholder item, not a product" in r.stdout
    assert (
        "1 link to an accounting or placeholder item, e.g. product_product.json:2: 平衡项目 产品小类 铝箔" in r.stdout
    )
    products = (out / "products.csv").read_text(encoding="utf-8")
    for item in ("平衡项目", "分部间抵销", "其他业务", "合计", ",其他,"):
        assert item not in products, item
    # a generic product maps on the product only where it needs no context; the firm's MAKES row says
    # where it counts for that firm, and recommend scores it
    rows = {(m["enterprise"], m["segment"]) for m in _csv.DictReader(open(out / "makes.csv", encoding="utf-8"))}
    assert ("ckg-999015", "cathode-ncm") in rows and ("ckg-999016", "") in rows
    r = runner.invoke(
        cli,
        [
            "recommend",
            "--park",
            "yichun-etdz",
            "--segment",
            "cathode-ncm",
            "--top",
            "50",
            "--data",
            str(ROOT / "graph_data"),
            "--data",
            str(out),
            "--format",
            "json",
        ],
    )
    cand = next(
        c
        for t in __import__("json").loads(r.stdout)["targets"]
        for c in t["candidates"]
        if c["enterprise"] == "ckg-999015"
    )
    assert {p["name"]: p["points"] for p in cand["parts"]}["makes_product"] == 0.6


def test_chainkg_settled_answers_and_bad_lines(runner, tmp_path):
    settled = tmp_path / "settled.csv"
    settled.write_text("company,enterprise\n测试电解液,capchem\n", encoding="utf-8")
    r = runner.invoke(cli, ["import", "chainkg", str(CKG), "-o", str(tmp_path / "a"), "--settled", str(settled)])
    assert r.exit_code == 0, r.output
    assert "merged by settled: 测试电解液 (999001) -> capchem" in r.stdout
    settled.write_text("name,id\n测试电解液,capchem\n", encoding="utf-8")
    r = runner.invoke(cli, ["import", "chainkg", str(CKG), "-o", str(tmp_path / "c"), "--settled", str(settled)])
    assert r.exit_code == 1 and r.output == f"Error: {settled}:1: header: expected the columns company,enterprise\n"
    bad = tmp_path / "bad"
    shutil.copytree(CKG, bad)
    with open(bad / "company_product.json", "a", encoding="utf-8") as f:
        f.write('{"company_code": "1", oops\n')
    r = runner.invoke(cli, ["import", "chainkg", str(bad), "-o", str(tmp_path / "b")])
    assert r.exit_code == 1 and f"{bad / 'company_product.json'}:7: line: not JSON: " in r.output
    assert not (tmp_path / "b").exists()
    (bad / "company_product.json").write_text(
        '{"company_code": "999001.SZ", "company_name": "测试电解液"}\n', encoding="utf-8"
    )
    r = runner.invoke(cli, ["import", "chainkg", str(bad), "-o", str(tmp_path / "b")])
    assert r.exit_code == 1
    assert f"{bad / 'company_product.json'}:1: product_name: missing field" in r.output
    assert f"{bad / 'company_product.json'}:1: rel_weight: missing field" in r.output
    assert not (tmp_path / "b").exists()


@pytest.mark.skipif(
    not REAL_CKG.is_dir(),
    reason="the ChainKnowledgeGraph files are not on this machine "
    "(they have no licence, so the project does not ship them)",
)
def test_chainkg_real_files(runner, tmp_path):
    r = runner.invoke(cli, ["import", "chainkg", str(REAL_CKG), "-o", str(tmp_path / "ckg")])
    assert r.exit_code == 0, r.output
    # the input's own counts are fixed; how many of its 4,689 firms merge into curated ones grows with the data
    import re

    head = re.match(
        rf"wrote {re.escape(str(tmp_path / 'ckg'))}: 1 sources, (\d+) enterprises, \d+ listings, "
        r"\d+ enterprise_segments, 95514 products, 511 industries, 51156 makes, "
        r"109670 product_links, 4262 enterprise_industries, 5171 industry_links; merged (\d+)",
        r.stdout,
    )
    assert head, r.stdout[:400]
    written, merged = int(head[1]), int(head[2])
    assert written + merged == 4689 and merged >= 86
    report = (tmp_path / "ckg" / "merge_report.tsv").read_text(encoding="utf-8")
    for line in (
        "宁德时代 (300750)\tmerged by listed code\tcatl",
        "国轩高科 (002074)\tmerged by listed code\tgotion",
        "赣锋锂业 (002460)\tmerged by listed code\tganfeng",
    ):
        assert line in report
    # no listed code appears twice across the curated and the imported firms
    import csv as _csv

    codes = [
        r["listed_code"]
        for d in (ROOT / "graph_data", tmp_path / "ckg")
        for r in _csv.DictReader(open(d / "enterprises.csv", encoding="utf-8"))
        if r["listed_code"]
    ]
    assert len(codes) == len(set(codes))
    assert "80 weight outside 0-1" in r.stdout and "108 self-loop" in r.stdout
    assert "57 accounting or placeholder item, not a product, e.g. 平衡项目 (1156 companies)" in r.stdout
    # name-merged firms keep their listed codes; the exchange form finds them too
    from lithiumgraph import load_graph
    from lithiumgraph.names import resolve

    G = load_graph([ROOT / "graph_data", tmp_path / "ckg"])
    assert [resolve(G, c) for c in ("002594", "002709.SZ", "002812.SZ")] == ["byd", "tinci", "semcorp"]
    assert not any(G.nodes[v].get("name_zh") in ("平衡项目", "分部间抵销", "调整项目") for v in G.successors("catl"))

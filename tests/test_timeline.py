"""The graph as known and true on a date: what is left out, what ends, statuses from events, the leader rule,
and a property: a fact dated after D never changes an answer as of D."""

import json
from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, given, settings, strategies as st

from lithiumgraph import load_graph, model
from lithiumgraph.analysis import balance, gaps
from lithiumgraph.analysis.recommend import recommend
from lithiumgraph.analysis.risk import risk
from lithiumgraph.cli import cli
from lithiumgraph.dataset import Row, load
from lithiumgraph.frames import rows_of
from lithiumgraph.graph import build_graph
from lithiumgraph.timeline import capacity_class, firm_stopped, snapshot

from conftest import edit

DATED_HEADER = (
    "supplier,customer,product,segment,period,evidence,sources,as_of,confidence,valid_from,valid_to,retrieved_on"
)


def test_today_is_the_graph_itself(G):
    assert snapshot(G) is G and snapshot(G, date.today()) is G


def test_an_earlier_day_with_nothing_changed_still_stands_for_that_day(tmp_path):
    """Every fact predates the day, so no fact differs; the snapshot still stands for the day (as_of set),
    so recommend's recent projects are counted back from the day, not from today."""
    import shutil
    from pathlib import Path
    from lithiumgraph.analysis.recommend import RecommendWeights, _recent_projects

    data = tmp_path / "mini"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", data)
    edit(data / "sources.csv", "lithiumgraph tests,2026,", "lithiumgraph tests,2020,")
    edit(data / "projects.csv", "signed,,,hand", "signed,2023-03,,hand")
    G = load_graph(data)
    H = snapshot(G, "2025-06")
    assert H is not G and H.graph["as_of"] == "2025-06-30"
    assert sorted(H.nodes) == sorted(G.nodes) and H.number_of_edges() == G.number_of_edges()
    w = RecommendWeights()
    assert "cellco2" in _recent_projects(H, w)  # begun 2023-03: within three years of 2025-06
    assert "cellco2" not in _recent_projects(G, w)  # but not of today


def test_facts_known_later_are_left_out(G):
    H = snapshot(G, "2022-06")
    # the Ganfeng agreement of 2022-09-28: not yet known; BYD's of 2022-08-15 neither; Sunwoda's of 2021-12-07 is
    assert "ganfeng-yichun-cells" not in H and "byd-yichun-cells" not in H
    assert H.nodes["sunwoda-yichun-li2co3"]["status"] == "signed"
    # a 2023 supply order is not there; sources published later are gone, and from the facts that cite them
    assert not any(d["kind"] == "SUPPLIES" for _, _, d in H.edges("shenghua", data=True))
    assert "fromgeek-2024-12-neta" not in H
    assert all(s in H for _, d in H.nodes(data=True) for s in d.get("sources", ()))
    assert all(s in H for _, _, d in H.edges(data=True) for s in d.get("sources", ()))
    # the chain template and the parks stay
    assert {n for n, k in G.nodes(data="kind") if k in ("Segment", "Park")} <= set(H)


def test_status_on_the_day_is_the_last_event_by_then(G):
    on = {d: snapshot(G, d).nodes["hozon-yichun-plant"]["status"] for d in ("2019-06", "2024-11", "2024-12")}
    assert on == {"2019-06": "construction", "2024-11": "construction", "2024-12": "operating"}
    H = snapshot(G, "2022-03")
    edge = next(d for _, v, d in H.out_edges("gotion-yichun-cells-1", data=True) if d["kind"] == "IN_SEGMENT")
    assert edge["status"] == H.nodes["gotion-yichun-cells-1"]["status"] == "construction"
    assert snapshot(G, "2022-05-30").nodes["gotion-yichun-cells-1"]["status"] == "operating"


def test_valid_to_ends_a_fact_and_valid_from_starts_it(data_copy):
    (data_copy / "supplies.csv").write_text(
        f"{DATED_HEADER}\nshenghua,catl,LFP cathode,cathode-lfp,,Order,jixiandian-shenghua,2023-09,stated,2023-08,2024-06,\n",
        encoding="utf-8",
    )
    G = build_graph(load(data_copy))
    supplies = {
        d: any(k == "SUPPLIES" for _, _, k in snapshot(G, d).edges("shenghua", keys=True))
        for d in ("2023-07", "2023-08", "2024-06", "2024-07")
    }
    assert supplies == {"2023-07": False, "2023-08": True, "2024-06": True, "2024-07": False}
    assert not any(k == "SUPPLIES" for _, _, k in load_graph(data_copy).edges("shenghua", keys=True))  # today


def test_a_stopped_firm_is_not_a_leading_firm_and_the_reason_says_why(G):
    assert firm_stopped(G, "hozon") == "production stopped since 2024-10; in bankruptcy restructuring since 2025-06"
    assert firm_stopped(snapshot(G, "2024-09"), "hozon") is None
    now = gaps(G, "yichun-etdz").get("vehicle-nev")
    assert now.status == "weak" and now.leaders == []
    assert (
        "leading firm not counted: 哪吒汽车 (national; production stopped since 2024-10; in bankruptcy "
        "restructuring since 2025-06)"
    ) in now.reason
    before = gaps(snapshot(G, "2024-06"), "yichun-etdz").get("vehicle-nev")
    assert before.status == "strong" and before.leaders == ["哪吒汽车"]


def test_a_later_resumed_lifts_the_stop(data_copy):
    with open(data_copy / "enterprise_events.csv", "a", encoding="utf-8") as f:
        f.write("hozon,2026-01,resumed,,ifeng-2025-11-14-neta,stated,\n")
    G = load_graph(data_copy)
    assert firm_stopped(G, "hozon") is None and firm_stopped(snapshot(G, "2025-12"), "hozon") is not None


def test_capacity_classes():
    assert [capacity_class(s) for s in model.PROJECT_STAGES] == [
        None,
        None,
        None,
        "pipeline",
        "pipeline",
        "pipeline",
        "capacity",
        "capacity",
        None,
        None,
        None,
    ]


def test_as_of_on_the_command_line(runner):
    r = runner.invoke(cli, ["show", "哪吒汽车", "--as-of", "2024-06", "--format", "json"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        cli, ["query", "MATCH (p:Project {id: 'hozon-yichun-plant'}) RETURN p.status", "--as-of", "2024-06"]
    )
    assert r.exit_code == 0 and "construction" in r.output
    r = runner.invoke(cli, ["gaps", "--park", "yichun-etdz", "--as-of", "2024-02-30"])
    assert r.exit_code == 2 and "Invalid value for --as-of: '2024-02-30': use YYYY, YYYY-MM or YYYY-MM-DD" in r.output
    r = runner.invoke(cli, ["query", "MATCH (n) RETURN n", "--as-of", "2024", "--write"])
    assert r.exit_code != 0


# -- a fact dated after D never changes an answer as of D ----------------------------------------------------

BASE = load()
FIRMS = sorted(r.record.id for r in BASE.rows[model.Enterprise])
PROJECTS = sorted(r.record.id for r in BASE.rows[model.Project])
SEGMENTS = sorted(r.record.id for r in BASE.rows[model.Segment])
PARKS = ["yichun-etdz", "yichun-city"]


def _answers(G, day):
    H = snapshot(G, day)
    out = {}
    for park in PARKS:
        out[park] = [
            rows_of(gaps(H, park)),
            rows_of(balance(H, park)),
            rows_of(recommend(H, park, top=3)),
            rows_of(risk(H, park)),
        ]
    return json.dumps(out, sort_keys=True, default=str)


def _later(draw, day: date) -> str:
    y = draw(st.integers(day.year + 1, date.today().year))
    return f"{y}-{draw(st.integers(1, 12)):02d}" if y < date.today().year else str(y)


@st.composite
def later_fact(draw, day: date):
    """One record of any kind dated after ``day`` (by valid_from, as_of, event date), on existing ids."""
    when = _later(draw, day)
    src = ("cnyes-4966703",)
    kind = draw(st.sampled_from(["supply", "project_event", "firm_event", "membership", "project", "location"]))
    if kind == "supply":
        a, b = draw(st.sampled_from(FIRMS)), draw(st.sampled_from(FIRMS))
        return model.Supply, model.Supply(
            supplier=a,
            customer=b,
            product="x",
            segment=draw(st.sampled_from(SEGMENTS)),
            evidence="later",
            sources=src,
            confidence="stated",
            **{draw(st.sampled_from(["valid_from", "as_of"])): when},
        )
    if kind == "project_event":
        return model.ProjectEvent, model.ProjectEvent(
            project=draw(st.sampled_from(PROJECTS)),
            date=when,
            stage=draw(st.sampled_from(model.PROJECT_STAGES)),
            sources=src,
            confidence="stated",
        )
    if kind == "firm_event":
        return model.EnterpriseEvent, model.EnterpriseEvent(
            enterprise=draw(st.sampled_from(FIRMS)),
            date=when,
            event=draw(st.sampled_from(model.ENTERPRISE_EVENTS)),
            sources=src,
            confidence="stated",
        )
    if kind == "membership":
        return model.Membership, model.Membership(
            enterprise=draw(st.sampled_from(FIRMS)),
            segment=draw(st.sampled_from(SEGMENTS)),
            status="operating",
            leader="world",
            sources=src,
            confidence="stated",
            valid_from=when,
        )
    if kind == "location":
        return model.Location, model.Location(
            enterprise=draw(st.sampled_from(FIRMS)),
            park=draw(st.sampled_from(PARKS)),
            role="plant",
            sources=src,
            confidence="stated",
            as_of=when,
        )
    return model.Project, model.Project(
        id="later-project",
        name_zh="后来的项目",
        enterprise=draw(st.sampled_from(FIRMS)),
        park=draw(st.sampled_from(PARKS)),
        segment="cell-power",
        capacity=99.0,
        unit="GWh/yr",
        status="operating",
        sources=src,
        confidence="stated",
        as_of=when,
    )


DAYS = [date(2019, 12, 31), date(2021, 6, 30), date(2022, 6, 30), date(2023, 12, 31), date(2025, 6, 30)]
BEFORE = {d: _answers(build_graph(BASE), d) for d in DAYS}


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_fact_dated_after_the_day_never_changes_an_answer(data):
    day = data.draw(st.sampled_from(DAYS))
    facts = data.draw(st.lists(later_fact(day), min_size=1, max_size=3))
    ds = replace(BASE, rows={c: list(rows) for c, rows in BASE.rows.items()})
    for cls, rec in facts:
        ds.rows[cls].append(Row(rec, "generated", 0))
    assert _answers(build_graph(ds), day) == BEFORE[day]


# -- changes, freshness, stats, report, synth ---------------------------------------------------------------


def test_changes_since_a_date_in_date_order_with_sources(runner):
    r = runner.invoke(
        cli, ["changes", "--park", "yichun-etdz", "--since", "2024-06", "--until", "2025-12-31", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    rows = rows["rows"] if isinstance(rows, dict) else rows
    assert all(x["sources"] for x in rows)
    got = [(x["date"], x["what"], x["kind"], x["subject"]) for x in rows]
    assert ("2024-10", "event", "production_stopped", "hozon") in got
    assert ("2025-06", "event", "bankruptcy_restructuring", "hozon") in got
    assert ("2024-12", "stage", "operating", "hozon-yichun-plant") in got
    assert ("2025-12", "stage", "suspended", "mingguan-apf-200m") in got
    move = next(x for x in rows if x["subject"] == "hozon-yichun-plant" and x["what"] == "stage")
    assert move["detail"].startswith("construction → operating")
    from lithiumgraph.history import first_day

    assert [first_day(d) for d, *_ in got] == sorted(first_day(d) for d, *_ in got)
    assert not any(first_day(d) <= date(2024, 6, 30) for d, *_ in got)


def test_changes_report_ended_facts(data_copy, runner):
    (data_copy / "supplies.csv").write_text(
        f"{DATED_HEADER}\nshenghua,catl,LFP cathode,cathode-lfp,,Order,jixiandian-shenghua,2023-09,stated,2023-08,2024-06,\n",
        encoding="utf-8",
    )
    r = runner.invoke(
        cli, ["changes", "--park", "yichun-etdz", "--since", "2023-01", "--data", str(data_copy), "--format", "json"]
    )
    rows = json.loads(r.output)
    rows = rows["rows"] if isinstance(rows, dict) else rows
    got = [(x["date"], x["what"], x["kind"]) for x in rows if x["subject"] == "shenghua" and x["kind"] == "SUPPLIES"]
    assert got == [("2023-08", "new", "SUPPLIES"), ("2024-06", "ended", "SUPPLIES")]


def test_freshness_ranks_the_leader_flag_and_the_contradiction_first(runner):
    r = runner.invoke(cli, ["freshness", "--park", "yichun-etdz", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    rows = rows["rows"] if isinstance(rows, dict) else rows
    first = rows[0]
    assert (first["problem"], first["weight"], first["subject"], first["fact"]) == (
        "contradicted",
        3,
        "hozon",
        "IN_SEGMENT hozon→vehicle-nev",
    )
    assert "bankruptcy restructuring on 2025-06" in first["detail"]
    assert [x["weight"] for x in rows] == sorted((x["weight"] for x in rows), reverse=True)
    stuck = {x["subject"]: x["detail"] for x in rows if x["problem"] == "stuck"}
    assert stuck["ganfeng-yichun-cells"].startswith("signed since 2022-09-28")
    assert "gotion-yichun-cells-1" not in stuck  # operating: not waiting
    # the threshold moves what is stale, and a bad age is one line naming the parameter
    few = runner.invoke(cli, ["freshness", "--park", "yichun-etdz", "--older-than", "20y", "--format", "json"])
    assert not [x for x in json.loads(few.output) if x["problem"] == "stale" and x["last_checked"] != "never"]
    bad = runner.invoke(cli, ["freshness", "--older-than", "18 months"])
    assert (
        bad.exit_code == 1 and bad.output.strip() == "Error: older_than: '18 months' is not an age (use 18m, 2y or 90d)"
    )


def test_stats_shows_the_share_checked_within_a_year(runner, data_copy):
    from lithiumgraph.summary import stats

    before = stats(load_graph(data_copy))
    path = data_copy / "project_events.csv"
    text = path.read_text(encoding="utf-8")
    old = "catl-yichun-cells,2021-10-28,construction,Groundbreaking (the row's start),autohome-2021-10-30,stated,"
    path.write_text(text.replace(old, old + date.today().isoformat()), encoding="utf-8")
    after = stats(load_graph(data_copy))
    assert after.checked == before.checked + 2  # the event node and its HAS_EVENT edge
    assert after.checked_years == before.checked_years + 2 and after.years == (date.today().year - 1, date.today().year)
    r = runner.invoke(cli, ["stats", "--data", str(data_copy)])
    out = " ".join(r.output.split())
    assert f"facts checked within 12 months {after.checked}/{after.facts}" in out
    span = f"{after.years[0]}–{after.years[1]}"
    assert f"facts checked in {span} {after.checked_years}/{after.facts}" in out
    assert f"facts with a source of {span} {after.sourced_years}/{after.facts}" in out


def test_the_report_has_a_since_last_year_section(runner, tmp_path):
    r = runner.invoke(cli, ["report", "--park", "yichun-etdz", "--as-of", "2025-12-31", "-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    part = md.split("## Since last year")[1].split("## Sources")[0]
    assert "Changes dated after 2024-12-31 and up to 2025-12-31" in part
    assert "bankruptcy_restructuring" in part and "jqman-2025-06-neta" in part


def test_synth_writes_histories_that_changes_and_freshness_read(tmp_path, runner):
    out = tmp_path / "syn"
    assert runner.invoke(cli, ["synth", "--enterprises", "800", "--seed", "4", "-o", str(out)]).exit_code == 0
    events = (out / "project_events.csv").read_text(encoding="utf-8").splitlines()
    assert len(events) > 100 and all(",synthetic," in e for e in events[1:])
    r = runner.invoke(cli, ["changes", "--park", "syn-cn", "--since", "2020", "--data", str(out), "--format", "json"])
    rows = json.loads(r.output)
    assert {x["what"] for x in rows} >= {"stage", "event", "new"}
    r = runner.invoke(cli, ["freshness", "--stuck-months", "24", "--data", str(out), "--format", "json"])
    assert any(x["problem"] == "stuck" for x in json.loads(r.output))


def test_a_graph_edited_twice_is_cut_by_its_own_edges():
    # a graph edited after its build gets a fresh edge table each time, never the table of an earlier edit
    G = build_graph(load())
    firms = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "Enterprise")
    pairs = [(a, b) for a, b in zip(firms, firms[1:]) if b not in G._succ[a]][:2]
    for a, b in pairs:
        G.add_edge(a, b, key="SUPPLIES#later", kind="SUPPLIES", valid_from="2024-01", sources=())
        assert b not in snapshot(G, "2023-06")._succ[a] and b in snapshot(G, "2024-06")._succ[a]

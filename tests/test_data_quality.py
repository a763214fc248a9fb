"""The shipped graph_data/ keeps its quality rules: every capacity dated and in a unit, every leader flag
with the ranking that gives it, no old operating status left unchecked, enough candidates in every
segment a park can attract, and the floors of the data set's size. The rules are pinned, not today's
counts: adding rows that follow them never breaks a test."""

import csv
import re
from datetime import date

import pytest

from lithiumgraph.coverage import FEWER_IN_REALITY, MIN_CANDIDATES, segment_coverage
from lithiumgraph.freshness import _checked, parse_age
from lithiumgraph.history import last_day
from lithiumgraph.summary import stats

from conftest import DATA


def _rows(name: str) -> list[tuple[int, dict]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(enumerate(csv.DictReader(f), 2))


#: Capacities whose source prints no year and whose year no other source found gives (searched for each;
#: all are planned or being built, so none counts as capacity). A row leaves this list when its year is found;
#: nothing is added to it silently: the test fails for a row that is listed but no longer needs to be.
UNDATED_IN_SOURCE = {
    ("enterprise_segments.csv", "fengxin-jiuling", "lithium-carbonate"): "EIA approval of 7月30日, year not printed",
    ("projects.csv", "fengxin-jiuling-materials", "lithium-carbonate"): "the same EIA approval",
    ("enterprise_segments.csv", "dynanonic-lintie", "cathode-lfp"): "JV agreement of May 13, year not printed",
    ("enterprise_segments.csv", "hongma", "ncm-precursor"): "contract of Nov 26, year not printed",
    ("enterprise_segments.csv", "hongma", "cathode-ncm"): "contract of Nov 26, year not printed",
}


def test_every_capacity_has_a_unit_and_a_year():
    undated = {
        (name, r.get("id") or r["enterprise"], r["segment"]): i
        for name in ("enterprise_segments.csv", "projects.csv")
        for i, r in _rows(name)
        if r["capacity"] and not (r["unit"] and (r["as_of"] or r.get("valid_from")))
    }
    assert [f"{k[0]}:{i}: {k[1]} {k[2]}" for k, i in undated.items() if k not in UNDATED_IN_SOURCE] == []
    assert sorted(set(UNDATED_IN_SOURCE) - set(undated)) == [], "dated now: take it off UNDATED_IN_SOURCE"


#: What names a ranking: a place (第2, No. 1, top 3, 前三, 1st), a share (37%, 份额), or a ranking word.
RANKING = re.compile(
    r"第\s*\d|第[一二三四五六七八九十]|No\.\s*\d|\btop\b|前[三五十]|\b\d+(st|nd|rd|th)\b|\d\s*%|"
    r"份额|share|largest|biggest|first|second|third|leaders?\b|leading|排名|龙头|出货量",
    re.I,
)


def test_every_leader_flag_names_its_ranking_and_a_source():
    bad = [
        f"enterprise_segments.csv:{i}: {r['enterprise']} {r['segment']} {r['leader']}: note {r['note'][:80]!r}"
        for i, r in _rows("enterprise_segments.csv")
        if r["leader"] and not (r["sources"] and RANKING.search(r["note"]))
    ]
    assert bad == []


def test_the_ranking_pattern_tells_a_ranking_from_a_remark():
    named = [
        "CABIA H1 2024 装车量 第3 (6.87%)",
        "SNE Research 2024 global No. 1",
        "one of the three LiPF6 leaders",
        "China's largest separator-coating processor",
        "2nd by H1 2025 copper-foil revenue",
    ]
    remarks = ["", "Only the ~2016 宜春 city page (and no later source) supports this", "Seed: 国内头部企业"]
    assert all(RANKING.search(x) for x in named) and not any(RANKING.search(x) for x in remarks)


#: Operating rows resting on sources older than the threshold that no newer source found so far confirms
#: (searched for each): they wait to be re-checked. A row leaves this list when it is re-checked (a newer
#: source and its retrieved_on) or ended; the test fails for a row listed that no longer needs to be.
NOT_YET_RECHECKED = {
    "gotion→lithium-carbonate",
    "jiangxi-gotion→cell-storage",
    "jiangxi-gotion→battery-pack",
    "jiangxi-gotion→energy-storage-system",
    "yichun-ganfeng→lithium-metal",
    "fengxin-ganfeng→lithium-carbonate",
    "baohong-nano→hpa-coating",
    "zhengzhao-seed→anode",
}


def test_no_old_operating_status_without_a_retrieved_on(G):
    """An operating project or firm-in-segment whose newest source is older than ``freshness``'s default
    threshold must say when someone last checked it (``retrieved_on``)."""
    limit, today = parse_age("18m"), date.today()
    dates = {n: last_day(d["date"]) for n, d in G.nodes(data=True) if d.get("kind") == "Source" and d.get("date")}
    facts = [(n, d) for n, d in G.nodes(data=True) if d.get("kind") == "Project"]
    facts += [
        (f"{u}→{v}", d)
        for u, v, d in G.edges(data=True)
        if d["kind"] == "IN_SEGMENT" and G.nodes[u]["kind"] == "Enterprise"
    ]
    old = {}
    for label, d in facts:
        last = _checked(d, dates)
        if (
            d.get("status") == "operating"
            and not d.get("retrieved_on")
            and (last is None or (today - last).days > limit)
        ):
            old[label] = (
                f"{label}: operating, newest source {last or 'undated'}, sources {'|'.join(d.get('sources', ()))}"
            )
    assert [x for k, x in old.items() if k not in NOT_YET_RECHECKED] == []
    assert sorted(NOT_YET_RECHECKED - set(old)) == [], "re-checked now: take it off NOT_YET_RECHECKED"


def test_every_attractable_segment_has_enough_candidates(G):
    thin = [
        f"{c.segment}: {c.candidates} < {MIN_CANDIDATES}"
        for c in segment_coverage(G)
        if c.attractable and c.candidates < MIN_CANDIDATES and c.segment not in FEWER_IN_REALITY
    ]
    assert thin == []


def test_the_data_set_reaches_its_floors(G):
    """At least 300 enterprises, 150 supply relations and 200 capacity figures (firm-wide and on projects),
    as ``stats`` counts them on today's graph."""
    s = stats(G)
    assert s.nodes["Enterprise"] >= 300
    assert s.edges["SUPPLIES"] >= 150
    assert sum(s.capacities.values()) >= 200, s.capacities


def test_segments_with_fewer_firms_in_reality_say_why(G):
    segments = {c.segment: c for c in segment_coverage(G)}
    sources = {n for n, d in G.nodes(data=True) if d.get("kind") == "Source"}
    for seg, (reason, cited) in FEWER_IN_REALITY.items():
        assert segments[seg].attractable and reason.strip() and cited and set(cited) <= sources, seg


def test_the_readme_coverage_table_is_the_data(G):
    from pathlib import Path
    from lithiumgraph.coverage import coverage_table

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"<!-- coverage -->\n(.*?)<!-- /coverage -->", readme, re.S)
    assert shown, "README.md has no <!-- coverage --> table"
    assert shown[1] == coverage_table(G), (
        "README coverage table is out of date: python scripts/coverage_table.py --write"
    )


@pytest.mark.parametrize("segment", ["brine", "spodumene", "lepidolite-ore"])
def test_natural_resources_are_not_attractable(G, segment):
    assert not {c.segment: c for c in segment_coverage(G)}[segment].attractable

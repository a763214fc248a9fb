"""Time in the data: dates on every fact, project and firm events, prices; each bad row gives its exact
FILE:LINE: FIELD: message and nothing loads."""

from datetime import date

import pytest

from lithiumgraph import load_graph
from lithiumgraph.dataset import load
from lithiumgraph.errors import DataError
from lithiumgraph.history import Step, first_day, last_day, order_problems, status_on
from conftest import edit, line_of

TODAY = date.today()
SUPPLY = "shenghua,catl,LFP cathode,cathode-lfp,2023-08–,Long-term order,jixiandian-shenghua,2023-09,stated"
DATED_HEADER = (
    "supplier,customer,product,segment,period,evidence,sources,as_of,confidence,valid_from,valid_to,retrieved_on"
)


def _supplies(d, dates: str) -> None:
    (d / "supplies.csv").write_text(f"{DATED_HEADER}\n{SUPPLY},{dates}\n", encoding="utf-8")


@pytest.mark.parametrize(
    "dates,field,message",
    [
        ("2023-8,,", "valid_from", "malformed date '2023-8' (use YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("2023-02-30,,", "valid_from", "impossible date '2023-02-30'"),
        ("2024-05,2024-04-30,", "valid_to", "valid_to 2024-04-30 is before valid_from 2024-05"),
        ("2023-08,,2999-01", "retrieved_on", f"date '2999-01' is after today ({TODAY})"),
        (",2999,", "valid_to", f"date '2999' is after today ({TODAY})"),
    ],
)
def test_fact_dates(data_copy, dates, field, message):
    _supplies(data_copy, dates)
    with pytest.raises(DataError) as err:
        load(data_copy)
    assert [str(p) for p in err.value.problems] == [f"{data_copy / 'supplies.csv'}:2: {field}: {message}"]


def test_fact_dates_that_fit_load_and_travel_with_the_edge(data_copy):
    from lithiumgraph.graph import build_graph

    _supplies(data_copy, "2023-08,2024,2026-01-05")
    G = build_graph(load(data_copy))  # every date: the relation ended in 2024
    d = next(d for _, _, d in G.edges("shenghua", data=True) if d["kind"] == "SUPPLIES")
    assert (d["valid_from"], d["valid_to"], d["retrieved_on"]) == ("2023-08", "2024", "2026-01-05")


EVENT_CASES = [
    # (file, row appended, field, message)
    (
        "project_events.csv",
        "no-such-project,2022-01,signed,,cnyes-4966703,stated,",
        "project",
        "unknown project id 'no-such-project'",
    ),
    (
        "project_events.csv",
        "ganfeng-yichun-cells,2023-01,built,,cnyes-4966703,stated,",
        "stage",
        "unknown value 'built'; expected one of planned, signed, land, started, construction, trial, operating, "
        "expanded, halted, suspended, cancelled",
    ),
    (
        "project_events.csv",
        "ganfeng-yichun-cells,2023-13,construction,,cnyes-4966703,stated,",
        "date",
        "impossible date '2023-13'",
    ),
    (
        "project_events.csv",
        "ganfeng-yichun-cells,,construction,,cnyes-4966703,stated,",
        "date",
        "missing required value",
    ),
    (
        "project_events.csv",
        "ganfeng-yichun-cells,2999-01-01,operating,,cnyes-4966703,stated,",
        "date",
        f"date '2999-01-01' is after today ({TODAY})",
    ),
    (
        "project_events.csv",
        "ganfeng-yichun-cells,2022-09-28,cancelled,,cnyes-4966703,stated,",
        "stage",
        "'cancelled' and 'signed' (line 23) on the same date 2022-09-28 contradict each other",
    ),
    (
        "project_events.csv",
        "gotion-yichun-cells-1,2022-06,signed,,autoorg-gotion,stated,",
        "date",
        "'signed' on 2022-06 comes after 'operating' on 2022-05-30 (line 32) with no halt, suspension or "
        "cancellation between",
    ),
    (
        "project_events.csv",
        "ganfeng-yichun-cells,2022-10,signed,,cnyes-4966703,extracted,2999-01",
        "retrieved_on",
        f"date '2999-01' is after today ({TODAY})",
    ),
    (
        "enterprise_events.csv",
        "nobody,2025-01,production_stopped,,cnyes-4966703,stated,",
        "enterprise",
        "unknown enterprise id 'nobody'",
    ),
    (
        "enterprise_events.csv",
        "hozon,2025-01,closed,,cnyes-4966703,stated,",
        "event",
        "unknown value 'closed'; expected one of production_stopped, bankruptcy_restructuring, acquired, renamed, "
        "listed, delisted, licence_granted, licence_renewed, licence_expired, licence_suspended, "
        "licence_cancelled, resumed",
    ),
    (
        "enterprise_events.csv",
        "hozon,2025-06,bankruptcy_restructuring,again,jqman-2025-06-neta,stated,",
        "enterprise,date,event",
        None,
    ),  # duplicate key: the message names the first line
    (
        "prices.csv",
        "lithium-carbonate-battery-grade,2024-01,8万,yuan/t,monthly average spot,,cnyes-4966703,stated,",
        "value",
        "malformed number '8万'",
    ),
    (
        "prices.csv",
        "Lithium Carbonate,2024-01,80000,yuan/t,monthly average spot,,cnyes-4966703,stated,",
        "series",
        "invalid id 'Lithium Carbonate' (use lower-case letters, digits, '.', '_', '-', ':')",
    ),
]

PRICE_HEADER = "series,date,value,unit,basis,note,sources,confidence,retrieved_on\n"


@pytest.mark.parametrize(
    "fname,row,field,message", EVENT_CASES, ids=[f"{c[0]}:{c[2]}:{i}" for i, c in enumerate(EVENT_CASES)]
)
def test_each_bad_event_names_file_line_and_field(data_copy, fname, row, field, message):
    path = data_copy / fname
    text = path.read_text(encoding="utf-8") if path.exists() else PRICE_HEADER
    path.write_text(text + row + "\n", encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(DataError) as err:
        load(data_copy)
    lines = [str(p) for p in err.value.problems]
    assert len(lines) == 1, lines
    prefix = f"{path}:{line}: {field}: "
    if message is None:
        assert lines[0].startswith(prefix + "duplicate key"), lines
    else:
        assert lines == [prefix + message]


def test_old_status_names_the_new_one(data_copy):
    path = data_copy / "projects.csv"
    edit(path, "GWh/yr,135e8,construction,2021-10-28", "GWh/yr,135e8,under_construction,2021-10-28")
    with pytest.raises(DataError) as err:
        load(data_copy)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:{line_of(path, 'catl-yichun-cells,')}: status: old status 'under_construction': it is now 'construction'"
    ]


def test_stated_status_is_checked_against_the_events(data_copy):
    path = data_copy / "projects.csv"
    edit(path, "GWh/yr,,signed,2022-09-28,Agreement", "GWh/yr,,operating,2022-09-28,Agreement")
    with pytest.raises(DataError) as err:
        load(data_copy)
    events = data_copy / "project_events.csv"
    assert [str(p) for p in err.value.problems] == [
        f"{path}:{line_of(path, 'ganfeng-yichun-cells,')}: status: status 'operating' contradicts 'signed' on 2022-09-28 "
        f"({events}, line {line_of(events, 'ganfeng-yichun-cells,')}); the status on 2022-09-28 is the last event by then"
    ]


def test_events_prices_and_status_on_the_graph(data_copy):
    (data_copy / "prices.csv").write_text(
        PRICE_HEADER
        + "lithium-carbonate-battery-grade,2024-01,97000,yuan/t,monthly average spot,,cnyes-4966703,stated,\n",
        encoding="utf-8",
    )
    G = load_graph(data_copy)
    ev = {v: d for _, v, d in G.out_edges("gotion-yichun-cells-1", data=True) if d["kind"] == "HAS_EVENT"}
    assert sorted((G.nodes[v]["date"], G.nodes[v]["stage"]) for v in ev) == [
        ("2021-03-24", "signed"),
        ("2021-05", "construction"),
        ("2022-05-30", "operating"),
    ]
    assert all(G.nodes[v]["kind"] == "Event" and G.nodes[v]["sources"] for v in ev)
    firm = sorted(G.nodes[v]["event"] for _, v, d in G.out_edges("hozon", data=True) if d["kind"] == "HAS_EVENT")
    assert firm == ["bankruptcy_restructuring", "production_stopped"]
    price = [d for _, d in G.nodes(data=True) if d["kind"] == "Price"]
    assert [(p["series"], p["date"], p["price"], p["unit"]) for p in price] == [
        ("lithium-carbonate-battery-grade", "2024-01", 97000.0, "yuan/t")
    ]
    # the stated status (projects.csv) and the last event agree; the status on the graph is derived
    assert G.nodes["gotion-yichun-cells-1"]["status"] == "operating"
    assert G.nodes["ganfeng-yichun-cells"]["status"] == "signed"


def test_dates_of_any_precision():
    assert (first_day("2024"), last_day("2024")) == (date(2024, 1, 1), date(2024, 12, 31))
    assert (first_day("2024-02"), last_day("2024-02")) == (date(2024, 2, 1), date(2024, 2, 29))
    assert first_day("2024-02-10") == last_day("2024-02-10") == date(2024, 2, 10)


def test_status_on_a_date_is_the_last_event_by_then():
    steps = [
        Step("2021-05", "construction"),
        Step("2022-05-30", "operating"),
        Step("2024", "halted"),
        Step("2025-03", "construction"),
    ]
    on = {
        d: (s.stage if (s := status_on(steps, date.fromisoformat(d))) else None)
        for d in ("2021-04-30", "2021-05-01", "2022-05-29", "2022-05-30", "2024-01-01", "2025-03-31")
    }
    assert on == {
        "2021-04-30": None,
        "2021-05-01": "construction",
        "2022-05-29": "construction",
        "2022-05-30": "operating",
        "2024-01-01": "halted",
        "2025-03-31": "construction",
    }
    # a stop restarts the order, and overlapping dates of different precision are not ordered
    assert order_problems(steps) == []
    assert order_problems([Step("2021", "operating"), Step("2021-05", "signed")]) == []
    assert order_problems([Step("2021-05", "signed", "line 2"), Step("2021-05", "started", "line 3")]) == []

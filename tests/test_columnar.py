"""Columnar reading gives what the row reader gives: the same records, the same problems in the same order
(on hostile files and on a synthetic set big enough for the column checks), and the same graph, node by
node and edge by edge, as a build record by record (the oracle below)."""

import shutil
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from lithiumgraph import columns, model
from lithiumgraph.dataset import default_data_dir, load
from lithiumgraph.errors import DataError
from lithiumgraph.graph import build_graph, project_statuses
from lithiumgraph.synth import write_synth


def _by_rows(monkeypatch, dirs):
    """Load with every file read row by row and every cross-record check made record by record."""
    with monkeypatch.context() as m:
        m.setattr(columns, "read", lambda *a, **k: None)
        m.setattr(columns, "clean", lambda *a, **k: False)
        return _outcome(dirs)


def _outcome(dirs):
    try:
        ds = load(dirs)
    except DataError as e:
        return str(e)
    return {cls.__name__: [(r.record, r.path, r.line) for r in rows] for cls, rows in ds.rows.items()}


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("syn") / "syn2k"
    write_synth(2000, 1, d)
    assert sum(1 for _ in open(d / "supplies.csv", encoding="utf-8")) > 5000  # past the column checks' floor
    return d


def _copy(src, tmp_path):
    d = tmp_path / "data"
    shutil.copytree(src, d)
    return d


def _append(path, text):
    with open(path, "ab") as f:
        f.write(text)


# (file, bytes that replace the whole file's tail after the header, or a function of the raw bytes)
HOSTILE = [
    ("enterprises.csv", lambda b: b"\xef\xbb\xbf" + b),  # BOM
    ("enterprises.csv", lambda b: b.replace(b"\n", b"\r\n")),  # CRLF
    ("enterprises.csv", lambda b: b.replace(b"\n", b"\r", 3)),  # stray CR
    ("enterprises.csv", lambda b: b + b"\n\n"),  # blank lines
    ("enterprises.csv", lambda b: b + b",,,,,,,,,,,\n"),  # comma-only row
    ("enterprises.csv", lambda b: b + b"   \n"),  # spaces-only line
    ("enterprises.csv", lambda b: b + b'syn-q,"x"y,,,,,synthetic,2026,synthetic,,,\n'),  # text after a quote
    ("enterprises.csv", lambda b: b + b'syn-q,"a, ""b""",,,,,synthetic,2026,synthetic,,,\n'),  # quoted comma
    ("enterprises.csv", lambda b: b + b'syn-q,a"b,,,,,synthetic,2026,synthetic,,,\n'),  # quote inside
    ("enterprises.csv", lambda b: b + b'syn-q,"open,,,,,synthetic,2026,synthetic,,,\n'),  # quote left open
    ("enterprises.csv", lambda b: b + b'syn-q,"two\nlines",,,,,synthetic,2026,synthetic,,,\n'),
    ("enterprises.csv", lambda b: b + b"syn-q,\xff\xfe,,,,,synthetic,2026,synthetic,,,\n"),  # bad UTF-8
    ("enterprises.csv", lambda b: b + b"syn-q,a\x00b,,,,,synthetic,2026,synthetic,,,\n"),  # NUL
    ("enterprises.csv", lambda b: b + b"syn-q,a\x07b,,,,,synthetic,2026,synthetic,,,\n"),  # control character
    ("enterprises.csv", lambda b: b + b"syn-q, \xe2\x80\x83x\xc2\xa0 ,,,,,synthetic,2026,synthetic,,,\n"),  # odd spaces
    ("enterprises.csv", lambda b: b + b"syn-q,,,,,,synthetic,2026,synthetic,,,\n"),  # no name
    ("enterprises.csv", lambda b: b + b"syn-q,x,,,,,synthetic,2026,synthetic,,,"),  # no final newline
    ("enterprises.csv", lambda b: b + b"syn-q,x,,,,,synthetic,2026,synthetic,,"),  # cut mid-row
    ("enterprises.csv", lambda b: b + b"syn-q,x,,,,,synthetic,2026,synthetic,,,\n" * 2),  # duplicate id
    ("enterprises.csv", lambda b: b + b"syn-Q,x,,a||b,,,synthetic,2999,made-up,,,\n"),  # several bad cells
    ("enterprises.csv", lambda b: b.split(b"\n", 1)[0] + b"\n"),  # header only
    ("enterprises.csv", lambda b: b""),  # empty
    ("enterprises.csv", lambda b: b[: len(b) // 2]),  # cut in half
    ("enterprises.csv", lambda b: b.replace(b"name_en", b"name_en ", 1)),  # header spaces
    ("enterprises.csv", lambda b: b.replace(b"name_en", b"name_fr", 1)),  # unknown column
    ("supplies.csv", lambda b: b + b"syn-e000001,syn-nobody,x,,,synthetic,synthetic,2026,synthetic,,,\n"),
    ("supplies.csv", lambda b: b + b"syn-e000001,syn-e000001,x,,,synthetic,synthetic,2026,synthetic,,,\n"),
    ("supplies.csv", lambda b: b + b"syn-e000001,syn-e000002,x,,,synthetic,synthetic,2026,synthetic,2024,2023,\n"),
    (
        "supplies.csv",
        lambda b: b + b"syn-e000001,syn-e000002,x,cathode-lfp,,synthetic,synthetic,2026,synthetic,,,\n" * 2,
    ),
    ("supplies.csv", lambda b: b + b"syn-e000001,syn-e000002,x,,,synthetic,synthetic|nope,2026,synthetic,,,\n"),
    ("enterprise_segments.csv", lambda b: b + b"syn-e000001,cell-power,,12,,operating,,,synthetic,2026,synthetic,,,\n"),
    (
        "enterprise_segments.csv",
        lambda b: b + b"syn-e000002,cell-power,,12,t/yr,operating,,,synthetic,2026,synthetic,,,\n",
    ),
    (
        "enterprise_segments.csv",
        lambda b: b + b"syn-e000003,cell-power,,1e400,GWh/yr,old,,,synthetic,2026,synthetic,,,\n",
    ),
    (
        "enterprise_segments.csv",
        lambda b: b + b"syn-e000003,cell-power,,12,GWh/yr,under_construction,,,synthetic,,synthetic,,,\n",
    ),
    ("locations.csv", lambda b: b.replace(b"syn-park", b"syn-nopark", 5)),  # unknown references
    ("ownership.csv", lambda b: b + b"syn-e000001,syn-e000002,SUBSIDIARY_OF,120,,synthetic,2026,synthetic,,,\n"),
]


@pytest.mark.parametrize("name,change", HOSTILE, ids=[f"{n}-{i}" for i, (n, _) in enumerate(HOSTILE)])
def test_hostile_files_give_the_row_readers_words(monkeypatch, synth_dir, tmp_path, name, change):
    d = _copy(synth_dir, tmp_path)
    p = d / name
    p.write_bytes(change(p.read_bytes()))
    got, want = _outcome(d), _by_rows(monkeypatch, d)
    assert got == want


def test_a_bad_cell_in_a_big_file_is_reported_and_the_rest_read_as_columns(monkeypatch, synth_dir, tmp_path):
    d = _copy(synth_dir, tmp_path)
    text = (d / "supplies.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    text[100] = text[100].replace(",synthetic,2026,", ",synthetic,2026-02-30,")
    (d / "supplies.csv").write_text("".join(text), encoding="utf-8")
    calls = []
    real = columns.read
    monkeypatch.setattr(columns, "read", lambda *a: calls.append(r := real(*a)) or r)
    with pytest.raises(DataError) as e:
        load(d)
    assert str(e.value).endswith("supplies.csv:101: as_of: impossible date '2026-02-30'")
    assert str(e.value).count("\n") == 0 and calls and all(t is not None for t in calls)
    monkeypatch.undo()
    assert str(e.value) == _by_rows(monkeypatch, d)


@pytest.mark.parametrize("where", ["shipped", "synth"])
def test_same_records_as_the_row_reader(monkeypatch, synth_dir, where):
    d = default_data_dir() if where == "shipped" else synth_dir
    assert _outcome(d) == _by_rows(monkeypatch, d)


# -- the graph, against a build record by record --------------------------------------------------------------

PROV = ("sources", "as_of", "confidence", "valid_from", "valid_to", "retrieved_on")


def _props(rec, drop=()):
    return {
        k: v
        for k in columns.field_names(rec.__class__)
        if k not in drop and (v := getattr(rec, k)) is not None and v != ()
    }


def _prov(rec):
    return {k: v for k in PROV if (v := getattr(rec, k, None)) is not None and v != ()}


def _oracle(ds):
    """The graph built one record at a time, as it was built before columns."""
    nodes, edges, seen = [], [], {}

    def edge(u, v, kind, props):
        n = seen[(u, v, kind)] = seen.get((u, v, kind), 0) + 1
        edges.append((u, v, kind if n == 1 else f"{kind}#{n}", {"kind": kind, **props}))

    def node(n, kind, props):
        nodes.append((n, {"kind": kind, **props}))

    R = ds.records
    for cls in (model.Source, model.Park, model.Segment):
        for rec in R(cls):
            node(rec.id, cls.node_kind, _props(rec, ("id",)))
            if cls is model.Park and rec.parent:
                edge(rec.id, rec.parent, "LOCATED_IN", {"role": "part_of", **_prov(rec)})
    for rec in R(model.SegmentLink):
        edge(rec.upstream, rec.downstream, "UPSTREAM_OF", _props(rec, ("upstream", "downstream")))
    for rec in R(model.Enterprise):
        node(rec.id, "Enterprise", _props(rec, ("id",)))
    listings = {}
    for rec in R(model.Listing):
        listings.setdefault(rec.enterprise, []).append(rec.listed_code)
    for n, d in nodes:
        if n in listings and d["kind"] == "Enterprise":
            d["listed_codes"] = tuple(dict.fromkeys(([d["listed_code"]] if d.get("listed_code") else []) + listings[n]))
            d.setdefault("listed_code", d["listed_codes"][0])
    for rec in R(model.Location):
        edge(rec.enterprise, rec.park, "LOCATED_IN", _props(rec, ("enterprise", "park")))
    for rec in R(model.Membership):
        edge(rec.enterprise, rec.segment, "IN_SEGMENT", _props(rec, ("enterprise", "segment")))
    statuses = project_statuses(ds, date.today())
    for rec in R(model.Project):
        props = _props(rec, ("id", "status"))
        if rec.status:
            props["status_stated"] = rec.status
        if statuses.get(rec.id):
            props["status"] = statuses[rec.id]
        node(rec.id, "Project", props)
        edge(rec.enterprise, rec.id, "RUNS", _prov(rec))
        edge(rec.id, rec.park, "LOCATED_IN", {"role": "site", **_prov(rec)})
        if rec.segment:
            edge(
                rec.id,
                rec.segment,
                "IN_SEGMENT",
                {**{k: props[k] for k in ("capacity", "unit", "status") if k in props}, **_prov(rec)},
            )
    for rec in R(model.Supply):
        edge(rec.supplier, rec.customer, "SUPPLIES", _props(rec, ("supplier", "customer")))
    for rec in R(model.Ownership):
        edge(rec.owner_from, rec.owner_to, rec.kind, _props(rec, ("owner_from", "owner_to", "kind")))
    counts = {}
    for rec in R(model.Figure):
        k = counts[(rec.subject, rec.metric)] = counts.get((rec.subject, rec.metric), 0) + 1
        node(f"fig:{rec.subject}:{rec.metric}:{k}", "Figure", _props(rec, ("subject",)))
        edge(rec.subject, f"fig:{rec.subject}:{rec.metric}:{k}", "HAS_FIGURE", _prov(rec))
    for rec in R(model.Intensity):
        node(f"int:{rec.material}:{rec.chemistry}", "Intensity", _props(rec))
        edge(rec.material, f"int:{rec.material}:{rec.chemistry}", "HAS_INTENSITY", _prov(rec))
    for cls, parent, kind in ((model.Product, "segment", "MAPS_TO"), (model.Industry, "parent", "PART_OF")):
        for rec in R(cls):
            node(rec.id, cls.node_kind, _props(rec, ("id",)))
            if getattr(rec, parent):
                edge(rec.id, getattr(rec, parent), kind, _prov(rec))
    for rec in R(model.Make):
        edge(rec.enterprise, rec.product, "MAKES", _props(rec, ("enterprise", "product")))
    for rec in R(model.ProductLink):
        edge(rec.link_from, rec.link_to, rec.kind, _props(rec, ("link_from", "link_to", "kind")))
    for rec in R(model.IndustryMembership):
        edge(rec.enterprise, rec.industry, "IN_INDUSTRY", _props(rec, ("enterprise", "industry")))
    for rec in R(model.IndustryLink):
        edge(rec.link_from, rec.link_to, "FEEDS_INDUSTRY", _props(rec, ("link_from", "link_to")))
    for cls, who, what in ((model.ProjectEvent, "project", "stage"), (model.EnterpriseEvent, "enterprise", "event")):
        for rec in R(cls):
            eid = f"ev:{getattr(rec, who)}:{rec.date}:{getattr(rec, what)}"
            node(eid, "Event", _props(rec, (who,)))
            edge(getattr(rec, who), eid, "HAS_EVENT", {"date": rec.date, **_prov(rec)})
    for rec in R(model.Policy):
        node(rec.id, "Policy", _props(rec, ("id",)))
    for i, rec in enumerate(R(model.Price)):
        node(f"price:{rec.series}:{rec.date}:{i}", "Price", _props(rec))
    return nodes, edges


def _typed(d):
    return [(k, type(v).__name__, v) for k, v in d.items()]


FIXTURES = Path(__file__).parent / "fixtures"


def _layers(src, tmp_path):
    """The synthetic set as two directories, supplies and events split between them (two tables a class)."""
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(src, a)
    b.mkdir()
    for name in ("supplies.csv", "project_events.csv", "locations.csv"):
        lines = (a / name).read_text(encoding="utf-8").splitlines(keepends=True)
        half = len(lines) // 2
        (a / name).write_text("".join(lines[:half]), encoding="utf-8")
        (b / name).write_text(lines[0] + "".join(lines[half:]), encoding="utf-8")
    return [a, b]


@pytest.mark.parametrize("where", ["shipped", "synth", "layered", "mini"])
def test_graph_is_the_record_by_record_graph(synth_dir, tmp_path, where):
    dirs = {"shipped": None, "synth": synth_dir, "layered": _layers(synth_dir, tmp_path), "mini": FIXTURES / "mini"}[
        where
    ]
    G = build_graph(load(dirs))
    H = nx.MultiDiGraph()
    nodes, edges = _oracle(load(dirs))
    H.add_nodes_from(nodes)
    H.add_edges_from(edges)
    assert [(n, _typed(d)) for n, d in G.nodes(data=True)] == [(n, _typed(d)) for n, d in H.nodes(data=True)]
    assert [(u, v, k, _typed(d)) for u, v, k, d in G.edges(keys=True, data=True)] == [
        (u, v, k, _typed(d)) for u, v, k, d in H.edges(keys=True, data=True)
    ]


def test_plain_pattern_agrees_with_python_on_every_code_point():
    """The pattern that lets a cell skip the row reader's parse holds only where strip() keeps the cell and
    no control character is in it (checked alone, at either edge and inside)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from lithiumgraph.cells import CONTROL_RE

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for cells in (chars, [f"a{c}" for c in chars], [f"{c}a" for c in chars], [f"a{c}a" for c in chars]):
        got = pc.match_substring_regex(pa.array(cells), columns.PLAIN).to_pylist()
        want = [c.strip() == c and not CONTROL_RE.search(c) for c in cells]
        assert [c for c, g, w in zip(cells, got, want) if g and not w] == []
        assert sum(got) > 0.99 * len(cells)


def test_progress_is_one_line_on_stderr_only_when_asked_for(capsys, synth_dir):
    load(synth_dir, progress=True)
    err = capsys.readouterr().err
    assert err == "" or (err.startswith("\rvalidate: ") and "\n" not in err and err.endswith("\r"))
    from lithiumgraph.progress import Progress
    import io

    out = io.StringIO()
    bar = Progress("validate", 10, enabled=True, stream=out, delay=0)
    bar.advance(5, "supplies.csv")
    bar.close()
    line = "validate:  50% supplies.csv"
    assert out.getvalue() == "\r" + line + "\r" + " " * len(line) + "\r"
    load(synth_dir)  # stderr is not a terminal here: nothing
    assert capsys.readouterr().err == ""

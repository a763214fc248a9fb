"""The indexes analyses keep per graph (ownership, groups, recent projects) give the answers a fresh
read gives: on every park of graph_data/ and on synthetic parks, whichever parks were analysed before."""

import pytest

from lithiumgraph import load_graph
from lithiumgraph.analysis import GapRules, balance, gaps, recommend, risk
from lithiumgraph.graph import out_kind
from lithiumgraph.scope import Ownership, group_of
from lithiumgraph.synth import write_synth


def walk(G, n):
    """``n``'s group read straight from the edges, nearest first."""
    out, cur = [n], [n]
    while cur:
        cur = [v for m in cur for v, _ in out_kind(G, m, "SUBSIDIARY_OF") if v not in out and not out.append(v)]
    return out


def answers(G, park):
    cov = gaps(G, park)
    pipe = GapRules(include_pipeline=True)
    return {
        "gaps": cov.to_dict(),
        "balance": balance(G, park).to_dict(),
        "recommend": recommend(G, park, coverage=cov, top=10).to_dict(),
        "recommend_pipeline": recommend(G, park, rules=pipe).to_dict(),
        "risk": risk(G, park, coverage=cov).to_dict(),
    }


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    d = tmp_path_factory.mktemp("syn")
    write_synth(2000, 3, d)
    return load_graph(d)


@pytest.mark.parametrize("which", ["graph_data", "synthetic"])
def test_groups_are_the_edges_groups(G, synth, which):
    H = G if which == "graph_data" else synth
    firms = [n for n, k in H.nodes(data="kind") if k == "Enterprise"]
    assert any(len(walk(H, f)) > 2 for f in firms)  # groups of three levels are among them
    assert all(group_of(H, f) == walk(H, f) for f in firms)


@pytest.mark.parametrize("which", ["graph_data", "synthetic"])
def test_answers_do_not_depend_on_the_parks_analysed_before(G, synth, which):
    H = G if which == "graph_data" else synth
    parks = sorted(n for n, k in H.nodes(data="kind") if k == "Park")
    parks = sorted({"yichun-etdz", "yichun-city", *parks[::8]} & set(parks)) if which == "graph_data" else parks[::12]
    warm = {p: answers(H, p) for p in parks}  # one graph: its indexes built once, reused park after park
    assert any(t["candidates"] for a in warm.values() for t in a["recommend"]["targets"])
    for p in reversed(parks):
        assert answers(H.copy(), p) == warm[p], p  # a copy is another graph: its indexes are read afresh


def test_a_snapshot_and_an_edited_graph_get_their_own_groups(G):
    from lithiumgraph.timeline import snapshot

    H = G.copy()
    firm = next(f for f, k in H.nodes(data="kind") if k == "Enterprise" and len(group_of(H, f)) == 1)
    H.add_node("parent-co", kind="Enterprise", name_zh="母公司")
    H.add_edge(firm, "parent-co", key="SUBSIDIARY_OF", kind="SUBSIDIARY_OF")
    assert group_of(H, firm) == [firm, "parent-co"] and group_of(G, firm) == [firm]
    S = snapshot(G, "2021-01-01")
    assert all(group_of(S, f) == walk(S, f) for f, k in S.nodes(data="kind") if k == "Enterprise")
    assert Ownership.of(S) is not Ownership.of(G)
    assert recommend(S, "yichun-etdz").to_dict() == recommend(S.copy(), "yichun-etdz").to_dict()


@pytest.mark.parametrize("which", ["graph_data", "synthetic"])
def test_the_top_candidates_are_the_head_of_the_whole_ranking(G, synth, which):
    """Candidates are ranked by points alone and only the shown ones get their parts: the top five are the
    first five of the whole ranking, which runs by the sum of each candidate's parts, then name, then id."""
    H = G if which == "graph_data" else synth
    parks = ["yichun-etdz", "yichun-city", "jiangxi"] if which == "graph_data" else ["syn-park00000", "syn-city0000"]
    for p in parks:
        whole = recommend(H, p, top=10**6)
        assert sum(len(t.candidates) for t in whole) > 20
        for t, head in zip(whole, recommend(H, p, top=5)):
            assert [r.row() for r in head.candidates] == [r.row() for r in t.candidates[:5]]
            keys = [(-sum(x.points for x in r.parts), r.name, r.enterprise) for r in t.candidates]
            assert keys == sorted(keys) and [r.score for r in t.candidates] == [-k[0] for k in keys]
            assert [r.rank for r in t.candidates] == list(range(1, len(t.candidates) + 1))


KINDS = ("SUPPLIES", "IN_SEGMENT", "LOCATED_IN", "SUBSIDIARY_OF", "RUNS")


@pytest.mark.parametrize("which", ["graph_data", "synthetic", "synthetic as of 2023"])
def test_indexes_read_node_by_node_equal_those_read_from_every_edge(G, synth, which):
    """Each node's edges, its trading partners and the nodes with an edge of a kind, read when asked for
    (the last from the edge table where the graph has one), are what a pass over every edge gives, in the
    same order."""
    from lithiumgraph.analysis.edges import edges_by_node, neighbours, tails
    from lithiumgraph.graph import EdgeTable, in_kind
    from lithiumgraph.timeline import _table, snapshot

    H = (G if which == "graph_data" else synth if which == "synthetic" else snapshot(synth, "2023-01-01")).copy()
    if which == "graph_data":  # today's cut of the shipped data comes without one
        H.graph[EdgeTable.KEY] = _table(H)
    assert (EdgeTable.get(H) is None) == (which == "synthetic as of 2023")  # both ways of reading tails
    nodes = list(H._node)
    asked = nodes[::-7] + ["no-such-node"]  # some nodes first, out of order, then all of them
    for kind in KINDS:
        for incoming in (False, True):
            lazy = edges_by_node(H, kind, incoming)
            of = in_kind if incoming else out_kind
            full = {n: e for n in nodes if (e := list(of(H, n, kind)))}
            assert all(lazy.get(n, ()) == full.get(n, ()) and (n in lazy) == (n in full) for n in asked)
            assert list(lazy.items()) == list(full.items())
        trade: dict[str, set[str]] = {}
        for u in nodes:
            for v, _ in out_kind(H, u, kind):
                trade.setdefault(u, set()).add(v)
                trade.setdefault(v, set()).add(u)
        near = neighbours(H, kind)
        assert all((n in near) == (n in trade) and (n not in trade or near[n] == trade[n]) for n in asked + nodes)
    every: dict[str, dict[str, None]] = {}
    for u, nbrs in H._succ.items():
        for keys in nbrs.values():
            for d in keys.values():
                every.setdefault(d["kind"], {})[u] = None
    assert len(every) > 5 and all(tails(H, k) == list(us) for k, us in every.items())
    assert tails(H, "NO_SUCH_KIND") == []

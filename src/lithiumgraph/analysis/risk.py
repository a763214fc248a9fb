"""Where one firm's stoppage would stop a park's chain.

- single sources: a local firm (or its group) with one documented supplier for an input segment;
- chokepoints: the sole local firm of a segment that feeds other local segments (with the site rows
  that make it local; pipeline sites never make one), and articulation points of the supply network
  around the park (with their betweenness);
- concentration: Herfindahl-Hirschman index (0-10,000) over local capacity per segment, firms
  counted by their top group; left empty, with the sites named, where a local site states no figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..collector import collector_paused
from ..template import template
from ..graph import out_kind, short_name
from .edges import edges_by_node, neighbours
from .gaps import Coverage, GapRules, gaps
from .presence import sites
from .scope import Ownership, Scope, park_scope

__all__ = ["SingleSource", "Chokepoint", "Concentration", "RiskReport", "risk"]


@dataclass
class SingleSource:
    """A local firm's input segment that one documented supplier serves."""

    customer: str
    customer_name: str
    local_firm: str
    segment: str | None
    supplier: str
    supplier_name: str
    evidence: str
    sources: list[str]

    def row(self) -> dict:
        return {
            "customer": self.customer,
            "customer_name": self.customer_name,
            "local_firm": self.local_firm,
            "segment": self.segment,
            "supplier": self.supplier,
            "supplier_name": self.supplier_name,
            "evidence": self.evidence,
            "sources": self.sources,
        }


@dataclass
class Chokepoint:
    """An enterprise whose stoppage cuts local chain flows, why, and the site rows behind it."""

    enterprise: str
    name: str
    why: str
    segments: list[str]
    feeds: list[str]
    betweenness: float | None = None
    sites: list[str] = field(default_factory=list)

    def row(self) -> dict:
        return {
            "enterprise": self.enterprise,
            "name": self.name,
            "why": self.why,
            "segments": self.segments,
            "feeds": self.feeds,
            "betweenness": self.betweenness,
            "sites": self.sites,
        }


@dataclass
class Concentration:
    """HHI of local capacity in one segment; None where a local site states no figure (the index
    would rest on a guess), with those sites named."""

    segment: str
    name: str
    firms: int
    capacity: float | None
    unit: str | None
    hhi: float | None
    top_firm: str | None
    top_share: float | None
    unstated: list[str] = field(default_factory=list)

    def row(self) -> dict:
        return {
            "segment": self.segment,
            "name": self.name,
            "firms": self.firms,
            "capacity": self.capacity,
            "unit": self.unit,
            "hhi": None if self.hhi is None else round(self.hhi),
            "top_firm": self.top_firm,
            "top_share": None if self.top_share is None else round(self.top_share, 3),
            "unstated": self.unstated,
        }


@dataclass
class RiskReport:
    """A park's single sources, chokepoints and concentration."""

    park: str
    single_sources: list[SingleSource] = field(default_factory=list)
    chokepoints: list[Chokepoint] = field(default_factory=list)
    concentration: list[Concentration] = field(default_factory=list)

    SECTIONS = ("single_sources", "chokepoints", "concentration")

    def to_dict(self) -> dict:
        """Each section's rows."""
        return {name: [x.row() for x in getattr(self, name)] for name in self.SECTIONS}

    def rows(self) -> list[dict]:
        """One row per finding, with its section."""
        return [{"section": name, **row} for name, rows in self.to_dict().items() for row in rows]

    def tables(self) -> list:
        """A table per section."""
        from ..output import Table

        return [
            Table(rows, None, (f"\n== {name.replace('_', ' ')} ==",), max_width=70, empty="(none)")
            for name, rows in self.to_dict().items()
        ]


def _name(G, n: str) -> str:
    return short_name(G, n)


def _top(G, n):
    """The top of ``n``'s group (its ultimate parent)."""
    return Ownership.of(G).group(n)[-1]


@collector_paused()
def risk(
    G: nx.MultiDiGraph, park: str | Scope, *, rules: GapRules = GapRules(), coverage: Coverage | None = None
) -> RiskReport:
    """Single sources, chokepoints and concentration for a park.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (``load_graph()`` or a store's ``graph()``).
    park : str or Scope
        A park or region id, or its scope from :func:`lithiumgraph.scope.park_scope`.
    rules : GapRules
        The gap rules (which sites count as local).
    coverage : Coverage, optional
        The park's gaps, when already computed.

    Returns
    -------
    RiskReport
        Single sources, chokepoints and concentration (HHI) findings, each with its evidence.

    Raises
    ------
    NodeNotFound
        ``park`` is not the id of a park in ``G``.

    >>> from lithiumgraph import load_graph
    >>> r = risk(load_graph(), "yichun-etdz")
    >>> any(s.supplier == "catl" and s.customer == "hozon" for s in r.single_sources)
    True
    """
    scope = park if isinstance(park, Scope) else park_scope(G, park)
    cov = coverage or gaps(G, scope, rules=rules)
    local = scope.firms
    rep = RiskReport(scope.park)
    # customers are local firms and the groups they belong to
    grp = Ownership.of(G).group
    customers = {m: f for f in sorted(local) for m in grp(f)}
    rep.single_sources += _single_sources(G, customers)
    rep.chokepoints += _sole_firms(G, cov)
    here_sites = sites(G, scope)
    rep.chokepoints += _articulation_points(G, scope, local, customers, here_sites)
    rep.concentration += _concentration(G, cov, here_sites)
    rep.concentration.sort(key=lambda c: (c.hhi is None, -(c.hhi or 0), c.segment))
    return rep


def _single_sources(G, customers: dict[str, str]) -> list[SingleSource]:
    """Inputs for which a local firm's group has one documented supplier: losing it stops that input."""
    out = []
    supplied = edges_by_node(G, "SUPPLIES", incoming=True)
    for cust in sorted(customers):
        by_seg: dict[str | None, list[tuple[str, dict]]] = {}
        for sup, d in supplied.get(cust, ()):
            by_seg.setdefault(d.get("segment"), []).append((sup, d))
        for seg, sups in sorted(by_seg.items(), key=lambda x: str(x[0])):
            if len({s for s, _ in sups}) == 1:
                sup, d = sups[0]
                out.append(
                    SingleSource(
                        cust,
                        _name(G, cust),
                        customers[cust],
                        seg,
                        sup,
                        _name(G, sup),
                        f"{d.get('product')}: {d.get('evidence')}",
                        list(d.get("sources", [])),
                    )
                )
    return out


def _sole_firms(G, cov: Coverage) -> list[Chokepoint]:
    """Chokepoints (a): the sole local firm of a segment that feeds other local segments."""
    out = []
    T = template(G)
    here = {s.segment: s for s in cov.segments if s.status != "missing"}
    for s in here.values():
        if len(s.firms) == 1:
            feeds = sorted(v for v in T.successors(s.segment) if v in here)
            if feeds:
                f = s.firms[0]
                out.append(
                    Chokepoint(
                        f,
                        _name(G, f),
                        f"only local firm in {s.segment}, which feeds local {', '.join(feeds)}",
                        [s.segment],
                        feeds,
                        sites=list(s.sites),
                    )
                )
    return out


def _articulation_points(G, scope: Scope, local, customers: dict[str, str], here_sites: dict) -> list[Chokepoint]:
    """Chokepoints (b): articulation points of the supply network around the park: the supply edges
    between the park's firms (with their groups) and their direct suppliers and customers."""
    out: list[Chokepoint] = []
    trade = neighbours(G, "SUPPLIES")
    inner = set(customers)
    # each customer with all its trading partners; each partner outside with the customers only
    adj = {m: trade[m] for m in customers if m in trade}
    outside: dict[str, set[str]] = {}  # a partner's customers: the customers it is a partner of (ties go both ways)
    for m in list(adj):
        for x in trade[m]:
            if x not in inner:
                outside.setdefault(x, set()).add(m)
    adj.update(outside)
    if adj:
        # exact up to 200 firms; up to 5,000 estimated from 32 sampled sources (fixed seed: repeatable);
        # beyond that left out (None), as it would cost more than every other analysis together
        n = len(adj)
        bc = _betweenness(adj) if n <= 5000 else {}
        rows = _local_rows(G, scope, local, here_sites)
        for a in sorted(_cut_vertices(adj)):
            out.append(
                Chokepoint(
                    a,
                    _name(G, a),
                    "articulation point of the supply network around the park: "
                    "removing it disconnects firms that now reach each other only through it",
                    [],
                    [],
                    round(bc[a], 3) if a in bc else None,
                    rows.get(a, []),
                )
            )
    return out


def _betweenness(adj: dict[str, set[str]]) -> dict[str, float]:
    """Betweenness of the network (built in sorted order, as sampled betweenness must not depend on the
    store's edge order): exact up to 200 firms, else estimated from 32 sources picked with a fixed seed."""
    S = nx.Graph()
    S.add_nodes_from(sorted(adj))
    S.add_edges_from(sorted((u, v) for u, vs in adj.items() for v in vs if u <= v))
    if len(adj) <= 200:
        return nx.betweenness_centrality(S, normalized=True)
    return nx.betweenness_centrality(S, k=32, normalized=True, seed=0)


def _cut_vertices(adj: dict[str, set[str]]) -> set[str]:
    """The articulation points of the undirected network ``adj`` (node -> neighbours): those whose removal
    leaves more connected components. Tarjan's low-link depth-first search, without recursion; the same set
    networkx's ``articulation_points`` gives, without first building a networkx graph of the network."""
    deg = {v: len(nbrs) - (v in nbrs) for v, nbrs in adj.items()}
    leaves = {v for v, d in deg.items() if d == 1}
    out = {u for v in leaves for u in adj[v] if u != v and deg[u] > 1}  # the one neighbour of a leaf
    # the rest is searched without the leaves: taking them away changes no other node's answer
    disc: dict[str, int] = {}
    low: dict[str, int] = {}
    for root in adj:
        if root in disc or root in leaves:
            continue
        disc[root] = low[root] = len(disc)
        children = 0
        stack = [(root, "", iter(adj[root]))]
        while stack:
            node, parent, nbrs = stack[-1]
            for nxt in nbrs:  # a node met again (itself too) lowers the low-link; a leaf is never entered
                seen = disc.get(nxt)
                if seen is not None:
                    if seen < low[node] and nxt != parent:
                        low[node] = seen
                elif nxt not in leaves:
                    disc[nxt] = low[nxt] = len(disc)
                    stack.append((nxt, node, iter(adj[nxt])))
                    break
            else:
                stack.pop()
                if node == root:
                    continue
                if low[node] < low[parent]:
                    low[parent] = low[node]
                if parent == root:
                    children += 1
                elif low[node] >= disc[parent]:
                    out.add(parent)
        if children > 1:
            out.add(root)
    return out


def _concentration(G, cov: Coverage, here_sites: dict) -> list[Concentration]:
    """Concentration over the present sites' stated capacity, firms counted by their top group; where
    a present site states no figure the index is left empty and the sites are named."""
    out = []
    for s in cov.segments:
        ss = here_sites.get(s.segment)
        if ss is None or not ss.present:
            continue
        shares: dict[str, float] = {}
        for site in ss.present:
            if site.capacity is not None:
                top = _top(G, site.enterprise)
                shares[top] = shares.get(top, 0.0) + site.capacity
        total = sum(shares.values())
        unstated = [x.row for x in ss.unstated()]
        if unstated:
            out.append(
                Concentration(
                    s.segment,
                    s.name_zh,
                    len(ss.firms),
                    total if shares else None,
                    G.nodes[s.segment].get("unit"),
                    None,
                    None,
                    None,
                    unstated,
                )
            )
            continue
        if not total:
            continue
        hhi = sum((100 * v / total) ** 2 for v in shares.values())
        top = max(shares, key=lambda k: (shares[k], k))
        out.append(
            Concentration(s.segment, s.name_zh, len(shares), total, s.unit, hhi, _name(G, top), shares[top] / total)
        )
    return out


def _local_rows(G, scope, local: frozenset[str] | set[str], here: dict) -> dict[str, list[str]]:
    """For each local firm and each group it belongs to: the rows that put it (or its member) in the
    park: its sites there, else its location rows there."""
    by_firm: dict[str, list[str]] = {}
    for ss in here.values():
        for site in ss.present + ss.pipeline:
            by_firm.setdefault(site.enterprise, []).append(site.row)
    out: dict[str, list[str]] = {}
    grp = Ownership.of(G).group
    for firm in sorted(local):
        rows = by_firm.get(firm) or [f"{firm}@{p}" for p, _ in out_kind(G, firm, "LOCATED_IN") if p in scope.parks]
        for member in grp(firm):
            have = out.setdefault(member, [])
            have += [r for r in sorted(dict.fromkeys(rows)) if r not in have]
    return out

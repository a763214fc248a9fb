"""Analyst queries that must give the same rows on the embedded store and on Neo4j.

Each entry: (name, cypher, params). Rows are compared in order when the query has a final ORDER BY,
as multisets otherwise. The same list feeds benchmarks/bench_queries.py.
"""

QUERIES = [
    # one hop
    (
        "suppliers_of_catl",
        "MATCH (s:Enterprise)-[r:SUPPLIES]->(c:Enterprise {id: 'catl'}) RETURN s.id, s.name_zh, r.product, r.sources",
        {},
    ),
    (
        "customers_of_gotion",
        "MATCH (:Enterprise {id: $id})-[r:SUPPLIES]->(c) RETURN c.id AS customer, r.period ORDER BY customer",
        {"id": "gotion"},
    ),
    (
        "firms_in_segment",
        "MATCH (e:Enterprise)-[m:IN_SEGMENT]->(s:Segment {id: $seg}) RETURN e.id, m.leader",
        {"seg": "cathode-lfp"},
    ),
    (
        "projects_in_park",
        "MATCH (p:Project)-[:LOCATED_IN]->(:Park {id: 'yichun-etdz'}) "
        "RETURN p.id, p.capacity, p.unit, p.status ORDER BY p.id",
        {},
    ),
    ("subsidiaries", "MATCH (c:Enterprise)-[o:SUBSIDIARY_OF]->(p:Enterprise) RETURN c.id, p.id, o.share_pct", {}),
    ("undirected_supply_degree", "MATCH (a:Enterprise {id: 'catl'})-[:SUPPLIES]-(b) RETURN b.id", {}),
    ("whole_nodes", "MATCH (s:Enterprise)-[:SUPPLIES]->(c:Enterprise {id: 'hozon'}) RETURN s", {}),
    ("whole_relationships", "MATCH (:Enterprise {id: 'ganfeng'})-[r:SUPPLIES]->() RETURN r", {}),
    # k hops and paths
    (
        "segments_two_hops_up",
        "MATCH (u:Segment)-[:UPSTREAM_OF*1..2]->(s:Segment {id: 'cell-power'}) RETURN DISTINCT u.id",
        {},
    ),
    (
        "segments_three_hops_up_count",
        "MATCH (u:Segment)-[:UPSTREAM_OF*1..3]->(:Segment {id: 'battery-pack'}) RETURN count(DISTINCT u) AS n",
        {},
    ),
    (
        "supply_chains",
        "MATCH p = (a:Enterprise)-[:SUPPLIES*2]->(c:Enterprise) "
        "RETURN a.id, c.id, length(p) AS hops ORDER BY a.id, c.id LIMIT 50",
        {},
    ),
    ("supply_chains_count", "MATCH (a:Enterprise)-[:SUPPLIES*2]->(c:Enterprise) RETURN count(*) AS chains", {}),
    (
        "supply_chains_fixed",
        "MATCH (a:Enterprise)-[:SUPPLIES]->(:Enterprise)-[:SUPPLIES]->(c:Enterprise) RETURN count(*) AS chains",
        {},
    ),
    # fixed lengths, which the embedded store writes as fixed hops that never reuse a relationship
    (
        "supply_two_hops_in_range",
        "MATCH (a:Enterprise)<-[:SUPPLIES*2..2]-(c:Enterprise {id: $id}) "
        "WHERE a.listed_code IS NOT NULL OR a.id = 'catl' RETURN a.id, count(*) AS n",
        {"id": "ganfeng"},
    ),
    (
        "supply_three_hops_count",
        "MATCH (a:Enterprise)-[:SUPPLIES*3]->(c:Enterprise {id: 'hozon'}) "
        "RETURN count(*) AS n, count(DISTINCT a) AS firms",
        {},
    ),
    (
        "two_fixed_lengths_one_match",
        "MATCH (a:Enterprise)-[:SUPPLIES*1]->(b)-[:SUPPLIES*2]->(c:Enterprise {id: 'catl'}) RETURN a.id, count(*) AS n",
        {},
    ),
    (
        "fixed_hops_in_optional_and_exists",
        "MATCH (s:Segment {id: 'cell-power'}) "
        "OPTIONAL MATCH (u:Segment)-[:UPSTREAM_OF*2]->(s) WHERE EXISTS { MATCH (u)<-[:UPSTREAM_OF*1..1]-() } "
        "RETURN u.id ORDER BY u.id",
        {},
    ),
    (
        "path_nodes",
        "MATCH p = (:Enterprise {id: 'shenghua'})-[:SUPPLIES*1..3]->(:Enterprise {id: 'hozon'}) "
        "RETURN nodes(p) AS chain, relationships(p) AS links",
        {},
    ),
    (
        "whole_path",
        "MATCH p = (:Segment {id: 'lithium-carbonate'})-[:UPSTREAM_OF*1..2]->(:Segment {id: 'cell-power'}) RETURN p",
        {},
    ),
    (
        "enterprise_to_park_chain",
        "MATCH (e:Enterprise)-[:RUNS]->(p:Project)-[:LOCATED_IN]->(k:Park)"
        "-[:LOCATED_IN*0..3]->(c:Park {id: 'yichun'}) RETURN DISTINCT e.id",
        {},
    ),
    # aggregation and ordering
    ("segments_per_stage", "MATCH (s:Segment) RETURN s.stage AS stage, count(*) AS n ORDER BY n DESC, stage", {}),
    (
        "firms_per_segment_top",
        "MATCH (e:Enterprise)-[:IN_SEGMENT]->(s:Segment) "
        "RETURN s.id AS segment, count(DISTINCT e) AS firms ORDER BY firms DESC, segment LIMIT 10",
        {},
    ),
    (
        "park_capacity_sum",
        "MATCH (p:Project)-[:LOCATED_IN]->(k:Park) WHERE p.unit = 'GWh/yr' "
        "RETURN k.id AS park, sum(p.capacity) AS gwh, count(p) AS projects ORDER BY gwh DESC, park",
        {},
    ),
    (
        "null_aggregates",
        "MATCH (p:Project) RETURN count(*) AS n, count(p.capacity) AS with_capacity, "
        "min(p.capacity) AS lo, max(p.capacity) AS hi",
        {},
    ),
    (
        "avg_investment",
        "MATCH (p:Project) WHERE p.investment_yuan IS NOT NULL "
        "RETURN round(avg(p.investment_yuan) / 1e8, 1) AS avg_yi, sum(p.investment_yuan) AS total",
        {},
    ),
    ("sum_of_nothing", "MATCH (p:Project {id: 'no-such-project'}) RETURN sum(p.capacity) AS total, count(p) AS n", {}),
    ("confidence_mix", "MATCH ()-[r]->() RETURN r.confidence AS confidence, count(*) AS n ORDER BY confidence", {}),
    ("group_keys_with_nulls", "MATCH (s:Segment) RETURN s.group AS grp, count(*) AS n", {}),
    ("skip_limit", "MATCH (e:Enterprise) RETURN e.id ORDER BY e.id SKIP 5 LIMIT 5", {}),
    ("order_nulls_desc", "MATCH (p:Project) RETURN p.id, p.capacity ORDER BY p.capacity DESC, p.id LIMIT 8", {}),
    ("with_having", "MATCH (e:Enterprise)-[:SUPPLIES]->(c) WITH e, count(c) AS n WHERE n >= 2 RETURN e.id, n", {}),
    # OPTIONAL MATCH
    (
        "optional_listed",
        "MATCH (e:Enterprise)-[:LOCATED_IN]->(:Park {id: 'yichun-etdz'}) "
        "OPTIONAL MATCH (e)-[:SUBSIDIARY_OF]->(p) RETURN e.id, p.id AS parent",
        {},
    ),
    (
        "optional_count_zero",
        "MATCH (s:Segment {stage: 'upstream'}) OPTIONAL MATCH (e:Enterprise)-[:IN_SEGMENT]->(s) "
        "RETURN s.id, count(e) AS firms",
        {},
    ),
    # parameters, lists, strings
    (
        "param_list",
        "MATCH (e:Enterprise) WHERE e.id IN $ids RETURN e.id, e.listed_code",
        {"ids": ["catl", "gotion", "ganfeng"]},
    ),
    ("param_number", "MATCH (p:Project) WHERE p.capacity >= $min RETURN p.id, p.capacity", {"min": 20.0}),
    ("chinese_equals", "MATCH (e:Enterprise) WHERE e.name_zh = $name RETURN e.id", {"name": "国轩高科股份有限公司"}),
    ("chinese_contains", "MATCH (e:Enterprise) WHERE e.name_zh CONTAINS '锂' RETURN e.id, e.name_zh", {}),
    ("chinese_alias_in_list", "MATCH (e:Enterprise) WHERE '宁德时代' IN e.aliases RETURN e.id", {}),
    ("starts_with", "MATCH (s:Segment) WHERE s.id STARTS WITH 'cell' RETURN s.id, s.name_en", {}),
    ("regex", "MATCH (e:Enterprise) WHERE e.name_en =~ '(?i).*lithium.*' RETURN e.id", {}),
    (
        "case_expression",
        "MATCH (p:Project) RETURN CASE WHEN p.status = 'operating' THEN 'running' "
        "ELSE 'pipeline' END AS phase, count(*) AS n ORDER BY phase",
        {},
    ),
    ("list_size", "MATCH (e:Enterprise) WHERE size(e.sources) >= 3 RETURN e.id, size(e.sources) AS n", {}),
    ("unwind_sources", "MATCH (e:Enterprise {id: 'catl'}) UNWIND e.sources AS s RETURN s", {}),
    ("distinct_sources_cited", "MATCH ()-[r:SUPPLIES]->() UNWIND r.sources AS s RETURN count(DISTINCT s) AS n", {}),
    ("exists_subquery", "MATCH (e:Enterprise) WHERE EXISTS { MATCH (e)-[:SUPPLIES]->() } RETURN e.id", {}),
    (
        "string_functions",
        "MATCH (s:Segment {id: 'anode'}) RETURN toLower(s.name_en) AS low, "
        "left(s.id, 3) AS pre, s.name_zh + '/' + s.id AS label",
        {},
    ),
    (
        "union",
        "MATCH (e:Enterprise {id: 'catl'}) RETURN e.id AS x UNION MATCH (s:Segment {id: 'anode'}) RETURN s.id AS x",
        {},
    ),
    ("collect_count", "MATCH (e:Enterprise)-[:SUPPLIES]->(c) RETURN e.id, size(collect(c.id)) AS n", {}),
]

#: Queries that touch a large share of a synthetic graph (ids syn-…): for the synthetic parity test and the benchmark.
SCALE_QUERIES = [
    (
        "MATCH (e:Enterprise)-[:SUPPLIES]->(c:Enterprise) RETURN c.id AS customer, count(*) AS n "
        "ORDER BY n DESC, customer LIMIT 20",
        {},
    ),
    ("MATCH (e:Enterprise)-[:IN_SEGMENT]->(s:Segment) RETURN s.stage, count(DISTINCT e) AS firms", {}),
    ("MATCH (a:Enterprise)-[:SUPPLIES*2]->(c:Enterprise {id: $id}) RETURN count(DISTINCT a) AS n", {"id": "syn-e0001"}),
    (
        "MATCH (p:Project)-[:LOCATED_IN]->(k:Park) RETURN k.id AS park, sum(p.capacity) AS cap, count(p) AS n "
        "ORDER BY cap DESC, park LIMIT 10",
        {},
    ),
    ("MATCH (e:Enterprise) OPTIONAL MATCH (e)-[:SUBSIDIARY_OF]->(p) RETURN count(e) AS n, count(p) AS owned", {}),
    ("MATCH (e:Enterprise) WHERE e.confidence = 'synthetic' RETURN count(*) AS n", {}),
    ("MATCH p = (a:Enterprise {id: $id})-[:SUPPLIES*1..2]->(b) RETURN p", {"id": "syn-e0001"}),
]

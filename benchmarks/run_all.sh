#!/usr/bin/env bash
# Every benchmark, one after the other, each printing its table: analyses, Cypher queries, explorer and
# exports, the explorer's drawing in headless Chromium, and (when NEO4J_URI is set: bash scripts/neo4j.sh start && eval "$(bash scripts/neo4j.sh env)")
# the Neo4j push and the queries on Neo4j. SIZES defaults to "1000 10000 100000" (synthetic enterprises).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-1000 10000 100000}
python3 benchmarks/bench_analyses.py --sizes $SIZES
python3 benchmarks/bench_outputs.py --sizes $SIZES
python3 benchmarks/bench_asof.py --sizes $SIZES
LG_CHROMIUM=${LG_CHROMIUM:-$(bash scripts/browser.sh)} python3 benchmarks/bench_explorer.py   # 2,000 and 5,000 firms in Chromium
python3 benchmarks/extract.py
if [ -n "${NEO4J_URI:-}" ]; then
  python3 benchmarks/bench_queries.py --sizes $SIZES --neo4j
  python3 benchmarks/bench_push.py --sizes $SIZES
else
  python3 benchmarks/bench_queries.py --sizes $SIZES
  echo "NEO4J_URI is not set: Neo4j push and Neo4j query times skipped" >&2
fi

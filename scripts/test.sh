#!/usr/bin/env bash
# Install what the tests need and run them all: the README's test command and what CI runs.
# Starts a real Neo4j (scripts/neo4j.sh) unless NEO4J_URI points at one already; without Java and
# Maven the Neo4j tests skip, saying why, except under CI (CI=true), where they must run. Installs
# Chromium and CJK fonts for the browser tests where it can (scripts/browser.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
if [ -z "${NEO4J_URI:-}" ]; then
  if command -v java >/dev/null && command -v mvn >/dev/null || [ "${CI:-}" = "true" ]; then
    export NEO4J_PORT=${NEO4J_PORT:-7697}
    bash scripts/neo4j.sh start
    trap 'bash scripts/neo4j.sh stop' EXIT
    eval "$(bash scripts/neo4j.sh env)"
  fi
fi
# a real headless Chromium for the explorer tests (Debian's package; LG_CHROMIUM names another binary)
if [ -z "${LG_CHROMIUM:-}" ]; then
  LG_CHROMIUM=$(bash scripts/browser.sh)
  export LG_CHROMIUM
fi
python3 -m pytest "$@"

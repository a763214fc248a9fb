#!/usr/bin/env bash
# Start or stop a real Neo4j 5.26 Community server (embedded, Bolt on 127.0.0.1) from Maven Central jars.
#   scripts/neo4j.sh start   fetch the jars once (cached in .cache/neo4j/lib), start, set the password
#   scripts/neo4j.sh stop    stop it (the store is checkpointed on the way out)
#   scripts/neo4j.sh env     print the NEO4J_* variables to export
#   scripts/neo4j.sh admin … neo4j-admin on the store, e.g. admin database import full … (server stopped)
# Settings: NEO4J_PORT (7687), NEO4J_PASSWORD (lithiumgraph-test), LG_NEO4J_HOME (.cache/neo4j/home: the store),
#           LG_NEO4J_LIB (~/.cache/lithiumgraph/neo4j-5.26.0/lib: the jars). Needs Java 17 and Maven.
# LOAD CSV reads no local file: file URLs are off and the import directory is an empty HOME/import
# (neo4j/Launcher.java).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${NEO4J_PORT:-7687}
PASSWORD=${NEO4J_PASSWORD:-lithiumgraph-test}
# the jars are cached per machine, so a fresh clone does not fetch them again
LIB=${LG_NEO4J_LIB:-${XDG_CACHE_HOME:-$HOME/.cache}/lithiumgraph/neo4j-5.26.0/lib}
HOME_DIR=${LG_NEO4J_HOME:-$ROOT/.cache/neo4j/home}
PIDFILE=$ROOT/.cache/neo4j/neo4j-$PORT.pid
LOG=$ROOT/.cache/neo4j/neo4j-$PORT.log
mkdir -p "$ROOT/.cache/neo4j"
JAVA=${JAVA:-$(ls /usr/lib/jvm/java-17-openjdk-*/bin/java 2>/dev/null | head -n1)}
JAVA=${JAVA:-java}

alive() {  # a live process (a killed server may linger as a zombie until its parent reaps it)
  [ -f "$PIDFILE" ] && ps -o stat= -p "$(cat "$PIDFILE")" 2>/dev/null | grep -qv Z
}

case "${1:-}" in
start)
  if [ ! -f "$LIB/.complete" ]; then
    mvn -q -f neo4j/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIB"
    touch "$LIB/.complete"
  fi
  if alive; then
    echo "neo4j already running (pid $(cat "$PIDFILE"))"
  else
    mkdir -p "$HOME_DIR"
    nohup "$JAVA" -Xms2g -Xmx2g --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
      --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
      -Dio.netty.tryReflectionSetAccessible=true \
      -cp "$LIB/*" neo4j/Launcher.java "$HOME_DIR" "$PORT" > "$LOG" 2>&1 &
    echo $! > "$PIDFILE"
  fi
  python3 - "$PORT" "$PASSWORD" <<'PY'
import socket, sys, time
port, password = int(sys.argv[1]), sys.argv[2]
deadline = time.time() + 180
while True:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        if time.time() > deadline:
            sys.exit("neo4j did not open its Bolt port within 180 s; see the log in .cache/neo4j")
        time.sleep(0.5)
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ClientError
uri = f"bolt://127.0.0.1:{port}"
for attempt in range(60):
    try:
        with GraphDatabase.driver(uri, auth=("neo4j", password)) as d:
            d.verify_connectivity()
        break
    except AuthError:
        try:  # first start: the default password must be changed
            with GraphDatabase.driver(uri, auth=("neo4j", "neo4j")) as d:
                d.execute_query("ALTER CURRENT USER SET PASSWORD FROM 'neo4j' TO $p", p=password, database_="system")
        except Exception as e:
            time.sleep(1)
    except Exception:
        time.sleep(1)
else:
    sys.exit("neo4j is up but refused every login; see the log in .cache/neo4j")
print(f"neo4j ready at {uri}")
PY
  ;;
stop)
  if [ -f "$PIDFILE" ]; then
    pid=$(cat "$PIDFILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 60); do alive || break; sleep 0.5; done
    rm -f "$PIDFILE"
  fi
  ;;
pid)
  cat "$PIDFILE"
  ;;
admin)  # neo4j-admin on this server's store (stop the server first), e.g. admin database import full ...
  shift
  if [ ! -f "$LIB/.complete" ]; then
    mvn -q -f neo4j/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIB"
    touch "$LIB/.complete"
  fi
  mkdir -p "$HOME_DIR/conf"
  touch "$HOME_DIR/conf/neo4j.conf"
  NEO4J_HOME="$HOME_DIR" NEO4J_CONF="$HOME_DIR/conf" exec "$JAVA" -Xmx1g -cp "$LIB/*" org.neo4j.cli.AdminTool "$@"
  ;;
env)
  echo "export NEO4J_URI=bolt://127.0.0.1:$PORT NEO4J_USERNAME=neo4j NEO4J_PASSWORD=$PASSWORD"
  ;;
*)
  echo "usage: scripts/neo4j.sh start|stop|env|pid|admin ARGS…" >&2; exit 2 ;;
esac

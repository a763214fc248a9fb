"""A shared Neo4j server (real, on the test port): nodes push did not write are left out and counted,
never a traceback; one push at a time under a lock node; reads during a push are told so."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lithiumgraph.cli import cli

from test_neo4j import neo, push

pytestmark = pytest.mark.neo4j
LG = [sys.executable, "-m", "lithiumgraph"]
MINI = str(Path(__file__).parent / "fixtures" / "mini")


def run(env, query, **params):
    from neo4j import GraphDatabase

    with GraphDatabase.driver(env["uri"], auth=(env["user"], env["password"])) as d:
        return d.execute_query(query, params).records


@pytest.fixture
def pushed(runner, neo4j_env):
    push(runner, neo4j_env, "--replace")
    yield neo4j_env
    run(neo4j_env, "MATCH (n) WHERE n:Foreign OR n:Alien OR n.lg_test = true DETACH DELETE n")
    run(neo4j_env, "MATCH (l:LGLock) DELETE l")


def test_nodes_push_did_not_write_are_left_out_and_counted(runner, pushed):
    env = pushed
    before = {
        c: runner.invoke(cli, [c] + (["--park", "yichun-etdz"] if c == "gaps" else []) + neo(env)).stdout
        for c in ("stats", "gaps")
    }
    run(env, "CREATE (:Foreign {id: 'catl', name_zh: 'x'})")  # no LG label
    run(env, "CREATE (:LG:Alien {id: 'lg-test-alien', lg_test: true})")  # unknown kind
    run(env, "CREATE (:LG:Enterprise {name_zh: 'no id', lg_test: true})")  # no id
    run(env, "CREATE (:LG:Enterprise {id: 42, lg_test: true})")  # id not text
    run(env, "CREATE (:LG:Enterprise:Park {id: 'lg-test-two', lg_test: true})")  # two kinds
    run(env, "MATCH (a:LG {id: 'catl'}), (b:LG {id: 'gotion'}) CREATE (a)-[:HACKS {lg_test: true}]->(b)")
    run(env, "MATCH (a:LG {id: 'catl'}) SET a.lg_when = date('2024-05-01')")  # a server type on a real node
    for c in ("stats", "gaps"):
        r = runner.invoke(cli, [c] + (["--park", "yichun-etdz"] if c == "gaps" else []) + neo(env))
        assert r.exit_code == 0, r.output
        # stats reads the whole graph and counts what it left out; gaps reads only the park's part, by
        # lithiumgraph's own labels and types, and never meets those nodes
        assert ("note: left out 4 nodes and 1 relationships" in r.stderr) == (c == "stats")
        assert "Traceback" not in r.output and r.stdout == before[c]
    run(env, "MATCH (a:LG {id: 'catl'}) REMOVE a.lg_when")
    run(env, "MATCH ()-[e:HACKS]->() DELETE e")


def test_a_lock_held_elsewhere_stops_a_push_and_tells_readers(runner, pushed):
    env = pushed
    run(env, "CREATE (:LGLock {id: 'push', host: 'other-host', pid: 1, started: '2026-01-01T00:00:00+00:00'})")
    r = runner.invoke(cli, ["push"] + neo(env)[2:])
    errors = [x for x in r.stderr.splitlines() if x.startswith("Error")]
    assert (
        r.exit_code == 1
        and len(errors) == 1
        and errors[0].startswith(
            f"Error: another push to {env['uri']} is running (since 2026-01-01T00:00:00+00:00 from other-host, process 1)"
        )
    )
    for args in (["stats"], ["query", "MATCH (n:Enterprise) RETURN count(n) AS n"]):
        r = runner.invoke(cli, args + neo(env))
        assert r.exit_code == 1 and r.output.startswith(f"Error: a push to {env['uri']} is running or was cut off"), (
            r.output
        )
    run(env, "MATCH (l:LGLock) DELETE l")
    assert runner.invoke(cli, ["stats"] + neo(env)).exit_code == 0


def test_a_lock_left_by_a_dead_push_on_this_machine_is_taken_over(runner, pushed):
    env = pushed
    dead = int(
        subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout
    )
    run(env, "CREATE (:LGLock {id: 'push', host: $h, pid: $p, started: 'then'})", h=socket.gethostname(), p=dead)
    r = runner.invoke(cli, ["push"] + neo(env)[2:])
    assert r.exit_code == 0, r.output
    assert run(env, "MATCH (l:LGLock) RETURN count(l) AS n")[0]["n"] == 0


def test_a_second_concurrent_push_refuses_and_reads_wait(runner, neo4j_env, tmp_path):
    env = dict(
        os.environ, NEO4J_URI=neo4j_env["uri"], NEO4J_USERNAME=neo4j_env["user"], NEO4J_PASSWORD=neo4j_env["password"]
    )
    assert (
        runner.invoke(cli, ["synth", "--enterprises", "1000", "--seed", "3", "-o", str(tmp_path / "s")]).exit_code == 0
    )
    # small transactions, one at a time: a push that lasts long enough for the others to meet it
    first = subprocess.Popen(
        LG + ["push", "--replace", "--batch", "20", "--workers", "1", "--data", str(tmp_path / "s")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 60
        while not run(neo4j_env, "MATCH (l:LGLock) RETURN l.pid AS pid") and time.time() < deadline:
            time.sleep(0.05)
        others = [
            subprocess.Popen(LG + args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for args in (["push", "--data", MINI], ["query", "--store", "neo4j", "RETURN 1 AS one"])
        ]
        second, reader = [(p, *p.communicate(timeout=120)) for p in others]
        assert first.poll() is None, "the first push ended before the others began; make it bigger"
    finally:
        out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert second[0].returncode == 1 and f"Error: another push to {neo4j_env['uri']} is running" in second[2]
    assert reader[0].returncode == 1 and "is running or was cut off" in reader[2] and reader[1] == ""
    assert run(neo4j_env, "MATCH (l:LGLock) RETURN count(l) AS n")[0]["n"] == 0
    push(runner, neo4j_env, "--replace")  # leave the Yichun graph for the next tests

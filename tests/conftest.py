import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lithiumgraph.dataset import default_data_dir

DATA = default_data_dir()


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the shipped graph_data/ to corrupt."""
    dst = tmp_path / "graph_data"
    shutil.copytree(DATA, dst)
    return dst


@pytest.fixture(scope="session")
def G():
    from lithiumgraph import load_graph
    return load_graph()


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact occurrence of ``old`` in a file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, start: str) -> int:
    """1-based line number of the line that starts with ``start``."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(start):
            return i
    raise AssertionError(f"no line starts with {start!r} in {path}")


@pytest.fixture(scope="session")
def neo4j_env():
    """NEO4J_URI/USERNAME/PASSWORD of a running server (scripts/neo4j.sh start). Under CI a missing
    server fails the test; on a laptop without one the test is skipped, saying why."""
    import os
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        msg = "no Neo4j server: run 'bash scripts/neo4j.sh start' and export the variables 'scripts/neo4j.sh env' prints"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return {"uri": uri, "user": os.environ.get("NEO4J_USERNAME", "neo4j"),
            "password": os.environ.get("NEO4J_PASSWORD", "")}

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from lithiumgraph.dataset import default_data_dir

DATA = default_data_dir()
# cached graphs go to a folder of this test run, never the user's own cache (subprocesses inherit it)
CACHE = Path(tempfile.mkdtemp(prefix="lithiumgraph-test-cache-"))
os.environ["LITHIUMGRAPH_CACHE"] = str(CACHE)


@pytest.fixture(scope="session", autouse=True)
def _remove_test_cache():
    yield
    shutil.rmtree(CACHE, ignore_errors=True)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache of the test's own (``LITHIUMGRAPH_CACHE``)."""
    root = tmp_path / "cache"
    monkeypatch.setenv("LITHIUMGRAPH_CACHE", str(root))
    return root


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
        msg = (
            "no Neo4j server: run 'bash scripts/neo4j.sh start' and export the variables 'scripts/neo4j.sh env' prints"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return {
        "uri": uri,
        "user": os.environ.get("NEO4J_USERNAME", "neo4j"),
        "password": os.environ.get("NEO4J_PASSWORD", ""),
    }


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium driven by Playwright (LG_CHROMIUM or chromium on the PATH). Under CI a missing
    browser fails the test; on a laptop without one the test is skipped, saying why."""
    import os
    import shutil as sh

    path = os.environ.get("LG_CHROMIUM") or sh.which("chromium") or sh.which("chromium-browser")
    if not path:
        msg = "no Chromium: install Debian's chromium (bash scripts/browser.sh) or set LG_CHROMIUM"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    from lithiumgraph.pack.render import CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A page opened offline: every request other than the file itself is blocked and recorded, and
    console errors and page errors are collected."""

    def __init__(self, browser, path, viewport=(1400, 900)):
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.outside, self.errors = [], []
        url = Path(path).resolve().as_uri()

        def route(r):
            if r.request.url == url:
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        self.url = url

    def open(self, timeout_ms=60000):
        import time

        t = time.perf_counter()
        self.page.goto(self.url)
        self.page.wait_for_function("window.lgReady === true", timeout=timeout_ms)
        return time.perf_counter() - t

    def close(self):
        self.context.close()


@pytest.fixture
def open_page(chromium):
    pages = []

    def _open(path, **kw):
        p = Page(chromium, path, **kw)
        pages.append(p)
        return p

    yield _open
    for p in pages:
        p.close()


def free_port() -> int:
    """A TCP port nothing listens on now, for a private Neo4j a test starts: fixed ports collide when two
    test runs share a machine."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

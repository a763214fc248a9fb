"""The explorer: one offline, self-contained, escaped HTML file, checked in a real headless Chromium."""
import json
import re

import pytest

from lithiumgraph.cli import cli
from lithiumgraph.explore import explore

from conftest import edit

EVIL = '<img src=x onerror="window.pwned=1">"</script><script>window.pwned=2</script>'


def data_of(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="lg-data">(.*?)</script>', html, re.S).group(1))


def test_explore_writes_one_self_contained_file(runner, tmp_path):
    out = tmp_path / "chain.html"
    r = runner.invoke(cli, ["explore", "--park", "yichun-etdz", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert r.stdout == f"wrote {out} (segment level · 41 nodes, 55 edges · 5 strong, 8 weak, 28 missing segments)\n"
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    # nothing to fetch: no src/href/url()/@import pointing anywhere
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:|//)', html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", html, re.I) and "@import" not in html
    data = data_of(html)
    statuses = [n["lg"]["status"] for n in data["nodes"]]
    assert statuses.count("missing") == 28 and statuses.count("weak") == 8 and statuses.count("strong") == 5
    missing = next(n for n in data["nodes"] if n["id"] == "electrolyte")
    assert missing["shapeProperties"]["borderDashes"] and "缺链" in missing["label"]
    # left to right: every template link goes to a layer further right, except the recycling loops
    x = {n["id"]: n["x"] for n in data["nodes"]}
    forward = [e for e in data["edges"] if e["lg"]["kind"] == "UPSTREAM_OF" and not e["dashes"]]
    assert forward and all(x[e["from"]] < x[e["to"]] for e in forward)
    assert all(n["physics"] is False for n in data["nodes"])


def test_levels_focus_and_local_firms(G):
    ex = explore(G, park="yichun-etdz", level="enterprise")
    nodes = {n["id"]: n for n in ex.network.nodes}
    assert nodes["yichun-times"]["lg"]["local"] and nodes["yichun-times"]["shape"] == "dot"
    assert not nodes["hozon"]["lg"]["local"] or nodes["hozon"]["shape"] == "dot"
    outside = [n for n in nodes.values() if n["lg"]["kind"] == "Enterprise" and not n["lg"]["local"]]
    assert outside and all(n["shape"] == "diamond" for n in outside)
    focus = explore(G, focus="catl", hops=1, level="enterprise")
    ids = {n["id"] for n in focus.network.nodes}
    assert {"catl", "shenghua", "hozon", "yichun-times"} <= ids and "ganfeng" not in ids
    assert len(ex.network.nodes) == len(ex.network.node_ids)


def test_too_many_enterprises_is_a_clear_refusal(runner, tmp_path):
    r = runner.invoke(cli, ["explore", "--level", "enterprise", "--max-nodes", "50", "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 1 and r.output == (
        "Error: 81 enterprises are more than a browser page can show usefully (limit 50); narrow with --park or "
        "--focus, use --level segment, or raise --max-nodes\n")
    assert not (tmp_path / "x.html").exists()


def test_unknown_names_and_levels_are_one_line_errors(runner, tmp_path):
    r = runner.invoke(cli, ["explore", "--park", "nowhere", "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 1 and r.output.startswith("Error: no park named 'nowhere'") and r.output.count("\n") == 1
    r = runner.invoke(cli, ["explore", "--focus", "宁德时", "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 1 and "closest matches" in r.output and "catl" in r.output
    assert not (tmp_path / "x.html").exists()


def test_hostile_names_are_data_not_markup(runner, data_copy, tmp_path):
    edit(data_copy / "enterprises.csv", "sk-nexilis,SK Nexilis,SK Nexilis,",
         f'sk-nexilis,"{EVIL.replace(chr(34), chr(34) * 2)}",SK Nexilis,')
    out = tmp_path / "evil.html"
    r = runner.invoke(cli, ["explore", "--level", "enterprise", "--data", str(data_copy), "-o", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "<img" not in html and "window.pwned=2</script>" not in html
    assert any(EVIL in " ".join(map(str, n["lg"]["names"])) for n in data_of(html)["nodes"])


# -- in a real browser ---------------------------------------------------------------------------------

def screen_point(p, node):
    """Where a node is on the screen, after centring the view on it."""
    p.evaluate(f"lgNetwork.moveTo({{position: lgNetwork.getPosition('{node}'), scale: 1.5, animation: false}})")
    return p.evaluate(f"""(() => {{ const q = lgNetwork.canvasToDOM(lgNetwork.getPosition('{node}'));
        const r = document.querySelector('#lg-graph').getBoundingClientRect(); return [q.x + r.left, q.y + r.top]; }})()""")


def counts(page):
    return page.page.evaluate("[lgNetwork.body.data.nodes.length, lgNetwork.body.data.edges.length]")


def inked_pixels(page) -> int:
    """Pixels of the graph canvas that are not blank."""
    return page.page.evaluate("""() => {
        const c = document.querySelector('#lg-graph canvas'), ctx = c.getContext('2d');
        const d = ctx.getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) n++;
        return n; }""")


@pytest.mark.browser
def test_the_park_chain_opens_offline_and_draws(runner, tmp_path, open_page):
    out = tmp_path / "chain.html"
    assert runner.invoke(cli, ["explore", "--park", "yichun-etdz", "-o", str(out)]).exit_code == 0
    page = open_page(out)
    page.open()
    assert counts(page) == [41, 55]
    assert inked_pixels(page) > 20000
    page.page.screenshot(path=str(tmp_path / "chain.png"))
    assert (tmp_path / "chain.png").stat().st_size > 20000
    assert page.page.text_content("#lg-title").startswith("锂电产业链")
    assert "缺链 missing" in page.page.text_content("#lg-legend")
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_search_click_and_filters(runner, tmp_path, open_page):
    out = tmp_path / "firms.html"
    assert runner.invoke(cli, ["explore", "--park", "yichun-etdz", "--level", "enterprise", "-o", str(out)]).exit_code == 0
    page = open_page(out)
    page.open()
    p = page.page
    p.fill("#lg-search", "宁德时代")
    assert p.evaluate("lgNetwork.getSelectedNodes()") == ["catl"]
    assert "catl" in p.text_content("#lg-details") and "宁德时代" in p.text_content("#lg-details")
    p.fill("#lg-search", "ganfeng lithium")       # English, any case
    assert "ganfeng" in p.evaluate("lgNetwork.getSelectedNodes()")
    p.fill("#lg-search", "")
    # a click on a node shows its details with its sources
    p.mouse.click(*screen_point(p, "electrolyte"))
    details = p.text_content("#lg-details")
    assert "electrolyte" in details and "missing" in details and "sources" in details
    visible = "lgNetwork.body.data.nodes.get({filter: n => !n.hidden}).length"
    everything = p.evaluate(visible)
    p.select_option("#lg-stage", "upstream")
    upstream = p.evaluate(visible)
    assert 0 < upstream < everything
    p.select_option("#lg-stage", "")
    p.select_option("#lg-segment", "cell-power")
    assert 0 < p.evaluate(visible) < upstream + everything
    assert p.evaluate("lgNetwork.body.data.nodes.get('catl').hidden") is False
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_hostile_names_do_not_execute_and_show_literally(runner, data_copy, tmp_path, open_page):
    edit(data_copy / "enterprises.csv", "sk-nexilis,SK Nexilis,SK Nexilis,",
         f'sk-nexilis,"{EVIL.replace(chr(34), chr(34) * 2)}",SK Nexilis,')
    out = tmp_path / "evil.html"
    assert runner.invoke(cli, ["explore", "--level", "enterprise", "--data", str(data_copy), "-o", str(out)]).exit_code == 0
    page = open_page(out)
    page.open()
    p = page.page
    p.fill("#lg-search", "onerror")
    assert p.evaluate("lgNetwork.getSelectedNodes()") == ["sk-nexilis"]
    assert EVIL in p.text_content("#lg-details")
    p.fill("#lg-search", "")
    p.mouse.move(*screen_point(p, "sk-nexilis"))          # the hover tooltip shows the name as text
    p.wait_for_selector(".vis-tooltip", state="visible", timeout=5000)
    assert EVIL.split("<script>")[0][:20] in p.text_content(".vis-tooltip")
    p.mouse.click(*screen_point(p, "sk-nexilis"))
    assert EVIL in p.text_content("#lg-details")
    assert p.evaluate("window.pwned") is None
    assert p.evaluate("document.querySelectorAll('img').length") == 0
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_a_5000_enterprise_synthetic_export_opens(runner, tmp_path, open_page):
    """Scale: a SYNTHETIC graph of 5,000 enterprises at enterprise level, positions precomputed."""
    import time
    syn = tmp_path / "syn"
    assert runner.invoke(cli, ["synth", "--enterprises", "5000", "--seed", "2", "-o", str(syn)]).exit_code == 0
    out = tmp_path / "syn.html"
    t = time.perf_counter()
    r = runner.invoke(cli, ["explore", "--level", "enterprise", "--data", str(syn), "-o", str(out)])
    build = time.perf_counter() - t
    assert r.exit_code == 0, r.output
    page = open_page(out)
    load = page.open(timeout_ms=60000)
    nodes, edges = counts(page)
    assert nodes == 5000 + 41 and edges > 5000
    assert inked_pixels(page) > 20000
    p = page.page
    p.fill("#lg-search", "合成企业0042")
    assert p.evaluate("lgNetwork.getSelectedNodes()") == ["syn-e0042"]
    assert page.errors == [] and page.outside == []
    print(f"5k synthetic export: build {build:.1f} s, open and draw {load:.1f} s")
    assert load < 30

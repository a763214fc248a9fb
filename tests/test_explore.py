"""The explorer: one offline, self-contained, escaped HTML file, checked in a real headless Chromium."""

import csv
import json
import re
from pathlib import Path

import pytest

from lithiumgraph.cli import cli
from lithiumgraph.explorer import explore

from conftest import edit

GRAPH_DATA = Path(__file__).parent.parent / "graph_data"


def _rows(name: str) -> int:
    with open(GRAPH_DATA / name, encoding="utf-8") as fh:
        return sum(1 for _ in csv.DictReader(fh))


#: the shipped template and firms, which the pages below draw
SEGMENTS, LINKS, FIRMS = _rows("segments.csv"), _rows("segment_links.csv"), _rows("enterprises.csv")

EVIL = '<img src=x onerror="window.pwned=1">"</script><script>window.pwned=2</script>'


def data_of(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="lg-data">(.*?)</script>', html, re.S).group(1))


def test_explore_writes_one_self_contained_file(runner, tmp_path):
    out = tmp_path / "chain.html"
    r = runner.invoke(cli, ["explore", "--park", "yichun-etdz", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert r.stdout == (
        f"wrote {out} (segment level · {SEGMENTS} segments, 0 enterprises, {LINKS} links · "
        f"2 strong, 8 weak, 2 pipeline only, {SEGMENTS - 12} missing segments)\n"
    )
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    # nothing to fetch: no src/href/url()/@import pointing anywhere
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:|//)', html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", html, re.I) and "@import" not in html
    assert "default-src 'none'" in html
    data = data_of(html)
    statuses = [n["lg"]["status"] for n in data["nodes"]]
    assert statuses.count("missing") == SEGMENTS - 12 and statuses.count("weak") == 8 and statuses.count("strong") == 2
    assert statuses.count("pipeline") == 2
    assert data["status"]["missing"][3] == "✕ 缺链 missing" and data["status"]["missing"][2]  # icon, words, dashes
    # left to right: every template link goes to a column further right, except the recycling loops
    x = {g: c["x"] for c in data["layout"]["columns"] for g in c["groups"]}
    forward = [e for e in data["edges"] if e["lg"]["kind"] == "UPSTREAM_OF" and not e["lg"].get("loop")]
    assert forward and all(x[e["from"]] < x[e["to"]] for e in forward)
    assert len(x) == SEGMENTS and not data["layout"]["band"]


def test_firms_sit_inside_their_segments_and_outside_ones_in_the_band(G):
    ex = explore(G, park="yichun-etdz", level="enterprise")
    nodes = {n["id"]: n for n in ex.nodes}
    groups = ex.layout["groups"]
    assert "yichun-times" in groups["cell-power"]["members"] and nodes["yichun-times"]["lg"]["local"]
    assert nodes["yichun-times"]["lg"]["group"] == "cell-power"
    # outside partners (CATL, Tesla …) are in the band, by the stage of their segment, never in a segment box
    outside = [n for n in nodes.values() if n["lg"]["kind"] == "Enterprise" and not n["lg"]["local"]]
    assert outside and all(n["lg"]["group"].startswith("outside:") for n in outside)
    assert "catl" in groups["outside:downstream"]["members"] and groups["outside:downstream"]["outside"]
    assert all(g in ex.layout["band"] for g in groups if g.startswith("outside:"))
    # local firms in no chain segment (tower cranes …) have their own group, not a segment's
    assert "zhongtian-zhilian" in groups["other"]["members"]
    members = [m for g in groups.values() for m in g["members"]]
    assert len(members) == len(set(members)) == 26  # every firm once
    assert ex.layout["collapsed"] == []  # 24 firms: everything open
    # the firm's home segment is the box it sits in, so no line is drawn for it
    assert not any(e["from"] == "yichun-times" and e["to"] == "cell-power" for e in ex.edges)
    focus = explore(G, focus="catl", hops=1, level="enterprise")
    ids = {n["id"] for n in focus.nodes}
    assert {"catl", "shenghua", "hozon", "yichun-times"} <= ids and "ganfeng" not in ids


def test_a_graph_read_as_of_a_day_says_so(G):
    H = G.copy()
    H.graph["as_of"] = "2022-12-31"  # what a graph read as of a day carries
    ex = explore(H, park="yichun-etdz", level="enterprise")
    assert " · as of 2022-12-31 · " in ex.subtitle and data_of(ex.html())["asOf"] == "2022-12-31"
    assert explore(G, park="yichun-etdz").as_of is None


def test_large_pages_start_closed(runner, tmp_path):
    syn = tmp_path / "syn"
    assert runner.invoke(cli, ["synth", "--enterprises", "400", "--seed", "3", "-o", str(syn)]).exit_code == 0
    from lithiumgraph import load_graph

    ex = explore(load_graph(syn), level="enterprise")
    assert sorted(ex.layout["collapsed"]) == sorted(g for g, d in ex.layout["groups"].items() if d["members"])
    assert sum(len(d["members"]) for d in ex.layout["groups"].values()) == 400


def test_too_many_enterprises_is_a_clear_refusal(runner, tmp_path):
    r = runner.invoke(cli, ["explore", "--level", "enterprise", "--max-nodes", "50", "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 1 and r.output == (
        f"Error: {FIRMS} enterprises are more than a browser page can show usefully (limit 50); narrow with --park or "
        "--focus, use --level segment, or raise --max-nodes\n"
    )
    assert not (tmp_path / "x.html").exists()


def test_unknown_names_and_levels_are_one_line_errors(runner, tmp_path):
    r = runner.invoke(cli, ["explore", "--park", "nowhere", "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 1 and r.output.startswith("Error: no park named 'nowhere'") and r.output.count("\n") == 1
    r = runner.invoke(cli, ["explore", "--focus", "宁德电池", "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 1 and "closest matches" in r.output and "catl" in r.output
    assert not (tmp_path / "x.html").exists()


def test_hostile_names_are_data_not_markup(runner, data_copy, tmp_path):
    edit(
        data_copy / "enterprises.csv",
        "sk-nexilis,SK Nexilis,SK Nexilis,",
        f'sk-nexilis,"{EVIL.replace(chr(34), chr(34) * 2)}",SK Nexilis,',
    )
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


#: Legibility of the drawn view, measured from vis-network's node positions and sizes and the canvas's
#: own font metrics: nodes outside the graph area, overlapping label boxes, and the smallest label on screen.
LEGIBILITY = r"""() => {
  const net = lgNetwork, area = document.querySelector('#lg-graph').getBoundingClientRect();
  const scale = net.getScale(), ctx = document.createElement('canvas').getContext('2d');
  const labels = [], outside = [];
  let smallest = Infinity;
  net.body.data.nodes.getIds().forEach(id => {
    const n = net.body.nodes[id], o = n.options, size = o.font.size;
    const bb = net.getBoundingBox(id);
    const a = net.canvasToDOM({x: bb.left, y: bb.top}), b = net.canvasToDOM({x: bb.right, y: bb.bottom});
    if (a.x < 0 || a.y < 0 || b.x > area.width || b.y > area.height) outside.push(id);
    if (!o.label) return;
    ctx.font = size + 'px ' + o.font.face;
    const lines = o.label.split('\n'), w = Math.max(...lines.map(l => ctx.measureText(l).width));
    const h = lines.length * size;
    const top = o.heightConstraint && o.heightConstraint.valign === 'top' ? n.y - n.shape.height / 2 + o.margin.top : n.y - h / 2;
    const p = net.canvasToDOM({x: n.x - w / 2, y: top});
    labels.push([p.x, p.y, w * scale, h * scale]);
    smallest = Math.min(smallest, size * scale);
  });
  let pairs = 0, overlaps = 0;
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
    const [x1, y1, w1, h1] = labels[i], [x2, y2, w2, h2] = labels[j];
    pairs++;
    if (x1 < x2 + w2 && x2 < x1 + w1 && y1 < y2 + h2 && y2 < y1 + h1) overlaps++;
  }
  return {nodes: labels.length, outside: outside, pairs: pairs, overlaps: overlaps, smallest: smallest};
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The Yichun enterprise view and a SYNTHETIC park of about 500 local firms (with its outside partners)."""
    from click.testing import CliRunner

    d = tmp_path_factory.mktemp("pages")
    run = CliRunner().invoke
    assert (
        run(cli, ["explore", "--park", "yichun-etdz", "--level", "enterprise", "-o", str(d / "yichun.html")]).exit_code
        == 0
    )
    assert run(cli, ["explore", "--park", "yichun-etdz", "-o", str(d / "chain.html")]).exit_code == 0
    assert run(cli, ["synth", "--enterprises", "1200", "--seed", "1", "-o", str(d / "syn")]).exit_code == 0
    r = run(
        cli,
        [
            "explore",
            "--park",
            "syn-park00000",
            "--level",
            "enterprise",
            "--data",
            str(d / "syn"),
            "-o",
            str(d / "syn500.html"),
        ],
    )
    assert r.exit_code == 0, r.output
    local = sum(1 for n in data_of((d / "syn500.html").read_text(encoding="utf-8"))["nodes"] if n["lg"].get("local"))
    assert 450 <= local <= 550
    return d


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1600, 1000), (1280, 800)], ids=["1600x1000", "1280x800"])
@pytest.mark.parametrize("name", ["yichun", "syn500", "chain"])
def test_the_first_view_is_legible(pages, open_page, name, viewport):
    page = open_page(pages / f"{name}.html", viewport=viewport)
    page.open()
    m = page.page.evaluate(LEGIBILITY)
    print(
        f"{name} {viewport[0]}x{viewport[1]}: {m['nodes']} labels, {len(m['outside'])} outside the view, "
        f"{m['overlaps']} of {m['pairs']} label pairs overlap ({100 * m['overlaps'] / max(m['pairs'], 1):.2f}%), "
        f"smallest label {m['smallest']:.1f} px"
    )
    assert m["nodes"] >= SEGMENTS and m["outside"] == []
    assert m["overlaps"] <= 0.01 * m["pairs"]
    assert m["smallest"] >= 11
    page.page.screenshot(path=str(pages / f"{name}-{viewport[0]}.png"))
    if name == "yichun":  # small enough to show every firm inside its segment
        assert m["nodes"] == SEGMENTS + 26 + 4 and page.page.evaluate("lgApp.collapsed.size") == 0
        # the measure sees what it should: a firm moved onto its neighbour overlaps it; a zoom-out shrinks labels
        page.page.evaluate(
            "lgNetwork.moveNode('ganfeng', lgNetwork.getPosition('beiteli').x + 20, lgNetwork.getPosition('beiteli').y)"
        )
        page.page.evaluate("lgNetwork.moveTo({scale: lgNetwork.getScale() / 2, animation: false})")
        worse = page.page.evaluate(LEGIBILITY)
        assert worse["overlaps"] >= 1 and worse["smallest"] < 11
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_the_park_chain_opens_offline_and_draws(runner, tmp_path, open_page):
    out = tmp_path / "chain.html"
    assert runner.invoke(cli, ["explore", "--park", "yichun-etdz", "-o", str(out)]).exit_code == 0
    page = open_page(out)
    page.open()
    assert counts(page) == [SEGMENTS, LINKS]
    assert inked_pixels(page) > 20000
    page.page.screenshot(path=str(tmp_path / "chain.png"))
    assert (tmp_path / "chain.png").stat().st_size > 20000
    assert page.page.text_content("#lg-title").startswith("锂电产业链")
    assert "缺链 missing" in page.page.text_content("#lg-legend")
    assert "缺链" in page.page.evaluate("lgNetwork.body.data.nodes.get('electrolyte').label")
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_search_click_and_filters(pages, open_page):
    page = open_page(pages / "yichun.html")
    page.open()
    p = page.page
    p.fill("#lg-search", "宁德时代")
    assert p.evaluate("lgNetwork.getSelectedNodes()") == ["catl"]
    assert "catl" in p.text_content("#lg-details") and "宁德时代" in p.text_content("#lg-details")
    p.fill("#lg-search", "ganfeng lithium")  # English, any case
    assert "ganfeng" in p.evaluate("lgNetwork.getSelectedNodes()")
    p.fill("#lg-search", "300750")  # a listed code
    assert p.evaluate("lgNetwork.getSelectedNodes()") == ["catl"]
    p.fill("#lg-search", "动力电池电芯")  # a segment: it and the firms inside it
    assert set(p.evaluate("lgNetwork.getSelectedNodes()")) == {"cell-power", "yichun-times", "ganfeng", "beiteli"}
    p.fill("#lg-search", "")
    # a click on a segment shows its details with its sources, and closes it (its firms leave the page)
    p.mouse.click(*screen_point(p, "cell-power"))
    details = p.text_content("#lg-details")
    assert "cell-power" in details and "strong" in details and "sources" in details
    assert p.evaluate("lgNetwork.body.data.nodes.get('yichun-times')") is None
    assert "▸3" in p.evaluate("lgNetwork.body.data.nodes.get('cell-power').label")
    p.mouse.click(*screen_point(p, "cell-power"))  # and opens it again
    assert p.evaluate("lgNetwork.body.data.nodes.get('yichun-times')") is not None
    visible = "lgNetwork.body.data.nodes.length"
    everything = p.evaluate(visible)
    p.select_option("#lg-stage", "upstream")
    upstream = p.evaluate(visible)
    assert 0 < upstream < everything
    p.select_option("#lg-stage", "")
    p.select_option("#lg-segment", "cell-power")
    assert 0 < p.evaluate(visible) < everything
    assert p.evaluate("lgNetwork.body.data.nodes.get('catl') !== null")
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_focus_on_a_firm_shows_its_chain_and_why(pages, open_page):
    page = open_page(pages / "yichun.html")
    page.open()
    p = page.page
    p.mouse.click(*screen_point(p, "catl"))
    assert p.evaluate("lgNetwork.getSelectedNodes()") == ["catl"]
    why = p.text_content("#lg-why")
    # upstream: 江西升华 supplies CATL; downstream: CATL supplies 哪吒; each link with its sources
    assert "江西升华" in why and "哪吒" in why and "jixiandian-shenghua" in why and "pandaily-neta-catl" in why
    opacity = "lgNetwork.body.data.nodes.get('{}').opacity"
    assert p.evaluate(opacity.format("shenghua")) == 1
    assert p.evaluate(opacity.format("hozon")) >= 0.4  # on the chain (faded only as stopped)
    assert p.evaluate(opacity.format("mingguan")) <= 0.15  # not on CATL's chain: dimmed
    links = p.evaluate("lgNetwork.body.data.edges.get({filter: e => e.color.opacity === 1}).map(e => e.id)")
    assert {"catl|hozon|SUPPLIES", "shenghua|catl|SUPPLIES"} <= set(links)  # CATL's own links, no others
    assert all("catl" in link.split("|")[:2] for link in links)
    p.fill("#lg-hops", "1")
    p.mouse.click(*screen_point(p, "shenghua"))  # one hop from 江西升华: only CATL
    assert "哪吒" not in p.text_content("#lg-why") and "宁德时代" in p.text_content("#lg-why")
    p.focus("#lg-graph")
    p.keyboard.press("Escape")  # Esc clears the focus
    assert p.evaluate(opacity.format("mingguan")) == 1
    p.keyboard.press("/")  # '/' jumps to the search box
    assert p.evaluate("document.activeElement.id") == "lg-search"
    p.keyboard.type("哪吒")
    p.keyboard.press("Enter")
    assert "hozon" in p.text_content("#lg-details")
    assert page.errors == [] and page.outside == []


def _rows(path):
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(path, rows):
    import csv

    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def set_row(path, id_, **values):
    rows = _rows(path)
    next(r for r in rows if r["id"] == id_).update(values)
    _write(path, rows)


def add_row(path, **values):
    rows = _rows(path)
    _write(path, rows + [{k: values.get(k, "") for k in rows[0]}])


@pytest.mark.browser
def test_the_date_slider_shows_the_chain_as_of_a_year(runner, data_copy, tmp_path, open_page):
    # 中天智联's only project halted in 2023 (an edit of a copy of the data: stated status and, where the
    # data has project events, the event that says so)
    set_row(data_copy / "projects.csv", "zhongtian-zhilian-expansion", status="halted", as_of="2023")
    if (data_copy / "project_events.csv").exists():
        add_row(
            data_copy / "project_events.csv",
            project="zhongtian-zhilian-expansion",
            date="2023",
            stage="halted",
            sources="seed-yetdz-2022",
            confidence="stated",
        )
    out = tmp_path / "t.html"
    assert (
        runner.invoke(
            cli, ["explore", "--park", "yichun-etdz", "--level", "enterprise", "--data", str(data_copy), "-o", str(out)]
        ).exit_code
        == 0
    )
    page = open_page(out)
    page.open()
    p = page.page
    get = "lgNetwork.body.data.nodes.get('{}')"
    assert p.text_content("#lg-date-text").startswith("now")
    assert p.evaluate(get.format("zhongtian-zhilian") + ".label").startswith("停")  # halted: faded and marked
    assert p.evaluate(get.format("zhongtian-zhilian") + ".opacity") < 1
    p.focus("#lg-date")
    p.keyboard.press("Home")  # the first year with a dated project
    assert p.text_content("#lg-date-text") == "2016"
    assert p.evaluate(get.format("beiteli")) is not None  # its project dates from 2016
    assert p.evaluate(get.format("yichun-times")) is None  # CATL's Yichun base began in 2021
    assert p.evaluate("lgNetwork.body.data.edges.get('shenghua|catl|SUPPLIES')") is None  # a 2023 order
    for _ in range(3):
        p.keyboard.press("ArrowRight")
    assert p.text_content("#lg-date-text") == "2021"
    assert p.evaluate(get.format("yichun-times")) is not None
    assert p.evaluate(get.format("zhongtian-zhilian")) is None  # its only event is of 2022
    assert not p.evaluate(get.format("hozon") + ".label").startswith("停")  # 哪吒 built and running then
    p.keyboard.press("End")
    assert p.evaluate("lgNetwork.body.data.edges.get('shenghua|catl|SUPPLIES')") is not None
    assert "2024-10 production_stopped" in p.evaluate(get.format("hozon") + ".title")
    assert p.evaluate(get.format("hozon") + ".label").startswith("停")  # and so faded now
    assert page.errors == [] and page.outside == []
    # the park as known at the end of 2021: the slider ends there, and nothing later is on the page
    old = tmp_path / "2021.html"
    assert (
        runner.invoke(
            cli, ["explore", "--park", "yichun-etdz", "--level", "enterprise", "--as-of", "2021", "-o", str(old)]
        ).exit_code
        == 0
    )
    page = open_page(old)
    page.open()
    p = page.page
    assert p.text_content("#lg-date-text") == "as of 2021-12-31" and "as of 2021-12-31" in p.text_content(
        "#lg-subtitle"
    )
    assert p.evaluate(get.format("yichun-times")) is not None and p.evaluate(get.format("ganfeng")) is None
    assert p.evaluate("lgNetwork.body.data.edges.get('shenghua|catl|SUPPLIES')") is None
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_save_picture_print_and_keyboard(pages, open_page):
    page = open_page(pages / "yichun.html")
    page.open()
    p = page.page
    with p.expect_download() as dl:
        p.click("#lg-png")
    png = dl.value.path().read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000
    with p.expect_download() as dl:
        p.click("#lg-svg")
    import xml.etree.ElementTree as ET

    svg = ET.fromstring(dl.value.path().read_text(encoding="utf-8"))
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "宜春时代" in texts and len(texts) == SEGMENTS + 26 + 4
    # every control is reachable by Tab
    p.focus("#lg-search")
    seen = set()
    for _ in range(14):
        p.keyboard.press("Tab")
        seen.add(p.evaluate("document.activeElement.id"))
    assert {"lg-stage", "lg-segment", "lg-park", "lg-hops", "lg-date", "lg-png", "lg-svg"} <= seen
    p.emulate_media(media="print")  # printing: the graph and legend, no controls
    assert p.evaluate("getComputedStyle(document.querySelector('.controls')).display") == "none"
    assert p.evaluate("getComputedStyle(document.querySelector('#lg-legend')).display") != "none"
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_hostile_names_do_not_execute_and_show_literally(runner, data_copy, tmp_path, open_page):
    edit(
        data_copy / "enterprises.csv",
        "sk-nexilis,SK Nexilis,SK Nexilis,",
        f'sk-nexilis,"{EVIL.replace(chr(34), chr(34) * 2)}",SK Nexilis,',
    )
    out = tmp_path / "evil.html"
    assert (
        runner.invoke(cli, ["explore", "--level", "enterprise", "--data", str(data_copy), "-o", str(out)]).exit_code
        == 0
    )
    page = open_page(out)
    page.open()
    p = page.page
    p.fill("#lg-search", "onerror")
    assert p.evaluate("lgNetwork.getSelectedNodes()") == ["sk-nexilis"]
    assert EVIL in p.text_content("#lg-details")
    p.fill("#lg-search", "")
    p.mouse.move(*screen_point(p, "sk-nexilis"))  # the hover tooltip shows the name as text
    p.wait_for_selector(".vis-tooltip", state="visible", timeout=5000)
    assert EVIL.split("<script>")[0][:20] in p.text_content(".vis-tooltip")
    p.mouse.click(*screen_point(p, "sk-nexilis"))
    assert EVIL in p.text_content("#lg-details")
    with p.expect_download() as dl:  # and the saved SVG carries it as text
        p.click("#lg-svg")
    svg = dl.value.path().read_text(encoding="utf-8")
    assert "<script" not in svg and "<img" not in svg
    assert p.evaluate("window.pwned") is None
    assert p.evaluate("document.querySelectorAll('img').length") == 0
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_a_5000_enterprise_synthetic_export_opens(runner, tmp_path, open_page):
    """Scale: a SYNTHETIC graph of 5,000 enterprises at enterprise level opens closed, with counts."""
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
    assert nodes == SEGMENTS and edges == LINKS  # every segment closed, with its count
    m = page.page.evaluate(LEGIBILITY)
    assert m["outside"] == [] and m["smallest"] >= 11 and m["overlaps"] == 0
    p = page.page
    p.fill("#lg-search", "合成企业0042")  # a search opens the firm's segment
    assert p.evaluate("lgNetwork.getSelectedNodes()") == ["syn-e0042"]
    assert counts(page)[0] > SEGMENTS
    p.click("#lg-expand")  # everything open: links only for a focused firm
    assert counts(page) == [5000 + SEGMENTS, LINKS] and "5000 firms open" in p.text_content("#lg-note")
    p.evaluate("lgApp.focusOn('syn-e0042')")
    assert counts(page)[1] > LINKS and "syn-e0042" not in p.text_content("#lg-why")  # named, not by id
    assert page.errors == [] and page.outside == []
    print(f"5k synthetic export: build {build:.1f} s, open and draw {load:.1f} s")
    assert load < 30

"""Generated bad input for every reader and writer: each case ends in a valid graph or in one
``FILE:LINE: FIELD: message`` line per problem with exit 1; never a traceback, never a partial load,
and nothing from the data ever runs in a browser.

Example budgets are fixed (and derandomized), so CI runs the same cases every time; the README's
reliability table lists them.
"""

import csv
import io
import json
import re
import shutil
import tempfile
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lithiumgraph.cli import cli

MINI = Path(__file__).parent / "fixtures" / "mini"
PROBLEM = re.compile(r"^[^\n]+:\d+: [^:\n]+: [^\n]+$")
BUDGET = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SMALL = settings(BUDGET, max_examples=15)

#: Text a spreadsheet, a news page or an attacker may put in a cell.
NASTY = [
    "'}) DETACH DELETE n //",
    "<script>window.pwned=1</script>",
    "</script><img src=x onerror=alert(1)>",
    "=cmd|' /C calc'!A0",
    "\u202egnp.exe",
    "zero\u200bwidth",
    "\ufeffbom",
    "𠜎𠜱 CJK-B",
    "a\u2028b",
    "مرحبا עברית",
    "Ω≈ç√∫",
    "x" * 5000,
    "\\u0000",
    "%s%n",
    "${jndi:ldap://x}",
    '"quoted"',
    "a,b;c|d",
]
odd_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(min_size=1, max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=20),
)


def mini_copy() -> Path:
    d = Path(tempfile.mkdtemp(prefix="lg-fuzz-"))
    shutil.copytree(MINI, d / "data")
    return d / "data"


def set_cell(path: Path, row_id: str, column: str, value: str) -> None:
    """Put ``value`` into one cell, quoting it as CSV does, so that only the cell is hostile."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    col = rows[0].index(column)
    for r in rows[1:]:
        if r[0] == row_id:
            r[col] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8", "surrogatepass"))


def check_outcome(runner, data: Path):
    """validate: exit 0, or exit 1 with only FILE:LINE: FIELD lines and the summary; never a traceback."""
    r = runner.invoke(cli, ["validate", "--data", str(data)])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    if r.exit_code == 0:
        assert r.output.startswith("OK: ")
        event("loaded")
        return True
    event("refused")
    assert r.exit_code == 1
    lines = r.output.rstrip("\n").split("\n")
    assert lines[-1].endswith("problem(s) in the data; nothing was loaded"), lines[-1]
    assert lines[:-1] and all(PROBLEM.match(x) for x in lines[:-1]), lines
    return False


@pytest.mark.parametrize("column", ["name_zh", "aliases", "listed_code", "sources", "confidence", "id"])
@BUDGET
@given(value=odd_text)
def test_any_text_in_an_enterprise_cell(runner, column, value):
    data = mini_copy()
    set_cell(data / "enterprises.csv", "cellco", column, value)
    if check_outcome(runner, data) and column == "name_zh":
        from lithiumgraph import load_graph

        G = load_graph([data])
        assert G.nodes["cellco"]["name_zh"] == value.strip()  # stored verbatim (trimmed)
    shutil.rmtree(data.parent)


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers().map(str),
    st.sampled_from(
        [
            "1e400",
            "-5",
            "1,000",
            "١٢٣",
            "０５",
            "5 GWh",
            "0x10",
            "nan",
            "1e15",
            "1e16",
            " 12 ",
            "+3",
            ".5",
            "5.",
            "",
            "−5",
        ]
    ),
    odd_text,
)


@pytest.mark.parametrize("column", ["capacity", "investment_yuan"])
@BUDGET
@given(value=numbers)
def test_any_number_in_a_project_cell(runner, column, value):
    data = mini_copy()
    set_cell(data / "projects.csv", "p1", column, value)
    if check_outcome(runner, data) and value.strip():
        from lithiumgraph import load_graph

        v = load_graph([data]).nodes["p1"][column]
        assert isinstance(v, float) and 0 <= v <= 1e15
    shutil.rmtree(data.parent)


@BUDGET
@given(
    unit=st.one_of(
        st.sampled_from(["GWh", "gwh/yr", "t", "吨/年", "GWh/yr ", "MWh/yr", "t/yr", "vehicles/yr"]), odd_text
    )
)
def test_any_unit(runner, unit):
    data = mini_copy()
    set_cell(data / "projects.csv", "p1", "unit", unit)
    check_outcome(runner, data)
    shutil.rmtree(data.parent)


@BUDGET
@given(blob=st.binary(max_size=400))
def test_any_bytes_as_a_whole_file(runner, blob):
    data = mini_copy()
    (data / "enterprises.csv").write_bytes(blob)
    check_outcome(runner, data)
    shutil.rmtree(data.parent)


@BUDGET
@given(
    cut=st.integers(min_value=0, max_value=2000),
    name=st.sampled_from(["projects.csv", "enterprises.csv", "supplies.csv", "parks.csv"]),
)
def test_truncated_files(runner, cut, name):
    data = mini_copy()
    raw = (data / name).read_bytes()
    (data / name).write_bytes(raw[: cut % (len(raw) + 1)])
    check_outcome(runner, data)
    shutil.rmtree(data.parent)


@pytest.mark.parametrize("codec", ["gbk", "utf-16", "big5", "latin-1"])
def test_wrong_encodings_are_named(runner, codec):
    data = mini_copy()
    text = (data / "enterprises.csv").read_text(encoding="utf-8") + "extra,中文名称Ä,X,,,,hand,,stated\n"
    (data / "enterprises.csv").write_bytes(text.encode(codec, errors="replace"))
    r = runner.invoke(cli, ["validate", "--data", str(data)])
    assert r.exit_code == 1 and "not valid UTF-8" in r.output
    shutil.rmtree(data.parent)


@SMALL
@given(value=st.one_of(odd_text, st.sampled_from(['{"a": 1}', "[1, 2]", "null", "1e999", "true", "-0", '"x"'])))
def test_any_param_value(runner, value):
    r = runner.invoke(
        cli,
        [
            "query",
            "MATCH (e:Enterprise) WHERE e.name_zh = $x RETURN count(e) AS n",
            "--param",
            f"x={value}",
            "--data",
            str(MINI),
            "--format",
            "json",
        ],
    )
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    event("answered" if r.exit_code == 0 else "refused")
    if r.exit_code == 0:
        assert json.loads(r.output) == [{"n": 0}] or value in ("母公司", "电芯甲")
    else:
        assert r.exit_code == 1 and r.output.startswith("Error: ") and r.output.count("\n") == 1


@SMALL
@given(
    query=st.one_of(
        odd_text,
        st.sampled_from(
            [
                "MATCH (n",
                "RETURN",
                "MATCH (n)-[*]->(m) RETURN m",
                "))((",
                "RETURN $",
                "MATCH (n) RETURN n /* unclosed",
                "RETURN 'unterminated",
                "MATCH (n:`weird label`) RETURN n",
            ]
        ),
    )
)
def test_any_query_text(runner, query):
    r = runner.invoke(cli, ["query", query, "--data", str(MINI), "--timeout", "5"])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert r.exit_code in (0, 1)
    event("answered" if r.exit_code == 0 else "refused")
    if r.exit_code == 1:
        assert r.output.startswith("Error: ") and r.output.count("\n") == 1, r.output


def mini_graph_named(name: str) -> nx.MultiDiGraph:
    from lithiumgraph import load_graph

    data = mini_copy()
    set_cell(data / "enterprises.csv", "cellco", "name_zh", name)
    try:
        return load_graph([data])
    finally:
        shutil.rmtree(data.parent)


printable = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=30)
names = st.one_of(st.sampled_from([n for n in NASTY if n.strip() and "\u2028" not in n]), printable).filter(
    lambda s: s.strip() == s and s.strip() and "\ufffe" not in s and "\uffff" not in s
)


@BUDGET
@given(name=names)
def test_exports_carry_any_name_verbatim(name, tmp_path_factory):
    from lithiumgraph.export import export

    G = mini_graph_named(name)
    d = tmp_path_factory.mktemp("x")
    export(G, "graphml", d / "g.graphml")
    export(G, "gexf", d / "g.gexf")
    export(G, "json", d / "g.json")
    assert nx.read_graphml(d / "g.graphml").nodes["cellco"]["name_zh"] == name
    assert nx.read_gexf(d / "g.gexf").nodes["cellco"]["name_zh"] == name
    assert (
        json.loads((d / "g.json").read_text(encoding="utf-8"))["nodes"][
            [n["id"] for n in json.loads((d / "g.json").read_text(encoding="utf-8"))["nodes"]].index("cellco")
        ]["name_zh"]
        == name
    )


@BUDGET
@given(name=names)
def test_explorer_and_report_html_carry_any_name_as_text(name, tmp_path_factory):
    """Statically: the name reaches the explorer only inside its JSON block, and the report escaped."""
    from html.parser import HTMLParser

    from lithiumgraph.explorer import explore
    from lithiumgraph.report import build_report, to_html as render_html

    def page_and_data(graph):
        page = explore(graph, level="enterprise").html()
        block = re.search(r'<script type="application/json" id="lg-data">(.*?)</script>', page, re.S).group(1)
        return page.replace(block, ""), block

    G = mini_graph_named(name)
    page, block = page_and_data(G)
    assert "<" not in block
    cellco = next(n for n in json.loads(block)["nodes"] if n["id"] == "cellco")
    assert name in cellco["lg"]["names"]
    # the data enters the page only through its JSON block: the rest is the same for any name
    assert page == page_and_data(mini_graph_named("baseline"))[0]
    report = render_html(build_report(G, "park-a"))

    class Texts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.texts, self.tags = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.texts.append(data)

    p = Texts()
    p.feed(report)
    assert "script" not in p.tags and "img" not in p.tags
    assert name in "".join(p.texts)


@pytest.mark.browser
@settings(BUDGET, max_examples=12)
@given(
    name=st.one_of(st.sampled_from([n for n in NASTY if n.strip() and "\u2028" not in n]), printable).filter(
        lambda s: s.strip() == s and s.strip()
    )
)
def test_in_the_browser_any_name_shows_literally_and_runs_nothing(name, open_page, tmp_path_factory):
    from lithiumgraph.explorer import explore
    from lithiumgraph.report import build_report, to_html as render_html

    G = mini_graph_named(name)
    d = tmp_path_factory.mktemp("b")
    explore(G, level="enterprise").write(d / "e.html")
    (d / "r.html").write_text(render_html(build_report(G, "park-a")), encoding="utf-8")
    page = open_page(d / "e.html")
    page.open()
    p = page.page
    p.fill("#lg-search", "cellco")  # search by id selects it and shows its details
    assert name in p.text_content("#lg-details")
    assert p.evaluate("window.pwned") is None and p.evaluate("document.querySelectorAll('img').length") == 0
    assert page.errors == [] and page.outside == []
    rep = open_page(d / "r.html")
    rep.page.goto(rep.url)
    assert name in rep.page.text_content("body")
    assert rep.page.evaluate("window.pwned") is None
    assert rep.page.evaluate("document.querySelectorAll('img, iframe, object').length") == 0
    assert rep.errors == [] and rep.outside == []

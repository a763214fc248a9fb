"""News extraction: the normalisers with exact cases, the rules on real sentences, hostile inputs, and the
review -> accept round trip validated on top of graph_data/."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lithiumgraph.cli import cli
from lithiumgraph.dataset import default_data_dir, load
from lithiumgraph.extract import Gazetteer, Lexicon, extract_text
from lithiumgraph.extract.dates import find_dates
from lithiumgraph.extract.normalise import find_capacities, find_money, parse_number
from lithiumgraph.extract.reader import html_text

FIX = Path(__file__).parent / "fixtures" / "extract"


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.from_dataset(load())


@pytest.fixture(scope="module")
def lex():
    return Lexicon.load()


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,200", 1200.0),
        ("两万", 20000.0),
        ("二十五", 25.0),
        ("一百零五", 105.0),
        ("一千五", 1500.0),
        ("2.5万", 25000.0),
        ("三亿五千万", 3.5e8),
        ("十", 10.0),
        ("二十八", 28.0),
        ("1万亿", 1e12),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("项目总投资不超过135亿元", [(135e8, "yuan", "at_most")]),
        ("总金额超1200亿元", [(1200e8, "yuan", "over")]),
        ("计划投资约47亿元", [(47e8, "yuan", "about")]),
        ("投资近300亿元", [(300e8, "yuan", "nearly")]),
        ("订单金额不低于9亿元", [(9e8, "yuan", "over")]),
        ("投资2000万元以上", [(2e7, "yuan", "over")]),
        ("总投资人民币70亿元", [(70e8, "yuan", "")]),
        ("投资约6亿美元", [(6e8, "USD", "about")]),
        ("上海安能工建矿业集团投资406亿,与赣锋", [(406e8, "yuan", "")]),
        ("A $3.2bn facility", [(3.2e9, "USD", "")]),
        ("is €4 billion ($4.85 billion)", [(4e9, "EUR", ""), (4.85e9, "USD", "")]),
        ("up to $1.2 billion", [(1.2e9, "USD", "at_most")]),
        ("15GWh乘用车用三元电池项目", []),  # 三元 is a chemistry, not three yuan
    ],
)
def test_find_money(text, expected):
    assert [(m.value, m.currency, m.bound) for m in find_money(text) if not m.output] == expected


def test_output_value_is_not_investment():
    (m,) = find_money("项目达产后可实现产值85亿元以上")
    assert (m.value, m.bound, m.output) == (85e8, "over", True)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("年产20万吨磷酸铁锂", [(200000.0, "t/yr")]),
        ("一期10GWh项目", [(10.0, "GWh/yr")]),
        ("年产30吉瓦时电池PACK", [(30.0, "GWh/yr")]),
        ("年产4亿平方米隔膜", [(4e8, "m²/yr")]),
        ("矿山采矿生产规模 4500万吨/年", [(45e6, "t/yr")]),
        ("建设年产两万吨氯化锂生产基地", [(20000.0, "t/yr")]),
        ("100MWh级锂电池储能电站项目", [(0.1, "GWh/yr")]),
        ("a production capacity of 27 GWh/year", [(27.0, "GWh/yr")]),
        ("形成年产12亿安时锂离子动力电池的生产能力", [(1.2e9, "Ah/yr")]),
        ("年产1.5亿Ah电芯", [(1.5e8, "Ah/yr")]),
        ("一栋4000平方米厂房主体已完工", []),  # floor area, not capacity
        ("合计供应305万吨产品", []),  # a supply quantity
        ("氧化锂储量516万吨", []),  # a reserve
    ],
)
def test_find_capacities(text, expected):
    assert [(c.value, c.unit) for c in find_capacities(text)] == expected


@pytest.mark.parametrize(
    "text, published, expected",
    [
        ("2022年8月15日签约", None, ["2022-08-15"]),
        ("2023 年 10 月将实现全部建成", None, ["2023-10"]),
        ("去年11月签约", "2024-05-20", ["2023-11"]),
        ("今年一季度投产", "2024-05-20", ["2024-Q1"]),
        ("上月开工", "2024-01-10", ["2023-12"]),
        ("8日开工", "2022-10-11", ["2022-10-08"]),
        ("十月二十八日奠基", "2021-12-28", ["2021-10-28"]),
        ("11月11日开工", "2025-03-01", ["2024-11-11"]),  # a day after publication is last year's
        ("明年6月竣工", "2024-11-11", ["2025-06"]),
        ("2022年年底全部投产", None, ["2022-12"]),
        ("今年下半年投产", "2027-01-12", ["2027-H2"]),
        ("近日签约", "2023-08-08", ["2023-08-08"]),
        ("去年11月签约", None, []),  # relative, nothing to resolve against
        ("due to be completed by spring 2024", None, ["2024"]),
        ("expected to start later this year", "2023-03-24", ["2023"]),
    ],
)
def test_find_dates(text, published, expected):
    assert [d.value for d in find_dates(text, published)] == expected


def test_future_month_when_announced():
    assert [d.value for d in find_dates("预计8月份投产", "2023-06-18", future_ok=True)] == ["2023-08"]


def _one(cands, stage):
    hits = [c for c in cands if c.stage == stage]
    assert len(hits) == 1, [(c.stage, c.evidence) for c in cands]
    return hits[0]


def test_rules_signing_then_plan(gaz, lex):
    text = (
        "3月1日,宜春经开区与比亚迪股份有限公司在南昌正式签订投资协议。"
        "比亚迪拟在宜春投资100亿元建设年产20GWh动力电池和年产5万吨电池级碳酸锂项目。"
    )
    cands = extract_text(text, gaz, lex, published="2023-03-02")
    signed = _one(cands, "signed")
    assert (signed.firms, signed.place, signed.date) == (("byd",), "yichun-etdz", "2023-03-01")
    assert text[signed.start : signed.end] == signed.evidence
    planned = [c for c in cands if c.stage == "planned"]
    assert [(c.place, c.segment, c.capacity, c.unit, c.money, c.expected) for c in planned] == [
        ("yichun-city", "cell-power", 20.0, "GWh/yr", 100e8, True),
        ("yichun-city", "lithium-carbonate", 50000.0, "t/yr", 100e8, True),
    ]


def test_rules_contractor_and_new_firm(gaz, lex):
    text = "1月21日,中国能建龙江能建承建的国峰元储年产30吉瓦时电池PACK及系统集成项目开工。"
    c = _one(extract_text(text, gaz, lex, published="2026-01-27"), "started")
    assert (c.firms, c.segment, c.capacity, c.date) == (("new:国峰元储",), "battery-pack", 30.0, "2026-01-21")


def test_rules_phases_take_their_own_money(gaz, lex):
    text = (
        "中科电气(300035.SZ)公告称,公司与四川泸州(长江)经济开发区管理委员会签订投资协议,拟投资建设“年产30万吨锂离子电池负极材料一体化项目”,"
        "项目计划总投资约人民币70亿元,一期项目建设年产20万吨锂离子电池负极材料一体化生产基地,计划投资约47亿元。"
    )
    cands = extract_text(text, gaz, lex, published="2025-12-16")
    assert [(c.stage, c.capacity, c.money, c.bound, c.segment) for c in cands] == [
        ("signed", 300000.0, 70e8, "about", "anode"),
        ("signed", 200000.0, 47e8, "about", "anode"),
    ]
    assert all(c.firms == ("zhongke-electric",) for c in cands)


def test_rules_licence_and_halt(gaz, lex):
    text = "宜春时代新能源矿业有限公司的采矿许可证已于8月9日到期,矿山暂停了开采作业。"
    cands = extract_text(text, gaz, lex, published="2025-12-19")
    assert {(c.stage, c.firms, c.date) for c in cands} == {
        ("licence_expired", ("yichun-times-mining",), "2025-08-09"),
        ("halted", ("yichun-times-mining",), "2025-08-09"),
    }


def test_html_text_drops_scripts_and_styles():
    page = html_text(
        "<html><head><title>T</title><style>p{x:1}</style>"
        "<meta property='article:published_time' content='2022-10-10T07:25'></head><body>"
        "<script>var a='开工';</script><p>项目开工。</p><noscript>签约</noscript></body></html>"
    )
    assert (page.text, page.title, page.published) == ("项目开工。", "T", "2022-10-10")


def _run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def _rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_extract_seed_excerpt(tmp_path):
    out = tmp_path / "review.csv"
    r = _run("extract", str(FIX / "seed_excerpt.txt"), "--published", "2022-01", "--outlet", "seed", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert r.output == f"wrote {out}: 4 candidates from 1 documents (2 expanded, 2 started)\n"
    rows = _rows(out)
    text = (FIX / "seed_excerpt.txt").read_text("utf-8")
    assert all(text[int(x["start"]) : int(x["end"])] == x["evidence"] for x in rows)
    got = [(x["stage"], x["firms"], x["date"], x["capacity"], x["unit"], x["money"], x["segment"]) for x in rows]
    assert got == [
        ("started", "gotion", "2021-05-22", "", "", "", ""),
        ("started", "yichun-times|yichun-times-ventures", "2021-12-24", "", "", "", "cell-power"),
        ("expanded", "zhengzhao-seed", "", "200000", "t/yr", "3000000000", "anode"),
        ("expanded", "ganfeng", "", "7000", "t/yr", "2200000000", "lithium-metal"),
    ]


def test_extract_gold_texts_as_json_lines(tmp_path):
    import yaml

    texts = yaml.safe_load((Path(__file__).parents[1] / "benchmarks" / "extract_gold" / "dev.yaml").read_text("utf-8"))
    src = tmp_path / "news.jsonl"
    src.write_text(
        "\n".join(
            json.dumps({k: str(t.get(k) or "") for k in ("url", "published", "title", "text")}, ensure_ascii=False)
            for t in texts
        ),
        "utf-8",
    )
    out = tmp_path / "review.csv"
    assert _run("extract", str(src), "-o", str(out)).exit_code == 0
    rows = _rows(out)
    assert len({x["url"] for x in rows}) >= len(texts) - 1 and len(rows) >= 50
    by_url = {t["url"]: t["text"] for t in texts}
    assert all(by_url[x["url"]][int(x["start"]) : int(x["end"])] == x["evidence"] for x in rows)


def test_no_events_gives_header_only(tmp_path):
    f = tmp_path / "calm.txt"
    f.write_text("今天天气很好。We walked in the park.", "utf-8")
    out = tmp_path / "review.csv"
    r = _run("extract", str(f), "-o", str(out))
    assert r.output == f"wrote {out}: 0 candidates from 1 documents\n"
    assert out.read_text("utf-8").splitlines() == [
        ",".join(__import__("lithiumgraph.extract.review", fromlist=["COLUMNS"]).COLUMNS)
    ]


def test_gbk_page_and_stdin(tmp_path):
    f = tmp_path / "gbk.html"
    f.write_bytes(
        "<html><head><meta charset='gbk'></head><body><p>3月15日,航天锂电项目正式开工建设。</p>"
        "<script>alert(1)</script></body></html>".encode("gbk")
    )
    r = _run("extract", str(f), "--published", "2023-03-16")
    assert r.exit_code == 0 and "started" in r.output and "alert" not in r.output
    r = _run("extract", "-", "--published", "2023-03-16", input="3月15日,项目正式开工建设。".encode("gb18030"))
    assert r.exit_code == 0 and ",started," in r.output and ",2023-03-15," in r.output


@pytest.mark.parametrize(
    "content, message",
    [
        (bytes(range(256)) * 4, "not UTF-8, UTF-16 or GBK/GB18030 text (byte 0x80 at offset 128)"),
        (b"PK\x03\x04" + bytes(200), "binary data, not text"),
    ],
)
def test_undecodable_is_one_line(tmp_path, content, message):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    out = tmp_path / "review.csv"
    r = _run("extract", str(f), "-o", str(out))
    assert r.exit_code == 1 and r.output.count("\n") == 1 and str(f) in r.output and message in r.output
    assert not out.exists()


def test_huge_file_refused(tmp_path):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as h:
        h.truncate(50 * 2**20)
    r = _run("extract", str(f), "-o", str(tmp_path / "review.csv"))
    assert r.exit_code == 1 and r.output.startswith(f"Error: {f}: 52,428,800 bytes, over the limit")
    assert not (tmp_path / "review.csv").exists()


def test_bad_json_line_named(tmp_path):
    f = tmp_path / "news.jsonl"
    f.write_text('{"url": "u", "text": "项目开工。"}\n{"url": 3, "text": "x"}\n', "utf-8")
    r = _run("extract", str(f))
    assert r.exit_code == 1 and r.output == f"Error: {f}:2: url: not a string\n"


def test_cells_are_neutralised(tmp_path):
    f = tmp_path / "evil.txt"
    f.write_text('=HYPERLINK("http://x")项目于2021年5月开工。', "utf-8")
    out = tmp_path / "review.csv"
    _run("extract", str(f), "-o", str(out))
    (row,) = _rows(out)
    assert row["evidence"].startswith("'=HYPERLINK")


def _decide(path, decisions):
    rows = _rows(path)
    for row, d in zip(rows, decisions):
        row["decision"] = d
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return rows


NEWS = [
    {
        "url": "https://example.org/byd",
        "published": "2023-03-02",
        "outlet": "x",
        "title": "比亚迪",
        "text": "3月1日,宜春经开区与比亚迪股份有限公司正式签订投资协议。比亚迪拟在宜春投资100亿元建设年产20GWh动力电池。",
    },
    {
        "url": "https://example.org/shenghua",
        "published": "2023-09-20",
        "outlet": "x",
        "title": "江西升华",
        "text": "9月19日,江西升华新材料有限公司年产25万吨磷酸铁锂项目在宜春经开区开工。",
    },
    {
        "url": "http://chinaiol.com/News/Content/202405/33_51107.html",
        "published": "2024-05-14",
        "outlet": "产业在线",
        "title": "茜坑",
        "text": "江特电机5月13日晚间公告,公司近日收到自然资源部颁发的茜坑锂矿《采矿许可证》。",
    },
    {
        "url": "http://m.zhileng.sdqnw.net/hyzx/2023/0316/1803.html",
        "published": "2023-03-16",
        "outlet": "x",
        "title": "天门",
        "text": "3月15日,总投资260亿元的航天锂电“超级工厂”项目在天门市正式开工建设,将新建50GWh电芯基地。",
    },
]


def test_review_accept_round_trip(tmp_path):
    src = tmp_path / "news.jsonl"
    src.write_text("\n".join(json.dumps(n, ensure_ascii=False) for n in NEWS), "utf-8")
    review = tmp_path / "review.csv"
    assert _run("extract", str(src), "-o", str(review)).exit_code == 0
    rows = _decide(review, ["yes", "no", "yes", "y", "accept"])
    assert [r["stage"] for r in rows] == ["signed", "planned", "started", "licence_granted", "started"]
    out = tmp_path / "news-data"
    r = _run("accept", str(review), "-o", str(out))
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        f"4 accepted, 1 rejected, 0 undecided; wrote {out}: 4 sources, 1 enterprises, 1 parks, 1 projects, "
        "2 project_events, 1 enterprise_events; 0 already in the data, 0 announcements kept as notes",
        "  conflict (line 2): byd-yichun-cells|byd-yichun-li2co3: data says several projects fit; the text says "
        "signed 2023-03-01 (not written)",
        "  conflict (line 4): shenghua-lfp: data says capacity 200,000 t/yr; the text says capacity 250,000 t/yr",
    ]
    ds = load([default_data_dir(), out])  # validates layered on the curated data
    events = {
        (e.project, e.date, e.stage, e.confidence)
        for e in ds.records(
            __import__("lithiumgraph.model", fromlist=["RECORD_FILES"]).RECORD_FILES["project_events.csv"]
        )
    }
    assert ("shenghua-lfp", "2023-09-19", "started", "extracted") in events
    assert _run("validate", "--data", str(default_data_dir()), "--data", str(out)).exit_code == 0
    conflicts = _rows(tmp_path / "conflicts.csv")
    assert [c["subject"] for c in conflicts] == ["byd-yichun-cells|byd-yichun-li2co3", "shenghua-lfp"]
    # the rejected candidate is not proposed again; the rest are
    again = tmp_path / "review.csv"
    r = _run("extract", str(src), "-o", str(again))
    assert "1 rejected before, left out" in r.output
    assert rows[1]["candidate"] not in {x["candidate"] for x in _rows(again)}


def test_accept_refuses_bad_rows_and_writes_nothing(tmp_path):
    src = tmp_path / "news.jsonl"
    src.write_text(json.dumps(NEWS[0], ensure_ascii=False), "utf-8")
    review = tmp_path / "review.csv"
    _run("extract", str(src), "-o", str(review))
    rows = _decide(review, ["maybe", "yes"])
    rows[1]["firms"] = "no-such-firm"
    with open(review, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    out = tmp_path / "out"
    r = _run("accept", str(review), "-o", str(out))
    assert r.exit_code == 1
    assert r.output.splitlines()[:2] == [
        f"{review}:2: decision: 'maybe' is neither yes nor no",
        f"{review}:3: firms: unknown enterprise 'no-such-firm'; use an id from the data or new:NAME",
    ]
    assert not out.exists() and not (tmp_path / "rejected.csv").exists()


def test_same_news_from_two_outlets(tmp_path):
    text = "9月19日,江西升华新材料有限公司年产20万吨磷酸铁锂项目在宜春经开区开工。"
    src = tmp_path / "news.jsonl"
    src.write_text(
        "\n".join(
            json.dumps({"url": u, "published": "2023-09-20", "text": text}, ensure_ascii=False)
            for u in ("https://a.example/1", "https://b.example/2")
        ),
        "utf-8",
    )
    review = tmp_path / "review.csv"
    _run("extract", str(src), "-o", str(review))
    rows = _decide(review, ["yes", "yes"])
    assert rows[1]["same_as"] == rows[0]["candidate"] and rows[0]["same_as"] == ""
    out = tmp_path / "out"
    assert _run("accept", str(review), "-o", str(out)).exit_code == 0
    (event,) = _rows(out / "project_events.csv")
    assert (event["project"], event["stage"], len(event["sources"].split("|"))) == ("shenghua-lfp", "started", 2)


@pytest.mark.parametrize(
    "text, message",
    [
        ("wort,segment\n电芯,cell-power\n", "lex.csv:1: word: missing column; expected word,segment,kind"),
        ("word,segment\n电芯,\n", "lex.csv:2: segment: missing value (use - for a word that names no segment)"),
        ("word,segment\n电芯,cells\n", "lexicon: 电芯: unknown segment 'cells'"),
    ],
)
def test_bad_lexicon_is_one_line(tmp_path, text, message):
    lex_file = tmp_path / "lex.csv"
    lex_file.write_text(text, "utf-8")
    f = tmp_path / "a.txt"
    f.write_text("项目开工。", "utf-8")
    r = _run("extract", str(f), "--lexicon", str(lex_file))
    assert r.exit_code == 1 and r.output.strip().endswith(message) and r.output.count("\n") == 1


def test_traditional_characters(gaz, lex):
    text = "宜春國軒電池項目於去年5月份開工,目前已一次性建成投產10Gwh動力電池產線。"
    cands = extract_text(text, gaz, lex, published="2022-06-01")
    assert [(c.stage, c.firms, c.date, c.capacity) for c in cands] == [
        ("started", ("jiangxi-gotion",), "2021-05", None),
        ("operating", ("jiangxi-gotion",), "", 10.0),
    ]
    assert all(text[c.start : c.end] == c.evidence for c in cands)


def test_accept_lists_events_that_contradict_the_data(tmp_path):
    """catl-yichun-cells is under construction since 2021-10-28 in the data: a start on 2021-12-24 would
    put a step back, so it is listed and not written, and what is written still validates."""
    src = tmp_path / "news.jsonl"
    src.write_text(
        json.dumps(
            {
                "url": "https://example.org/seed",
                "published": "2022-01-10",
                "text": "12月24日,宜春时代新型锂电池生产制造基地项目正式开工。",
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    review = tmp_path / "review.csv"
    _run("extract", str(src), "-o", str(review))
    _decide(review, ["yes"])
    out = tmp_path / "out"
    r = _run("accept", str(review), "-o", str(out))
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[1].startswith(
        "  conflict (line 2): catl-yichun-cells: data says 'started' on 2021-12-24 comes after 'construction' "
        "on 2021-10-28"
    )
    assert not (out / "project_events.csv").exists()
    assert _rows(tmp_path / "conflicts.csv")[0]["extracted"] == "started on 2021-12-24 (not written)"


@pytest.mark.parametrize("name", ["normalise", "rules"])
def test_extract_doctests(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"lithiumgraph.extract.{name}"))
    assert result.failed == 0 and result.attempted >= 1

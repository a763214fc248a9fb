"""The chain chief's pack with the real tools: the workbook opened with openpyxl, the PDF read with
pdftoppm and pdftotext, every SVG map loaded in headless Chromium; and a North-American state."""

import csv
import os
import shutil
import subprocess
import sys

import pytest

from lithiumgraph.cli import cli
from conftest import edit

openpyxl = pytest.importorskip("openpyxl")
MAPS = ("panorama", "tech", "applications", "regional", "attraction")
LISTS = {"企业清单", "项目清单", "集群清单", "问题清单", "政策清单", "说明", "来源"}


def _need(tool):
    if not shutil.which(tool):
        msg = f"no {tool}: install poppler-utils (bash scripts/browser.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """``lithiumgraph pack --park yichun-etdz`` run as a program, with PNG and PDF (needs Chromium)."""
    if not (os.environ.get("LG_CHROMIUM") or shutil.which("chromium")):
        if os.environ.get("CI") == "true":
            pytest.fail("no Chromium for the pack")
        pytest.skip("no Chromium: bash scripts/browser.sh")
    out = tmp_path_factory.mktemp("pack") / "pack"
    r = subprocess.run(
        [sys.executable, "-m", "lithiumgraph", "pack", "--park", "yichun-etdz", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    return out


@pytest.mark.browser
def test_pack_files(printed):
    for m in MAPS:
        assert (printed / "maps" / f"{m}.svg").stat().st_size > 1000
        assert (printed / "maps" / f"{m}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for name in ("enterprises", "projects", "clusters", "problems", "policies", "sources"):
        assert (printed / "lists" / f"{name}.csv").exists()


@pytest.mark.browser
def test_workbook_sheets_headers_types(printed):
    wb = openpyxl.load_workbook(printed / "lists.xlsx")
    assert set(wb.sheetnames) == LISTS
    firms = wb["企业清单"]
    head = [c.value for c in firms[1]]
    assert head[:2] == ["企业 id", "企业"] and firms.freeze_panes == "A2" and firms.auto_filter.ref
    cap = head.index("产能")
    caps = [row[cap].value for row in firms.iter_rows(min_row=2) if row[cap].value is not None]
    assert caps and all(isinstance(v, (int, float)) for v in caps)  # numbers, not text
    assert firms.max_row > 10 and wb["项目清单"].max_row > 5 and wb["问题清单"].max_row > 5
    src = wb["来源"]
    assert [c.value for c in src[1]][:5] == ["来源 id", "标题", "发布方", "日期", "地址"]
    assert all(r[4].value for r in src.iter_rows(min_row=2))  # every cited source has an address
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)


@pytest.mark.browser
def test_pdf_pages_and_chinese_text(printed):
    _need("pdftotext")
    _need("pdftoppm")
    pdf = printed / "pack.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for word in ("产业链全景图", "企业清单", "问题清单", "本地配套率", "宁德时代", "目录"):
        assert word in text, word
    pages = text.count("\f")
    assert pages >= 8
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(printed.parent / "page")], check=True)
    assert len(list(printed.parent.glob("page-*.png"))) == pages
    assert "1 / " in text  # page numbers in the footer
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert info.count("(A3)") == len(MAPS) and info.count("(A4)") == pages - len(MAPS)  # one A3 page per map


@pytest.mark.browser
@pytest.mark.parametrize("m", MAPS)
def test_svg_maps_load_clean_in_chromium(printed, chromium, m):
    ctx = chromium.new_context()
    outside, errors = [], []
    url = (printed / "maps" / f"{m}.svg").resolve().as_uri()
    ctx.route("**/*", lambda r: r.continue_() if r.request.url == url else (outside.append(r.request.url), r.abort()))
    page = ctx.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    n = page.evaluate("document.querySelectorAll('text').length")
    ctx.close()
    assert n > 10 and errors == [] and outside == []


def test_pack_for_a_north_american_state(runner, tmp_path):
    out = tmp_path / "mi"
    r = runner.invoke(
        cli,
        [
            "pack",
            "--data",
            "graph_data",
            "--data",
            "data/north-america",
            "--park",
            "Michigan",
            "-o",
            str(out),
            "--no-print",
        ],
    )
    assert r.exit_code == 0, r.output
    svg = (out / "maps" / "regional.svg").read_text()
    assert "地区方格图" in svg and "中国省级" not in svg
    rows = list(csv.DictReader((out / "lists" / "enterprises.csv").open(encoding="utf-8-sig")))
    assert rows and all(r["sources"] for r in rows)
    clusters = list(csv.DictReader((out / "lists" / "clusters.csv").open(encoding="utf-8-sig")))
    assert clusters and all("United States" in c["relation"] for c in clusters)


def test_pack_for_a_second_chinese_park(runner, tmp_path):
    out = tmp_path / "xinyu"
    r = runner.invoke(cli, ["pack", "--park", "新余市", "-o", str(out), "--no-print"])
    assert r.exit_code == 0, r.output
    svg = (out / "maps" / "regional.svg").read_text()
    assert "中国省级行政区方格图" in svg and "江西 ★ 本园区" in svg and "宜春经济技术开发区" not in svg
    firms = list(csv.DictReader((out / "lists" / "enterprises.csv").open(encoding="utf-8-sig")))
    assert firms and all(r["sources"] for r in firms)
    assert "新余" in (out / "maps" / "panorama.svg").read_text()


def test_hostile_names_stay_text(runner, data_copy, tmp_path):
    evil = '=HYPERLINK(""http://x"")<script>alert(1)</script>&'
    edit(data_copy / "enterprises.csv", "shenghua,江西升华新材料有限公司,", f'shenghua,"{evil}",')
    edit(data_copy / "enterprises.csv", "江西升华|升华新材料", "")
    out = tmp_path / "evil"
    r = runner.invoke(cli, ["pack", "--data", str(data_copy), "--park", "yichun-etdz", "-o", str(out), "--no-print"])
    assert r.exit_code == 0, r.output
    for f in [*(out / "maps").glob("*.svg"), out / "pack.html"]:
        assert "<script>" not in f.read_text(), f
    assert "&lt;script&gt;" in (out / "maps" / "panorama.svg").read_text()
    ws = openpyxl.load_workbook(out / "lists.xlsx")["企业清单"]
    names = [row[1].value for row in ws.iter_rows(min_row=2)]
    assert any(str(v).startswith("'=HYPERLINK") for v in names)
    csv_names = [r["name"] for r in csv.DictReader((out / "lists" / "enterprises.csv").open(encoding="utf-8-sig"))]
    assert any(v.startswith("'=") for v in csv_names) and not any(v.startswith("=") for v in csv_names)


def test_policies_list_is_sourced_dated_and_follows_as_of(runner, tmp_path):
    today, past = tmp_path / "t", tmp_path / "p"
    assert runner.invoke(cli, ["pack", "--park", "yichun-etdz", "-o", str(today), "--no-print"]).exit_code == 0
    assert (
        runner.invoke(
            cli, ["pack", "--park", "yichun-etdz", "--as-of", "2023-01", "-o", str(past), "--no-print"]
        ).exit_code
        == 0
    )
    now = list(csv.DictReader((today / "lists" / "policies.csv").open(encoding="utf-8-sig")))
    then = list(csv.DictReader((past / "lists" / "policies.csv").open(encoding="utf-8-sig")))
    assert {r["level"] for r in now} >= {"national", "province", "city"}
    assert all(r["sources"] and r["address"] and r["date"] for r in now)
    assert 0 < len(then) < len(now) and all(r["date"] <= "2023-01" for r in then)


def test_a_policy_for_an_unknown_region_is_named(runner, data_copy):
    edit(data_copy / "policies.csv", "city,yichun-city,2023-05", "city,atlantis,2023-05")
    r = runner.invoke(cli, ["validate", "--data", str(data_copy)])
    assert r.exit_code != 0 and "policies.csv" in r.output and "atlantis" in r.output and "region" in r.output


def test_bad_park_and_foreign_directory(runner, tmp_path):
    r = runner.invoke(cli, ["pack", "--park", "nowhere", "-o", str(tmp_path / "x"), "--no-print"])
    assert r.exit_code != 0 and "no park named 'nowhere'" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "x").exists()
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "mine.txt").write_text("keep")
    r = runner.invoke(cli, ["pack", "--park", "yichun-etdz", "-o", str(tmp_path / "y"), "--no-print"])
    assert r.exit_code != 0 and "holds other files (mine.txt)" in r.output
    assert (tmp_path / "y" / "mine.txt").read_text() == "keep"

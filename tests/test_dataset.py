"""Validation: each class of bad input gives its exact FILE:LINE: FIELD: message, and nothing loads."""

import csv
import re

import pytest

from lithiumgraph.dataset import load
from lithiumgraph.errors import DataError
from conftest import edit, line_of

DUP = "catl,SK Nexilis,,,,,yc-2016,,stated,,,\nsk-nexilis,SK Nexilis,"  # a second row with the id catl

SHENGHUA_CATL_END = (
    ",jixiandian-shenghua|metalnomist-2025-08-shenghua-catl|hqlh-2025-09-19-shenghua-catl,2025-09-19,stated"
)


CASES = [
    # (file, old text, new text, start of the faulty line after the edit, field, message)
    (
        "enterprises.csv",
        "catl,宁德时代新能源科技股份有限公司,Contemporary Amperex Technology Co. Limited,",
        "catl,,,",
        "catl,",
        "name_zh",
        "missing name: give name_zh or name_en",
    ),
    ("segments.csv", "anode,负极材料,", "anode,,", "anode,", "name_zh", "missing required value"),
    (
        "locations.csv",
        "hozon,yichun-etdz,plant,",
        "hozon,nowhere-park,plant,",
        "hozon,nowhere-park",
        "park",
        "unknown park id 'nowhere-park'",
    ),
    (
        "locations.csv",
        "hozon,tongxiang,plant,",
        "hozon,catl,plant,",
        "hozon,catl",
        "park",
        "unknown park id 'catl' (it is a Enterprise)",
    ),
    (
        "enterprise_segments.csv",
        "catl,cell-power,",
        "catl,cell-plasma,",
        "catl,cell-plasma",
        "segment",
        "unknown segment id 'cell-plasma'",
    ),
    (
        "ownership.csv",
        "catl,hozon,INVESTS_IN,",
        "catl,hozon,OWNS,",
        "catl,hozon",
        "kind",
        "unknown value 'OWNS'; expected one of SUBSIDIARY_OF, INVESTS_IN",
    ),
    (
        "projects.csv",
        "cell-power,50,GWh/yr",
        "cell-power,5O,GWh/yr",
        "catl-yichun-cells,",
        "capacity",
        "malformed number '5O'",
    ),
    (
        "projects.csv",
        "vehicle-nev,100000,vehicles/yr",
        "vehicle-nev,100000,t/yr",
        "hozon-yichun-plant,",
        "unit",
        "unit 't/yr' does not fit segment 'vehicle-nev', which is measured in vehicles/yr",
    ),
    (
        "projects.csv",
        "lepidolite-ore,30000000,t/yr",
        "lepidolite-ore,-30000000,t/yr",
        "catl-jianxiawo-mine,",
        "capacity",
        "negative number -30000000",
    ),
    (
        "projects.csv",
        "cell-power,10,GWh/yr,",
        "cell-power,10,,",
        "gotion-yichun-cells-1,",
        "unit",
        "capacity and unit go together: give both or neither",
    ),
    (
        "projects.csv",
        ",2022-10-08,Ceremony",
        ",2022-13-08,Ceremony",
        "gotion-yichun-cells-2,",
        "start",
        "impossible date '2022-13-08'",
    ),
    ("supplies.csv", SHENGHUA_CATL_END, ",,2025-09-19,stated", "shenghua,catl,", "sources", "missing required value"),
    (
        "supplies.csv",
        SHENGHUA_CATL_END,
        ",no-such-source,2025-09-19,stated",
        "shenghua,catl,",
        "sources",
        "unknown source id 'no-such-source'",
    ),
    (
        "supplies.csv",
        "shenghua,catl,",
        "shenghua,shenghua,",
        "shenghua,shenghua,",
        "customer",
        "an enterprise cannot supply itself",
    ),
    (
        "ownership.csv",
        "saic,qingtao,INVESTS_IN,15.29,",
        "saic,qingtao,INVESTS_IN,115.29,",
        "saic,qingtao,",
        "share_pct",
        "share 115.29 is over 100%",
    ),
    (
        "segment_links.csv",
        "graphite,anode,",
        "graphite,graphite,",
        "graphite,graphite,",
        "to",
        "a segment cannot feed itself",
    ),
    (
        "segment_links.csv",
        "lipf6,electrolyte,",
        "graphite,anode,",
        "graphite,anode,LiPF6",
        "from,to",
        None,
    ),  # duplicate key: message names the first line
    ("enterprises.csv", "sk-nexilis,SK Nexilis,", DUP, "catl,SK Nexilis,", "id", None),  # duplicate id
    (
        "intensities.csv",
        "anode,lfp,1050,1300,",
        "anode,lfp,1350,1300,",
        "anode,lfp,",
        "high",
        "high 1300 is below low 1350",
    ),
    (
        "intensities.csv",
        "anode,lfp,1050,1300,t/GWh",
        "anode,lfp,1050,1300,m²/GWh",
        "anode,lfp,",
        "unit",
        "unit 'm²/GWh' does not fit segment 'anode', which is measured in t/yr",
    ),
    (
        "figures.csv",
        "hozon,deliveries_2021,69674,",
        "hozon,deliveries_2021,6967four,",
        "hozon,deliveries_2021,6967four",
        "value",
        "malformed number '6967four'",
    ),
    (
        "segments.csv",
        "lepidolite-ore,锂云母矿,Lepidolite ore,upstream,",
        "lepidolite-ore,锂云母矿,Lepidolite ore,upstairs,",
        "lepidolite-ore,",
        "stage",
        "unknown value 'upstairs'; expected one of upstream, midstream, downstream, recycling",
    ),
    (
        "parks.csv",
        "wanzai-county,万载县,Wanzai County,,county,",
        "Wanzai County,万载县,Wanzai County,,county,",
        "Wanzai County,",
        "id",
        "invalid id 'Wanzai County' (use lower-case letters, digits, '.', '_', '-', ':')",
    ),
    # (the county's location rows then name an unknown park: a second problem, see below)
    (
        "enterprises.csv",
        "sk-nexilis,SK Nexilis,SK Nexilis,",
        "sk-nexilis,SK\x00Nexilis,SK Nexilis,",
        "sk-nexilis,",
        "name_zh",
        "contains a control character (U+0000)",
    ),
]


@pytest.mark.parametrize(
    "fname,old,new,start,field,message", CASES, ids=[f"{c[0]}:{c[4]}:{i}" for i, c in enumerate(CASES)]
)
def test_each_problem_names_file_line_and_field(data_copy, fname, old, new, start, field, message):
    path = data_copy / fname
    edit(path, old, new)
    with pytest.raises(DataError) as err:
        load(data_copy)
    line = line_of(path, start)
    prefix = f"{path}:{line}: {field}: "
    lines = [str(p) for p in err.value.problems]
    if message is None:
        assert any(l.startswith(prefix + "duplicate") for l in lines), lines
    else:
        assert prefix + message in lines, lines
    # a park whose id is broken leaves the location rows in it pointing at an unknown park
    follow_on = [l for l in lines if fname == "parks.csv" and ": park: unknown park id " in l]
    assert len(lines) - len(follow_on) == 1, lines


def test_duplicate_id_points_at_first_definition(data_copy):
    path = data_copy / "enterprises.csv"
    edit(path, "sk-nexilis,SK Nexilis,", DUP)
    with pytest.raises(DataError) as err:
        load(data_copy)
    assert str(err.value) == (
        f"{path}:{line_of(path, 'catl,SK Nexilis')}: id: duplicate id 'catl' "
        f"(first defined at {path}:{line_of(path, 'catl,宁德时代')})"
    )


def test_not_utf8_names_the_line(data_copy):
    path = data_copy / "parks.csv"
    raw = path.read_bytes().replace("万载县".encode(), "万载县".encode("gb18030"))
    path.write_bytes(raw)
    offset = raw.index("万载县".encode("gb18030"))
    with pytest.raises(DataError) as err:
        load(data_copy)
    line = raw[:offset].count(b"\n") + 1
    first, then = [str(p) for p in err.value.problems]
    assert first == f"{path}:{line}: file: not valid UTF-8 (byte 0x{raw[offset]:02x} at offset {offset})"
    # the consequences, counted per file (the counts follow the data: every location names a park)
    m = re.fullmatch(
        rf"{re.escape(str(path))}:{line}: file: (\d+) further problems follow from it: references to "
        r"what it would have defined, in ((?:\w+\.csv \(\d+\)(?:, )?)+)",
        then,
    )
    assert m, then
    per_file = dict(re.findall(r"(\w+\.csv) \((\d+)\)", m[2]))
    assert sorted(per_file) == ["figures.csv", "locations.csv", "policies.csv", "projects.csv"]
    assert int(m[1]) == sum(map(int, per_file.values()))
    with open(data_copy / "locations.csv", encoding="utf-8") as f:
        assert int(per_file["locations.csv"]) == sum(1 for _ in csv.DictReader(f))


def test_malformed_rows_and_headers(data_copy):
    (data_copy / "supplies.csv").write_text(
        "supplier,customer,product,segment,period,evidence,sources,as_of,confidence\nshenghua,catl,LFP,cathode-lfp\n",
        encoding="utf-8",
    )
    (data_copy / "ownership.csv").write_text("from,to,kind,share,sources,confidence\n", encoding="utf-8")
    (data_copy / "figures.csv").write_text(
        'subject,metric,value,unit,note,sources,as_of,confidence\nhozon,x,"1,t\n', encoding="utf-8"
    )
    (data_copy / "enterprise.csv").write_text("id\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(data_copy)
    d = data_copy
    assert [str(p) for p in err.value.problems] == [
        f"{d / 'enterprise.csv'}:0: file: unknown data file; expected one of sources.csv, parks.csv, segments.csv, "
        "segment_links.csv, enterprises.csv, listings.csv, locations.csv, enterprise_segments.csv, projects.csv, supplies.csv, "
        "ownership.csv, figures.csv, intensities.csv, products.csv, industries.csv, makes.csv, "
        "product_links.csv, enterprise_industries.csv, industry_links.csv, project_events.csv, "
        "enterprise_events.csv, prices.csv, policies.csv",
        f"{d / 'supplies.csv'}:2: row: has 4 fields, the header has 9",
        f"{d / 'ownership.csv'}:1: share: unknown column; expected from, to, kind, share_pct, note, sources, as_of, "
        "confidence, valid_from, valid_to, retrieved_on",
        f"{d / 'figures.csv'}:2: file: the file ends inside a quoted value (cut off, or a quote left open)",
    ]


def test_every_problem_is_reported_at_once(data_copy):
    """A dangling id, a duplicate id and a negative capacity: three lines, nothing loaded."""
    edit(data_copy / "locations.csv", "hozon,yichun-etdz,plant,", "hozon,nowhere-park,plant,")
    edit(data_copy / "enterprises.csv", "sk-nexilis,SK Nexilis,", DUP)
    edit(data_copy / "projects.csv", "lepidolite-ore,30000000,t/yr", "lepidolite-ore,-30000000,t/yr")
    with pytest.raises(DataError) as err:
        load(data_copy)
    fields = sorted((p.path.rsplit("/", 1)[-1], p.field) for p in err.value.problems)
    assert fields == [("enterprises.csv", "id"), ("locations.csv", "park"), ("projects.csv", "capacity")]


def test_a_broken_row_does_not_cascade(data_copy):
    """References to a row that failed to parse are not reported again as unknown ids."""
    edit(
        data_copy / "enterprises.csv",
        "catl,宁德时代新能源科技股份有限公司,Contemporary Amperex Technology Co. Limited,",
        "catl,,,",
    )
    with pytest.raises(DataError) as err:
        load(data_copy)
    assert [p.field for p in err.value.problems] == ["name_zh"]


def _count_refs(d, column_of: dict[str, str], ids: set[str]) -> dict[str, int]:
    """How many references the other files make to ``ids``, by file (what a cut file leaves dangling)."""
    import csv

    out = {}
    for fname, col in column_of.items():
        with open(d / fname, encoding="utf-8", newline="") as f:
            n = sum(1 for row in csv.DictReader(f) if row[col] in ids)
        if n:
            out[fname] = n
    return out


ENTERPRISE_REFS = {
    "enterprise_segments.csv": "enterprise",
    "locations.csv": "enterprise",
    "projects.csv": "enterprise",
    "supplies.csv": "supplier",
    "figures.csv": "subject",
}


def _enterprise_ids(d) -> list[str]:
    import csv

    with open(d / "enterprises.csv", encoding="utf-8", newline="") as f:
        return [r["id"] for r in csv.DictReader(f)]


def test_an_empty_file_is_one_root_cause(data_copy):
    """An empty enterprises.csv: one line, then one that counts the references it leaves dangling."""
    (data_copy / "enterprises.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(data_copy)
    p = err.value.problems
    assert len(p) == 2
    assert str(p[0]) == f"{data_copy / 'enterprises.csv'}:1: file: empty: no header and no rows"
    assert str(p[1]).startswith(
        f"{data_copy / 'enterprises.csv'}:1: file: {p[1].message.split()[0]} further problems "
        "follow from it: references to what it would have defined, in "
    )
    counts = [int(x.split(")")[0]) for x in p[1].message.split(" (")[1:]]
    assert int(p[1].message.split()[0]) == sum(counts) > 100 and "enterprise_segments.csv (" in p[1].message


def test_a_file_without_header_is_one_root_cause(data_copy):
    path = data_copy / "sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[1:]), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(data_copy)
    p = err.value.problems
    assert [str(x) for x in p[:1]] == [
        f"{path}:1: header: no header: the first line names none of the file's columns (it reads as a data row)"
    ]
    assert len(p) == 2 and p[1].message.split(":")[0].endswith("further problems follow from it")


@pytest.mark.parametrize("quoted", [False, True])
def test_a_file_cut_mid_row_is_one_root_cause(data_copy, quoted):
    """enterprises.csv cut inside its row for shenghua: the rows after it are lost, and every reference
    to shenghua or a later firm is counted under the cut, by file, not listed."""
    path = data_copy / "enterprises.csv"
    text = path.read_text(encoding="utf-8")
    ids = _enterprise_ids(data_copy)
    lost = set(ids[ids.index("shenghua") :])
    start = text.index("\nshenghua,") + 1
    line = text[:start].count("\n") + 1
    path.write_text(
        text[:start]
        + (
            'shenghua,江西升华新材料有限公司,"Jiangxi Sheng'
            if quoted
            else "shenghua,江西升华新材料有限公司,Jiangxi Sheng"
        ),
        encoding="utf-8",
    )
    counts = _count_refs(data_copy, ENTERPRISE_REFS, lost)
    with pytest.raises(DataError) as err:
        load(data_copy)
    p = [str(x) for x in err.value.problems]
    root = (
        "the file ends inside a quoted value (cut off, or a quote left open)"
        if quoted
        else "the file ends mid-row: no line break after its last row, which does not parse (cut off?)"
    )
    assert p[0] == f"{path}:{line}: file: {root}"
    assert p[1].startswith(f"{path}:{line}: file: ") and "further problems follow from it" in p[1]
    for fname, n in counts.items():
        assert f"{fname} (" in p[1] and int(p[1].split(f"{fname} (")[1].split(")")[0]) >= n
    assert p[2:] == (
        [] if quoted else [f"{path}:{line}: row: has 3 fields, the header has {text.splitlines()[0].count(',') + 1}"]
    )


def test_root_causes_come_first(data_copy):
    """A dangling reference of its own stays listed, after the root cause and its count."""
    edit(data_copy / "locations.csv", "hozon,yichun-etdz,plant,", "hozon,nowhere-park,plant,")
    (data_copy / "segments.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(data_copy)
    p = err.value.problems
    assert str(p[0]) == f"{data_copy / 'segments.csv'}:1: file: empty: no header and no rows"
    assert "further problems follow from it" in p[1].message
    assert [(x.path.rsplit("/", 1)[-1], x.field, x.message) for x in p[2:]] == [
        ("locations.csv", "park", "unknown park id 'nowhere-park'")
    ]


def test_empty_directory(tmp_path):
    with pytest.raises(DataError) as err:
        load(tmp_path)
    assert str(err.value).startswith(f"{tmp_path}:0: directory: no data files (sources.csv,")


def test_units_scale_within_a_dimension(data_copy):
    from lithiumgraph.units import to_base

    assert to_base(5, "万t/yr") == 50000
    assert to_base(2, "亿m²/yr") == 2e8
    edit(
        data_copy / "projects.csv",
        "gotion-kefeng,yichun-etdz,lithium-carbonate,20000,t/yr",
        "gotion-kefeng,yichun-etdz,lithium-carbonate,2,万t/yr",
    )
    ds = load(data_copy)
    assert any(
        p.capacity == 2 and p.unit == "万t/yr" for p in ds.records(__import__("lithiumgraph.model").model.Project)
    )

"""Import a tabular facility or firm list into ``graph_data/`` files, through a mapping file that says
which column is what.

The output is a data directory to layer over the curated data (``--data graph_data --data OUT``): one
source for the data set, places as parks (country → province/state → city), enterprises (merged onto
existing ones by listed code, name or alias; ambiguous cases listed for a person to settle), one
project per facility and mapped stage, and the investment and jobs of each facility as figures in the
units the table uses. Every imported record has confidence ``imported``.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import model
from .errors import DataError, LithiumGraphError, Problem
from .names import _norm
from .output import atomic_open

__all__ = ["Mapping", "ImportSummary", "read_mapping", "import_table"]

_LEVELS = ("country", "province", "city")
_KEYS = {"source", "id_prefix", "filter", "columns", "stages", "stage_separator", "settled", "licence",
         "investment_unit", "missing", "bad_values"}
_COLUMNS = {"company", "stage", "investment", "jobs", "place", "latitude", "longitude", "date", "note"}


@dataclass
class Mapping:
    """What a mapping file says (see ``imports/na-ev-battery.yaml``)."""
    path: Path
    source: dict
    id_prefix: str
    columns: dict
    stages: dict
    stage_separator: str = ";"
    filter: dict = field(default_factory=dict)
    settled: dict = field(default_factory=dict)
    licence: str | None = None
    investment_unit: str | None = None
    missing: tuple = ("", "0", "TBD", "N/A", "n/a")
    bad_values: str = "refuse"   # or "report": a bad number is left out and listed, the row kept


@dataclass
class ImportSummary:
    """What the import wrote, merged, left unmapped or could not settle."""
    counts: dict
    merged: list[tuple[str, str]]
    ambiguous: list[tuple[str, list[str]]]
    unmapped: dict[str, int]
    skipped: int
    anomalies: list[str] = field(default_factory=list)


def _problem(path, line, fld, msg) -> DataError:
    return DataError([Problem(str(path), line, fld, msg)])


def read_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; DataError names the file, line and key of each problem."""
    import yaml
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _problem(path, 0, "file", "no such file") from None
    except UnicodeDecodeError as e:
        raise _problem(path, 0, "file", f"not valid UTF-8 (offset {e.start})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise _problem(path, (mark.line + 1) if mark else 0, "yaml",
                       " ".join(str(getattr(e, "problem", None) or e).split())) from None
    problems = []
    if not isinstance(raw, dict):
        raise _problem(path, 1, "file", "expected a mapping of keys (source, id_prefix, columns, stages, ...)")
    for k in raw:
        if k not in _KEYS:
            problems.append(Problem(str(path), 0, str(k), f"unknown key; expected {', '.join(sorted(_KEYS))}"))
    for k in ("source", "id_prefix", "columns", "stages"):
        if k not in raw:
            problems.append(Problem(str(path), 0, k, "missing required key"))
    if problems:
        raise DataError(problems)
    src, cols, stages = raw["source"], raw["columns"], raw["stages"]
    if not isinstance(src, dict) or not all(src.get(k) for k in ("id", "title", "address")):
        problems.append(Problem(str(path), 0, "source", "needs id, title and address"))
    if not isinstance(cols, dict) or "company" not in cols:
        problems.append(Problem(str(path), 0, "columns", "needs at least company"))
    elif unknown := sorted(set(cols) - _COLUMNS):
        problems.append(Problem(str(path), 0, "columns", f"unknown {', '.join(unknown)}; expected {', '.join(sorted(_COLUMNS))}"))
    if not isinstance(stages, dict):
        problems.append(Problem(str(path), 0, "stages", "expected a map of table values to segment ids (or null)"))
    prefix = str(raw["id_prefix"])
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", prefix):
        problems.append(Problem(str(path), 0, "id_prefix", f"invalid prefix {prefix!r} (lower-case letters, digits, '-')"))
    if raw.get("bad_values", "refuse") not in ("refuse", "report"):
        problems.append(Problem(str(path), 0, "bad_values", "expected refuse or report"))
    unit = raw.get("investment_unit")
    if unit is not None and unit not in __import__("lithiumgraph.units", fromlist=["UNITS"]).UNITS:
        problems.append(Problem(str(path), 0, "investment_unit", f"unknown unit {unit!r}"))
    if problems:
        raise DataError(problems)
    return Mapping(path, src, prefix, cols, {str(k): v for k, v in stages.items()},
                   str(raw.get("stage_separator", ";")), raw.get("filter") or {}, raw.get("settled") or {},
                   raw.get("licence"), unit, tuple(raw.get("missing", Mapping.missing)),
                   raw.get("bad_values", "refuse"))


def _slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    if not s:
        import hashlib
        s = "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return s


def _name_index(ds) -> dict[str, set[str]]:
    """Normalised names, aliases and listed codes of the enterprises already in dataset ``ds``."""
    index: dict[str, set[str]] = {}
    for row in ds.rows[model.Enterprise]:
        e = row.record
        for name in (e.name_zh, e.name_en, e.listed_code, *e.aliases):
            if name:
                index.setdefault(_norm(name), set()).add(e.id)
    return index


def _output_dir(outdir: str | Path, extra: set[str]) -> Path:
    """The directory an import may write: new, empty, or holding only what an import writes."""
    outdir = Path(outdir).resolve()
    allowed = set(model.RECORD_FILES) | extra
    if outdir.exists() and (not outdir.is_dir() or any(p.name not in allowed for p in outdir.iterdir())):
        raise LithiumGraphError(f"{outdir} exists and holds other files; import into a new or empty directory "
                                "(or one an earlier import wrote)")
    return outdir


def _write_data_dir(outdir: Path, files: dict[str, list[dict]], against: list[Path], extra=None) -> None:
    """Write the record files (and ``extra(staging)``) to a staging directory, validate it on top of
    ``against``, then put it in place of ``outdir``: an import is whole or absent."""
    from .dataset import load
    staging = outdir.with_name(f".{outdir.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name, rows in files.items():
            header = [c for _, c, _ in model.columns(model.RECORD_FILES[name])]
            with atomic_open(staging / name) as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                for r in rows:
                    w.writerow([r.get(c, "") for c in header])
        if extra:
            extra(staging)
        load([*against, staging])  # the import must validate on top of what it was matched against
        if outdir.exists():
            shutil.rmtree(outdir)
        staging.rename(outdir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def import_table(table: str | Path, mapping: Mapping, outdir: str | Path, *,
                 against: list[str | Path] | None = None) -> ImportSummary:
    """Turn ``table`` into a data directory ``outdir`` by ``mapping``; enterprises already in ``against``
    (default: the shipped graph_data/) are referenced, not created again. Nothing is written when a row
    is bad: DataError lists every problem as TABLE:LINE: COLUMN: message."""
    from .dataset import default_data_dir, load
    table, outdir = Path(table), _output_dir(outdir, {"LICENSE"})
    against = [Path(d) for d in (against or [default_data_dir()])]
    raw = table.read_bytes() if table.is_file() else None
    if raw is None:
        raise _problem(table, 0, "file", "no such file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _problem(table, raw[:e.start].count(b"\n") + 1, "file",
                       f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    cols = mapping.columns
    wanted = [c for k, v in cols.items() for c in (v if isinstance(v, list) else [v])] + list(mapping.filter)
    missing_cols = [c for c in wanted if c not in header]
    if missing_cols:
        raise DataError([Problem(str(table), 1, c, f"no such column (mapping {mapping.path.name})") for c in missing_cols])
    base = load(against)  # read once: segments to check the mapping against, names to merge onto
    segments = {r.record.id for r in base.rows[model.Segment]}
    bad_stage = sorted(f"{k} -> {v}" for k, v in mapping.stages.items() if v is not None and v not in segments)
    if bad_stage:
        raise _problem(mapping.path, 0, "stages", f"unknown segment ids: {'; '.join(bad_stage)}")
    known = _name_index(base)
    src_id = mapping.source["id"]
    prov = {"sources": src_id, "as_of": mapping.source.get("date", ""), "confidence": "imported"}
    parks: dict[str, dict] = {}
    firms: dict[str, dict] = {}
    firm_of: dict[str, str] = {}
    locations: dict[tuple, dict] = {}
    projects, figures, problems = [], [], []
    merged, ambiguous, unmapped, skipped, anomalies = [], [], {}, 0, []

    def number(row, line, col) -> float | None:
        v = (row.get(col) or "").strip()
        if v in mapping.missing:
            return None
        try:
            x = float(v.replace(",", ""))
            msg = None if 0 <= x <= 1e15 else f"number {v} is out of range"
        except ValueError:
            msg = f"malformed number {v!r}"
        if msg is None:
            return x
        if mapping.bad_values == "report":
            anomalies.append(f"{table.name}:{line}: {col}: {msg}; left out")
        else:
            problems.append(Problem(str(table), line, col, msg))
        return None

    for line, row in enumerate(reader, start=2):
        if any((row.get(c) or "") not in [str(x) for x in vals] for c, vals in mapping.filter.items()):
            skipped += 1
            continue
        company = " ".join((row.get(cols["company"]) or "").split())
        if not company:
            problems.append(Problem(str(table), line, cols["company"], "missing company name"))
            continue
        # the enterprise: settled by a person, else the one existing firm with this name, else new
        if company not in firm_of:
            hits = sorted(known.get(_norm(company), ()))
            if company in mapping.settled:
                firm_of[company] = str(mapping.settled[company])
            elif len(hits) == 1:
                firm_of[company] = hits[0]
                merged.append((company, hits[0]))
            else:
                if len(hits) > 1:
                    ambiguous.append((company, hits))
                fid = f"{mapping.id_prefix}-{_slug(company)}"
                firm_of[company] = fid
                firms[fid] = {"id": fid, "name_en": company, **prov}
        firm = firm_of[company]
        # the place: the deepest level given
        park = None
        place_cols = cols.get("place") or []
        for level, col in zip(_LEVELS, place_cols if isinstance(place_cols, list) else [place_cols]):
            value = " ".join((row.get(col) or "").split())
            if value in mapping.missing:
                break
            pid = f"{park}.{_slug(value)}" if park else f"{mapping.id_prefix}-{_slug(value)}"
            parks.setdefault(pid, {"id": pid, "name_en": value, "level": level, "parent": park or "", **prov})
            park = pid
        if park is None:
            problems.append(Problem(str(table), line, place_cols[0] if place_cols else "place", "no place given"))
            continue
        locations[(firm, park)] = {"enterprise": firm, "park": park, "role": "plant", **prov}
        stage_text = (row.get(cols["stage"]) or "") if "stage" in cols else ""
        stages = [s.strip() for s in stage_text.split(mapping.stage_separator) if s.strip()]
        segs = []
        for s in stages:
            if mapping.stages.get(s):
                segs.append(mapping.stages[s])
            else:
                unmapped[s] = unmapped.get(s, 0) + 1
        notes = []
        if cols.get("date") and (d := (row.get(cols["date"]) or "").strip()):
            notes.append(d)
        lat, lon = ((row.get(cols[k]) or "").strip() for k in ("latitude", "longitude")) if "latitude" in cols else ("", "")
        if lat not in mapping.missing and lon not in mapping.missing:
            notes.append(f"coordinates {lat}, {lon}")
        if cols.get("note") and (n := " ".join((row.get(cols["note"]) or "").split())):
            notes.append(f"table note: {n}")
        if stages:
            notes.append(f"stages in the table: {'; '.join(stages)}")
        ids = []
        for j, seg in enumerate(dict.fromkeys(segs) or [None]):
            pid = f"{mapping.id_prefix}-{line - 1:04d}" + (f"-{j + 1}" if len(set(segs)) > 1 else "")
            ids.append(pid)
            projects.append({"id": pid, "name_en": f"{company}, {parks[park]['name_en']}" + (f" ({seg})" if seg else ""),
                             "enterprise": firm, "park": park, "segment": seg or "", "note": "; ".join(notes), **prov})
        for metric, col, unit in (("investment", cols.get("investment"), mapping.investment_unit),
                                  ("jobs", cols.get("jobs"), "count")):
            if not col or not unit:
                continue
            value = number(row, line, col)
            if value is not None:
                figures.append({"subject": ids[0], "metric": metric, "value": f"{value:g}", "unit": unit,
                                "note": "whole facility" + (f", across {len(ids)} projects" if len(ids) > 1 else ""),
                                **prov})
    if problems:
        raise DataError(problems)

    src = {k: mapping.source.get(k, "") for k in ("id", "title", "publisher", "date", "address", "quality", "note")}
    files = {"sources.csv": [src], "parks.csv": list(parks.values()), "enterprises.csv": list(firms.values()),
             "locations.csv": list(locations.values()), "projects.csv": projects, "figures.csv": figures}
    licence = mapping.path.parent / mapping.licence if mapping.licence else None
    _write_data_dir(outdir, files, against,
                    (lambda d: shutil.copyfile(licence, d / "LICENSE")) if licence else None)
    counts = {name[:-4]: len(rows) for name, rows in files.items()}
    return ImportSummary(counts, merged, ambiguous, unmapped, skipped, anomalies)


# -- ChainKnowledgeGraph (产业链知识图谱) -----------------------------------------------------------------

CHAINKG_SOURCE = {
    "id": "chainkg-2021", "title": "ChainKnowledgeGraph (产业链知识图谱), companies and main products",
    "publisher": "liuhuanyong on GitHub; no licence stated", "date": "2021-10-26",
    "address": "https://github.com/liuhuanyong/ChainKnowledgeGraph",
    "note": "Extracted from text by its authors; product weights read as shares but range beyond 0-1",
}


@dataclass
class ChainKGSummary:
    """What the ChainKG import loaded, merged, could not settle, and found wrong in the data set."""
    counts: dict
    merged: list[tuple[str, str, str]]          # (company, enterprise id, matched by)
    ambiguous: list[tuple[str, list[str]]]
    anomalies: dict[str, list[str]]             # kind of anomaly -> examples (all of them)
    link_check: dict[str, int]                  # product links between mapped products vs the template
    unmapped_products: int
    without_chain_product: int
    codes_not_in_company_file: list[str] = field(default_factory=list)


def _jsonl(path: Path, problems: list) -> list[dict]:
    import json
    out = []
    if not path.is_file():
        problems.append(Problem(str(path), 0, "file", "no such file"))
        return out
    for i, line in enumerate(path.read_bytes().split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as e:
            problems.append(Problem(str(path), i, "line", f"not valid UTF-8 (offset {e.start})"))
            continue
        except ValueError as e:
            problems.append(Problem(str(path), i, "line", f"not JSON: {e.msg}"))
            continue
        if not isinstance(rec, dict):
            problems.append(Problem(str(path), i, "line", "expected a JSON object"))
            continue
        out.append(rec)
    return out


def _read_product_map(path: Path, segments: set[str]) -> dict[str, str]:
    problems, out = [], {}
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != ["product", "segment"]:
            raise _problem(path, 1, "header", "expected the columns product,segment")
        for line, row in enumerate(reader, 2):
            p, s = (row["product"] or "").strip(), (row["segment"] or "").strip()
            if s not in segments:
                problems.append(Problem(str(path), line, "segment", f"unknown segment {s!r}"))
            elif p in out:
                problems.append(Problem(str(path), line, "product", f"{p!r} is mapped twice"))
            else:
                out[p] = s
    if problems:
        raise DataError(problems)
    return out


def import_chainkg(src: str | Path, outdir: str | Path, *, product_map: str | Path,
                   against: list[str | Path] | None = None, settled: dict[str, str] | None = None) -> ChainKGSummary:
    """Every ChainKnowledgeGraph company becomes an enterprise (or merges onto an existing one: listed code
    first, then full name, short name and aliases); main products that map onto the chain template become
    IN_SEGMENT memberships. Weights outside 0-1, self-loops and product links that run against the template
    are reported, not loaded. Writes ``outdir`` to layer after ``against``."""
    import networkx as nx

    from .dataset import default_data_dir, load
    from .graph import build_graph
    from .template import template
    src, outdir = Path(src), _output_dir(outdir, {"merge_report.tsv"})
    against = [Path(d) for d in (against or [default_data_dir()])]
    base = load(against)
    G = build_graph(base)
    T = template(G)
    segments = set(T)
    pmap = _read_product_map(Path(product_map), segments)
    problems: list[Problem] = []
    companies = _jsonl(src / "company.json", problems)
    products = _jsonl(src / "company_product.json", problems)
    links = _jsonl(src / "product_product.json", problems)
    optional = {name: (_jsonl(src / name, problems) if (src / name).is_file() else [])
                for name in ("product.json", "industry.json", "industry_industry.json", "company_industry.json",
                             "industry_up.json")}
    for fname, recs, fields in (("company.json", companies, ("name", "code")),
                                ("company_product.json", products, ("company_code", "company_name", "product_name", "rel_weight")),
                                ("product_product.json", links, ("from_entity", "to_entity", "rel")),
                                ("product.json", optional["product.json"], ("name",)),
                                ("industry.json", optional["industry.json"], ("code", "name")),
                                ("industry_industry.json", optional["industry_industry.json"], ("from_code", "to_code")),
                                ("company_industry.json", optional["company_industry.json"], ("company_code", "industry_code")),
                                ("industry_up.json", optional["industry_up.json"], ("industry", "ups"))):
        for line, rec in enumerate(recs, 1):
            for fld in fields:
                if rec.get(fld) in (None, ""):
                    problems.append(Problem(str(src / fname), line, fld, "missing field"))
    if problems:
        raise DataError(problems)

    by_code = {str(c.get("code", "")).split(".")[0]: c for c in companies}   # 300750 and 300750.SZ alike
    existing_code = {r.record.listed_code: r.record.id for r in base.rows[model.Enterprise] if r.record.listed_code}
    names = _name_index(base)
    memberships_known = {(r.record.enterprise, r.record.segment) for r in base.rows[model.Membership]}
    settled = settled or {}

    anomalies: dict[str, list[str]] = {"weight outside 0-1": [], "self-loop": [], "link against the template": []}
    per_firm: dict[str, dict[str, list[tuple[str, float]]]] = {}
    firm_names: dict[str, tuple[str, str, str]] = {}   # code -> (short, full, code)
    unmapped: set[str] = set()
    code_makes: dict[tuple[str, str], list[float]] = {}
    for line, rec in enumerate(products, 1):
        code = str(rec.get("company_code", "")).split(".")[0]
        short = str(rec.get("company_name", "")).strip()
        product = str(rec.get("product_name", "")).strip()
        try:
            w = float(rec.get("rel_weight"))
        except (TypeError, ValueError):
            w = float("nan")
        if not 0 <= w <= 1:
            anomalies["weight outside 0-1"].append(f"company_product.json:{line}: {short} {product} {rec.get('rel_weight')}")
            continue
        code_makes.setdefault((code, product), []).append(w)
        firm_names.setdefault(code, (short, str(by_code.get(code, {}).get("fullname") or short), code))
        seg = pmap.get(product)
        if seg is None:
            unmapped.add(product)
            continue
        full = str(by_code.get(code, {}).get("fullname") or short)
        firm_names[code] = (short, full, code)
        per_firm.setdefault(code, {}).setdefault(seg, []).append((product, w))

    firms, members, merged, ambiguous = [], [], [], []
    eid_of: dict[str, str] = {}
    prov = {"sources": CHAINKG_SOURCE["id"], "as_of": CHAINKG_SOURCE["date"], "confidence": "imported"}
    for code, c in by_code.items():   # every company becomes an enterprise, with or without a chain product
        firm_names.setdefault(code, (str(c.get("name")).strip(), str(c.get("fullname") or c.get("name")).strip(), code))
    for rec in optional["company_industry.json"]:
        code = str(rec["company_code"]).split(".")[0]
        name = str(rec.get("company_name") or code).strip()
        firm_names.setdefault(code, (name, name, code))
    unknown_codes = sorted(set(per_firm) - set(by_code))
    for code in sorted(firm_names):
        short, full, _ = firm_names[code]
        if short in settled or full in settled:
            eid, how = settled.get(short) or settled[full], "settled"
        elif code in existing_code:
            eid, how = existing_code[code], "listed code"
        else:
            hits = sorted(names.get(_norm(full), set()) | names.get(_norm(short), set()))
            if len(hits) == 1:
                eid, how = hits[0], "name"
            else:
                if len(hits) > 1:
                    ambiguous.append((f"{short} ({code})", hits))
                eid, how = f"ckg-{code}", None
                firms.append({"id": eid, "name_zh": full, "aliases": short if short != full else "",
                              "listed_code": code, **prov})
        if how:
            merged.append((f"{short} ({code})", eid, how))
        eid_of[code] = eid
        for seg, items in sorted(per_firm.get(code, {}).items()):
            if (eid, seg) in memberships_known:
                continue
            items.sort(key=lambda x: -x[1])
            members.append({"enterprise": eid, "segment": seg, "product": "; ".join(p for p, _ in items),
                            "note": "ChainKG main-product weights: " + "; ".join(f"{p} {w:.3f}" for p, w in items),
                            **prov})

    def pid(name: str) -> str:
        import hashlib
        return "ckg-p-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]

    from .dataset import CONTROL_RE

    def unusable(name: str, where: str) -> bool:
        """Names the data files cannot hold (control characters) are reported and left out."""
        if CONTROL_RE.search(name) or not name.strip():
            anomalies.setdefault("product name with a control character or blank", []).append(f"{where}: {name!r}")
            return True
        return False

    product_names: set[str] = {n for r in optional["product.json"]
                               if not unusable(n := str(r["name"]), "product.json")}
    makes = []
    for (code, product), ws in sorted(code_makes.items()):
        if unusable(product, "company_product.json"):
            continue
        if len(ws) > 1:
            anomalies.setdefault("duplicate company-product (larger weight kept)", []).append(f"{code} {product}: weights {ws}")
        product_names.add(product)
        makes.append({"enterprise": eid_of[code], "product": pid(product), "weight": f"{max(ws):g}", **prov})
    link_check = {"agree": 0, "same segment": 0, "against": 0}
    plinks: dict[tuple[str, str, str], dict] = {}
    for line, rec in enumerate(links, 1):
        a, b, rel = str(rec.get("from_entity")), str(rec.get("to_entity")), rec.get("rel")
        if a == b:
            anomalies["self-loop"].append(f"product_product.json:{line}: {a} {rel} {b}")
            continue
        if rel not in ("上游材料", "下游产品", "产品小类"):
            anomalies.setdefault("unknown relation", []).append(f"product_product.json:{line}: {rel}")
            continue
        # material -> the product it goes into; narrower -> wider
        frm, to, kind = {"上游材料": (b, a, "MATERIAL_OF"), "下游产品": (a, b, "MATERIAL_OF"),
                         "产品小类": (b, a, "SUBCLASS_OF")}[rel]
        if unusable(frm, f"product_product.json:{line}") or unusable(to, f"product_product.json:{line}"):
            continue
        sa, sb = pmap.get(frm), pmap.get(to)
        if kind == "MATERIAL_OF" and sa and sb:
            if sa == sb:
                link_check["same segment"] += 1
            elif nx.has_path(T, sa, sb):
                link_check["agree"] += 1
            else:
                link_check["against"] += 1
                anomalies["link against the template"].append(
                    f"product_product.json:{line}: {a} {rel} {b} ({sa} is not upstream of {sb})")
                continue
        product_names.update((frm, to))
        plinks.setdefault((pid(frm), pid(to), kind), {"from": pid(frm), "to": pid(to), "kind": kind, **prov})
    product_rows = [{"id": pid(n), "name_zh": n, "segment": pmap.get(n, ""), **prov}
                    for n in sorted(product_names) if n.strip()]
    industries = {str(r["code"]): {"id": f"ckg-i-{r['code']}", "name_zh": str(r["name"]), "code": str(r["code"]),
                                   "parent": "", **prov} for r in optional["industry.json"]}
    for line, r in enumerate(optional["industry_industry.json"], 1):
        child, parent = str(r["from_code"]), str(r["to_code"])
        if child in industries and parent in industries and child != parent:
            industries[child]["parent"] = industries[parent]["id"]
        else:
            anomalies.setdefault("industry link to an unknown code", []).append(
                f"industry_industry.json:{line}: {child} -> {parent}")
    by_name: dict[str, list[str]] = {}
    for code, ind in industries.items():
        by_name.setdefault(ind["name_zh"], []).append(ind["id"])
    ind_links: dict[tuple[str, str], dict] = {}
    for line, r in enumerate(optional["industry_up.json"], 1):
        ups = r["ups"] if isinstance(r["ups"], dict) else {}
        down = by_name.get(str(r["industry"]), [])
        for up_name, n in ups.items():
            up = by_name.get(str(up_name), [])
            if len(down) != 1 or len(up) != 1:
                anomalies.setdefault("industry name unknown or not unique", []).append(
                    f"industry_up.json:{line}: {up_name} -> {r['industry']}")
            elif up[0] == down[0]:
                anomalies["self-loop"].append(f"industry_up.json:{line}: {up_name} -> {r['industry']}")
            elif not isinstance(n, (int, float)) or n < 0:
                anomalies.setdefault("count that is not a number >= 0", []).append(f"industry_up.json:{line}: {up_name} {n!r}")
            else:
                ind_links[(up[0], down[0])] = {"from": up[0], "to": down[0], "count": f"{n:g}", **prov}
    in_industry: dict[tuple[str, str], dict] = {}
    for line, r in enumerate(optional["company_industry.json"], 1):
        code, ind = str(r["company_code"]).split(".")[0], str(r["industry_code"])
        if ind not in industries:
            anomalies.setdefault("company in an unknown industry", []).append(
                f"company_industry.json:{line}: {code} {ind}")
            continue
        in_industry.setdefault((eid_of[code], ind), {"enterprise": eid_of[code], "industry": industries[ind]["id"], **prov})

    files = {"sources.csv": [{k: CHAINKG_SOURCE.get(k, "") for k in ("id", "title", "publisher", "date", "address", "quality", "note")}],
             "enterprises.csv": firms, "enterprise_segments.csv": members, "products.csv": product_rows,
             "industries.csv": list(industries.values()), "makes.csv": makes,
             "product_links.csv": list(plinks.values()), "enterprise_industries.csv": list(in_industry.values()),
             "industry_links.csv": list(ind_links.values())}

    def merge_report(d: Path) -> None:
        with atomic_open(d / "merge_report.tsv") as f:
            w = csv.writer(f, delimiter="\t", lineterminator="\n")
            w.writerow(["company", "decision", "enterprise", "candidates"])
            for company, eid, how in merged:
                w.writerow([company, f"merged by {how}", eid, ""])
            for company, ids in ambiguous:
                w.writerow([company, "ambiguous: kept apart; settle with --settled", "", "|".join(ids)])
    _write_data_dir(outdir, files, against, merge_report)
    return ChainKGSummary({k[:-4]: len(v) for k, v in files.items()}, merged, ambiguous, anomalies, link_check,
                          len(unmapped), len(firm_names) - len(per_firm), unknown_codes)

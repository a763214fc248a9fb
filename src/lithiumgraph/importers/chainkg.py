"""Import ChainKnowledgeGraph (产业链知识图谱): its companies, main products, product links and industries,
as a data directory to layer after the curated data.

The import runs in phases, each a function below: read and check the JSON files, weigh each company's
main products, settle each company onto an enterprise, then the products and their links, then the
industries; anomalies in the data set are collected by kind and reported, not loaded.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import model
from ..errors import DataError, Problem
from ..names import _norm
from ..output import atomic_open
from .common import name_index, output_dir, write_data_dir
from .products import PLACEHOLDER, ProductMap, Products, bare_code, read_product_map

__all__ = ["CHAINKG_SOURCE", "ChainKGSummary", "ProductMap", "import_chainkg"]

CHAINKG_SOURCE = {
    "id": "chainkg-2021",
    "title": "ChainKnowledgeGraph (产业链知识图谱), companies and main products",
    "publisher": "liuhuanyong on GitHub; no licence stated",
    "date": "2021-10-26",
    "address": "https://github.com/liuhuanyong/ChainKnowledgeGraph",
    "note": "Extracted from text by its authors; product weights read as shares but range beyond 0-1",
}
_PROV = {"sources": CHAINKG_SOURCE["id"], "as_of": CHAINKG_SOURCE["date"], "confidence": "imported"}
#: Each file with the fields every record must have; the optional files may be absent.
_FILES = {
    "company.json": ("name", "code"),
    "company_product.json": ("company_code", "company_name", "product_name", "rel_weight"),
    "product_product.json": ("from_entity", "to_entity", "rel"),
}
_OPTIONAL = {
    "product.json": ("name",),
    "industry.json": ("code", "name"),
    "industry_industry.json": ("from_code", "to_code"),
    "company_industry.json": ("company_code", "industry_code"),
    "industry_up.json": ("industry", "ups"),
}


@dataclass
class ChainKGSummary:
    """What the ChainKG import loaded, merged, could not settle, and found wrong in the data set."""

    counts: dict
    merged: list[tuple[str, str, str]]  # (company, enterprise id, matched by)
    ambiguous: list[tuple[str, list[str]]]
    anomalies: dict[str, list[str]]  # kind of anomaly -> examples (all of them)
    link_check: dict[str, int]  # product links between mapped products vs the template
    unmapped_products: int
    without_chain_product: int
    codes_not_in_company_file: list[str] = field(default_factory=list)


def _jsonl(path: Path, problems: list) -> list[dict]:
    out: list[dict] = []
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
            problems.append(Problem(str(path), i, "line", f"not JSON: {getattr(e, 'msg', e)}"))
            continue
        if not isinstance(rec, dict):
            problems.append(Problem(str(path), i, "line", "expected a JSON object"))
            continue
        out.append(rec)
    return out


def _read(src: Path) -> dict[str, list[dict]]:
    """Every file's records; DataError lists each unreadable line and each missing field."""
    problems: list[Problem] = []
    files = {name: _jsonl(src / name, problems) for name in _FILES}
    files.update({name: (_jsonl(src / name, problems) if (src / name).is_file() else []) for name in _OPTIONAL})
    for fname, fields in {**_FILES, **_OPTIONAL}.items():
        for line, rec in enumerate(files[fname], 1):
            for fld in fields:
                if rec.get(fld) in (None, ""):
                    problems.append(Problem(str(src / fname), line, fld, "missing field"))
    if problems:
        raise DataError(problems)
    return files


def _enterprises(firm_names: dict, per_firm: dict, base, settled: dict[str, str]) -> tuple:
    """Each company settled onto an enterprise (by a person, listed code, then name), or a new one;
    with its memberships from the mapped main products. Returns (firms, members, merged, ambiguous,
    enterprise id by code, listings of the codes of companies merged by name)."""
    existing_code = {r.record.listed_code: r.record.id for r in base.rows[model.Enterprise] if r.record.listed_code}
    code_of = {eid: code for code, eid in existing_code.items()}
    names = name_index(base)
    memberships_known = {(r.record.enterprise, r.record.segment) for r in base.rows[model.Membership]}
    firms, members, merged, ambiguous, listings = [], [], [], [], []
    eid_of: dict[str, str] = {}
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
                firms.append(
                    {
                        "id": eid,
                        "name_zh": full,
                        "aliases": short if short != full else "",
                        "listed_code": code,
                        **_PROV,
                    }
                )
        if how:
            merged.append((f"{short} ({code})", eid, how))
        if how in ("name", "settled") and code_of.get(eid) != code:  # merged by name: the code still finds it
            listings.append({"enterprise": eid, "listed_code": code, "name": short, **_PROV})
        eid_of[code] = eid
        for seg, items in sorted(per_firm.get(code, {}).items()):
            if (eid, seg) in memberships_known:
                continue
            items.sort(key=lambda x: -x[1])
            members.append(
                {
                    "enterprise": eid,
                    "segment": seg,
                    "product": "; ".join(p for p, _ in items),
                    "note": "ChainKG main-product weights: " + "; ".join(f"{p} {w:.3f}" for p, w in items),
                    **_PROV,
                }
            )
    return firms, members, merged, ambiguous, eid_of, listings


def _pid(name: str) -> str:
    return "ckg-p-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


def _unusable(name: str, where: str, anomalies: dict) -> bool:
    """Names the data files cannot hold (control characters) are reported and left out."""
    from ..cells import CONTROL_RE

    if CONTROL_RE.search(name) or not name.strip():
        anomalies.setdefault("product name with a control character or blank", []).append(f"{where}: {name!r}")
        return True
    return False


def _product_links(links: list[dict], pmap: dict[str, str], T, anomalies: dict) -> tuple[dict, dict, set[str]]:
    """Product links as MATERIAL_OF / SUBCLASS_OF rows, checked against the chain template ``T``.
    Returns (rows by key, counts of the template check, product names used)."""
    import networkx as nx

    link_check = {"agree": 0, "same segment": 0, "against": 0}
    plinks: dict[tuple[str, str, str], dict] = {}
    used: set[str] = set()
    for line, rec in enumerate(links, 1):
        a, b, rel = str(rec.get("from_entity")), str(rec.get("to_entity")), rec.get("rel")
        if a == b:
            anomalies["self-loop"].append(f"product_product.json:{line}: {a} {rel} {b}")
            continue
        if rel not in ("上游材料", "下游产品", "产品小类"):
            anomalies.setdefault("unknown relation", []).append(f"product_product.json:{line}: {rel}")
            continue
        # material -> the product it goes into; narrower -> wider
        frm, to, kind = {
            "上游材料": (b, a, "MATERIAL_OF"),
            "下游产品": (a, b, "MATERIAL_OF"),
            "产品小类": (b, a, "SUBCLASS_OF"),
        }[rel]
        where = f"product_product.json:{line}"
        if _unusable(frm, where, anomalies) or _unusable(to, where, anomalies):
            continue
        if PLACEHOLDER.search(frm) or PLACEHOLDER.search(to):
            anomalies.setdefault("link to an accounting or placeholder item", []).append(f"{where}: {a} {rel} {b}")
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
                    f"product_product.json:{line}: {a} {rel} {b} ({sa} is not upstream of {sb})"
                )
                continue
        used.update((frm, to))
        plinks.setdefault((_pid(frm), _pid(to), kind), {"from": _pid(frm), "to": _pid(to), "kind": kind, **_PROV})
    return plinks, link_check, used


def _products(files: dict, made: Products, eid_of: dict, pmap: dict[str, str], T, anomalies: dict) -> tuple:
    """Products, MAKES rows and product links. Returns (product rows, makes, link rows, link check)."""
    product_names: set[str] = {
        n
        for r in files["product.json"]
        if not _unusable(n := str(r["name"]), "product.json", anomalies) and not PLACEHOLDER.search(n.strip())
    }
    makes = []
    for (code, product), ws in sorted(made.makes.items()):
        if _unusable(product, "company_product.json", anomalies):
            continue
        if len(ws) > 1:
            anomalies.setdefault("duplicate company-product (larger weight kept)", []).append(
                f"{code} {product}: weights {ws}"
            )
        product_names.add(product)
        makes.append(
            {
                "enterprise": eid_of[code],
                "product": _pid(product),
                "weight": f"{max(ws):g}",
                "segment": made.in_context.get((code, product), ""),
                **_PROV,
            }
        )
    plinks, link_check, used = _product_links(files["product_product.json"], pmap, T, anomalies)
    product_names |= used
    rows = [
        {"id": _pid(n), "name_zh": n, "segment": pmap.get(n, ""), **_PROV} for n in sorted(product_names) if n.strip()
    ]
    return rows, makes, list(plinks.values()), link_check


def _industries(files: dict, eid_of: dict, anomalies: dict) -> tuple[list, list, list]:
    """Industries with their hierarchy, upstream counts between industries, and company industries."""
    industries = {
        str(r["code"]): {
            "id": f"ckg-i-{r['code']}",
            "name_zh": str(r["name"]),
            "code": str(r["code"]),
            "parent": "",
            **_PROV,
        }
        for r in files["industry.json"]
    }
    for line, r in enumerate(files["industry_industry.json"], 1):
        child, parent = str(r["from_code"]), str(r["to_code"])
        if child in industries and parent in industries and child != parent:
            industries[child]["parent"] = industries[parent]["id"]
        else:
            anomalies.setdefault("industry link to an unknown code", []).append(
                f"industry_industry.json:{line}: {child} -> {parent}"
            )
    by_name: dict[str, list[str]] = {}
    for ind in industries.values():
        by_name.setdefault(ind["name_zh"], []).append(ind["id"])
    ind_links: dict[tuple[str, str], dict] = {}
    for line, r in enumerate(files["industry_up.json"], 1):
        ups = r["ups"] if isinstance(r["ups"], dict) else {}
        down = by_name.get(str(r["industry"]), [])
        for up_name, n in ups.items():
            up = by_name.get(str(up_name), [])
            if len(down) != 1 or len(up) != 1:
                anomalies.setdefault("industry name unknown or not unique", []).append(
                    f"industry_up.json:{line}: {up_name} -> {r['industry']}"
                )
            elif up[0] == down[0]:
                anomalies["self-loop"].append(f"industry_up.json:{line}: {up_name} -> {r['industry']}")
            elif not isinstance(n, (int, float)) or n < 0:
                anomalies.setdefault("count that is not a number >= 0", []).append(
                    f"industry_up.json:{line}: {up_name} {n!r}"
                )
            else:
                ind_links[(up[0], down[0])] = {"from": up[0], "to": down[0], "count": f"{n:g}", **_PROV}
    in_industry: dict[tuple[str, str], dict] = {}
    for line, r in enumerate(files["company_industry.json"], 1):
        code, icode = bare_code(r["company_code"]), str(r["industry_code"])
        if icode not in industries:
            anomalies.setdefault("company in an unknown industry", []).append(
                f"company_industry.json:{line}: {code} {icode}"
            )
            continue
        in_industry.setdefault(
            (eid_of[code], icode), {"enterprise": eid_of[code], "industry": industries[icode]["id"], **_PROV}
        )
    return list(industries.values()), list(ind_links.values()), list(in_industry.values())


def _merge_report(merged: list, ambiguous: list):
    """A writer of ``merge_report.tsv``: each company merged and how, each left apart with its candidates."""

    def write(d: Path) -> None:
        with atomic_open(d / "merge_report.tsv") as f:
            w = csv.writer(f, delimiter="\t", lineterminator="\n")
            w.writerow(["company", "decision", "enterprise", "candidates"])
            for company, eid, how in merged:
                w.writerow([company, f"merged by {how}", eid, ""])
            for company, ids in ambiguous:
                w.writerow([company, "ambiguous: kept apart; settle with --settled", "", "|".join(ids)])

    return write


def import_chainkg(
    src: str | Path,
    outdir: str | Path,
    *,
    product_map: str | Path,
    against: list[str | Path] | None = None,
    settled: dict[str, str] | None = None,
    force: bool = False,
) -> ChainKGSummary:
    """Every ChainKnowledgeGraph company becomes an enterprise (or merges onto an existing one: listed code
    first, then full name, short name and aliases); main products that map onto the chain template become
    IN_SEGMENT memberships. Weights outside 0-1, self-loops and product links that run against the template
    are reported, not loaded. Writes ``outdir`` to layer after ``against``."""
    from ..dataset import default_data_dir, load
    from ..graph import build_graph
    from ..template import template

    src, out = Path(src), output_dir(outdir, {"merge_report.tsv"}, force=force)
    dirs = [Path(d) for d in (against or [default_data_dir()])]
    base = load(dirs)
    T = template(build_graph(base))
    pmap = read_product_map(Path(product_map), set(T))
    files = _read(src)

    by_code = {bare_code(c.get("code")): c for c in files["company.json"]}
    anomalies: dict[str, list[str]] = {"weight outside 0-1": [], "self-loop": [], "link against the template": []}
    made = Products(files["company_product.json"], by_code, pmap, anomalies)
    firm_names = made.firm_names
    for code, c in by_code.items():  # every company becomes an enterprise, with or without a chain product
        firm_names.setdefault(code, (str(c.get("name")).strip(), str(c.get("fullname") or c.get("name")).strip(), code))
    for rec in files["company_industry.json"]:
        code = bare_code(rec["company_code"])
        name = str(rec.get("company_name") or code).strip()
        firm_names.setdefault(code, (name, name, code))
    firms, members, merged, ambiguous, eid_of, listings = _enterprises(firm_names, made.per_firm, base, settled or {})
    products, makes, plinks, link_check = _products(files, made, eid_of, pmap.plain, T, anomalies)
    industries, ind_links, in_industry = _industries(files, eid_of, anomalies)

    source = {k: CHAINKG_SOURCE.get(k, "") for k in ("id", "title", "publisher", "date", "address", "quality", "note")}
    out_files = {
        "sources.csv": [source],
        "enterprises.csv": firms,
        "listings.csv": listings,
        "enterprise_segments.csv": members,
        "products.csv": products,
        "industries.csv": industries,
        "makes.csv": makes,
        "product_links.csv": plinks,
        "enterprise_industries.csv": in_industry,
        "industry_links.csv": ind_links,
    }
    write_data_dir(out, out_files, dirs, _merge_report(merged, ambiguous))
    return ChainKGSummary(
        {k[:-4]: len(v) for k, v in out_files.items()},
        merged,
        ambiguous,
        anomalies,
        link_check,
        len(made.unmapped),
        len(firm_names) - len(made.per_firm),
        sorted(set(made.per_firm) - set(by_code)),
    )

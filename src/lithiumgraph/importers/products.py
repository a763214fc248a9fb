"""ChainKG's main products: the product map (which product counts in which segment, in the context of the
company's other products), the accounting lines that are not products, and each company's products weighed."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem
from .common import problem

__all__ = ["PLACEHOLDER", "ProductMap", "Products", "bare_code", "read_product_map"]

#: Accounting lines and placeholders that company reports list beside their products (平衡项目 alone
#: is "made" by 1,156 companies): reported, never loaded as products.
PLACEHOLDER = re.compile(
    r"^(平衡项目|调整项目?|未分配.*|合计|小计|总计|其[他它](业务|收入|产品|项目|主营业务)?"
    r"|其[他它][(（]补充[)）]|补充|主营业务|公司内部各业务)$|抵[销減减銷]|[小合总]计$"
)


@dataclass
class ProductMap:
    """``product -> [(segment, words, not_words)]`` from the mapping file: a row with words maps the
    product only for a company whose other main products contain one of the words and none of the
    not-words (``正极材料`` is NCM cathode beside ``三元前驱体``, ``铝箔`` battery foil beside ``电池箔``)."""

    rows: dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...]]]]

    @property
    def plain(self) -> dict[str, str]:
        """Products that map whatever else the company makes (MAPS_TO on the product itself)."""
        return {p: r[0][0] for p, r in self.rows.items() if len(r) == 1 and not r[0][1] and not r[0][2]}

    def segment(self, product: str, others: list[str]) -> str | None:
        for seg, words, nots in self.rows.get(product, ()):
            if any(w in o for o in others for w in nots):
                continue
            if not words or any(w in o for o in others for w in words):
                return seg
        return None


def read_product_map(path: Path, segments: set[str]) -> ProductMap:
    """The product map CSV (``product,segment[,context]``); DataError names each bad row."""
    problems: list[Problem] = []
    out: dict = {}
    seen: set = set()
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames not in (["product", "segment"], ["product", "segment", "context"]):
            raise problem(path, 1, "header", "expected the columns product,segment[,context]")
        for line, row in enumerate(reader, 2):
            p, s = (row["product"] or "").strip(), (row["segment"] or "").strip()
            ctx = [w.strip() for w in (row.get("context") or "").split("|") if w.strip()]
            words = tuple(w for w in ctx if not w.startswith("!"))
            nots = tuple(w[1:] for w in ctx if w.startswith("!") and len(w) > 1)
            if s not in segments:
                problems.append(Problem(str(path), line, "segment", f"unknown segment {s!r}"))
            elif (p, words, nots) in seen or (p in out and not out[p][-1][1] and not out[p][-1][2]):
                problems.append(Problem(str(path), line, "product", f"{p!r} is mapped twice"))
            else:
                seen.add((p, words, nots))
                out.setdefault(p, []).append((s, words, nots))
    if problems:
        raise DataError(problems)
    return ProductMap(out)


def bare_code(value) -> str:
    """A listed code without its exchange suffix."""
    return str(value).split(".")[0]  # 300750 and 300750.SZ alike


class Products:
    """Each company's main products, weighed: the products on the chain by segment, every product made,
    and the segment a generic product counts in for that company."""

    def __init__(self, products: list[dict], by_code: dict, pmap: ProductMap, anomalies: dict):
        self.per_firm: dict[str, dict[str, list[tuple[str, float]]]] = {}
        self.firm_names: dict[str, tuple[str, str, str]] = {}  # code -> (short, full, code)
        self.unmapped: set[str] = set()
        self.makes: dict[tuple[str, str], list[float]] = {}
        self.in_context: dict[tuple[str, str], str] = {}  # (code, product) -> segment, mapped by context
        made: dict[str, list[tuple[str, float]]] = {}
        placeholders: dict[str, int] = {}
        for line, rec in enumerate(products, 1):
            code = bare_code(rec.get("company_code"))
            short = str(rec.get("company_name", "")).strip()
            product = str(rec.get("product_name", "")).strip()
            if PLACEHOLDER.search(product):
                placeholders[product] = placeholders.get(product, 0) + 1
                continue
            try:
                w = float(rec.get("rel_weight"))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                w = float("nan")
            if not 0 <= w <= 1:
                anomalies["weight outside 0-1"].append(
                    f"company_product.json:{line}: {short} {product} {rec.get('rel_weight')}"
                )
                continue
            self.makes.setdefault((code, product), []).append(w)
            full = str(by_code.get(code, {}).get("fullname") or short)
            self.firm_names.setdefault(code, (short, full, code))
            made.setdefault(code, []).append((product, w))
        for product, n in sorted(placeholders.items(), key=lambda x: (-x[1], x[0])):
            anomalies.setdefault("accounting or placeholder item, not a product", []).append(
                f"{product} ({n} compan{'ies' if n != 1 else 'y'})"
            )
        plain = pmap.plain
        for code, items in made.items():
            names = [p for p, _ in items]
            for product, w in items:
                seg = pmap.segment(product, [o for o in names if o != product])
                if seg is None:
                    self.unmapped.add(product)
                    continue
                if product not in plain:
                    self.in_context[(code, product)] = seg
                self.per_firm.setdefault(code, {}).setdefault(seg, []).append((product, w))

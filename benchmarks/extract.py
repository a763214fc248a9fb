"""Extraction against the labelled gold set: field-level precision and recall, event-level exact match,
for the development and the held-out halves; and speed in articles per second on plain text.

    python benchmarks/extract.py            # both halves and speed
    python benchmarks/extract.py --dev -v   # development half only, with every miss and false hit

A predicted event matches a gold event of the same text when its evidence sentence contains the gold
anchor and the stage is the same (greedily, best field agreement first). Precision counts every predicted
value, recall every gold value; an event is exact when stage (with expected), firm, place, segment,
capacity with unit, money with currency and bound, and date all agree.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from lithiumgraph.dataset import load  # noqa: E402
from lithiumgraph.extract import Gazetteer, Lexicon, extract_text  # noqa: E402
from lithiumgraph.extract.gazetteer import LEGAL_SUFFIXES  # noqa: E402

FIELDS = ("stage", "firm", "place", "segment", "capacity", "money", "date")


def gold(split: str) -> list[dict]:
    return yaml.safe_load((HERE / "extract_gold" / f"{split}.yaml").read_text("utf-8"))


def _core(name: str) -> str:
    name = name.removeprefix("new:")
    for s in LEGAL_SUFFIXES:
        name = name.removesuffix(s)
    return name


def _same_ids(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.startswith("new:") and b.startswith("new:"):
        x, y = _core(a), _core(b)
        return bool(x and y) and (x in y or y in x)
    return False


def _same_set(gold_v: str, pred_v: str) -> bool:
    g = [x for x in gold_v.split("|") if x]
    p = [x for x in pred_v.split("|") if x]
    return (
        len(g) == len(p)
        and all(any(_same_ids(x, y) for y in p) for x in g)
        and all(any(_same_ids(y, x) for x in g) for y in p)
    )


def _num_eq(a, b) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)))


def values(ev: dict) -> dict[str, object]:
    """Each field as a comparable value, None when empty."""
    cap = (float(ev["capacity"]), ev.get("unit", "")) if ev.get("capacity") not in (None, "") else None
    money = (
        (float(ev["money"]), ev.get("currency", ""), ev.get("bound", "") or "")
        if ev.get("money") not in (None, "")
        else None
    )
    return {
        "stage": (ev["stage"], bool(ev.get("expected"))),
        "firm": ev.get("firm") or None,
        "place": ev.get("place") or None,
        "segment": ev.get("segment") or None,
        "capacity": cap,
        "money": money,
        "date": str(ev.get("date") or "") or None,
    }


def agree(field: str, g, p) -> bool:
    if g is None or p is None:
        return False
    if field in ("firm", "place"):
        return _same_set(g, p)
    if field == "capacity":
        return _num_eq(g[0], p[0]) and g[1] == p[1]
    if field == "money":
        return _num_eq(g[0], p[0]) and g[1:] == p[1:]
    return g == p


def predicted(text: dict, gaz, lex) -> list[dict]:
    out = []
    for c in extract_text(text["text"], gaz, lex, published=str(text.get("published") or "") or None):
        out.append(
            {
                "stage": c.stage,
                "expected": c.expected,
                "firm": "|".join(c.firms),
                "place": c.place,
                "segment": c.segment,
                "capacity": c.capacity,
                "unit": c.unit,
                "money": c.money,
                "currency": c.currency,
                "bound": c.bound,
                "date": c.date,
                "evidence": c.evidence,
            }
        )
    return out


def score(texts: list[dict], gaz, lex, verbose=False) -> dict:
    counts = {f: [0, 0, 0] for f in FIELDS}  # correct, predicted, gold
    exact = n_pred = n_gold = 0
    for t in texts:
        preds = predicted(t, gaz, lex)
        pv = [values(p) for p in preds]
        free = set(range(len(preds)))
        n_pred += len(preds)
        n_gold += len(t["events"])
        for f in FIELDS:
            counts[f][1] += sum(v[f] is not None for v in pv)
            counts[f][2] += sum(values(g)[f] is not None for g in t["events"])
        for g in t["events"]:
            gv = values(g)
            options = [i for i in free if g["anchor"] in preds[i]["evidence"] and preds[i]["stage"] == g["stage"]]
            if not options:
                if verbose:
                    print(f"  MISS {t['id']}: {g}")
                continue
            best = max(options, key=lambda i: sum(agree(f, gv[f], pv[i][f]) for f in FIELDS))
            free.discard(best)
            ok = {f: agree(f, gv[f], pv[best][f]) for f in FIELDS}
            for f in FIELDS:
                counts[f][0] += ok[f]
            same = all(ok[f] or (gv[f] is None and pv[best][f] is None) for f in FIELDS)
            exact += same
            if verbose and not same:
                bad = {
                    f: (gv[f], pv[best][f]) for f in FIELDS if not (ok[f] or (gv[f] is None and pv[best][f] is None))
                }
                print(f"  DIFF {t['id']} [{g['anchor']}]: {bad}")
        if verbose:
            for i in sorted(free):
                print(f"  EXTRA {t['id']}: {preds[i]['stage']} {pv[i]} | {preds[i]['evidence'][:60]}")
    res = {f: (c / p if p else 0.0, c / g if g else 0.0) for f, (c, p, g) in counts.items()}
    res["event"] = (exact / n_pred if n_pred else 0.0, exact / n_gold if n_gold else 0.0)
    res["n"] = (len(texts), n_gold, n_pred)
    return res


def speed(texts: list[dict], gaz, lex, seconds: float = 3.0) -> tuple[float, float, float]:
    """Articles per second: full extraction, and the same-run baseline of a naive name search
    (``name in text`` for every known name) over the same texts."""
    names = [k for k in gaz.names if not k.startswith("code:")]

    def run(fn):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            for t in texts:
                fn(t)
            n += len(texts)
        return n / (time.perf_counter() - t0)

    full = run(lambda t: extract_text(t["text"], gaz, lex, published=str(t.get("published") or "") or None))
    naive = run(lambda t: [n for n in names if n in t["text"].casefold()])
    chars = sum(len(t["text"]) for t in texts) / len(texts)
    return full, naive, chars


def table(rows: list[tuple[str, dict]]) -> str:
    head = (
        "| half | texts | gold events | predicted | "
        + " | ".join(f"{f} P / R" for f in FIELDS)
        + " | event exact P / R |"
    )
    lines = [head, "|" + "---|" * (5 + len(FIELDS))]
    for name, r in rows:
        cells = [f"{r[f][0]:.2f} / {r[f][1]:.2f}" for f in FIELDS] + [f"**{r['event'][0]:.2f} / {r['event'][1]:.2f}**"]
        lines.append(f"| {name} | {r['n'][0]} | {r['n'][1]} | {r['n'][2]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", action="store_true", help="development half only")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every miss, difference and extra")
    ap.add_argument("--seconds", type=float, default=3.0, help="time per speed measurement")
    args = ap.parse_args(argv)
    ds = load()
    gaz, lex = Gazetteer.from_dataset(ds), Lexicon.load()
    halves = ["dev"] if args.dev else ["dev", "heldout"]
    rows = []
    for h in halves:
        if args.verbose:
            print(f"== {h}")
        rows.append((h, score(gold(h), gaz, lex, verbose=args.verbose)))
    print(table(rows))
    print()
    if not args.dev:
        texts = gold("dev") + gold("heldout")
        names = len([k for k in gaz.names if not k.startswith("code:")])
        for label, batch in (("gold excerpts", texts), ("~2,000-character articles", _articles(texts, 2000))):
            full, naive, chars = speed(batch, gaz, lex, args.seconds)
            print(
                f"speed, {label}: {full:,.0f} articles/s, {full * chars / 1e3:,.0f}k characters/s (mean {chars:,.0f} "
                f"characters); same-run baseline, a naive search of the {names} known names alone: "
                f"{naive:,.0f} articles/s"
            )


def _articles(texts: list[dict], size: int) -> list[dict]:
    """Longer articles made by joining the excerpts in order (denser in events than real news)."""
    out, buf = [], []
    for t in texts:
        buf.append(t["text"])
        if sum(map(len, buf)) >= size:
            out.append({"text": "\n".join(buf), "published": t.get("published")})
            buf = []
    return out


if __name__ == "__main__":
    main()

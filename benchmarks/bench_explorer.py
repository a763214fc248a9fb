"""The explorer page on synthetic graphs (labelled synthetic in every record): build time in Python and
drawing in headless Chromium, beside the explorer as it was before firms sat inside their segments
(``git show 7facbbf:src/lithiumgraph/explore.py``, loaded from git in the same run) as the baseline.

Usage: LG_CHROMIUM=$(bash scripts/browser.sh) python benchmarks/bench_explorer.py [--sizes 2000 5000] [--runs 5]
Prints per size: page build (min and median of --runs), first draw (navigation start to the end of the first
frame, median of --runs page loads), and for the page with about 2,000 nodes open the draw after
"expand all" (with the view fitted to everything) and a redraw with every node in view (median of 20
synchronous ``network.redraw()`` calls; the page before drew everything fitted from the start).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import median_time
from lithiumgraph import load_graph
from lithiumgraph.explorer import explore
from lithiumgraph.synth import write_synth

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "7facbbf"


def old_explore():
    """The previous explorer module, straight from git, as ``lithiumgraph._explore_before``."""
    src = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASELINE}:src/lithiumgraph/explore.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    spec = importlib.util.spec_from_loader("lithiumgraph._explore_before", loader=None)
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "lithiumgraph"
    sys.modules[spec.name] = mod  # dataclasses look their module up
    exec(compile(src, "explore@" + BASELINE, "exec"), mod.__dict__)
    return mod.explore


def browser():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    return pw, pw.chromium.launch(
        executable_path=os.environ.get("LG_CHROMIUM") or "chromium", args=["--no-sandbox", "--disable-gpu"]
    )


def draw_times(b, path: Path, runs: int, expand: bool) -> dict:
    firsts, after = [], {}
    for i in range(runs):
        page = b.new_page(viewport={"width": 1600, "height": 1000})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.lgReady === true", timeout=120000)
        firsts.append(page.evaluate("window.lgDrawnAt || performance.now()") / 1000)
        if i == runs - 1:
            if expand:  # open every segment, then time the drawing of everything that is open
                after["expand"] = page.evaluate("""() => { const t = performance.now();
                    document.getElementById('lg-expand').click(); lgApp.fit(); lgNetwork.redraw();
                    return (performance.now() - t) / 1000; }""")
            after["nodes"] = page.evaluate("lgNetwork.body.data.nodes.length")
            after["redraw"] = page.evaluate("""() => { const ts = [];
                for (let i = 0; i < 20; i++) { const t = performance.now(); lgNetwork.redraw(); ts.push(performance.now() - t); }
                ts.sort((a, b) => a - b); return ts[10] / 1000; }""")
        page.close()
    return {"first": statistics.median(firsts), **after}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 5000])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at the start (the machine is shared: compare rows of one run)"
    )
    before = old_explore()
    pw, b = browser()
    print(
        f"{'enterprises':>11}  {'page':<8} {'build min':>9} {'median s':>9} {'MB':>6} {'first draw s':>13} {'nodes open':>10} "
        f"{'expand all s':>13} {'redraw ms':>10}"
    )
    try:
        for n in args.sizes:
            with tempfile.TemporaryDirectory() as d:
                write_synth(n, 2, Path(d) / "syn")
                G = load_graph(Path(d) / "syn")
                for name, fn in (("before", before), ("now", explore)):
                    builds = [median_time(lambda: fn(G, level="enterprise").html(), 1) for _ in range(args.runs)]
                    path = fn(G, level="enterprise").write(Path(d) / f"{name}.html")
                    t = draw_times(b, path, args.runs, expand=name == "now")
                    print(
                        f"{n:>11,}  {name:<8} {min(builds):>9.2f} {statistics.median(builds):>9.2f} "
                        f"{path.stat().st_size / 1e6:>6.1f} {t['first']:>13.2f} "
                        f"{t['nodes']:>10,} {t.get('expand', float('nan')):>13.2f} {1000 * t['redraw']:>10.1f}",
                        flush=True,
                    )
    finally:
        b.close()
        pw.stop()
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    sys.exit(main())

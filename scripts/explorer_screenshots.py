"""Write the README's explorer screenshots (docs/explorer-*.png) in headless Chromium at 1600x1000.

LG_CHROMIUM=$(bash scripts/browser.sh) python scripts/explorer_screenshots.py
"""

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from lithiumgraph import load_graph
from lithiumgraph.explorer import explore
from lithiumgraph.synth import write_synth

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    write_synth(1200, 1, tmp / "syn")  # SYNTHETIC: a park of about 500 local firms
    pages = {
        "explorer-yichun-enterprise": explore(load_graph(), park="yichun-etdz", level="enterprise"),
        "explorer-synthetic-500": explore(load_graph(tmp / "syn"), park="syn-park00000", level="enterprise"),
    }
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("LG_CHROMIUM") or "chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for name, ex in pages.items():
            path = ex.write(tmp / f"{name}.html")
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page.goto(path.resolve().as_uri())
            page.wait_for_function("window.lgReady === true")
            page.screenshot(path=str(DOCS / f"{name}.png"))
            print("wrote", DOCS / f"{name}.png", file=sys.stderr)
        browser.close()


if __name__ == "__main__":
    main()

"""PNG and PDF through a real headless Chromium (Playwright driving the system's Chromium).

The Chromium binary is a parameter (``chromium``: a path); the CLI takes it from ``LG_CHROMIUM`` or
the PATH. Pages are opened from files with every network request refused, so nothing outside the
pack is fetched."""

from __future__ import annotations

import os
from typing import Any
import shutil
from pathlib import Path

from ..errors import LithiumGraphError

__all__ = ["CHROMIUM_ARGS", "find_chromium", "Renderer"]


#: Headless Chromium offline and quiet: no sandbox (root in CI), no GPU, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--disable-domain-reliability",
]


def find_chromium(path: str | None = None) -> str:
    """The Chromium to use: ``path``, else $LG_CHROMIUM, else chromium on the PATH."""
    found = path or os.environ.get("LG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise LithiumGraphError(
            "no Chromium for PNG and PDF: install Debian's chromium (scripts/browser.sh), "
            "set LG_CHROMIUM, or ask for svg, html, xlsx and csv only"
        )
    return found


_FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#555">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


class Renderer:
    """One headless Chromium for a pack's PNGs and its PDF."""

    def __init__(self, chromium: str | None = None):
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as e:  # pragma: no cover - playwright is a declared dependency
            raise LithiumGraphError(f"PNG and PDF need playwright: {e}") from None
        self._png_page: Any = None
        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=find_chromium(chromium), args=CHROMIUM_ARGS)
        except Exception as e:
            self._pw.stop()
            raise LithiumGraphError(f"cannot start Chromium: {str(e).splitlines()[0]}") from None

    def _page(self, **kw):
        page = self._browser.new_page(**kw)
        page.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort(),
        )
        return page

    def png(self, svg: Path, out: Path, width: int, height: int) -> None:
        """``svg`` drawn at twice its size into ``out`` (one page serves every map)."""
        page = self._png_page
        if page is None:
            page = self._png_page = self._page(viewport={"width": width, "height": height}, device_scale_factor=2)
        else:
            page.set_viewport_size({"width": width, "height": height})
        page.goto(svg.resolve().as_uri())
        page.screenshot(path=str(out))

    def pdf(self, html: Path, out: Path) -> None:
        """``html`` printed with page numbers: A4, and the page sizes its CSS names (A3 for maps)."""
        page = self._page()
        page.goto(html.resolve().as_uri())
        page.pdf(
            path=str(out),
            format="A4",
            prefer_css_page_size=True,
            print_background=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=_FOOTER,
            margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
        )
        page.close()

    def close(self) -> None:
        self._browser.close()
        self._pw.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

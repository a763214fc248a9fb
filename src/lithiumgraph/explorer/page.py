"""The explorer page: one HTML string with vis-network, the style, the app script and the data inlined.

The page's HTML, CSS and script are package data files (``static/``); the data goes into a JSON script
block that the app reads with ``textContent``, made safe for a ``<script>`` element here. A
Content-Security-Policy forbids every outside request.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import orjson

from ..errors import LithiumGraphError

__all__ = ["render_html", "script_json"]

_UNSAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(value) -> str:
    """JSON that is safe inside a <script> element: no '<', '>', '&' or line separators left raw.

    orjson writes the same text as ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` three
    times as fast (a 5,000-firm page holds 11 MB of it), but for a float's exponent (``1e16`` for
    ``1e+16``, the same number to the browser); what orjson refuses (keys that are not text, integers past
    64 bits, lone surrogates) is written by the standard library as before."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for a, b in _UNSAFE:  # str.replace runs in C; str.translate with a dict is ten times slower here
        if a in text:
            text = text.replace(a, b)
    return text


@lru_cache(maxsize=None)
def _static(name: str) -> str:
    text = (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")
    if name != "page.html" and ("</script" in text.lower() or "</style" in text.lower()):
        raise LithiumGraphError(f"static/{name} cannot be inlined: it contains a closing tag")
    return text


@lru_cache(maxsize=None)
def _vis_js() -> str:
    import importlib.util

    spec = importlib.util.find_spec("pyvis")  # only its bundled vis-network file; pyvis itself is not imported
    if spec is None or spec.origin is None:
        raise LithiumGraphError("pyvis is not installed: the explorer inlines the vis-network script it ships")
    path = Path(spec.origin).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise LithiumGraphError(f"{path} cannot be inlined: it contains '</script'")
    return text


def render_html(ex) -> str:
    """The whole page as one string: inlined vis-network, style and app script, the data as JSON."""
    from . import STAGE_COLOURS, STATUS_STYLE

    data = {
        "nodes": ex.nodes,
        "edges": ex.edges,
        "layout": ex.layout,
        "title": ex.title,
        "subtitle": ex.subtitle,
        "stages": ex.stages,
        "parks": ex.parks,
        "sources": ex.sources,
        "dates": ex.dates,
        "asOf": ex.as_of,
        "colours": STAGE_COLOURS,
        "status": {k: list(v) for k, v in STATUS_STYLE.items()},
    }
    parts = {
        "title": html.escape(ex.title),
        "style": _static("style.css"),
        "vis": _vis_js(),
        "data": script_json(data),
        "app": _static("app.js"),
        "picture": _static("picture.js"),
    }
    # one pass over the template: text put into a slot is never read as a slot
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], _static("page.html"))

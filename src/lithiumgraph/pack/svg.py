"""A small SVG writer for the pack's maps: boxes, text, lines, the status legend and patterns.

Every string goes through :func:`esc`; text is set in the Noto CJK font the project installs
(Debian ``fonts-noto-cjk``), so Chinese labels print. Status is shown three ways at once (colour,
fill pattern and a one-character badge), so a grey-scale print still tells strong from missing."""

from __future__ import annotations

import html
import unicodedata

__all__ = ["Svg", "esc", "fit", "text_width", "STATUS", "FONT"]

FONT = "'Noto Sans CJK SC','Noto Sans CJK JP','Noto Sans SC','Source Han Sans SC',sans-serif"

#: status -> (stroke colour, fill colour, label, badge character, pattern)
STATUS = {
    "strong": ("#1b5e20", "#c8e6c9", "强链 strong", "强", "solid"),
    "weak": ("#8d6e00", "#fff3c4", "弱链 weak", "弱", "hatch"),
    "pipeline": ("#37474f", "#e3e8ec", "在建/规划 pipeline only", "建", "dots"),
    "missing": ("#b71c1c", "#fde0dc", "缺链 missing", "缺", "cross"),
}


def esc(text) -> str:
    """``text`` safe inside SVG text and attribute values."""
    return html.escape(str(text), quote=True)


def text_width(text: str, size: float) -> float:
    """Approximate drawn width: wide (CJK) characters take one em, others about 0.56 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.56 * size for c in text)


def fit(text: str, width: float, size: float) -> str:
    """``text`` cut with … to fit ``width`` at font ``size``."""
    text = str(text)
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _patterns() -> str:
    out = []
    for st, (stroke, fill, _, _, pat) in STATUS.items():
        body = f'<rect width="10" height="10" fill="{fill}"/>'
        if pat == "hatch":
            body += (
                f'<path d="M-1,1 l2,-2 M0,10 l10,-10 M9,11 l2,-2" stroke="{stroke}" stroke-width="1" opacity=".35"/>'
            )
        elif pat == "dots":
            body += f'<circle cx="5" cy="5" r="1.4" fill="{stroke}" opacity=".4"/>'
        elif pat == "cross":
            body += f'<path d="M0,0 l10,10 M10,0 l-10,10" stroke="{stroke}" stroke-width="1" opacity=".3"/>'
        out.append(f'<pattern id="pat-{st}" width="10" height="10" patternUnits="userSpaceOnUse">{body}</pattern>')
    out.append(
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#666"/></marker>'
    )
    return "<defs>" + "".join(out) + "</defs>"


class Svg:
    """An SVG document built element by element; :meth:`render` gives the text."""

    def __init__(self, width: float, height: float, title: str):
        self.width, self.height, self.title = width, height, title
        self.parts: list[str] = []

    def rect(self, x, y, w, h, *, fill="none", stroke="#999", sw=1, rx=4, dash: str | None = None, cls: str = ""):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        c = f' class="{esc(cls)}"' if cls else ""
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{rx}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{sw}"{d}{c}/>'
        )

    def text(self, x, y, text, *, size=12, weight="normal", fill="#222", anchor="start", width: float | None = None):
        t = fit(text, width, size) if width else str(text)
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
            f'text-anchor="{anchor}">{esc(t)}</text>'
        )

    def line(self, x1, y1, x2, y2, *, stroke="#888", sw=1.2, arrow=False, dash: str | None = None):
        m = ' marker-end="url(#arrow)"' if arrow else ""
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<path d="M{x1:.1f},{y1:.1f} C{(x1 + x2) / 2:.1f},{y1:.1f} {(x1 + x2) / 2:.1f},{y2:.1f} '
            f'{x2:.1f},{y2:.1f}" fill="none" stroke="{stroke}" stroke-width="{sw}"{m}{d}/>'
        )

    def status_box(self, x, y, w, h, status: str):
        """A box coloured, patterned and badged by status."""
        stroke, _, _, badge, _ = STATUS[status]
        self.rect(
            x,
            y,
            w,
            h,
            fill=f"url(#pat-{status})",
            stroke=stroke,
            sw=1.6,
            dash="5 3" if status in ("missing", "pipeline") else None,
            cls=f"seg {status}",
        )
        self.parts.append(f'<circle cx="{x + w - 12:.1f}" cy="{y + 12:.1f}" r="9" fill="{stroke}"/>')
        self.text(x + w - 12, y + 16.5, badge, size=11, weight="bold", fill="#fff", anchor="middle")

    def legend(self, x, y, statuses=tuple(STATUS)):
        for i, st in enumerate(statuses):
            self.status_box(x + i * 190, y, 30, 24, st)
            self.text(x + i * 190 + 38, y + 17, STATUS[st][2], size=13)

    def render(self) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
            f'width="{self.width:.0f}" height="{self.height:.0f}" font-family="{esc(FONT)}">'
            f"<title>{esc(self.title)}</title>{_patterns()}"
            f'<rect width="100%" height="100%" fill="#fff"/>' + "".join(self.parts) + "</svg>\n"
        )

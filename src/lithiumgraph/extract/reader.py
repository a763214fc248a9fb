"""Texts to read: plain text, HTML pages (scripts and styles dropped) and JSON Lines of articles, from
files, directories or standard input; UTF-8, UTF-16 with a byte-order mark, or GBK/GB18030.

Everything that cannot be read is one ``LithiumGraphError`` naming the file (and line): a file over the size
limit, bytes that are no known encoding, a JSON line that is not an article.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..errors import LithiumGraphError

__all__ = ["Document", "MAX_BYTES", "read_inputs", "read_bytes", "html_text"]

#: larger inputs are refused: a news text is a few kB; a 50 MB "article" is a mistake or an attack
MAX_BYTES = 20 * 2**20
SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Document:
    """One article: its text and where it came from (``source`` is the URL, else the file)."""

    text: str
    source: str
    url: str = ""
    published: str = ""
    outlet: str = ""
    title: str = ""


def read_inputs(
    paths, *, published: str = "", url: str = "", outlet: str = "", stdin=None, max_bytes: int = MAX_BYTES
) -> list[Document]:
    """Documents from files, directories (their .txt, .html, .htm, .jsonl files, sorted) and ``-``
    (``stdin``, a binary stream). ``published``, ``url`` and ``outlet`` fill what a file does not say."""
    docs: list[Document] = []
    for p in paths:
        if str(p) == "-":
            raw = stdin.read(max_bytes + 1) if stdin is not None else b""
            docs += _document(raw, "<stdin>", "text", published, url, outlet, max_bytes)
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        elif path.exists():
            files = [path]
        else:
            raise LithiumGraphError(f"{path}: no such file or directory")
        for f in files:
            size = f.stat().st_size
            if size > max_bytes:
                raise LithiumGraphError(
                    f"{f}: {size:,} bytes, over the limit of {max_bytes:,}; split it into articles (JSON Lines) first"
                )
            kind = SUFFIXES.get(f.suffix.lower(), "text")
            docs += _document(f.read_bytes(), str(f), kind, published, url, outlet, max_bytes)
    return docs


def _document(raw: bytes, name: str, kind: str, published, url, outlet, max_bytes) -> list[Document]:
    if len(raw) > max_bytes:
        raise LithiumGraphError(f"{name}: over the limit of {max_bytes:,} bytes; split it into articles first")
    if kind == "jsonl":
        return list(_jsonl(read_bytes(raw, name), name))
    text = read_bytes(raw, name, html=kind == "html" or _looks_html(raw))
    if kind == "html" or _looks_html(raw):
        page = html_text(text)
        return [
            Document(
                page.text, page.url or url or name, page.url or url, page.published or published, outlet, page.title
            )
        ]
    return [Document(text, url or name, url, published, outlet, "")]


def _looks_html(raw: bytes) -> bool:
    head = raw[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def read_bytes(raw: bytes, name: str, *, html: bool = False) -> str:
    """Bytes to text: a BOM, UTF-8, the page's declared charset, then GB18030; else one error line."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(raw.decode("utf-16"), name)
    try:
        return _checked(raw.decode("utf-8-sig"), name)
    except UnicodeDecodeError as e:
        first = e
    declared = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", raw[:4096]) if html else None
    for enc in ([declared[1].decode("ascii")] if declared else []) + ["gb18030"]:
        try:
            return _checked(raw.decode(enc), name)
        except (UnicodeDecodeError, LookupError):
            continue
    raise LithiumGraphError(
        f"{name}: not UTF-8, UTF-16 or GBK/GB18030 text (byte 0x{raw[first.start]:02x} at offset {first.start})"
    )


def _checked(text: str, name: str) -> str:
    """Text that decoded but is mostly control characters is binary, not an article."""
    bad = len(_CONTROL.findall(text[:20000]))
    if bad > max(8, len(text[:20000]) // 100):
        raise LithiumGraphError(f"{name}: binary data, not text ({bad} control characters in the first 20,000)")
    return _CONTROL.sub(" ", text).replace("\r\n", "\n").replace("\r", "\n")


def _jsonl(text: str, name: str):
    for i, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise LithiumGraphError(f"{name}:{i}: not JSON ({e.msg} at column {e.colno})") from None
        if not isinstance(obj, dict):
            raise LithiumGraphError(f"{name}:{i}: not a JSON object")
        body = obj.get("text")
        if not isinstance(body, str):
            raise LithiumGraphError(f"{name}:{i}: text: missing or not a string")
        fields = {k: obj.get(k) or "" for k in ("url", "published", "title", "outlet")}
        bad = [k for k, v in fields.items() if not isinstance(v, str)]
        if bad:
            raise LithiumGraphError(f"{name}:{i}: {bad[0]}: not a string")
        if fields["published"] and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?([T ].*)?", fields["published"]):
            raise LithiumGraphError(f"{name}:{i}: published: {fields['published']!r} is not a date (YYYY-MM-DD)")
        if _looks_html(body.encode("utf-8")[:2048]):
            body = html_text(body).text
        yield Document(
            _CONTROL.sub(" ", body),
            fields["url"] or f"{name}:{i}",
            fields["url"],
            fields["published"][:10],
            fields["outlet"],
            fields["title"],
        )


@dataclass
class Page:
    text: str
    title: str = ""
    url: str = ""
    published: str = ""


class _TextParser(HTMLParser):
    """Text of a page: scripts, styles and templates dropped; blocks become lines."""

    SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "head"}
    BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "table",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "dd",
        "dt",
        "header",
        "footer",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.in_title = False
        self.title, self.url, self.published = "", "", ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag in self.SKIP:
            self.skip += 1
        if tag == "title":
            self.in_title = True
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if (
                key in ("article:published_time", "pubdate", "publishdate", "datepublished", "date")
                and not self.published
            ):
                self.published = a.get("content", "")[:10]
            if key == "og:url" and not self.url:
                self.url = a.get("content", "")
        if tag == "link" and a.get("rel", "").lower() == "canonical" and not self.url:
            self.url = a.get("href", "")
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in self.SKIP:
            self.skip -= 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag == "title":
            self.in_title = False
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif not self.skip:
            self.parts.append(data)


def html_text(html: str) -> Page:
    """The visible text of an HTML page, its title, canonical URL and publication date where it says."""
    p = _TextParser()
    p.feed(html)
    p.close()
    lines = (" ".join(line.split()) for line in "".join(p.parts).split("\n"))
    published = p.published if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.published or "") else ""
    return Page("\n".join(line for line in lines if line), p.title.strip(), p.url, published)

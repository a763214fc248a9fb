"""Dates read from text: absolute (2024年5月8日, 2024-05, March 2024) and relative (去年11月, 今年一季度, 上月,
8日, 近日) resolved against the publication date; quarters and halves kept as ``YYYY-Qn`` / ``YYYY-Hn``."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .normalise import ZH_NUM, parse_number

__all__ = ["When", "find_dates", "resolve_date"]


@dataclass(frozen=True)
class When:
    """A date read from text: ``value`` is ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-Qn`` or ``YYYY-Hn``
    (empty when it could not be resolved); ``relative`` when it was resolved against the publication date."""

    value: str
    text: str
    start: int
    end: int
    relative: bool = False


_ZH_D = rf"(?:\d{{1,2}}|[{ZH_NUM}]{{1,3}})"
_YEAR_WORD = r"(?P<y>\d{4})\s*年|(?P<ry>今年|去年|明年|前年|上年|本年)"
_DATE = re.compile(
    rf"(?=\d{{4}}\s*年|今年|去年|明年|前年|上年|本年|当年|{_ZH_D}\s*月)(?:(?:{_YEAR_WORD})\s*(?:(?P<q>第?[一二三四1-4]\s*季度|Q[1-4])|(?P<h>上半年|下半年)|(?P<ye>年底|年末|底|末)|"
    rf"(?P<yb>年初|初))?)?"
    rf"(?:(?P<m>{_ZH_D})\s*月份?\s*(?:(?P<d>{_ZH_D})\s*[日号]|(?P<me>底|末|下旬|中旬|上旬|初))?)?"
    rf"|(?P<iso>(?P<iy>\d{{4}})[-/.](?P<im>\d{{1,2}})(?:[-/.](?P<id>\d{{1,2}}))?)"
    rf"|(?P<rm>上个?月|本月|下个?月|这个月)"
    rf"|(?P<rd>今天|今日|昨天|昨日|当天|近日|日前|近期|本周|上周)"
    rf"|(?P<od>(?<![\d月年])(?:\d{{1,2}})\s*日(?![元本内前后期常]))"
)
_EN_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_EN_DATE = re.compile(
    r"\b(?:(?P<mon>January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\s+(?:(?P<day>\d{1,2}),?\s+)?)?(?:(?:early|late|mid|spring|summer|"
    r"autumn|fall|winter|end of|the end of)\s+)?(?P<year>(?:19|20)\d{2})\b"
    r"|(?P<rel>later this year|this year|next year|last year)",
    re.I,
)


def _zh_int(text: str) -> int:
    return int(parse_number(text))


def find_dates(text: str, published: str | None = None, *, future_ok: bool = False) -> list[When]:
    """Dates in ``text``; relative ones (去年11月, 今年一季度, 上月, 8日, 近日) resolved against ``published``.

    >>> [d.value for d in find_dates("去年11月签约,今年一季度投产,8日开工", "2024-05-20")]
    ['2023-11', '2024-Q1', '2024-05-08']
    """
    pub = _parse_pub(published)
    out = []
    for m in _DATE.finditer(text):
        if not m.group().strip():
            continue
        value, rel = _resolve(m, pub, future_ok)
        if value is None:
            continue
        out.append(When(value, m.group().strip(), m.start(), m.end(), rel))
    for m in _EN_DATE.finditer(text):
        if any(w.start <= m.start() < w.end for w in out):
            continue
        if m["rel"]:
            if not pub:
                continue
            y = pub.year + {"later this year": 0, "this year": 0, "next year": 1, "last year": -1}[m["rel"].lower()]
            out.append(When(str(y), m.group(), m.start(), m.end(), True))
            continue
        value = m["year"]
        if m["mon"]:
            value += f"-{_EN_MONTHS[m['mon'].lower()]:02d}" + (f"-{int(m['day']):02d}" if m["day"] else "")
        out.append(When(value, m.group(), m.start(), m.end()))
    return sorted(out, key=lambda w: w.start)


def _parse_pub(published: str | None) -> date | None:
    if not published:
        return None
    m = re.match(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", published.strip())
    if not m:
        return None
    return date(int(m[1]), int(m[2] or 1), int(m[3] or 1)) if m[2] else date(int(m[1]), 12, 31)


def _resolve(m: re.Match, pub: date | None, future_ok: bool = False) -> tuple[str | None, bool]:
    """One date match -> (value, relative?); None when it needs a publication date it has not got."""
    if m["iso"]:
        mo, d = int(m["im"]), m["id"]
        return (f"{m['iy']}-{mo:02d}" + (f"-{int(d):02d}" if d else "")) if 1 <= mo <= 12 else None, False
    if m["rm"]:
        if not pub:
            return None, True
        shift = -1 if m["rm"].startswith("上") else 1 if m["rm"].startswith("下") else 0
        y, mo = divmod(pub.year * 12 + pub.month - 1 + shift, 12)
        return f"{y}-{mo + 1:02d}", True
    if m["rd"]:
        if not pub:
            return None, True
        back = {"昨天": 1, "昨日": 1, "上周": 7}.get(m["rd"], 0)
        return (pub - timedelta(days=back)).isoformat(), True
    if m["od"]:  # "8日": a day of the publication month
        if not pub:
            return None, True
        day = int(m["od"].rstrip("日"))  # the group is one or two digits, spaces, 日
        y, mo = pub.year, pub.month
        if day > pub.day and not future_ok:  # a day after publication is last month's
            y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
        return (f"{y}-{mo:02d}-{day:02d}" if day <= calendar.monthrange(y, mo)[1] else None), True
    return _resolve_ymd(m, pub, future_ok)


def _resolve_ymd(m: re.Match, pub: date | None, future_ok: bool) -> tuple[str | None, bool]:
    rel = False
    if m["y"]:
        year = int(m["y"])
    elif m["ry"]:
        if not pub:
            return None, True
        year, rel = pub.year + {"去年": -1, "上年": -1, "明年": 1, "前年": -2}.get(m["ry"], 0), True
    else:
        year = None
    if m["m"] is None:
        if year is None:
            return None, False
        if m["q"]:
            q = next(c for c in m["q"] if c in "一二三四1234")
            return f"{year}-Q{'一二三四'.index(q) + 1 if q in '一二三四' else q}", rel
        if m["h"]:
            return f"{year}-H{1 if m['h'] == '上半年' else 2}", rel
        if m["ye"]:
            return f"{year}-12", rel
        if m["yb"]:
            return f"{year}-01", rel
        return str(year), rel
    try:
        month = _zh_int(m["m"])
        day = _zh_int(m["d"]) if m["d"] else None
    except ValueError:
        return None, False
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None, False
    if year is None:  # 11月11日: the publication year, or the year before when that would be later
        if not pub:
            return None, True
        year, rel = pub.year, True
        if (month, day or 1) > (pub.month, pub.day) and not future_ok:
            year -= 1
    if day is not None and day > calendar.monthrange(year, month)[1]:
        return None, False
    return f"{year}-{month:02d}" + (f"-{day:02d}" if day else ""), rel


def resolve_date(text: str, published: str | None = None) -> str | None:
    """The first date in ``text`` as a value, or None."""
    found = find_dates(text, published)
    return found[0].value if found else None

"""Names the graph already knows, and firm and place names it does not, found in text.

Known names come from the data: enterprise names, aliases, their forms without a legal suffix and listed
codes; park names and aliases and their forms without 省/市/县/区. A firm or place that is not in the data is
found by its shape (a name ending in 有限公司, 集团, 开发区, 县 …) and marked new. Matching is longest-first,
so 宜春国轩电池 is the firm, not 宜春 the city.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Mention", "Gazetteer", "LEGAL_SUFFIXES"]

LEGAL_SUFFIXES = (
    "集团股份有限公司",
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    " Co., Ltd.",
    " Co. Ltd.",
    " Co., Limited",
    " Limited",
    " Inc.",
    " Corporation",
    " Co.",
)
_PLACE_SUFFIXES = ("经济技术开发区", "经济开发区", "高新技术产业开发区", "省", "市", "县", "区")
#: short names that are ordinary words more often than firms
_COMMON = {"大众", "中国", "全国", "时代", "远东", "金龙", "升华", "正招", "永兴", "华荣", "宝马"}
_CJK = "\u4e00-\u9fff"
_FIRM_SUFFIX = r"(?:集团股份有限公司|股份有限公司|有限责任公司|集团有限公司|有限公司|股份公司|集团)"
_NEW_FIRM = re.compile(rf"([{_CJK}A-Za-z0-9()（）]{{2,24}}?)({_FIRM_SUFFIX})")
# a short name right before a listed code: 中科电气(300035.SZ), 亿纬锂能(300014)
_CODE_NAME = re.compile(rf"([{_CJK}A-Za-z]{{2,8}})\s*[(（]\s*(\d{{6}})(?:\.(?:SZ|SH|BJ))?\s*[)）]")
# (简称“赣锋锂电”) / (以下简称"海四达") / (下称“小牛电动”)
_SHORT = re.compile(r"[(（](?:以下)?(?:简称|下称)[:：]?\s*[\"“'‘「]?([^\"”'’」)）,，]{2,12})[\"”'’」]?")
_NOT_IN_PLACE = "举行签约开工投产正式建设的与和了为将在是等及共同举办召开进行宣布启动纳入全"
_NEW_PLACE = re.compile(
    rf"(?:^|在|于|位于|落户|落地|与|、|赴|入驻|[，,。；;\s])\s*((?:(?![{_NOT_IN_PLACE}])[{_CJK}()（）]){{2,16}}(?:经济技术开发区|"
    rf"经济开发区|高新技术产业开发区|开发区|经开区|高新区|工业园区|产业园|工业园|园区|新区|县|市|区|旗|镇))"
)
# 拟在荆门投资新建: a bare place name between 在 and the verb of building
_BARE_PLACE = re.compile(
    rf"在([{_CJK}]{{2,4}}?)(?=投资|建设|新建|投建|建厂|布局)|(?:落户|落地|落子)([{_CJK}]{{2,4}}?)(?=[，,。；;]|$)|"
    rf"([{_CJK}]{{2}})(?=基地|工厂|生产基地)"
)
_NOT_CITY = set("产造业发池料能目电力体化合工矿收统链研储新型代级大超其该本")
_PROVINCES = (
    "江西省",
    "江西",
    "湖北省",
    "湖北",
    "湖南省",
    "湖南",
    "四川省",
    "四川",
    "江苏省",
    "江苏",
    "浙江省",
    "浙江",
    "广东省",
    "广东",
    "安徽省",
    "安徽",
    "福建省",
    "福建",
    "山西省",
    "山西",
    "山东省",
    "山东",
    "河南省",
    "河南",
    "河北省",
    "河北",
    "青海省",
    "青海",
    "贵州省",
    "贵州",
    "云南省",
    "云南",
    "甘肃省",
    "甘肃",
    "陕西省",
    "陕西",
    "内蒙古自治区",
    "内蒙古",
    "重庆市",
    "上海市",
    "北京市",
    "天津市",
    "深圳市",
    "深圳",
    "上海",
    "北京",
)
_GENERIC_TAIL = ("科技", "新能源", "新材料", "能源", "材料", "电子", "技术", "发展", "实业")
_STOP_LEAD = re.compile(
    r"^.*(?:与|和|及|由|的|是|在|为|向|对|将|从|据|称|、|子公司|孙公司|公司|宣布|表示|旗下|控股|全资|"
    r"收到|获得|取得|同意|携手|引进|联合|大型|新型|一批|首个|最大)"
)
# a brand without a legal suffix right before what it builds: 国峰元储年产30吉瓦时, 航天锂电天门“超级工厂”项目
_BRAND = re.compile(
    rf"(?:^|(?<=[，,、。；;：:\s“\"（(的由与和及]))([{_CJK}]{{2,6}}?(?:锂电|锂能|锂业|锂元|元储|新能源|能源|"
    rf"科技|电气|股份|新材|材料|矿业|集团|电池|电源|电子|化学|化工|控股|实业|资源|钴业|汽车))"
    rf"(?=[{_CJK}]{{0,6}}?(?:年产|项目|基地|工厂|[“\"])|\d|[(（]|(?:晚间)?公告|宣布|发布|与|在|拟|将|计划|投资|签约|签订|签署)"
)
# 全资子公司宜春盛源以…, 天华新能发布…: a name by its role or as the subject of an announcement
_ROLE_FIRM = re.compile(
    rf"(?:子公司|孙公司)([{_CJK}]{{2,8}}?)(?=以|于|与|在|拟|将|已|的|和|、|[，,(（“])|"
    rf"(?:^|(?<=[，,。；;\s]))([{_CJK}]{{2,6}}?)(?=(?:晚间|日前|近日)?(?:发布|公告|宣布|披露))"
)
_NOT_FIRM_END = ("政府", "委员会", "管委会", "局", "厅", "部", "网", "社", "报", "讯", "台", "公司", "集团")
_NOT_SHORT_FIRM = re.compile(r"权|项目|基地|协议|计划|报告|工程|合同")
_BRAND_LEAD = re.compile(r"^.*(?:建设|新建|投资|打造|开发|生产|制造|发展|推进|实施)")
_GENERIC_BRANDS = {
    "锂电",
    "新能源",
    "能源",
    "科技",
    "材料",
    "新材料",
    "电池",
    "锂电池",
    "动力电池",
    "储能电池",
    "新能源电池",
    "锂电新能源",
    "锂离子电池",
    "矿业",
    "集团",
    "股份",
}
_GENERIC_HEADS = ("新能源", "锂电", "动力", "储能", "新型", "电池", "锂离子")
# English: "LG Energy Solution (LGES)", "Italvolt to build"
_EN_FIRM = re.compile(
    r"\b([A-Z][A-Za-z0-9&.-]+(?:\s+[A-Z][A-Za-z0-9&.-]+){0,3})\s+(?:\(([A-Z]{2,6})\)|"
    r"(?=(?:to build|to invest|will|plans|has|announced|said|signed|is building)\b))"
)
_EN_PLACE = re.compile(
    r"\b(?:plant|factory|facility|gigafactory|base|site|project|complex|located) in "
    r"((?!the\b)[A-Z][a-zA-Z]+(?:,? [A-Z][a-zA-Z]+)?)"
)
_MONTHS = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}
_EN_NOT_FIRM = {"The", "A", "An", "This", "It", "Construction", "Our", "We", "Its", "That", "These"}


@dataclass(frozen=True)
class Mention:
    """A name found in text: ``id`` of the graph node, or ``new:NAME`` when the data does not know it."""

    id: str
    kind: str  # "Enterprise" or "Park"
    text: str
    start: int
    end: int


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _strip_legal(name: str) -> str:
    for s in LEGAL_SUFFIXES:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return name


class Gazetteer:
    """Known enterprise and park names of a data set, compiled for fast longest-first matching."""

    def __init__(self, enterprises=(), parks=()) -> None:
        self.names: dict[str, tuple[str, str]] = {}  # normalised name -> (id, kind); ambiguous names dropped
        self.display: dict[str, str] = {}
        self.level: dict[str, str] = {}
        rank: dict[str, int] = {}  # 0: a name the data gives, 1: a form derived from one (wins less)
        ambiguous: set[str] = set()
        for e in enterprises:
            self.display[e.id] = e.name_zh or e.name_en or e.id
            given = {e.name_zh, e.name_en, *e.aliases}
            for f in given:
                self._add(f, e.id, "Enterprise", 0, rank, ambiguous)
            for f in {_strip_legal(f) for f in given if f} - given:
                self._add(f, e.id, "Enterprise", 1, rank, ambiguous)
            if e.listed_code:
                self.names[f"code:{e.listed_code}"] = (e.id, "Enterprise")
        for p in parks:
            self.display[p.id] = p.name_zh or p.name_en or p.id
            self.level[p.id] = p.level
            given = {p.name_zh, p.name_en, *p.aliases}
            for f in given:
                self._add(f, p.id, "Park", 0, rank, ambiguous)
            derived = {
                f[: -len(s)] for f in given if f for s in _PLACE_SUFFIXES if f.endswith(s) and len(f) - len(s) >= 2
            }
            for f in derived - given:
                self._add(f, p.id, "Park", 1, rank, ambiguous)
        for a in ambiguous:
            self.names.pop(a, None)
        words = sorted((k for k in self.names if not k.startswith("code:")), key=len, reverse=True)
        ascii_ = [w for w in words if w.isascii()]
        cjk = [w for w in words if not w.isascii()]
        parts = [trie_regex(cjk)] if cjk else []
        if ascii_:
            parts.append(rf"\b{trie_regex(ascii_)}\b")
        self._re = re.compile("|".join(parts)) if parts else None

    def _add(self, name, node, kind, level, rank, ambiguous) -> None:
        if not name or len(name) < 2 or name in _COMMON or (name.isascii() and len(name) < 3):
            return
        key = _norm(name)
        if key in self.names and self.names[key][0] != node:
            if rank[key] < level:
                return
            if rank[key] == level:
                ambiguous.add(key)
        self.names[key] = (node, kind)
        rank[key] = level

    @classmethod
    def from_dataset(cls, ds) -> "Gazetteer":
        from .. import model

        return cls(ds.records(model.Enterprise), ds.records(model.Park))

    def find(self, text: str, aliases: dict[str, str] | None = None) -> list[Mention]:
        """Known and new firm and place names in ``text``, without overlaps (longer and known first).

        ``aliases`` maps short names a text defines (简称) to the id or ``new:NAME`` they stand for; it is
        updated with the short names found in this text.
        """
        aliases = {} if aliases is None else aliases
        folded = _norm(text)
        found: list[Mention] = []
        if self._re is not None:
            for m in self._re.finditer(folded):
                node, kind = self.names[m.group()]
                found.append(Mention(node, kind, text[m.start() : m.end()], m.start(), m.end()))
        for m in _CODE_NAME.finditer(text):
            coded = self.names.get(f"code:{m[2]}")
            name = _STOP_LEAD.sub("", m[1])
            ident = coded[0] if coded else f"new:{name}"
            if len(name) >= 2:
                found.append(Mention(ident, "Enterprise", name, m.end(1) - len(name), m.end(1)))
        for m in _NEW_FIRM.finditer(text):
            head = _STOP_LEAD.sub("", m[1])
            name = head + m[2]
            if len(head) >= 2:
                s = m.end() - len(name)
                found.append(Mention(self._known(name) or f"new:{name}", "Enterprise", name, s, m.end()))
        for m in _BRAND.finditer(text):
            name = _BRAND_LEAD.sub("", _STOP_LEAD.sub("", m[1]))
            known = self._re.match(_norm(name)) if self._re is not None else None
            if known and self.names[known.group()][1] == "Enterprise":
                continue  # 国轩高科宜春锂电: the known firm, then words about its project
            if (
                len(name) >= 2
                and name not in _GENERIC_BRANDS
                and not name.startswith(_GENERIC_HEADS)
                and not self._known(name, "Park")
            ):
                found.append(
                    Mention(self._known(name) or f"new:{name}", "Enterprise", name, m.end(1) - len(name), m.end(1))
                )
        for m in _ROLE_FIRM.finditer(text):
            g = 1 if m[1] else 2
            name = m[g]
            if not name.endswith(_NOT_FIRM_END) and name not in _GENERIC_BRANDS:
                found.append(Mention(self._known(name) or f"new:{name}", "Enterprise", name, m.start(g), m.end(g)))
        for m in _EN_FIRM.finditer(text):
            if m[1].split()[0] not in _EN_NOT_FIRM:
                found.append(Mention(self._known(m[1]) or f"new:{m[1]}", "Enterprise", m[1], m.start(1), m.end(1)))
        for m in _EN_PLACE.finditer(text):
            name = m[1].split(",")[0] if m[1].split(",")[0] in _MONTHS else m[1]
            if name not in _MONTHS:
                found.append(Mention(self._known(name, "Park") or f"new:{name}", "Park", name, m.start(1), m.end(1)))
        for m in _NEW_PLACE.finditer(text):
            name = m[1]
            if len(name) >= 3 and name[0] not in "该本其此":
                found.append(Mention(self._known(name, "Park") or f"new:{name}", "Park", name, m.start(1), m.end(1)))
        for m in _BARE_PLACE.finditer(text):
            g = next(i for i in (1, 2, 3) if m[i])
            name = m[g]
            if g == 3 and (set(name) & _NOT_CITY or self.names.get(_norm(name), ("", ""))[1] == "Enterprise"):
                continue  # 生产基地, 电池工厂: not a place
            if name[0] not in "该本其此当" and not any(ch in _NOT_IN_PLACE for ch in name) and name != "经开":
                found.append(Mention(self._known(name, "Park") or f"new:{name}", "Park", name, m.start(g), m.end(g)))
        kept = _without_overlaps(found)
        self._short_names(text, kept, aliases)
        for short, ident in aliases.items():
            for m in re.finditer(re.escape(short), text):
                kept.append(Mention(ident, "Enterprise", short, m.start(), m.end()))
        return _without_overlaps(kept)

    def _known(self, name: str, kind: str = "Enterprise") -> str | None:
        """The id a new-looking name stands for: itself, without its legal suffix, without a leading
        province and trailing generic words (江西赣锋锂电科技股份有限公司 -> 赣锋锂电)."""
        core = _strip_legal(name)
        for _ in range(4):
            hit = self.names.get(_norm(name)) or self.names.get(_norm(core))
            if hit and hit[1] == kind:
                return hit[0]
            lead = next((p for p in _PROVINCES if core.startswith(p) and len(core) - len(p) >= 2), None)
            tail = next((t for t in _GENERIC_TAIL if core.endswith(t) and len(core) - len(t) >= 2), None)
            if not lead and not tail:
                return None
            core = core[len(lead) :] if lead else core[: -len(tail)] if tail else core
            name = core
        return None

    def _short_names(self, text, mentions, aliases) -> None:
        for x in mentions:  # a new firm is called by its name without the legal suffix later on
            if x.kind == "Enterprise" and x.id.startswith("new:"):
                core = _strip_legal(x.text)
                if core != x.text and len(core) >= 4:
                    aliases.setdefault(core, x.id)
                aliases.setdefault(x.text, x.id)
        for m in _SHORT.finditer(text):
            before = [x for x in mentions if x.kind == "Enterprise" and x.end <= m.start() and m.start() - x.end <= 2]
            short = m[1].strip()
            if short in aliases or len(short) < 2:
                continue
            known = self._known(short)
            if before:
                aliases[short] = known or before[-1].id
            elif known or (len(short) >= 4 and not _NOT_SHORT_FIRM.search(short)):
                aliases[short] = known or f"new:{short}"  # 海辰储能重庆制造基地(以下简称“海辰储能”)


def trie_regex(words) -> str:
    """One regular expression for many literal words, shaped as a trie so that matching is fast and a
    longer word wins over its prefix (``宜春国轩电池`` before ``宜春``)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + build(trie) + ")"


def _without_overlaps(found: list[Mention]) -> list[Mention]:
    """Longest first, known before new; a mention inside a kept one is dropped."""
    order = sorted(found, key=lambda m: (-(m.end - m.start), m.id.startswith("new:"), m.start))
    kept: list[Mention] = []
    for m in order:
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)

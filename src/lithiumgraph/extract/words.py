"""The words the extraction rules look for: stage words (an editable table), hedges that mark a statement as
announced rather than done, words that carry a subject over from the sentence before, and the sentence
splitter for Chinese and English text."""

from __future__ import annotations

import re

__all__ = [
    "STAGE_WORDS",
    "sentences",
    "STAGE_RE",
    "ANY_STAGE",
    "EXPECTED",
    "INVEST_WORD",
    "CARRY",
    "ANNOUNCER",
    "VAGUE_DATE",
    "CONTRACTOR_AFTER",
    "SOURCE_AROUND",
    "FIGURE",
    "CLAUSE_SPLIT",
]

#: stage -> the words that announce it (regular expressions); longest match wins where they overlap
STAGE_WORDS: dict[str, str] = {
    "signed": r"云签约|签约|签订|签署|签下|签定|落户|落地|达成.{0,6}协议|\bsign(?:ed|s)?\b|\bagreement\b",
    "planned": r"拟(?:投资|投建|建设|新建|在|建)|计划(?:投资|建设|新建|建成|分)|规划(?:建设|产能|总产能|新增)|"
    r"将(?:建设|新建|投资)|投资新建|着力打造|(?:plans?|planned|planning) to (?:build|invest|set up)|"
    r"\bto (?:invest|build|set up)\b|will (?:build|invest)",
    "land": r"摘牌|拿地|取得.{0,8}土地使用权",
    "started": r"开工|动工|奠基|破土|开建|启动建设|开始建设|进场施工|groundbreaking|br(?:oke|eak) ground|"
    r"\b(?:construction|building)\b.{0,30}?\b(?:started|began|begins|to start|to begin)\b|"
    r"(?:start|begin) construction",
    "construction": r"封顶|施工|在建|建设现场|现场推进|加快建设|紧张建设|主体(?:已)?完工|厂房.{0,8}完工|"
    r"under construction",
    "trial": r"(?<!中)试产|(?<!中)试生产|试运行|试车|调试|点火(?!投产)|trial production|commissioning",
    "operating": r"投产|竣工|达产|量产|下线|投入生产|投入运营|正式运营|建成运营|实现.{0,4}生产|"
    r"commercial (?:operations?|production)|start(?:s|ed)? production|\bopening\b|\bcompleted\b|"
    r"\bproduction\b.{0,25}?\b(?:to start|to begin|started|began)\b",
    "expanded": r"扩产|扩建|扩能|加码|新增(?:投资|产能|.{0,8}产能)|\bexpan(?:d|ded|sion)\b",
    "halted": r"停产|暂停(?:了)?(?:开采|生产|作业|建设)|停止(?:生产|开采)|\bhalt(?:ed|s)?\b|"
    r"suspended (?:production|operations)",
    "suspended": r"延期|暂缓|推迟|\bpostponed\b|\bdelayed\b",
    "cancelled": r"终止|取消|叫停|\bcancel(?:led|s)?\b|\bscrapped\b|\bterminated\b",
    "supply": r"采购协议|采购合同|供货|供应协议|供应合同|长协|长单|订单|定点|向.{2,20}?采购|"
    r"supply (?:agreement|deal)|offtake",
    "licence_granted": r"(?:取得|获得|获颁|收到|拿到|颁发|核发|竞得|拍得|摘得).{0,40}?(?:采矿许可证|采矿权|采矿证|探矿权)|"
    r"(?:采矿权|探矿权|矿权|采矿证)\W{0,3}.{0,60}?竞拍成功|"
    r"(?:mining|exploration) (?:licen[cs]e|permit) (?:granted|awarded)",
    "licence_expired": r"(?:采矿许可证|采矿证|采矿权|许可证).{0,8}到期|licen[cs]e expired",
    "licence_cancelled": r"注销.{0,12}(?:采矿|许可)|(?:采矿权|采矿证|许可证).{0,6}注销|吊销",
}
STAGE_RE = [(stage, re.compile(words, re.I)) for stage, words in STAGE_WORDS.items()]
# which stages a sentence may hold, in one pass; only those stages' own expressions are run after it
ANY_STAGE = re.compile("|".join(f"(?P<{stage}>{words})" for stage, words in STAGE_WORDS.items()), re.I)
EXPECTED = re.compile(
    r"拟|计划|预计|(?<!即)将(?!近)|力争|有望|规划|预期|争取|即将|可实现|目标|\bwill\b|expected|"
    r"\bplans?\b|\bplanned\b|\bdue to\b|\btarget|\bcould\b|\baims?\b|\bintends?\b|\bto build\b|"
    r"\bto invest\b",
    re.I,
)
INVEST_WORD = re.compile(r"投资|invest", re.I)
CARRY = re.compile(
    r"(?:^|[，,])\s*(?:[^，,。]{0,4}[，,])?\s*(?:其中)?(?:该|本|此次|这个)?"
    r"(?:项目|公司|基地|工厂|一期|二期|三期|首期|工程)|"
    r"^(?:The|This|Its) (?:plant|factory|facility|project|company|site|gigafactory|complex)\b"
)
ANNOUNCER = re.compile(r"(?<![子孙])公司(?!的?(?:子|孙)公司)")
VAGUE_DATE = ("近日", "日前", "近期", "本周")
CONTRACTOR_AFTER = re.compile(r"^[^，,。；;、与和]{0,6}?(?:承建|参建|施工|总承包|设计|代建)")
SOURCE_AROUND = (re.compile(r"(?:据|从)\s*$"), re.compile(r"^\s*(?:官方|官微)?\s*(?:获悉|消息|报道|发布)"))
FIGURE = re.compile(r"\d|[两一二三四五六七八九十]\s*[万亿]|吨|吉瓦时")
CLAUSE_SPLIT = re.compile(r"[，；;：:]|,(?!\d{3})|(?<!\d),")
_ZH_SENT = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_EN_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")


def sentences(text: str):
    """``(start, end, sentence)`` for each sentence: Chinese stops, newlines, English full stops."""
    for m in _ZH_SENT.finditer(text):
        base = m.start()
        pieces = _EN_SENT.split(m.group())
        pos = 0
        for piece in pieces:
            at = m.group().index(piece, pos)
            pos = at + len(piece)
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                yield base + at + lead, base + at + lead + len(stripped), stripped

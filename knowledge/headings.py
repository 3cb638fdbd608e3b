"""Heading recognition for Chinese official documents and the running heading path.

Numbering styles, outermost first as they usually nest: 第一部分 / 一、 / （一） / 1. / （1） / ①, and the
decimal outline style 1. / 1.1. / 1.1.1. (000_…txt). Nesting is not fixed: a style's depth is the order in
which it first appears under its parent, so a document that starts at "1." works as well as one that
starts at "一、".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import chinese_integer

_CN = "一二三四五六七八九十"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(rf"^第([{_CN}]{{1,3}})(?:部分|章)\s*(.*)$")),
    ("annex", re.compile(r"^附\s*[件表录]\s*(\d{1,2})\s*(?:[：:、.．]\s*)?(.*)$")),
    ("cn", re.compile(rf"^([{_CN}]{{1,3}})\s*[、.．]\s*(.+)$")),
    ("paren_cn", re.compile(rf"^[（(]\s*([{_CN}]{{1,3}})\s*[)）]\s*[、.．]?\s*(.+)$")),
    ("decimal", re.compile(r"^(\d{1,2}(?:[.．]\d{1,2}){1,3})[.．]?\s*(?![\d%％])(.+)$")),
    ("arabic", re.compile(r"^(\d{1,2})\s*(?:[.．](?!\d)|、)\s*(.+)$")),
    ("paren_arabic", re.compile(r"^[（(]\s*(\d{1,2})\s*[)）]\s*[、.．]?\s*(.+)$")),
    ("circled", re.compile(r"^([\u2460-\u2473])\s*(.+)$")),
]
_PATTERNS_BY_KIND = dict(_PATTERNS)
# Unnumbered section labels: they head what follows until the next numbered heading.
_LABEL = re.compile(r"^(目\s*录|摘\s*要|前\s*言|附\s*件|附\s*表|附\s*录)\s*[：:]?$")

_NUMBERED = re.compile(
    rf"^(第[{_CN}]{{1,3}}(?:部分|章)|[{_CN}]{{1,3}}\s*[、.．]|[（(]\s*[{_CN}\d]{{1,3}}\s*[)）]|\d{{1,2}}(?:[.．]\d{{1,2}})*\s*[.．、]|[\u2460-\u2473])"
)

STRONG_KINDS = frozenset({"part", "annex", "cn", "paren_cn", "decimal"})
"""Styles used only for headings; the others (1. （1） ①) also number list items in running text."""

MAX_TITLE_CHARS = 40
"""A heading's text after its number; longer lines are list items or paragraphs."""
MAX_TITLE_WITH_COMMA = 30
"""A heading may hold a comma ("发挥…功能，提升数据共享性") only when it is this short."""
MAX_WEAK_TITLE_WITH_STOP = 10
"""A "1."/"（1）"/"①" line ending in 。 is a heading only when this short ("1. 总体目标。")."""


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    """A line that looks like a heading: its numbering style, number and text."""

    kind: str
    number: int
    text: str
    """The full heading line as it appears (number included)."""
    title: str
    """The text after the number (empty for e.g. '第一部分' alone)."""


def chinese_number(text: str) -> int:
    """'三' -> 3, '十二' -> 12, '二十七' -> 27 (0 when the text is not a numeral)."""
    return chinese_integer(text) or 0


def _number(kind: str, raw: str) -> int:
    return int(raw) if kind == "annex" else chinese_number(raw)


def _title_ok(title: str, kind: str) -> bool:
    """Length and punctuation limits that separate headings from list items and sentences."""
    body = title.rstrip("。.：:")
    if not body or len(body) > MAX_TITLE_CHARS:
        return False
    if any(mark in body for mark in "。；;！？!?"):
        return False
    if (
        title.endswith(("。", "."))
        and kind not in ("cn", "paren_cn")
        and len(body) > MAX_WEAK_TITLE_WITH_STOP
    ):
        # "①全市机关Internet专线费。" is an item of a list; "（一）基础设施建设迈出新步伐。" and
        # "1. 总体目标。" are headings.
        return False
    if re.search(r"[：:].", title):
        # "1、项目名称：智库服务项目。" is a field, not a heading.
        return False
    if ("，" in body or "," in body) and (len(body) > MAX_TITLE_WITH_COMMA or title.endswith(("：", ":"))):
        # "(二)项目管理 30 分，具体得分情况如下:" introduces a list; it is not a heading.
        return False
    # "1.5万元…" is an amount, not heading 1.5 (only the decimal style can be confused with one).
    return not (kind == "decimal" and body.startswith(("年", "月", "日", "%", "％", "万", "亿", "元", "倍")))


def starts_numbered(text: str) -> bool:
    """True if the line opens with a heading-style number, whether or not it is a heading."""
    return bool(_NUMBERED.match(text.strip()))


def numbering(text: str) -> tuple[str, int] | None:
    """The numbering style and number a line opens with, heading or not: '二十六、…（项）：反映…' -> ('cn', 26)."""
    text = text.strip()
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        raw = match.group(1)
        if kind in ("cn", "paren_cn", "part"):
            return kind, chinese_number(raw)
        if kind == "decimal":
            parts = re.split(r"[.．]", raw)
            return f"decimal{len(parts)}", int(parts[-1])
        if kind == "circled":
            return kind, ord(raw) - 0x2460 + 1
        return kind, int(raw)
    return None


RUN_IN_KINDS = ("cn", "paren_cn")
"""Styles whose items may carry their text on the heading's line: "（一）…情况。根据…"."""


def split_run_in(text: str) -> tuple[HeadingMatch, str] | None:
    """'（一）预算绩效管理工作开展情况。根据…' -> (heading '（一）预算绩效管理工作开展情况。', '根据…'), if the
    first sentence could head a run-in style (up to MAX_TITLE_CHARS, commas allowed) and text follows."""
    number = numbering(text)
    if number is None or number[0] not in RUN_IN_KINDS:
        return None
    head, stop, rest = text.strip().partition("。")
    rest = rest.strip()
    if not stop or not rest or starts_numbered(rest):
        return None
    heading = _PATTERNS_BY_KIND[number[0]].match(head)
    title = heading.group(2).strip() if heading else ""
    if not title or len(title) > MAX_TITLE_CHARS or any(mark in title for mark in "；;！？!?：:"):
        return None
    return HeadingMatch(number[0], number[1], head + stop, title + stop), rest


def match_heading(text: str) -> HeadingMatch | None:
    """Recognise a numbered heading line (not yet checked against the numbering order)."""
    text = text.strip()
    if _LABEL.match(text):
        return HeadingMatch("label", 0, text, text)
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        raw_number, title = match.group(1), match.group(2).strip()
        if kind in ("part", "annex"):
            if title and not _title_ok(title, kind):
                return None
            return HeadingMatch(kind, _number(kind, raw_number), text, title)
        if not _title_ok(title, kind):
            return None
        if kind in ("cn", "paren_cn"):
            number = chinese_number(raw_number)
        elif kind == "decimal":
            parts = re.split(r"[.．]", raw_number)
            kind = f"decimal{len(parts)}"
            number = int(parts[-1])
        elif kind == "circled":
            number = ord(raw_number) - 0x2460 + 1
        else:
            number = int(raw_number)
        return HeadingMatch(kind, number, text, title)
    return None


@dataclass(slots=True)
class _Open:
    kind: str
    number: int
    text: str


class HeadingTracker:
    """Keeps the open headings and accepts a new one only if it fits the numbering order.

    A style already open continues only with a higher number ("3." after "2."), so a "1." list inside
    section "3." is not taken for a heading; a style not yet open must start low (weak styles at 1 or 2).
    """

    def __init__(self) -> None:
        self._stack: list[_Open] = []

    @property
    def path(self) -> list[str]:
        return [h.text for h in self._stack]

    def accepts(self, heading: HeadingMatch) -> bool:
        if heading.kind == "label":
            return True
        for open_heading in self._stack:
            if open_heading.kind == heading.kind:
                # "一、" may restart: a summary page (总览表, 摘要) numbers its own sections before the body.
                # A repeated number ("二、" twice) is a numbering slip in a strong style, not a list.
                restart = heading.number == 1 and heading.kind in ("part", "cn", "paren_cn")
                repeated = heading.number == open_heading.number and heading.kind in STRONG_KINDS
                return restart or repeated or heading.number > open_heading.number
        if heading.kind in STRONG_KINDS or heading.kind.startswith("decimal"):
            return True
        return heading.number <= 2

    def push(self, heading: HeadingMatch, level: int | None = None) -> list[str]:
        """Open `heading` (closing it and everything below if its style is open) and return the new path."""
        kinds = [h.kind for h in self._stack]
        if level is not None:
            # Declared level (docx/markdown heading style): trust it over the numbering style.
            del self._stack[level - 1 :]
        elif heading.kind in kinds:
            del self._stack[kinds.index(heading.kind) :]
        elif heading.kind == "annex":
            # "附件 1：…指标体系表" follows the list of annexes ("1.指标体系 2.得分表…"), never nests in it.
            while (
                self._stack and self._stack[-1].kind not in STRONG_KINDS and self._stack[-1].kind != "label"
            ):
                self._stack.pop()
        # A label (目录, 摘要) only heads the lines up to the next heading of any kind.
        self._stack = [h for h in self._stack if h.kind != "label"]
        self._stack.append(
            _Open(heading.kind if level is None else f"level{level}", heading.number, heading.text)
        )
        return self.path

    def reset(self) -> None:
        """Close every open heading."""
        self._stack.clear()

    def close_labels(self) -> None:
        """End the scope of 目录/摘要-style labels (the contents are over)."""
        self._stack = [h for h in self._stack if h.kind != "label"]

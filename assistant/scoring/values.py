"""Value parser (指标值解析): targets and actuals as written in real forms.

``≥90%``, ``≥ 90 ％``, ``>=90%``, ``＞95%``, ``≤79.61万元``, ``0起``, ``100万条``, ``2023年12月底前``, ``健全``…
become a :class:`ParsedValue`: a number with an operator and a unit, a deadline, or a qualitative word.
Text that is none of these raises :class:`ValueParseError` (never a silent zero).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, Field

Operator = Literal[">=", ">", "=", "<=", "<"]


class ValueParseError(ValueError):
    """The text is not a number, a deadline or a qualitative word. The message is Chinese."""


class ParsedValue(BaseModel):
    """A target or actual value, parsed."""

    text: str = Field(description="The original text")
    kind: Literal["number", "deadline", "word"] = Field(description="What the text is")
    op: Operator | None = Field(default=None, description="Comparison operator; None when written bare")
    number: Decimal | None = Field(default=None, description="The number, in `unit`")
    unit: str = Field(default="", description="Normalised unit: '%', '万元', '个', '' when none…")
    deadline: date | None = Field(default=None, description="Last day covered by a date/deadline text")
    word: str = Field(default="", description="Normalised text of a qualitative value")

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


# Symbol spellings NFKC leaves alone, mapped to ASCII operators.
_SYMBOLS = {"≥": ">=", "≧": ">=", "⩾": ">=", "≤": "<=", "≦": "<=", "⩽": "<=", "＝": "=", "==": "="}

# Word operators written before the number (checked longest first).
PREFIX_OPERATORS: dict[str, Operator] = {
    "大于等于": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "至少": ">=",
    "达到": ">=",
    "小于等于": "<=",
    "不高于": "<=",
    "不超过": "<=",
    "不多于": "<=",
    "不大于": "<=",
    "至多": "<=",
    "控制在": "<=",
    "大于": ">",
    "高于": ">",
    "超过": ">",
    "小于": "<",
    "低于": "<",
    "等于": "=",
}

# Word operators written after the number+unit.
SUFFIX_OPERATORS: dict[str, Operator] = {
    "以上": ">=",
    "及以上": ">=",
    "以下": "<=",
    "及以下": "<=",
    "以内": "<=",
}

# Units that are the same thing written differently (after NFKC and lower-casing).
UNIT_ALIASES = {
    "％": "%",
    "ms": "ms",
    "毫秒": "ms",
    "s": "s",
    "秒": "s",
    "秒钟": "s",
    "h": "小时",
    "月": "个月",
}

# Units convertible into a common base: unit -> (base, factor to base).
UNIT_CONVERSIONS: dict[str, tuple[str, Decimal]] = {
    "ms": ("s", Decimal("0.001")),
    "s": ("s", Decimal(1)),
    "分钟": ("s", Decimal(60)),
    "小时": ("s", Decimal(3600)),
    "天": ("天", Decimal(1)),
    "个月": ("天", Decimal(30)),
    "年": ("天", Decimal(365)),
    "元": ("元", Decimal(1)),
    "万元": ("元", Decimal(10000)),
    "亿元": ("元", Decimal(100000000)),
    "%": ("%", Decimal(1)),
    "‰": ("%", Decimal("0.1")),
}

MAX_DIGITS = 18
"""A number with more digits than this is refused (no form needs it; Decimal work on it is unbounded)."""

MAX_VALUE_LENGTH = 200
"""Longer target/actual text is refused as a value (it is prose, not a figure)."""

COUNT_UNITS = frozenset(
    "个 项 件 次 处 所 座 台 套 人 户 家 名 份 条 块 辆 场 本 册 篇 期 批 起 宗 只 张 部 间 栋 类 种 村 站 点".split()
)
"""Counting classifiers (量词): '≥10项' against '12个' compares the counts, and the scorer says so."""

_NUMBER = r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)"
_UNIT = r"(?P<unit>[%‰a-zA-Z\u4e00-\u9fff]{0,6}(?:/[a-zA-Z\u4e00-\u9fff]{1,6})?)"
_NUMBER_RE = re.compile(rf"^{_NUMBER}\s*{_UNIT}$")
_DATE_RE = re.compile(
    r"^(?P<y>\d{4})年(?:度)?(?:(?P<m>\d{1,2})月(?:份)?)?(?:(?P<d>\d{1,2})日)?"
    r"(?P<tail>底|末|年底|年末)?(?P<before>前|之前|以前)?(?:完成)?$"
)
_LEADING_DATE_RE = re.compile(r"^\d{4}年")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), unify comparison symbols, drop all whitespace."""
    s = unicodedata.normalize("NFKC", text)
    for symbol, ascii_op in _SYMBOLS.items():
        s = s.replace(symbol, ascii_op)
    return re.sub(r"\s+", "", s)


def _normalise_unit(unit: str) -> str:
    u = unit.lower() if unit.isascii() else unit
    return UNIT_ALIASES.get(u, u)


def _split_operator(s: str) -> tuple[Operator | None, str]:
    for op in (">=", "<=", "=>", "=<", ">", "<", "="):
        if s.startswith(op):
            canonical = {"=>": ">=", "=<": "<="}.get(op, op)
            return canonical, s[len(op) :]  # type: ignore[return-value]
    for word in sorted(PREFIX_OPERATORS, key=len, reverse=True):
        if s.startswith(word):
            return PREFIX_OPERATORS[word], s[len(word) :]
    return None, s


def _split_suffix_operator(s: str) -> tuple[Operator | None, str]:
    for word in sorted(SUFFIX_OPERATORS, key=len, reverse=True):
        if s.endswith(word) and len(s) > len(word):
            return SUFFIX_OPERATORS[word], s[: -len(word)]
    return None, s


def _parse_deadline(s: str) -> date | None:
    m = _DATE_RE.match(s)
    if not m:
        return None
    year = int(m["y"])
    month = int(m["m"]) if m["m"] else 12
    if not 1 <= month <= 12:
        raise ValueParseError(f"“{s}”中的月份无效")
    last = calendar.monthrange(year, month)[1]
    day = int(m["d"]) if m["d"] else last
    if not 1 <= day <= last:
        raise ValueParseError(f"“{s}”中的日期无效")
    return date(year, month, day)


def parse_value(text: str | int | float | Decimal) -> ParsedValue:
    """Parse one target/actual. Raises ValueParseError (Chinese message) for text that is no value."""
    original = str(text)
    if len(original) > MAX_VALUE_LENGTH:
        raise ValueParseError(f"内容过长（{len(original)} 个字符），不是指标值")
    s = normalise(original)
    if not s:
        raise ValueParseError("为空")
    op, rest = _split_operator(s)
    if op is not None and not s.startswith(("<", ">", "=")) and not re.search(r"\d", rest):
        # a word operator before words, not before a number: '达到预期', '不低于上年水平'
        return ParsedValue(text=original, kind="word", word=s)
    suffix_op, rest = _split_suffix_operator(rest)
    if op is not None and suffix_op is not None:
        raise ValueParseError(f"“{original}”同时写了两个比较符号")
    op = op or suffix_op

    deadline = _parse_deadline(rest)
    if deadline is not None:
        return ParsedValue(text=original, kind="deadline", op=op, deadline=deadline, word=rest)

    m = _NUMBER_RE.match(rest)
    if m:
        if sum(ch.isdigit() for ch in m["num"]) > MAX_DIGITS:
            raise ValueParseError(f"“{original[:40]}”的数字位数超过 {MAX_DIGITS} 位")
        try:
            number = Decimal(m["num"].replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the regex only admits valid numbers
            raise ValueParseError(f"“{original}”中的数字无法识别") from exc
        unit = _normalise_unit(m["unit"])
        if "%" in unit and unit != "%" or "‰" in unit and unit != "‰":
            raise ValueParseError(f"“{original}”的单位无法识别")
        return ParsedValue(text=original, kind="number", op=op, number=number, unit=unit)

    if op is not None:
        raise ValueParseError(f"“{original}”有比较符号但后面不是数字")
    if re.search(r"\d", s) and not _LEADING_DATE_RE.match(s):
        raise ValueParseError(f"“{original}”含有数字但无法识别为数值或日期")
    if not _CJK_RE.search(s):
        raise ValueParseError(f"“{original}”不是数值、日期或定性描述")
    return ParsedValue(text=original, kind="word", word=s)


def same_count_unit(a: str, b: str) -> bool:
    """Whether two units are both counting classifiers (个, 项, 件…), compared as plain counts."""
    return a in COUNT_UNITS and b in COUNT_UNITS


def to_unit(value: ParsedValue, unit: str) -> Decimal:
    """The number of `value` expressed in `unit` ('' on either side means 'same unit as written').

    Raises ValueParseError when the units cannot be compared (e.g. 个 vs 万元).
    """
    assert value.number is not None
    if not value.unit or not unit or value.unit == unit or same_count_unit(value.unit, unit):
        return value.number
    src, dst = UNIT_CONVERSIONS.get(value.unit), UNIT_CONVERSIONS.get(unit)
    if src and dst and src[0] == dst[0]:
        return value.number * src[1] / dst[1]
    # '100万条' vs '条', '70万' vs '': a 万 multiplier on the same counting unit
    if value.unit == "万" + unit:
        return value.number * 10000
    if unit == "万" + value.unit:
        return value.number / 10000
    raise ValueParseError(f"单位不一致：“{value.text}”与单位“{unit}”无法比较")

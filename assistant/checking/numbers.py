"""Find the numbers in a sentence or cell, with their unit and role (得分, 满分, 得分率, 预算数…).

The role comes from the nearest keyword before the number in the same clause (``得分率为78.57%``), or from the
column header of a table cell. Full-width digits and ％ are read; ``1,614.05`` is one number; Chinese capital
amounts such as ``贰佰贰拾捌万圆整`` are read as yuan.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from .models import NumberMention

# One character in, one character out, so offsets in the normalised text are offsets in the original.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９％．，＋－\u2212＝／：（）［］", "0123456789%.,+--=/:()[]")

_NUMBER = re.compile(r"(?<![A-Za-z0-9.\-])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
_UNITS = (
    "%",
    "‰",
    "万元",
    "亿元",
    "元",
    "分钟",
    "分",
    "人次",
    "个月",
    "个百分点",
    "百分点",
    "个",
    "次",
    "人",
    "份",
    "篇",
    "项",
    "家",
    "条",
    "台",
    "套",
    "期",
    "天",
    "小时",
    "月",
    "年",
    "日",
    "号",
    "户",
    "件",
    "场",
    "批",
    "名",
    "位",
    "处",
    "座",
    "页",
    "GB",
    "TB",
    "T",
    "G",
    "M",
)
_LATIN_UNITS = frozenset({"GB", "TB", "T", "G", "M"})
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
_UNIT = re.compile(r"\s?(" + "|".join(re.escape(u) for u in _UNITS) + r")")
# '分' is a unit only when it does not start another word (分别, 分析, 分配, 分为…).
_NOT_SCORE_UNIT = re.compile(r"分[别析配为类布期批项解解工管散级层段摊担包拨成享档]")

_CAPITAL_DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")} | {"两": 2, "〇": 0}
_CAPITAL_SMALL = {"拾": 10, "佰": 100, "仟": 1000, "十": 10, "百": 100, "千": 1000}
_CAPITAL_BIG = {"万": 10_000, "亿": 100_000_000}
# Starts only where a run of capital digits starts and never gives characters back, so a long run without
# 圆 costs one pass, not one pass per character.
_CAPITAL = re.compile(
    r"(?:人民币)?(?<![零壹贰叁肆伍陆柒捌玖拾佰仟万亿])([零壹贰叁肆伍陆柒捌玖拾佰仟万亿]++)[圆元]"
    r"((?:[零壹贰叁肆伍陆柒捌玖][角分])*+)整?"
)
_MAX_CAPITAL_CHARS = 24

# Keywords that give a number its role, longest first so 得分率 wins over 得分.
_ROLE_KEYWORDS: list[tuple[str, str]] = sorted(
    [
        ("得分率", "得分率"),
        ("得分比例", "得分率"),
        ("满意度", "满意度"),
        ("满意率", "满意度"),
        ("预算执行率", "执行率"),
        ("执行率", "执行率"),
        ("支出率", "执行率"),
        ("拨付率", "执行率"),
        ("支付率", "执行率"),
        ("资金使用率", "执行率"),
        ("支出进度", "执行率"),
        ("满分", "满分"),
        ("分值", "满分"),
        ("权重", "满分"),
        ("标准分", "满分"),
        ("指标分值", "满分"),
        ("扣", "扣分"),
        ("扣减", "扣分"),
        ("得分", "得分"),
        ("总分", "得分"),
        ("总得分", "得分"),
        ("综合得分", "得分"),
        ("评分", "得分"),
        ("评价得分", "得分"),
        ("实际得分", "得分"),
        ("预算数", "预算数"),
        ("预算", "预算数"),
        ("年初预算", "预算数"),
        ("全年预算", "预算数"),
        ("批复", "预算数"),
        ("下达", "预算数"),
        ("安排", "预算数"),
        ("执行数", "执行数"),
        ("实际支出", "执行数"),
        ("支出", "执行数"),
        ("执行", "执行数"),
        ("支付", "执行数"),
        ("拨付", "执行数"),
        ("使用", "执行数"),
    ],
    key=lambda kv: -len(kv[0]),
)
_ANY_DIGIT = re.compile(r"[0-9０-９壹贰叁肆伍陆柒捌玖]")
_CLAUSE_BREAK = re.compile(r"[，。；,;！？、]")
_ROLE_WINDOW = 16


def normalize(text: str) -> str:
    """Full-width digits and signs to ASCII, character for character (offsets are preserved)."""
    return text.translate(_FULL_WIDTH)


def parse_decimal(text: str) -> Decimal | None:
    """A plain number such as '1,614.05', '78.57%', '４３９１．８' → Decimal, or None."""
    m = _NUMBER.search(normalize(text.strip()))
    if not m:
        return None
    return Decimal(m.group(0).replace(",", ""))


def parse_chinese_capital(text: str) -> Decimal:
    """Read a Chinese capital amount, e.g. '贰佰贰拾捌万圆整' → 2280000, '壹仟零伍圆伍角' → 1005.5."""
    m = _CAPITAL.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not a Chinese capital amount: {text!r}")
    total = Decimal(0)
    section = Decimal(0)
    digit = Decimal(0)
    for ch in m.group(1):
        if ch in _CAPITAL_DIGITS:
            digit = Decimal(_CAPITAL_DIGITS[ch])
        elif ch in _CAPITAL_SMALL:
            section += (digit or 1) * _CAPITAL_SMALL[ch]
            digit = Decimal(0)
        else:  # 万 / 亿 close a section
            big = _CAPITAL_BIG[ch]
            section += digit
            if big == 100_000_000:
                total = (total + section) * big
            else:
                total += section * big
            section = Decimal(0)
            digit = Decimal(0)
    total += section + digit
    for d, unit in re.findall(r"([零壹贰叁肆伍陆柒捌玖])([角分])", m.group(2)):
        total += Decimal(_CAPITAL_DIGITS[d]) * (Decimal("0.1") if unit == "角" else Decimal("0.01"))
    return total


_ROLE_PATTERN = re.compile("|".join(re.escape(k) for k, _ in _ROLE_KEYWORDS))
_ROLE_OF = dict(_ROLE_KEYWORDS)


@lru_cache(maxsize=65536)
def role_from_words(words: str) -> str | None:
    """The role a header or the words before a number give it, by the rightmost keyword."""
    best: tuple[int, str] | None = None
    for m in _ROLE_PATTERN.finditer(words):
        if best is None or m.end() >= best[0]:
            best = (m.end(), _ROLE_OF[m.group(0)])
    return best[1] if best else None


def _role_before(text: str, start: int) -> str | None:
    window = text[max(0, start - _ROLE_WINDOW) : start]
    parts = _CLAUSE_BREAK.split(window)
    clause = parts[-1] if parts else ""
    clause = clause.rstrip(" 为是达到约共计:：")
    if clause.endswith("得"):
        return "得分"
    return role_from_words(clause)


def extract_numbers(text: str, header: str | None = None) -> list[NumberMention]:
    """Every number in ``text`` with unit, precision and role; a cell's role comes from its ``header``."""
    if not _ANY_DIGIT.search(text):
        return []
    norm = normalize(text)
    mentions: list[NumberMention] = []
    taken: list[tuple[int, int]] = []
    for m in _CAPITAL.finditer(norm):
        if not 2 <= len(m.group(1)) <= _MAX_CAPITAL_CHARS:
            continue
        value = parse_chinese_capital(m.group(0))
        mentions.append(
            NumberMention.model_construct(
                value=value, raw=m.group(0), unit="元", decimals=2, role=None, start=m.start(), end=m.end()
            )
        )
        taken.append((m.start(), m.end()))
    header_role = role_from_words(normalize(header)) if header else None
    header_percent = bool(header and "%" in normalize(header))
    for m in _NUMBER.finditer(norm):
        if any(a <= m.start() < b for a, b in taken):
            continue
        digits = m.group(0)
        unit = ""
        end = m.end()
        u = _UNIT.match(norm, end)
        if u and u.group(1) in _LATIN_UNITS and _LATIN_OR_DIGIT.match(norm, u.end()):
            u = None  # '51092324T0001' is a project code, not 51092324 terabytes
        if u and not (u.group(1) == "分" and _NOT_SCORE_UNIT.match(norm, u.start(1))):
            unit = u.group(1)
            end = u.end()
        if not unit and header_percent:
            unit = "%"
        role = _role_before(norm, m.start())
        if header_role and (role is None or m.start() == len(norm) - len(norm.lstrip())):
            role = header_role
        if unit in ("个百分点", "百分点"):
            unit, role = "百分点", None  # a difference of two rates: '提高2.71个百分点'
        elif unit in ("年", "月", "日") and role not in ("得分", "满分"):
            role = "日期" if unit != "年" or len(digits) == 4 else "计数"
        elif role is None and unit and unit not in ("%", "分", "万元", "亿元", "元"):
            role = "计数"
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        mentions.append(
            NumberMention.model_construct(
                value=Decimal(digits.replace(",", "")),
                raw=norm[m.start() : end],
                unit=unit,
                decimals=decimals,
                role=role,
                start=m.start(),
                end=end,
            )
        )
    mentions.sort(key=lambda n: n.start)
    return mentions


def half_unit(decimals: int) -> Decimal:
    """Half of the last written digit: 78.57 → 0.005, 88.8 → 0.05, 11 → 0.5."""
    return Decimal(5) * Decimal(10) ** (-decimals - 1)


def same_at_precision(written: Decimal, decimals: int, exact: Decimal) -> bool:
    """True when ``exact`` rounds half up to what is written: 78.571 → 78.57, 12.5 → 13 (not 12)."""
    gap = written - exact
    half = half_unit(decimals)
    tiny = Decimal("1e-9")
    return abs(gap) < half - tiny or (abs(gap - half) <= tiny) or abs(gap) <= tiny

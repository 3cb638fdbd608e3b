"""Numbers that are never flagged as unsupported (无依据): they are labels, not quantities.

Each rule is (reason, predicate); the first that matches names the exemption. The list is tested
(tests/test_check_exemptions.py) so adding or removing a rule is a visible decision.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .models import NumberMention
from .numbers import normalize

_Rule = Callable[[str, NumberMention], bool]


def _before(text: str, m: NumberMention, n: int = 6) -> str:
    return text[max(0, m.start - n) : m.start]


def _after(text: str, m: NumberMention, n: int = 6) -> str:
    return text[m.end : m.end + n]


def _inside(text: str, m: NumberMention, open_: str, close: str) -> bool:
    """True when the number sits between an unclosed ``open_`` and the next ``close``."""
    left = text[: m.start]
    o = max(left.rfind(c) for c in open_)
    return o > max(left.rfind(c) for c in close) and any(c in text[m.end :] for c in close)


def _is_year(text: str, m: NumberMention) -> bool:
    return (
        m.decimals == 0
        and 1949 <= m.value <= 2100
        and m.unit in ("", "年")
        and not re.match(r"\s*(万元|元|分|个|人|次|%)", _after(text, m))
    )


def _is_date(text: str, m: NumberMention) -> bool:
    if m.role == "日期" or m.unit in ("月", "日"):
        return True
    around = text[max(0, m.start - 8) : m.end + 8]
    return bool(re.search(r"\d{4}[.\-/年]\d{1,2}[.\-/月]\d{1,2}", around)) and m.unit in ("", "日")


def _is_document_number(text: str, m: NumberMention) -> bool:
    if _inside(text, m, "〔[【(（", "〕]】)）") and re.search(r"[〔\[【]\s*\d{4}\s*[〕\]】]", text):
        return True
    return m.unit == "号" or bool(re.match(r"\s*号", _after(text, m)))


def _is_ordinal(text: str, m: NumberMention) -> bool:
    before = _before(text, m, 2)
    if before.endswith("第"):
        return True
    if re.search(r"(附表|附件|附图|附录|表|图|章|节|条款?)\s*$", _before(text, m, 4)):
        return True
    if re.match(r"\s*[-—－]\s*\d", _after(text, m)) and re.search(r"(表|图)\s*$", _before(text, m, 3)):
        return True
    head = text[: m.start].strip()
    return (not head or head in "(（-*•") and bool(re.match(r"\s*[.、．)）]", text[m.end : m.end + 2]))


def _is_circled_or_bracketed_index(text: str, m: NumberMention) -> bool:
    return bool(re.search(r"[(（\[]\s*$", _before(text, m, 2))) and bool(re.match(r"\s*[)）\]]", _after(text, m)))


def _is_section_number(text: str, m: NumberMention) -> bool:
    return bool(re.fullmatch(r"\s*\d{1,2}(\.\d{1,2}){1,4}\.?", text[: m.end]) and not m.unit)


def _in_title(text: str, m: NumberMention) -> bool:
    return _inside(text, m, "《", "》")


def _is_phone(text: str, m: NumberMention) -> bool:
    around = text[max(0, m.start - 5) : m.end + 10]
    return bool(re.search(r"(?<!\d)(0\d{2,3}-\d{7,8}|1[3-9]\d{9})(?!\d)", around)) or bool(
        re.search(r"(电话|手机|传真|邮编)\s*[:：]?\s*$", _before(text, m, 6))
    )


def _is_code(text: str, m: NumberMention) -> bool:
    before, after = _before(text, m, 1), _after(text, m, 1)
    if re.match(r"[A-Za-z]", before) or (re.match(r"[A-Za-z]", after) and m.unit not in ("GB", "TB", "G", "T", "M")):
        return True
    around = text[max(0, m.start - 16) : m.end + 16]
    return bool(re.search(r"\d+\.\d+\.\d+\.\d+|GB/?T|ISO|版本|[Vv]\d", around))


def _is_time_of_day(text: str, m: NumberMention) -> bool:
    return bool(re.match(r":\d{2}", _after(text, m, 3))) or bool(re.search(r"\d:$", _before(text, m, 2)))


def _is_page_number(text: str, m: NumberMention) -> bool:
    return bool(re.search(r"(\.{3,}|…{2,})\s*$", _before(text, m, 8)))


def _is_citation_marker(text: str, m: NumberMention) -> bool:
    return _before(text, m, 1) == "[" and _after(text, m, 1) == "]" and m.decimals == 0


EXEMPTIONS: list[tuple[str, _Rule]] = [
    ("日期", _is_date),
    ("年份", _is_year),
    ("文件标题", _in_title),
    ("引注编号", _is_citation_marker),
    ("文号/编号", _is_document_number),
    ("序号", _is_ordinal),
    ("序号", _is_circled_or_bracketed_index),
    ("章节号", _is_section_number),
    ("电话号码", _is_phone),
    ("代号/型号", _is_code),
    ("时刻", _is_time_of_day),
    ("页码", _is_page_number),
]


def exemption_reason(text: str, mention: NumberMention) -> str | None:
    """Why this number is exempt from the 无依据 check ('年份', '文号/编号'…), or None if it must be traced."""
    norm = normalize(text)
    for reason, rule in EXEMPTIONS:
        if rule(norm, mention):
            return reason
    return None

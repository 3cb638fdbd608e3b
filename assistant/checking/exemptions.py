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
_P0 = re.compile(r"\s*(万元|元|分|个|人|次|%)")
_P1 = re.compile(r"\d{4}[.\-/年]\d{1,2}[.\-/月]\d{1,2}")
_P2 = re.compile(r"[〔\[【]\s*\d{4}\s*[〕\]】]")
_P3 = re.compile(r"\s*号")
_P4 = re.compile(r"(附表|附件|附图|附录|表|图|章|节|条款?)\s*$")
_P5 = re.compile(r"\s*[-—－]\s*\d")
_P6 = re.compile(r"(表|图)\s*$")
_P7 = re.compile(r"\s*[.、．)）]")
_P8 = re.compile(r"[(（\[]\s*$")
_P9 = re.compile(r"\s*[)）\]]")
_P10 = re.compile(r"\s*\d{1,2}(\.\d{1,2}){1,4}\.?")
_P11 = re.compile(r"(?<!\d)(0\d{2,3}-\d{7,8}|1[3-9]\d{9})(?!\d)")
_P12 = re.compile(r"(电话|手机|传真|邮编)\s*[:：]?\s*$")
_P13 = re.compile(r"[A-Za-z]")
_P14 = re.compile(r"\d+\.\d+\.\d+\.\d+|GB/?T|ISO|版本|[Vv]\d")
_P15 = re.compile(r":\d{2}")
_P16 = re.compile(r"\d:$")
_P17 = re.compile(r"(\.{3,}|…{2,})\s*$")


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
        and not _P0.match(_after(text, m))
    )


def _is_date(text: str, m: NumberMention) -> bool:
    if m.role == "日期" or m.unit in ("月", "日"):
        return True
    around = text[max(0, m.start - 8) : m.end + 8]
    return bool(_P1.search(around)) and m.unit in ("", "日")


_DOTTED_DAY = re.compile(r"^\s*[-—~～至]\s*\d{1,2}\.\d{1,2}(?!\d)")


def _is_dotted_date(text: str, m: NumberMention) -> bool:
    """'7.11-7.22' or '(2024.6.27-7.10)': month.day ranges in a schedule."""
    if m.decimals == 0 or m.unit or m.value >= 13:
        return False
    return bool(_DOTTED_DAY.match(text[m.end :])) or text[: m.start].rstrip().endswith(
        ("-", "—", "~", "～", "至")
    )


_GRADE_BAND_TEXT = re.compile(r"[优良中差]")
_BAND_WORDS = re.compile(r"以上|以下|至|含|[-—～~]|不足|低于")


def _is_grade_band(text: str, m: NumberMention) -> bool:
    """'90分（含）以上为优': the bands of 财预〔2020〕10号, constants rather than findings."""
    if m.value not in (60, 70, 80, 85, 90, 100):
        return False
    fixed_form_label = "总分在" in text and "以下" in text  # the self-evaluation form's printed footer
    return fixed_form_label or (bool(_GRADE_BAND_TEXT.search(text)) and bool(_BAND_WORDS.search(text)))


def _is_document_number(text: str, m: NumberMention) -> bool:
    if _inside(text, m, "〔[【(（", "〕]】)）") and _P2.search(text):
        return True
    return m.unit == "号" or bool(_P3.match(_after(text, m)))


def _is_ordinal(text: str, m: NumberMention) -> bool:
    before = _before(text, m, 2)
    if before.endswith("第"):
        return True
    if _P4.search(_before(text, m, 4)):
        return True
    if _P5.match(_after(text, m)) and _P6.search(_before(text, m, 3)):
        return True
    head = text[: m.start].strip()
    return (not head or head in "(（-*•") and bool(_P7.match(text[m.end : m.end + 2]))


def _is_circled_or_bracketed_index(text: str, m: NumberMention) -> bool:
    return bool(_P8.search(_before(text, m, 2))) and bool(_P9.match(_after(text, m)))


def _is_section_number(text: str, m: NumberMention) -> bool:
    return bool(_P10.fullmatch(text[: m.end]) and not m.unit)


def _in_title(text: str, m: NumberMention) -> bool:
    return _inside(text, m, "《", "》")


def _is_phone(text: str, m: NumberMention) -> bool:
    around = text[max(0, m.start - 5) : m.end + 10]
    return bool(_P11.search(around)) or bool(_P12.search(_before(text, m, 6)))


def _is_code(text: str, m: NumberMention) -> bool:
    before, after = _before(text, m, 1), _after(text, m, 1)
    if _P13.match(before) or (_P13.match(after) and m.unit not in ("GB", "TB", "G", "T", "M")):
        return True
    around = text[max(0, m.start - 16) : m.end + 16]
    return bool(_P14.search(around))


def _is_time_of_day(text: str, m: NumberMention) -> bool:
    return bool(_P15.match(_after(text, m, 3))) or bool(_P16.search(_before(text, m, 2)))


def _is_page_number(text: str, m: NumberMention) -> bool:
    return bool(_P17.search(_before(text, m, 8)))


def _is_citation_marker(text: str, m: NumberMention) -> bool:
    return _before(text, m, 1) == "[" and _after(text, m, 1) == "]" and m.decimals == 0


EXEMPTIONS: list[tuple[str, _Rule]] = [
    ("日期", _is_date),
    ("日期", _is_dotted_date),
    ("年份", _is_year),
    ("文件标题", _in_title),
    ("引注编号", _is_citation_marker),
    ("文号/编号", _is_document_number),
    ("章节号", _is_section_number),
    ("序号", _is_ordinal),
    ("序号", _is_circled_or_bracketed_index),
    ("电话号码", _is_phone),
    ("代号/型号", _is_code),
    ("时刻", _is_time_of_day),
    ("页码", _is_page_number),
    ("等级标准", _is_grade_band),
]


def exemption_reason(text: str, mention: NumberMention) -> str | None:
    """Why this number is exempt from the 无依据 check ('年份', '文号/编号'…), or None if it must be traced."""
    norm = normalize(text)
    for reason, rule in EXEMPTIONS:
        if rule(norm, mention):
            return reason
    return None

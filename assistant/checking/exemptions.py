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
_UNIT_AFTER = re.compile(r"\s*(万元|元|分|个|人|次|%)")
_FULL_DATE = re.compile(r"\d{4}[.\-/年]\d{1,2}[.\-/月]\d{1,2}")
_BRACKETED_YEAR = re.compile(r"[〔\[【]\s*\d{4}\s*[〕\]】]")
_HAO_AFTER = re.compile(r"\s*号")
_LABEL_BEFORE = re.compile(r"(附表|附件|附图|附录|表|图|章|节|条款?)\s*$")
_DASH_NUMBER_AFTER = re.compile(r"\s*[-—－]\s*\d")
_TABLE_OR_FIGURE_BEFORE = re.compile(r"(表|图)\s*$")
_LIST_MARK_AFTER = re.compile(r"\s*[.、．)）]")
_OPEN_BRACKET_BEFORE = re.compile(r"[(（\[]\s*$")
_CLOSE_BRACKET_AFTER = re.compile(r"\s*[)）\]]")
_SECTION_NUMBER = re.compile(r"\s*\d{1,2}(\.\d{1,2}){1,4}\.?")
_PHONE = re.compile(r"(?<!\d)(0\d{2,3}-\d{7,8}|1[3-9]\d{9})(?!\d)")
_PHONE_LABEL_BEFORE = re.compile(r"(电话|手机|传真|邮编)\s*[:：]?\s*$")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_CODE_CONTEXT = re.compile(r"\d+\.\d+\.\d+\.\d+|GB/?T|ISO|版本|[Vv]\d")
_MINUTES_AFTER = re.compile(r":\d{2}")
_HOUR_BEFORE = re.compile(r"\d:$")
_LEADER_DOTS_BEFORE = re.compile(r"(\.{3,}|…{2,})\s*$")


def _before(text: str, m: NumberMention, n: int = 6) -> str:
    return text[max(0, m.start - n) : m.start]


def _after(text: str, m: NumberMention, n: int = 6) -> str:
    return text[m.end : m.end + n]


_BRACKET_WINDOW = 160
"""How far a title 《…》 or a bracket around a number is looked for: bounded, so a sentence holding
thousands of numbers costs linear time."""


def _inside(text: str, m: NumberMention, open_: str, close: str) -> bool:
    """True when the number sits between an unclosed ``open_`` and the next ``close`` (within the window)."""
    left = text[max(0, m.start - _BRACKET_WINDOW) : m.start]
    o = max(left.rfind(c) for c in open_)
    right = text[m.end : m.end + _BRACKET_WINDOW]
    return o > max(left.rfind(c) for c in close) and any(c in right for c in close)


def _is_year(text: str, m: NumberMention) -> bool:
    return (
        m.decimals == 0
        and 1949 <= m.value <= 2100
        and m.unit in ("", "年")
        and not _UNIT_AFTER.match(_after(text, m))
    )


def _is_date(text: str, m: NumberMention) -> bool:
    if m.role == "日期" or m.unit in ("月", "日"):
        return True
    around = text[max(0, m.start - 8) : m.end + 8]
    return bool(_FULL_DATE.search(around)) and m.unit in ("", "日")


_DOTTED_DAY = re.compile(r"\s*[-—~～至]\s*\d{1,2}\.\d{1,2}(?!\d)")


def _is_dotted_date(text: str, m: NumberMention) -> bool:
    """'7.11-7.22' or '(2024.6.27-7.10)': month.day ranges in a schedule."""
    if m.decimals == 0 or m.unit or m.value >= 13:
        return False
    return bool(_DOTTED_DAY.match(text, m.end)) or text[max(0, m.start - 8) : m.start].rstrip().endswith(
        ("-", "—", "~", "～", "至")
    )


_GRADE_BAND_TEXT = re.compile(r"[优良中差]")
_BAND_WORDS = re.compile(r"以上|以下|至|含|[-—～~]|不足|低于")


def _is_grade_band(text: str, m: NumberMention) -> bool:
    """'90分（含）以上为优': the bands of 财预〔2020〕10号, constants rather than findings."""
    if m.value not in (60, 70, 80, 85, 90, 100):
        return False
    text = text[max(0, m.start - _BRACKET_WINDOW) : m.end + _BRACKET_WINDOW]
    fixed_form_label = "总分在" in text and "以下" in text  # the self-evaluation form's printed footer
    return fixed_form_label or (bool(_GRADE_BAND_TEXT.search(text)) and bool(_BAND_WORDS.search(text)))


def _is_document_number(text: str, m: NumberMention) -> bool:
    window = text[max(0, m.start - _BRACKET_WINDOW) : m.end + _BRACKET_WINDOW]
    if _inside(text, m, "〔[【(（", "〕]】)）") and _BRACKETED_YEAR.search(window):
        return True
    return m.unit == "号" or bool(_HAO_AFTER.match(_after(text, m)))


def _is_ordinal(text: str, m: NumberMention) -> bool:
    before = _before(text, m, 2)
    if before.endswith("第"):
        return True
    if _LABEL_BEFORE.search(_before(text, m, 4)):
        return True
    if _DASH_NUMBER_AFTER.match(_after(text, m)) and _TABLE_OR_FIGURE_BEFORE.search(_before(text, m, 3)):
        return True
    head = text[: m.start].strip() if m.start <= 8 else "…"
    return (not head or head in "(（-*•") and bool(_LIST_MARK_AFTER.match(text[m.end : m.end + 2]))


def _is_circled_or_bracketed_index(text: str, m: NumberMention) -> bool:
    return bool(_OPEN_BRACKET_BEFORE.search(_before(text, m, 2))) and bool(
        _CLOSE_BRACKET_AFTER.match(_after(text, m))
    )


def _is_section_number(text: str, m: NumberMention) -> bool:
    return m.end <= 24 and not m.unit and bool(_SECTION_NUMBER.fullmatch(text[: m.end]))


def _in_title(text: str, m: NumberMention) -> bool:
    return _inside(text, m, "《", "》")


def _is_phone(text: str, m: NumberMention) -> bool:
    around = text[max(0, m.start - 5) : m.end + 10]
    return bool(_PHONE.search(around)) or bool(_PHONE_LABEL_BEFORE.search(_before(text, m, 6)))


def _is_code(text: str, m: NumberMention) -> bool:
    before, after = _before(text, m, 1), _after(text, m, 1)
    if _LATIN_LETTER.match(before) or (
        _LATIN_LETTER.match(after) and m.unit not in ("GB", "TB", "G", "T", "M")
    ):
        return True
    around = text[max(0, m.start - 16) : m.end + 16]
    return bool(_CODE_CONTEXT.search(around))


def _is_time_of_day(text: str, m: NumberMention) -> bool:
    return bool(_MINUTES_AFTER.match(_after(text, m, 3))) or bool(_HOUR_BEFORE.search(_before(text, m, 2)))


def _is_page_number(text: str, m: NumberMention) -> bool:
    return bool(_LEADER_DOTS_BEFORE.search(_before(text, m, 8)))


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
    return _reason(normalize(text), mention)


def exemption_reasons(text: str, mentions: list[NumberMention]) -> list[str | None]:
    """The exemption of every number of one text (the text is normalised once)."""
    if not mentions:
        return []
    norm = normalize(text)
    return [_reason(norm, m) for m in mentions]


def _reason(norm: str, mention: NumberMention) -> str | None:
    for reason, rule in EXEMPTIONS:
        if rule(norm, mention):
            return reason
    return None

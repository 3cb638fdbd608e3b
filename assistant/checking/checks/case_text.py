"""Figures quoted from the case (对照案例原文): a draft sentence that repeats a clause of the case's own text
('2022年从项目分出200万用于其他项目…') must repeat its figure too. A figure is compared with the case's
figures that stand in the same words: the characters just before it and its unit with what follows. Only a
figure whose every such occurrence in the case disagrees is reported; one that agrees is traced."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from assistant.case import Case

from ..context import CheckContext
from ..models import Finding, NumberMention
from ..numbers import extract_numbers, normalize, same_at_precision

_LEFT = 8
"""Characters of context before a figure that must be the same (whitespace ignored)."""
_MIN_LEFT = 5
_RIGHT = 3
"""Characters after the figure (its unit first) that must be the same."""
_SPACE = re.compile(r"\s+")
_SKIP_FIELDS = ("rule", "kind", "category")


@dataclass(frozen=True)
class _Quoted:
    value: Decimal
    decimals: int
    field: str
    clause: str
    """The figure's clause and the one before it, digits masked: to tell a copied sentence from another
    sentence that happens to share a few words ('预算执行率为' of a three-year total)."""
    tail: str = ""
    """From the figure to the end of its clause, digits masked (for a figure that opens its clause)."""
    head: str = ""
    """From the start of its clause to the figure and its unit, digits masked (for a figure that ends a
    clause the draft ends differently: '…能耗降低率为2%。' beside '…能耗降低率为2%，未达到3%目标值')."""


def _strings(data: object, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) of every string in the case."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            if k not in _SKIP_FIELDS:
                yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(data, list):
        for n, v in enumerate(data):
            yield from _strings(v, f"{path}[{n}]")


def _squeeze(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, and for each kept character its offset in the original."""
    kept, where = [], []
    for k, ch in enumerate(normalize(text)):
        if not ch.isspace():
            kept.append(ch)
            where.append(k)
    return "".join(kept), where


def _contexts(text: str, m: NumberMention) -> tuple[str, str]:
    """(left, right) context of a figure: up to _LEFT characters before, _RIGHT from its unit on."""
    before, _ = _squeeze(text[max(0, m.start - 3 * _LEFT) : m.start])
    after, _ = _squeeze(text[m.end - len(m.unit) if m.unit else m.end : m.end + 3 * _RIGHT])
    after = after[:_RIGHT]
    if stop := _SENTENCE_END.search(after):  # a sentence of the draft may end where the case's goes on
        after = after[: stop.end()]
    return before[-_LEFT:], after


_MIN_FOLLOWING = 4
_MIN_OPENING = 2
_OPENER = 2
"""Characters a clause may hold before a figure that still opens it ('其中5个项目…')."""


def _ends_with_head(here: str, theirs: str) -> bool:
    """The case's clause up to the figure stands whole right before the draft's figure ('该问题涉及智管中心7*24
    小时…' holding the case's '智管中心7*24小时…')."""
    return len(theirs.replace("#", "")) >= _MIN_OPENING + 1 and here.endswith(theirs)


def _opens_clause(text: str, m: NumberMention) -> bool:
    start = m.start
    while start > 0 and not _CLAUSE_MARK.match(text, start - 1):
        start -= 1
    return len(_squeeze(text[start : m.start])[0]) <= _OPENER


def _opening(text: str, m: NumberMention) -> str:
    """The words before a figure near the start of its text ('目标≥98%；查阅文件…' in a cell, the case's
    evidence beginning the same way), marked '^' so they match only words that open a text too; ''
    when the figure stands further in or its opening words are too few or end in a digit."""
    before, _ = _squeeze(text[: m.start])
    if len(before) >= _MIN_LEFT or len(before) < _MIN_OPENING or before[-1].isdigit():
        return ""
    if len(re.findall(r"[\u4e00-\u9fa5]", before)) < _MIN_OPENING:
        return ""
    return "^" + before


def _following(text: str, m: NumberMention) -> str:
    """The words after a figure (its unit first, digits masked), for a figure that opens its clause
    ('5个项目第1次付款时间滞后…'): _LEFT characters, or the words up to the end of the sentence when it ends
    sooner (at least _MIN_FOLLOWING: '低于60%不得分'); '' otherwise."""
    after, _ = _squeeze(text[m.end - len(m.unit) if m.unit else m.end : m.end + 3 * _LEFT])
    masked = _DIGITS.sub("#", after)[:_LEFT]
    if stop := _SENTENCE_END.search(masked):
        masked = masked[: stop.start()]
    elif len(masked) < _LEFT and len(after) > len(masked):
        return ""
    return masked if len(masked) == _LEFT or len(masked) >= _MIN_FOLLOWING else ""


_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_SENTENCE_END = re.compile(r"[。！？；;!?]")
_CLAUSE_MARK = re.compile(r"[，,；;。：:！？\n]")
_SIMILAR = 0.75


def _clause(text: str, m: NumberMention) -> str:
    """The clause holding the figure and the clause before it, whitespace removed, digits masked."""
    start = m.start
    marks = 0
    while start > 0 and marks < 2 and m.start - start < 80:
        start -= 1
        if _CLAUSE_MARK.match(text, start):
            marks += 1
    end = _CLAUSE_MARK.search(text, m.end, m.end + 80)
    piece = text[start : end.start() if end else min(len(text), m.end + 80)]
    return _DIGITS.sub("#", _SPACE.sub("", normalize(piece)))


def _head(text: str, m: NumberMention) -> str:
    start = m.start
    while start > 0 and m.start - start < 80 and not _CLAUSE_MARK.match(text, start - 1):
        start -= 1
    return _DIGITS.sub("#", _SPACE.sub("", normalize(text[start : m.end])))


def _tail(text: str, m: NumberMention) -> str:
    end = _CLAUSE_MARK.search(text, m.end, m.end + 80)
    piece = text[m.start : end.start() if end else min(len(text), m.end + 80)]
    return _DIGITS.sub("#", _SPACE.sub("", normalize(piece)))


_CONTAINED = 0.9
_MIN_CONTAINED_CHARS = 8


def _similar(here: str, theirs: str) -> bool:
    """The same clause: alike as a whole, or the shorter one copied almost whole from the longer (a draft
    sentence cut at its ； from a case clause that goes on)."""
    matcher = SequenceMatcher(None, here, theirs)
    if matcher.ratio() >= _SIMILAR:
        return True
    shorter = min(len(here), len(theirs))
    same = sum(b.size for b in matcher.get_matching_blocks())
    return shorter >= _MIN_CONTAINED_CHARS and same / shorter >= _CONTAINED


def quoted_figures(case: Case) -> dict[tuple[str, str], list[_Quoted]]:
    """(left, right) context → the case's figures written in those words."""
    index: dict[tuple[str, str], list[_Quoted]] = {}
    for field, text in _strings(case.model_dump(mode="python")):
        if not any(ch.isdigit() for ch in text):
            continue
        for m in extract_numbers(text):
            left, right = _contexts(text, m)
            quoted = _Quoted(m.value, m.decimals, field, _clause(text, m), _tail(text, m), _head(text, m))
            if len(left) >= _MIN_LEFT and not left[-1].isdigit():
                index.setdefault((left, right), []).append(quoted)
                index.setdefault((left, f"unit:{m.unit}"), []).append(quoted)
            if opening := _opening(text, m):
                index.setdefault((opening, right), []).append(quoted)
            if following := _following(text, m):
                index.setdefault(("", following), []).append(quoted)
    return index


def run(ctx: CheckContext, case: Case) -> list[Finding]:
    index = quoted_figures(case)
    if not index:
        return []
    findings: list[Finding] = []
    for i, mentions in enumerate(ctx.mentions):
        ctx.tick()
        text = ctx.doc.segments[i].text
        for k, m in enumerate(mentions):
            if ctx.exempt[i][k]:
                continue
            left, right = _contexts(text, m)
            traced = (i, m.start) in ctx.traced
            quoted, by_tail, by_head = None, False, False
            if len(left) >= _MIN_LEFT:
                quoted = index.get((left, right))
                for size in range(len(left) - 1, _MIN_LEFT - 1, -1):  # a case string that starts closer
                    if quoted:
                        break
                    quoted = index.get((left[-size:], right))
                    left = left[-size:] if quoted else left
                if not quoted and not traced:
                    quoted, by_head = index.get((left, f"unit:{m.unit}")), True
            if not quoted and (opening := _opening(text, m)):
                quoted, left = index.get((opening, right)), opening[1:]
            if not quoted and not traced and (following := _following(text, m)):
                quoted, left, right, by_tail, by_head = index.get(("", following)), "", following, True, False
            if not quoted:
                continue
            # a figure another check confirmed (the scorer's rate, another case figure that happens to be
            # equal) is compared only with a clause copied word for word, at the precision of either
            if any(
                q.value == m.value
                or traced
                and (
                    same_at_precision(m.value, m.decimals, q.value)
                    or same_at_precision(q.value, q.decimals, m.value)
                )
                for q in quoted
            ):
                ctx.trace(i, m)
                continue
            if by_tail:
                here, theirs = _tail(text, m), (lambda q: q.tail)
            elif by_head:
                here, theirs = _head(text, m), (lambda q: q.head)
            else:
                here, theirs = _clause(text, m), (lambda q: q.clause)
            quoted = [q for q in quoted if _similar(here, theirs(q))]
            if by_tail and (len(right) < _LEFT or not _opens_clause(text, m)):
                # a short tail ('%不得分') needs the same words before it too, and so does a figure inside its
                # clause ('全年执行11410.05万元，预算执行率…' is no copy of '实际到位资金11495万元，预算执行率…')
                head = _head(text, m)
                quoted = [q for q in quoted if _similar(head, q.head) or _ends_with_head(head, q.head)]
            if not quoted:
                continue
            values = sorted({q.value for q in quoted})
            if len(values) != 1:
                continue  # the case itself writes several figures in these words: nothing to compare with
            q = quoted[0]
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="case_value",
                    severity="error",
                    expected=f"{q.value}{m.unit}",
                    found=m.raw,
                    message=(
                        f"与案例原文不符：案例（{q.field}）在同一句中写作 {q.value}{m.unit}，此处为 {m.raw}。"
                        if by_tail or by_head
                        else f"与案例原文不符：案例（{q.field}）写作“…{left}{q.value}{right}…”，此处为 {m.raw}。"
                    ),
                )
            )
    return findings

"""Deductions (扣分): '分值 X 分，得 Y 分，扣 Z 分' must satisfy X − Z = Y (floored at 0), and the deductions the
paragraph then lists ('…，扣0.25分；…，扣0.25分') must add up to Z. Needs no case: the sentence is its own
evidence. When one of the three figures is stated elsewhere too (a score table, another sentence), the figure
that disagrees with its other statements is the one blamed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..context import CheckContext
from ..models import Finding, NumberMention
from ..numbers import same_at_precision
from .consistency import head_subject, is_rule_cell, statements_of

# A deduction *rule* ('每发现一处扣0.5分', '最多扣2分', '扣完为止') is not a deduction made.
_RULE_WORDS = re.compile(r"每|最多|最高|至多|不超过|扣完|上限|累计扣|分别扣|一律|则扣|酌情")
_EVIDENCE = re.compile(r"依据|来源|出处|详见|参见")
_PER_ITEM_AFTER = re.compile(r"\s*(?:/|每|一处|一项|一次)")


@dataclass
class _Statement:
    seg: int
    weight: NumberMention
    score: NumberMention
    deduction: NumberMention | None
    subject: str | None


def _clause_before(text: str, m: NumberMention) -> str:
    start = max(0, m.start - 24)
    window = text[start : m.start]
    cut = max((window.rfind(c) for c in "，,；;。：:"), default=-1)
    return window[cut + 1 :]


def _is_points(m: NumberMention) -> bool:
    return m.unit == "分" or (m.unit == "" and m.role in ("满分", "得分", "扣分"))


def _deductions(ctx: CheckContext, i: int, after: int = -1) -> list[NumberMention]:
    """The deductions made in segment i (after offset ``after``): '扣0.25分', not a rule."""
    text = ctx.doc.segments[i].text
    return [
        m
        for m in ctx.mentions[i]
        if m.start > after
        and m.role == "扣分"
        and m.unit == "分"
        and not _RULE_WORDS.search(_clause_before(text, m))
        and not _PER_ITEM_AFTER.match(text, m.end)
        and not _in_evidence_note(text, m)
    ]


def _in_evidence_note(text: str, m: NumberMention) -> bool:
    """'…，扣2.8分（依据：目标表（l.552起，扣2.8分））': the note repeats the deduction, it adds none."""
    left = text[max(0, m.start - 200) : m.start]
    depth = 0
    for k in range(len(left) - 1, -1, -1):
        ch = left[k]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            if depth == 0 and _EVIDENCE.search(left[k:]):
                return True  # an enclosing note, at any nesting
            depth = max(depth - 1, 0)
    return False


def _statement(ctx: CheckContext, i: int) -> _Statement | None:
    """The first '满分 … 得分 … [扣分]' triple of a sentence, in any order of 满分 and 得分."""
    weight = score = None
    text = ctx.doc.segments[i].text
    for m in ctx.mentions[i]:
        if not _is_points(m) or _RULE_WORDS.search(_clause_before(text, m)):
            continue
        if m.role == "满分" and weight is None:
            weight = m
        elif m.role == "得分" and score is None:
            score = m
    if weight is None or score is None or score.value > weight.value:
        return None
    first = max(weight.start, score.start)
    made = _deductions(ctx, i)
    deduction = next((d for d in made if d.start > first), None)
    return _Statement(i, weight, score, deduction, head_subject(text))


def _paragraph_rest(ctx: CheckContext, i: int) -> list[int]:
    """The following sentences of the same paragraph, up to the next one that states its own 满分."""
    seg = ctx.doc.segments[i]
    out = []
    for j in range(i + 1, len(ctx.doc.segments)):
        other = ctx.doc.segments[j]
        if other.kind != seg.kind or other.paragraph != seg.paragraph or other.part != seg.part:
            break
        if seg.kind == "cell" and (other.table, other.row, other.col) != (seg.table, seg.row, seg.col):
            break
        if any(m.role == "满分" and _is_points(m) for m in ctx.mentions[j]):
            break
        out.append(j)
    return out


def _agrees_elsewhere(
    ctx: CheckContext, st: _Statement, role: str, value: Decimal, decimals: int
) -> bool | None:
    """Whether the other statements of this indicator's ``role`` (tables, prose, the case) give ``value``:
    True/False when they all agree among themselves, None when there are none or they disagree."""
    if not st.subject:
        return None
    part = ctx.doc.segments[st.seg].part
    truth = ctx.expected.get((st.subject, role))
    if truth is not None:
        return same_at_precision(value, decimals, truth)
    others = [f for f in statements_of(ctx, part, st.subject, role) if f.seg != st.seg]
    values = {f.value.normalize() for f in others}
    if len(values) != 1:
        return None
    other = others[0]
    return same_at_precision(value, decimals, other.value) or same_at_precision(
        other.value, other.decimals, value
    )


def _show(value: Decimal) -> str:
    """A figure without trailing zeros: 2.0 → '2', 0.50 → '0.5'."""
    return format(value.normalize(), "f")


def _check_triple(ctx: CheckContext, st: _Statement) -> Finding | None:
    x, y, z = st.weight, st.score, st.deduction
    if z is None:
        return None
    expected_score = max(x.value - z.value, Decimal(0))
    if same_at_precision(y.value, y.decimals, expected_score):
        for m in (x, y, z):
            ctx.trace(st.seg, m)
        return None
    name = f"“{st.subject}”" if st.subject else "该指标"
    base = (
        f"{name}分值 {x.value} 分、得 {y.value} 分、扣 {z.value} 分三者不符："
        f"{x.value} − {z.value} = {_show(expected_score)}"
    )
    score_ok = _agrees_elsewhere(ctx, st, "得分", y.value, y.decimals)
    weight_ok = _agrees_elsewhere(ctx, st, "满分", x.value, x.decimals)
    if score_ok and weight_ok is not False:
        blamed, expected = z, _show(x.value - y.value)  # the score is confirmed elsewhere
        why = f"{base}；得分 {y.value} 分与其他各处一致，应扣 {expected} 分。"
    elif weight_ok is False:
        blamed, expected = x, _show(y.value + z.value)
        why = f"{base}；分值 {x.value} 与其他各处不一致。"
    else:
        blamed, expected = y, _show(expected_score)
        why = f"{base}，文中写作得 {y.value} 分。"
    return ctx.finding_at_segment(
        st.seg,
        kind="deduction",
        severity="error",
        expected=f"{expected}分",
        found=blamed.raw,
        message=why,
        places=[(st.seg, x.raw), (st.seg, y.raw), (st.seg, z.raw)],
    )


def _check_listed(ctx: CheckContext, st: _Statement) -> Finding | None:
    """The deductions listed after the triple (same sentence, then the paragraph) add up to 扣 Z."""
    if st.deduction is None:
        return None
    listed = [(st.seg, m) for m in _deductions(ctx, st.seg, after=st.deduction.start)]
    for j in _paragraph_rest(ctx, st.seg):
        listed += [(j, m) for m in _deductions(ctx, j)]
    if not listed:
        return None
    total = sum((m.value for _, m in listed), Decimal(0))
    z = st.deduction
    if total == z.value:
        for j, m in listed:
            ctx.trace(j, m)
        return None
    x, y = st.weight, st.score
    terms = " + ".join(str(m.value) for _, m in listed)
    if x.value - total == y.value:  # the listed items give the stated score: the total deduction is the slip
        return ctx.finding_at_segment(
            st.seg,
            kind="deduction",
            severity="error",
            expected=f"{_show(total)}分",
            found=z.raw,
            message=f"所列各项扣分 {terms} = {total} 分，与“扣 {z.value} 分”不符（{x.value} − {total} = {y.value}）。",
        )
    j, last = listed[-1]
    return ctx.finding_at_segment(
        j if len(listed) == 1 else st.seg,
        kind="deduction",
        severity="error",
        expected=f"合计扣 {z.value} 分",
        found=last.raw if len(listed) == 1 else f"{_show(total)}分",
        message=f"所列各项扣分 {terms} = {_show(total)} 分，与“扣 {z.value} 分”不符"
        f"（{x.value} − {z.value} = {y.value} 成立，差异出在所列各项中，无法判断是哪一项）。",
    )


def run(ctx: CheckContext) -> list[Finding]:
    """Every '分值/得分/扣分' statement in prose (sentences, headings, sentence cells) and its listed items."""
    findings: list[Finding] = []
    for i in range(len(ctx.doc.segments)):
        ctx.tick()
        if not ctx.mentions[i] or not ctx.is_prose(i) or is_rule_cell(ctx.doc.segments[i]):
            continue
        st = _statement(ctx, i)
        if st is None:
            continue
        for f in (_check_triple(ctx, st), _check_listed(ctx, st)):
            if f is not None:
                findings.append(f)
    return findings

"""Deductions (扣分): '分值 X 分，得 Y 分，扣 Z 分' must satisfy X − Z = Y (floored at 0), and the deductions the
paragraph then lists ('…，扣0.25分；…，扣0.25分') must add up to Z. Needs no case: the sentence is its own
evidence. When one of the three figures is stated elsewhere too (a score table, another sentence), the figure
that disagrees with its other statements is the one blamed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..context import CheckContext, TableView, cell_number, total_label
from ..models import Finding, NumberMention
from .consistency import collect_facts, head_subject, is_rule_cell, same_value, statements_of

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


deductions_made = _deductions


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
    subject = head_subject(text)
    head = text[: min(weight.start, score.start)]
    by_case, by_report = _known_subjects(ctx)
    if subject not in by_case:
        subject = _named_before(by_case, head) or (
            subject if subject in by_report else _named_before(by_report, head) or subject
        )
    return _Statement(i, weight, score, deduction, subject)


def _known_subjects(ctx: CheckContext) -> tuple[list[str], list[str]]:
    """The indicator names the case knows, and those the report's own score statements use, longest first."""
    known = ctx.cache.get("known_subjects")
    if known is None:
        by_case = {s for s, _ in ctx.expected}
        by_report = {f.subject for facts in collect_facts(ctx).values() for f in facts if f.subject != "总分"}
        known = tuple(
            sorted((k for k in names if len(k) >= 4), key=len, reverse=True) for names in (by_case, by_report)
        )
        ctx.cache["known_subjects"] = known
    return known


def _named_before(known: list[str], head: str) -> str | None:
    """The longest known indicator name written in the sentence before its first score figure ('（3）在发挥
    大数据…作用方面，分值5分…'); None when none or two different ones stand there."""
    found = [k for k in known if k in head]
    if not found:
        return None
    longest = found[0]
    return longest if all(k in longest for k in found) else None


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
        return same_value(role, value, decimals, truth)
    others = [f for f in statements_of(ctx, part, st.subject, role) if f.seg != st.seg]
    values = {f.value.normalize() for f in others}
    if len(values) != 1:
        return None
    other = others[0]
    return same_value(role, value, decimals, other.value) or same_value(
        role, other.value, other.decimals, value
    )


def _show(value: Decimal) -> str:
    """A figure without trailing zeros: 2.0 → '2', 0.50 → '0.5'."""
    return format(value.normalize(), "f")


def _check_triple(ctx: CheckContext, st: _Statement) -> Finding | None:
    x, y, z = st.weight, st.score, st.deduction
    if z is None:
        return None
    expected_score = max(x.value - z.value, Decimal(0))
    if same_value("得分", y.value, y.decimals, expected_score):
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


def _check_listed(ctx: CheckContext, st: _Statement) -> Finding | list[Finding] | None:
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
    by_case = _against_case_list(ctx, st, listed, total)
    if by_case is not None:
        return by_case
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


def _against_case_list(
    ctx: CheckContext, st: _Statement, listed: list[tuple[int, NumberMention]], total: Decimal
) -> list[Finding] | None:
    """With a case listing the indicator's deductions one by one, the listed item that differs from the
    case's item at the same place is the slip (when the case lists as many items and they add up to 扣 Z)."""
    given = ctx.deductions.get(st.subject or "")
    z = st.deduction
    if not given or len(given) != len(listed) or z is None or sum(given) != z.value:
        return None
    wrong = [(j, m, want) for (j, m), want in zip(listed, given, strict=True) if m.value != want]
    if not wrong:
        return None
    return [
        ctx.finding_at_segment(
            j,
            kind="deduction",
            severity="error",
            expected=f"{_show(want)}分",
            found=m.raw,
            message=f"所列各项扣分合计 {_show(total)} 分，与“扣 {z.value} 分”不符；案例所列此项扣 {_show(want)} 分，"
            f"此处写作 {m.raw}。",
        )
        for j, m, want in wrong
    ]


def _cell_segments(ctx: CheckContext, table: int, row: int, col: int) -> list[int]:
    """The segments of one cell (a long cell is read in several pieces)."""
    first = ctx.cell_index.get((table, row, col))
    if first is None:
        return []
    out = [first]
    for j in range(first + 1, len(ctx.doc.segments)):
        s = ctx.doc.segments[j]
        if (s.kind, s.table, s.row, s.col) != ("cell", table, row, col):
            break
        out.append(j)
    return out


def _quoted(text: str, pos: int) -> bool:
    """Inside quotation marks: '另写“…，扣0.5分”' or '评分规则“每发现1处，扣分1分”' cites a text, deducts nothing."""
    left = text[:pos]
    return (
        left.count("“") > left.count("”") or left.count("「") > left.count("」") or left.count('"') % 2 == 1
    )


def _role_cell(
    view: TableView, r: int, role: str, before: int | None = None
) -> tuple[int, Decimal, int] | None:
    """The number cell of row r under a ``role`` column (the nearest left of column ``before``)."""
    best = None
    for c, cell in enumerate(view.table.rows[r][:before]):
        if view.role(r, c) == role and (num := cell_number(cell)):
            best = (c, num[0], num[1])
            if before is None:
                return best
    return best


def _score_confirmed(ctx: CheckContext, table: int, r: int, col: int) -> bool:
    """The score cell is confirmed when a total of the table adds up with it (the totals check traced it)."""
    seg = ctx.cell_index.get((table, r, col))
    return (
        seg is not None
        and bool(ctx.mentions[seg])
        and all((seg, m.start) in ctx.traced for m in ctx.mentions[seg])
    )


def _deducted_column(
    ctx: CheckContext,
    view: TableView,
    r: int,
    weight: tuple[int, Decimal, int],
    score: tuple[int, Decimal, int],
    deducted: tuple[int, Decimal, int],
    listed: list[tuple[int, NumberMention]],
) -> Finding | None:
    """A row with a 扣分 column: 分值 − 扣分 = 得分. The deduction cell is blamed when the listed reasons or a
    total confirm the score, else the score."""
    t = view.table
    if max(weight[1] - deducted[1], Decimal(0)) == score[1]:
        ctx.trace_cell(t.index, r, deducted[0])
        return None
    lost = weight[1] - score[1]
    total = sum((m.value for _, m in listed), Decimal(0)) if listed else None
    places = ctx.cell_places(t.index, [(r, weight[0]), (r, score[0]), (r, deducted[0])])
    base = f"分值 {weight[1]} 分、得 {score[1]} 分、扣 {deducted[1]} 分三者不符"
    if total == lost or (total is None and _score_confirmed(ctx, t.index, r, score[0])):
        why = f"所列扣分合计 {_show(total)} 分" if total is not None else "得分与合计行一致"
        return ctx.finding_at_cell(
            t.index,
            r,
            deducted[0],
            kind="deduction",
            severity="error",
            expected=f"{_show(lost)}分",
            found=t.rows[r][deducted[0]],
            message=f"{base}：{weight[1]} − {score[1]} = {_show(lost)}，{why}，扣分栏应为 {_show(lost)}。",
            places=places,
        )
    expected = max(weight[1] - deducted[1], Decimal(0))
    return ctx.finding_at_cell(
        t.index,
        r,
        score[0],
        kind="deduction",
        severity="error",
        expected=f"{_show(expected)}分",
        found=t.rows[r][score[0]],
        message=f"{base}：{weight[1]} − {deducted[1]} = {_show(expected)}，表中得分写作 {t.rows[r][score[0]]}。",
        places=places,
    )


def _table_row(ctx: CheckContext, view: TableView, r: int) -> Finding | None:
    """A score-table row '资金使用合规性 | 6 | 4.5 | …，扣1.5分；…，扣0.5分': the deductions its text cells
    list must add up to 分值 − 得分. The score is blamed unless a total of the table confirms it."""
    t = view.table
    score = _role_cell(view, r, "得分")
    weight = _role_cell(view, r, "满分", score[0]) if score else None
    if score is None or weight is None or score[1] > weight[1]:
        return None
    listed: list[tuple[int, NumberMention]] = []
    for c in range(len(t.rows[r])):
        if c in (score[0], weight[0]):
            continue
        for j in _cell_segments(ctx, t.index, r, c):
            text = ctx.doc.segments[j].text
            # a cell stating a rule anywhere ('每发现1项…，扣1分，扣完为止') lists no deduction made
            if ctx.is_prose(j) and not is_rule_cell(ctx.doc.segments[j]) and not _RULE_WORDS.search(text):
                listed += [(j, m) for m in _deductions(ctx, j) if not _quoted(text, m.start)]
    lost = weight[1] - score[1]
    deducted = _role_cell(view, r, "扣分")
    if deducted is not None and deducted[0] not in (score[0], weight[0]):
        finding = _deducted_column(ctx, view, r, weight, score, deducted, listed)
        if finding is not None or not listed:
            return finding
    if not listed:
        return None
    total = sum((m.value for _, m in listed), Decimal(0))
    if total == lost or (score[1] == 0 and total >= weight[1]):
        for j, m in listed:
            ctx.trace(j, m)
        return None
    terms = " + ".join(str(m.value) for _, m in listed)
    confirmed = _score_confirmed(ctx, t.index, r, score[0])
    base = f"分值 {weight[1]} 分、得 {score[1]} 分，所列扣分 {terms} = {_show(total)} 分"
    places = [*ctx.cell_places(t.index, [(r, weight[0]), (r, score[0])]), *((j, m.raw) for j, m in listed)]
    if confirmed:  # the table's total adds up with this score: the listed items are off
        j, last = listed[-1]
        return ctx.finding_at_segment(
            j,
            kind="deduction",
            severity="error",
            expected=f"合计扣 {_show(lost)} 分",
            found=f"{_show(total)}分",
            message=f"{base}，与 {weight[1]} − {score[1]} = {_show(lost)} 不符（得分与合计行一致，差异出在所列扣分中）。",
            places=places,
        )
    expected = max(weight[1] - total, Decimal(0))
    return ctx.finding_at_cell(
        t.index,
        r,
        score[0],
        kind="deduction",
        severity="error",
        expected=f"{_show(expected)}分",
        found=t.rows[r][score[0]],
        message=f"{base}，应得 {weight[1]} − {_show(total)} = {_show(expected)} 分，表中写作 {t.rows[r][score[0]]}。",
        places=places,
    )


def run(ctx: CheckContext) -> list[Finding]:
    """Every '分值/得分/扣分' statement in prose (sentences, headings, sentence cells) and its listed items,
    and every score-table row that lists its deductions."""
    findings: list[Finding] = []
    for view in ctx.views:
        for r in range(len(view.table.rows)):
            if r in view.header_rows or total_label(view.table.rows[r]):
                continue
            ctx.tick()
            if (f := _table_row(ctx, view, r)) is not None:
                findings.append(f)
    for i in range(len(ctx.doc.segments)):
        ctx.tick()
        if not ctx.mentions[i] or not ctx.is_prose(i) or is_rule_cell(ctx.doc.segments[i]):
            continue
        st = _statement(ctx, i)
        if st is None:
            continue
        if (f := _check_triple(ctx, st)) is not None:
            findings.append(f)
        listed = _check_listed(ctx, st)
        findings += listed if isinstance(listed, list) else [listed] if listed is not None else []
    return findings

"""Table rows against the case (表格对照案例): an indicator row's 年度指标值 / 实际完成值 / 分值 / 得分 and a
budget row's 年初预算数 / 全年预算数 / 全年执行数 / 得分 must be the case's own figures (scores as the scorer
gives them). The row is matched by its indicator name — a name the case uses more than once by the other
labels of the row (its 一级/二级), else by its order among the rows of that name — or as the budget row (a row
with 预算数 and 执行数)."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.case import Case, Indicator
from assistant.scoring import ScoreSheet

from ..context import CheckContext, TableView, cell_number
from ..models import Finding
from ..numbers import extract_numbers, normalize, same_at_precision
from .consistency import subject_key

_TARGET = re.compile(r"年度指标值|指标值|目标值|预期目标值|绩效目标值")
_ACTUAL = re.compile(r"实际完成|完成值|实际值|完成情况")
_INITIAL = re.compile(r"年初预算")
_ANNUAL = re.compile(r"全年预算|调整后预算|预算数|预算安排")
_EXECUTED = re.compile(r"全年执行|执行数|实际支出|支出数")
_SPACE = re.compile(r"\s+")


def _numbers(text: str) -> list[Decimal]:
    return [m.value for m in extract_numbers(text)]


def _same_text(written: str, given: str) -> bool:
    """Equal after normalising width and spaces, or holding the same figures."""
    a, b = _SPACE.sub("", normalize(written)), _SPACE.sub("", normalize(given))
    return a == b or (_numbers(a) == _numbers(b) and bool(_numbers(a)))


_CODE = re.compile(r"^[A-Za-z]{0,2}\d{1,4}(?:[.．]\d{1,3})*[.．、]?\s*(?=[\u4e00-\u9fa5])")
"""An indicator code before the name, also a bare number in a form's row: '1.2 …' (subject_key strips
letter codes only: a bare number may be a year)."""


def name_key(name: str) -> str:
    return subject_key(_CODE.sub("", name.strip()))


def _indicators_by_name(case: Case, sheet: ScoreSheet) -> dict[str, list[tuple[Indicator, Decimal]]]:
    """Name → the case's indicators of that name (in case order), each with the scorer's score."""
    out: dict[str, list[tuple[Indicator, Decimal]]] = {}
    for ind, result in zip(case.indicators, sheet.indicators, strict=False):
        out.setdefault(name_key(ind.path[-1]), []).append((ind, result.score))
    return out


def _row_indicator(
    view: TableView, r: int, by_name: dict[str, list[tuple[Indicator, Decimal]]], seen: dict[str, int]
) -> tuple[Indicator, Decimal] | None:
    labels = [name_key(x) for x in view.labels(r)]
    name = next((x for x in reversed(labels) if x in by_name), None)
    if name is None:
        return None
    candidates = by_name[name]
    order = seen.get(name, 0)
    seen[name] = order + 1
    if len(candidates) == 1:
        return candidates[0]
    others = set(labels) - {name}
    by_path = [c for c in candidates if others and others <= {name_key(p) for p in c[0].path[:-1]}]
    if len(by_path) == 1:
        return by_path[0]
    return candidates[order] if order < len(candidates) else None


def _header(view: TableView, r: int, c: int) -> str:
    h = view.headers[r][c] if c < len(view.headers[r]) else None
    return _SPACE.sub("", h or "")


def _points(
    ctx: CheckContext, view: TableView, r: int, c: int, value: Decimal, what: str, ind
) -> Finding | None:
    """A 分值 or 得分 cell against the case's weight or the scorer's score (at the precision written)."""
    parsed = cell_number(view.table.rows[r][c])
    if parsed is None:
        return None
    written, decimals = parsed
    if same_at_precision(written, decimals, value):
        ctx.trace_cell(view.table.index, r, c)
        return None
    cell = view.table.rows[r][c]
    return ctx.finding_at_cell(
        view.table.index,
        r,
        c,
        kind="case_value",
        severity="error",
        expected=str(value),
        found=cell,
        message=f"“{ind.path[-1]}”的{what}与{'案例' if what == '分值' else '评分结果'}不符："
        f"应为 {value}，表中写作 {cell}。",
    )


def _indicator_rows(
    ctx: CheckContext,
    view: TableView,
    by_name: dict[str, list[tuple[Indicator, Decimal]]],
    row_indicators: dict[tuple[int, int], Indicator],
) -> list[Finding]:
    findings: list[Finding] = []
    t = view.table
    seen: dict[str, int] = {}
    for r, row in enumerate(t.rows):
        if r in view.header_rows:
            continue
        matched = _row_indicator(view, r, by_name, seen)
        if matched is None:
            continue
        ind, score = matched
        row_indicators[(t.index, r)] = ind
        for c, cell in enumerate(row):
            if not cell or not any(ch.isdigit() for ch in normalize(cell)):
                continue
            header = _header(view, r, c)
            role = view.role(r, c)
            if _ACTUAL.search(header):  # '实际完成指标值' also contains '指标值'
                given, what = ind.actual, "实际完成值"
            elif _TARGET.search(header):
                given, what = ind.target, "年度指标值"
            elif role in ("满分", "得分"):
                found = _points(
                    ctx,
                    view,
                    r,
                    c,
                    ind.weight if role == "满分" else score,
                    "分值" if role == "满分" else "得分",
                    ind,
                )
                if found is not None:
                    findings.append(found)
                continue
            else:
                continue
            if not given:
                continue
            if _same_text(cell, given):
                ctx.trace_cell(t.index, r, c)
                continue
            findings.append(
                ctx.finding_at_cell(
                    t.index,
                    r,
                    c,
                    kind="case_value",
                    severity="error",
                    expected=given,
                    found=cell,
                    message=f"“{ind.path[-1]}”的{what}与案例不符：案例为 {given}，表中写作 {cell}。",
                )
            )
    return findings


def _budget_rows(ctx: CheckContext, view: TableView, case: Case, sheet: ScoreSheet) -> list[Finding]:
    findings: list[Finding] = []
    budget = case.budget
    if budget is None or case.kind != "self_evaluation":
        return findings  # a report's budget tables list years and sources, not the case's one row
    t = view.table
    for r, row in enumerate(t.rows):
        if r in view.header_rows:
            continue
        nums = view.numbers(r)
        if not {"预算数", "执行数"} <= nums.keys() or "执行率" not in nums:
            continue  # the 年度资金总额 row (其中 rows carry no rate)
        expected: dict[int, tuple[str, Decimal]] = {}
        for c, cell in enumerate(row):
            header = _header(view, r, c)
            if not cell_number(cell):
                continue
            if _INITIAL.search(header) and budget.initial is not None:
                expected[c] = ("年初预算数", budget.initial)
            elif _EXECUTED.search(header):
                expected[c] = ("全年执行数", budget.executed)
            elif _ANNUAL.search(header):
                expected[c] = ("全年预算数", budget.annual)
            elif view.role(r, c) == "得分" and sheet.budget is not None and sheet.budget.score is not None:
                expected[c] = ("预算执行得分", sheet.budget.score)
            elif view.role(r, c) == "满分" and sheet.budget is not None and sheet.budget.weight is not None:
                expected[c] = ("预算执行分值", sheet.budget.weight)
        for c, (what, value) in expected.items():
            written, decimals = cell_number(row[c])
            if same_at_precision(written, decimals, value):
                ctx.trace_cell(t.index, r, c)
                continue
            findings.append(
                ctx.finding_at_cell(
                    t.index,
                    r,
                    c,
                    kind="case_value",
                    severity="error",
                    expected=str(value),
                    found=row[c],
                    message=f"{what}与案例不符：案例为 {value}，表中写作 {row[c]}。",
                )
            )
    return findings


_OVERVIEW_LABELS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^(预算安排|全年预算|调整后预算|预算金额|预算资金)"), "annual", "全年预算数"),
    (re.compile(r"^年初预算"), "initial", "年初预算数"),
    (re.compile(r"^(实际支出|全年执行|执行数|支出金额|实际使用)"), "executed", "全年执行数"),
]


def _overview_rows(ctx: CheckContext, view: TableView, case: Case) -> list[Finding]:
    """A label/value table (绩效评价总览表): '预算安排（万元） | 3120', '实际支出（万元） | 3040.78（…）'."""
    findings: list[Finding] = []
    budget = case.budget
    if budget is None:
        return findings
    t = view.table
    for r, row in enumerate(t.rows):
        cells = [(c, x) for c, x in enumerate(row) if x]
        if len(cells) != 2:
            continue
        (_, label), (c, value) = cells
        label = _SPACE.sub("", label)
        field = next(((f, what) for p, f, what in _OVERVIEW_LABELS if p.search(label)), None)
        mentions = ctx.mentions[i] if (i := ctx.cell_index.get((t.index, r, c))) is not None else []
        if field is None or not mentions or mentions[0].start > 1 or getattr(budget, field[0]) is None:
            continue
        m, given = mentions[0], getattr(budget, field[0])
        scale = Decimal(10000) if m.unit == "元" else Decimal(1)
        if same_at_precision(m.value, m.decimals, given * scale):
            ctx.trace(i, m)
            continue
        findings.append(
            ctx.finding_at_segment(
                i,
                kind="case_value",
                severity="error",
                expected=str(given),
                found=m.raw,
                message=f"{field[1]}与案例不符：案例为 {given} 万元，表中写作 {m.raw}。",
            )
        )
    return findings


_PROSE_FIELDS: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(
            r"(?:年度指标值|指标值|目标值|预期目标值|年度目标|(?<!绩效)目标)(?:为|是|：|:)?\s*[≥≤>＜<=＝≧≦约]*\s*$"
        ),
        "target",
        "年度指标值",
    ),
    (
        re.compile(r"(?:实际完成值|实际完成|完成值|实际值)(?:为|是|：|:)?\s*[≥≤>＜<=＝≧≦约]*\s*$"),
        "actual",
        "实际完成值",
    ),
]
_NAMED_ACTUAL = re.compile(r"(?:为|是|达到|达|：|:)?\s*$")
"""'D15 有责安全事件发生次数为0次': an indicator's name right before a figure states its actual value."""
_LOOK_BACK = 3
"""Sentences of the same paragraph searched back for the indicator a '年度指标值为…' sentence is about."""


def _named_indicator(
    ctx: CheckContext, i: int, by_name: dict[str, list[tuple[Indicator, Decimal]]], upto: int
) -> Indicator | None:
    """The indicator named last before offset ``upto`` of segment i, else in the sentences before it in the
    same paragraph (only a name the case uses once): '数字经济产值增加12.06%（年度指标值≥10%）；数据资源开放共享率
    100%（年度指标值≥90%）' gives each target its own indicator."""
    seg = ctx.doc.segments[i]
    for j in range(i, max(-1, i - _LOOK_BACK - 1), -1):
        other = ctx.doc.segments[j]
        if j != i and (
            other.kind != "sentence" or seg.kind != "sentence" or other.paragraph != seg.paragraph
        ):
            break
        text = _SPACE.sub("", other.text[:upto] if j == i else other.text)
        hits = [
            (text.rfind(name), name) for name, inds in by_name.items() if len(inds) == 1 and len(name) >= 4
        ]
        hits = [(k, name) for k, name in hits if k >= 0]
        if hits:
            return by_name[max(hits)[1]][0][0]
    return None


def _actual_by_name(text: str, m, by_name: dict[str, list[tuple[Indicator, Decimal]]]) -> Indicator | None:
    """The indicator whose name the figure follows directly ('有责投诉次数为0次'), when the case gives it a
    figure of the same unit as its actual value (an execution rate is checked against the budget instead)."""
    if m.role == "执行率":
        return None
    before = text[max(0, m.start - 40) : m.start]
    word = _NAMED_ACTUAL.search(before)
    head = _SPACE.sub("", before[: word.start()] if word else before)
    for name, inds in sorted(by_name.items(), key=lambda x: -len(x[0])):
        if len(inds) != 1 or len(name) < 4 or not head.endswith(name):
            continue
        ind = inds[0][0]
        units = [x.unit for x in extract_numbers(normalize(ind.actual or ""))]
        if units and all(u == m.unit for u in units):
            return ind
    return None


def _prose_indicator_facts(
    ctx: CheckContext,
    by_name: dict[str, list[tuple[Indicator, Decimal]]],
    row_indicators: dict[tuple[int, int], Indicator],
) -> list[Finding]:
    """'智管中心能耗降低率…。年度指标值为≥3%，实际完成2%': the target and the actual stated in prose — or in a
    cell of an indicator's row ('年度指标值≥60个；达到指标值的得满分…', '实际完成61个') — must be the case's for
    the indicator the paragraph (row) is about; so must a figure right after an indicator's name."""
    findings: list[Finding] = []
    for i, seg in enumerate(ctx.doc.segments):
        if not ctx.mentions[i]:
            continue
        if seg.kind == "cell":
            row_ind = row_indicators.get((seg.table, seg.row))
            if row_ind is None and not ctx.is_prose(i):
                continue
        elif seg.kind == "sentence":
            row_ind = None
        else:
            continue
        fields = re.search(r"指标值|目标|实际完成|完成值", seg.text)
        for k, m in enumerate(ctx.mentions[i]):
            if ctx.exempt[i][k]:
                continue
            before = seg.text[max(0, m.start - 12) : m.start]
            field = next(((f, what) for pattern, f, what in _PROSE_FIELDS if pattern.search(before)), None)
            if field is not None and fields:
                named = row_ind or _named_indicator(ctx, i, by_name, m.start)
                if named is None:
                    continue
            elif row_ind is None and (named := _actual_by_name(seg.text, m, by_name)) is not None:
                field = ("actual", "实际完成值")
            else:
                continue
            given = getattr(named, field[0]) or ""
            values = _numbers(given)
            if not values:
                continue
            if m.value in values:
                ctx.trace(i, m)
                continue
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="case_value",
                    severity="error",
                    expected=given,
                    found=m.raw,
                    message=f"“{named.path[-1]}”的{field[1]}与案例不符：案例为 {given}，文中写作 {m.raw}。",
                )
            )
    return findings


def run(ctx: CheckContext, case: Case, sheet: ScoreSheet) -> list[Finding]:
    by_name = _indicators_by_name(case, sheet)
    row_indicators: dict[tuple[int, int], Indicator] = {}
    findings: list[Finding] = []
    for view in ctx.views:
        ctx.tick()
        findings += _indicator_rows(ctx, view, by_name, row_indicators)
        findings += _budget_rows(ctx, view, case, sheet)
        findings += _overview_rows(ctx, view, case)
    return findings + _prose_indicator_facts(ctx, by_name, row_indicators)

"""Table rows against the case (表格对照案例): an indicator row's 年度指标值 / 实际完成值 and a budget row's
年初预算数 / 全年预算数 / 全年执行数 / 得分 must be the case's own figures. The row is matched by its
indicator name (unique in the case) or as the budget row (a row with 预算数 and 执行数)."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.case import Case
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


def _indicators_by_name(case: Case) -> dict[str, object]:
    count: dict[str, int] = {}
    for ind in case.indicators:
        key = subject_key(ind.path[-1])
        count[key] = count.get(key, 0) + 1
    return {subject_key(i.path[-1]): i for i in case.indicators if count[subject_key(i.path[-1])] == 1}


def _header(view: TableView, r: int, c: int) -> str:
    h = view.headers[r][c] if c < len(view.headers[r]) else None
    return _SPACE.sub("", h or "")


def _indicator_rows(ctx: CheckContext, view: TableView, by_name: dict[str, object]) -> list[Finding]:
    findings: list[Finding] = []
    t = view.table
    for r, row in enumerate(t.rows):
        if r in view.header_rows:
            continue
        name = next((subject_key(x) for x in reversed(view.labels(r)) if subject_key(x) in by_name), None)
        if name is None:
            continue
        ind = by_name[name]
        for c, cell in enumerate(row):
            if not cell or not any(ch.isdigit() for ch in normalize(cell)):
                continue
            header = _header(view, r, c)
            if _ACTUAL.search(header):  # '实际完成指标值' also contains '指标值'
                given, what = ind.actual, "实际完成值"
            elif _TARGET.search(header):
                given, what = ind.target, "年度指标值"
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


def run(ctx: CheckContext, case: Case, sheet: ScoreSheet) -> list[Finding]:
    by_name = _indicators_by_name(case)
    findings: list[Finding] = []
    for view in ctx.views:
        ctx.tick()
        findings += _indicator_rows(ctx, view, by_name)
        findings += _budget_rows(ctx, view, case, sheet)
        findings += _overview_rows(ctx, view, case)
    return findings

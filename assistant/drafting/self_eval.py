"""The self-evaluation form (项目支出绩效自评表): every cell a reference, and 偏差原因分析及改进措施 for every
row that lost points — the case's own text when it has one, otherwise drafted from the row's values and
the problem-type phrasing (never a figure of its own).
"""

from __future__ import annotations

from decimal import Decimal

from assistant.case import path_key
from assistant.report import FormIndicatorRow, Paragraph, SelfEvaluationForm

from .context import DraftContext, category_for
from .facts import plain_target
from .phrasebook import advice_for
from .prose import where_to_fill

P = Paragraph.from_template
DASH = "——"


def deviation_text(ctx: DraftContext, ind) -> str:
    """Offline 偏差原因分析及改进措施 for one row that lost points."""
    k = f"indicator[{ind.key}]"
    r = ctx.ref
    for field in ("deviation", "finding", "reason"):
        if ctx.has(f"{k}.{field}"):
            return r(f"{k}.{field}")
    # The row's own deduction findings and unmet criteria say what went wrong (evaluation-style rows).
    reasons = [
        f"{r(f'{k}.deduction[{j}].finding')}（扣{r(f'{k}.deduction[{j}].points')}分）"
        for j, d in enumerate(ind.deductions or [])
        if d.finding
    ]
    reasons += [
        f"未达到“{r(f'{k}.criterion[{j}].text')}”的要求（{r(f'{k}.criterion[{j}].points')}分未得）"
        for j, c in enumerate(ind.criteria or [])
        if not c.met
    ]
    basis = " ".join(
        [ctx.values.get(f"{k}.{f}", "") for f in ("target", "actual")]
        + [d.finding for d in ind.deductions or []]
        + [ctx.values[f"name[{ind.key}]"]]
    )
    advice = advice_for(basis, category_for(ind.path[0]))
    if ctx.has(f"{k}.target") and ctx.has(f"{k}.actual"):
        cause = f"偏差原因：年度指标值为{plain_target(ctx, ind)}，实际完成{r(f'{k}.actual')}，未达到目标，扣{r(f'{k}.lost')}分。"
    elif reasons:
        cause = "偏差原因：" + "；".join(reasons) + "。"
    else:
        cause = f"偏差原因：该指标未得满分，扣{r(f'{k}.lost')}分，案例未写明具体原因。"
    return cause + "改进措施：" + advice.advice.removeprefix("建议")


def build_form(ctx: DraftContext, deviations: dict[str, str] | None = None) -> SelfEvaluationForm:
    """The form for a case; ``deviations`` (indicator key → template) overrides the offline texts."""
    r = ctx.ref
    deviations = deviations or {}
    rows = []
    for ind in ctx.case.indicators:
        k = f"indicator[{ind.key}]"
        names = [r(f"name[{path_key(ind.path[: d + 1])}]") for d in range(len(ind.path))]
        # Four-level trees fold 二级/三级 into the form's 二级 column: the form has three name columns.
        level1, level2, level3 = names[0], "/".join(names[1:-1]) if len(names) > 2 else "", names[-1]
        lost = ctx.lost(ind) > 0
        if lost:
            deviation = deviations.get(ind.key) or deviation_text(ctx, ind)
        else:
            deviation = r(f"{k}.deviation") if ctx.has(f"{k}.deviation") else ""
        rows.append(
            FormIndicatorRow(
                level1=P(level1),
                level2=P(level2),
                level3=P(level3),
                target=P(r(f"{k}.target") if ctx.has(f"{k}.target") else DASH),
                actual=P(r(f"{k}.actual") if ctx.has(f"{k}.actual") else DASH),
                weight=P(r(f"{k}.weight")),
                score=P(r(f"{k}.score")),
                deviation=P(deviation),
                lost_points=lost,
            )
        )
    budget_rows = _budget_rows(ctx)
    total = ctx.number("total") or Decimal(0)
    note = ""
    if total < 80:
        lost_names = "、".join(r(f"name[{i.key}]") for i in ctx.lost_indicators())
        note = (
            f"总分{r('total')}分，未实现绩效目标。主要原因是{lost_names}等指标未达到年度指标值，"
            "具体原因及改进措施见各指标偏差原因分析；下一年度将对照年度绩效目标加强过程监控，确保目标实现。"
        )
    return SelfEvaluationForm(
        year=P(r("project.year") if ctx.has("project.year") else ""),
        project_name=P(r("project.name")),
        department=P(r("project.department") if ctx.has("project.department") else ""),
        implementer=P(r("project.implementer") if ctx.has("project.implementer") else ""),
        budget_rows=budget_rows,
        goal_expected=P(
            _first(ctx, "narrative.overall_goal", "narrative.annual_goal")
            or f"（待补充：案例未提供年初预期目标，请在{where_to_fill('overall_goal')}中填写）"
        ),
        goal_actual=P(
            _first(ctx, "narrative.goal_achieved", "narrative.achievements")
            or f"（待补充：案例未提供目标实际完成情况，请在{where_to_fill('goal_achieved')}中填写）"
        ),
        indicators=rows,
        total=P(r("total")),
        shortfall_note=P(note),
    )


def _first(ctx: DraftContext, *keys: str) -> str | None:
    for key in keys:
        if ctx.has(key):
            return ctx.ref(key)
    return None


def _budget_rows(ctx: DraftContext) -> list[list[Paragraph]]:
    r = ctx.ref
    if not ctx.has("budget.annual"):
        return [[P("年度资金总额")] + [P(DASH)] * 6]
    initial = r("budget.initial") if ctx.has("budget.initial") else DASH
    score = r("budget.score") if ctx.has("budget.score") else DASH
    weight = r("budget.weight") if ctx.has("budget.weight") else DASH
    rows = [
        [
            P("年度资金总额"),
            P(initial),
            P(r("budget.annual")),
            P(r("budget.executed")),
            P(weight),
            P(r("budget.rate")),
            P(score),
        ]
    ]
    sources = ctx.case.budget.sources if ctx.case.budget is not None else []
    if sources:
        # The 其中 rows as the case gives them (中央补助资金, 县级配套资金…), amounts where stated.
        for n in range(len(sources)):
            cells = [P(r(f"budget.source[{n}].name"))]
            for field in ("initial", "annual", "executed"):
                key = f"budget.source[{n}].{field}"
                cells.append(P(r(key) if ctx.has(key) else DASH))
            rate = f"budget.source[{n}].reported_rate"
            cells += [P(""), P(r(rate) if ctx.has(rate) else ""), P("")]
            rows.append(cells)
        return rows
    # The case records only the total; the breakdown by source is not invented.
    for label in ("其中：当年财政拨款", "上年结转资金", "其他资金"):
        rows.append([P(label)] + [P(DASH)] * 3 + [P("")] * 3)
    return rows

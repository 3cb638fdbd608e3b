"""The deterministic scorer (评分引擎): a Case in, a ScoreSheet out, every number with its working.

A typed case is validated strictly: any problem is an InputError listing them all. A received form
(``case.received``, read from a document) is scored as far as it goes: a row that cannot be recomputed keeps
its reported score and says why, weights that do not add up become a note, and every reported figure is
compared with the recomputed one (:mod:`.reconcile`).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from assistant.case import KIND_TOTAL, Budget, Case, Indicator
from assistant.errors import InputError

from .apply import apply_rule, budget_lines, infer_rule
from .rules import RuleError, RuleResult, budget_execution, fmt
from .sheet import BudgetResult, GroupResult, IndicatorResult, ScoreSheet, grade_for, rate_of
from .validation import check_size, row_name, validate_case, weight_total_problem

TWO_PLACES = Decimal("0.01")


def capped(score: Decimal, weight: Decimal) -> Decimal:
    """A score never exceeds its weight: half-up rounding of a full 33.335 would give 33.34, so round down."""
    if score <= weight:
        return score
    return max(weight.quantize(TWO_PLACES, rounding=ROUND_DOWN), Decimal(0))


def budget_amounts(budget: Budget) -> tuple[Decimal, Decimal, bool]:
    """(annual, executed, from_sources): the total row, or the sum of the 其中 rows when the total row is
    empty or zero while they hold money (a form that left 年度资金总额 at 0)."""
    if budget.annual > 0 or budget.years:
        return budget.annual, budget.executed, False
    annual = sum((s.annual or Decimal(0) for s in budget.sources), Decimal(0))
    executed = sum((s.executed or Decimal(0) for s in budget.sources), Decimal(0))
    if annual > 0:
        return annual, executed, True
    return budget.annual, budget.executed, False


def _budget_result(
    case: Case, indicator_results: list[IndicatorResult], notes: list[str]
) -> BudgetResult | None:
    budget = case.budget
    if budget is None:
        return None
    annual, executed, from_sources = budget_amounts(budget)
    if budget.years and budget.annual <= 0:
        annual = sum((y.annual for y in budget.years), Decimal(0))
        executed = sum((y.executed for y in budget.years), Decimal(0))
    result = BudgetResult(
        initial=budget.initial,
        annual=annual,
        executed=executed,
        rate=rate_of(executed, annual),
        from_sources=from_sources,
    )
    if from_sources:
        notes.append(
            f"预算“年度资金总额”行为 {fmt(budget.annual)}，按其中各行合计计算："
            f"全年预算数 {fmt(annual)}、全年执行数 {fmt(executed)}"
        )
    if case.kind == "self_evaluation":
        weight = case.budget_weight()
        if weight == 0:
            return result
        if annual <= 0 and not budget.years:
            notes.append("预算执行情况缺少全年预算数（或为 0），预算执行未计分")
            return result
        try:
            scored = budget_execution(
                weight, [("", annual, executed)] if from_sources else budget_lines(budget)
            )
        except RuleError as exc:
            if not case.received:
                raise InputError(f"案例“{case.project.name}”预算(budget)：{exc}") from None
            notes.append(f"预算执行未计分：{exc}")
            return result
        result.weight, result.score, result.formula = weight, capped(scored.score, weight), scored.formula
    else:
        for r in indicator_results:
            if r.rule == "budget_execution":
                result.weight, result.score, result.formula = r.weight, r.score, r.formula
                break
    return result


def _groups(results: list[IndicatorResult]) -> list[GroupResult]:
    weights: dict[tuple[str, ...], Decimal] = {}
    scores: dict[tuple[str, ...], Decimal] = {}
    for r in results:
        for depth in range(1, len(r.path)):
            key = tuple(r.path[:depth])
            weights[key] = weights.get(key, Decimal(0)) + r.weight
            scores[key] = scores.get(key, Decimal(0)) + r.score
    order = {key: i for i, key in enumerate(weights)}
    ordered = sorted(weights, key=lambda key: (len(key), order[key]))
    return [
        GroupResult(
            path=list(key),
            level=len(key),
            weight=weights[key],
            score=scores[key],
            rate=rate_of(scores[key], weights[key]),
        )
        for key in ordered
    ]


def _kept_reported(ind: Indicator, why: str) -> RuleResult:
    """A received row that cannot be recomputed: its reported score stands, marked as not recomputed."""
    if ind.reported_score is not None:
        kept = min(max(ind.reported_score, Decimal(0)), ind.weight)
        return RuleResult(
            score=kept, formula=f"未能按规则复核（{why}），按原表得分 {fmt(kept)} 计", judged=True
        )
    return RuleResult(
        score=Decimal(0), formula=f"未能按规则复核（{why}），原表未填得分，按 0 分计", judged=True
    )


def _weight_note(case: Case) -> str | None:
    if weight_total_problem(case) is None:
        return None
    indicator_sum = sum((ind.weight for ind in case.indicators), Decimal(0))
    budget_weight = case.budget_weight()
    if case.budget is not None and budget_weight:
        return (
            f"分值合计 {fmt(indicator_sum)}，应为 {fmt(KIND_TOTAL - budget_weight)}"
            f"（预算执行 {fmt(budget_weight)} 分 + 指标 {fmt(indicator_sum)} 分 = {fmt(indicator_sum + budget_weight)} 分）"
        )
    return f"分值合计 {fmt(indicator_sum)}，应为 {fmt(KIND_TOTAL)}"


def score_case(case: Case) -> ScoreSheet:
    """Score every indicator, the budget, the groups and the total, and compare every reported figure.

    Raises InputError listing every problem of a typed case (one Chinese line each, naming the row and
    field) when it is invalid or a value cannot be parsed or scored. A received form raises only when it is
    too large to score.
    """
    size = check_size(case)
    if size:
        raise InputError(
            "\n".join([f"案例“{case.project.name[:60]}”超出处理上限：", *(f"- {p}" for p in size)])
        )
    received = case.received
    problems: list[str] = []
    notes: list[str] = [f"未能读取：{text}" for text in (case.origin.unread if case.origin else [])]
    rules: list[str | None] = []
    unscored: dict[int, str] = {}
    for i, ind in enumerate(case.indicators):
        try:
            rules.append(infer_rule(ind, case))
        except RuleError as exc:
            rules.append(None)
            if received:
                unscored[i] = f"无法确定评分规则：{exc}"
            else:
                problems.append(f"{row_name(ind)} 无法推断评分规则：{exc}")
    invalid_rows: set[int] = set()
    for index, message in validate_case(case, rules):
        if index is not None:
            invalid_rows.add(index)
        if received and index is not None:
            unscored[index] = message.replace(row_name(case.indicators[index]) + " ", "")
        elif received:
            notes.append(message)
        else:
            problems.append(message)

    computed: dict[int, RuleResult] = {}
    for i, ind in enumerate(case.indicators):
        rule = rules[i]
        if rule is None or i in invalid_rows:
            continue
        try:
            computed[i] = apply_rule(case, ind, rule)  # type: ignore[arg-type]
        except RuleError as exc:
            if received:
                unscored[i] = str(exc)
            else:
                problems.append(f"{row_name(ind)}（规则 {rule}）：{exc}")
    if problems:
        raise InputError(
            "\n".join(
                [f"案例“{case.project.name}”有 {len(problems)} 处错误：", *(f"- {p}" for p in problems)]
            )
        )

    results = []
    for i, ind in enumerate(case.indicators):
        recomputed = i not in unscored
        outcome = computed[i] if recomputed else _kept_reported(ind, unscored[i])
        if not recomputed:
            notes.append(f"{row_name(ind)} 未能按规则复核：{unscored[i]}")
        score = capped(outcome.score, ind.weight) if ind.weight > 0 else Decimal(0)
        findings = list(outcome.findings)
        for text in (ind.finding, ind.deviation):
            if text.strip() and score < ind.weight and text.strip() not in findings:
                findings.append(text.strip())
        results.append(
            IndicatorResult(
                path=ind.path,
                weight=ind.weight,
                score=score,
                rule=outcome.applied or rules[i] or "judged",  # type: ignore[arg-type]
                formula=outcome.formula,
                judged=outcome.judged,
                reported_score=ind.reported_score,
                target=ind.target,
                actual=ind.actual,
                findings=findings,
                evidence=ind.evidence,
                recomputed=recomputed,
            )
        )
    if received:
        weight_note = _weight_note(case)
        if weight_note:
            notes.append(weight_note)
    budget = _budget_result(case, results, notes)
    total = sum((r.score for r in results), Decimal(0))
    if case.kind == "self_evaluation" and budget is not None and budget.score is not None:
        total += budget.score
    sheet = ScoreSheet(
        kind=case.kind,
        total=total,
        max_total=KIND_TOTAL,
        rate=rate_of(total, KIND_TOTAL),
        grade=grade_for(total),
        budget=budget,
        groups=_groups(results),
        indicators=results,
        reported_total=case.reported_total,
        reported_grade=case.reported_grade,
        notes=notes,
        empty_rows=[list(p) for p in case.empty_rows],
    )
    from .reconcile import compare_reported

    sheet.comparisons = compare_reported(case, sheet)
    return sheet

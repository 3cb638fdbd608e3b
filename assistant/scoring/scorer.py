"""The deterministic scorer (评分引擎): a Case in, a ScoreSheet out, every number with its working."""

from __future__ import annotations

from decimal import Decimal

from assistant.case import KIND_TOTAL, Case
from assistant.errors import InputError

from .apply import apply_rule, budget_lines, infer_rule
from .rules import RuleError, RuleResult, budget_execution
from .sheet import BudgetResult, GroupResult, IndicatorResult, ScoreSheet, grade_for, rate_of
from .validation import row_name, validate_case


def _budget_result(case: Case, indicator_results: list[IndicatorResult]) -> BudgetResult | None:
    budget = case.budget
    if budget is None:
        return None
    annual = budget.annual if budget.annual > 0 else sum((y.annual for y in budget.years), Decimal(0))
    executed = budget.executed if budget.annual > 0 else sum((y.executed for y in budget.years), Decimal(0))
    result = BudgetResult(
        initial=budget.initial,
        annual=budget.annual,
        executed=budget.executed,
        rate=rate_of(executed, annual),
    )
    if case.kind == "self_evaluation":
        weight = case.budget_weight()
        scored = budget_execution(weight, budget_lines(budget))
        result.weight, result.score, result.formula = weight, scored.score, scored.formula
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


def score_case(case: Case) -> ScoreSheet:
    """Score every indicator, the budget, the groups and the total.

    Raises InputError listing every problem of the case (one Chinese line each, naming the row and field)
    when the case is invalid or a value cannot be parsed or scored.
    """
    problems: list[str] = []
    rules: dict[str, str | None] = {}
    for ind in case.indicators:
        try:
            rules[ind.key] = infer_rule(ind)
        except RuleError as exc:
            rules[ind.key] = None
            problems.append(f"{row_name(ind)} 无法推断评分规则：{exc}")
    invalid_rows: set[str] = set()
    for key, message in validate_case(case, rules):
        problems.append(message)
        if key is not None:
            invalid_rows.add(key)

    computed: dict[str, RuleResult] = {}
    for ind in case.indicators:
        rule = rules[ind.key]
        if rule is None or ind.key in invalid_rows:
            continue
        try:
            computed[ind.key] = apply_rule(case, ind, rule)  # type: ignore[arg-type]
        except RuleError as exc:
            problems.append(f"{row_name(ind)}（规则 {rule}）：{exc}")
    if problems:
        raise InputError(
            "\n".join(
                [f"案例“{case.project.name}”有 {len(problems)} 处错误：", *(f"- {p}" for p in problems)]
            )
        )

    results = []
    for ind in case.indicators:
        outcome = computed[ind.key]
        findings = list(outcome.findings)
        for text in (ind.finding, ind.deviation):
            if text.strip() and outcome.score < ind.weight and text.strip() not in findings:
                findings.append(text.strip())
        results.append(
            IndicatorResult(
                path=ind.path,
                weight=ind.weight,
                score=outcome.score,
                rule=rules[ind.key],  # type: ignore[arg-type]
                formula=outcome.formula,
                judged=outcome.judged,
                reported_score=ind.reported_score,
                target=ind.target,
                actual=ind.actual,
                findings=findings,
                evidence=ind.evidence,
            )
        )
    budget = _budget_result(case, results)
    total = sum((r.score for r in results), Decimal(0))
    if case.kind == "self_evaluation" and budget is not None and budget.score is not None:
        total += budget.score
    return ScoreSheet(
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
    )

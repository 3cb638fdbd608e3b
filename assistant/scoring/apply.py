"""Choosing and applying the rule for one indicator row."""

from __future__ import annotations

from decimal import Decimal

from assistant.case import Budget, Case, Indicator, RuleName

from . import rules
from .rules import RuleError, RuleResult
from .values import ParsedValue, ValueParseError, parse_value

LOWER_IS_BETTER_OPS = frozenset({"<=", "<"})


def _parse(text: str | None, label: str, field: str) -> ParsedValue:
    if text is None or not str(text).strip():
        raise RuleError(f"{label}({field})：缺少")
    try:
        return parse_value(text)
    except ValueParseError as exc:
        raise RuleError(f"{label}({field})：{exc}") from None


def infer_rule(ind: Indicator) -> RuleName:
    """The given rule, else the one implied by the fields present, else by the target (issue 3 table).

    ``≥ > =`` or a bare number → proportional; ``≤ <`` or a zero target (``0起``) → inverse_proportional;
    a date or a word → qualitative (and so is ``≥0``: met when the actual satisfies it).
    """
    if ind.rule is not None:
        return ind.rule
    by_field: list[tuple[object, RuleName]] = [
        (ind.score, "judged"),
        (ind.deductions, "deduction"),
        (ind.criteria, "checklist"),
        (ind.tiers, "tiers"),
        (ind.responses, "likert"),
    ]
    for value, rule in by_field:
        if value is not None:
            return rule
    target = _parse(ind.target, "年度指标值", "target")
    if target.kind != "number":
        return "qualitative"
    if target.number == 0 and target.op in (">=", ">"):
        return "qualitative"  # '≥0': nothing to divide by; met or not met
    if target.op in LOWER_IS_BETTER_OPS or target.number == 0:
        return "inverse_proportional"
    return "proportional"


def budget_lines(budget: Budget) -> list[tuple[str, Decimal, Decimal]]:
    """(label, annual, executed) per year when the budget has year lines, else one line for the total."""
    if budget.years:
        return [(f"{line.year}年", line.annual, line.executed) for line in budget.years]
    return [("", budget.annual, budget.executed)]


def apply_rule(case: Case, ind: Indicator, rule: RuleName) -> RuleResult:
    """Score one indicator with `rule`. Raises RuleError with a Chinese message (without the row name)."""
    w = ind.weight
    if rule == "budget_execution":
        if case.budget is None:
            raise RuleError("budget_execution 规则须在案例中填写 budget")
        return rules.budget_execution(w, budget_lines(case.budget), ind.full_at, ind.zero_below)
    if rule in ("proportional", "inverse_proportional", "qualitative"):
        target = _parse(ind.target, "年度指标值", "target")
        actual = _parse(ind.actual, "实际完成值", "actual")
        if rule == "proportional":
            return rules.proportional(w, target, actual)
        if rule == "inverse_proportional":
            return rules.inverse_proportional(w, target, actual)
        return rules.qualitative(w, target, actual)
    if rule == "tiers":
        return rules.tiers(w, _parse(ind.actual, "实际完成值", "actual"), ind.tiers or [])
    if rule == "rate":
        return rules.rate(w, _parse(ind.actual, "实际完成值", "actual"))
    if rule == "likert":
        return rules.likert(w, ind.responses or {})
    if rule == "deduction":
        return rules.deduction(w, [(d.points, d.finding) for d in ind.deductions or []])
    if rule == "checklist":
        return rules.checklist(w, [(c.points, c.met, c.text) for c in ind.criteria or []])
    if rule == "judged":
        return rules.judged(w, ind.score, ind.reason)
    raise RuleError(f"未知的评分规则 {rule}")  # pragma: no cover - RuleName is a closed Literal

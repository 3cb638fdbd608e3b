"""Choosing and applying the rule for one indicator row."""

from __future__ import annotations

from decimal import Decimal

from assistant.case import Budget, Case, Indicator, RuleName

from . import rules
from .rules import QualitativeUnmet, RuleError, RuleResult
from .scoring_text import TextRule, deductions_in, read_scoring_text
from .values import ParsedValue, ValueParseError, parse_value

LOWER_IS_BETTER_OPS = frozenset({"<=", "<"})
NUMERIC_RULES = frozenset({"proportional", "inverse_proportional", "equality"})
BLANK_MARKS = frozenset({"", "—", "——", "-", "--", "－", "/", "／", "无", "\\", "不适用"})
"""Cell contents that mean 'nothing written' in received forms."""
NATURE_OPERATORS = {
    "≥": "≥",
    ">=": "≥",
    "＞": ">",
    ">": ">",
    "≤": "≤",
    "<=": "≤",
    "＜": "<",
    "<": "<",
    "=": "=",
    "＝": "=",
    "正向": "≥",
    "反向": "≤",
    "等于": "=",
    "大于等于": "≥",
    "小于等于": "≤",
}
"""指标性质 column entries and the operator each puts before the 指标值."""


def is_blank(text: str | None) -> bool:
    return text is None or text.strip() in BLANK_MARKS


def _bare_number(text: str) -> bool:
    try:
        value = parse_value(text)
    except ValueParseError:
        return False
    return value.kind == "number" and not value.unit and value.op is None


def effective_target(ind: Indicator) -> str | None:
    """年度指标值 with the form's 指标性质 and 度量单位 columns folded in: '≥' + '90' + '%' → '≥90%'."""
    if is_blank(ind.target):
        return None
    text = str(ind.target).strip()
    nature = (ind.nature or "").strip()
    op = NATURE_OPERATORS.get(nature)
    unit = "" if is_blank(ind.unit) else str(ind.unit).strip()
    if _bare_number(text):
        return f"{op or ''}{text}{unit}"
    if op and not text.startswith(tuple("≥≤=＝><＞＜")):
        try:
            if parse_value(text).kind == "number":
                return f"{op}{text}"
        except ValueParseError:
            return text
    return text


def effective_actual(ind: Indicator) -> str | None:
    """实际完成值 with the 度量单位 column appended to a bare number ('91.7' + '%' → '91.7%')."""
    if is_blank(ind.actual):
        return None
    text = str(ind.actual).strip()
    unit = "" if is_blank(ind.unit) else str(ind.unit).strip()
    return f"{text}{unit}" if unit and _bare_number(text) else text


def _parse(text: str | None, label: str, field: str) -> ParsedValue:
    if text is None or not str(text).strip():
        raise RuleError(f"{label}({field})：缺少")
    try:
        return parse_value(text)
    except ValueParseError as exc:
        raise RuleError(f"{label}({field})：{exc}") from None


def text_rule(ind: Indicator, case: Case | None) -> TextRule | None:
    """The rule a received form's row states in its own 评分标准, if any (see :mod:`.scoring_text`).

    Only for received forms: a typed case names its rule and parameters explicitly, so a 评分标准 text kept
    for the report never changes how it is scored.
    """
    if case is None or not case.received:
        return None
    return read_scoring_text(ind.standard, ind.weight)


def infer_rule(ind: Indicator, case: Case | None = None) -> RuleName:
    """The given rule, else the one implied by the fields present, else by the row's scoring text, else by
    the target.

    ``≥ >`` or a bare number → proportional; ``=`` → equality; ``≤ <`` or a zero target (``0起``) →
    inverse_proportional; a date or a word → qualitative (and so is ``≥0``: met when the actual satisfies
    it); no target at all ('—') with a word actual → qualitative.
    """
    if ind.rule is not None:
        return ind.rule
    from .registry import RULES

    for spec in RULES.values():
        if spec.implied_by and getattr(ind, spec.implied_by) is not None:
            return spec.name
    stated = text_rule(ind, case)
    if stated is not None and stated.kind in ("rate", "tiers"):
        return stated.kind  # type: ignore[return-value]
    target_text = effective_target(ind)
    if target_text is None:
        actual = effective_actual(ind)
        if actual is not None and _parse(actual, "实际完成值", "actual").kind == "word":
            return "qualitative"
        raise RuleError("年度指标值(target)：缺少")
    if (ind.nature or "").strip() == "定性":
        return "qualitative"
    target = _parse(target_text, "年度指标值", "target")
    if target.kind != "number":
        return "qualitative"
    if target.number == 0 and target.op in (">=", ">"):
        return "qualitative"  # '≥0': nothing to divide by; met or not met
    if target.op in LOWER_IS_BETTER_OPS or target.number == 0:
        return "inverse_proportional"
    if target.op == "=":
        return "equality"
    return "proportional"


def budget_lines(budget: Budget) -> list[tuple[str, Decimal, Decimal]]:
    """(label, annual, executed) per year when the budget has year lines, else one line for the total."""
    if budget.years:
        return [(f"{line.year}年", line.annual, line.executed) for line in budget.years]
    return [("", budget.annual, budget.executed)]


def _by_deductions(ind: Indicator, stated: TextRule, unmet: QualitativeUnmet) -> RuleResult:
    """An unmet row whose scoring text deducts per finding: the deductions its 扣分原因 lists."""
    found = deductions_in(ind.deviation)
    if not found:
        raise unmet
    result = rules.deduction(ind.weight, found)
    result.formula = f"按本行评分标准（每处扣{rules.fmt(stated.per or Decimal(0))}分）：{result.formula}"
    result.applied = "deduction"
    return result


def _per_point(ind: Indicator, stated: TextRule, target: ParsedValue, actual: ParsedValue) -> RuleResult:
    """ "每低1个百分点扣1分": full when met, else weight − per × shortfall / step, floored at 0."""
    if rules.states_met(target, actual):
        return rules.RuleResult(
            score=rules.round2(ind.weight),
            formula=f"实际“{actual.text.strip()}”达到目标“{target.text.strip()}”，得满分 {rules.fmt(ind.weight)}",
        )
    if target.number is None or actual.number is None or not stated.step or not stated.per:
        raise RuleError("本行评分标准按百分点扣分，但指标值或完成值不是数值")
    shortfall = abs(target.number - actual.number)
    lost = stated.per * shortfall / stated.step
    score = rules.round2(max(Decimal(0), ind.weight - lost))
    return RuleResult(
        score=score,
        formula=(
            f"按本行评分标准：{rules.fmt(ind.weight)} − {rules.fmt(stated.per)} × "
            f"{rules.fmt(shortfall)}/{rules.fmt(stated.step)} = {rules.fmt(score)}"
        ),
        applied="deduction",
    )


def _target_actual_rule(case: Case, ind: Indicator, rule: RuleName) -> RuleResult:
    target_text = effective_target(ind)
    actual = _parse(effective_actual(ind), "实际完成值", "actual")
    target = None if target_text is None else _parse(target_text, "年度指标值", "target")
    if target is None and rule != "qualitative":
        raise RuleError("年度指标值(target)：缺少")
    stated = text_rule(ind, case)
    if stated is not None and stated.kind == "per_point" and target is not None:
        return _per_point(ind, stated, target, actual)
    try:
        if target is None or rule == "qualitative" or actual.kind == "word":
            return rules.qualitative(ind.weight, target, actual)
        if rule == "proportional":
            return rules.proportional(ind.weight, target, actual)
        if rule == "inverse_proportional":
            return rules.inverse_proportional(ind.weight, target, actual)
        return rules.equality(ind.weight, target, actual)
    except QualitativeUnmet as unmet:
        if stated is not None and stated.kind == "per_finding":
            return _by_deductions(ind, stated, unmet)
        raise


def apply_budget_execution(case: Case, ind: Indicator) -> RuleResult:
    if case.budget is None:
        raise RuleError("budget_execution 规则须在案例中填写 budget")
    return rules.budget_execution(ind.weight, budget_lines(case.budget), ind.full_at, ind.zero_below)


def apply_target_rule(rule: RuleName):
    """The apply function of a target/actual rule (proportional, inverse_proportional, equality, qualitative)."""

    def apply(case: Case, ind: Indicator) -> RuleResult:
        return _target_actual_rule(case, ind, rule)

    return apply


def apply_tiers(case: Case, ind: Indicator) -> RuleResult:
    w = ind.weight
    bands = ind.tiers
    prefix = ""
    if bands is None:
        stated = text_rule(ind, case)
        if stated is None or stated.kind != "tiers":
            raise RuleError("tiers 规则须填写 tiers")
        bands = [(threshold, points / w) for threshold, points in stated.tiers]
        prefix = "按本行评分标准分档："
    result = rules.tiers(w, _parse(effective_actual(ind), "实际完成值", "actual"), bands)
    result.formula = prefix + result.formula
    return result


def apply_rate(case: Case, ind: Indicator) -> RuleResult:
    result = rules.rate(ind.weight, _parse(effective_actual(ind), "实际完成值", "actual"))
    if text_rule(ind, case) is not None:
        result.formula = "按本行评分标准：" + result.formula
    return result


def apply_likert(case: Case, ind: Indicator) -> RuleResult:
    return rules.likert(ind.weight, ind.responses or {})


def apply_deduction(case: Case, ind: Indicator) -> RuleResult:
    return rules.deduction(ind.weight, [(d.points, d.finding) for d in ind.deductions or []])


def apply_checklist(case: Case, ind: Indicator) -> RuleResult:
    return rules.checklist(ind.weight, [(c.points, c.met, c.text) for c in ind.criteria or []])


def apply_judged(case: Case, ind: Indicator) -> RuleResult:
    return rules.judged(ind.weight, ind.score, ind.reason)


def apply_rule(case: Case, ind: Indicator, rule: RuleName) -> RuleResult:
    """Score one indicator with `rule`. Raises RuleError with a Chinese message (without the row name)."""
    from .registry import RULES

    spec = RULES.get(rule)
    if spec is None:
        raise RuleError(f"未知的评分规则 {rule}")
    return spec.apply(case, ind)

"""The scoring-rule registry (评分规则表): one entry per rule — name, Chinese label, parameters, how it is
inferred, how it is applied, what it needs. The CLI, the workbench, the Excel export and the checker take
their labels from :data:`RULE_LABELS`; the scorer dispatches through :data:`RULES`. A new rule is a function
in ``rules.py``, an apply function in ``apply.py`` and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from assistant.case import Case, Indicator, RuleName

from . import apply as _apply
from .rules import RuleResult


class RuleSpec(BaseModel):
    """One scoring rule."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: RuleName = Field(description="The rule's key in case files")
    label: str = Field(description="The Chinese label every screen shows")
    formula: str = Field(description="The rule in one Chinese line")
    params: tuple[str, ...] = Field(default=(), description="Indicator fields only this rule reads")
    implied_by: str | None = Field(
        default=None, description="An indicator field whose presence implies this rule (inference)"
    )
    needs_target: bool = Field(default=False, description="The row must give 年度指标值")
    needs_actual: bool = Field(default=False, description="The row must give 实际完成值")
    apply: Callable[[Case, Indicator], RuleResult] = Field(description="Scores one row")


_SPECS = [
    RuleSpec(
        name="judged",
        label="人工评分",
        formula="评价人员给出的分数，须写明理由",
        params=("score", "reason"),
        implied_by="score",
        apply=_apply.apply_judged,
    ),
    RuleSpec(
        name="deduction",
        label="扣分制",
        formula="分值 − 各项扣分，扣完为止",
        params=("deductions",),
        implied_by="deductions",
        apply=_apply.apply_deduction,
    ),
    RuleSpec(
        name="checklist",
        label="要点计分",
        formula="满足的评分要点分数之和",
        params=("criteria",),
        implied_by="criteria",
        apply=_apply.apply_checklist,
    ),
    RuleSpec(
        name="tiers",
        label="分档",
        formula="实际值所在档次的分数",
        params=("tiers",),
        implied_by="tiers",
        needs_actual=True,
        apply=_apply.apply_tiers,
    ),
    RuleSpec(
        name="likert",
        label="满意度问卷均值",
        formula="分值 × Σ(分数×人数) / (5 × 人数)",
        params=("responses",),
        implied_by="responses",
        apply=_apply.apply_likert,
    ),
    RuleSpec(
        name="budget_execution",
        label="预算执行率",
        formula="分值 × min(执行数 / 预算数, 1)",
        params=("full_at", "zero_below"),
        apply=_apply.apply_budget_execution,
    ),
    RuleSpec(
        name="proportional",
        label="比例（越高越好）",
        formula="分值 × min(实际值 / 目标值, 1)",
        needs_target=True,
        needs_actual=True,
        apply=_apply.apply_target_rule("proportional"),
    ),
    RuleSpec(
        name="inverse_proportional",
        label="比例（越低越好）",
        formula="实际值 ≤ 目标值得满分，否则 分值 × 目标值 / 实际值",
        needs_target=True,
        needs_actual=True,
        apply=_apply.apply_target_rule("inverse_proportional"),
    ),
    RuleSpec(
        name="equality",
        label="等于目标",
        formula="实际值 = 目标值得满分，不足按 实际/目标、超出按 目标/实际 计分",
        needs_target=True,
        needs_actual=True,
        apply=_apply.apply_target_rule("equality"),
    ),
    RuleSpec(
        name="qualitative",
        label="定性达成",
        formula="实际完成情况表明达到目标得满分，否则人工评分",
        needs_actual=True,
        apply=_apply.apply_target_rule("qualitative"),
    ),
    RuleSpec(
        name="rate",
        label="比率×分值",
        formula="分值 × 实际比率",
        needs_actual=True,
        apply=_apply.apply_rate,
    ),
]

RULES: dict[str, RuleSpec] = {spec.name: spec for spec in _SPECS}
"""Rule name → spec, in inference order (field-implied rules first)."""

RULE_LABELS: dict[str, str] = {spec.name: spec.label for spec in _SPECS}
"""Rule name → Chinese label: the one label table for every screen and export."""

RULE_BY_LABEL: dict[str, str] = {spec.label: spec.name for spec in _SPECS}
"""Chinese label → rule name (for forms and spreadsheets that write the label)."""

RULE_PARAMS: dict[str, str] = {param: spec.name for spec in _SPECS for param in spec.params}
"""Rule-specific indicator field → the one rule that uses it."""


def rule_label(name: str | None) -> str:
    """The Chinese label of a rule name ('' → 自动判断; an unknown name is shown as written)."""
    if not name:
        return "自动判断"
    return RULE_LABELS.get(name, name)

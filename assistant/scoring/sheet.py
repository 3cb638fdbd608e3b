"""The score sheet (评分表): what the scorer returns and every later stage reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from assistant.case import CaseKind, RuleName

Grade = Literal["优", "良", "中", "差"]

GRADE_BANDS: tuple[tuple[Decimal, Grade], ...] = (
    (Decimal(90), "优"),
    (Decimal(80), "良"),
    (Decimal(60), "中"),
)
"""Lower bounds (inclusive) of the grade bands; below the last → 差 (domain.md §2)."""

RATE_PLACES = Decimal("0.0001")
"""Rates are fractions kept to 4 places, i.e. percentages with 2 decimals."""


def grade_for(total: Decimal) -> Grade:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差."""
    for bound, grade in GRADE_BANDS:
        if total >= bound:
            return grade
    return "差"


def rate_of(score: Decimal, weight: Decimal) -> Decimal:
    """得分率 as a fraction rounded half up to 4 places (0.9286 = 92.86%)."""
    from decimal import ROUND_HALF_UP

    if weight == 0:
        return Decimal(0)
    return (score / weight).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


class IndicatorResult(BaseModel):
    """One scored leaf indicator."""

    path: list[str] = Field(description="一级/二级/三级(/四级) names")
    weight: Decimal = Field(description="分值")
    score: Decimal = Field(description="得分, 2 decimals")
    rule: RuleName = Field(description="The rule applied (given or inferred)")
    formula: str = Field(description="The computation with the numbers filled in (Chinese)")
    judged: bool = Field(description="True when the score is an evaluator's judgement, not rule-computed")
    reported_score: Decimal | None = Field(default=None, description="The source document's score, if any")
    target: str | None = Field(default=None, description="年度指标值 as written")
    actual: str | None = Field(default=None, description="实际完成值 as written")
    findings: list[str] = Field(
        default_factory=list, description="Why points were lost (deductions, reasons…)"
    )
    evidence: str = Field(default="", description="评分依据 / 依据来源")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lost(self) -> Decimal:
        """Points lost (分值 − 得分)."""
        return self.weight - self.score

    @property
    def key(self) -> str:
        return "/".join(self.path)

    @property
    def agrees_with_report(self) -> bool | None:
        """Whether the computed score equals the reported one (None when nothing was reported)."""
        return None if self.reported_score is None else self.score == self.reported_score


class GroupResult(BaseModel):
    """A subtotal for one node above the leaves (一级, 二级, …)."""

    path: list[str] = Field(description="Path of the group, e.g. ['产出指标'] or ['产出指标', '质量指标']")
    level: int = Field(description="1 for 一级, 2 for 二级, …")
    weight: Decimal = Field(description="满分 of the group")
    score: Decimal = Field(description="得分: sum of its rounded indicator scores")
    rate: Decimal = Field(description="得分率 as a fraction, 4 places")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lost(self) -> Decimal:
        """Points lost (满分 − 得分)."""
        return self.weight - self.score

    @property
    def key(self) -> str:
        return "/".join(self.path)


class BudgetResult(BaseModel):
    """预算执行 for the sheet: the execution rate and, when scored, its points."""

    initial: Decimal | None = Field(default=None, description="年初预算数 (万元)")
    annual: Decimal = Field(description="全年预算数 A (万元)")
    executed: Decimal = Field(description="全年执行数 B (万元)")
    rate: Decimal = Field(description="执行率 B/A as a fraction, 4 places")
    weight: Decimal | None = Field(default=None, description="分值 when budget execution is scored")
    score: Decimal | None = Field(default=None, description="得分 when budget execution is scored")
    formula: str = Field(default="", description="The computation, when scored")


class ScoreSheet(BaseModel):
    """The full result of scoring a case."""

    kind: CaseKind
    total: Decimal = Field(description="总分, 2 decimals")
    max_total: Decimal = Field(default=Decimal(100), description="满分")
    rate: Decimal = Field(description="总得分率 as a fraction")
    grade: Grade = Field(description="等级: 优/良/中/差")
    budget: BudgetResult | None = Field(
        default=None, description="预算执行, None when the case has no budget"
    )
    groups: list[GroupResult] = Field(
        description="Subtotals, 一级 first then 二级 (and deeper), in tree order"
    )
    indicators: list[IndicatorResult] = Field(description="Leaf results in case order")
    reported_total: Decimal | None = Field(default=None, description="总分 the source document reported")
    reported_grade: str | None = Field(default=None, description="等级 the source document reported")

    def group(self, path: list[str] | str) -> GroupResult:
        """Look a group up by path (list or 'a/b'); KeyError when absent."""
        key = path if isinstance(path, str) else "/".join(path)
        for group in self.groups:
            if group.key == key:
                return group
        raise KeyError(key)

    def indicator(self, path: list[str] | str) -> IndicatorResult:
        """Look an indicator up by path (list or 'a/b/c'); KeyError when absent."""
        key = path if isinstance(path, str) else "/".join(path)
        for result in self.indicators:
            if result.key == key:
                return result
        raise KeyError(key)

    def level(self, level: int) -> list[GroupResult]:
        """The groups at one level: 1 → 一级指标, 2 → 二级指标."""
        return [g for g in self.groups if g.level == level]

    def lost_points(self) -> list[IndicatorResult]:
        """Indicators that lost points, in case order (each is a finding for the report)."""
        return [r for r in self.indicators if r.score < r.weight]

    def judged_indicators(self) -> list[IndicatorResult]:
        return [r for r in self.indicators if r.judged]

    def as_json(self) -> dict[str, Any]:
        """The CLI/API JSON contract (issue 3 item 5): numbers as JSON numbers, rates as fractions.

        ``{"total", "grade", "rate", "budget": {"rate", "score", "weight", "annual", "executed"} | null,
        "groups": [{"path", "level", "weight", "score", "rate"}],
        "indicators": [{"path", "weight", "score", "rule", "formula", "judged", "reported_score"}],
        "reported_total"}``
        """
        budget = None
        if self.budget is not None:
            b = self.budget
            budget = {
                "rate": _number(b.rate),
                "score": _number(b.score),
                "weight": _number(b.weight),
                "annual": _number(b.annual),
                "executed": _number(b.executed),
            }
        return {
            "kind": self.kind,
            "total": _number(self.total),
            "grade": self.grade,
            "rate": _number(self.rate),
            "budget": budget,
            "groups": [
                {
                    "path": g.path,
                    "level": g.level,
                    "weight": _number(g.weight),
                    "score": _number(g.score),
                    "rate": _number(g.rate),
                }
                for g in self.groups
            ],
            "indicators": [
                {
                    "path": r.path,
                    "weight": _number(r.weight),
                    "score": _number(r.score),
                    "rule": r.rule,
                    "formula": r.formula,
                    "judged": r.judged,
                    "reported_score": _number(r.reported_score),
                }
                for r in self.indicators
            ],
            "reported_total": _number(self.reported_total),
        }


def _number(value: Decimal | None) -> float | None:
    """A Decimal as a JSON number (2-place scores and 4-place rates survive float exactly as printed)."""
    return None if value is None else float(value)

"""The score sheet (评分表): what the scorer returns and every later stage reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from assistant.case import CaseKind, CellLocation, RuleName, path_key

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
    recomputed: bool = Field(
        default=True,
        description="False when a received form's row could not be recomputed: its reported score is kept",
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lost(self) -> Decimal:
        """Points lost (分值 − 得分)."""
        return self.weight - self.score

    @property
    def key(self) -> str:
        return path_key(self.path)

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
        return path_key(self.path)


class BudgetResult(BaseModel):
    """预算执行 for the sheet: the execution rate and, when scored, its points."""

    initial: Decimal | None = Field(default=None, description="年初预算数 (万元)")
    annual: Decimal = Field(description="全年预算数 A (万元)")
    executed: Decimal = Field(description="全年执行数 B (万元)")
    rate: Decimal = Field(description="执行率 B/A as a fraction, 4 places")
    weight: Decimal | None = Field(default=None, description="分值 when budget execution is scored")
    score: Decimal | None = Field(default=None, description="得分 when budget execution is scored")
    formula: str = Field(default="", description="The computation, when scored")
    from_sources: bool = Field(
        default=False,
        description="True when the amounts are the sum of the 其中 rows (the total row was empty)",
    )


class FigureComparison(BaseModel):
    """One reported figure beside the recomputed one (填报 vs 重算), with the reason they differ."""

    figure: str = Field(description="Figure id: 'indicator[<key>].score', 'budget.rate', 'total', 'grade'…")
    row: str = Field(description="The row as a person names it: 指标 path, 年度资金总额, 总分, 评价结论")
    column: str = Field(description="The column: 得分, 执行率, 全年预算数, 等级…")
    reported: str | None = Field(description="As written in the source ('' = blank cell)")
    reported_value: Decimal | None = Field(default=None, description="The reported number, when it is one")
    computed: str = Field(description="The recomputed figure as text (scores 2 decimals, rates 2-decimal %)")
    computed_value: Decimal | None = Field(default=None, description="The recomputed number, when numeric")
    difference: Decimal | None = Field(
        default=None, description="reported − computed (None when not numeric)"
    )
    agrees: bool = Field(
        description="True when the reported figure equals the recomputed one under the policy"
    )
    status: Literal["agrees", "differs", "blank", "not_recomputed"] = Field(description="Outcome")
    cause: str = Field(
        default="", description="Machine-readable cause: rounding, denominator, met_but_deducted…"
    )
    reason: str = Field(default="", description="Why they differ, in Chinese")
    derived: bool = Field(
        default=False, description="True when the difference only follows from an earlier one (a total…)"
    )
    location: CellLocation | None = Field(default=None, description="The cell in the source document")


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
    notes: list[str] = Field(
        default_factory=list,
        description="What a received form lacks or gets wrong that did not stop scoring (Chinese lines)",
    )
    comparisons: list[FigureComparison] = Field(
        default_factory=list, description="Every reported figure beside the recomputed one"
    )
    empty_rows: list[list[str]] = Field(default_factory=list, description="Placeholder rows, not scored")

    def differences(self) -> list[FigureComparison]:
        """The comparisons where the reported figure differs from the recomputed one (or is blank)."""
        return [c for c in self.comparisons if not c.agrees and c.status != "not_recomputed"]

    def group(self, path: list[str] | str) -> GroupResult:
        """Look a group up by path (list or 'a/b'); KeyError when absent."""
        key = path if isinstance(path, str) else path_key(path)
        for group in self.groups:
            if group.key == key:
                return group
        raise KeyError(key)

    def indicator(self, path: list[str] | str) -> IndicatorResult:
        """Look an indicator up by path (list or 'a/b/c'); KeyError when absent."""
        key = path if isinstance(path, str) else path_key(path)
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
        "indicators": [{"path", "weight", "score", "rule", "rule_label", "formula", "judged", "recomputed",
        "reported_score"}], "reported_total", "reported_grade",
        "comparisons": [{"figure", "row", "column", "reported", "computed", "difference", "agrees", "status",
        "cause", "reason", "derived", "location"}], "notes": [...], "empty_rows": [[...]],
        "policy": {...}}`` — ``comparisons`` holds every reported figure beside the recomputed one, and
        ``policy`` states how they were compared (see :mod:`assistant.scoring.reconcile`).
        """
        from .reconcile import POLICY
        from .registry import rule_label

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
                    "rule_label": rule_label(r.rule),
                    "formula": r.formula,
                    "judged": r.judged,
                    "recomputed": r.recomputed,
                    "reported_score": _number(r.reported_score),
                }
                for r in self.indicators
            ],
            "reported_total": _number(self.reported_total),
            "reported_grade": self.reported_grade,
            "comparisons": [
                {
                    "figure": c.figure,
                    "row": c.row,
                    "column": c.column,
                    "reported": c.reported,
                    "computed": c.computed,
                    "difference": _number(c.difference),
                    "agrees": c.agrees,
                    "status": c.status,
                    "cause": c.cause,
                    "reason": c.reason,
                    "derived": c.derived,
                    "location": None
                    if c.location is None
                    else {**c.location.model_dump(exclude_none=True), "text": c.location.describe()},
                }
                for c in self.comparisons
            ],
            "notes": list(self.notes),
            "empty_rows": [list(p) for p in self.empty_rows],
            "policy": POLICY.as_json(),
        }


def _number(value: Decimal | None) -> float | None:
    """A Decimal as a JSON number (2-place scores and 4-place rates survive float exactly as printed)."""
    return None if value is None else float(value)

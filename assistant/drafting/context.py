"""What every drafter works from: the case, the scorer's values, and the reference keys they may quote.

Every figure and every case string a draft shows is a ``{ref:key}``. The keys come from three places:
the scorer (``sheet_values``: ``total``, ``grade``, ``group[决策].rate``, ``indicator[…].score`` …), the case
(``project.name``, ``narrative.background``, ``indicator[…].target`` …), and counts computed here
(``count.problems`` …). :attr:`DraftContext.origin` records which, for the faithfulness eval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from assistant.case import Case, FindingCategory, Indicator, path_key
from assistant.report import format_value

Origin = Literal["scorer", "case", "computed"]

CATEGORY_ORDER: tuple[FindingCategory, ...] = ("决策", "过程", "产出", "效益")

# 一级指标 names as the corpus writes them → the problem category they belong to (domain.md §4).
# 成本 sits under 产出 as in 财预〔2020〕10号 (产出成本); 满意度 is a 效益 measure.
_LEVEL1_CATEGORY: tuple[tuple[str, FindingCategory], ...] = (
    ("决策", "决策"),
    ("立项", "决策"),
    ("过程", "过程"),
    ("管理", "过程"),
    ("成本", "产出"),
    ("产出", "产出"),
    ("绩效", "产出"),
    ("效益", "效益"),
    ("满意", "效益"),
)


def category_for(level1: str) -> FindingCategory:
    """Problem category of a 一级指标 name (项目决策 → 决策, 成本指标 → 产出, 满意度指标 → 效益)."""
    for word, category in _LEVEL1_CATEGORY:
        if word in level1:
            return category
    return "产出"


@dataclass
class DraftContext:
    """The case, the formatted values by key, and where each value came from."""

    case: Case
    values: dict[str, str] = field(default_factory=dict)
    origin: dict[str, Origin] = field(default_factory=dict)
    raw: dict[str, Decimal | str] = field(default_factory=dict)
    todo: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Facts the draft still needs, in order of first mention: what → (workbench field, case-file key)."""
    enrich: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Fields the draft wrote from other case facts (no marker in the text) that the user may still fill in
    to replace the derived wording: what → (workbench field, case-file key)."""
    analysis_title: str = "{group}指标分析"
    """Title pattern of the per-group analysis sections, from the report outline."""

    def put(self, key: str, value: Decimal | int | str, origin: Origin) -> str:
        """Register a value (first registration wins) and return its ``{ref:key}`` marker."""
        if key not in self.values:
            self.values[key] = format_value(key, value)
            self.origin[key] = origin
            self.raw[key] = value if isinstance(value, Decimal | str) else Decimal(value)
        return f"{{ref:{key}}}"

    def ref(self, key: str) -> str:
        """The marker for an existing key (KeyError if nobody supplied it)."""
        if key not in self.values:
            raise KeyError(key)
        return f"{{ref:{key}}}"

    @property
    def budget_scored(self) -> bool:
        """Budget execution scored outside the indicator tree (self-evaluation forms: 10 points)."""
        return self.case.budget_weight() > 0 and "budget.score" in self.values

    def has(self, key: str) -> bool:
        return key in self.values and self.values[key] != ""

    def text(self, key: str, text: str | None) -> str | None:
        """Register a case string; returns its marker, or None for an empty string."""
        if not text:
            return None
        return self.put(key, text.strip(), "case")

    def number(self, key: str) -> Decimal | None:
        value = self.raw.get(key)
        return value if isinstance(value, Decimal) else None

    # ---- indicators

    def score(self, ind: Indicator) -> Decimal | None:
        return self.number(f"indicator[{ind.key}].score")

    def lost(self, ind: Indicator) -> Decimal:
        score = self.score(ind)
        return Decimal(0) if score is None else max(ind.weight - score, Decimal(0))

    def lost_indicators(self) -> list[Indicator]:
        return [i for i in self.case.indicators if self.lost(i) > 0]

    def level1_names(self) -> list[str]:
        seen: list[str] = []
        for ind in self.case.indicators:
            if ind.path[0] not in seen:
                seen.append(ind.path[0])
        return seen

    def indicators_of(self, level1: str) -> list[Indicator]:
        return [i for i in self.case.indicators if i.path[0] == level1]


def build_context(case: Case, sheet_numbers: dict[str, Decimal | str]) -> DraftContext:
    """Register the scorer's values, then the case facts and the counts the prose needs."""
    ctx = DraftContext(case=case)
    for key, value in sheet_numbers.items():
        ctx.put(key, value, "scorer")
    p = case.project
    ctx.text("project.name", p.name)
    ctx.text("project.department", p.department or None)
    ctx.text("project.implementer", p.implementer or None)
    ctx.text("project.evaluator", p.evaluator or None)
    if p.year is not None:
        ctx.put("project.year", str(p.year), "case")
    if case.budget is not None:
        b = case.budget
        if b.initial is not None:
            ctx.put("budget.initial", b.initial, "case")
        ctx.put("budget.annual", b.annual, "case")
        ctx.put("budget.executed", b.executed, "case")
        if case.budget_weight():
            ctx.put("budget.weight", case.budget_weight(), "case")
        for n, source in enumerate(b.sources):
            ctx.text(f"budget.source[{n}].name", source.name)
            for name in ("initial", "annual", "executed"):
                if getattr(source, name) is not None:
                    ctx.put(f"budget.source[{n}].{name}", getattr(source, name), "case")
            ctx.text(f"budget.source[{n}].reported_rate", source.reported_rate)
    for name, value in case.narrative.model_dump().items():
        ctx.text(f"narrative.{name}", value)
    for ind in case.indicators:
        _register_indicator(ctx, ind)
    for level1 in ctx.level1_names():
        weight = sum((i.weight for i in ctx.indicators_of(level1)), Decimal(0))
        ctx.put(f"group[{level1}].weight", weight, "case")
        ctx.text(f"group[{level1}].name", level1)
        lost = [i for i in ctx.indicators_of(level1) if ctx.lost(i) > 0]
        ctx.put(f"count.lost_indicators[{level1}]", len(lost), "computed")
        ctx.put(f"count.indicators[{level1}]", len(ctx.indicators_of(level1)), "computed")
    ctx.put("count.indicators", len(case.indicators), "computed")
    ctx.put("count.lost_indicators", len(ctx.lost_indicators()), "computed")
    ctx.put("count.full_indicators", len(case.indicators) - len(ctx.lost_indicators()), "computed")
    ctx.put("count.level1", len(ctx.level1_names()), "computed")
    for i, f in enumerate(case.findings):
        ctx.text(f"finding[{i}].text", f.text)
        ctx.text(f"finding[{i}].evidence", f.evidence or None)
        ctx.text(f"finding[{i}].cause", f.cause or None)
        ctx.text(f"finding[{i}].responsible", f.responsible or None)
    return ctx


def _register_indicator(ctx: DraftContext, ind: Indicator) -> None:
    k = f"indicator[{ind.key}]"
    for depth, name in enumerate(ind.path):
        ctx.text(f"name[{path_key(ind.path[: depth + 1])}]", name)
    ctx.put(f"{k}.weight", ind.weight, "case")
    ctx.text(f"{k}.target", ind.target)
    ctx.text(f"{k}.actual", ind.actual)
    ctx.text(f"{k}.finding", ind.finding)
    ctx.text(f"{k}.evidence", ind.evidence)
    ctx.text(f"{k}.deviation", ind.deviation)
    ctx.text(f"{k}.reason", ind.reason)
    ctx.text(f"{k}.explanation", ind.explanation or None)
    ctx.text(f"{k}.standard", ind.standard)
    for j, d in enumerate(ind.deductions or []):
        ctx.put(f"{k}.deduction[{j}].points", d.points, "case")
        ctx.text(f"{k}.deduction[{j}].finding", d.finding)
        ctx.text(f"{k}.deduction[{j}].evidence", d.evidence or None)
    for j, c in enumerate(ind.criteria or []):
        if not c.met:
            ctx.put(f"{k}.criterion[{j}].points", c.points, "case")
        ctx.text(f"{k}.criterion[{j}].text", c.text)

"""Scorer evaluation (评分引擎评测): re-score the gold cases and compare with what the documents reported.

Each gold case in ``evals/cases/*.yaml`` is a form or report transcribed from the corpus with the document's own
numbers as ``reported_score`` / ``reported_total``. This module scores every case with :func:`score_case` and
reports, per case and per indicator, whether the deterministic scorer reproduces the document — and, for rows
marked ``judged``, what the plain rule would have given, so every departure from a rule is listed with the
document's reason.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.case import Case, Indicator
from assistant.case_io import load_case
from assistant.errors import InputError
from assistant.scoring import ScoreSheet, score_case
from assistant.scoring.apply import apply_rule, infer_rule
from assistant.scoring.rules import RuleError

DEFAULT_CASES_DIR = Path(__file__).resolve().parents[2] / "evals" / "cases"
"""The gold cases of a source checkout."""

ITEMISED_RULES = frozenset({"deduction", "checklist"})
"""Rules that re-add an evaluator's itemised findings rather than compute from figures."""

DEFAULT_RESULT_PATH = Path(__file__).resolve().parents[2] / "evals" / "results" / "scorer.json"
"""Where `pe-assistant eval scorer` writes its JSON result by default."""


class IndicatorComparison(BaseModel):
    """One indicator: the scorer's result next to the document's score."""

    path: list[str] = Field(description="一级/二级/三级(/四级) names")
    weight: Decimal = Field(description="分值")
    rule: str = Field(description="Rule applied (given or inferred)")
    judged: bool = Field(
        description="True when the score is the evaluator's judged number, not rule-computed"
    )
    computed_score: Decimal = Field(description="Score from the scorer")
    reported_score: Decimal | None = Field(default=None, description="Score printed in the source document")
    agrees: bool | None = Field(default=None, description="computed == reported; None when nothing reported")
    formula: str = Field(description="The scorer's working")
    rule_would_give: Decimal | None = Field(
        default=None,
        description="For judged rows: the score the rule inferred from target/actual gives, if any",
    )


class CaseComparison(BaseModel):
    """One gold case: recomputed total and grade against the document's."""

    case: str = Field(description="Case file name without extension")
    project: str = Field(default="", description="项目名称")
    kind: str = Field(default="", description="self_evaluation or evaluation")
    computed_total: Decimal | None = Field(
        default=None, description="Scorer total; None when the case failed"
    )
    reported_total: Decimal | None = Field(default=None, description="总分 printed in the document")
    total_agrees: bool | None = Field(default=None, description="computed == reported total")
    computed_grade: str | None = Field(default=None, description="Scorer grade")
    reported_grade: str | None = Field(default=None, description="等级 printed in the document")
    grade_agrees: bool | None = Field(default=None, description="computed == reported grade")
    indicators: list[IndicatorComparison] = Field(default_factory=list)
    error: str | None = Field(default=None, description="Why the case could not be loaded or scored")


class Disagreement(BaseModel):
    """A place where the scorer's number differs from the document's, or where a rule was overridden."""

    case: str = Field(description="Case file name without extension")
    kind: Literal["error", "total", "grade", "indicator", "judged"] = Field(
        description="error: case failed; total/grade/indicator: computed ≠ reported; "
        "judged: the document's score departs from the plain rule and the case carries its reason"
    )
    path: list[str] | None = Field(default=None, description="Indicator path, for indicator/judged rows")
    computed: str | None = Field(default=None, description="The scorer's value (for judged rows: the rule's)")
    reported: str | None = Field(default=None, description="The document's value")
    explanation: str = Field(description="Why they differ (Chinese)")


class ScorerEvalResult(BaseModel):
    """The headline figures and details of one run over the gold cases."""

    cases_dir: str = Field(description="Directory the cases were read from")
    cases_total: int = Field(description="Gold case files found")
    cases_scored: int = Field(description="Cases that loaded and scored without error")
    totals_reported: int = Field(description="Cases whose document reports a total")
    totals_reproduced: int = Field(description="…of which the recomputed total equals the reported total")
    grades_reported: int = Field(description="Cases whose document reports a grade")
    grades_reproduced: int = Field(description="…of which the computed grade equals it")
    indicators_total: int = Field(description="Indicator rows over all scored cases")
    rule_computed: int = Field(description="Rows scored by a rule (not judged) with a reported score")
    rule_computed_reproduced: int = Field(description="…of which the rule's score equals the reported score")
    from_figures: int = Field(
        description="Rule-computed rows whose rule works from the document's figures (target/actual, budget, "
        "survey counts) rather than from the evaluator's itemised deductions or checklist"
    )
    from_figures_reproduced: int = Field(description="…of which the computed score equals the reported score")
    judged: int = Field(description="Rows carrying the evaluator's judged score (with the document's reason)")
    judged_departing_from_rule: int = Field(
        description="Judged rows whose reported score differs from what the inferred rule gives (or no rule applies)"
    )
    rules_used: dict[str, int] = Field(description="Rows per rule")
    rules_reproduced: dict[str, int] = Field(
        description="Per rule, rows (not judged) whose computed score equals the reported score. deduction and "
        "checklist rows reproduce the evaluator's own itemised findings; the other rules compute from the "
        "document's target/actual/budget/survey figures"
    )
    cases: list[CaseComparison]
    disagreements: list[Disagreement]


def _plain_rule_score(case: Case, ind: Indicator) -> Decimal | None:
    """What the rule implied by target/actual alone gives for a judged row; None when no rule applies."""
    plain = ind.model_copy(update={"rule": None, "score": None, "reason": None})
    try:
        rule = infer_rule(plain)
        if rule == "judged":
            return None
        return apply_rule(case, plain, rule).score
    except RuleError:
        return None


def _compare_case(name: str, case: Case, sheet: ScoreSheet) -> tuple[CaseComparison, list[Disagreement]]:
    disagreements: list[Disagreement] = []
    rows: list[IndicatorComparison] = []
    by_key = {ind.key: ind for ind in case.indicators}
    for result in sheet.indicators:
        row = IndicatorComparison(
            path=result.path,
            weight=result.weight,
            rule=result.rule,
            judged=result.judged,
            computed_score=result.score,
            reported_score=result.reported_score,
            agrees=result.agrees_with_report,
            formula=result.formula,
        )
        source = by_key[result.key]
        if result.judged:
            row.rule_would_give = _plain_rule_score(case, source)
            if row.rule_would_give != result.score:
                would = (
                    "无法按规则计算" if row.rule_would_give is None else f"按规则应为 {row.rule_would_give}"
                )
                disagreements.append(
                    Disagreement(
                        case=name,
                        kind="judged",
                        path=result.path,
                        computed=None if row.rule_would_give is None else str(row.rule_would_give),
                        reported=None if result.reported_score is None else str(result.reported_score),
                        explanation=f"原文人工评分 {result.score}（{would}）；理由：{(source.reason or '').strip()}",
                    )
                )
        if row.agrees is False:
            disagreements.append(
                Disagreement(
                    case=name,
                    kind="indicator",
                    path=result.path,
                    computed=str(result.score),
                    reported=str(result.reported_score),
                    explanation=f"规则 {result.rule} 计算为 {result.score}，原文为 {result.reported_score}：{result.formula}",
                )
            )
        rows.append(row)
    comparison = CaseComparison(
        case=name,
        project=case.project.name,
        kind=case.kind,
        computed_total=sheet.total,
        reported_total=case.reported_total,
        total_agrees=None if case.reported_total is None else sheet.total == case.reported_total,
        computed_grade=sheet.grade,
        reported_grade=case.reported_grade,
        grade_agrees=None if case.reported_grade is None else sheet.grade == case.reported_grade,
        indicators=rows,
    )
    if comparison.total_agrees is False:
        disagreements.append(
            Disagreement(
                case=name,
                kind="total",
                computed=str(sheet.total),
                reported=str(case.reported_total),
                explanation=f"重算总分 {sheet.total} 与原文总分 {case.reported_total} 不一致",
            )
        )
    if comparison.grade_agrees is False:
        disagreements.append(
            Disagreement(
                case=name,
                kind="grade",
                computed=sheet.grade,
                reported=case.reported_grade,
                explanation=f"按总分 {sheet.total} 应为“{sheet.grade}”，原文为“{case.reported_grade}”",
            )
        )
    return comparison, disagreements


def run_scorer_eval(cases_dir: Path | str = DEFAULT_CASES_DIR) -> ScorerEvalResult:
    """Score every ``*.yaml``/``*.yml``/``*.json`` case in `cases_dir` and compare with the reported numbers."""
    directory = Path(cases_dir)
    if not directory.is_dir():
        raise InputError(f"找不到案例目录“{directory}”")
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))
    if not files:
        raise InputError(f"案例目录“{directory}”中没有 .yaml/.json 案例文件")
    cases: list[CaseComparison] = []
    disagreements: list[Disagreement] = []
    for path in files:
        try:
            case = load_case(path)
            sheet = score_case(case)
        except InputError as exc:
            cases.append(CaseComparison(case=path.stem, error=str(exc)))
            disagreements.append(Disagreement(case=path.stem, kind="error", explanation=str(exc)))
            continue
        comparison, found = _compare_case(path.stem, case, sheet)
        cases.append(comparison)
        disagreements.extend(found)
    scored = [c for c in cases if c.error is None]
    rows = [row for c in scored for row in c.indicators]
    rule_rows = [row for row in rows if not row.judged and row.reported_score is not None]
    figure_rows = [row for row in rule_rows if row.rule not in ITEMISED_RULES]
    counts: dict[str, int] = {}
    reproduced: dict[str, int] = {}
    for row in rows:
        counts[row.rule] = counts.get(row.rule, 0) + 1
        if not row.judged and row.agrees:
            reproduced[row.rule] = reproduced.get(row.rule, 0) + 1
    rules_used = dict(sorted(counts.items(), key=lambda item: -item[1]))
    return ScorerEvalResult(
        cases_dir=str(directory),
        cases_total=len(cases),
        cases_scored=len(scored),
        totals_reported=sum(1 for c in scored if c.reported_total is not None),
        totals_reproduced=sum(1 for c in scored if c.total_agrees),
        grades_reported=sum(1 for c in scored if c.reported_grade is not None),
        grades_reproduced=sum(1 for c in scored if c.grade_agrees),
        indicators_total=len(rows),
        rule_computed=len(rule_rows),
        rule_computed_reproduced=sum(1 for row in rule_rows if row.agrees),
        judged=sum(1 for row in rows if row.judged),
        judged_departing_from_rule=sum(1 for d in disagreements if d.kind == "judged"),
        from_figures=len(figure_rows),
        from_figures_reproduced=sum(1 for row in figure_rows if row.agrees),
        rules_used=rules_used,
        rules_reproduced={rule: reproduced.get(rule, 0) for rule in rules_used if rule != "judged"},
        cases=cases,
        disagreements=disagreements,
    )

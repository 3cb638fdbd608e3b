"""Form-reader evaluation (`pe-assistant eval forms`): read every form of a set, score it, and compare with
the set's answer key (``answers.yaml``: files → forms → budget, indicator rows, reported figures, slips).

Figures per set: rows read (path, target, actual, weight and reported score as written), placeholder rows
kept, reported figures read (budget rate and score, total, grade), row scores and totals recomputed, planted
slips reported (a difference on the slip's cell) and false alarms (a difference on a cell no slip names).
"""

from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from assistant.case import Case
from assistant.errors import InputError
from assistant.forms.headers import normalise, without_points
from assistant.forms.reader import read_forms
from assistant.scoring import ScoreSheet, score_case
from assistant.scoring.reconcile import reported_number
from assistant.scoring.sheet import FigureComparison

FORMS_DIR = Path(__file__).resolve().parents[2] / "evals" / "forms"
DEFAULT_SETS = ("dev", "synthetic", "layouts", "layouts2")
DEFAULT_RESULT_PATH = Path(__file__).resolve().parents[2] / "evals" / "results" / "forms.json"


class FormOutcome(BaseModel):
    """One form of the answer key, as read and scored."""

    file: str
    form_id: str
    error: str | None = None
    rows_expected: int = 0
    rows_read: int = 0
    placeholders_expected: int = 0
    placeholders_read: int = 0
    figures_expected: int = 0
    figures_read: int = 0
    scores_expected: int = 0
    scores_correct: int = 0
    total_correct: bool = False
    computed_total: str = ""
    correct_total: str = ""
    slips_planted: int = 0
    slips_found: int = 0
    false_alarms: list[str] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)
    misread: list[str] = Field(default_factory=list)


class FormsEvalResult(BaseModel):
    """Totals over one set, and the per-form outcomes."""

    set: str
    files: int
    forms_expected: int
    forms_read: int
    rows_expected: int
    rows_read: int
    placeholders_expected: int
    placeholders_read: int
    figures_expected: int
    figures_read: int
    scores_expected: int
    scores_correct: int
    totals_expected: int
    totals_correct: int
    slips_planted: int
    slips_found: int
    false_alarms: int
    refusals_expected: int = 0
    refusals_right: int = 0
    seconds: float
    forms: list[FormOutcome]
    refusals: list[str] = Field(default_factory=list)


def _norm(text: Any) -> str:
    s = normalise("" if text is None else str(text))
    s = re.sub(r"[(（][A-Za-z]\d+[)）]$", "", s)  # '得分（H8）'
    return without_points(s).rstrip(":：")


def _path(parts: list[Any]) -> tuple[str, ...]:
    return tuple(_norm(p) for p in parts)


def _same(a: Any, b: Any) -> bool:
    """Equal as written, or as numbers ('10' vs '10.00')."""
    if _norm(a) == _norm(b):
        return True
    x, y = reported_number("" if a is None else str(a)), reported_number("" if b is None else str(b))
    return x is not None and y is not None and x == y


def _row_matches(c: FigureComparison, slip_row: str) -> bool:
    if _norm(c.row) == _norm(slip_row):
        return True
    return _path(c.row.split("/")) == _path(str(slip_row).split("/"))


def _column_matches(c: FigureComparison, slip: dict[str, Any]) -> bool:
    columns = {_norm(part) for part in str(slip["cell"].get("column", "")).split("/")}
    mine = _norm(c.column)
    if c.figure == "total" or mine in columns:
        return True
    return any(mine and (mine in col or col in mine) for col in columns)


def _matches(c: FigureComparison, slip: dict[str, Any]) -> bool:
    return _row_matches(c, slip["cell"]["row"]) and _column_matches(c, slip)


def _check_rows(case: Case, sheet: ScoreSheet, form: dict[str, Any], out: FormOutcome) -> None:
    mine = {_path(i.path): (i, r) for i, r in zip(case.indicators, sheet.indicators, strict=True)}
    empty = {_path([p for p in e if p]) for e in case.empty_rows}
    for row in form.get("indicators") or []:
        path = _path(row["path"])
        if row.get("rule", {}) and row["rule"].get("kind") == "placeholder" or not row["path"][-1]:
            out.placeholders_expected += 1
            if _path([p for p in row["path"] if p]) in empty:
                out.placeholders_read += 1
            else:
                out.misread.append(f"空行 {'/'.join(row['path'])} 未保留")
            continue
        out.rows_expected += 1
        out.scores_expected += 1
        found = mine.get(path)
        if found is None:
            out.misread.append(f"未读到 {'/'.join(row['path'])}")
            continue
        ind, result = found
        target = ind.target if row.get("target_value") is None else ind.target
        expected_target = row.get("target_value", row.get("target"))
        checks = [
            ("指标值", target, expected_target),
            ("完成值", ind.actual, row.get("actual")),
            ("分值", ind.weight, row.get("weight")),
            (
                "得分",
                ind.reported_score_text if ind.reported_score_text is not None else ind.reported_score,
                row.get("reported_score"),
            ),
        ]
        wrong = [f"{name} 读为“{got}”应为“{want}”" for name, got, want in checks if not _same(got, want)]
        if wrong:
            out.misread.append(f"{'/'.join(row['path'])}：" + "；".join(wrong))
        else:
            out.rows_read += 1
        if Decimal(str(row.get("correct_score"))) == result.score:
            out.scores_correct += 1
        else:
            out.misread.append(
                f"{'/'.join(row['path'])}：重算 {result.score}，应为 {row.get('correct_score')}"
            )


def _check_figures(case: Case, sheet: ScoreSheet, form: dict[str, Any], out: FormOutcome) -> None:
    budget = form.get("budget")
    figures: list[tuple[str, Any, Any]] = []
    if budget:
        b = case.budget
        figures += [
            ("预算执行率", b.reported_rate if b else None, budget.get("reported_rate")),
            (
                "预算执行得分",
                (
                    b.reported_score_text
                    if b and b.reported_score_text is not None
                    else (b.reported_score if b else None)
                ),
                budget.get("reported_score"),
            ),
        ]
        if sheet.budget is not None and sheet.budget.score is not None:
            out.scores_expected += 1
            if Decimal(str(budget.get("correct_score"))) == sheet.budget.score:
                out.scores_correct += 1
            else:
                out.misread.append(
                    f"预算执行得分重算 {sheet.budget.score}，应为 {budget.get('correct_score')}"
                )
    total = case.reported_total_text if case.reported_total_text is not None else case.reported_total
    figures.append(("总分", total, form.get("reported_total")))
    if form.get("reported_grade"):
        figures.append(("等级", case.reported_grade, form.get("reported_grade")))
    for name, got, want in figures:
        out.figures_expected += 1
        if _same(got, want):
            out.figures_read += 1
        else:
            out.misread.append(f"{name} 读为“{got}”应为“{want}”")
    out.computed_total = str(sheet.total)
    out.correct_total = str(form.get("correct_total"))
    out.total_correct = Decimal(str(form.get("correct_total"))) == sheet.total


def _check_slips(sheet: ScoreSheet, form: dict[str, Any], out: FormOutcome) -> None:
    slips = form.get("slips") or []
    planted = [s for s in slips if not s.get("derived")]
    differences = sheet.differences()
    out.slips_planted = len(planted)
    for slip in planted:
        if any(_matches(c, slip) for c in differences):
            out.slips_found += 1
        else:
            out.missed.append(f"{slip['cell']['row']} · {slip['cell']['column']}（{slip['kind']}）")
    for c in differences:
        if not any(_matches(c, slip) for slip in slips):
            out.false_alarms.append(
                f"{c.row} · {c.column}：填报 {c.reported}，重算 {c.computed}（{c.reason[:60]}）"
            )


def evaluate_set(name: str, root: Path = FORMS_DIR) -> FormsEvalResult:
    folder = root / name
    key = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    started = time.perf_counter()
    outcomes: list[FormOutcome] = []
    refusals: list[str] = []
    refusals_right = 0
    for entry in key["files"]:
        try:
            cases = read_forms(folder / entry["file"])
            error = None
        except InputError as exc:
            cases, error = [], str(exc)
        expected = entry.get("expect_error")
        if expected:
            # a document that must be refused with a message naming what is wrong
            if error and all(fragment in error for fragment in expected):
                refusals_right += 1
            else:
                refusals.append(
                    f"{entry['file']}：应拒绝并说明（{'、'.join(expected)}），实际：{error or '读出了表格'}"
                )
        for index, form in enumerate(entry["forms"]):
            out = FormOutcome(file=entry["file"], form_id=str(form.get("form_id", index + 1)))
            outcomes.append(out)
            if error or index >= len(cases):
                out.error = error or f"只读到 {len(cases)} 张表"
                out.rows_expected = sum(1 for r in form.get("indicators") or [] if r["path"][-1])
                out.slips_planted = sum(1 for s in form.get("slips") or [] if not s.get("derived"))
                continue
            case = cases[index]
            try:
                sheet = score_case(case)
            except InputError as exc:
                out.error = str(exc)
                continue
            _check_rows(case, sheet, form, out)
            _check_figures(case, sheet, form, out)
            _check_slips(sheet, form, out)
    return FormsEvalResult(
        set=name,
        files=len(key["files"]),
        forms_expected=len(outcomes),
        forms_read=sum(1 for o in outcomes if o.error is None),
        rows_expected=sum(o.rows_expected for o in outcomes),
        rows_read=sum(o.rows_read for o in outcomes),
        placeholders_expected=sum(o.placeholders_expected for o in outcomes),
        placeholders_read=sum(o.placeholders_read for o in outcomes),
        figures_expected=sum(o.figures_expected for o in outcomes),
        figures_read=sum(o.figures_read for o in outcomes),
        scores_expected=sum(o.scores_expected for o in outcomes),
        scores_correct=sum(o.scores_correct for o in outcomes),
        totals_expected=len(outcomes),
        totals_correct=sum(1 for o in outcomes if o.total_correct),
        slips_planted=sum(o.slips_planted for o in outcomes),
        slips_found=sum(o.slips_found for o in outcomes),
        false_alarms=sum(len(o.false_alarms) for o in outcomes),
        refusals_expected=sum(1 for entry in key["files"] if entry.get("expect_error")),
        refusals_right=refusals_right,
        seconds=round(time.perf_counter() - started, 2),
        forms=outcomes,
        refusals=refusals,
    )


def run_forms_eval(
    sets: tuple[str, ...] = DEFAULT_SETS, root: Path = FORMS_DIR
) -> dict[str, FormsEvalResult]:
    """Every set that exists under ``evals/forms/``, by name."""
    return {name: evaluate_set(name, root) for name in sets if (root / name / "answers.yaml").is_file()}

"""Reported vs recomputed (填报与重算对比): every figure a form reports beside the scorer's, with the reason.

The comparison policy is data (:data:`POLICY`), shown in ``score --json``: scores are compared exactly at two
decimals (a 8.62 written as 9 is a difference, not a match), rates as percentages at two decimals, a blank
得分 cell counts as 0 in the form's own total and is reported as blank. Each difference gets a machine cause
and a Chinese reason; a difference that only follows from an earlier one (a total that adds the wrong rows
correctly) is marked ``derived``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import permutations

from pydantic import BaseModel, Field

from assistant.case import Case, CellLocation, Indicator, path_key

from .apply import effective_actual, effective_target
from .rules import fmt, round2
from .sheet import FigureComparison, IndicatorResult, ScoreSheet, grade_for
from .values import ValueParseError, parse_value

HUNDRED = Decimal(100)


class ComparisonPolicy(BaseModel):
    """How reported figures are compared with recomputed ones."""

    score_places: int = Field(default=2, description="Scores are compared exactly at this many decimals")
    rate_places: int = Field(default=2, description="Rates are compared as percentages at this many decimals")
    whole_point_rounding_is_difference: bool = Field(
        default=True, description="A score rounded to a whole point (8.62 → 9) is a difference"
    )
    blank_counts_as_zero: bool = Field(
        default=True, description="A blank 得分 cell counts as 0 in the form's own total; it is reported"
    )
    statements: list[str] = Field(description="The policy in Chinese, one line each")

    def as_json(self) -> dict[str, object]:
        return self.model_dump()


POLICY = ComparisonPolicy(
    statements=[
        "得分按两位小数精确比较：按规则为 8.62 而填报 9（取整）视为不一致",
        "执行率按填报所写的小数位数（至多两位）比较：95.99% 写作 96% 视为一致；执行率 = 全年执行数 ÷ 全年预算数（调整后预算数）",
        "预算执行得分 = 分值 × min(执行率, 1)，不超过分值",
        "得分栏空白按 0 分计入填报总分，并单独列出",
        "总分 = 预算执行得分 + 各指标得分（各项先四舍五入到两位小数）",
        "因前面差错而随之不同的合计、等级、结论文字标为“连带”",
    ]
)


def _percent_text(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}%"


def reported_number(text: str | None) -> Decimal | None:
    """The number in a reported cell ('9分', '97.53%', ' 10 '), or None when it holds none."""
    if text is None:
        return None
    # full-width digits, point and percent sign ('９．５', '９５％') read as their ASCII forms
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).rstrip("分").rstrip("%").replace(",", "")
    if not s or len(s) > 30:
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def rate_places(text: str | None) -> int:
    """Decimals of a reported rate as a percentage ('96%' → 0, '95.6%' → 1, '0.9562' → 2), at most
    :attr:`ComparisonPolicy.rate_places`: a rate is compared at the precision the form writes it."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    m = re.search(r"\.(\d+)", s)
    written = len(m.group(1)) if m else 0
    if "%" not in s:
        number = reported_number(s)
        if number is not None and Decimal(0) < number <= Decimal("1.5"):
            written = max(written - 2, 0)  # a bare fraction: 0.9562 is 95.62%
    return min(written, POLICY.rate_places)


def reported_rate_percent(text: str | None) -> Decimal | None:
    """A reported 执行率 as a percentage: '97.53%' → 97.53; a bare fraction '0.9753' → 97.53."""
    number = reported_number(text)
    if number is None:
        return None
    if text is not None and "%" not in text and "％" not in text and Decimal(0) < number <= Decimal("1.5"):
        return number * HUNDRED
    return number


def _comparison(
    figure: str,
    row: str,
    column: str,
    reported_text: str | None,
    reported: Decimal | None,
    computed: Decimal | None,
    computed_text: str | None = None,
    places: int = 2,
) -> FigureComparison:
    computed_shown = (
        computed_text if computed_text is not None else ("" if computed is None else fmt(computed))
    )
    if reported is None:
        blank = reported_text is None or not reported_text.strip() or reported_text.strip() in ("—", "/", "-")
        agrees = blank and computed is not None and computed == 0
        return FigureComparison(
            figure=figure,
            row=row,
            column=column,
            reported=reported_text or "",
            computed=computed_shown,
            computed_value=computed,
            agrees=agrees,
            status="agrees" if agrees else "blank",
            cause="" if agrees else "blank",
        )
    quantum = Decimal(1).scaleb(-places)
    same = computed is not None and reported.quantize(quantum, rounding=ROUND_HALF_UP) == computed.quantize(
        quantum, rounding=ROUND_HALF_UP
    )
    if computed is not None and reported != reported.quantize(quantum, rounding=ROUND_HALF_UP):
        same = False  # 9.876 written for 9.88 is not a match either
    return FigureComparison(
        figure=figure,
        row=row,
        column=column,
        reported=reported_text if reported_text is not None else fmt(reported),
        reported_value=reported,
        computed=computed_shown,
        computed_value=computed,
        difference=None if computed is None else reported - computed,
        agrees=same,
        status="agrees" if same else "differs",
    )


def _numbers(ind: Indicator) -> tuple[Decimal | None, Decimal | None, str | None]:
    """(target, actual, operator) as numbers in the target's unit, when both are numeric."""
    try:
        target = parse_value(effective_target(ind) or "")
        actual = parse_value(effective_actual(ind) or "")
    except ValueParseError:
        return None, None, None
    if target.kind != "number" or actual.kind != "number" or target.number is None or actual.number is None:
        return None, None, None
    return target.number, actual.number, target.op


def _indicator_reason(ind: Indicator, result: IndicatorResult, c: FigureComparison) -> None:
    reported, computed, weight = c.reported_value, result.score, ind.weight
    no_reason = not ind.deviation.strip()
    basis = f"按规则：{result.formula}"
    if c.status == "blank":
        c.cause = "blank"
        c.reason = f"得分栏空白，按 0 分计入总分；{basis}"
        return
    assert reported is not None
    target, actual, op = _numbers(ind)
    wrong_way = (
        target
        and actual
        and reported == round2(weight * min(actual / target, Decimal(1)))
        and op in ("<=", "<")
    )
    if reported > weight:
        c.cause, c.reason = "over_weight", f"填报得分 {fmt(reported)} 超过分值 {fmt(weight)}；{basis}"
    elif reported == weight and computed < weight:
        c.cause = "unmet_given_full"
        direction = "（“≤”反向指标，实际值超过上限即为未完成）" if op in ("<=", "<") else ""
        c.reason = (
            "目标未完成却给满分" + direction + ("，偏差原因也未填写" if no_reason else "") + f"；{basis}"
        )
    elif wrong_way and computed != reported:
        c.cause = "wrong_direction"
        c.reason = (
            f"“≤”反向指标按“完成值/指标值”计分（{fmt(weight)} × {fmt(actual)}/{fmt(target)} = {fmt(reported)}），"
            f"方向用反；{basis}"
        )
    elif computed == weight and reported < weight:
        c.cause = "met_but_deducted"
        c.reason = "目标已完成却扣分" + (
            "且未说明原因" if no_reason else f"（偏差说明：{ind.deviation.strip()[:60]}）"
        )
        c.reason += f"；{basis}"
    elif reported == computed.quantize(Decimal(1), rounding=ROUND_HALF_UP) and computed != reported:
        c.cause, c.reason = "rounding", f"取整：按规则为 {fmt(computed)}，填报取整为 {fmt(reported)}；{basis}"
    else:
        c.cause = "differs"
        c.reason = f"填报得分与按规则重算的不同；{basis}"


def _indicator_comparisons(case: Case, sheet: ScoreSheet) -> list[FigureComparison]:
    out = []
    for ind, result in zip(case.indicators, sheet.indicators, strict=True):
        if ind.reported_score is None and ind.reported_score_text is None:
            continue
        c = _comparison(
            f"indicator[{ind.key}].score",
            "/".join(ind.path),
            "得分",
            ind.reported_score_text,
            ind.reported_score,
            result.score,
        )
        if not result.recomputed:
            c.agrees, c.status, c.cause = True, "not_recomputed", "not_recomputed"
            c.reason = result.formula
        elif not c.agrees:
            _indicator_reason(ind, result, c)
        out.append(c)
    return out


def _budget_row(case: Case) -> str:
    location = case.origin.cells.get("budget.score") if case.origin else None
    return (location.row_label if location and location.row_label else "年度资金总额").rstrip("：:")


def _budget_comparisons(case: Case, sheet: ScoreSheet) -> list[FigureComparison]:
    budget, result = case.budget, sheet.budget
    if budget is None or result is None:
        return []
    row = _budget_row(case)
    out: list[FigureComparison] = []
    zero_total = result.from_sources
    for field, column in (("initial", "年初预算数"), ("annual", "全年预算数"), ("executed", "全年执行数")):
        given = [getattr(s, field) for s in budget.sources if getattr(s, field) is not None]
        total = getattr(budget, field)
        if not given or total is None:
            continue
        parts = sum(given, Decimal(0))
        c = _comparison(f"budget.{field}", row, column, None, total, parts)
        if not c.agrees:
            if total == 0:
                c.cause = "zero_total_row"
                c.reason = f"“{row}”{column}填 0，其中各行合计为 {fmt(parts)}：总额行未汇总"
            else:
                c.cause = "sources_sum"
                c.reason = f"“{row}”{column} {fmt(total)} 与其中各行合计 {fmt(parts)} 不符"
        out.append(c)
    computed_rate = result.rate * HUNDRED
    rate_ok = True
    if budget.reported_rate is not None:
        reported = reported_rate_percent(budget.reported_rate)
        c = _comparison(
            "budget.rate",
            row,
            "执行率",
            budget.reported_rate,
            reported,
            computed_rate,
            _percent_text(computed_rate),
            places=rate_places(budget.reported_rate),
        )
        rate_basis = f"{fmt(result.executed)} ÷ {fmt(result.annual)} = {_percent_text(computed_rate)}"
        quantum = Decimal(1).scaleb(-rate_places(budget.reported_rate))
        if not c.agrees and reported is not None:
            rate_ok = False
            by_initial = (
                result.executed / budget.initial * HUNDRED if budget.initial and budget.initial > 0 else None
            )
            if zero_total:
                c.cause, c.derived = "zero_total_row", True
                c.reason = f"总额行未汇总，执行率随之有误；按其中各行合计：{rate_basis}"
            elif by_initial is not None and reported.quantize(
                quantum, rounding=ROUND_HALF_UP
            ) == by_initial.quantize(quantum, rounding=ROUND_HALF_UP):
                c.cause = "denominator"
                c.reason = (
                    f"执行率用年初预算数作分母（{fmt(result.executed)} ÷ {fmt(budget.initial)} = "
                    f"{_percent_text(by_initial)}），应除以全年预算数：{rate_basis}"
                )
            else:
                c.cause, c.reason = "differs", f"执行率应为 {rate_basis}"
        elif not c.agrees:
            c.reason = f"执行率栏空白；{rate_basis}"
        out.append(c)
    if result.score is not None and result.weight:
        reported_text = budget.reported_score_text
        if budget.reported_score is not None or reported_text is not None:
            c = _comparison("budget.score", row, "得分", reported_text, budget.reported_score, result.score)
            if not c.agrees:
                _budget_score_reason(case, sheet, c, rate_ok, zero_total)
            out.append(c)
    return out


def _budget_score_reason(
    case: Case, sheet: ScoreSheet, c: FigureComparison, rate_ok: bool, zero_total: bool
) -> None:
    budget, result = case.budget, sheet.budget
    assert (
        budget is not None and result is not None and result.weight is not None and result.score is not None
    )
    basis = f"按规则：{result.formula}"
    reported = c.reported_value
    if c.status == "blank":
        c.cause, c.reason = "blank", f"预算执行得分栏空白；{basis}"
        return
    assert reported is not None
    reported_rate = reported_rate_percent(budget.reported_rate)
    by_reported_rate = (
        round2(result.weight * min(reported_rate / HUNDRED, Decimal(1)))
        if reported_rate is not None
        else None
    )
    if reported > result.weight:
        c.cause = "uncapped"
        c.reason = (
            f"得分 {fmt(reported)} 超过分值 {fmt(result.weight)}：执行率 {_percent_text(result.rate * HUNDRED)} "
            f"超过 100% 时得分以分值为限；{basis}"
        )
    elif zero_total:
        c.cause, c.derived = "zero_total_row", True
        c.reason = f"总额行未汇总，得分随之有误；{basis}"
    elif not rate_ok and by_reported_rate is not None and reported == by_reported_rate:
        c.cause, c.derived = "from_wrong_rate", True
        c.reason = f"按填报的执行率 {budget.reported_rate} 计算，执行率有误，得分随之有误；{basis}"
    elif reported == result.score.quantize(Decimal(1), rounding=ROUND_HALF_UP):
        c.cause = "rounding"
        c.reason = f"取整：按规则为 {fmt(result.score)}，填报取整为 {fmt(reported)}；{basis}"
    else:
        c.cause, c.reason = "differs", f"预算执行得分与重算不同；{basis}"


def _sum_reported(case: Case) -> tuple[Decimal, list[tuple[str, Decimal]]] | None:
    """The form's own sum: reported budget score + reported indicator scores (blank = 0), with the parts."""
    parts: list[tuple[str, Decimal]] = []
    budget_weight = case.budget_weight()
    if case.budget is not None and budget_weight:
        if case.budget.reported_score is None and case.budget.reported_score_text is None:
            return None
        parts.append(("预算执行", case.budget.reported_score or Decimal(0)))
    for ind in case.indicators:
        if ind.reported_score is None and ind.reported_score_text is None:
            return None
        parts.append(("/".join(ind.path), ind.reported_score or Decimal(0)))
    return sum((p for _, p in parts), Decimal(0)), parts


def _digits_swapped(a: Decimal, b: Decimal) -> bool:
    x, y = f"{a:.2f}", f"{b:.2f}"
    if x == y or len(x) != len(y) or len(x) > 8:
        return False
    return any("".join(p) == y for p in permutations(x))


def _total_comparisons(case: Case, sheet: ScoreSheet) -> list[FigureComparison]:
    out = []
    location = case.origin.cells.get("total") if case.origin else None
    row = location.row_label if location and location.row_label else "总分"
    if case.reported_total is not None or case.reported_total_text is not None:
        c = _comparison("total", row, "得分", case.reported_total_text, case.reported_total, sheet.total)
        if not c.agrees:
            c.reason, c.cause, c.derived = _total_reason(case, sheet, c.reported_value)
        out.append(c)
    if case.reported_grade:
        grade = case.reported_grade.strip()
        agrees = grade == sheet.grade
        c = FigureComparison(
            figure="grade",
            row=(
                case.origin.cells["grade"].row_label
                if case.origin and "grade" in case.origin.cells
                else "等级"
            ),
            column="等级",
            reported=grade,
            computed=sheet.grade,
            agrees=agrees,
            status="agrees" if agrees else "differs",
        )
        if not agrees:
            follows = case.reported_total is not None and grade == grade_for(case.reported_total)
            c.cause, c.derived = ("follows_total", True) if follows else ("grade_band", False)
            c.reason = f"总分 {fmt(sheet.total)} 对应等级为“{sheet.grade}”" + (
                "；填报等级随填报总分而不同" if follows else ""
            )
        out.append(c)
    return out


def _total_reason(case: Case, sheet: ScoreSheet, reported: Decimal | None) -> tuple[str, str, bool]:
    budget_score = sheet.budget.score if sheet.budget is not None and sheet.budget.score is not None else None
    basis = (
        f"按规则：预算执行 {fmt(budget_score)} + 指标 {fmt(sheet.total - budget_score)} = {fmt(sheet.total)}"
        if budget_score is not None
        else f"按规则：各指标得分合计 {fmt(sheet.total)}"
    )
    if reported is None:
        return f"总分栏空白；{basis}", "blank", False
    own = _sum_reported(case)
    if own is None:
        return f"总分与重算结果不同；{basis}", "differs", False
    total, parts = own
    if reported == total:
        return f"总分等于各项填报得分之和 {fmt(total)}，随上述差错而不同；{basis}", "follows_rows", True
    if parts and parts[0][0] == "预算执行" and reported == total - parts[0][1] and parts[0][1] != 0:
        return (
            f"总分只加了绩效指标得分 {fmt(reported)}，漏加预算执行得分 {fmt(parts[0][1])}；{basis}",
            "omits_budget",
            False,
        )
    for name, value in reversed(parts):
        if value != 0 and reported == total - value:
            return (
                f"总分漏计“{name}”的得分 {fmt(value)}（各项合计 {fmt(total)}）；{basis}",
                "omits_row",
                False,
            )
    if _digits_swapped(reported, total):
        return f"总分与各项填报得分之和 {fmt(total)} 不符（数字颠倒，疑似笔误）；{basis}", "typo", False
    return f"总分与各项填报得分之和 {fmt(total)} 不符；{basis}", "sum_mismatch", False


_TEXT_TOTAL = re.compile(r"(?:总分|得分)\s*(?:为|是|：|:)?\s*(\d{1,3}(?:\.\d{1,2})?)\s*分")
_TEXT_GRADE = re.compile(r"等级\s*(?:为|是|：|:)?\s*[“\"'「『]?\s*(优|良|中|差)")


def _conclusion_comparisons(case: Case, sheet: ScoreSheet) -> list[FigureComparison]:
    text = case.narrative.conclusion
    if not text:
        return []
    out = []
    location = case.origin.cells.get("conclusion") if case.origin else None
    row = location.row_label if location and location.row_label else "评价结论"
    total = _TEXT_TOTAL.search(text[:2000])
    if total:
        value = Decimal(total.group(1))
        c = _comparison("conclusion.total", row, row, total.group(0), value, sheet.total)
        if not c.agrees:
            follows = case.reported_total is not None and value == case.reported_total
            c.cause, c.derived = ("follows_total", True) if follows else ("text_total", False)
            c.reason = f"结论中的总分 {fmt(value)} 与重算总分 {fmt(sheet.total)} 不符" + (
                "（与填报总分相同，随之更正）" if follows else ""
            )
        out.append(c)
    grade = _TEXT_GRADE.search(text[:2000])
    if grade:
        agrees = grade.group(1) == sheet.grade
        c = FigureComparison(
            figure="conclusion.grade",
            row=row,
            column=row,
            reported=grade.group(0),
            computed=sheet.grade,
            agrees=agrees,
            status="agrees" if agrees else "differs",
        )
        if not agrees:
            follows = case.reported_total is not None and grade.group(1) == grade_for(case.reported_total)
            c.cause, c.derived = ("follows_total", True) if follows else ("text_grade", False)
            c.reason = (
                f"结论中的等级“{grade.group(1)}”与重算总分 {fmt(sheet.total)} 的等级“{sheet.grade}”不符"
            )
        out.append(c)
    return out


def _weight_comparisons(case: Case, sheet: ScoreSheet) -> list[FigureComparison]:
    out = []
    for stated in case.stated_weights:
        if stated.scope == "group" and stated.path:
            prefix = stated.path
            members = [i.weight for i in case.indicators if i.path[: len(prefix)] == prefix]
            figure = f"stated_weight[{path_key(prefix)}]"
        elif stated.scope == "rows" and stated.rows is not None:
            members = [case.indicators[i].weight for i in stated.rows if 0 <= i < len(case.indicators)]
            figure = f"stated_weight[{stated.label}]"
        elif stated.scope == "indicators":
            members = [i.weight for i in case.indicators]
            figure = "stated_weight[indicators]"
        else:
            members = [case.budget_weight()] if case.budget is not None else []
            figure = "stated_weight[budget]"
        if not members:
            continue
        total = sum(members, Decimal(0))
        c = _comparison(figure, stated.label, "分值", f"{fmt(stated.points)}分", stated.points, total)
        if not c.agrees:
            c.cause = "stated_weight"
            c.reason = f"“{stated.label}”标注 {fmt(stated.points)} 分，其下各行分值合计 {fmt(total)} 分"
        out.append(c)
    if case.reported_weight_total is not None:
        weights = sum((i.weight for i in case.indicators), Decimal(0)) + case.budget_weight()
        location = case.origin.cells.get("weight_total") if case.origin else None
        row = location.row_label if location and location.row_label else "总分"
        c = _comparison("weight_total", row, "分值", None, case.reported_weight_total, weights)
        if not c.agrees:
            c.cause = "weight_total"
            c.reason = f"分值合计栏填 {fmt(case.reported_weight_total)}，各行分值合计为 {fmt(weights)}"
        out.append(c)
    return out


def compare_reported(case: Case, sheet: ScoreSheet) -> list[FigureComparison]:
    """Every reported figure of the case beside the recomputed one, located in the source when known."""
    comparisons = (
        _budget_comparisons(case, sheet)
        + _indicator_comparisons(case, sheet)
        + _weight_comparisons(case, sheet)
        + _total_comparisons(case, sheet)
        + _conclusion_comparisons(case, sheet)
    )
    cells: dict[str, CellLocation] = case.origin.cells if case.origin else {}
    for c in comparisons:
        c.location = cells.get(c.figure)
        if (
            c.location is not None
            and c.location.column_label
            and (c.figure.startswith("indicator[") or c.figure == "total")
        ):
            c.column = c.location.column_label  # the form's own name of the column ('自评分', '自评得分')
        if c.location is not None and c.location.formula and not c.agrees:
            c.reason += f"（该格公式：{c.location.formula}）"
    return comparisons

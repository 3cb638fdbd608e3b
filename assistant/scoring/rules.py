"""Scoring rules (评分规则): one function per rule, each returning the score *and* its formula.

Every function takes plain values (weight, parsed target/actual, rule parameters) and returns a
:class:`RuleResult` whose ``score`` is already rounded to 2 decimals half-up and whose ``formula`` is the
computation in readable Chinese with the numbers filled in. Problems raise :class:`RuleError` (Chinese).
Formulas and corpus examples: ``/work/shared/domain.md`` §3.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, Field

from .values import UNIT_CONVERSIONS, ParsedValue, ValueParseError, same_count_unit, to_unit

TWO_PLACES = Decimal("0.01")
ONE = Decimal(1)
ZERO = Decimal(0)

MET_WORDS = frozenset(
    {
        "完成预期指标",
        "达到预期指标",
        "达到预期",
        "达到预期目标",
        "完成",
        "已完成",
        "按时完成",
        "按期完成",
        "如期完成",
        "达成",
        "已达成",
        "达标",
        "已达标",
        "符合",
        "符合要求",
        "是",
        "已实现",
        "实现",
        "满足",
        "满足要求",
    }
)
"""Actual values that state "the target was reached" whatever the target word was (e.g. 长期 → 完成预期指标)."""

MET_PREFIXES = ("达成", "已达成", "完成", "已完成", "按时完成", "按期完成", "实现", "已实现")
"""An actual starting with one of these (and holding no digit or negation) states the target was reached,
e.g. target "2023年底前达成数量指标要求", actual "达成数量指标要求"."""

POSITIVE_STATES = (
    "充分",
    "规范",
    "合理",
    "科学",
    "合规",
    "健全",
    "完善",
    "明确",
    "有效",
    "及时",
    "达标",
    "合格",
    "到位",
    "明显",
    "显著",
    "良好",
    "稳定",
    "正常",
    "足额",
    "长期",
)
"""Words that state a good state by themselves (立项依据充分, 效果明显): with no target to compare, an actual
ending in one of these (and holding no negation) reaches the row's qualitative aim."""

NEGATIONS = ("未", "不", "没", "无法", "尚未", "部分", "基本", "较", "有待", "欠")
"""Words that, anywhere in an actual, make it fall short of a qualitative target (基本健全 is not 健全,
制度尚不完善 is not 完善). Deliberately strict: a false "not met" asks for a judged score with a reason,
a false "met" would silently give full marks."""


class RuleError(ValueError):
    """The rule cannot be applied to these values. The message is Chinese and names the field."""


class RuleResult(BaseModel):
    """A rule's outcome for one indicator."""

    score: Decimal = Field(description="Score, rounded to 2 decimals half up")
    formula: str = Field(description="The computation with numbers filled in (Chinese)")
    judged: bool = Field(default=False, description="True when the score is an evaluator's judgement")
    findings: list[str] = Field(default_factory=list, description="Findings behind lost points")
    applied: str | None = Field(
        default=None, description="The rule actually applied when it differs from the one inferred"
    )


def round2(value: Decimal) -> Decimal:
    """Round half up to 2 decimals (四舍五入)."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 7, 0.5, 142.86."""
    normalized = value.normalize()
    text = f"{normalized:f}"
    return "0" if text in ("-0", "") else text


def pct(value: Decimal) -> str:
    """A fraction as a percentage with 2 decimals: 0.99208 → '99.21%'."""
    return f"{round2(value * 100):f}%"


def _show(value: ParsedValue) -> str:
    return value.text.strip()


def _plain(value: ParsedValue) -> str:
    """The number and unit without operator: '≥ 90 ％' → '90%'."""
    return f"{fmt(value.number)}{value.unit}" if value.number is not None else _show(value)


def _number(value: ParsedValue, role: str) -> Decimal:
    if value.kind != "number" or value.number is None:
        raise RuleError(f"{role}“{value.text}”不是数值")
    return value.number


MAGNITUDE_GUARD = Decimal(1000)
"""A bare actual at least this many times a money target (67700000 against ≤6770万元) is a unit slip."""


def _in_target_unit(target: ParsedValue, actual: ParsedValue) -> tuple[Decimal, str]:
    """The actual in the target's unit, and a note (Chinese, '' when none) for any conversion made.

    Conversions are explicit: a decimal fraction against a percent target (0.95 vs ≥90% → 95%), two counting
    classifiers (项 vs 个), 元 vs 万元. A bare actual a thousand times a money target is refused, not guessed.
    """
    goal = _number(target, "年度指标值")
    got = _number(actual, "实际完成值")
    if target.is_percent and not actual.unit and Decimal(0) < got <= ONE < goal:
        return got * 100, f"（实际完成值 {fmt(got)} 为小数形式的比率，按 {fmt(got * 100)}% 计）"
    if not actual.unit and target.unit in UNIT_CONVERSIONS and UNIT_CONVERSIONS[target.unit][0] == "元":
        if goal > 0 and got >= goal * MAGNITUDE_GUARD:
            raise RuleError(
                f"实际完成值“{actual.text}”没有写单位，是目标“{target.text}”的 {fmt((got / goal).to_integral_value())} 倍，"
                "单位可能不一致（元/万元），请写明单位"
            )
    try:
        value = to_unit(actual, target.unit)
    except ValueParseError as exc:
        raise RuleError(str(exc)) from None
    if actual.unit and target.unit and actual.unit != target.unit:
        if same_count_unit(actual.unit, target.unit):
            return value, f"（单位“{actual.unit}”与“{target.unit}”均为计数单位，按数量比较）"
        return value, f"（{_plain(actual)} 换算为 {fmt(value)}{target.unit}）"
    return value, ""


def _actual_in_target_unit(target: ParsedValue, actual: ParsedValue) -> Decimal:
    return _in_target_unit(target, actual)[0]


def _full(weight: Decimal, why: str) -> RuleResult:
    return RuleResult(score=round2(weight), formula=f"{why}，得满分 {fmt(weight)}")


def _shown_actual(actual: ParsedValue, got: Decimal, target: ParsedValue, note: str) -> str:
    """The actual as the formula shows it: as written, or converted into the target's unit."""
    return f"{fmt(got)}{target.unit}" if note else _plain(actual)


def proportional(weight: Decimal, target: ParsedValue, actual: ParsedValue) -> RuleResult:
    """Higher is better: weight × min(actual / target, 1)."""
    goal = _number(target, "年度指标值")
    got, note = _in_target_unit(target, actual)
    if goal <= 0:
        raise RuleError(
            f"年度指标值“{target.text}”为零或负数，不能按比例计分（零目标请用 inverse_proportional）"
        )
    ratio = got / goal
    score = round2(weight * min(ratio, ONE))
    shown = _shown_actual(actual, got, target, note)
    return RuleResult(
        score=score,
        formula=f"{fmt(weight)} × min({shown} / {_plain(target)}, 1) = {fmt(score)}{note}",
    )


def inverse_proportional(weight: Decimal, target: ParsedValue, actual: ParsedValue) -> RuleResult:
    """Lower is better: full when actual ≤ target, else weight × target / actual (zero target: full only at 0)."""
    goal = _number(target, "年度指标值")
    got, note = _in_target_unit(target, actual)
    if got < 0 or goal < 0:
        raise RuleError(f"数值不能为负（目标“{target.text}”，实际“{actual.text}”）")
    if goal == 0:
        if got == 0:
            return _full(weight, f"目标为零，实际 {_show(actual)}")
        return RuleResult(score=ZERO, formula=f"目标为零，实际 {_show(actual)}，得 0")
    if got <= goal:
        return _full(weight, f"实际 {_show(actual)} 不高于目标 {_plain(target)}{note}")
    score = round2(weight * goal / got)
    return RuleResult(score=score, formula=f"{fmt(weight)} × {fmt(goal)} / {fmt(got)} = {fmt(score)}{note}")


def equality(weight: Decimal, target: ParsedValue, actual: ParsedValue) -> RuleResult:
    """'＝' target: full only when actual equals target; below → weight × actual/target, above → target/actual."""
    goal = _number(target, "年度指标值")
    got, note = _in_target_unit(target, actual)
    if goal <= 0 or got < 0:
        if got == goal:
            return _full(weight, f"实际 {_show(actual)} 等于目标 {_plain(target)}")
        raise RuleError(f"“＝”目标“{target.text}”为零或负数，实际“{actual.text}”不相等，无法按比例计分")
    if got == goal:
        return _full(weight, f"实际 {_show(actual)} 等于目标 {_plain(target)}{note}")
    shown = _shown_actual(actual, got, target, note)
    if got < goal:
        score = round2(weight * got / goal)
        return RuleResult(
            score=score, formula=f"{fmt(weight)} × {shown} / {_plain(target)} = {fmt(score)}{note}"
        )
    score = round2(weight * goal / got)
    return RuleResult(
        score=score,
        formula=f"“＝”目标须相等，实际超出：{fmt(weight)} × {_plain(target)} / {shown} = {fmt(score)}{note}",
    )


def _satisfies(target: ParsedValue, actual: ParsedValue) -> bool:
    """Whether a numeric actual satisfies a numeric target's operator (bare target means '=')."""
    goal = _number(target, "年度指标值")
    got = _actual_in_target_unit(target, actual)
    op = target.op or "="
    return {
        ">=": got >= goal,
        ">": got > goal,
        "=": got == goal,
        "<=": got <= goal,
        "<": got < goal,
    }[op]


def word_states_met(word: str, states: bool = True) -> bool:
    """Whether an actual written as words says the aim was reached (达成预期指标, 已完成; with `states`, also
    立项依据充分, 效果明显); any negation (未, 基本, 部分…) means not reached."""
    if any(n in word for n in NEGATIONS):
        return False
    met = word in MET_WORDS or word.startswith(MET_PREFIXES)
    return met or (states and word.endswith(POSITIVE_STATES))


def word_is_judgement(word: str) -> bool:
    """Whether words state a judgement at all (met, or a negation): '一次' states neither."""
    return word_states_met(word) or any(n in word for n in NEGATIONS)


def states_met(target: ParsedValue, actual: ParsedValue) -> bool:
    """Whether the actual states that a qualitative/deadline target was reached (see MET_WORDS)."""
    if target.kind == "number" and actual.kind == "word":
        return word_states_met(actual.word)
    if target.kind == "number":
        return _satisfies(target, actual)
    if actual.kind == "word":
        if any(n in actual.word for n in NEGATIONS):
            return False
        if target.kind == "word" and (actual.word == target.word or actual.word.endswith(target.word)):
            return True  # 健全 / 制度健全 / 已健全
        return word_states_met(actual.word, states=False)
    if target.kind == "deadline" and actual.kind == "deadline":
        assert target.deadline is not None and actual.deadline is not None
        return actual.deadline <= target.deadline
    if target.kind == "deadline":
        raise RuleError(f"实际完成值“{actual.text}”不是日期或完成情况描述")
    return False


class QualitativeUnmet(RuleError):
    """A qualitative aim not reached: the score is a judgement (a reason is needed), not a formula."""


def qualitative(weight: Decimal, target: ParsedValue | None, actual: ParsedValue) -> RuleResult:
    """Full marks when the actual states the target state; otherwise the row must be `judged`.

    With no target (a scoring sheet's '—'), the actual's own words decide (充分, 规范, 达成预期指标…).
    A word actual against a numeric target ('完成' vs '≤30万元') is judged the same way, and the formula
    says that no number was given.
    """
    if target is None:
        if actual.kind == "word" and word_states_met(actual.word):
            return _full(weight, f"无量化目标，实际“{_show(actual)}”表明已达成")
        raise QualitativeUnmet(
            f"无量化目标，实际“{actual.text}”未表明已达成，请将 rule 设为 judged，并填写 score 和 reason"
        )
    if target.kind == "number" and actual.kind == "word" and not word_is_judgement(actual.word):
        raise RuleError(
            f"实际完成值“{actual.text}”不是数值，也不是完成情况的表述（如“已完成”“达成预期指标”）"
        )
    if states_met(target, actual):
        if target.kind == "number" and actual.kind == "word":
            return _full(
                weight,
                f"实际完成值为文字“{_show(actual)}”（未给出数值），按定性判断已达到目标“{_show(target)}”",
            )
        return _full(weight, f"实际“{_show(actual)}”达到目标“{_show(target)}”")
    words = "（实际完成值为文字，未给出数值）" if target.kind == "number" and actual.kind == "word" else ""
    raise QualitativeUnmet(
        f"定性指标未达到目标（目标“{target.text}”，实际“{actual.text}”）{words}，"
        "请将 rule 设为 judged，并填写 score 和 reason"
    )


def tiers(weight: Decimal, actual: ParsedValue, bands: Sequence[tuple[Decimal, Decimal]]) -> RuleResult:
    """Score by band: the first threshold (%) the actual reaches gives its share of the weight; below all → 0."""
    if not bands:
        raise RuleError("tiers 不能为空")
    got = _number(actual, "实际完成值")
    if not actual.is_percent and got <= 1 and max(t for t, _ in bands) > 1:
        raise RuleError(f"实际完成值“{actual.text}”像是小数形式的比率，请写成百分数（如 90%）")
    for _threshold, share in bands:
        if not ZERO <= share <= ONE:
            raise RuleError(f"tiers 中的比例 {fmt(share)} 须在 0 到 1 之间")
    ordered = sorted(bands, key=lambda band: band[0], reverse=True)
    for threshold, share in ordered:
        if got >= threshold:
            score = round2(weight * share)
            return RuleResult(
                score=score,
                formula=f"实际 {_show(actual)} ≥ {fmt(threshold)}% 档，{fmt(weight)} × {fmt(share)} = {fmt(score)}",
            )
    lowest = ordered[-1][0]
    return RuleResult(score=ZERO, formula=f"实际 {_show(actual)} 低于最低档 {fmt(lowest)}%，得 0")


def rate(weight: Decimal, actual: ParsedValue) -> RuleResult:
    """weight × measured rate (the actual must be a percentage)."""
    got = _number(actual, "实际完成值")
    if not actual.is_percent:
        raise RuleError(f"rate 规则的实际完成值须为百分数，填写的是“{actual.text}”")
    if got < 0 or got > 100:
        raise RuleError(f"比率“{actual.text}”须在 0% 到 100% 之间")
    score = round2(weight * got / 100)
    return RuleResult(score=score, formula=f"{fmt(weight)} × {fmt(got)}% = {fmt(score)}")


def likert(weight: Decimal, responses: dict[int, int]) -> RuleResult:
    """weight × Σ(points × count) / (5 × n) over 5-point answers."""
    if not responses:
        raise RuleError("responses 不能为空")
    for points, count in responses.items():
        if points not in (1, 2, 3, 4, 5):
            raise RuleError(f"responses 的分值须为 1–5，填写的是 {points}")
        if count < 0:
            raise RuleError(f"responses 中 {points} 分的人数不能为负")
    n = sum(responses.values())
    if n == 0:
        raise RuleError("responses 的总人数为 0")
    total = sum(Decimal(p * c) for p, c in responses.items())
    share = total / (5 * n)
    score = round2(weight * share)
    terms = " + ".join(f"{c}×{p}" for p, c in sorted(responses.items(), reverse=True))
    return RuleResult(
        score=score,
        formula=f"{fmt(weight)} × ({terms}) / (5 × {n}) = {fmt(weight)} × {pct(share)} = {fmt(score)}",
    )


def deduction(weight: Decimal, deductions: Sequence[tuple[Decimal, str]]) -> RuleResult:
    """max(0, weight − Σ points): 每发现一处扣分，扣完为止."""
    for points, _ in deductions:
        if points <= 0:
            raise RuleError(f"扣分 {fmt(points)} 须为正数")
    lost = sum((p for p, _ in deductions), ZERO)
    score = round2(max(ZERO, weight - lost))
    if not deductions:
        return _full(weight, "无扣分项")
    terms = " − ".join([fmt(weight), *(fmt(p) for p, _ in deductions)])
    floor = "，扣完为止" if weight - lost < 0 else ""
    return RuleResult(
        score=score, formula=f"{terms} = {fmt(score)}{floor}", findings=[finding for _, finding in deductions]
    )


def checklist(weight: Decimal, criteria: Sequence[tuple[Decimal, bool, str]]) -> RuleResult:
    """Σ points of the criteria met."""
    if not criteria:
        raise RuleError("criteria 不能为空")
    possible = sum((p for p, _, _ in criteria), ZERO)
    if possible > weight:
        raise RuleError(f"criteria 分数合计 {fmt(possible)} 超过分值 {fmt(weight)}")
    if any(p < 0 for p, _, _ in criteria):
        raise RuleError("criteria 的分数不能为负")
    got = sum((p for p, met, _ in criteria if met), ZERO)
    score = round2(got)
    marks = " + ".join(f"{fmt(p) if met else '0'}" for p, met, _ in criteria)
    return RuleResult(
        score=score,
        formula=f"{marks} = {fmt(score)}（满足 {sum(1 for c in criteria if c[1])}/{len(criteria)} 项）",
        findings=[f"未满足：{text}" for _, met, text in criteria if not met],
    )


def judged(weight: Decimal, score: Decimal | None, reason: str | None) -> RuleResult:
    """An evaluator's score, accepted only with a written reason."""
    if score is None:
        raise RuleError("judged 规则须填写 score（人工评分）")
    if not reason or not reason.strip():
        raise RuleError("judged 规则须填写 reason（评分理由），不能为空")
    if score < 0 or score > weight:
        raise RuleError(f"人工评分 {fmt(score)} 须在 0 到分值 {fmt(weight)} 之间")
    value = round2(score)
    return RuleResult(
        score=value,
        formula=f"人工评分 {fmt(value)}（理由：{reason.strip()}）",
        judged=True,
        findings=[reason.strip()] if value < weight else [],
    )


def execution_share(rate_: Decimal, full_at: Decimal | None, zero_below: Decimal | None) -> Decimal:
    """Share of the weight for one execution rate (a fraction): ≥ full_at% → 1; < zero_below% → 0; else rate."""
    percent = rate_ * 100
    if full_at is not None and percent >= full_at:
        return ONE
    if zero_below is not None and percent < zero_below:
        return ZERO
    return min(rate_, ONE)


def budget_execution(
    weight: Decimal,
    lines: Sequence[tuple[str, Decimal, Decimal]],
    full_at: Decimal | None = None,
    zero_below: Decimal | None = None,
) -> RuleResult:
    """weight × min(executed / annual, 1); with several (label, annual, executed) lines, the mean share.

    `full_at` / `zero_below` (percent) express variants such as "≥95% 满分，低于60% 不得分".
    """
    if not lines:
        raise RuleError("缺少预算数据")
    shares = []
    parts = []
    for label, annual, executed in lines:
        if annual <= 0:
            raise RuleError(f"{label}全年预算数须大于 0")
        if executed < 0:
            raise RuleError(f"{label}全年执行数不能为负")
        r = executed / annual
        share = execution_share(r, full_at, zero_below)
        shares.append(share)
        parts.append((label, annual, executed, r, share))
    mean = sum(shares, ZERO) / len(shares)
    score = round2(weight * mean)
    if len(parts) == 1:
        _, annual, executed, r, share = parts[0]
        if share == min(r, ONE):
            formula = f"{fmt(weight)} × min({fmt(executed)} / {fmt(annual)}, 1) = {fmt(weight)} × {pct(min(r, ONE))} = {fmt(score)}"
        else:
            formula = f"执行率 {pct(r)}，{fmt(weight)} × {fmt(share)} = {fmt(score)}"
    else:
        detail = "，".join(f"{label} {pct(r)}→{fmt(round(share, 4))}" for label, _, _, r, share in parts)
        formula = f"{fmt(weight)} × 平均({detail}) = {fmt(score)}"
    return RuleResult(score=score, formula=formula)

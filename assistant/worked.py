"""Worked examples (算例) for questions that carry numbers, computed by the scorer's own rule functions.

"自评表预算执行率86%，满分10分能得几分？" → ``rules.budget_execution`` → 8.6. The numbers come from the question
(read with their roles: 预算/执行, 目标/实际, 分值, 每处扣…) and the result from :mod:`assistant.scoring.rules`
or :func:`assistant.scoring.grade_for` — never from text. When the roles cannot be told apart, there is no
worked example (the answer then gives the rule and its sources only).
"""

from __future__ import annotations

import re
from decimal import Decimal

from pydantic import BaseModel, Field

from assistant.scoring import grade_for, parse_value, rate_of
from assistant.scoring import rules as R
from assistant.scoring.values import ValueParseError
from assistant.text import NumberSpan, nfkc, number_mentions

BANDS_TEXT = "优：90分（含）以上；良：80分（含）至90分；中：60分（含）至80分；差：60分以下"
"""The grade bands of 财预〔2020〕10号 as the scorer applies them (assistant.scoring.sheet.GRADE_BANDS)."""

SELF_EVALUATION_BUDGET_WEIGHT = Decimal(10)
"""预算执行 is worth 10 points in a self-evaluation form (自评表)."""

CHINESE_COUNTS = {
    "一": 1,
    "两": 2,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_COUNT_OF_ITEMS = re.compile(r"([一两二三四五六七八九十]|\d+)\s*(?:处|个|项|次|条)(?:问题|不规范|扣)?")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年(?:度)?")
LOWER_IS_BETTER_WORDS = ("故障", "成本", "时延", "延迟", "响应时间", "投诉", "差错", "事故", "费用", "能耗", "不超过",
                         "不高于", "以内", "以下", "≤", "<=", "低于")  # fmt: skip
LIKERT_WORDS = (("非常满意", 5), ("比较满意", 4), ("基本满意", 3), ("不太满意", 2), ("非常不满意", 1),
                ("很满意", 5), ("不满意", 2), ("满意", 4), ("一般", 3))  # fmt: skip


class WorkedExample(BaseModel):
    """A computation shown under an answer."""

    rule: str = Field(description="Which rule was applied (Chinese)")
    formula: str = Field(description="The computation with the question's numbers filled in")
    result: str = Field(description="The result in one phrase, e.g. '得 8.6 分' or '等级为“良”'")
    assumptions: list[str] = Field(default_factory=list, description="What was assumed (e.g. 分值按 10 分)")

    def sentence(self) -> str:
        extra = f"（{'；'.join(self.assumptions)}）" if self.assumptions else ""
        return f"按{self.rule}：{self.formula}，{self.result}{extra}。"


def _before(text: str, m: NumberSpan, width: int = 8) -> str:
    return text[max(0, m.start - width) : m.start]


def _after(text: str, m: NumberSpan, width: int = 6) -> str:
    return text[m.end : m.end + width]


def _mentions(text: str) -> list[NumberSpan]:
    return [m for m in number_mentions(text) if not _YEAR.match(text[m.start : m.end + 2])]


def _weight(text: str, ms: list[NumberSpan]) -> NumberSpan | None:
    """The 分值: a number of 分 after 满分/分值/权重, or 'N分的指标'/'N分的话'/'这项N分'."""
    for m in ms:
        if m.unit != "分":
            continue
        before, after = _before(text, m), _after(text, m)
        if (
            re.search(r"(满分|分值|权重|占|总分值)\s*(是|为)?$", before)
            or re.search(r"(这|该|此|本)(一)?(项|个指标|条指标)\s*(是|为|满分)?$", before)
            or re.match(r"分\s*(的|，|,)?\s*(指标|话|满分|能|还|按|得)", after)
            or re.match(r"分\s*的[\u4e00-\u9fff]{1,6}指标", text[m.end : m.end + 10])
        ):
            if not re.search(r"(得了|得|扣|拿了|还剩|剩)$", before):
                return m
    for m in ms:
        # "立项程序规范性3分，…": a number of 分 right after an indicator's name.
        before = _before(text, m, 3)
        if m.unit == "分" and re.search(r"[性率度数量标]$", before):
            return m
    return None


def grade_example(text: str) -> WorkedExample | None:
    """'总分91.3是什么等级' → grade_for(91.3)."""
    scores = [m for m in _mentions(text) if m.unit in ("分", "") and Decimal(0) <= m.value <= Decimal(100)]
    if len(scores) != 1:
        return None
    total = scores[0].value
    grade = grade_for(total)
    return WorkedExample(
        rule="评价等级标准（" + BANDS_TEXT + "）",
        formula=f"总分 {R.fmt(total)} 分",
        result=f"等级为“{grade}”",
    )


def score_rate_example(text: str) -> WorkedExample | None:
    """'满分14分得了11分，得分率' → rate_of(11, 14)."""
    ms = [m for m in _mentions(text) if m.unit == "分"]
    weight = _weight(text, ms)
    scores = [m for m in ms if m is not weight and re.search(r"(得了|得|得分|拿了)\s*$", _before(text, m, 4))]
    if weight is None or len(scores) != 1:
        if len(ms) != 2:
            return None
        small, large = sorted(ms, key=lambda m: m.value)
        weight, scores = large, [small]
    score = scores[0].value
    got = rate_of(score, weight.value)
    return WorkedExample(
        rule="得分率 = 得分 / 满分",
        formula=f"{R.fmt(score)} / {R.fmt(weight.value)} = {R.pct(got)}",
        result=f"得分率为 {R.pct(got)}",
    )


def budget_example(text: str) -> WorkedExample | None:
    """Budget execution: a rate (执行率86%) or two amounts (预算200万、执行170万), and the 分值."""
    ms = _mentions(text)
    weight = _weight(text, ms)
    assumptions = []
    if weight is None:
        w = SELF_EVALUATION_BUDGET_WEIGHT
        assumptions.append("分值按自评表预算执行的 10 分计")
    else:
        w = weight.value
    money = [m for m in ms if m.unit in ("万元", "元", "亿元", "万") or _after(text, m, 1) == "万"]
    percents = [m for m in ms if m.is_percent]
    full_at = zero_below = None
    variant = re.search(r"(\d+(?:\.\d+)?)\s*%\s*(?:以上|及以上)\s*(?:得)?满分", nfkc(text))
    if variant:
        full_at = Decimal(variant.group(1))
    floor_ = re.search(r"低于\s*(\d+(?:\.\d+)?)\s*%\s*(?:的)?\s*(?:不得分|得0分|0分)", nfkc(text))
    if floor_:
        zero_below = Decimal(floor_.group(1))
    rules = {full_at, zero_below} - {None}
    if len(money) >= 2:
        annual, executed = money[0].value, money[1].value
        line = ("", annual, executed)
    else:
        rates = [m for m in percents if m.value not in rules]
        if len(rates) != 1:
            return None
        line = ("", Decimal(100), rates[0].value)
    result = R.budget_execution(w, [line], full_at=full_at, zero_below=zero_below)
    rate = line[2] / line[1]
    if full_at is not None or zero_below is not None:
        variant_text = "，".join(
            t
            for t in (
                f"≥{R.fmt(full_at)}% 得满分" if full_at else "",
                f"<{R.fmt(zero_below)}% 不得分" if zero_below else "",
            )
            if t
        )
        formula = f"执行率 {R.pct(rate)}（{variant_text}，其间按 分值 × 执行率），{R.fmt(w)} × {R.fmt(R.execution_share(rate, full_at, zero_below))} = {R.fmt(result.score)}"
    elif len(money) >= 2:
        formula = f"执行率 = {R.fmt(line[2])} / {R.fmt(line[1])} = {R.pct(rate)}；得分 = {R.fmt(w)} × min({R.pct(rate)}, 1) = {R.fmt(result.score)}"
    else:
        formula = f"{R.fmt(w)} × min({R.pct(rate)}, 1) = {R.fmt(result.score)}"
    return WorkedExample(rule="预算执行率计分（分值 × 执行率，超过 100% 按 100% 计）", formula=formula,
                         result=f"得 {R.fmt(result.score)} 分", assumptions=assumptions)  # fmt: skip


def _target_actual(text: str, ms: list[NumberSpan]) -> tuple[NumberSpan, NumberSpan] | None:
    target = actual = None
    for m in ms:
        before = _before(text, m, 8)
        if target is None and re.search(r"(目标|要求|指标值|计划|年度指标|标准)[^，,；;。]{0,6}$", before):
            target = m
        elif actual is None and re.search(
            r"(实际|完成|达到|只|仅|降了|花了|提供了|支出|用了|为)[^，,；;。]{0,4}$", before
        ):
            actual = m
    if target is None or actual is None:
        return None
    return target, actual


def _as_value(text: str, m: NumberSpan, default_op: str = "") -> str:
    before = nfkc(text[max(0, m.start - 4) : m.start])
    op = ""
    for word, symbol in (("不超过", "≤"), ("不高于", "≤"), ("以内", "≤"), ("≤", "≤"), ("<=", "≤"), ("≥", "≥"),
                         (">=", "≥"), ("不低于", "≥"), ("不少于", "≥")):  # fmt: skip
        if before.endswith(word) or before.rstrip().endswith(word):
            op = symbol
    unit = "万元" if m.unit == "万" else m.unit
    return f"{op or default_op}{m.raw}{unit}"


def proportional_example(text: str) -> WorkedExample | None:
    """Target, actual and 分值 → proportional (higher is better) or inverse (lower is better)."""
    ms = _mentions(text)
    weight = _weight(text, ms)
    rest = [m for m in ms if m is not weight]
    pair = _target_actual(text, rest)
    if weight is None or pair is None:
        return None
    target_m, actual_m = pair
    lower = any(w in text[: target_m.end + 2] for w in LOWER_IS_BETTER_WORDS) and "降低率" not in text
    try:
        target = parse_value(_as_value(text, target_m, "≤" if lower else "≥"))
        actual = parse_value(_as_value(text, actual_m))
        if lower:
            result = R.inverse_proportional(weight.value, target, actual)
            name = "越低越好的指标（实际不高于目标得满分，否则 分值 × 目标 / 实际）"
        else:
            result = R.proportional(weight.value, target, actual)
            name = "按比例计分（分值 × min(实际 / 目标, 1)）"
    except (R.RuleError, ValueParseError):
        return None
    return WorkedExample(rule=name, formula=result.formula, result=f"得 {R.fmt(result.score)} 分")


def rate_example(text: str) -> WorkedExample | None:
    """'满意率92%，11分，按满意率乘分值' → rate(11, 92%)."""
    ms = _mentions(text)
    weight = _weight(text, ms)
    percents = [m for m in ms if m.is_percent]
    if weight is None or len(percents) != 1:
        return None
    try:
        result = R.rate(weight.value, parse_value(f"{percents[0].raw}%"))
    except (R.RuleError, ValueParseError):
        return None
    return WorkedExample(
        rule="分值 × 实测比率", formula=result.formula, result=f"得 {R.fmt(result.score)} 分"
    )


def likert_example(text: str) -> WorkedExample | None:
    """Counts per answer of a five-point survey → likert; the 分值 when given, else the share only."""
    plain = nfkc(text)
    responses: dict[int, int] = {}
    taken: list[tuple[int, int]] = []
    for word, points in LIKERT_WORDS:
        for found in re.finditer(re.escape(word) + r"\s*(\d+)\s*(?:人|份|个)?", plain):
            span = (found.start(), found.end())
            if any(a <= span[0] < b for a, b in taken):
                continue
            taken.append(span)
            responses[points] = responses.get(points, 0) + int(found.group(1))
    if len(responses) < 2:
        return None
    weight = _weight(text, _mentions(text))
    w = (
        weight.value
        if weight is not None
        else Decimal(re.search(r"(\d+)\s*分的话", plain).group(1))
        if re.search(r"(\d+)\s*分的话", plain)
        else None
    )
    try:
        result = R.likert(w if w is not None else Decimal(1), responses)
    except R.RuleError:
        return None
    n = sum(responses.values())
    total = sum(p * c for p, c in responses.items())
    share = Decimal(total) / Decimal(5 * n)
    terms = " + ".join(f"{c}×{p}" for p, c in sorted(responses.items(), reverse=True))
    formula = f"({terms}) / ({n}×5) = {R.pct(share)}"
    if w is None:
        return WorkedExample(
            rule="五级量表满意度（Σ人数×分值 / (总人数×5)）",
            formula=formula,
            result=f"满意度得分率 {R.pct(share)}",
        )
    return WorkedExample(
        rule="五级量表满意度（分值 × Σ人数×分值 / (总人数×5)）",
        formula=f"{formula}；{R.fmt(w)} × {R.pct(share)} = {R.fmt(result.score)}",
        result=f"得分率 {R.pct(share)}，得 {R.fmt(result.score)} 分",
    )


def deduction_example(text: str) -> WorkedExample | None:
    """'3分，两处问题每处扣0.5分' → deduction(3, [0.5, 0.5])."""
    plain = nfkc(text)
    per = re.search(r"每\s*(?:处|个|项|次|条)?\s*(?:问题)?\s*扣\s*(?:分)?\s*(\d+(?:\.\d+)?)\s*(?:分)?", plain)
    count = _COUNT_OF_ITEMS.search(plain)
    ms = _mentions(text)
    weight = _weight(text, ms)
    if per is None or count is None or weight is None:
        return None
    raw = count.group(1)
    n = CHINESE_COUNTS.get(raw) or int(raw)
    points = Decimal(per.group(1))
    result = R.deduction(weight.value, [(points, f"第{i + 1}处") for i in range(n)])
    return WorkedExample(
        rule="扣分制（每发现一处扣分，扣完为止）",
        formula=result.formula,
        result=f"得 {R.fmt(result.score)} 分",
    )


def worked_example(text: str) -> WorkedExample | None:
    """The worked example a question's numbers call for, or None."""
    plain = nfkc(text)
    if any(w for w, _ in LIKERT_WORDS if w in plain) and likert_example(text):
        return likert_example(text)
    if "每" in plain and "扣" in plain:
        found = deduction_example(text)
        if found:
            return found
    if "得分率" in plain and "满意" not in plain:
        found = score_rate_example(text)
        if found:
            return found
    if re.search(r"等级|评个|算[优良中差]|[优良中差]吗|哪一?档|什么档|[几啥哪]等|评[啥什]", plain):
        found = grade_example(text)
        if found:
            return found
    if re.search(r"预算|执行率|执行了|支出进度", plain) and not re.search(r"目标", plain):
        found = budget_example(text)
        if found:
            return found
    if re.search(r"乘|×|\*", plain):
        found = rate_example(text)
        if found:
            return found
    return proportional_example(text)


RULE_FAMILIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"预算执行|执行率|支出进度|钱花"),
        "自评表的预算执行按 分值 × 执行率 计分（执行率 = 全年执行数 ÷ 全年预算数，超过 100% 按 100% 计）；"
        "评价报告可另定口径（如达到某一执行率得满分、低于某一执行率不得分），以该报告的评分标准为准",
    ),
    (
        re.compile(r"越低越好|故障率|成本.{0,6}超|超.{0,6}成本|时延|响应时间|投诉"),
        "越低越好的指标（成本、故障率、响应时间等）：实际值不高于年度指标值得满分，否则得 分值 × 年度指标值 ÷ 实际值",
    ),
    (
        re.compile(r"按比例|没达到|未达到|没完成|未完成.{0,4}指标|实际完成值"),
        "按比例计分：得分 = 分值 × min(实际完成值 ÷ 年度指标值, 1)",
    ),
    (re.compile(r"得分率|得分比例"), "得分率 = 得分 ÷ 满分，以百分数表示，保留两位小数"),
    (
        re.compile(r"五级|问卷.{0,8}(?:算|计)"),
        "五级量表满意度：得分率 = Σ(人数 × 分值) ÷ (总人数 × 5)，得分 = 分值 × 得分率",
    ),
    (re.compile(r"扣完为止|每.{0,6}扣"), "扣分制：得分 = 分值 − 各项扣分之和，扣完为止（不低于 0）"),
    (re.compile(r"等级|评级|优秀|及格|[优良中差]还是|算[优良中差]|分数段"), BANDS_TEXT),
)
"""What the scorer (assistant.scoring) itself applies, by question topic: shown beside the documents' rules."""
SCORER_RULE_PREFIX = "评分引擎的计分规则："


def scorer_rule(text: str) -> str | None:
    """The scorer's own rule for the topic of ``text`` (one line), or None."""
    plain = nfkc(text)
    for pattern, rule in RULE_FAMILIES:
        if pattern.search(plain):
            return f"{SCORER_RULE_PREFIX}{rule}。"
    return None


EXAMPLE_WEIGHT = Decimal(10)
"""The 分值 of an example computed for a rule question without figures."""
EXAMPLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"预算执行|执行率|支出进度|钱花|钱没花完|没花完"), "执行率90%，满分10分"),
    (
        re.compile(r"越低越好|故障率|成本.{0,6}超|超.{0,6}成本|超支|花超|时延|响应时间"),
        "目标不超过30分钟，实际40分钟，满分10分",
    ),  # fmt: skip
    (
        re.compile(r"按比例|没达到|未达到|没完成|未完成|没干完|完成率|实际完成值"),
        "目标200次，实际完成170次，满分10分",
    ),
    (re.compile(r"扣完为止|每.{0,6}扣"), "满分4分，三处问题每处扣0.5分"),
)
"""For a rule question on an indicator the scorer knows and no figures of its own: the example the scorer works
(its figures are an illustration, said so in the answer)."""
EXAMPLE_NOTE = "示例数字："


def rule_example(text: str) -> WorkedExample | None:
    """The scorer's worked example for a rule question without figures (钱没花完会扣多少分 → 执行率 90%、满分 10 分
    得 9 分), its illustrative figures named in its assumptions; None for a topic the scorer has no rule for."""
    plain = nfkc(text)
    for pattern, scenario in EXAMPLES:
        if pattern.search(plain):
            found = worked_example(scenario)
            if found is None:
                return None
            note = f"{EXAMPLE_NOTE}{scenario}"
            return found.model_copy(update={"assumptions": [note]})
    return None

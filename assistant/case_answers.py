"""Answers about the open case (案例问答), from the scorer's working: total and grade, the weakest 一级指标, the
points lost and why, one indicator's formula, budget execution, a group's score, and the computed scores beside
the reported ones. Every number comes from :class:`assistant.scoring.ScoreSheet` or the case itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from assistant.case import Case, Indicator
from assistant.scoring import IndicatorResult, ScoreSheet
from assistant.scoring.apply import apply_rule, infer_rule
from assistant.scoring.rules import RuleError, fmt, pct
from assistant.text import nfkc, norm

RULE_NAMES = {
    "proportional": "按比例计分（分值 × min(实际 / 目标, 1)）",
    "inverse_proportional": "越低越好（实际不高于目标得满分，否则 分值 × 目标 / 实际）",
    "qualitative": "定性指标（达到目标状态得满分）",
    "tiers": "分档计分",
    "rate": "分值 × 实测比率",
    "likert": "五级量表满意度",
    "deduction": "扣分制（扣完为止）",
    "checklist": "逐项计分",
    "judged": "评价人员评分（附理由）",
    "budget_execution": "预算执行率计分",
}
_PREFIX = re.compile(r"^[A-Z]\d*\s*")


def plain_name(name: str) -> str:
    """An indicator or group name without its outline code (A11 立项依据充分性 → 立项依据充分性)."""
    return _PREFIX.sub("", name).strip()


def find_indicator(message: str, sheet: ScoreSheet) -> IndicatorResult | None:
    """The indicator the message names: the longest leaf name found in it, else the leaf sharing most of its
    characters with the message (at least 60 % of the name)."""
    text = norm(message)
    best, best_len = None, 0
    for result in sheet.indicators:
        name = norm(plain_name(result.path[-1]))
        if name and name in text and len(name) > best_len:
            best, best_len = result, len(name)
    if best is not None:
        return best
    scored = []
    for result in sheet.indicators:
        name = norm(plain_name(result.path[-1]))
        if len(name) < 3:
            continue
        run = _longest_common_run(name, text)
        if run >= max(3, int(0.6 * len(name))):
            scored.append((run / len(name), run, result))
    if not scored:
        return None
    scored.sort(key=lambda t: (-t[0], -t[1]))
    return scored[0][2]


def _longest_common_run(a: str, b: str) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def find_group(message: str, sheet: ScoreSheet) -> list:
    """Groups (一级/二级) the message names, deepest first."""
    text = norm(message)
    found = [g for g in sheet.groups if norm(plain_name(g.path[-1])) and norm(plain_name(g.path[-1])) in text]
    if not found:
        # "产出得了多少" names 产出指标; "效益" names "D 效益".
        found = [
            g
            for g in sheet.groups
            if len(norm(plain_name(g.path[-1]).removesuffix("指标"))) >= 2
            and norm(plain_name(g.path[-1]).removesuffix("指标")) in text
        ]
    return sorted(found, key=lambda g: -g.level)


def _case_indicator(case: Case, result: IndicatorResult) -> Indicator | None:
    return next((i for i in case.indicators if i.path == result.path), None)


def explain_indicator(case: Case, sheet: ScoreSheet, result: IndicatorResult) -> str:
    """One indicator: its values, rule and formula, points lost and why, and the reported score beside it."""
    name = "／".join(plain_name(p) for p in result.path)
    lines = [
        f"**{plain_name(result.path[-1])}**（{name}）：分值 {fmt(result.weight)}，得分 {fmt(result.score)}。"
    ]
    if result.target or result.actual:
        lines.append(f"- 年度指标值 {result.target or '—'}，实际完成 {result.actual or '—'}。")
    lines.append(f"- 计分：{RULE_NAMES.get(result.rule, result.rule)}，{result.formula}。")
    if result.lost > 0:
        why = "；".join(result.findings) if result.findings else ""
        ind = _case_indicator(case, result)
        reason = why or (ind.deviation if ind is not None and ind.deviation else "")
        lines.append(
            f"- 扣 {fmt(result.lost)} 分" + (f"，原因：{reason}" if reason else "，文件未写明原因") + "。"
        )
    else:
        lines.append("- 未扣分。")
    if result.judged:
        rule_score = rule_score_for(case, result)
        if rule_score is not None:
            lines.append(f"- 这是人工评分；若按规则计算应得 {fmt(rule_score[0])} 分（{rule_score[1]}）。")
    if result.reported_score is not None:
        same = (
            "一致"
            if result.reported_score == result.score
            else f"不一致，相差 {fmt(result.score - result.reported_score)} 分"
        )
        lines.append(f"- 表上填报得分 {fmt(result.reported_score)}，与评分引擎计算{same}。")
    return "\n".join(lines)


def rule_score_for(case: Case, result: IndicatorResult) -> tuple[Decimal, str] | None:
    """For a judged row, the score its target and actual give under the inferred rule, with the formula."""
    ind = _case_indicator(case, result)
    if ind is None or not ind.target or not ind.actual:
        return None
    bare = ind.model_copy(update={"rule": None, "score": None, "reason": None})
    try:
        rule = infer_rule(bare)
        if rule == "judged":
            return None
        outcome = apply_rule(case, bare, rule)
    except (RuleError, ValueError):
        return None
    return outcome.score, outcome.formula


def total_and_grade(sheet: ScoreSheet) -> str:
    lines = [
        f"总分 {fmt(sheet.total)} 分（满分 {fmt(sheet.max_total)}），等级“{sheet.grade}”，得分率 {pct(sheet.rate)}。"
    ]
    if sheet.reported_total is not None:
        if sheet.reported_total == sheet.total:
            lines.append(f"与文件填报的总分 {fmt(sheet.reported_total)} 一致。")
        else:
            lines.append(
                f"文件填报的总分是 {fmt(sheet.reported_total)}，与计算结果相差 {fmt(sheet.total - sheet.reported_total)} 分。"
            )
    if sheet.reported_grade and sheet.reported_grade != sheet.grade:
        lines.append(f"文件填报的等级是“{sheet.reported_grade}”，按等级标准应为“{sheet.grade}”。")
    return "".join(lines)


def weakest_groups(sheet: ScoreSheet) -> str:
    """一级指标 by 得分率, the weakest named."""
    level1 = sheet.level(1)
    if not level1:
        return "该案例没有一级指标分组。"
    ordered = sorted(level1, key=lambda g: (g.rate, g.key))
    weakest = ordered[0]
    rows = "；".join(
        f"{plain_name(g.path[-1])} {fmt(g.score)}/{fmt(g.weight)}（{pct(g.rate)}）" for g in level1
    )
    lost = [r for r in sheet.lost_points() if r.path[0] == weakest.path[0]]
    detail = "、".join(f"{plain_name(r.path[-1])}扣{fmt(r.lost)}分" for r in lost[:5])
    text = f"得分率最低的一级指标是“{plain_name(weakest.path[-1])}”：{fmt(weakest.score)}/{fmt(weakest.weight)}，得分率 {pct(weakest.rate)}"
    text += f"（{detail}）。" if detail else "。"
    if sheet.budget is not None and sheet.budget.score is not None and sheet.budget.weight:
        rows += f"；预算执行 {fmt(sheet.budget.score)}/{fmt(sheet.budget.weight)}"
    return text + f"\n各一级指标：{rows}。"


def lost_points(case: Case, sheet: ScoreSheet) -> str:
    lost = sheet.lost_points()
    lines = []
    budget = sheet.budget
    if (
        budget is not None
        and budget.score is not None
        and budget.weight is not None
        and budget.score < budget.weight
    ):
        lines.append(
            f"- 预算执行：执行率 {pct(budget.rate)}，得 {fmt(budget.score)}/{fmt(budget.weight)}，扣 {fmt(budget.weight - budget.score)} 分。"
        )
    for r in lost:
        ind = _case_indicator(case, r)
        reason = "；".join(r.findings) or (ind.deviation if ind is not None else "")
        lines.append(
            f"- {plain_name(r.path[-1])}：{fmt(r.score)}/{fmt(r.weight)}，扣 {fmt(r.lost)} 分"
            + (f"（{reason}）" if reason else "")
            + "。"
        )
    total_lost = sum((r.lost for r in lost), Decimal(0))
    if budget is not None and budget.score is not None and budget.weight is not None:
        total_lost += budget.weight - budget.score
    if not lines:
        return f"所有指标均得满分，总分 {fmt(sheet.total)}。"
    head = (
        f"共扣 {fmt(total_lost)} 分，总分 {fmt(sheet.total)}；其余指标均得满分。失分项："
        if lost or budget
        else ""
    )
    return head + "\n" + "\n".join(lines)


def budget_execution(sheet: ScoreSheet) -> str:
    b = sheet.budget
    if b is None:
        return "该案例没有预算执行数据。"
    text = f"全年预算 {fmt(b.annual)} 万元，执行 {fmt(b.executed)} 万元，执行率 {pct(b.rate)}"
    if b.score is not None and b.weight is not None:
        text += f"，得 {fmt(b.score)}/{fmt(b.weight)} 分（{b.formula}）"
    return text + "。"


def group_score(sheet: ScoreSheet, groups: Sequence) -> str:
    lines = []
    for g in groups[:3]:
        lines.append(
            f"{plain_name(g.path[-1])}：满分 {fmt(g.weight)}，得分 {fmt(g.score)}，得分率 {pct(g.rate)}，扣 {fmt(g.lost)} 分。"
        )
    return "\n".join(lines)


def compare_reported(sheet: ScoreSheet) -> str:
    """The computed scores beside the reported ones: the total and every row that differs."""
    lines = [total_and_grade(sheet)]
    differ = [r for r in sheet.indicators if r.reported_score is not None and r.reported_score != r.score]
    if differ:
        lines.append("与填报得分不一致的指标：")
        lines += [
            f"- {plain_name(r.path[-1])}：填报 {fmt(r.reported_score)}，计算 {fmt(r.score)}（{r.formula}）"
            for r in differ
        ]
    else:
        reported = sum(1 for r in sheet.indicators if r.reported_score is not None)
        lines.append(
            f"逐项比较：{reported} 个指标的填报得分与计算结果全部一致。"
            if reported
            else "文件未填报各指标得分。"
        )
    return "\n".join(lines)


INTENT_WORDS: dict[str, tuple[str, ...]] = {
    "compare": ("一样吗", "一致", "对得上", "对不上", "表上填", "填的", "填报", "核对"),
    "weakest": ("最弱", "最低", "最差", "短板", "丢分最多", "扣分最多", "薄弱"),
    "lost": ("丢分", "失分", "扣分", "丢了", "扣了", "没满分", "没拿满", "哪些指标"),
    "budget": ("预算执行", "执行率", "执行得", "支出进度"),
    "total": ("总分", "等级", "评了", "多少分", "几分", "得分率", "得了"),
    "explain": ("为什么", "为啥", "怎么算", "怎么来", "怎么得", "按规则", "算的", "扣分", "得分"),
}
RESULT_WORDS = ("得了", "得几", "几分", "多少", "为什么", "为啥", "扣了", "丢了", "是多少")
"""Words asking for this case's result rather than for a rule in general (怎么计分)."""
CASE_MARKERS = (
    "这个项目",
    "本项目",
    "该项目",
    "这个案例",
    "当前",
    "我们",
    "这项",
    "那项",
    "这张表",
    "表里",
    "表上",
)


def case_reply(message: str, case: Case, sheet: ScoreSheet) -> str | None:
    """The answer from the scorer's working when the message is about the open case; None otherwise."""
    text = nfkc(message)
    has = {intent: any(w in text for w in words) for intent, words in INTENT_WORDS.items()}
    indicator = find_indicator(text, sheet)
    groups = find_group(text, sheet)
    marked = any(m in text for m in CASE_MARKERS) or any(w in text for w in RESULT_WORDS)
    parts: list[str] = []
    if indicator is not None and (
        has["explain"] or has["total"] or has["lost"] or has["compare"] or len(text) <= 20
    ):
        parts.append(explain_indicator(case, sheet, indicator))
    elif has["budget"] and marked:
        parts.append(budget_execution(sheet))
    elif groups and (has["total"] or has["explain"] or has["lost"]):
        parts.append(group_score(sheet, groups))
    else:
        if has["compare"]:
            parts.append(compare_reported(sheet))
        elif has["total"] and not has["lost"]:
            parts.append(total_and_grade(sheet))
        if has["weakest"]:
            if has["total"] and not parts:
                parts.append(total_and_grade(sheet))
            parts.append(weakest_groups(sheet))
        elif has["lost"]:
            if has["total"] and not parts:
                parts.append(total_and_grade(sheet))
            parts.append(lost_points(case, sheet))
    if not parts:
        return None
    return "\n\n".join(parts)

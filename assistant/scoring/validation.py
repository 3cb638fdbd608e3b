"""Case-level checks the scorer runs before scoring: weights, paths, rule fields (one Chinese line each).

A typed case must pass every check. A received form (``case.received``) is scored as far as it goes: the
checks marked *lenient* below become notes on the score sheet instead of refusals.
"""

from __future__ import annotations

from decimal import Decimal

from assistant.case import KIND_TOTAL, MAX_INDICATORS, Case, Indicator, path_key

from .registry import RULE_PARAMS, RULES
from .rules import fmt

MAX_PATH_DEPTH = 8
MAX_NAME_LENGTH = 500
MAX_WEIGHT = Decimal(1000)


def row_name(indicator: Indicator) -> str:
    return f"指标“{indicator.key}”"


def _check_budget(case: Case) -> list[str]:
    problems = []
    budget = case.budget
    if case.kind == "self_evaluation" and budget is None and not case.received:
        indicator_sum = sum((ind.weight for ind in case.indicators), Decimal(0))
        if indicator_sum != KIND_TOTAL:
            problems.append(
                "自评表（self_evaluation）须填写 budget（全年预算数、全年执行数）；"
                "没有预算执行情况的评分表，指标分值合计须为 100"
            )
    if budget is None:
        return problems
    if case.kind == "evaluation" and budget.weight is not None:
        problems.append(
            "预算(budget) 分值(weight)：只用于自评表；评价报告请把预算执行率作为 budget_execution 指标"
        )
    for name, label, value in (
        ("initial", "年初预算数", budget.initial),
        ("annual", "全年预算数", budget.annual),
        ("executed", "全年执行数", budget.executed),
    ):
        if value is not None and value < 0:
            problems.append(f"预算(budget) {label}({name})：不能为负数（填写的是 {fmt(value)}）")
    if case.kind == "self_evaluation" and budget.annual <= 0 and not budget.years and not case.received:
        problems.append("预算(budget) 全年预算数(annual)：须大于 0，才能计算执行率")
    if budget.weight is not None and budget.weight < 0:
        problems.append(f"预算(budget) 分值(weight)：不能为负（填写的是 {fmt(budget.weight)}）")
    if budget.weight is not None and budget.weight > KIND_TOTAL:
        problems.append(
            f"预算(budget) 分值(weight)：不能超过 {fmt(KIND_TOTAL)}（填写的是 {fmt(budget.weight)}）"
        )
    seen = set()
    for line in budget.years:
        if line.year in seen:
            problems.append(f"预算(budget) 分年度预算(years)：{line.year} 年重复")
        seen.add(line.year)
        if line.annual <= 0:
            problems.append(
                f"预算(budget) 分年度预算(years) {line.year}年 全年预算数：须大于 0（填写的是 {fmt(line.annual)}）"
            )
        if line.executed < 0:
            problems.append(
                f"预算(budget) 分年度预算(years) {line.year}年 全年执行数：不能为负（填写的是 {fmt(line.executed)}）"
            )
    return problems


def _check_paths(case: Case) -> list[str]:
    problems = []
    keys: dict[tuple[str, ...], int] = {}
    for ind in case.indicators:
        if any(not part.strip() for part in ind.path):
            problems.append(f"{row_name(ind)} 指标路径(path)：各级名称不能为空")
        if len(ind.path) < 2:
            problems.append(f"{row_name(ind)} 指标路径(path)：至少两级（一级/…/末级）")
        key = tuple(ind.path)
        keys[key] = keys.get(key, 0) + 1
    for key, count in keys.items():
        if count > 1:
            problems.append(f"指标“{path_key(key)}” 重复出现 {count} 次，路径须唯一")
    prefixes = {key[:depth] for key in keys for depth in range(1, len(key))}
    for key in keys:
        if key in prefixes:
            other = next(o for o in keys if len(o) > len(key) and o[: len(key)] == key)
            problems.append(f"指标“{path_key(key)}” 既是末级指标又是“{path_key(other)}”的上级")
    return problems


MAX_AMOUNT = Decimal(10) ** 12
"""Largest amount (万元) or count accepted anywhere in a case: beyond it Decimal work could overflow."""


def _numbers_of(case: Case) -> list[tuple[str, Decimal | None]]:
    """Every number a case holds, with a Chinese name for messages."""
    numbers: list[tuple[str, Decimal | None]] = [
        ("原文总分(reported_total)", case.reported_total),
        ("原文分值合计(reported_weight_total)", case.reported_weight_total),
    ]
    numbers += [(f"标注分值“{w.label[:20]}”", w.points) for w in case.stated_weights]
    budget = case.budget
    if budget is not None:
        numbers += [
            ("预算 年初预算数(initial)", budget.initial),
            ("预算 全年预算数(annual)", budget.annual),
            ("预算 全年执行数(executed)", budget.executed),
            ("预算 分值(weight)", budget.weight),
            ("预算 原文得分(reported_score)", budget.reported_score),
        ]
        for line in budget.years:
            numbers += [
                (f"预算 {line.year}年 全年预算数", line.annual),
                (f"预算 {line.year}年 全年执行数", line.executed),
            ]
        for source in budget.sources:
            numbers += [
                (f"预算 {source.name[:20]} {label}", value)
                for label, value in (
                    ("年初预算数", source.initial),
                    ("全年预算数", source.annual),
                    ("全年执行数", source.executed),
                )
            ]
    for ind in case.indicators:
        name = row_name(ind)[:60]
        numbers += [
            (f"{name} 人工评分(score)", ind.score),
            (f"{name} 满分执行率(full_at)", ind.full_at),
            (f"{name} 零分执行率(zero_below)", ind.zero_below),
        ]
        numbers += [(f"{name} 扣分", d.points) for d in ind.deductions or []]
        numbers += [(f"{name} 评分要点分数", c.points) for c in ind.criteria or []]
        for threshold, share in ind.tiers or []:
            numbers += [(f"{name} 分档门槛", threshold), (f"{name} 分档比例", share)]
        numbers += [(f"{name} 问卷人数", Decimal(count)) for count in (ind.responses or {}).values()]
    return numbers


def check_size(case: Case) -> list[str]:
    """Bounds checked before any other work, so an oversized case is refused at once."""
    problems = []
    if len(case.indicators) > MAX_INDICATORS:
        problems.append(f"指标数量 {len(case.indicators)} 超过上限 {MAX_INDICATORS}")
        return problems
    for label, value in _numbers_of(case):
        if value is not None and not (value.is_finite() and abs(value) <= MAX_AMOUNT):
            shown = f"{value:.6g}" if value.is_finite() else str(value)
            problems.append(f"{label}：{shown} 超出可处理的范围（绝对值不超过 10^12）")
    for ind in case.indicators:
        if len(ind.path) > MAX_PATH_DEPTH:
            problems.append(
                f"{row_name(ind)[:80]} 指标路径(path)：层级 {len(ind.path)} 超过上限 {MAX_PATH_DEPTH}"
            )
        if any(len(part) > MAX_NAME_LENGTH for part in ind.path):
            problems.append(f"第{case.indicators.index(ind) + 1}个指标 名称超过 {MAX_NAME_LENGTH} 个字符")
        for label, value in (("分值(weight)", ind.weight), ("原文得分(reported_score)", ind.reported_score)):
            if value is not None and not (value.is_finite() and abs(value) <= MAX_WEIGHT):
                problems.append(
                    f"{row_name(ind)[:80]} {label}：{value} 超出合理范围（绝对值不超过 {fmt(MAX_WEIGHT)}）"
                )
    return problems


def _check_indicator(case: Case, ind: Indicator, rule: str | None) -> list[str]:
    problems = []
    name = row_name(ind)
    if ind.weight <= 0:
        problems.append(f"{name} 分值(weight)：须大于 0（填写的是 {fmt(ind.weight)}）")
    elif not case.received and ind.weight != ind.weight.quantize(Decimal("0.01")):
        problems.append(
            f"{name} 分值(weight)：最多两位小数（填写的是 {fmt(ind.weight)}），否则各项得分四舍五入后总分可能超过 100"
        )
    if (
        not case.received
        and ind.reported_score is not None
        and not Decimal(0) <= ind.reported_score <= ind.weight
    ):
        problems.append(
            f"{name} 原文得分(reported_score)：{fmt(ind.reported_score)} 须在 0 到分值 {fmt(ind.weight)} 之间"
        )
    if rule is None:
        return problems
    for field, owner in RULE_PARAMS.items():
        if getattr(ind, field) is not None and owner != rule:
            problems.append(f"{name} 字段 {field} 只用于 {owner} 规则，本行规则是 {rule}")
    spec = RULES[rule]
    if spec.needs_target and not (ind.target or "").strip():
        problems.append(f"{name} 年度指标值(target)：{rule} 规则须填写目标值")
    if spec.needs_actual and not (ind.actual or "").strip():
        problems.append(f"{name} 实际完成值(actual)：{rule} 规则须填写实际完成值")
    required = {"deduction": "deductions", "checklist": "criteria", "likert": "responses"}
    if rule in required and getattr(ind, required[rule]) is None:
        problems.append(f"{name} {rule} 规则须填写 {required[rule]}")
    if rule == "tiers" and ind.tiers is None and not (case.received and ind.standard):
        problems.append(f"{name} tiers 规则须填写 tiers")
    if rule == "judged":
        if ind.score is None:
            problems.append(f"{name} 人工评分(score)：judged 规则须填写")
        elif not Decimal(0) <= ind.score <= ind.weight:
            problems.append(f"{name} 人工评分(score)：{fmt(ind.score)} 须在 0 到分值 {fmt(ind.weight)} 之间")
        if not (ind.reason or "").strip():
            problems.append(f"{name} 评分理由(reason)：judged 规则须写明理由，不能为空")
    if rule == "budget_execution":
        if case.kind == "self_evaluation":
            problems.append(f"{name} 自评表的预算执行由 budget 自动计分，不能再作为指标（会重复计分）")
        elif case.budget is None:
            problems.append(f"{name} budget_execution 规则须在案例中填写 budget")
    return problems


def _check_findings(case: Case) -> list[str]:
    keys = {ind.key for ind in case.indicators}
    groups = {path_key(ind.path[:depth]) for ind in case.indicators for depth in range(1, len(ind.path))}
    problems = []
    for i, finding in enumerate(case.findings, start=1):
        if finding.indicator and path_key(finding.indicator) not in keys | groups:
            problems.append(
                f"问题清单(findings) 第{i}项 关联指标(indicator)：找不到指标“{path_key(finding.indicator)}”"
            )
        if not finding.text.strip():
            problems.append(f"问题清单(findings) 第{i}项 问题描述(text)：不能为空")
    return problems


def weight_total_problem(case: Case) -> str | None:
    """'分值合计须为 100：…' when the budget and indicator weights do not add up to 100, else None."""
    indicator_sum = sum((ind.weight for ind in case.indicators), Decimal(0))
    budget_weight = case.budget_weight()
    total = indicator_sum + budget_weight
    if total == KIND_TOTAL:
        return None
    if case.kind == "self_evaluation" and case.budget is not None:
        return f"分值合计须为 {fmt(KIND_TOTAL)}：预算执行 {fmt(budget_weight)} + 指标 {fmt(indicator_sum)} = {fmt(total)}"
    return f"分值合计须为 {fmt(KIND_TOTAL)}：指标分值合计为 {fmt(indicator_sum)}"


def validate_case(case: Case, rules: list[str | None]) -> list[tuple[int | None, str]]:
    """Every problem that stops scoring, as (indicator index or None, Chinese line).

    `rules[i]` is the rule of indicator i (None when it could not be inferred). For a received form the
    weight total and duplicate paths are not problems here: the scorer reports them as notes.
    """
    case_level = _check_budget(case) + _check_findings(case)
    if not case.received:
        case_level += _check_paths(case)
    problems: list[tuple[int | None, str]] = [(None, p) for p in case_level]
    for i, ind in enumerate(case.indicators):
        problems += [(i, p) for p in _check_indicator(case, ind, rules[i])]
    total = weight_total_problem(case)
    if total is not None and not case.received:
        problems.append((None, total))
    return problems

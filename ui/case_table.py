"""The indicator table of the case editor (指标表): case-file indicators ⇄ editable rows.

A finance clerk edits one row per leaf indicator. Rule-specific details that do not fit a column
(tiers, Likert responses, checklist criteria, execution thresholds) sit in the 其他参数 column as a short
YAML mapping, so nothing in an imported case is lost by editing it in the table.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from assistant.case import plain_numbers
from assistant.errors import InputError
from assistant.scoring.registry import RULE_LABELS as SCORING_RULE_LABELS

COLUMNS = [
    "一级指标",
    "二级指标",
    "三级指标",
    "四级指标",
    "分值",
    "年度指标值",
    "实际完成值",
    "评分规则",
    "扣分明细",
    "人工得分",
    "评分理由",
    "原文得分",
    "偏差原因/评价发现",
    "其他参数",
]
LEVELS = 4

RULE_LABELS = {"": "自动判断", **SCORING_RULE_LABELS}
"""Rule names as the clerk sees them (the case file keeps the English keys)."""

_RULE_BY_LABEL = {label: key for key, label in RULE_LABELS.items()}
_EXTRA_KEYS = ("tiers", "responses", "criteria", "full_at", "zero_below")
# Entries are separated by a semicolon or line break *before the next "扣N分"*: findings and evidence
# copied from real reports contain semicolons of their own.
_DEDUCTION_SPLIT = re.compile(r"(?:[；;]|\n)\s*(?=扣\s*[0-9０-９])|\n+")
_DEDUCTION_ENTRY = re.compile(
    r"^\s*扣?\s*(?P<points>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*分?\s*[:：,，]?\s*(?P<rest>.*)$", re.S
)
_EVIDENCE = re.compile(r"[【（(]\s*依据\s*[:：]\s*(?P<evidence>.*?)\s*[】）)]\s*$", re.S)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from an emptied dataframe cell
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value).strip()


def _number(value: Any, row: int, column: str) -> Decimal | None:
    text = _text(value).translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InputError(f"第{row}行“{column}”须为数字（填写的是：{text}）") from None


def format_deductions(deductions: list[dict[str, Any]] | None) -> str:
    """'扣0.25分 未进行事前绩效评估【依据：部门提供预算绩效管理资料】；…'"""
    parts = []
    for d in deductions or []:
        entry = f"扣{_text(d.get('points'))}分 {_text(d.get('finding'))}"
        if _text(d.get("evidence")):
            entry += f"【依据：{_text(d.get('evidence'))}】"
        parts.append(entry)
    return "；".join(parts)


def parse_deductions(text: str, row: int) -> list[dict[str, Any]]:
    """Inverse of :func:`format_deductions`; each entry needs its points and what was found."""
    out = []
    for entry in _DEDUCTION_SPLIT.split(_text(text)):
        if not entry.strip():
            continue
        m = _DEDUCTION_ENTRY.match(entry)
        if not m or not m.group("rest").strip():
            raise InputError(
                f"第{row}行“扣分明细”应写成“扣0.5分 问题描述【依据：来源】”（填写的是：{entry.strip()}）"
            )
        rest = m.group("rest").strip()
        evidence = ""
        ev = _EVIDENCE.search(rest)
        if ev:
            evidence = ev.group("evidence")
            rest = rest[: ev.start()].strip()
        points = m.group("points").translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
        out.append({"points": Decimal(points), "finding": rest, "evidence": evidence})
    return out


def indicator_to_row(ind: dict[str, Any]) -> list[Any]:
    path = list(ind.get("path") or [])
    levels = (path + [""] * LEVELS)[:LEVELS]
    if len(path) > LEVELS:  # deeper trees keep their tail in the last level column
        levels[-1] = "/".join(path[LEVELS - 1 :])
    extras = {k: ind[k] for k in _EXTRA_KEYS if ind.get(k) is not None}
    note = _text(ind.get("deviation")) or _text(ind.get("finding"))
    return [
        *levels,
        _text(ind.get("weight")),
        _text(ind.get("target")),
        _text(ind.get("actual")),
        RULE_LABELS.get(_text(ind.get("rule")), _text(ind.get("rule"))),
        format_deductions(ind.get("deductions")),
        _text(ind.get("score")),
        _text(ind.get("reason")),
        _text(ind.get("reported_score")),
        note,
        yaml.safe_dump(plain_numbers(extras), allow_unicode=True, default_flow_style=True).strip()
        if extras
        else "",
    ]


def case_to_rows(case: dict[str, Any] | None) -> list[list[Any]]:
    return [indicator_to_row(ind) for ind in (case or {}).get("indicators") or []]


def _is_blank(row: list[Any]) -> bool:
    return all(not _text(v) for v in row)


def row_to_indicator(
    row: list[Any], number: int, kind: str, previous: dict[str, Any] | None
) -> dict[str, Any]:
    """One table row → one case-file indicator mapping. `number` is the 1-based row shown to the user."""
    row = (list(row) + [""] * len(COLUMNS))[: len(COLUMNS)]
    cells = dict(zip(COLUMNS, row, strict=True))
    path = [_text(cells[c]) for c in COLUMNS[:LEVELS]]
    while path and not path[-1]:
        path.pop()
    if not path or any(not p for p in path):
        raise InputError(f"第{number}行：指标名称须从一级指标起逐级填写，中间不能空")
    ind: dict[str, Any] = {"path": path}
    weight = _number(cells["分值"], number, "分值")
    if weight is None:
        raise InputError(f"第{number}行（{'/'.join(path)}）：缺少“分值”")
    ind["weight"] = weight
    for column, key in (("年度指标值", "target"), ("实际完成值", "actual"), ("评分理由", "reason")):
        if _text(cells[column]):
            ind[key] = _text(cells[column])
    rule_text = _text(cells["评分规则"])
    if rule_text:
        rule = _RULE_BY_LABEL.get(rule_text, rule_text)
        if rule:
            ind["rule"] = rule
    if _text(cells["扣分明细"]):
        ind["deductions"] = parse_deductions(cells["扣分明细"], number)
        ind.setdefault("rule", "deduction")
    if ind.get("rule") == "deduction":
        ind.setdefault("deductions", [])  # a deduction row with nothing deducted keeps full marks
    score = _number(cells["人工得分"], number, "人工得分")
    if score is not None:
        ind["score"] = score
        ind.setdefault("rule", "judged")
    reported = _number(cells["原文得分"], number, "原文得分")
    if reported is not None:
        ind["reported_score"] = reported
    note = _text(cells["偏差原因/评价发现"])
    if note:
        # The self-evaluation form calls it 偏差原因分析; a report calls the same column 评价发现.
        ind["deviation" if kind == "self_evaluation" else "finding"] = note
    extras_text = _text(cells["其他参数"])
    if extras_text:
        try:
            extras = yaml.safe_load(extras_text)
        except yaml.YAMLError:
            extras = None
        if not isinstance(extras, dict) or set(extras) - set(_EXTRA_KEYS):
            raise InputError(
                f"第{number}行“其他参数”应为 {{键: 值}} 形式，键只能是 {'、'.join(_EXTRA_KEYS)}（填写的是：{extras_text}）"
            )
        ind.update(extras)
    if previous:  # keep the fields the table does not show (e.g. the other of deviation/finding)
        for key in ("deviation", "finding", "evidence"):
            if (
                previous.get(key)
                and key not in ind
                and key != ("deviation" if kind == "self_evaluation" else "finding")
            ):
                ind[key] = previous[key]
    return ind


def rows_to_indicators(
    rows: list[list[Any]], kind: str, previous: list[dict[str, Any]] | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """All rows → indicators, collecting one message per bad row instead of stopping at the first."""
    by_path = {"/".join(p.get("path") or []): p for p in previous or []}
    indicators: list[dict[str, Any]] = []
    problems: list[str] = []
    for i, row in enumerate(rows or [], start=1):
        if _is_blank(row):
            continue
        try:
            key = "/".join(_text(c) for c in row[:LEVELS] if _text(c))
            indicators.append(row_to_indicator(row, i, kind, by_path.get(key)))
        except InputError as exc:
            problems.append(str(exc))
    return indicators, problems


def row_numbers_by_path(rows: list[list[Any]]) -> dict[str, int]:
    """'一级/二级/三级' → the 1-based row number, to point validation messages at their row."""
    out = {}
    for i, row in enumerate(rows or [], start=1):
        key = "/".join(_text(c) for c in row[:LEVELS] if _text(c))
        if key:
            out.setdefault(key, i)
    return out

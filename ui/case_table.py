"""The indicator table of the case editor (指标表): case-file indicators ⇄ editable rows.

A finance clerk edits one row per leaf indicator; every row has one line's height. Rule parameters that do
not fit a column (分档, 问卷, 评分要点, 执行率门槛) are edited for the selected row in a side panel and kept
on the indicator, so nothing in an imported case is lost by editing it in the table.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from assistant.case import plain_numbers
from assistant.errors import InputError, Problem
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
]
LEVELS = 4

RULE_LABELS = {"": "自动判断", **SCORING_RULE_LABELS}
"""Rule names as the clerk sees them (the case file keeps the English keys)."""

_RULE_BY_LABEL = {label: key for key, label in RULE_LABELS.items()}
_EXTRA_KEYS = ("tiers", "responses", "criteria", "full_at", "zero_below")
EXTRA_LABELS = {
    "tiers": "分档",
    "responses": "问卷",
    "criteria": "评分要点",
    "full_at": "满分执行率",
    "zero_below": "零分执行率",
}
"""Rule parameters as the clerk sees them in the side panel (the case file keeps the English keys)."""
_EXTRA_BY_LABEL = {v: k for k, v in EXTRA_LABELS.items()}
EXTRA_HELP = (
    "每行一项，写法示例：\n"
    "分档: [[95, 1], [90, 0.8], [0, 0]]　（实际完成率≥95%得满分，≥90%得80%……）\n"
    "问卷: {5: 120, 4: 30, 3: 5, 2: 0, 1: 0}　（各分值的人数）\n"
    "评分要点: [{text: 制度健全, points: 2, met: true}]\n"
    "满分执行率: 95　零分执行率: 60"
)
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


class CellError(InputError):
    """A table cell that cannot be read, with its row and column for marking it."""

    def __init__(self, message: str, row: int, column: str):
        super().__init__(message)
        self.row, self.column = row, column


def _number(value: Any, row: int, column: str) -> Decimal | None:
    text = _text(value).translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,")).replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"第{row}行“{column}”须为数字（填写的是：{_text(value)}）", row, column) from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise CellError(f"第{row}行“{column}”数值超出范围（填写的是：{_text(value)}）", row, column)
    return number


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
            raise CellError(
                f"第{row}行“扣分明细”应写成“扣0.5分 问题描述【依据：来源】”（填写的是：{entry.strip()}）",
                row,
                "扣分明细",
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
    ]


def extras_of(ind: dict[str, Any] | None) -> dict[str, Any]:
    """The rule parameters of an indicator (分档, 问卷…) that the table does not show."""
    return {k: ind[k] for k in _EXTRA_KEYS if ind and ind.get(k) is not None}


def extras_text(ind: dict[str, Any] | None) -> str:
    """The side panel's text for an indicator's rule parameters, one Chinese-named item a line."""
    extras = extras_of(ind)
    return "\n".join(
        f"{EXTRA_LABELS[k]}: "
        + yaml.safe_dump(plain_numbers(v), allow_unicode=True, default_flow_style=True, width=10_000)
        .strip()
        .removesuffix("...")
        .strip()
        for k, v in extras.items()
    )


def parse_extras(text: str, row: int) -> dict[str, Any]:
    """The side panel's text → rule parameters (Chinese or case-file names); CellError when unreadable."""
    text = _text(text)
    if not text:
        return {}
    try:
        data = yaml.safe_load(text.replace("：", ": "))
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict):
        data = {_EXTRA_BY_LABEL.get(str(k).strip(), str(k).strip()): v for k, v in data.items()}
    if not isinstance(data, dict) or set(data) - set(_EXTRA_KEYS):
        raise CellError(
            f"第{row}行的评分参数应写成“名称: 值”，名称只能是 {'、'.join(EXTRA_LABELS.values())}（填写的是：{text}）",
            row,
            "评分参数",
        )
    return data


def case_to_rows(case: dict[str, Any] | None) -> list[list[Any]]:
    return [indicator_to_row(ind) for ind in (case or {}).get("indicators") or []]


def _is_blank(row: list[Any]) -> bool:
    return all(not _text(v) for v in row)


def row_to_indicator(
    row: list[Any], number: int, kind: str, previous: dict[str, Any] | None
) -> dict[str, Any]:
    """One table row → one case-file indicator mapping. `number` is the 1-based row shown to the user;
    `previous` is the indicator the row was shown from (its rule parameters and hidden fields are kept)."""
    row = (list(row) + [""] * len(COLUMNS))[: len(COLUMNS)]
    cells = dict(zip(COLUMNS, row, strict=True))
    path = [_text(cells[c]) for c in COLUMNS[:LEVELS]]
    while path and not path[-1]:
        path.pop()
    if not path or any(not p for p in path):
        first_blank = next((c for c, p in zip(COLUMNS, path or [""], strict=False) if not p), COLUMNS[0])
        raise CellError(f"第{number}行：指标名称须从一级指标起逐级填写，中间不能空", number, first_blank)
    ind: dict[str, Any] = {"path": path}
    weight = _number(cells["分值"], number, "分值")
    if weight is None:
        raise CellError(f"第{number}行（{'/'.join(path)}）：缺少“分值”", number, "分值")
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
    ind.update(extras_of(previous))
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
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """All rows → indicators, collecting one problem per bad row instead of stopping at the first.

    A row keeps the hidden fields of the indicator with its path, or else of the one it was shown from
    (same position), so renaming an indicator keeps its rule parameters."""
    previous = list(previous or [])
    by_path = {"/".join(p.get("path") or []): p for p in previous if isinstance(p, dict)}
    indicators: list[dict[str, Any]] = []
    problems: list[Problem] = []
    position = 0
    for i, row in enumerate(rows or [], start=1):
        if _is_blank(row):
            continue
        key = "/".join(_text(c) for c in row[:LEVELS] if _text(c))
        before = by_path.get(key) or (previous[position] if position < len(previous) else None)
        position += 1
        try:
            indicators.append(row_to_indicator(row, i, kind, before if isinstance(before, dict) else None))
        except CellError as exc:
            problems.append(Problem(message=str(exc), row=exc.row, column=exc.column, group="绩效指标"))
        except InputError as exc:
            problems.append(Problem(message=str(exc), row=i, group="绩效指标"))
    return indicators, problems


def table_rows_of_indicators(rows: list[list[Any]]) -> list[int]:
    """The 1-based table row of each indicator (blank rows are not indicators)."""
    return [i for i, r in enumerate(rows or [], start=1) if not _is_blank(r)]


def row_numbers_by_path(rows: list[list[Any]]) -> dict[str, int]:
    """'一级/二级/三级' → the 1-based row number, to point validation messages at their row."""
    out = {}
    for i, row in enumerate(rows or [], start=1):
        key = "/".join(_text(c) for c in row[:LEVELS] if _text(c))
        if key:
            out.setdefault(key, i)
    return out

"""The 项目录入 form (录入表单) as data: case ⇄ form values, problems placed on their field or cell, the
problems panel, and a field-by-field comparison of two versions of a case. No Gradio here."""

from __future__ import annotations

import html
from decimal import Decimal, InvalidOperation
from typing import Any

from assistant.case import Narrative
from assistant.errors import Problem
from assistant.workspace import KIND_NAMES, blank_case

from . import case_table

KIND_LABELS = KIND_NAMES
_KIND_BY_LABEL = {v: k for k, v in KIND_LABELS.items()}
NARRATIVE_FIELDS = [(name, field.description or name) for name, field in Narrative.model_fields.items()]
FINDING_FIELDS = [
    ("category", "问题分类"),
    ("text", "问题描述"),
    ("cause", "原因分析"),
    ("responsible", "责任单位"),
    ("evidence", "依据"),
    ("indicator", "关联指标"),
]
"""The 问题清单 table's columns: one per field of a case finding (the indicator path written a/b/c)."""
FINDING_COLUMNS = [label for _, label in FINDING_FIELDS]
PROJECT_FIELDS = [
    ("name", "项目名称"),
    ("department", "主管部门"),
    ("implementer", "实施单位"),
    ("year", "年度"),
    ("evaluator", "评价机构"),
    ("report_date", "报告日期"),
]
BUDGET_FIELDS = [
    ("initial", "年初预算数"),
    ("annual", "全年预算数"),
    ("executed", "全年执行数"),
    ("weight", "预算执行分值"),
]
FORM_ORDER = (
    ["kind"]
    + [f"project.{k}" for k, _ in PROJECT_FIELDS]
    + [f"budget.{k}" for k, _ in BUDGET_FIELDS]
    + ["indicators", "findings"]
    + [f"narrative.{k}" for k, _ in NARRATIVE_FIELDS]
)
"""The form components in the order callbacks receive their values."""
_INDICATOR_KEY_COLUMNS = {
    "path": "一级指标",
    "weight": "分值",
    "target": "年度指标值",
    "actual": "实际完成值",
    "rule": "评分规则",
    "deductions": "扣分明细",
    "score": "人工评分",
    "reason": "评分理由",
    "reported_score": "原文得分",
    "deviation": "偏差原因/评价发现",
    "finding": "偏差原因/评价发现",
}
_FIELD_LABELS = {
    **{f"project.{k}": v for k, v in PROJECT_FIELDS},
    **{f"budget.{k}": v for k, v in BUDGET_FIELDS},
    **{f"narrative.{k}": v for k, v in NARRATIVE_FIELDS},
}


def _text(value: Any) -> str:
    return case_table._text(value)


def number_or_text(value: Any) -> Any:
    """A typed amount: a number when it reads as one (full-width digits and thousands commas allowed);
    otherwise the text as typed, so nothing is lost and validation names it; blank → None."""
    text = _text(value)
    if not text:
        return None
    plain = text.translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,")).replace(",", "")
    try:
        number = Decimal(plain)
    except InvalidOperation:
        return text
    return number if number.is_finite() else text


def year_or_text(value: Any) -> Any:
    text = _text(value).translate(str.maketrans("０１２３４５６７８９", "0123456789")).removesuffix("年")
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) == 4 else _text(value)


def findings_to_rows(case: dict[str, Any]) -> list[list[str]]:
    rows = []
    for f in case.get("findings") or []:
        if isinstance(f, dict):
            cells = {key: str(f.get(key) or "") for key, _ in FINDING_FIELDS}
            cells["indicator"] = "/".join(f.get("indicator") or [])
            rows.append([cells[key] for key, _ in FINDING_FIELDS])
    return rows


def rows_to_findings(rows: list[list[Any]]) -> tuple[list[dict[str, Any]], list[Problem]]:
    findings: list[dict[str, Any]] = []
    problems: list[Problem] = []
    width = len(FINDING_FIELDS)
    for i, row in enumerate(rows or [], start=1):
        padded = [_text(c) for c in (list(row) + [""] * width)[:width]]
        cells = dict(zip([k for k, _ in FINDING_FIELDS], padded, strict=True))
        if not any(cells.values()):
            continue
        category, text = cells["category"], cells["text"]
        if category not in ("决策", "过程", "产出", "效益"):
            problems.append(
                Problem(
                    message=f"问题清单第{i}行：“问题分类”须为 决策、过程、产出、效益 之一（填写的是：{category or '空'}）",
                    row=i,
                    column="问题分类",
                    group="问题清单",
                )
            )
            continue
        if not text:
            problems.append(
                Problem(
                    message=f"问题清单第{i}行：缺少“问题描述”", row=i, column="问题描述", group="问题清单"
                )
            )
            continue
        f: dict[str, Any] = {"category": category, "text": text}
        for key in ("cause", "responsible", "evidence"):
            if cells[key]:
                f[key] = cells[key]
        if cells["indicator"]:
            f["indicator"] = [p for p in cells["indicator"].split("/") if p]
        findings.append(f)
    return findings, problems


def table_rows(value: Any) -> list[list[Any]]:
    """Dataframe value (pandas or list) → list of rows."""
    if value is None:
        return []
    if hasattr(value, "values") and hasattr(value, "columns"):
        return value.astype(object).where(value.notna(), "").values.tolist()
    if isinstance(value, dict) and "data" in value:
        return list(value["data"])
    return [list(r) for r in value]


def collect_case(previous: dict[str, Any] | None, values: list[Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The form's values (in FORM_ORDER) → case-file data, plus the problems of cells that could not be read.

    Fields the form does not show (reported totals, budget years, rule parameters…) are kept from
    `previous`, the case as last saved."""
    by_name = dict(zip(FORM_ORDER, values, strict=True))
    previous = previous or {}
    kind = _KIND_BY_LABEL.get(_text(by_name["kind"]), previous.get("kind", "self_evaluation"))
    case: dict[str, Any] = {
        k: v
        for k, v in previous.items()
        if k not in ("kind", "project", "budget", "indicators", "findings", "narrative")
    }
    case["kind"] = kind
    project = dict(previous.get("project") or {}) if isinstance(previous.get("project"), dict) else {}
    for key, _ in PROJECT_FIELDS:
        value = by_name[f"project.{key}"]
        value = year_or_text(value) if key == "year" else _text(value)
        if value in (None, ""):
            project.pop(key, None)
        else:
            project[key] = value
    case["project"] = project
    budget_values = {k: number_or_text(by_name[f"budget.{k}"]) for k, _ in BUDGET_FIELDS}
    old_budget = previous.get("budget") if isinstance(previous.get("budget"), dict) else {}
    if kind == "self_evaluation" or any(v is not None for v in budget_values.values()):
        case["budget"] = {
            **{k: v for k, v in (old_budget or {}).items() if k not in budget_values},
            **budget_values,
        }
    rows = table_rows(by_name["indicators"])
    indicators, problems = case_table.rows_to_indicators(rows, kind, previous.get("indicators"))
    case["indicators"] = indicators
    case["narrative"] = {
        k: _text(by_name[f"narrative.{k}"]) for k, _ in NARRATIVE_FIELDS if _text(by_name[f"narrative.{k}"])
    }
    findings, finding_problems = rows_to_findings(table_rows(by_name["findings"]))
    case["findings"] = findings
    return case, problems + finding_problems


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _text(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_values(case: dict[str, Any] | None) -> list[Any]:
    """Case → the values of every form component, in FORM_ORDER."""
    case = case or blank_case("self_evaluation")
    p = case.get("project") if isinstance(case.get("project"), dict) else {}
    b = case.get("budget") if isinstance(case.get("budget"), dict) else {}
    n = case.get("narrative") if isinstance(case.get("narrative"), dict) else {}
    values: list[Any] = [KIND_LABELS.get(str(case.get("kind", "")), "绩效自评表")]
    values += [_shown(p.get(k)) for k, _ in PROJECT_FIELDS]
    values += [_shown(b.get(k)) for k, _ in BUDGET_FIELDS]
    values += [
        case_table.case_to_rows(case) or [[""] * len(case_table.COLUMNS)],
        findings_to_rows(case) or [[""] * len(FINDING_COLUMNS)],
    ]
    values += [_shown(n.get(name)) for name, _ in NARRATIVE_FIELDS]
    return values


def shown_alike(page: Any, sent: Any) -> bool:
    """Whether a form component on the page already shows `sent` (a table cell by cell; text trimmed), so a
    refresh need not send it again."""
    if isinstance(sent, list):

        def cells(value: Any) -> list[list[str]]:
            rows = [[_text(c) for c in row] for row in table_rows(value)]
            while rows and not any(rows[-1]):
                rows.pop()
            return rows

        return cells(page) == cells(sent)
    return _text(page) == _text(sent)


def locate(problems: list[Problem], rows: list[list[Any]]) -> list[Problem]:
    """Give each validation problem the table row and column (or form field) the user sees."""
    indicator_rows = case_table.table_rows_of_indicators(rows)
    out = []
    for p in problems:
        parts = p.field.split(".") if p.field else []
        if p.row is None and len(parts) >= 2 and parts[0] == "indicators" and parts[1].isdigit():
            index = int(parts[1])
            row = indicator_rows[index] if index < len(indicator_rows) else None
            column = _INDICATOR_KEY_COLUMNS.get(parts[2], "") if len(parts) > 2 else ""
            message = p.message
            if row is not None and not message.startswith("第"):
                message = f"第{row}行：{message}"
            p = p.model_copy(update={"row": row, "column": column or p.column, "message": message})
        elif not p.column and len(parts) >= 2:
            p = p.model_copy(update={"column": _FIELD_LABELS.get(".".join(parts[:2]), "")})
        out.append(p)
    return out


def for_form(message: str) -> str:
    """A validation message as the form shows it: no case-file keys, blanks called blank."""
    import re

    message = re.sub(r"\([a-z_]+\)", "", message)
    message = re.sub(r"：[^：]*（填写的是：None）$", "：尚未填写", message)
    if message.strip() in ("指标：不能为空", "指标：缺少必填项"):
        return "绩效指标尚未填写：请在下方表格中逐行填写（每行一个末级指标）"
    return message


GROUP_ORDER = ["项目信息", "预算执行", "绩效指标", "问题清单", "叙述信息", "评分", ""]


def problems_html(problems: list[Problem]) -> str:
    """The panel beside the table: green when valid, else the problems grouped by part of the form, and
    a style rule that marks each problem's cell in the indicator table."""
    if not problems:
        return '<div class="pe-ok">✔ 校验通过，可以评分和起草。</div>'
    groups: dict[str, list[Problem]] = {}
    for p in problems:
        groups.setdefault(p.group or "其他", []).append(p)
    parts = [
        f'<div class="pe-problems"><b>有 {len(problems)} 处需要修改</b><span>（已保存，改好后自动重新校验）</span>'
    ]
    for group in sorted(groups, key=lambda g: GROUP_ORDER.index(g) if g in GROUP_ORDER else 99):
        items = "".join(f"<li>{html.escape(for_form(p.message))}</li>" for p in groups[group])
        parts.append(
            f'<div class="pe-problem-group">{html.escape(group)}（{len(groups[group])}）</div><ul>{items}</ul>'
        )
    parts.append("</div>")
    return "".join(parts) + cell_marks(problems)


def cell_marks(problems: list[Problem]) -> str:
    """A <style> that outlines each problem's cell in the indicator table (row/column from the problem)."""
    rules = []
    for p in problems:
        if p.row is None or p.group != "绩效指标":
            continue
        column = case_table.COLUMNS.index(p.column) if p.column in case_table.COLUMNS else None
        target = (
            f'#case-table [data-testid="cell-{p.row - 1}-{column}"]'
            if column is not None
            else f'#case-table [data-testid^="cell-{p.row - 1}-"]'
        )
        rules.append(target)
    if not rules:
        return ""
    return (
        "<style>"
        + ",".join(rules)
        + "{background:#fee4e2 !important;box-shadow:inset 0 0 0 2px #d92d20;}</style>"
    )


def case_lines(case: dict[str, Any]) -> dict[str, str]:
    """Every field of a case as 'where → value' in the words of the form, for comparing versions."""
    out: dict[str, str] = {"类型": KIND_LABELS.get(str(case.get("kind")), str(case.get("kind") or ""))}
    p = case.get("project") if isinstance(case.get("project"), dict) else {}
    for key, label in PROJECT_FIELDS:
        out[label] = _shown(p.get(key))
    b = case.get("budget") if isinstance(case.get("budget"), dict) else {}
    for key, label in BUDGET_FIELDS:
        out[label] = _shown(b.get(key))
    for i, row in enumerate(case_table.case_to_rows(case), start=1):
        name = "/".join(c for c in row[: case_table.LEVELS] if c)
        for column, value in zip(
            case_table.COLUMNS[case_table.LEVELS :], row[case_table.LEVELS :], strict=False
        ):
            out[f"指标 {i}（{name}）{column}"] = _shown(value)
        extras = case_table.extras_text((case.get("indicators") or [])[i - 1])
        if extras:
            out[f"指标 {i}（{name}）评分参数"] = extras
    for i, row in enumerate(findings_to_rows(case), start=1):
        out[f"问题清单 {i}"] = "；".join(c for c in row if c)
    n = case.get("narrative") if isinstance(case.get("narrative"), dict) else {}
    for key, label in NARRATIVE_FIELDS:
        out[label] = _shown(n.get(key))
    return out


def compare_html(old: dict[str, Any], new: dict[str, Any], old_label: str, new_label: str) -> str:
    """The fields that differ between two versions of a case, side by side."""
    a, b = case_lines(old), case_lines(new)
    keys = list(dict.fromkeys([*a, *b]))
    changed = [k for k in keys if a.get(k, "") != b.get(k, "")]
    if not changed:
        return f"<p>{html.escape(old_label)} 与 {html.escape(new_label)} 内容相同。</p>"
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td class='pe-old'>{html.escape(a.get(k, ''))}</td>"
        f"<td class='pe-new'>{html.escape(b.get(k, ''))}</td></tr>"
        for k in changed
    )
    return (
        f"<p>共 {len(changed)} 处不同。</p><table class='pe-compare'><thead><tr><th>项目</th>"
        f"<th>{html.escape(old_label)}</th><th>{html.escape(new_label)}</th></tr></thead><tbody>{rows}</tbody></table>"
    )

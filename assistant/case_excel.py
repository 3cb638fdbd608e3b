"""Excel in the layout of the corpus's 项目支出绩效自评表 (openpyxl).

Sheet ``自评表`` holds the form as users know it: header (项目名称/主管部门/实施单位), the budget block
(年初预算数, 全年预算数(A), 全年执行数(B), 分值, 执行率, 得分), 年度总体目标, the indicator table with merged
一级/二级 cells, and 总分. The 得分 column is read back as ``reported_score``.

What the form has no column for (kind, rule parameters, judged reasons, narrative, findings) goes to two
helper sheets, ``评分规则`` and ``叙述与问题``, so a case survives YAML → Excel → case. A form without them
(e.g. typed by hand) imports as a self_evaluation with rules inferred from the targets.
Errors name the cell: "第12行 分值列：…".
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assistant.case import Case, Narrative, parse_case, plain_numbers
from assistant.errors import InputError

FORM_SHEET = "自评表"
RULES_SHEET = "评分规则"
NARRATIVE_SHEET = "叙述与问题"

LEVEL_HEADERS = ("一级指标", "二级指标", "三级指标", "四级指标")
VALUE_HEADERS = {
    "年度指标值": "target",
    "实际完成指标值": "actual",
    "实际完成值": "actual",
    "分值": "weight",
    "得分": "score",
    "偏差原因分析及改进措施": "deviation",
}
BUDGET_HEADERS = {"年初预算数": "initial", "全年预算数": "annual", "全年执行数": "executed", "分值": "weight"}
REPORTED, COMPUTED = "原文", "计算"
"""得分来源 in the 评分规则 sheet: whether the form's 得分 is the case's reported score or was computed on export."""
HEADER_LABELS = frozenset({"项目名称", "主管部门", "实施单位"})
RULE_PARAMS = ("deductions", "criteria", "tiers", "responses", "score", "reason", "full_at", "zero_below")


def _label(value: Any) -> str:
    """A header cell normalised for matching: no spaces, no (A)/(B)/(B/A) suffix."""
    text = re.sub(r"\s+", "", str(value or ""))
    return re.sub(r"[（(][A-Za-z/]+[)）]$", "", text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _FormReader:
    """Cell access with merged ranges resolved to their top-left value; collects cell errors."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.errors: list[str] = []
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            for row in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    self.merged[(row, col)] = (rng.min_row, rng.min_col)

    def value(self, row: int, col: int) -> Any:
        r, c = self.merged.get((row, col), (row, col))
        cell = self.ws.cell(row=r, column=c)
        value = cell.value
        if isinstance(value, int | float) and "%" in (cell.number_format or ""):
            return f"{Decimal(str(value)) * 100:f}".rstrip("0").rstrip(".") + "%"
        return value

    def find(self, label: str, start_row: int = 1) -> tuple[int, int] | None:
        for row in range(start_row, self.ws.max_row + 1):
            for col in range(1, self.ws.max_column + 1):
                if (row, col) in self.merged and self.merged[(row, col)] != (row, col):
                    continue
                if _label(self.ws.cell(row=row, column=col).value) == label:
                    return row, col
        return None

    def right_of(self, row: int, col: int) -> str:
        """The first non-empty cell to the right that is not part of the label's own merged range."""
        own = self.merged.get((row, col), (row, col))
        for c in range(col + 1, self.ws.max_column + 1):
            if self.merged.get((row, c), (row, c)) == own:
                continue
            text = _text(self.value(row, c))
            if _label(text) in HEADER_LABELS:
                return ""
            if text:
                return text
        return ""

    def number(self, row: int, col: int, column_name: str, required: bool) -> Decimal | str | None:
        """The cell as a Decimal; a non-number is recorded as an error and returned as its text."""
        raw = self.value(row, col)
        text = _text(raw).replace(",", "")
        if not text:
            if required:
                self.errors.append(f"第{row}行 {column_name}列：不能为空")
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            self.errors.append(f"第{row}行 {column_name}列：“{text}”不是数字")
            return text


def _read_header(reader: _FormReader) -> dict[str, Any]:
    project: dict[str, Any] = {}
    for label, key in (("项目名称", "name"), ("主管部门", "department"), ("实施单位", "implementer")):
        at = reader.find(label)
        if at:
            project[key] = reader.right_of(*at)
    if not project.get("name"):
        reader.errors.append("找不到“项目名称”或其内容为空")
    for row in range(1, min(reader.ws.max_row, 5) + 1):
        for col in range(1, reader.ws.max_column + 1):
            m = re.search(r"(\d{4})\s*年度", _text(reader.value(row, col)))
            if m:
                project["year"] = int(m.group(1))
                break
        if "year" in project:
            break
    return project


def _read_budget(reader: _FormReader) -> dict[str, Any] | None:
    at = reader.find("年度资金总额")
    if at is None:
        return None
    row = at[0]
    columns: dict[str, int] = {}
    for header_row in range(row - 1, max(row - 3, 0), -1):
        for col in range(1, reader.ws.max_column + 1):
            key = BUDGET_HEADERS.get(_label(reader.value(header_row, col)))
            if key and key not in columns:
                columns[key] = col
        if "annual" in columns:
            break
    if "annual" not in columns or "executed" not in columns:
        reader.errors.append(f"第{row}行：预算区缺少“全年预算数”或“全年执行数”表头")
        return None
    names = {"initial": "年初预算数", "annual": "全年预算数", "executed": "全年执行数", "weight": "分值"}
    budget = {}
    for key, col in columns.items():
        value = reader.number(row, col, names[key], required=key in ("annual", "executed"))
        if value is not None:
            budget[key] = value
    return budget


def _read_goals(reader: _FormReader) -> dict[str, str]:
    narrative = {}
    for label, key in (("年初预期目标", "overall_goal"), ("目标实际完成情况", "goal_achieved")):
        at = reader.find(label)
        if at:
            text = _text(reader.value(at[0] + 1, at[1]))
            if text:
                narrative[key] = text
    return narrative


def _read_indicators(reader: _FormReader) -> list[dict[str, Any]]:
    at = reader.find("一级指标")
    if at is None:
        reader.errors.append("找不到指标表表头“一级指标”")
        return []
    header_row = at[0]
    level_cols: list[int] = []
    value_cols: dict[str, int] = {}
    for col in range(1, reader.ws.max_column + 1):
        label = _label(reader.value(header_row, col))
        if label in LEVEL_HEADERS:
            level_cols.append(col)
        elif label in VALUE_HEADERS and VALUE_HEADERS[label] not in value_cols:
            value_cols[VALUE_HEADERS[label]] = col
        elif label.startswith("偏差原因"):
            value_cols["deviation"] = col
    for needed, name in (("target", "年度指标值"), ("actual", "实际完成指标值"), ("weight", "分值")):
        if needed not in value_cols:
            reader.errors.append(f"第{header_row}行：指标表缺少“{name}”列")
    if len(level_cols) < 2 or reader.errors:
        if len(level_cols) < 2:
            reader.errors.append(f"第{header_row}行：指标表至少需要一级、二级指标列")
        return []
    carried = [""] * len(level_cols)
    rows = []
    for row in range(header_row + 1, reader.ws.max_row + 1):
        cells = [_text(reader.value(row, c)) for c in range(1, reader.ws.max_column + 1)]
        if any(_label(c).startswith("总分") for c in cells):
            break
        names = [_text(reader.value(row, c)) for c in level_cols]
        leaf_index = max((i for i, n in enumerate(names) if n), default=-1)
        weight_text = _text(reader.value(row, value_cols["weight"]))
        if leaf_index < 0 and not weight_text:
            continue
        # Blank upper levels mean "same as the row above" (merged cells or a copied form).
        for i in range(len(level_cols)):
            if names[i] and names[i] != carried[i]:
                carried[i] = names[i]
                for j in range(i + 1, len(level_cols)):
                    if not names[j]:
                        carried[j] = ""
        path = (
            [carried[i] if i < leaf_index else names[i] for i in range(leaf_index + 1)]
            if leaf_index >= 0
            else []
        )
        if len(path) < 2 or any(not p for p in path):
            reader.errors.append(f"第{row}行 指标名称列：指标路径不完整（{'/'.join(path) or '空'}）")
            continue
        item: dict[str, Any] = {"path": path}
        weight = reader.number(row, value_cols["weight"], "分值", required=True)
        if weight is not None:
            item["weight"] = weight
        if "score" in value_cols:
            score = reader.number(row, value_cols["score"], "得分", required=False)
            if score is not None:
                item["reported_score"] = score
        for key in ("target", "actual", "deviation"):
            if key in value_cols:
                text = _text(reader.value(row, value_cols[key]))
                if text:
                    item[key] = text
        item["_row"] = row
        rows.append(item)
    if not rows:
        reader.errors.append(f"第{header_row}行以下：指标表没有指标")
    return rows


def _read_total(reader: _FormReader) -> Decimal | None:
    at = reader.find("总分")
    if at is None:
        return None
    text = reader.right_of(*at)
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        reader.errors.append(f"第{at[0]}行 总分：“{text}”不是数字")
        return None


def _apply_rules_sheet(ws: Worksheet, data: dict[str, Any], errors: list[str]) -> None:
    by_key = {"/".join(item["path"]): item for item in data["indicators"]}
    meta = {"类型": "kind", "原文等级": "reported_grade"}
    for row in ws.iter_rows(min_row=1, values_only=False):
        label = _text(row[0].value)
        value = _text(row[1].value) if len(row) > 1 else ""
        if label in meta and value:
            data[meta[label]] = value
        if label == "总分来源" and value == COMPUTED:
            data.pop("reported_total", None)
        if label == "评价机构" and value:
            data["project"]["evaluator"] = value
        if label == "分年度预算" and "budget" in data:
            cells = ([_text(c.value) for c in row[1:4]] + ["", "", ""])[:3]
            data["budget"].setdefault("years", []).append(
                {
                    key: value
                    for key, value in zip(("year", "annual", "executed"), cells, strict=True)
                    if value
                }
            )
        if label == "指标" or label not in by_key:
            continue
        item = by_key[label]
        cells = [_text(c.value) for c in row[1:6]] + [""] * 5
        rule, params, finding, evidence, source = cells[:5]
        if source == COMPUTED:
            item.pop("reported_score", None)
        if rule:
            item["rule"] = rule
        if params:
            try:
                extra = json.loads(params)
            except json.JSONDecodeError:
                errors.append(f"“{RULES_SHEET}”表第{row[0].row}行 规则参数列：不是有效的 JSON")
                continue
            if not isinstance(extra, dict) or set(extra) - set(RULE_PARAMS):
                errors.append(
                    f"“{RULES_SHEET}”表第{row[0].row}行 规则参数列：只能包含 {', '.join(RULE_PARAMS)}"
                )
                continue
            item.update(extra)
        if finding:
            item["finding"] = finding
        if evidence:
            item["evidence"] = evidence


def _apply_narrative_sheet(ws: Worksheet, data: dict[str, Any]) -> None:
    narrative = data.setdefault("narrative", {})
    findings = []
    for row in ws.iter_rows(min_row=1, values_only=True):
        cells = [_text(c) for c in row] + [""] * 5
        if cells[0] == "问题" and cells[1]:
            finding: dict[str, Any] = {"category": cells[1], "text": cells[2], "evidence": cells[3]}
            if cells[4]:
                finding["indicator"] = cells[4].split("/")
            findings.append(finding)
        elif cells[0] in Narrative.model_fields and cells[1]:
            narrative[cells[0]] = cells[1]
    if findings:
        data["findings"] = findings


def is_case_workbook(path: Path | str) -> bool:
    """Whether an .xlsx is one of our case exports (it has the helper sheet 评分规则), read from the
    package's sheet list without loading the workbook."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            info = package.getinfo("xl/workbook.xml")
            if info.file_size > 5 * 1024 * 1024:
                return False
            names = re.findall(
                r'<sheet\b[^>]*\bname="([^"]*)"', package.read(info).decode("utf-8", "replace")
            )
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return RULES_SHEET in names


def _read_workbook(path: Path) -> tuple[dict[str, Any], list[str], list[int], str]:
    """(case data, cell errors, spreadsheet row of each indicator, sheet title)."""
    from assistant.forms.sources.xlsx_source import check_workbook_size

    check_workbook_size(path)
    try:
        wb = load_workbook(path, data_only=True)
    except Exception:  # openpyxl raises many types for a broken file
        raise InputError(
            f"无法读取 Excel 文件“{path.name}”：文件已损坏或不是 .xlsx 工作簿（请用 Excel 或 WPS 另存为 .xlsx 后再试）"
        ) from None
    ws = wb[FORM_SHEET] if FORM_SHEET in wb.sheetnames else wb.worksheets[0]
    reader = _FormReader(ws)
    data: dict[str, Any] = {"kind": "self_evaluation", "project": _read_header(reader)}
    budget = _read_budget(reader)
    if budget is not None:
        data["budget"] = budget
    goals = _read_goals(reader)
    if goals:
        data["narrative"] = goals
    data["indicators"] = _read_indicators(reader)
    rows = [item.pop("_row") for item in data["indicators"]]
    total = _read_total(reader)
    if total is not None:
        data["reported_total"] = total
    if RULES_SHEET in wb.sheetnames:
        _apply_rules_sheet(wb[RULES_SHEET], data, reader.errors)
    if NARRATIVE_SHEET in wb.sheetnames:
        _apply_narrative_sheet(wb[NARRATIVE_SHEET], data)
    if data.get("kind") == "evaluation" and "budget" in data:
        data["budget"].pop("weight", None)
    return data, reader.errors, rows, ws.title


def read_excel_data(path: Path | str) -> dict[str, Any]:
    """The case mapping an .xlsx holds, without validating it (bad cells are kept as their text).

    For editors that show problems rather than refuse a file; :func:`read_excel` is the strict form.
    Raises InputError only when the file cannot be opened.
    """
    data, _, _, _ = _read_workbook(Path(path))
    return plain_numbers(data)


def _with_rows(message: str, indicators: list[dict[str, Any]], rows: list[int]) -> str:
    for row, item in zip(rows, indicators, strict=True):
        if isinstance(item.get("path"), list):
            name = f"指标“{'/'.join(map(str, item['path']))}”"
            message = message.replace(f"- {name}", f"- 第{row}行 {name}")
    return message


def name_rows(message: str, path: Path | str) -> str:
    """Prefix indicator names in an error message with their spreadsheet rows ("第17行 指标“…”")."""
    data, _, rows, _ = _read_workbook(Path(path))
    return _with_rows(message, data["indicators"], rows)


def read_excel(path: Path | str) -> Case:
    """Import a case from an .xlsx in the 自评表 layout; InputError lists every bad cell."""
    path = Path(path)
    data, errors, rows, title = _read_workbook(path)
    if errors:
        lines = [f"Excel 文件“{path.name}”（工作表“{title}”）有 {len(errors)} 处错误："]
        raise InputError("\n".join(lines + [f"- {e}" for e in errors]))
    try:
        return parse_case(data, path.name)
    except InputError as exc:
        # Point indicator errors at their spreadsheet rows as well as their paths.
        raise InputError(_with_rows(str(exc), data["indicators"], rows)) from None


# ---- export ----------------------------------------------------------------------------------------------

_WRAP = Alignment(wrap_text=True, vertical="center")
_BOLD = Font(bold=True)


def _text_cell(ws: Worksheet, row: int, col: int, text: str | None) -> None:
    """Write text as text: a target like '=100%' must not become an Excel formula."""
    cell = ws.cell(row=row, column=col, value=text)
    if text is not None:
        cell.data_type = "s"


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat text as a formula (formula injection)."""


def as_text_everywhere(wb: Workbook) -> None:
    """Every string cell of the workbook is stored as text, never as a formula: a project name, indicator
    or deviation text starting with '=', '+', '-' or '@' stays the user's words (quote-prefixed)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if cell.value.startswith(FORMULA_PREFIXES):
                        cell.quotePrefix = True


def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _write_form(ws: Worksheet, case: Case, scores: dict[str, Decimal], total: Decimal | None) -> None:
    depth = max(len(ind.path) for ind in case.indicators)
    levels = list(LEVEL_HEADERS[: max(depth, 3)])
    headers = [*levels, "年度指标值", "实际完成指标值", "分值", "得分", "偏差原因分析及改进措施"]
    last_col = 1 + len(headers)
    year = f"（{case.project.year}年度）" if case.project.year else ""
    ws.cell(row=1, column=1, value=f"项目支出绩效自评表{year}").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    ws.cell(row=2, column=1, value="单位：万元")
    ws.cell(row=3, column=1, value="项目名称")
    ws.cell(row=3, column=2, value=case.project.name)
    ws.merge_cells(start_row=3, start_column=2, end_row=3, end_column=last_col)
    ws.cell(row=4, column=1, value="主管部门")
    ws.cell(row=4, column=2, value=case.project.department)
    ws.merge_cells(start_row=4, start_column=2, end_row=4, end_column=4)
    ws.cell(row=4, column=5, value="实施单位")
    ws.cell(row=4, column=6, value=case.project.implementer)
    ws.merge_cells(start_row=4, start_column=6, end_row=4, end_column=last_col)

    row = 5
    if case.budget is not None:
        b = case.budget
        ws.cell(row=row, column=1, value="项目预算执行情况")
        ws.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)
        for offset, label in enumerate(
            ["年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"]
        ):
            ws.cell(row=row, column=3 + offset, value=label).font = _BOLD
        ws.cell(row=row + 1, column=2, value="年度资金总额")
        ws.cell(row=row + 1, column=3, value=_num(b.initial))
        ws.cell(row=row + 1, column=4, value=_num(b.annual))
        ws.cell(row=row + 1, column=5, value=_num(b.executed))
        weight = case.budget_weight() if case.kind == "self_evaluation" else None
        ws.cell(row=row + 1, column=6, value=_num(weight))
        if b.annual > 0:
            rate_cell = ws.cell(row=row + 1, column=7, value=float(b.executed / b.annual))
            rate_cell.number_format = "0.00%"
        ws.cell(row=row + 1, column=8, value=_num(scores.get("__budget__")))
        row += 2

    ws.cell(row=row, column=1, value="年度总体目标")
    ws.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)
    mid = 2 + (last_col - 1) // 2
    ws.cell(row=row, column=2, value="年初预期目标").font = _BOLD
    ws.cell(row=row, column=mid, value="目标实际完成情况").font = _BOLD
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=mid - 1)
    ws.merge_cells(start_row=row, start_column=mid, end_row=row, end_column=last_col)
    ws.cell(row=row + 1, column=2, value=case.narrative.overall_goal or None).alignment = _WRAP
    ws.cell(row=row + 1, column=mid, value=case.narrative.goal_achieved or None).alignment = _WRAP
    ws.merge_cells(start_row=row + 1, start_column=2, end_row=row + 1, end_column=mid - 1)
    ws.merge_cells(start_row=row + 1, start_column=mid, end_row=row + 1, end_column=last_col)
    row += 2

    header_row = row
    ws.cell(row=header_row, column=1, value="年度绩效指标")
    for offset, label in enumerate(headers):
        ws.cell(row=header_row, column=2 + offset, value=label).font = _BOLD
    first = header_row + 1
    for i, ind in enumerate(case.indicators):
        r = first + i
        for level, name in enumerate(ind.path):
            ws.cell(row=r, column=2 + level, value=name)
        base = 2 + len(levels)
        _text_cell(ws, r, base, ind.target)
        _text_cell(ws, r, base + 1, ind.actual)
        ws.cell(row=r, column=base + 2, value=_num(ind.weight))
        ws.cell(row=r, column=base + 3, value=_num(scores.get(ind.key)))
        ws.cell(row=r, column=base + 4, value=ind.deviation or None).alignment = _WRAP
    last = first + len(case.indicators) - 1
    ws.merge_cells(start_row=header_row, start_column=1, end_row=last, end_column=1)
    # Merge runs of equal upper-level names (the form's merged 一级/二级 cells).
    for level in range(len(levels) - 1):
        run_start = 0
        for i in range(1, len(case.indicators) + 1):
            prev = case.indicators[run_start].path
            cur = case.indicators[i].path if i < len(case.indicators) else None
            if cur is not None and len(cur) > level + 1 and cur[: level + 1] == prev[: level + 1]:
                continue
            if i - 1 > run_start and len(prev) > level + 1:
                ws.merge_cells(
                    start_row=first + run_start,
                    start_column=2 + level,
                    end_row=first + i - 1,
                    end_column=2 + level,
                )
            run_start = i
    row = last + 1
    ws.cell(row=row, column=2, value="总分").font = _BOLD
    ws.cell(row=row, column=2 + len(levels) + 3, value=_num(total))
    ws.cell(row=row + 1, column=1, value="总分在80分以下的项目未实现绩效目标的原因分析及拟采取的措施说明：")
    ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=last_col)
    for col in range(1, last_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14
    ws.column_dimensions[get_column_letter(1 + len(levels))].width = 28
    ws.column_dimensions[get_column_letter(last_col)].width = 36


def _write_rules(ws: Worksheet, case: Case) -> None:
    ws.append(["类型", case.kind])
    ws.append(["原文等级", case.reported_grade or ""])
    ws.append(["评价机构", case.project.evaluator])
    ws.append(["总分来源", COMPUTED if case.reported_total is None else REPORTED])
    for line in case.budget.years if case.budget is not None else []:
        ws.append(["分年度预算", line.year, _num(line.annual), _num(line.executed)])
    ws.append([])
    ws.append(["指标", "评分规则", "规则参数(JSON)", "评价发现", "评分依据", "得分来源"])
    for ind in case.indicators:
        params = plain_numbers(ind.model_dump(include=set(RULE_PARAMS), exclude_none=True))
        ws.append(
            [
                ind.key,
                ind.rule or "",
                json.dumps(params, ensure_ascii=False) if params else "",
                ind.finding,
                ind.evidence,
                COMPUTED if ind.reported_score is None else REPORTED,
            ]
        )
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["C"].width = 60


def _write_narrative(ws: Worksheet, case: Case) -> None:
    ws.append(["字段", "内容"])
    for name in Narrative.model_fields:
        text = getattr(case.narrative, name)
        if text:
            ws.append([name, text])
    ws.append([])
    ws.append(["问题清单", "问题分类", "问题描述", "依据", "关联指标"])
    for f in case.findings:
        ws.append(["问题", f.category, f.text, f.evidence, "/".join(f.indicator or [])])
    ws.column_dimensions["B"].width = 60


def excel_bytes(case: Case) -> bytes:
    """The case as an .xlsx (自评表 + helper sheets). The 得分 column holds the reported score when the case
    has one, otherwise the computed score (left empty when the case cannot be scored yet)."""
    from assistant.scoring import score_case

    scores: dict[str, Decimal] = {}
    total = case.reported_total
    try:
        sheet = score_case(case)
    except InputError:
        sheet = None
    for ind in case.indicators:
        if ind.reported_score is not None:
            scores[ind.key] = ind.reported_score
        elif sheet is not None:
            scores[ind.key] = sheet.indicator(ind.path).score
    if sheet is not None:
        if sheet.budget is not None and sheet.budget.score is not None and case.kind == "self_evaluation":
            scores["__budget__"] = sheet.budget.score
        if total is None:
            total = sheet.total
    wb = Workbook()
    form = wb.active
    form.title = FORM_SHEET
    _write_form(form, case, scores, total)
    _write_rules(wb.create_sheet(RULES_SHEET), case)
    _write_narrative(wb.create_sheet(NARRATIVE_SHEET), case)
    as_text_everywhere(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_excel(case: Case, path: Path | str) -> Path:
    from assistant.storage import atomic_write_bytes

    path = Path(path)
    atomic_write_bytes(path, excel_bytes(case))
    return path

"""The reviewer's summary workbook (复核汇总.xlsx): sheet 汇总 with one row per report/form, sheet 全部问题 with
every finding and its location. Every text from a document is written as text — a cell reading
'=HYPERLINK(…)' stays those characters, never a formula."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.errors import InputError, os_reason

from .batch import DocumentReview
from .report_text import KIND_LABELS

SUMMARY_COLUMNS = [
    "文件",
    "序号",
    "报告/表",
    "单位",
    "项目",
    "填报总分",
    "重算总分",
    "错误",
    "提示",
    "首条问题",
]
FINDING_COLUMNS = ["文件", "序号", "报告/表", "位置", "严重程度", "类型", "原文", "应为", "实为", "说明"]
_WIDTHS = {
    "文件": 28,
    "报告/表": 30,
    "单位": 18,
    "项目": 30,
    "首条问题": 60,
    "位置": 36,
    "原文": 50,
    "说明": 70,
}
_MAX_CELL = 32_000  # Excel keeps at most 32,767 characters in a cell


def _put(ws, row: int, col: int, value: object) -> None:
    """Write a value; strings are always stored as text (data type 's'), whatever they start with."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value[:_MAX_CELL]
        cell.data_type = "s"
    else:
        cell.value = value


def _sheet(wb, title: str, columns: list[str], rows: Sequence[Sequence[object]]):
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(title)
    for c, name in enumerate(columns, start=1):
        _put(ws, 1, c, name)
        ws.cell(row=1, column=c).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = _WIDTHS.get(name, 10)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            _put(ws, r, c, value)
            ws.cell(row=r, column=c).alignment = wrap
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    return ws


def summary_rows(reviews: Sequence[DocumentReview]) -> list[list[object]]:
    rows: list[list[object]] = []
    for review in reviews:
        name = Path(review.path).name
        if review.report is None:
            rows.append([name, "", "", "", "", "", "", "", "", f"无法审核：{review.error}"])
            continue
        parts = review.report.parts
        if not parts:
            rows.append([name, 1, "", "", "", "", "", 0, 0, "未找到可核对的内容"])
        for k, p in enumerate(parts, start=1):
            rows.append(
                [
                    name,
                    k,
                    p.title,
                    p.unit,
                    p.project,
                    p.reported_total,
                    p.recomputed_total,
                    p.errors,
                    p.warnings,
                    p.first_finding or "未发现问题",
                ]
            )
    return rows


def finding_rows(reviews: Sequence[DocumentReview]) -> list[list[object]]:
    rows: list[list[object]] = []
    for review in reviews:
        if review.report is None:
            continue
        name = Path(review.path).name
        titles = {p.index: (k, p.title) for k, p in enumerate(review.report.parts, start=1)}
        for f in review.report.findings:
            k, title = titles.get(f.part, ("", ""))
            kinds = "、".join(KIND_LABELS.get(x, x) for x in (f.kinds or [f.kind]))
            rows.append(
                [
                    name,
                    k,
                    title,
                    f.location,
                    "错误" if f.severity == "error" else "提示",
                    kinds,
                    f.text,
                    f.expected,
                    f.found,
                    f.message,
                ]
            )
    return rows


def write_workbook(reviews: Sequence[DocumentReview], path: Path) -> Path:
    """Write 汇总 and 全部问题 to ``path`` (.xlsx); InputError with a Chinese message if it cannot be written."""
    from openpyxl import Workbook

    if path.suffix.lower() != ".xlsx":
        raise InputError(f"汇总表须为 .xlsx 文件：{path}")
    if path.is_dir():
        raise InputError(f"汇总表路径是一个文件夹：{path}，请给出文件名，例如 {path / '复核汇总.xlsx'}")
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "汇总", SUMMARY_COLUMNS, summary_rows(reviews))
    _sheet(wb, "全部问题", FINDING_COLUMNS, finding_rows(reviews))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        wb.save(tmp)
        tmp.replace(path)
    except OSError as exc:
        raise InputError(f"无法写入汇总表 {path}：{os_reason(exc)}") from exc
    return path

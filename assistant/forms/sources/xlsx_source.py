"""Excel (.xlsx) through openpyxl: each worksheet one table, merged ranges resolved, numbers shown as Excel
shows them (number formats applied), formulas kept beside their cached values.

Before openpyxl opens the file, the package is checked for size: openpyxl materialises every cell of a
merged range, so a 17 KB file with a 650×3000 merged range would take gigabytes (a bounded refusal instead).
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

from openpyxl.utils.cell import range_boundaries

from assistant.errors import InputError

from ..document import CellBudget, SourceCell, SourceDocument, SourceTable, clean_text
from .formulas import sheet_lookup

MAX_MERGED_AREA = 100_000
"""Cells covered by merged ranges in one workbook."""
MAX_SHEET_AREA = 200_000
"""Rows × columns of one worksheet's used range."""
MAX_MEMBER_BYTES = 50 * 1024 * 1024
"""Uncompressed size of one part of the package (a zip bomb is refused before it is inflated)."""


def _area(ref: str) -> int:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return 0
    if None in (min_col, min_row, max_col, max_row):
        return 0
    return (max_col - min_col + 1) * (max_row - min_row + 1)  # type: ignore[operator]


def check_workbook_size(path: Path) -> None:
    """Refuse an .xlsx whose merged ranges or used range are too large to load (Chinese InputError)."""
    try:
        with zipfile.ZipFile(path) as package:
            sheets = [i for i in package.infolist() if re.match(r"xl/worksheets/[^/]+\.xml$", i.filename)]
            for info in package.infolist():
                if info.file_size > MAX_MEMBER_BYTES:
                    raise InputError(f"Excel 文件“{path.name}”解压后过大（{info.filename}），未读取")
            merged = 0
            for info in sheets:
                with package.open(info) as stream:
                    for _, element in iterparse(stream, events=("start",)):
                        tag = element.tag.rsplit("}", 1)[-1]
                        if tag == "dimension" and _area(element.get("ref", "")) > MAX_SHEET_AREA:
                            raise InputError(
                                f"Excel 文件“{path.name}”的工作表范围 {element.get('ref')} 超过 "
                                f"{MAX_SHEET_AREA} 个单元格，不像一份自评表，未读取"
                            )
                        if tag == "mergeCell":
                            merged += _area(element.get("ref", ""))
                            if merged > MAX_MERGED_AREA:
                                raise InputError(
                                    f"Excel 文件“{path.name}”的合并单元格范围过大（{element.get('ref')}，"
                                    f"合计超过 {MAX_MERGED_AREA} 个单元格），未读取"
                                )
                        element.clear()
    except zipfile.BadZipFile:
        raise InputError(f"无法读取 Excel 文件“{path.name}”：文件已损坏或不是 .xlsx") from None
    except ParseError:
        raise InputError(f"无法读取 Excel 文件“{path.name}”：工作表内容已损坏") from None


def _decimals(number_format: str) -> int | None:
    m = re.search(r"0\.(0+)", number_format or "")
    if m:
        return len(m.group(1))
    if re.search(r"(^|[^.])0(%|$|[^.0-9])", number_format or ""):
        return 0
    return None


def shown(value: object, number_format: str) -> str:
    """A cell value as Excel shows it: '97.53%' for 0.9753 formatted 0.00%, '260.00' for 260 as 0.00."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime | date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, int | float):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return str(value)
        places = _decimals(number_format)
        if "%" in (number_format or ""):
            number *= 100
            text = f"{round(number, places if places is not None else 2):f}"
            return text + "%"
        if places is not None:
            return f"{round(number, places):f}"
        text = f"{number.normalize():f}"
        return text
    return clean_text(str(value))


def _hidden_lines(ws, max_row: int, max_col: int) -> tuple[set[int], set[int]]:
    """(rows, columns) hidden in the worksheet, 1-based."""
    rows = {r for r, dim in ws.row_dimensions.items() if dim.hidden and r <= max_row}
    columns: set[int] = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min:
            columns.update(range(dim.min, min(dim.max or dim.min, max_col) + 1))
    return rows, columns


def _blank_hidden(ws, grid: list[list[SourceCell]]) -> None:
    """Hidden rows and columns read as empty (a reviewer sees the sheet without them: last year's figures, a
    dropped indicator, check formulas); a merged range reaching into view keeps its text in its first
    visible cell. Row and column numbers stay those of the sheet."""
    if not grid:
        return
    hidden_rows, hidden_cols = _hidden_lines(ws, len(grid), len(grid[0]))
    if not hidden_rows and not hidden_cols:
        return
    for rng in ws.merged_cells.ranges:
        if (rng.min_row in hidden_rows or rng.min_col in hidden_cols) and rng.min_row <= len(grid):
            origin = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_col <= len(grid[0]) else None
            visible = [
                (r, c)
                for r in range(rng.min_row, min(rng.max_row, len(grid)) + 1)
                for c in range(rng.min_col, min(rng.max_col, len(grid[0])) + 1)
                if r not in hidden_rows and c not in hidden_cols
            ]
            if origin is not None and visible:
                r, c = visible[0]
                grid[r - 1][c - 1] = SourceCell(text=origin.text, row=r, column=c, formula=origin.formula)
    for r, row in enumerate(grid, start=1):
        for c in range(1, len(row) + 1):
            if r in hidden_rows or c in hidden_cols:
                row[c - 1] = SourceCell(text="", row=r, column=c)


def read_xlsx(path: Path) -> SourceDocument:
    from openpyxl import load_workbook

    check_workbook_size(path)
    try:
        values = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception:  # openpyxl raises many types for a broken file
        raise InputError(
            f"无法读取 Excel 文件“{path.name}”：文件已损坏或内容与扩展名不符（请用原软件另存后再试）"
        ) from None
    doc = SourceDocument(name=path.name, format="xlsx")
    budget = CellBudget(path.name)
    for ws in values.worksheets:
        if ws.sheet_state != "visible":
            continue  # a hidden sheet (last year's copy, lookup lists) is not part of what the unit sent
        budget.table()
        fws = formulas[ws.title]
        max_row, max_col = ws.max_row, ws.max_column
        budget.add(max_row * max_col, f"工作表“{ws.title}”")
        lookup = sheet_lookup(ws, fws, max_row, max_col)
        grid: list[list[SourceCell]] = []
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col), start=1):
            cells = []
            for c, cell in enumerate(row, start=1):
                formula = None
                raw = fws.cell(row=r, column=c).value
                if isinstance(raw, str) and raw.startswith("=") and cell.data_type != "s":
                    formula = raw
                value = cell.value
                if value is None and isinstance(raw, str) and not formula:
                    value = raw
                if value is None and formula:
                    # no stored result (a file written by a program): simple arithmetic worked out here
                    computed = lookup(r, c)
                    value = float(computed) if computed is not None else None
                cells.append(
                    SourceCell(text=shown(value, cell.number_format), row=r, column=c, formula=formula)
                )
            grid.append(cells)
        for rng in ws.merged_cells.ranges:
            origin = (
                grid[rng.min_row - 1][rng.min_col - 1]
                if rng.min_row <= max_row and rng.min_col <= max_col
                else None
            )
            if origin is None:
                continue
            for r in range(rng.min_row, min(rng.max_row, max_row) + 1):
                for c in range(rng.min_col, min(rng.max_col, max_col) + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        grid[r - 1][c - 1] = SourceCell(text=origin.text, row=r, column=c, covered=True)
        _blank_hidden(ws, grid)
        while grid and not any(cell.text for cell in grid[-1]):
            grid.pop()
        doc.blocks.append(SourceTable(index=len(doc.tables()) + 1, rows=grid, sheet=ws.title))
    return doc

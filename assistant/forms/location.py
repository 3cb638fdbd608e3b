"""Cell locations as a person reads them: '工作表“自评表” 第17行 H列', '第2页 表1 第5行 第3列'."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.case import CellLocation


def describe_location(location: CellLocation) -> str:
    """The location in Chinese, with the row and column names when known."""
    parts: list[str] = []
    if location.sheet:
        parts.append(f"工作表“{location.sheet}”")
    if location.page:
        parts.append(f"第{location.page}页")
    if location.table and not location.sheet:
        parts.append(f"表{location.table}")
    if location.row:
        parts.append(f"第{location.row}行")
    if location.column:
        from openpyxl.utils import get_column_letter  # imported when needed: openpyxl takes ~0.5 s to load

        parts.append(
            f"{get_column_letter(location.column)}列" if location.sheet else f"第{location.column}列"
        )
    where = " ".join(parts)
    names = " · ".join(n for n in (location.row_label, location.column_label) if n)
    if names:
        return f"{where}（{names}）" if where else names
    return where

"""Table rows as chunk text: header rows, and merged cells of indicator tables filled in as context.

An indicator table (指标体系, 得分汇总表, a self-evaluation form's 年度绩效指标) merges the cells of its
leading 一级/二级 columns over the rows they cover, so the source gives them only on a group's first row:

    决策 | 项目立项 | 立项依据充分性 | 3 | 3 | 100%
    立项程序规范性 | 3 | 2.5 | 83.33%          <- which 一级/二级?

Where a header row names two or more indicator levels (一级指标, 二级指标…), each following row's empty
*leading* cells take the value last seen in their column, rendered in angle brackets so they read as
context and not as source text:

    〈决策〉 | 〈项目立项〉 | 立项程序规范性 | 3 | 2.5 | 83.33%

The row's own cells follow unchanged, so the source row text ("立项程序规范性 | 3 | 2.5 | 83.33%") stays a
verbatim substring of the chunk, findable for quotes. Only leading cells are filled, only while such a
header is in force, only when the row's first own cell is a name (not a number), and no deeper than one
column past the deepest level column (forms often shift their header one column against the data).
"""

from __future__ import annotations

import re
from collections.abc import Collection

_HEADER_CELL = re.compile(
    r"(指标|序号|分值|得分|得分率|权重|名称|单位|金额|标准|依据|说明|类别|内容|备注|年度|指标值|项目|问题|目标|情况)"
)
_LEVEL_CELL = re.compile(r"^[一二三四五]级指标")
_NUMERIC = re.compile(r"^[\d.,%％\s+\-—/()（）分]*$")
CONTEXT_OPEN, CONTEXT_CLOSE = "〈", "〉"
"""Brackets around a filled-in (merged) cell: context, not source text."""
_CONTEXT_CELL = re.compile(
    CONTEXT_OPEN + r"[^" + CONTEXT_OPEN + CONTEXT_CLOSE + r"\n]*" + CONTEXT_CLOSE + r"\s*\|\s*"
)


def strip_context(text: str) -> str:
    """The text without filled-in 〈context〉 cells: what the source itself says (for quotes and citations)."""
    return _CONTEXT_CELL.sub("", text)


def render_row(cells: list[str]) -> str:
    """A table row as readable text; empty (merged) cells are dropped."""
    return " | ".join(cell for cell in cells if cell)


def is_header_row(cells: list[str]) -> bool:
    """A column-header row: several short text cells naming columns (一级指标 | 二级指标 | … | 得分)."""
    filled = [c for c in cells if c]
    if len(filled) < 3 or any(re.search(r"\d", c) for c in filled):
        return False
    return sum(1 for c in filled if len(c) <= 12 and _HEADER_CELL.search(c)) >= 2


def level_columns(cells: list[str]) -> list[int]:
    """Positions of the indicator-level cells (一级指标, 二级指标及分值…) in a header row."""
    return [n for n, cell in enumerate(cells) if _LEVEL_CELL.match(cell)]


def merged_context(rows: list[list[str]], skip: Collection[str] = ()) -> list[list[str]]:
    """For each row, the values of its empty leading cells filled down from the rows above (often none).

    Values in `skip` are never filled in (a form's block label 年度绩效指标 is already the chunk's section).
    """
    contexts: list[list[str]] = []
    deepest: int | None = None
    """Position of the deepest level column of the header in force; None outside an indicator table."""
    last: dict[int, str] = {}
    for cells in rows:
        context: list[str] = []
        levels = level_columns(cells)
        if len(levels) >= 2 or (is_header_row(cells) and all(_HEADER_CELL.search(c) for c in cells if c)):
            # A header row: one naming indicator levels starts the filling, any other one ends it. (A data
            # row such as "决策 | 项目立项 | 立项依据" may pass `is_header_row`, but not every cell names a column.)
            deepest = levels[-1] if len(levels) >= 2 else None
            last = {}
        elif deepest is not None:
            first = next((n for n, cell in enumerate(cells) if cell), None)
            if first is not None and first <= deepest + 1 and not _NUMERIC.match(cells[first]):
                context = [last[n] for n in range(first) if n in last and last[n] not in skip]
            if first is not None:
                # A row starting at column `first` opens a new group there: deeper values no longer apply.
                last = {n: value for n, value in last.items() if n < first}
                last.update((n, cell) for n, cell in enumerate(cells) if cell)
        contexts.append(context)
    return contexts


def render_rows(rows: list[list[str]], skip: Collection[str] = ()) -> list[str]:
    """Every non-empty row rendered, merged leading cells of indicator tables filled in as 〈context〉."""
    kept = [r for r in rows if any(r)]
    return [
        " | ".join([*(f"{CONTEXT_OPEN}{c}{CONTEXT_CLOSE}" for c in context), render_row(cells)])
        if context
        else render_row(cells)
        for cells, context in zip(kept, merged_context(kept, skip), strict=True)
    ]

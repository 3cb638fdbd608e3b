"""From a document's tables to forms: where each form starts, and what each row of it is.

A form starts at a 项目名称 label. Inside a form, rows are recognised by what their headers mean
(:mod:`.headers`), not by position: the budget block starts at a row naming 预算数/执行数 columns, the
indicator table at a row naming 一级/二级/三级指标 and value columns, a 总分/合计 row closes it. Column maps
carry over to a following table of the same width (a table continued on the next page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from assistant.case import CellLocation

from . import headers as h
from .document import Paragraph, SourceCell, SourceDocument, SourceTable

_YEAR = re.compile(r"(20\d{2})\s*年")
_UNIT_LINE = re.compile(r"(?:单位名称|填报单位)(?:[(（]盖章[)）])?\s*[:：]\s*([^\s　]+)")
_CONCLUSION_LINE = re.compile(r"^(评价结论|自评结论|结论)\s*[:：]\s*(.+)$")
_NUMBER = re.compile(r"^[+-]?\d{1,15}(?:\.\d{1,10})?$")


@dataclass
class Line:
    """One row of a table or one paragraph, in reading order."""

    cells: list[SourceCell] | None = None
    table: SourceTable | None = None
    paragraph: Paragraph | None = None

    @property
    def text(self) -> str:
        if self.paragraph is not None:
            return self.paragraph.text
        return " ".join(c.text for c in self.cells or [] if c.text and not c.covered)


def flatten(doc: SourceDocument) -> list[Line]:
    lines: list[Line] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            lines.append(Line(paragraph=block))
        else:
            lines.extend(Line(cells=row, table=block) for row in block.rows)
    return lines


def _is_project_start(line: Line) -> bool:
    if line.paragraph is not None:
        return h.normalise(line.paragraph.text).startswith("项目名称:")
    return any(h.bare(c.text) == "项目名称" and not c.covered for c in line.cells or [])


def split_forms(lines: list[Line]) -> list[tuple[int, int]]:
    """(start, end) line ranges, one per form: from a 项目名称 row to the next (the last runs to the end).

    A document without any 项目名称 is one form (its indicator table is searched for all the same).
    """
    starts = [i for i, line in enumerate(lines) if _is_project_start(line)]
    if not starts:
        return [(0, len(lines))]
    bounds = [*starts[1:], len(lines)]
    return list(zip(starts, bounds, strict=True))


def number(text: str) -> Decimal | None:
    """A cell's number ('10', '10分', '1,234.50', '97.53%' → 97.53); None for blank, '—', words."""
    s = h.normalise(text).replace(",", "").removesuffix("分").removesuffix("%").removesuffix("万元").strip()
    if not s or not _NUMBER.match(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def is_plain_number(text: str) -> bool:
    s = h.normalise(text).replace(",", "")
    return bool(s) and bool(_NUMBER.match(s))


@dataclass
class FormData:
    """What one form says, as case data, with where each figure stands."""

    project: dict[str, object] = field(default_factory=dict)
    narrative: dict[str, str] = field(default_factory=dict)
    budget: dict[str, object] | None = None
    indicators: list[dict[str, object]] = field(default_factory=list)
    empty_rows: list[list[str]] = field(default_factory=list)
    stated_weights: list[dict[str, object]] = field(default_factory=list)
    reported: dict[str, object] = field(default_factory=dict)
    cells: dict[str, CellLocation] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)
    title: str = ""
    budget_weight_found: bool = False
    seen_total: bool = False


def locate(line: Line, cell: SourceCell | None, row_label: str, column_label: str) -> CellLocation:
    table = line.table
    return CellLocation(
        table=table.index if table else None,
        row=(cell.row if cell else (line.cells[0].row if line.cells else None)),
        column=cell.column if cell else None,
        sheet=table.sheet if table else None,
        page=(table.page if table else (line.paragraph.page if line.paragraph else None)),
        row_label=row_label,
        column_label=column_label,
        formula=cell.formula if cell else None,
    )


def where(line: Line) -> str:
    """'表2 第5行' / '工作表“自评表”第12行' / '第2页 表1 第5行' for messages."""
    if line.table is None:
        return "正文"
    t = line.table
    row = line.cells[0].row if line.cells else 0
    if t.sheet:
        return f"工作表“{t.sheet}”第{row}行"
    page = f"第{t.page}页 " if t.page else ""
    return f"{page}表{t.index} 第{row}行"


def _map(cells: list[SourceCell], concept_of) -> dict[str, int]:
    best: dict[str, tuple[int, int]] = {}
    for i, cell in enumerate(cells):
        if cell.covered or not cell.text:
            continue
        found = concept_of(cell.text)
        if found is None:
            continue
        concept, strength = found
        if concept not in best or strength > best[concept][1]:
            best[concept] = (i, strength)
    return {concept: i for concept, (i, _) in best.items()}


def indicator_columns(cells: list[SourceCell]) -> dict[str, int] | None:
    """The indicator table's column map when this row is its header, else None."""
    columns = _map(cells, h.indicator_concept)
    levels = [c for c in h.LEVELS if c in columns]
    values = {"weight", "target", "actual", "score"} & set(columns)
    if len(levels) >= 2 and values:
        return columns
    if len(levels) == 1 and {"weight", "score"} <= set(columns) and ({"target", "actual"} & set(columns)):
        return columns
    return None


def budget_columns(cells: list[SourceCell]) -> dict[str, int] | None:
    """The budget block's column map when this row is its header, else None."""
    if indicator_columns(cells) is not None:
        return None
    columns = _map(cells, h.budget_concept)
    if "executed" in columns and ({"annual", "initial"} & set(columns)):
        return columns
    return None


def goal_columns(cells: list[SourceCell]) -> tuple[int, int] | None:
    expected = achieved = None
    for i, cell in enumerate(cells):
        if cell.covered:
            continue
        if h.is_label(cell.text, h.GOAL_EXPECTED) and expected is None:
            expected = i
        elif h.is_label(cell.text, h.GOAL_ACHIEVED) and achieved is None:
            achieved = i
    if expected is not None and achieved is not None:
        return expected, achieved
    return None


def first_text(cells: list[SourceCell]) -> tuple[int, SourceCell] | None:
    for i, cell in enumerate(cells):
        if cell.text and not cell.covered:
            return i, cell
    return None


def value_right_of(
    cells: list[SourceCell], index: int, labels: frozenset[str] | dict[str, str]
) -> tuple[str, SourceCell | None]:
    """The first text to the right of a label that is not the label repeated by a merge nor another label."""
    own = cells[index].text
    for cell in cells[index + 1 :]:
        if not cell.text or (cell.covered and cell.text == own):
            continue
        if h.is_label(cell.text, h.PROJECT_LABELS) or h.is_label(cell.text, labels):
            return "", None
        return cell.text, cell
    return "", None

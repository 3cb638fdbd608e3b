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
_VALUE_LIKE = re.compile(r"^[≥≤<>=]|^[+-]?\d+(?:\.\d+)?(?:%|[^\d年月日号]{0,4})$")
"""A cell text that is a value ('≥90%', '12%', '126公里', '3'), not an indicator's name."""
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
    """A cell's number ('10', '10分', '1,234.50', '97.53%' → 97.53, '120万元', '120万'); None for blank,
    '—', words."""
    s = h.normalise(text).replace(",", "").removesuffix("分").removesuffix("%")
    s = s.removesuffix("万元").removesuffix("元").removesuffix("万").strip()
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


def _map(cells: list[SourceCell], concept_of, covered: bool = False) -> dict[str, int]:
    best: dict[str, tuple[int, int]] = {}
    for i, cell in enumerate(cells):
        if (cell.covered and not covered) or not cell.text:
            continue
        found = concept_of(cell.text)
        if found is None:
            continue
        concept, strength = found
        if concept not in best or strength > best[concept][1]:
            best[concept] = (i, strength)
    return {concept: i for concept, (i, _) in best.items()}


def _fill_from_above(
    columns: dict[str, int], cells: list[SourceCell], above: list[SourceCell] | None, concept_of
) -> None:
    """Columns of a header's lower row left to the row above (merged down into this row, or blank here;
    a PDF gives a merged-down cell no text): the above row's names fill them."""
    if not above or len(above) != len(cells) or not _header_like(above):
        return
    taken = set(columns.values())
    for concept, index in _map(above, concept_of).items():
        if concept in columns or index in taken:
            continue
        cell = cells[index]
        if cell.covered or not cell.text:
            columns[concept] = index


def indicator_columns(
    cells: list[SourceCell], above: list[SourceCell] | None = None
) -> dict[str, int] | None:
    """The indicator table's column map when this row is its header, else None (``above``: the row
    before, for a header split over two rows)."""
    columns = _map(cells, h.indicator_concept)
    levels = [c for c in h.LEVELS if c in columns]
    if levels and levels[-1] != "level4" and len(levels) == h.LEVELS.index(levels[-1]) + 1:
        # '一级指标 | 二级指标 | 绩效指标': the indicators' own names under a header that elsewhere labels
        # the level columns
        deepest = columns[levels[-1]]
        leaf = next(
            (
                i
                for i, cell in enumerate(cells)
                if i > deepest and not cell.covered and h.bare(cell.text) in h.LEAF_HEADERS
            ),
            None,
        )
        if leaf is not None and leaf not in columns.values():
            columns[h.LEVELS[len(levels)]] = leaf
            levels = [c for c in h.LEVELS if c in columns]
    values = {"weight", "target", "actual", "score"} & set(columns)
    if len(levels) >= 2 and not values:
        # the lower row of a two-row header ('绩效指标' over 一级/二级/三级): its value columns are the
        # header cells merged down from the row above
        taken = set(columns.values())
        for concept, index in _map(cells, h.indicator_concept, covered=True).items():
            if concept not in columns and index not in taken:
                columns[concept] = index
        _fill_from_above(columns, cells, above, h.indicator_concept)
        values = {"weight", "target", "actual", "score"} & set(columns)
    if len(levels) >= 2 and values:
        return columns
    if len(levels) == 1 and {"weight", "score"} <= set(columns) and ({"target", "actual"} & set(columns)):
        return columns
    return None


def header_text(cells: list[SourceCell], above: list[SourceCell], index: int) -> str:
    """The header text of a column: this row's cell, or the row above's when this one is merged into it."""
    cell = cells[index] if index < len(cells) else None
    if cell is not None and cell.text and not cell.covered:
        return cell.text
    if index < len(above) and above[index].text:
        return above[index].text
    return cell.text if cell is not None else ""


def _header_like(cells: list[SourceCell]) -> bool:
    """A row of column names only: no cell holds a number."""
    return any(c.text for c in cells) and not any(is_plain_number(c.text) or number(c.text) for c in cells)


def merge_header_rows(
    above: list[SourceCell], cells: list[SourceCell], columns: dict[str, int]
) -> dict[str, int]:
    """The column map of a header split over two rows ('绩效指标' over 一级/二级/三级指标, '指标值' over
    计划值/实际值, 分值 and 得分 merged down both rows): this row's names win, the row above fills the
    columns this row leaves to it (merged down into this row, or blank here).
    """
    if not above or len(above) != len(cells) or not _header_like(above):
        return columns
    upper = _map(above, h.indicator_concept)
    taken = set(columns.values())
    merged = dict(columns)
    for concept, index in upper.items():
        if concept in merged or index in taken:
            continue
        cell = cells[index] if index < len(cells) else None
        if cell is None or cell.covered or not cell.text:
            merged[concept] = index
    return merged


def sub_header_columns(cells: list[SourceCell]) -> dict[str, int]:
    """The columns a second header row names (计划值 | 实际完成值 under '年度指标值'), when the row holds
    column names only; {} otherwise."""
    if not _header_like(cells):
        return {}
    own = [c for c in cells if c.text and not c.covered]
    columns = _map(cells, h.indicator_concept)
    if not columns or len(columns) < len(own):
        return {}  # a row of names that are not all column names is a row of the table
    return columns


SHIFTS = (0, -1, 1, -2, 2)
"""Offsets tried between a header's columns and the cells of rows that continue it (0 preferred)."""


def row_points(cells: list[SourceCell], columns: dict[str, int]) -> int:
    """How well a row reads as an indicator row under a column map: 0 when it has no name or no numeric
    分值 there; else 1, plus one for each consistent detail (分值 within 0–100 and written as points, 得分
    numeric or blank and not above 分值, 指标值 present, 偏差原因 not a bare number)."""
    value = columns.get("weight", columns.get("score"))
    levels = [columns[c] for c in h.LEVELS if c in columns]
    if value is None or not levels or min(levels) < 0 or value >= len(cells):
        return 0
    weight = number(cells[value].text)
    if weight is None:
        return 0
    names = [cells[i].text for i in levels if i < len(cells)]
    if not any(n and number(n) is None for n in names):
        return 0
    if any(_VALUE_LIKE.search(h.normalise(n)) for n in names if n):
        return 0  # '≥120公里', '93%' stand in a value column, not a name column
    points = 1
    if Decimal(0) < weight <= 100 and "%" not in h.normalise(cells[value].text):
        points += 1

    def text(concept: str) -> str | None:
        index = columns.get(concept)
        return cells[index].text if index is not None and 0 <= index < len(cells) else None

    score = text("score")
    if score is not None and "weight" in columns:
        value_score = number(score)
        if not score or (value_score is not None and value_score <= weight):
            points += 1
    target = text("target")
    if target:
        points += 1
    deviation = text("deviation")
    if deviation is not None and not is_plain_number(deviation):
        points += 1
    return points


def best_indicator_shift(rows: list[list[SourceCell]], columns: dict[str, int]) -> int | None:
    """The offset at which the first rows under a header (or of a table continuing it) read best as
    indicator rows (most points, then the smallest offset), or None when fewer than half of them read as
    indicator rows at any offset."""
    # rows of a label and a figure or two (a 总分 row, a note) say nothing about the columns
    sample = [r for r in rows if sum(1 for c in r if c.text and not c.covered) >= 3][:6]
    if not sample or not columns:
        return None
    width = max(len(r) for r in sample)
    best, best_points, best_count = None, 0, 0
    for shift in SHIFTS:
        moved = {c: i + shift for c, i in columns.items()}
        if min(moved.values()) < 0 or max(moved.values()) >= width:
            continue  # every column of the header must fall inside the table
        scores = [row_points(r, moved) for r in sample]
        points = sum(scores)
        if points > best_points:
            best, best_points, best_count = shift, points, sum(1 for p in scores if p)
    if best is None or best_count * 2 < len(sample):
        return None
    return best


def best_budget_shift(cells: list[SourceCell], columns: dict[str, int]) -> int:
    """The offset between a budget header and its first row of amounts: text converted from PDF may
    collapse a merged label, moving the header one column left of the amounts under it."""

    def fit(shift: int) -> int:
        points = 0
        for concept, index in columns.items():
            i = index + shift
            if i < 0 or i >= len(cells):
                return -1
            text = cells[i].text
            if concept in ("initial", "annual", "executed", "weight", "score"):
                points += 1 if is_plain_number(text) else 0
                points += 1 if concept == "score" and text and "%" not in h.normalise(text) else 0
            elif concept == "rate":
                points += 2 if "%" in h.normalise(text) else (1 if number(text) is not None else 0)
        return points

    best, best_points = 0, fit(0)
    for shift in SHIFTS[1:]:
        points = fit(shift)
        if points > best_points:
            best, best_points = shift, points
    return best


def budget_columns(cells: list[SourceCell], above: list[SourceCell] | None = None) -> dict[str, int] | None:
    """The budget block's column map when this row is its header, else None (``above``: the row before,
    for a header split over two rows)."""
    if indicator_columns(cells) is not None:
        return None
    columns = _map(cells, h.budget_concept)
    if "executed" in columns and ({"annual", "initial"} & set(columns)):
        # the lower row of a two-row header: 分值/执行率/得分 merged down from the row above
        taken = set(columns.values())
        for concept, index in _map(cells, h.budget_concept, covered=True).items():
            if concept not in columns and index not in taken:
                columns[concept] = index
        _fill_from_above(columns, cells, above, h.budget_concept)
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

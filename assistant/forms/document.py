"""A received document as tables and paragraphs, whatever format it came in.

Each source module (Word, PDF, Excel, web text) turns its file into a :class:`SourceDocument`: blocks in
reading order, each a :class:`Paragraph` or a :class:`SourceTable` of :class:`SourceCell` rows. Merged cells
are resolved: every position a merged cell covers holds its text, marked ``covered`` except the first, so a
reader can both inherit a spanning label and ignore a repeated value. Rows and columns are numbered as a
person sees them in that format (spreadsheet rows, table rows, text lines), for messages and reviews.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.errors import InputError

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest form file read (a form is a few hundred KB; a 20 MB one is not a form)."""
MAX_TABLES = 300
MAX_ROWS = 5000
"""Rows per table."""
MAX_CELLS = 200_000
"""Cells per document, merged positions included."""
MAX_TEXT_CHARS = 5_000_000


@dataclass
class SourceCell:
    """One grid position of a table."""

    text: str
    row: int
    column: int
    covered: bool = False
    """Part of a merged range but not its first cell (the text repeats the range's text)."""
    formula: str | None = None
    """The spreadsheet formula behind the value, when there is one."""


@dataclass
class SourceTable:
    """A table as a grid of rows (rows may be ragged in pasted text)."""

    index: int
    rows: list[list[SourceCell]]
    sheet: str | None = None
    page: int | None = None


@dataclass
class Paragraph:
    """A line or paragraph of text outside tables."""

    text: str
    line: int | None = None
    page: int | None = None


@dataclass
class SourceDocument:
    """A document read into blocks, in reading order."""

    name: str
    format: str
    blocks: list[Paragraph | SourceTable] = field(default_factory=list)

    def tables(self) -> list[SourceTable]:
        return [b for b in self.blocks if isinstance(b, SourceTable)]


class CellBudget:
    """Counts cells as a source builds its tables, refusing a document that would exceed the bounds."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cells = 0
        self.tables = 0

    def table(self) -> None:
        self.tables += 1
        if self.tables > MAX_TABLES:
            raise InputError(f"文件“{self.name}”中的表格超过 {MAX_TABLES} 个，不像一份自评表，未读取")

    def add(self, count: int, where: str = "") -> None:
        self.cells += count
        if self.cells > MAX_CELLS:
            raise InputError(
                f"文件“{self.name}”{where}的单元格超过 {MAX_CELLS} 个（含合并单元格覆盖的位置），"
                "不像一份自评表，未读取"
            )


def clean_text(text: str | None) -> str:
    """Cell text with line breaks of wrapped cells joined: CJK text wraps without spaces."""
    if text is None:
        return ""
    lines = [line.strip() for line in str(text).replace("\r", "\n").split("\n")]
    joined = ""
    for line in lines:
        if not line:
            continue
        if (
            joined
            and joined[-1].isascii()
            and line[0].isascii()
            and joined[-1].isalpha()
            and line[0].isalpha()
        ):
            joined += " "
        joined += line
    return joined.strip()

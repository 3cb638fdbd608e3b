"""The parsed form of a source document: what loading produces and chunking consumes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from assistant.models import DocType


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of a loaded file, before structure is recognised.

    Plain dataclass (not pydantic): a corpus file has thousands of lines and this never crosses a stage.
    """

    text: str
    """Cleaned text; for a table row, the cells joined by tabs."""
    number: int
    """1-based line (or paragraph/row) number in the source, for locating the text again."""
    table_row: bool = False
    """True when the line is a row of a table (tab-separated in text files, a real table row in docx/xlsx)."""
    heading_level: int | None = None
    """Heading level declared by the source format (docx heading style, markdown #), if any."""
    blank_before: bool = False
    """True when one or more blank lines preceded this line."""

    @property
    def cells(self) -> list[str]:
        return [cell.strip() for cell in self.text.split("\t")]


class Block(BaseModel):
    """A structural unit of a document: a heading, a paragraph, or a table."""

    kind: Literal["heading", "paragraph", "table"]
    text: str = Field(
        default="", description="Heading or paragraph text; for a table, its caption (may be empty)"
    )
    rows: list[list[str]] = Field(default_factory=list, description="Table rows as cells (tables only)")
    heading_path: list[str] = Field(
        default_factory=list,
        description="Headings from the top down to this block (a heading includes itself)",
    )
    line: int = Field(description="Source line number where the block starts")


class ParsedDocument(BaseModel):
    """One document recognised in a source file (a file may hold several, e.g. 002_…txt)."""

    title: str = Field(description="Document title, whitespace between Chinese characters removed")
    doc_type: DocType = Field(
        default="other", description="policy / report / self_evaluation / final_accounts / other"
    )
    year: int | None = Field(
        default=None, description="The year the document is about (e.g. 2023 for 2023年度)"
    )
    unit: str | None = Field(default=None, description="The department or unit the document is about")
    source: str = Field(description="File name the document came from")
    source_hash: str = Field(description="sha1 of the source file's bytes")
    index: int = Field(default=0, description="Position of this document within its source file (0-based)")
    blocks: list[Block] = Field(default_factory=list)

    @property
    def text(self) -> str:
        """The document as plain text, one block per line (tables rendered with ' | ')."""
        parts: list[str] = []
        for block in self.blocks:
            if block.text:
                parts.append(block.text)
            parts.extend(" | ".join(c for c in row if c) for row in block.rows)
        return "\n".join(parts)

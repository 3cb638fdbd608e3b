"""Cut a parsed document into retrievable chunks that never cross a heading.

Paragraphs under one heading are packed up to `max_chars`; the section's heading line opens its first
chunk. A very long paragraph is cut at sentence ends. A table becomes its own chunks: each repeats the
nearest heading, the caption and the header row(s), followed by as many rows as fit, cells joined with
" | ". Text stays as in the source apart from whitespace (and line breaks inside a sentence).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from assistant.models import Chunk

from .document import Block, ParsedDocument
from .parsing import parse_file
from .text import split_sentences

DEFAULT_MAX_CHARS = 600
_HEADER_CELL = re.compile(
    r"(指标|序号|分值|得分|得分率|权重|名称|单位|金额|标准|依据|说明|类别|内容|备注|年度|指标值|项目|问题)"
)


def chunk_id(source_hash: str, document_index: int, position: int) -> str:
    """Stable across runs: the same file content gives the same ids."""
    return hashlib.sha1(f"{source_hash}:{document_index}:{position}".encode()).hexdigest()[:20]


def render_row(cells: list[str]) -> str:
    """A table row as readable text; empty (merged) cells are dropped."""
    return " | ".join(cell for cell in cells if cell)


def is_header_row(cells: list[str]) -> bool:
    """A column-header row: several short text cells naming columns (一级指标 | 二级指标 | … | 得分)."""
    filled = [c for c in cells if c]
    if len(filled) < 3 or any(re.search(r"\d", c) for c in filled):
        return False
    return sum(1 for c in filled if len(c) <= 12 and _HEADER_CELL.search(c)) >= 2


def split_long_text(text: str, max_chars: int) -> list[str]:
    """Pieces of at most `max_chars`, cut after 。；！？ where possible, else after a comma, else anywhere."""
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        while len(sentence) > max_chars:
            cut = max(sentence.rfind("，", 0, max_chars), sentence.rfind(",", 0, max_chars))
            cut = cut + 1 if cut > max_chars // 3 else max_chars
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut])
            sentence = sentence[cut:]
        if current and len(current) + len(sentence) > max_chars:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


class _Chunker:
    def __init__(self, doc: ParsedDocument, max_chars: int) -> None:
        self.doc = doc
        self.max_chars = max_chars
        self.chunks: list[Chunk] = []
        self.paragraphs: list[str] = []
        self.path: list[str] = []
        self.lead: str | None = None
        """The heading line not yet shown in any chunk; it opens the section's first chunk."""

    def emit(self, text: str, path: list[str], is_table: bool) -> None:
        position = len(self.chunks)
        self.chunks.append(
            Chunk(
                id=chunk_id(self.doc.source_hash, self.doc.index, position),
                text=text,
                document=self.doc.title,
                heading_path=list(path),
                position=position,
                source=self.doc.source,
                doc_type=self.doc.doc_type,
                year=self.doc.year,
                unit=self.doc.unit,
                is_table=is_table,
            )
        )

    def flush(self) -> None:
        if self.paragraphs:
            self.emit("\n".join(self.paragraphs), self.path, False)
            self.paragraphs = []

    def heading(self, block: Block) -> None:
        self.flush()
        self.path = block.heading_path
        self.lead = block.text

    def paragraph(self, block: Block) -> None:
        self.path = block.heading_path
        if self.lead is not None:
            self.paragraphs.append(self.lead)
            self.lead = None
        for piece in split_long_text(block.text, self.max_chars):
            used = sum(len(p) + 1 for p in self.paragraphs)
            if self.paragraphs and used + len(piece) > self.max_chars:
                self.flush()
            self.paragraphs.append(piece)

    def table(self, block: Block) -> None:
        self.flush()
        self.path = block.heading_path
        heading = block.heading_path[-1] if block.heading_path else None
        self.lead = None
        fixed = [line for line in (heading, block.text) if line]
        rows = [r for r in block.rows if any(r)]
        header = [render_row(rows[0])] if rows else []
        sub_header: str | None = None
        current: list[str] = []

        def prefix() -> list[str]:
            lines = fixed + header
            return lines + [sub_header] if sub_header and sub_header not in lines else lines

        def emit_current() -> None:
            if current:
                self.emit("\n".join(prefix() + current), self.path, True)
                current.clear()

        for cells in rows[1:]:
            text = render_row(cells)
            if is_header_row(cells):
                emit_current()
                sub_header = text
                continue
            budget = self.max_chars - sum(len(p) + 1 for p in prefix())
            for piece in split_long_text(text, max(budget, self.max_chars // 3)):
                if current and sum(len(r) + 1 for r in current) + len(piece) > budget:
                    emit_current()
                current.append(piece)
        if current or len(rows) <= 1 or (sub_header and not current):
            # A one-row table, or a header with nothing after it, is still worth keeping.
            emit_current() if current else self.emit("\n".join(prefix()), self.path, True)


def chunk_document(doc: ParsedDocument, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    """Chunks of one document, in order, with stable ids."""
    chunker = _Chunker(doc, max_chars)
    for block in doc.blocks:
        if block.kind == "heading":
            chunker.heading(block)
        elif block.kind == "paragraph":
            chunker.paragraph(block)
        else:
            chunker.table(block)
    chunker.flush()
    return chunker.chunks


def chunk_file(path: Path, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    """Parse `path` and chunk every document in it."""
    return [chunk for doc in parse_file(path) for chunk in chunk_document(doc, max_chars)]

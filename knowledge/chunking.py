"""Cut a parsed document into retrievable chunks that never cross a heading.

Paragraphs under one heading are packed up to `max_chars`; the section's heading line opens its first
chunk. A very long paragraph is cut at sentence ends. A table becomes its own chunks: each repeats the
nearest heading, the caption and the header row(s), followed by as many rows as fit, cells joined with
" | "; merged leading cells of indicator tables are filled in as 〈context〉 (see `knowledge.tables`).
Text stays as in the source apart from whitespace (and line breaks inside a sentence).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Literal

from assistant.models import Chunk

from .document import Block, ParsedDocument
from .parsing import parse_file
from .tables import is_header_row, render_rows
from .text import split_sentences

DEFAULT_MAX_CHARS = 600
FORM_SECTIONS = ("项目预算执行情况", "年度总体目标", "年度绩效指标")
"""The blocks of a self-evaluation form (绩效自评表), named in the first cell of their rows."""


def chunk_id(source_hash: str, document_index: int, position: int) -> str:
    """Stable across runs: the same file content gives the same ids."""
    return hashlib.sha1(f"{source_hash}:{document_index}:{position}".encode()).hexdigest()[:20]


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


def _length(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


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
        if block.heading_path != self.path:
            # The path can change without a heading block (the end of a table of contents).
            self.flush()
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
        rows = render_rows(block.rows, skip=FORM_SECTIONS)
        header = [line for line in (heading, block.text, rows[0] if rows else None) if line]
        sub_header: str | None = None
        """The latest column-header row inside the table (一级指标 | 二级指标 | …)."""
        opening_sub_header: str | None = None
        """The column-header row in force where the current chunk starts, repeated at its top."""
        current: list[str] = []
        section: str | None = None
        """The self-evaluation form block the rows are in (年度绩效指标…): the section of a form's chunks."""
        chunk_sections: list[str] = []
        """The form blocks the current chunk covers (one, except for the form's header rows before the first)."""

        def prefix(sub: str | None) -> list[str]:
            if sub and sub not in current and sub not in header:
                return [*header, sub]
            return header

        def emit_current() -> None:
            path = self.path or chunk_sections[:1]
            self.emit("\n".join(prefix(opening_sub_header) + current), path, True)
            current.clear()
            chunk_sections.clear()

        def add(piece: str) -> None:
            nonlocal opening_sub_header
            if current and _length(current) + len(piece) > self.max_chars - _length(
                prefix(opening_sub_header)
            ):
                emit_current()
            if not current:
                opening_sub_header = sub_header
            if section and section not in chunk_sections:
                chunk_sections.append(section)
            current.append(piece)

        pending_header: str | None = None
        """A column-header row just read: it goes with the rows after it, so a chunk never ends with it."""
        for cells, text in zip((r for r in block.rows if any(r)), rows, strict=True):
            if text == rows[0]:
                # The first row itself, or the header repeated after a page break: it heads every chunk anyway.
                continue
            label = next((c for c in cells if c), "")
            if label in FORM_SECTIONS and label != section:
                # A form's blocks are its sections: a chunk never spans two of them.
                if current and section is not None and not self.path:
                    emit_current()
                section = label
            if is_header_row(cells):
                sub_header = pending_header = text
                continue
            if pending_header is not None:
                if current:
                    add(pending_header)
                pending_header = None
            for piece in split_long_text(
                text, max(self.max_chars - _length(prefix(sub_header)), self.max_chars // 3)
            ):
                add(piece)
        if pending_header is not None:
            add(pending_header)
        if current or len(rows) == 1:
            # A one-row table is still worth keeping: its heading and caption say what it is.
            emit_current()


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
    """Parse `path` and chunk every document in it; each chunk records where the file came from (the shipped
    corpus or a user's file) and when it was added, so a citation can tell a policy from an upload."""
    origin = file_origin(path)
    added = datetime.now().astimezone().isoformat(timespec="seconds")
    return [
        chunk.model_copy(update={"origin": origin, "added_at": added})
        for doc in parse_file(path)
        for chunk in chunk_document(doc, max_chars)
    ]


def file_origin(path: Path) -> Literal["builtin", "upload"]:
    """'builtin' for a file of the shipped corpus (knowledge/corpus/), else 'upload'."""
    corpus = (Path(__file__).resolve().parent / "corpus").resolve()
    try:
        Path(path).resolve().relative_to(corpus)
    except ValueError:
        return "upload"
    return "builtin"

"""parse_file: load a file, split it into its documents, recognise their structure and metadata."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .document import ParsedDocument
from .loaders import load_lines
from .metadata import detect_doc_type, detect_unit, detect_year
from .splitting import split_documents
from .structure import build_blocks


def parse_file(path: Path) -> list[ParsedDocument]:
    """All documents in `path`, in file order. Raises `InputError` (naming the file) if it cannot be read."""
    path = Path(path)
    lines = load_lines(path)
    source_hash = hashlib.sha1(path.read_bytes()).hexdigest()
    documents: list[ParsedDocument] = []
    for segment in split_documents(lines, fallback_title=path.stem):
        doc_type = detect_doc_type(segment.title, segment.lines, segment.kind)
        documents.append(
            ParsedDocument(
                title=segment.title,
                doc_type=doc_type,
                year=segment.year or detect_year(segment.title, segment.lines),
                unit=detect_unit(segment.title, segment.lines, doc_type),
                source=path.name,
                source_hash=source_hash,
                index=len(documents),
                blocks=build_blocks(segment.lines),
            )
        )
    return documents

"""parse_file: load a file, split it into its documents, recognise their structure and metadata."""

from __future__ import annotations

import hashlib
from pathlib import Path

from assistant.errors import InputError

from .document import ParsedDocument
from .loaders import load_lines
from .metadata import detect_doc_type, detect_unit, detect_year
from .sidecar import load_sidecar
from .splitting import split_documents
from .structure import build_blocks
from .titles import unique_titles


def parse_file(path: Path) -> list[ParsedDocument]:
    """All documents in `path`, in file order, with titles unique within the file (see `knowledge.titles`).

    A sidecar `<file name>.meta.yaml` overrides the detected title, type, year and unit (see
    `knowledge.sidecar`). Raises `InputError` (naming the file or the sidecar) if either cannot be read.
    """
    path = Path(path)
    lines = load_lines(path)
    sidecar = load_sidecar(path)
    source_hash = hashlib.sha1(path.read_bytes()).hexdigest()
    segments = split_documents(lines, fallback_title=path.stem)
    if sidecar is not None and sidecar.title is not None:
        if len(segments) > 1:
            raise InputError(
                f"元数据文件“{path.name}.meta.yaml”设置了 title，但“{path.name}”包含 {len(segments)} 个文档"
                "（title 只适用于只含一个文档的文件）"
            )
        segments[0].title = sidecar.title
    doc_types = [
        (sidecar and sidecar.doc_type) or detect_doc_type(s.title, s.lines, s.kind) for s in segments
    ]
    titles = unique_titles([s.title for s in segments], doc_types, [s.lines for s in segments])
    return [
        ParsedDocument(
            title=title,
            doc_type=doc_type,
            year=(sidecar and sidecar.year) or segment.year or detect_year(segment.title, segment.lines),
            unit=(sidecar and sidecar.unit) or detect_unit(segment.title, segment.lines, doc_type),
            source=path.name,
            source_hash=source_hash,
            index=index,
            blocks=build_blocks(segment.lines),
        )
        for index, (segment, doc_type, title) in enumerate(zip(segments, doc_types, titles, strict=True))
    ]

"""The knowledge base's documents: the shipped corpus, file loading, document splitting and chunking.

Public API (other parts build on these names only):

- ``SUPPORTED_SUFFIXES`` — file suffixes ``parse_file`` reads (.txt .md .docx .pdf .xlsx)
- ``default_corpus_dir()`` — the folder of the shipped corpus
- ``parse_file(path) -> list[ParsedDocument]`` — raises ``assistant.errors.InputError`` naming the file; the
  documents' titles are unique within the file (rule in ``knowledge.titles``)
- ``chunk_document(doc, max_chars=600) -> list[Chunk]`` and ``chunk_file(path) -> list[Chunk]``
- ``domain_terms() -> list[str]`` — the domain dictionary for the keyword tokenizer
"""

from __future__ import annotations

from pathlib import Path

from .chunking import DEFAULT_MAX_CHARS, chunk_document, chunk_file
from .document import Block, ParsedDocument
from .loaders import SUPPORTED_SUFFIXES
from .parsing import parse_file
from .terms import domain_terms


def default_corpus_dir() -> Path:
    """The corpus shipped inside the package (four public documents)."""
    return Path(__file__).resolve().parent / "corpus"


__all__ = [
    "DEFAULT_MAX_CHARS",
    "SUPPORTED_SUFFIXES",
    "Block",
    "ParsedDocument",
    "chunk_document",
    "chunk_file",
    "default_corpus_dir",
    "domain_terms",
    "parse_file",
]

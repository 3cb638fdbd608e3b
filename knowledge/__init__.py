"""The knowledge base's documents: the shipped corpus, file loading, document splitting and chunking.

Public API (other parts build on these names only):

- ``SUPPORTED_SUFFIXES`` — file suffixes ``parse_file`` reads (.txt .md .docx .pdf .xlsx)
- ``default_corpus_dir()`` — the folder of the shipped corpus
- ``parse_file(path) -> list[ParsedDocument]`` — raises ``assistant.errors.InputError`` naming the file; the
  documents' titles are unique within the file (rule in ``knowledge.titles``)
- ``chunk_document(doc, max_chars=600) -> list[Chunk]`` and ``chunk_file(path) -> list[Chunk]``
- ``domain_terms() -> list[str]`` — the domain dictionary for the keyword tokenizer
- ``source_fingerprint(path) -> str`` — sha1 over the file and its sidecar ``<name>.meta.yaml`` (equal to the
  file's own sha1 when it has none): what decides whether a file must be parsed again
- ``SidecarMetadata``, ``sidecar_path(path)``, ``is_sidecar(path)``, ``SIDECAR_SUFFIX`` — the optional sidecar
  overriding title/doc_type/year/unit; never a document itself (``.yaml`` is not a supported suffix)
- ``strip_context(text) -> str`` — chunk text without the filled-in 〈merged cell〉 context (``knowledge.tables``):
  what the source itself says, for quotes
"""

from __future__ import annotations

from pathlib import Path

from .chunking import DEFAULT_MAX_CHARS, chunk_document, chunk_file
from .document import Block, ParsedDocument
from .loaders import SUPPORTED_SUFFIXES
from .parsing import parse_file
from .sidecar import SIDECAR_SUFFIX, SidecarMetadata, is_sidecar, sidecar_path, source_fingerprint
from .tables import strip_context
from .terms import domain_terms


def default_corpus_dir() -> Path:
    """The corpus shipped inside the package (four public documents)."""
    return Path(__file__).resolve().parent / "corpus"


__all__ = [
    "DEFAULT_MAX_CHARS",
    "SIDECAR_SUFFIX",
    "SUPPORTED_SUFFIXES",
    "SidecarMetadata",
    "Block",
    "ParsedDocument",
    "chunk_document",
    "chunk_file",
    "default_corpus_dir",
    "domain_terms",
    "is_sidecar",
    "parse_file",
    "sidecar_path",
    "source_fingerprint",
    "strip_context",
]

"""Small fakes shared by the knowledge-base tests: a meaningful offline embedder and a line chunker."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.models import Chunk


class CharBagEmbeddings(Embeddings):
    """Bag-of-characters vectors (hashed into 64 dims, L2-normalised): texts sharing characters are similar,
    so the dense leg and the similarity gate behave meaningfully without a real model."""

    size = 64
    spec = "charbag"

    def _vector(self, text: str) -> list[float]:
        vec = np.zeros(self.size, dtype=np.float32)
        for ch in text:
            if not ch.isspace():
                vec[ord(ch) % self.size] += 1.0
        norm = float(np.linalg.norm(vec)) or 1.0
        return (vec / norm).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def line_chunker(doc_type: str = "report", year: int | None = 2023, unit: str | None = "济南市大数据局"):
    """A chunker for tests: every non-empty line of a file becomes one chunk of a document named after the file."""

    calls: list[Path] = []

    def chunk_file(path: Path) -> list[Chunk]:
        calls.append(Path(path))
        text = Path(path).read_text(encoding="utf-8")
        if "UNREADABLE" in text:
            raise ValueError(f"无法解析文件 {Path(path).name}")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return [
            Chunk(
                id=f"{Path(path).stem}-{i}-{hashlib.sha1(line.encode()).hexdigest()[:8]}",
                text=line,
                document=f"{Path(path).stem}报告",
                heading_path=["一、基本情况", f"（{i + 1}）"],
                position=i,
                source=Path(path).name,
                doc_type=doc_type,
                year=year,
                unit=unit,
            )
            for i, line in enumerate(lines)
        ]

    chunk_file.calls = calls  # type: ignore[attr-defined]
    return chunk_file

"""Precedent recommendations from the knowledge base: how prior reports phrased advice for a problem type.

Wraps any retriever with ``search(query, k) -> list[Passage]``. A quote is one whole sentence of the
retrieved passage that recommends something ("建议…") and holds no figure, so quoting it can never bring a
number into the draft; each quote becomes a numbered :class:`~assistant.models.Citation`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from assistant.models import Citation, Passage
from assistant.report import free_numbers

_SENTENCE_END = re.compile(r"(?<=[。；！？])|\n")


class Retriever(Protocol):
    def search(self, query: str, k: int = ..., filters: dict | None = ...) -> list[Passage]: ...


@dataclass
class PrecedentHit:
    quote: str
    citation: Citation


@dataclass
class Precedents:
    """Numbered citations across one report; the same sentence is never quoted twice."""

    retriever: Retriever
    k: int = 8
    cited: list[Citation] = field(default_factory=list)

    def recommendation(self, query: str) -> PrecedentHit | None:
        """The best recommending sentence for the query, or None when the knowledge base has none."""
        used = {c.quote for c in self.cited}
        passages = self.retriever.search(query, k=self.k)
        # Passages under a 建议 heading first, then by retrieval order.
        ranked = sorted(enumerate(passages), key=lambda ip: (not _under_advice(ip[1]), ip[0]))
        for _, passage in ranked:
            quote = best_sentence(passage.chunk.text, used)
            if quote is None:
                continue
            citation = Citation(
                n=len(self.cited) + 1, document=passage.chunk.document, section=passage.chunk.section, quote=quote
            )
            self.cited.append(citation)
            return PrecedentHit(quote=quote, citation=citation)
        return None


def _under_advice(passage: Passage) -> bool:
    return any("建议" in h for h in passage.chunk.heading_path)


def best_sentence(text: str, used: set[str] | None = None) -> str | None:
    """The longest figure-free sentence that contains 建议 (between 12 and 150 characters)."""
    used = used or set()
    candidates = []
    for raw in _SENTENCE_END.split(text):
        sentence = raw.strip().lstrip("一二三四五六七八九十是，、.（）() ")
        if "建议" not in sentence or free_numbers(sentence) or "\t" in sentence:
            continue
        if 12 <= len(sentence) <= 150 and sentence not in used:
            candidates.append(sentence)
    return max(candidates, key=len) if candidates else None

"""Precedent recommendations from the knowledge base: how prior reports phrased advice for a problem type.

Wraps any retriever with ``search(query, k) -> list[Passage]``. A quote is one whole sentence of the
retrieved passage that recommends something ("建议…") and holds no figure, so quoting it can never bring a
number into the draft; each quote becomes a numbered :class:`~assistant.models.Citation`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from assistant.models import Citation, Passage
from assistant.report import free_numbers
from knowledge import strip_context

_SENTENCE_END = re.compile(r"(?<=[。；！？])|\n")
MIN_OVERLAP = 2
"""Shared character bigrams (besides 建议) a quote needs with the problem to count as precedent for it."""


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
    k: int = 12
    exclude_document: str = ""
    """Skip passages of this document (the project's own earlier report would only quote itself back)."""
    cited: list[Citation] = field(default_factory=list)
    first_n: int = 1
    """Number of the first citation (a redrafted part continues the report's numbering)."""

    def _excluded(self, passage: Passage) -> bool:
        return bool(self.exclude_document) and self.exclude_document in passage.chunk.document

    def recommendation(
        self, query: str, about: str = "", accept: Callable[[str], bool] | None = None
    ) -> PrecedentHit | None:
        """The recommending sentence that best matches ``query`` (searched) and ``about`` (the problem, used
        only to rank sentences: searching with it finds the problem sections of reports, not their advice).
        ``accept`` vets each candidate sentence (the drafter checks it is about the same problem type)."""
        used = {c.quote for c in self.cited}
        passages = [p for p in self.retriever.search(query, k=self.k) if not self._excluded(p)]
        wanted = bigrams(query + " " + about)
        best: tuple[tuple[int, bool, int], str, Passage] | None = None
        for rank, passage in enumerate(passages):
            # Quotes come from what the source says: filled-in merged cells (〈…〉) are context only.
            for sentence in advice_sentences(strip_context(passage.chunk.text), used):
                if accept is not None and not accept(sentence):
                    continue
                overlap = len(wanted & bigrams(sentence))
                # Most query overlap first; then passages under a 建议 heading; then retrieval order.
                key = (overlap, _under_advice(passage), -rank)
                if overlap >= MIN_OVERLAP and (best is None or key > best[0]):
                    best = (key, sentence, passage)
        if best is None:
            return None
        _, quote, passage = best
        citation = Citation(
            n=self.first_n + len(self.cited),
            document=passage.chunk.document,
            section=passage.chunk.section,
            quote=quote,
        )
        self.cited.append(citation)
        return PrecedentHit(quote=quote, citation=citation)


def _under_advice(passage: Passage) -> bool:
    return any("建议" in h for h in passage.chunk.heading_path)


def bigrams(text: str) -> set[str]:
    """Character bigrams of the Chinese text, without the ubiquitous 建议 (it would match every candidate)."""
    chars = re.sub(r"[^\u4e00-\u9fff]+", " ", text.replace("建议", " "))
    return {a + b for word in chars.split() for a, b in zip(word, word[1:], strict=False)}


def advice_sentences(text: str, used: set[str] | None = None) -> list[str]:
    """Figure-free sentences that recommend something (contain 建议), 12 to 200 characters long."""
    used = used or set()
    out = []
    for raw in _SENTENCE_END.split(text):
        sentence = raw.strip().lstrip("第一二三四五六七八九十是，、.（）() ")
        sentence = sentence.removeprefix("此外，").removeprefix("同时，")
        if "建议" not in sentence or free_numbers(sentence) or "\t" in sentence:
            continue
        if 12 <= len(sentence) <= 200 and sentence not in used:
            out.append(sentence)
    return out

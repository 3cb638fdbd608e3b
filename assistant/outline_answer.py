"""The outline of a document (报告结构): a how-to question about what a report consists of (“绩效评价报告一般包括哪
几部分”) is answered from the top-level headings of a report in the knowledge base, each cited at the passage
where it opens — the document's own structure, not a sentence that happens to hold the question's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.evidence import Statement
from assistant.quotes import display_quote
from assistant.retrieval import RetrievedPassage, Retriever
from assistant.text import norm

OUTLINE_QUESTION = re.compile(
    r"包括哪|包含哪|哪几部分|哪些部分|几个部分|结构|提纲|框架|目录|由哪些|组成部分|分几部分"
)
"""A how-to question about the parts of a document."""
MIN_PARTS = 4
"""A document with fewer top-level headings has no outline worth showing."""


def is_outline_question(text: str) -> bool:
    return bool(OUTLINE_QUESTION.search(text)) and "报告" in text


def document_outline(
    retriever: Retriever, passages: Sequence[RetrievedPassage]
) -> tuple[str, list[tuple[str, RetrievedPassage, Statement]]] | None:
    """(document title, [(top-level heading, the passage where that part opens, the quote cited for it)]) for
    the best retrieved report with at least ``MIN_PARTS`` top-level headings; None when none has."""
    reports = [p.chunk.document for p in passages if p.chunk.doc_type == "report"]
    by_document: dict[str, list] = {}
    for chunk in retriever.index.chunks():
        if chunk.doc_type == "report" and chunk.heading_path:
            by_document.setdefault(chunk.document, []).append(chunk)
    ranked = list(dict.fromkeys(reports)) + sorted(d for d in by_document if d not in reports)
    for document in ranked:
        chunks = sorted(by_document.get(document, []), key=lambda c: c.position)
        tops = list(dict.fromkeys(c.heading_path[0].strip() for c in chunks if c.heading_path[0].strip()))
        parts: list[tuple[str, RetrievedPassage, Statement]] = []
        for top in tops:
            mine = [c for c in chunks if c.heading_path[0].strip() == top]
            # Cite the heading where the text states it; else the opening line of the part's first passage.
            chunk, at = next(((c, a) for c in mine if (a := _find(c.text, top)) is not None), (mine[0], None))
            at = at or _first_line(chunk.text)
            if at is None:
                continue
            quote = chunk.text[at[0] : at[1]]
            statement = Statement(passage=0, quote=quote, display=display_quote(quote, chunk.text), score=1.0)
            parts.append((top, RetrievedPassage(chunk=chunk, score=0.0), statement))
        if len(parts) >= MIN_PARTS:
            return document, parts
    return None


def _first_line(text: str) -> tuple[int, int] | None:
    for start, line in _lines(text):
        if line:
            return start, start + len(line)
    return None


def _find(text: str, heading: str) -> tuple[int, int] | None:
    """The span of ``heading`` in ``text`` (whitespace inside it ignored), or None."""
    target = norm(heading)
    for line_start, line in _lines(text):
        if norm(line).startswith(target):
            return line_start, line_start + len(line.rstrip())
    return None


def _lines(text: str):
    at = 0
    for line in text.split("\n"):
        yield at + len(line) - len(line.lstrip()), line.strip()
        at += len(line) + 1

"""Where a citation comes from (出处): the quoted passage within its surrounding text, with the document,
section and source file, read from the knowledge base's chunks."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from assistant.models import Chunk, Citation

CONTEXT_CHARS = 240
"""How much of the neighbouring passages is shown before and after the quoted one."""
_HASHED = re.compile(r"[0-9a-f]{10,}", re.I)


def file_label(name: str) -> str:
    """A source file as a clerk would recognise it: machine-made names (hashes) say where it comes from."""
    return "随软件附带的资料" if _HASHED.search(name) else name


def find_chunk(chunks: Sequence[Chunk], citation: Citation) -> int | None:
    """Index of the chunk of the cited document that holds the quote (else any chunk that does)."""
    quote = citation.quote.strip()
    if not quote:
        return None
    probe = quote[:60]
    fallback = None
    for i, c in enumerate(chunks):
        if probe in c.text:
            if c.document == citation.document:
                return i
            fallback = fallback if fallback is not None else i
    return fallback


def context_html(chunks: Sequence[Chunk], citation: Citation) -> str:
    """The passage with the quote marked, a little of the text before and after, and where it is from."""
    index = find_chunk(chunks, citation)
    if index is None:
        quote = html.escape(citation.quote).replace("\n", "<br>")
        return f'<div class="pe-source"><blockquote>{quote}</blockquote></div>'
    chunk = chunks[index]
    siblings = [c for c in chunks if c.source == chunk.source and c.document == chunk.document]
    siblings.sort(key=lambda c: c.position)
    at = next(i for i, c in enumerate(siblings) if c.id == chunk.id)
    before = siblings[at - 1].text[-CONTEXT_CHARS:] if at > 0 else ""
    after = siblings[at + 1].text[:CONTEXT_CHARS] if at + 1 < len(siblings) else ""
    text = chunk.text
    start = text.find(citation.quote[:60].strip())
    end = start + len(citation.quote.strip()) if start >= 0 else -1
    if start >= 0:
        body = (
            html.escape(text[:start])
            + "<mark class='pe-quote'>"
            + html.escape(text[start:end])
            + "</mark>"
            + html.escape(text[end:])
        )
    else:
        body = html.escape(text)
    meta = [f"文档：《{html.escape(chunk.document)}》", f"文件：{html.escape(file_label(chunk.source))}"]
    if chunk.section:
        meta.append(f"章节：{html.escape(chunk.section)}")
    parts = [f'<div class="pe-source-meta">{" · ".join(meta)}</div><blockquote class="pe-source-text">']
    if before:
        parts.append(f'<span class="pe-context">……{html.escape(before)}</span><br>')
    parts.append(body.replace("\n", "<br>"))
    if after:
        parts.append(f'<br><span class="pe-context">{html.escape(after)}……</span>')
    parts.append("</blockquote>")
    return '<div class="pe-source">' + "".join(parts) + "</div>"

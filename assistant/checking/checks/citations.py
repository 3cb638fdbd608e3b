"""Citations (引注): a quoted passage followed by [n] must occur, after normalisation, in source n."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher

from assistant.models import Chunk, Citation, Passage

from ..context import CheckContext
from ..models import Document, Finding

Source = Passage | Citation | str
Sources = Sequence[Source] | Mapping[int, Source]

_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{4,})[”\"」』]\s*[\[［【](\d{1,3})[\]］】]")
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize_quote(text: str) -> str:
    """NFKC, then drop spaces, punctuation and Markdown marks, so only the words and digits are compared."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text)).lower()


def source_text(source: Source) -> str:
    """The text a citation may quote: a passage's chunk, a citation's quote, or the string itself."""
    if isinstance(source, Passage):
        return source.chunk.text
    if isinstance(source, Citation):
        return source.quote
    return str(source)


def numbered(sources: Sources | None) -> dict[int, str]:
    """{n: text}: a sequence is numbered from 1 (the order an answer lists its citations)."""
    if not sources:
        return {}
    if isinstance(sources, Mapping):
        return {int(n): source_text(s) for n, s in sources.items()}
    out: dict[int, str] = {}
    for i, s in enumerate(sources, start=1):
        out[s.n if isinstance(s, Citation) else i] = source_text(s)
    return out


_REFERENCE = re.compile(r"^\s*[\[［【](\d{1,3})[\]］】]\s*(.{2,})$")
_TITLE = re.compile(r"《([^》]+)》")


def sources_from_chunks(doc: Document, chunks: Sequence[Chunk]) -> dict[int, str]:
    """Sources for the quotes of ``doc`` from knowledge-base chunks: a reference line '[n] 《标题》…' limits
    quote n to the chunks of that document; without one, the quote must occur somewhere in the knowledge base."""
    everything = "\n".join(c.text for c in chunks)
    refs: dict[int, str] = {}
    for seg in doc.segments:
        if seg.kind == "sentence" and (m := _REFERENCE.match(seg.text)):
            refs[int(m.group(1))] = m.group(2)
    out: dict[int, str] = {}
    for seg in doc.segments:
        for q in _QUOTED.finditer(seg.text):
            n = int(q.group(2))
            if n in out:
                continue
            title = refs.get(n)
            if title:
                names = _TITLE.findall(title) or [title]
                cited = [c.text for c in chunks if any(x in c.document or c.document in x for x in names)]
                out[n] = "\n".join(cited)
            else:
                out[n] = everything
    return out


def run(ctx: CheckContext, sources: Sources | None) -> list[Finding]:
    texts = {n: normalize_quote(t) for n, t in numbered(sources).items()}
    findings: list[Finding] = []
    for i, seg in enumerate(ctx.doc.segments):
        for m in _QUOTED.finditer(seg.text):
            quote, n = m.group(1), int(m.group(2))
            if n not in texts:
                if texts:
                    findings.append(
                        ctx.finding_at_segment(
                            i,
                            kind="citation",
                            severity="error",
                            expected=f"来源 [{n}]",
                            found=quote[:60],
                            message=f"引注 [{n}] 没有对应的来源（共提供 {len(texts)} 条来源）。",
                        )
                    )
                continue
            needle = normalize_quote(quote)
            if needle and needle in texts[n]:
                for mention in ctx.mentions[i]:
                    if m.start() <= mention.start < m.end():
                        ctx.trace(i, mention)
                continue
            match = SequenceMatcher(None, needle, texts[n], autojunk=False).find_longest_match()
            share = match.size / max(len(needle), 1)
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="citation",
                    severity="error",
                    expected=f"来源 [{n}] 中的原文",
                    found=quote[:80],
                    message=(
                        f"引文未在来源 [{n}] 中找到（忽略空格与标点后比对；最长相同片段仅占引文的 "
                        f"{share:.0%}）：请核对原文或改为转述。"
                    ),
                )
            )
    return findings

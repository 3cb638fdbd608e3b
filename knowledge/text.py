"""Text clean-up shared by the loaders, the splitter and the chunker."""

from __future__ import annotations

import re

# Word-export noise: `[bookmark: _Toc…]` anchors (004_…txt), markdown emphasis, stray HTML paragraph tags.
_NOISE = re.compile(r"\[bookmark:[^\]]*\]|\*\*|</?p>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \u00a0\u3000\u2002\u2003\u200b]+")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2460-\u24ff\u201c\u201d\u2018\u2019《》"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_PAGE_NUMBER = re.compile(r"^[-—\s]*\d{1,4}[-—\s]*$")

SENTENCE_END = "。！？；!?;"
"""Characters after which a long paragraph may be split."""
TERMINAL = SENTENCE_END + "：:…”’）)」』"
"""Characters that may end a complete paragraph (a line not ending in one was cut by a page break)."""


def strip_noise(text: str) -> str:
    """Remove export artefacts (bookmarks, markdown bold, <p> tags)."""
    return _NOISE.sub("", text)


def normalise_space(text: str) -> str:
    """Collapse runs of spaces (incl. full-width and no-break) to one space and strip the ends."""
    return _SPACES.sub(" ", text).strip()


def clean_cell(text: str) -> str:
    """A table cell or a line without noise, its inner whitespace collapsed."""
    return normalise_space(strip_noise(text).replace("\n", " "))


def compact(text: str) -> str:
    """Drop whitespace next to Chinese characters: '2023 年度 绩效评价报告' -> '2023年度绩效评价报告'."""
    return normalise_space(_SPACE_NEXT_TO_CJK.sub("", normalise_space(text)))


def is_page_number(text: str) -> bool:
    """A line holding only a page number, e.g. '20' or '- 3 -'."""
    return bool(_PAGE_NUMBER.match(text))


def join_broken(left: str, right: str) -> str:
    """Join two pieces of one sentence cut by a line or page break: no space between Chinese characters."""
    if (
        left
        and right
        and left[-1].isascii()
        and right[0].isascii()
        and left[-1].isalnum()
        and right[0].isalnum()
    ):
        return f"{left} {right}"
    return left + right


def split_sentences(text: str) -> list[str]:
    """Split after each sentence end (。；！？), keeping the punctuation with its sentence."""
    pieces = re.split(rf"(?<=[{SENTENCE_END}])", text)
    return [p for p in pieces if p.strip()]

"""Bounds on the checker's work, so one hostile or huge file can neither freeze a review nor exhaust memory.

Every bound is either a refusal with a Chinese message naming the file (size, characters) or a cut that keeps
the work per piece constant (a sentence longer than ``MAX_SEGMENT_CHARS`` is checked in pieces); the time
budget stops a review that still runs too long.
"""

from __future__ import annotations

import time

from assistant.errors import InputError

MAX_FILE_BYTES = 50 * 1024 * 1024
"""A DOCX/text file larger than this is refused (the corpus's whole final account is 0.5 MB)."""
MAX_DOCUMENT_CHARS = 5_000_000
"""Characters of text read from one file (about 2,500 pages)."""
MAX_SEGMENT_CHARS = 2_000
"""A sentence or cell longer than this is checked in pieces cut at clause marks, so the work per piece is
bounded (a hostile one-line file is a few thousand pieces, not one quadratic line)."""
MAX_PARAGRAPH_CHARS = 20_000
"""Characters of one paragraph or cell that are checked (the corpus's longest paragraph is ~1,500); the rest
of a longer one is reported as not checked."""
DEFAULT_TIME_BUDGET = 60.0
"""Seconds one document's review may take before it stops with a message."""

_CLAUSE_MARKS = "，,；;、：:。！？ "


class CheckTimeout(InputError):
    """The review of one document ran past its time budget."""


class Deadline:
    """A wall-clock budget checked between units of work (segments, tables)."""

    def __init__(self, seconds: float | None, source: str = "") -> None:
        self.seconds = seconds
        self.source = source
        self._end = time.monotonic() + seconds if seconds else None
        self._calls = 0

    def tick(self) -> None:
        """Raise CheckTimeout once the budget is spent (checked every call; a call costs ~0.1 µs)."""
        if self._end is not None and time.monotonic() > self._end:
            raise CheckTimeout(
                f"审核超时：{self.source or '文件'} 在 {self.seconds:g} 秒内未能核对完毕，"
                "请把文件拆成几份（例如每份一个报告或一张自评表）后再审核。"
            )


def check_size(name: str, n_bytes: int) -> None:
    """Refuse a file larger than MAX_FILE_BYTES."""
    if n_bytes > MAX_FILE_BYTES:
        raise InputError(
            f"文件过大：{name} 为 {n_bytes / 1024 / 1024:.1f} MB，审核上限为 "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB。请拆分后再审核。"
        )


def check_chars(name: str, n_chars: int) -> None:
    """Refuse a document holding more than MAX_DOCUMENT_CHARS characters of text."""
    if n_chars > MAX_DOCUMENT_CHARS:
        raise InputError(
            f"文件过长：{name} 含 {n_chars} 个字符，审核上限为 {MAX_DOCUMENT_CHARS} 个字符。请拆分后再审核。"
        )


def paragraph_head(text: str) -> tuple[str, int]:
    """The part of a paragraph that is checked, and how many characters were left out."""
    if len(text) <= MAX_PARAGRAPH_CHARS:
        return text, 0
    return text[:MAX_PARAGRAPH_CHARS], len(text) - MAX_PARAGRAPH_CHARS


def bounded_pieces(text: str, limit: int = MAX_SEGMENT_CHARS) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters, each cut just after a clause mark when one
    is near the limit, never inside a number. One pass over the text."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    start = 0
    n = len(text)
    while n - start > limit:
        end = start + limit
        cut = -1
        for j in range(end - 1, max(start + limit // 2, start) - 1, -1):
            if text[j] in _CLAUSE_MARKS:
                cut = j + 1
                break
        if cut < 0:
            cut = end
            while cut > start + 1 and text[cut - 1].isdigit() and text[cut].isdigit():
                cut -= 1
            if cut <= start + 1:
                cut = end
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return [p for p in pieces if p.strip()]

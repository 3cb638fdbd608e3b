"""The keyword leg's index: jieba tokens with the domain dictionary, a bm25s index, document frequencies.

It is always derived from the chunks: ``KeywordIndexBuilder`` keeps each chunk's tokens (as ids into one
vocabulary, so a large corpus stays small in memory) and assembles a bm25s index for any ordered list of chunks;
only chunks it has not seen are tokenized, so refreshing after another process added a few files is cheap. A
built index is cached on disk under a stamp of the committed content, so other processes on the machine and a
restart load it instead of tokenizing again.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.models import Chunk
from assistant.storage import atomic_write_text

# Function words and question words that carry no topic; kept out of the keyword leg.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 对 为 把 被 将 就 都 也 而 并 其 之 中 上 下 个 这 那 有 无 不 吗 呢 吧 啊 "
    "怎么 怎样 怎么样 如何 什么 哪些 哪个 多少 几 是否 能否 可以 应该 一般 请问 请 我 我们 你 他们 "
    "一下 一些 什么样 为什么 么 怎么办 哪里 吗 时候".split()
)
_TOKEN_OK = re.compile(r"[\w%％]", re.UNICODE)


# ---------------------------------------------------------------- tokenizer


_JIEBA: dict[tuple[str, ...], Any] = {}
_JIEBA_LOCK = threading.Lock()


def _jieba_with(terms: tuple[str, ...]):
    """One loaded jieba dictionary per term list and process (loading costs about a second)."""
    with _JIEBA_LOCK:
        tokenizer = _JIEBA.get(terms)
        if tokenizer is None:
            import logging

            import jieba

            logging.getLogger("jieba").setLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for term in terms:
                tokenizer.add_word(term, freq=20000)
            _JIEBA[terms] = tokenizer
        return tokenizer


class Tokenizer:
    """jieba search-mode tokens with the domain dictionary, lower-cased, without punctuation and stopwords."""

    def __init__(self, domain_terms: Iterable[str] = ()) -> None:
        self._terms = tuple(sorted({t.strip() for t in domain_terms if t and t.strip()}))
        self._jieba = None

    def __call__(self, text: str) -> list[str]:
        if self._jieba is None:
            self._jieba = _jieba_with(self._terms)
        text = unicodedata.normalize("NFKC", text).lower()
        return [
            tok
            for tok in (t.strip() for t in self._jieba.cut_for_search(text))
            if tok and tok not in STOPWORDS and _TOKEN_OK.search(tok)
        ]


KeywordParts = tuple[Any, dict[str, int]]
"""(bm25s index, document frequency of every token)."""


class KeywordIndexBuilder:
    """Tokens per chunk id, one vocabulary, and bm25s indexes built from them (thread-safe)."""

    def __init__(self, tokenizer: Callable[[str], list[str]], text_of: Callable[[Chunk], str]) -> None:
        self._tokenizer = tokenizer
        self._text_of = text_of
        self._vocab: dict[str, int] = {}
        self._words: list[str] = []
        self._tokens: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def forget(self, chunk_ids: Iterable[str]) -> None:
        """Drop cached tokens (the chunk was replaced or removed)."""
        with self._lock:
            for cid in chunk_ids:
                self._tokens.pop(cid, None)

    def learn(self, chunks: Iterable[Chunk]) -> None:
        """Tokenize chunks not seen yet (an ingest calls this as it adds files, so the commit only assembles)."""
        for chunk in chunks:
            if chunk.id not in self._tokens:
                self.teach(chunk.id, self._tokenizer(self._text_of(chunk)))

    def teach(self, chunk_id: str, tokens: list[str]) -> None:
        """Take a chunk's tokens as given (stored beside it on a server, so readers need not tokenize)."""
        with self._lock:
            ids = []
            for tok in tokens:
                i = self._vocab.get(tok)
                if i is None:
                    i = self._vocab[tok] = len(self._words)
                    self._words.append(tok)
                ids.append(i)
            self._tokens[chunk_id] = np.asarray(ids, dtype=np.int32)

    def tokens(self, chunk_id: str) -> list[str]:
        """The tokens of a learnt chunk."""
        with self._lock:
            return [self._words[i] for i in self._tokens[chunk_id]]

    def build(self, ordered: list[Chunk]) -> KeywordParts:
        """A bm25s index whose rows follow ``ordered``, and the document frequencies."""
        import bm25s

        self.learn(ordered)
        with self._lock:
            rows = [self._tokens[c.id] for c in ordered]
            vocab = dict(self._vocab)
        retriever = bm25s.BM25()
        if not rows:
            return retriever, {}
        counts = np.bincount(
            np.concatenate([np.unique(r) for r in rows] or [np.zeros(0, dtype=np.int32)]),
            minlength=len(vocab),
        )
        df = {tok: int(counts[i]) for tok, i in vocab.items() if counts[i]}
        tokenized = bm25s.tokenization.Tokenized(ids=[r.tolist() for r in rows], vocab=vocab)
        retriever.index(tokenized, show_progress=False)
        return retriever, df


def load_cached(folder: Path, stamp: str) -> KeywordParts | None:
    """The keyword index saved under ``stamp`` in ``folder``, or None."""
    import bm25s

    target = folder / "bm25"
    try:
        if (target / "stamp.txt").read_text(encoding="utf-8") != stamp:
            return None
        return bm25s.BM25.load(str(target)), json.loads((target / "df.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save_cached(folder: Path, stamp: str, parts: KeywordParts) -> None:
    """Save a keyword index under ``stamp``: written into a temp folder, then swapped in whole, so a process
    loading it never reads half of one index and half of another."""
    retriever, df = parts
    if not df:
        return
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder, prefix=".bm25-", suffix=".tmp"))
    try:
        retriever.save(str(tmp))
        atomic_write_text(tmp / "df.json", json.dumps(df, ensure_ascii=False))
        atomic_write_text(tmp / "stamp.txt", stamp)
        old = folder / f".bm25-old-{tmp.name}"
        target = folder / "bm25"
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def remove_stale_builds(folder: Path, max_age_seconds: float = 600) -> None:
    """Temp folders of keyword-index saves killed half-way (old enough that no save is still writing them)."""
    import time

    for path in folder.glob(".bm25-*"):
        try:
            if time.time() - path.stat().st_mtime >= max_age_seconds:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue

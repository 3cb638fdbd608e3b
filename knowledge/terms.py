"""The domain word list for the keyword leg's tokenizer (jieba user dictionary)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("domain_terms.txt")


@cache
def _load() -> tuple[str, ...]:
    terms: list[str] = []
    for line in TERMS_FILE.read_text(encoding="utf-8").splitlines():
        term = line.split("#", 1)[0].strip()
        if term and term not in terms:
            terms.append(term)
    return tuple(terms)


def domain_terms() -> list[str]:
    """Performance-evaluation terms (预算执行率, 绩效目标合理性…), one per entry, no duplicates."""
    return list(_load())

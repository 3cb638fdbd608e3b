"""The workbench's view of the knowledge base (ui/knowledge.py): a build as a job with progress, a job of
another process shown, an interrupted build continued."""

from __future__ import annotations

import time

import pytest
from retrieval_fakes import CharBagEmbeddings, line_chunker
from test_index_concurrency import Killed, killing_chunker, write_corpus
from test_ingest_job import MANY

import assistant.retrieval
from assistant.ingest_job import new_job
from assistant.settings import get_settings


@pytest.fixture
def small_corpus(tmp_path, monkeypatch):
    import knowledge

    folder = tmp_path / "shipped"
    write_corpus(folder, MANY)
    monkeypatch.setattr(knowledge, "default_corpus_dir", lambda: folder)
    monkeypatch.setattr(knowledge, "chunk_file", line_chunker())
    monkeypatch.setattr(
        assistant.retrieval, "build_embedder", lambda settings=None, spec=None: CharBagEmbeddings()
    )
    monkeypatch.setattr(assistant.retrieval, "_RETRIEVERS", {})
    return folder


def test_a_build_yields_progress_then_the_outcome(small_corpus, monkeypatch):
    import knowledge
    from ui import knowledge as kb

    inner = knowledge.chunk_file

    def slow(path):
        time.sleep(0.15)
        return inner(path)

    monkeypatch.setattr(knowledge, "chunk_file", slow)
    settings = get_settings()
    assert not kb.is_built(settings) and kb.needs_work(settings)
    updates = list(kb.ingest(settings, []))
    assert any(u.startswith("⏳ 正在导入") and "个文件" in u and "个片段" in u for u in updates[:-1])
    assert updates[-1].startswith("已处理 12 个文件") and "新增 12" in updates[-1]
    assert kb.is_built(settings) and not kb.needs_work(settings)
    assert kb.summary(settings).startswith("12 个文件，12 篇文档，156 个片段")
    assert "报告00.txt" in kb.titles_markdown(settings)


def test_a_job_running_in_another_process_is_shown(small_corpus):
    from ui import knowledge as kb

    settings = get_settings()
    index = assistant.retrieval.get_retriever(settings).index
    job = new_job([small_corpus])
    job.owner = "another-host:42"
    job.files_total, job.files_done, job.chunks_done = 12, 5, 60
    job.bytes_total, job.bytes_done = 1200, 500
    job.started_at, job.updated_at = time.time() - 10, time.time()
    index.store.save_job(job.id, job.model_dump_json())
    status = kb.summary(settings)
    assert "⏳ 正在导入 5/12 个文件，60 个片段" in status and "预计还需" in status


def test_an_interrupted_build_is_continued_on_the_next_start(small_corpus, monkeypatch):
    import knowledge
    from ui import knowledge as kb

    settings = get_settings()
    monkeypatch.setattr(knowledge, "chunk_file", killing_chunker(4))
    with pytest.raises(Killed):
        list(kb.ingest(settings, []))
    assert kb.needs_work(settings)
    monkeypatch.setattr(knowledge, "chunk_file", line_chunker())
    final = list(kb.ingest(settings, []))[-1]
    assert final.startswith("已处理 12 个文件")
    assert not kb.needs_work(settings) and kb.summary(settings).startswith("12 个文件")


def test_the_documents_are_listed_by_title_not_by_internal_file_name(monkeypatch):
    """Shipped files carry internal names (a number and a hash): the settings tab lists their documents by
    title; a user's upload is named by its file, with the documents found in it."""
    from ui import knowledge as kb

    listing = {
        "builtin": {"000_993fdada1dec21bb.txt": ["甲县水利局2023年度饮水工程绩效评价报告"]},
        "upload": {
            "政策汇编.pdf": ["项目支出绩效评价管理办法", "关于开展绩效自评的通知"],
            "说明.txt": ["说明.txt"],
        },
    }
    monkeypatch.setattr(kb, "document_titles", lambda settings: listing)
    shown = kb.titles_markdown(get_settings())
    assert "知识库中的 4 篇文档" in shown
    assert "随软件附带（1 篇）" in shown and "甲县水利局2023年度饮水工程绩效评价报告" in shown
    assert "993fdada1dec21bb" not in shown
    assert "用户上传（3 篇）" in shown and "政策汇编.pdf" in shown and "关于开展绩效自评的通知" in shown

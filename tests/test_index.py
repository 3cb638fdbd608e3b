"""The persistent index: ingest, unchanged re-ingest, changed files, duplicates, failures, rebuilds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from retrieval_fakes import CharBagEmbeddings, line_chunker

from assistant.index import KnowledgeIndex, Tokenizer, chunk_metadata, collect_files
from assistant.models import Chunk

POLICY = "预算执行率得分=预算执行率×分值。\n满意度≥90%得满分。\n"
REPORT = "项目存在档案管理不规范的问题。\n建议加强合同管理。\n"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "policy.txt").write_text(POLICY, encoding="utf-8")
    (folder / "report.txt").write_text(REPORT, encoding="utf-8")
    return folder


def open_index(tmp_path, pipeline: str = "test-chunker-1") -> KnowledgeIndex:
    return KnowledgeIndex(
        tmp_path / "index", CharBagEmbeddings(), Tokenizer(["预算执行率"]), pipeline=pipeline
    )


def test_ingest_then_reopen_from_disk(tmp_path, corpus):
    report = open_index(tmp_path).ingest(sorted(corpus.iterdir()), line_chunker())
    assert (report.documents, report.chunks, sorted(report.added)) == (2, 4, ["policy.txt", "report.txt"])
    reopened = open_index(tmp_path)
    assert reopened.chunk_count() == 4
    assert {c.text for c in reopened.chunks()} == {line for line in (POLICY + REPORT).splitlines()}
    assert reopened.collection.count() == 4
    _, order, df = reopened.keyword_index()
    assert len(order) == 4 and df["预算执行率"] == 1


def test_unchanged_reingest_does_no_work(tmp_path, corpus):
    files = sorted(corpus.iterdir())
    open_index(tmp_path).ingest(files, line_chunker())
    chunker = line_chunker()
    report = open_index(tmp_path).ingest(files, chunker)
    assert chunker.calls == []
    assert (report.unchanged, report.added, report.rebuilt) == (["policy.txt", "report.txt"], [], False)
    assert (report.documents, report.chunks) == (2, 4)


def test_changed_file_replaces_its_chunks(tmp_path, corpus):
    index = open_index(tmp_path)
    index.ingest(sorted(corpus.iterdir()), line_chunker())
    (corpus / "report.txt").write_text("项目绩效目标不明确。\n", encoding="utf-8")
    report = index.ingest(sorted(corpus.iterdir()), line_chunker())
    assert report.replaced == ["report.txt"] and report.unchanged == ["policy.txt"]
    texts = sorted(c.text for c in open_index(tmp_path).chunks())
    assert texts == sorted(["预算执行率得分=预算执行率×分值。", "满意度≥90%得满分。", "项目绩效目标不明确。"])
    assert index.collection.count() == 3


def test_identical_copy_is_not_indexed_twice(tmp_path, corpus):
    copy = tmp_path / "copy.txt"
    copy.write_text(POLICY, encoding="utf-8")
    index = open_index(tmp_path)
    report = index.ingest([*sorted(corpus.iterdir()), copy], line_chunker())
    assert report.duplicates == ["copy.txt"]
    assert index.chunk_count() == 4 and index.collection.count() == 4


def test_failing_file_is_reported_and_the_rest_ingested(tmp_path, corpus):
    (corpus / "broken.txt").write_text("UNREADABLE", encoding="utf-8")
    index = open_index(tmp_path)
    report = index.ingest(sorted(corpus.iterdir()), line_chunker())
    assert list(report.failed) == ["broken.txt"] and "broken.txt" in report.failed["broken.txt"]
    assert index.chunk_count() == 4


def test_explicit_rebuild_keeps_only_the_given_files(tmp_path, corpus):
    files = sorted(corpus.iterdir())
    open_index(tmp_path).ingest(files, line_chunker())
    report = open_index(tmp_path).ingest(files[:1], line_chunker(), rebuild=True)
    assert report.rebuilt and report.added == [files[0].name]
    assert open_index(tmp_path).chunk_count() == 2


def test_new_chunker_rechunks_every_known_source(tmp_path, corpus):
    files = sorted(corpus.iterdir())
    open_index(tmp_path).ingest(files, line_chunker())
    chunker = line_chunker()
    report = open_index(tmp_path, pipeline="test-chunker-2").ingest(files[:1], chunker)
    assert report.rebuilt and sorted(p.name for p in chunker.calls) == ["policy.txt", "report.txt"]
    assert open_index(tmp_path, pipeline="test-chunker-2").chunk_count() == 4


def test_new_embedder_reembeds_without_rechunking(tmp_path, corpus):
    files = sorted(corpus.iterdir())
    open_index(tmp_path).ingest(files, line_chunker())
    other = CharBagEmbeddings()
    other.spec = "charbag-v2"
    other.size = 32
    index = KnowledgeIndex(tmp_path / "index", other, Tokenizer(["预算执行率"]), pipeline="test-chunker-1")
    chunker = line_chunker()
    report = index.ingest(files, chunker)
    assert (report.rebuilt, chunker.calls, report.unchanged) == (False, [], ["policy.txt", "report.txt"])
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedder"] == "charbag-v2+windows150"  # the embedder and the vector layout
    assert index.collection.count() == 4


def test_search_side_reembeds_when_the_setting_changed(tmp_path, corpus):
    from assistant.retrieval import Retriever

    open_index(tmp_path).ingest(sorted(corpus.iterdir()), line_chunker())
    other = CharBagEmbeddings()
    other.spec = "charbag-v2"
    other.size = 32
    index = KnowledgeIndex(tmp_path / "index", other, Tokenizer(["预算执行率"]), pipeline="test-chunker-1")
    assert Retriever(index).dense_ranking("档案管理")
    assert index.manifest.embedder == "charbag-v2+windows150"


def test_remove_source(tmp_path, corpus):
    index = open_index(tmp_path)
    index.ingest(sorted(corpus.iterdir()), line_chunker())
    assert index.remove(corpus / "report.txt")
    assert not index.remove(corpus / "report.txt")
    assert index.chunk_count() == 2 and index.collection.count() == 2


@pytest.mark.parametrize(
    ("names", "expected_files", "expected_skipped"),
    [
        (["a.txt", "b.md"], ["a.txt", "b.md"], []),
        (["a.txt", "image.png"], ["a.txt"], ["image.png"]),
        (["doc.DOCX"], ["doc.DOCX"], []),
    ],
)
def test_collect_files_sorts_out_unsupported(tmp_path, names, expected_files, expected_skipped):
    for name in names:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    files, skipped = collect_files([tmp_path, tmp_path / "missing.txt"], [".txt", ".md", ".docx"])
    assert sorted(f.name for f in files) == sorted(expected_files)
    assert sorted(skipped) == sorted([*expected_skipped, str(tmp_path / "missing.txt")])


def test_collect_files_under_a_hidden_parent_keeps_sidecars_out(tmp_path):
    folder = (
        tmp_path / ".local" / "corpus"
    )  # e.g. a user's ~/.local/share/...: only hidden names *inside* count
    folder.mkdir(parents=True)
    (folder / "report.txt").write_text("x", encoding="utf-8")
    (folder / "report.txt.meta.yaml").write_text("title: 某报告\n", encoding="utf-8")
    (folder / ".draft.txt").write_text("x", encoding="utf-8")
    files, skipped = collect_files([folder], [".txt"])
    assert [f.name for f in files] == ["report.txt"]
    assert skipped == {}


def test_sidecar_change_reingests_its_file(corpus, tmp_path):
    index = KnowledgeIndex(tmp_path / "index", CharBagEmbeddings())
    files = sorted(corpus.glob("*.txt"))
    chunker = line_chunker()
    index.ingest(files, chunker)
    assert len(index.ingest(files, chunker).unchanged) == len(files)
    (corpus / "report.txt.meta.yaml").write_text("title: 某项目绩效评价报告\n", encoding="utf-8")
    again = index.ingest(files, chunker)
    assert [Path(p).name for p in again.unchanged] == ["policy.txt"]
    assert [Path(p).name for p in again.replaced] == ["report.txt"]


@pytest.mark.parametrize(
    ("year", "unit", "expected"),
    [
        (
            2023,
            "济南市大数据局",
            {
                "doc_type": "report",
                "source": "a.txt",
                "is_table": False,
                "year": 2023,
                "unit": "济南市大数据局",
            },
        ),
        (None, None, {"doc_type": "report", "source": "a.txt", "is_table": False}),
    ],
)
def test_chunk_metadata_leaves_out_unknowns(year, unit, expected):
    chunk = Chunk(
        id="x", text="t", document="d", position=0, source="a.txt", doc_type="report", year=year, unit=unit
    )
    assert chunk_metadata(chunk) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("预算执行率如何计分？", ["预算", "执行", "执行率", "预算执行率", "计分"]),
        ("满意度 ≥ 90％", ["满意", "满意度", "90%"]),
        ("的了吗？！", []),
    ],
)
def test_tokenizer_keeps_domain_terms_and_drops_noise(text, expected):
    assert Tokenizer(["预算执行率"])(text) == expected


def test_other_process_ingest_is_seen_on_next_search(tmp_path, corpus):
    from assistant.retrieval import Retriever

    files = sorted(corpus.iterdir())
    reader = Retriever(open_index(tmp_path))
    open_index(tmp_path).ingest(files[:1], line_chunker())
    assert {p.chunk.source for p in reader.search("档案 预算", k=10)} == {"policy.txt"}
    open_index(tmp_path).ingest(files, line_chunker())  # a second "process" adds report.txt
    assert {p.chunk.source for p in reader.search("档案 预算", k=10)} == {"policy.txt", "report.txt"}


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ([("甲", 0), ("甲", 1), ("乙", 0)], 2),
        ([("自评表", 0), ("自评表", 1), ("自评表", 0), ("自评表", 1)], 2),
        ([("甲", 0)], 1),
        ([], 0),
    ],
)
def test_count_documents(layout, expected):
    from assistant.index import count_documents

    chunks = [
        Chunk(id=str(i), text="t", document=d, position=p, source="s") for i, (d, p) in enumerate(layout)
    ]
    assert count_documents(chunks) == expected


def test_long_chunks_get_window_vectors_and_rank_once(tmp_path):
    from assistant.index import WINDOW_CHARS, embed_windows
    from assistant.retrieval import Retriever

    sentence = "项目单位未按合同约定的节点支付服务费用，付款进度快于服务进度。"
    long_text = "".join(f"第{i}条：{sentence}" for i in range(12))
    chunk = Chunk(
        id="c1",
        text=long_text,
        document="某报告",
        heading_path=["四、存在的问题"],
        source="r.txt",
        position=0,
    )
    windows = embed_windows(chunk)
    assert len(windows) >= len(long_text) // WINDOW_CHARS
    assert all(w.startswith("四、存在的问题 ") and len(w) <= WINDOW_CHARS + 40 for w in windows)
    short = chunk.model_copy(update={"id": "c2", "text": sentence})
    assert embed_windows(short) == []  # one window: the chunk's own vector covers it

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "long.txt").write_text(long_text, encoding="utf-8")
    (folder / "short.txt").write_text(POLICY, encoding="utf-8")
    index = KnowledgeIndex(tmp_path / "index", CharBagEmbeddings())
    index.ingest(sorted(folder.iterdir()), line_chunker())
    assert index.collection.count() > index.chunk_count()
    ranking = [cid for cid, _ in Retriever(index).dense_ranking("付款进度快于服务进度")]
    assert len(ranking) == len(set(ranking)) == index.chunk_count()
    assert index.remove(folder / "long.txt")
    assert index.collection.count() == index.chunk_count()  # its window vectors went with it

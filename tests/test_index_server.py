"""The index on a real Chroma server (``chroma run``) shared by several processes: what one ingests, the others
find at once in both legs; a rebuild switches every process to the new collection."""

from __future__ import annotations

import uuid

import pytest
from retrieval_fakes import CharBagEmbeddings, line_chunker
from test_index_concurrency import write_corpus

from assistant.index import KnowledgeIndex, Tokenizer
from assistant.index_store import ChromaServerStore
from assistant.retrieval import Retriever


@pytest.fixture
def prefix():
    return f"t{uuid.uuid4().hex[:10]}"


def server_index(url, prefix, home, pipeline="t1") -> KnowledgeIndex:
    """An index as one process on its own machine sees it: its own local cache folder."""
    store = ChromaServerStore(url, None, home / "cache", prefix)
    return KnowledgeIndex(
        home / "index", CharBagEmbeddings(), Tokenizer(["完工率"]), pipeline=pipeline, store=store
    )


def found(retriever: Retriever, query: str, leg="hybrid") -> set[str]:
    return {p.chunk.source for p in retriever.search(query, k=10, leg=leg)}


def test_what_one_process_ingests_another_finds_in_both_legs(chroma_server, prefix, tmp_path):
    files = {f.name: f for f in write_corpus(tmp_path / "corpus")}
    writer = server_index(chroma_server, prefix, tmp_path / "a")
    reader = Retriever(server_index(chroma_server, prefix, tmp_path / "b"))
    assert reader.search("完工率") == []
    writer.ingest([files["水利.txt"]], line_chunker())
    assert found(reader, "完工率", "bm25") == {"水利.txt"}
    writer.ingest(list(files.values()), line_chunker())
    # No stale keyword index: the reader's next search sees the new content version.
    assert found(reader, "营养 资金 滞后", "bm25") == {"营养餐.txt"}
    assert "营养餐.txt" in found(reader, "学生营养改善计划资金拨付滞后", "dense")
    assert writer.remove(files["营养餐.txt"])
    assert found(reader, "营养 资金 滞后", "bm25") == set()
    # A restarted process rebuilds from the server (no files of the index on its machine).
    fresh = Retriever(server_index(chroma_server, prefix, tmp_path / "c"))
    assert fresh.index.chunk_count() == 4 and found(fresh, "完工率", "bm25") == {"水利.txt"}
    assert not (tmp_path / "c" / "index").exists()


def test_a_rebuild_on_the_server_switches_every_process(chroma_server, prefix, tmp_path):
    files = write_corpus(tmp_path / "corpus")
    server_index(chroma_server, prefix, tmp_path / "a").ingest(files, line_chunker())
    reader = Retriever(server_index(chroma_server, prefix, tmp_path / "b"))
    old = reader.index.manifest.collection
    assert found(reader, "完工率", "bm25") == {"水利.txt"}
    report = server_index(chroma_server, prefix, tmp_path / "a", pipeline="t2").ingest(files, line_chunker())
    assert report.rebuilt
    assert found(reader, "完工率", "bm25") == {"水利.txt"}
    assert reader.index.manifest.pipeline == "t2" and reader.index.manifest.collection != old
    names = {c.name for c in reader.index.store.client().list_collections() if c.name.startswith(prefix)}
    assert old not in names


def test_a_token_reaches_the_server_and_a_bad_url_is_a_message(chroma_server):
    from assistant.errors import ConfigError
    from assistant.index_store import chroma_client

    with pytest.raises(ConfigError, match="PE_ASSISTANT_CHROMA_URL"):
        chroma_client(("http", "ftp://nowhere", ""))
    client = chroma_client(("http", chroma_server, "s3cret"))
    assert client._server._session.headers["Authorization"] == "Bearer s3cret"

"""The index under concurrency: searches during ingests and rebuilds, ingests from two processes at once,
killed ingests resumed, temp files of killed writes, many first searches at once after a cold start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from retrieval_fakes import CharBagEmbeddings, line_chunker

from assistant.index import KnowledgeIndex, Tokenizer
from assistant.retrieval import Retriever

TESTS = Path(__file__).parent

# Material in wordings of its own: a county water project and a school-meal programme.
FILES = {
    "水利.txt": "县级农村饮水安全巩固提升工程完工率为百分之九十二。\n工程验收资料归档不及时。\n",
    "营养餐.txt": "学生营养改善计划资金拨付滞后两个月。\n食堂满意度调查样本量不足三百份。\n",
    "养老.txt": "居家养老服务补贴发放对象核查不严。\n服务时长记录缺少签字确认。\n",
}


def write_corpus(folder: Path, files: dict[str, str] = FILES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return sorted(folder / name for name in files)


def open_index(index_dir: Path, pipeline: str = "t1") -> KnowledgeIndex:
    return KnowledgeIndex(index_dir, CharBagEmbeddings(), Tokenizer(["完工率"]), pipeline=pipeline)


def sources(retriever: Retriever, query: str) -> set[str]:
    return {p.chunk.source for p in retriever.search(query, k=10, leg="bm25")}


def test_searches_answer_from_the_previous_index_while_a_rebuild_runs(tmp_path):
    files = write_corpus(tmp_path / "corpus")
    open_index(tmp_path / "index").ingest(files, line_chunker())
    reader = Retriever(open_index(tmp_path / "index"))
    assert sources(reader, "完工率") == {"水利.txt"}
    slow = line_chunker()
    started, results, errors = threading.Event(), [], []

    def chunk_slowly(path):
        started.set()
        time.sleep(0.3)
        return slow(path)

    def rebuild():
        open_index(tmp_path / "index", pipeline="t2").ingest(files, chunk_slowly)

    writer = threading.Thread(target=rebuild)
    writer.start()
    started.wait(10)
    while writer.is_alive():
        try:
            results.append(sources(reader, "完工率") | {p.chunk.source for p in reader.search("营养餐 资金")})
        except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
            errors.append(repr(exc))
        time.sleep(0.05)
    writer.join()
    assert errors == []
    assert len(results) >= 3 and all("水利.txt" in r for r in results)
    assert sources(reader, "完工率") == {"水利.txt"}  # the next search reads the rebuilt index
    assert reader.index.manifest.pipeline == "t2" and reader.index.chunk_count() == 6
    # The rebuilt collection replaced the old one, which is gone.
    names = {c.name for c in reader.index.store.client().list_collections()}
    assert names == {reader.index.manifest.collection}


def test_an_ingest_in_this_process_does_not_block_searches(tmp_path):
    files = write_corpus(tmp_path / "corpus")
    index = open_index(tmp_path / "index")
    index.ingest([tmp_path / "corpus" / "水利.txt"], line_chunker())
    retriever = Retriever(index)
    gate = threading.Event()
    chunker = line_chunker()

    def waiting_chunker(path):
        gate.wait(10)
        return chunker(path)

    writer = threading.Thread(target=lambda: index.ingest(files, waiting_chunker))
    writer.start()
    time.sleep(0.2)
    began = time.monotonic()
    assert sources(retriever, "完工率") == {"水利.txt"}
    assert time.monotonic() - began < 5  # answered while the ingest holds its lock
    gate.set()
    writer.join()
    assert sources(retriever, "营养 资金 滞后") == {"营养餐.txt"}


INGEST_SCRIPT = """
import sys
from pathlib import Path
from retrieval_fakes import CharBagEmbeddings, line_chunker
from assistant.index import KnowledgeIndex, Tokenizer
index = KnowledgeIndex(Path(sys.argv[1]), CharBagEmbeddings(), Tokenizer([]), pipeline="t1")
report = index.ingest([Path(p) for p in sys.argv[2:]], line_chunker())
print(len(report.added))
"""


def test_two_concurrent_ingest_processes_keep_both_files(tmp_path):
    files = write_corpus(tmp_path / "corpus")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", INGEST_SCRIPT, str(tmp_path / "index"), str(f)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outputs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert [out.strip() for out, _ in outputs] == ["1", "1", "1"]
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(e["name"] for e in manifest["sources"].values()) == sorted(FILES)
    assert open_index(tmp_path / "index").chunk_count() == 6


def test_a_waiting_ingest_says_so(tmp_path):
    files = write_corpus(tmp_path / "corpus")
    first, second = open_index(tmp_path / "index"), open_index(tmp_path / "index")
    gate, waited = threading.Event(), []
    chunker = line_chunker()

    def held(path):
        gate.wait(10)
        return chunker(path)

    writer = threading.Thread(target=lambda: first.ingest(files[:1], held))
    writer.start()
    time.sleep(0.3)
    releaser = threading.Timer(1.0, gate.set)
    releaser.start()
    report = second.ingest(files[1:], line_chunker(), on_wait=lambda: waited.append(True))
    writer.join()
    assert waited == [True] and sorted(report.added) == sorted(f.name for f in files[1:])
    assert open_index(tmp_path / "index").chunk_count() == 6


class Killed(BaseException):
    """Stands for the process being killed half-way (not an Exception: the ingest must not catch it)."""


def killing_chunker(after: int):
    inner = line_chunker()

    def chunk_file(path):
        if len(inner.calls) >= after:
            raise Killed()
        return inner(path)

    chunk_file.calls = inner.calls
    return chunk_file


def test_a_killed_ingest_keeps_its_checkpoints_and_the_next_run_resumes(tmp_path):
    files = write_corpus(tmp_path / "corpus")
    with pytest.raises(Killed):
        open_index(tmp_path / "index").ingest(files, killing_chunker(2), checkpoint_seconds=0)
    assert open_index(tmp_path / "index").chunk_count() == 4  # two files committed before the kill
    chunker = line_chunker()
    report = open_index(tmp_path / "index").ingest(files, chunker)
    assert [p.name for p in chunker.calls] == [files[2].name]
    assert len(report.unchanged) == 2 and len(report.added) == 1


def test_a_killed_rebuild_resumes_from_its_staging_while_the_old_index_answers(tmp_path):
    files = write_corpus(tmp_path / "corpus")
    open_index(tmp_path / "index").ingest(files, line_chunker())
    with pytest.raises(Killed):
        open_index(tmp_path / "index", pipeline="t2").ingest(files, killing_chunker(2), checkpoint_seconds=0)
    reader = open_index(tmp_path / "index")
    assert reader.manifest.pipeline == "t1" and reader.chunk_count() == 6  # the old index still serves
    chunker = line_chunker()
    report = open_index(tmp_path / "index", pipeline="t2").ingest(files, chunker)
    assert report.rebuilt and [p.name for p in chunker.calls] == [files[2].name]
    fresh = open_index(tmp_path / "index", pipeline="t2")
    assert fresh.manifest.pipeline == "t2" and fresh.chunk_count() == 6
    assert fresh.collection.count() == 6 and not (tmp_path / "index" / "staging").exists()


def test_orphaned_temp_files_of_killed_writes_are_removed(tmp_path):
    files = write_corpus(tmp_path / "corpus")
    index = open_index(tmp_path / "index")
    index.ingest(files[:1], line_chunker())
    orphan = tmp_path / "index" / ".chunks.jsonl.k1ll3d.tmp"
    orphan.write_bytes(b"x" * 1_000_000)
    stale = tmp_path / "index" / ".bm25-zz.tmp"
    stale.mkdir()
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    open_index(tmp_path / "index").ingest(files, line_chunker())
    assert not orphan.exists() and not stale.exists()


def test_five_concurrent_first_searches_after_a_cold_start_all_succeed(tmp_path):
    from assistant import index_store

    files = write_corpus(tmp_path / "corpus")
    open_index(tmp_path / "index").ingest(files, line_chunker())
    index_store._CLIENTS.clear()  # a fresh process: no Chroma client yet
    retriever = Retriever(open_index(tmp_path / "index"))
    barrier = threading.Barrier(5)
    results, errors = [], []

    def ask(query):
        barrier.wait(10)
        try:
            results.append([p.chunk.source for p in retriever.search(query, k=3)])
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    queries = ["完工率", "营养餐资金", "养老服务补贴", "满意度调查", "验收资料"]
    threads = [threading.Thread(target=ask, args=(q,)) for q in queries]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(results) == 5 and all(results)

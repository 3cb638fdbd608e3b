"""Ingest jobs: progress with files, chunks and an ETA; a killed job is found and resumed; the CLI's --status
and --resume."""

from __future__ import annotations

import time

import pytest
from retrieval_fakes import CharBagEmbeddings, line_chunker
from test_index_concurrency import Killed, killing_chunker, open_index, write_corpus
from typer.testing import CliRunner

import assistant.retrieval
from assistant.ingest_job import IngestJob, load_jobs, new_job, resume_unfinished, run_job, unfinished_jobs

MANY = {
    f"报告{i:02d}.txt": f"第{i}号项目绩效目标完成情况。\n第{i}号项目资金使用合规。\n" * (i + 1)
    for i in range(12)
}


def test_a_job_reports_files_chunks_eta_and_throughput(tmp_path):
    write_corpus(tmp_path / "corpus", MANY)
    index = open_index(tmp_path / "index")
    seen: list[IngestJob] = []
    job = new_job([tmp_path / "corpus"])
    report = run_job(index, job, line_chunker(), lambda j: seen.append(j.model_copy()))
    assert len(report.added) == 12
    assert [j.files_done for j in seen] == list(range(13)) + [12]  # start, each file, the end
    assert seen[-1].status == "done" and seen[-1].files_total == 12 and seen[-1].chunks_done == 156
    assert all(j.eta_seconds is not None for j in seen[1:-2])
    assert job.chunks_per_second and job.million_chunk_hours() > 0
    assert "导入完成：12/12 个文件，156 个片段" in job.summary_zh()
    recorded = load_jobs(open_index(tmp_path / "index"))
    assert [j.id for j in recorded] == [job.id] and recorded[0].status == "done"


def test_a_killed_job_is_resumed_where_it_stopped(tmp_path):
    files = write_corpus(tmp_path / "corpus", MANY)
    index = open_index(tmp_path / "index")
    with pytest.raises(Killed):
        run_job(index, new_job([tmp_path / "corpus"]), killing_chunker(5))
    [pending] = unfinished_jobs(open_index(tmp_path / "index"))
    assert pending.status == "interrupted" and pending.files_done == 5
    assert "中断" in pending.summary_zh()
    chunker = line_chunker()
    [report] = resume_unfinished(open_index(tmp_path / "index"), chunker)
    # Files committed before the kill are not parsed again (checkpoints every few seconds in real runs).
    assert len(chunker.calls) <= len(files) and len(report.added) + len(report.unchanged) == 12
    assert unfinished_jobs(open_index(tmp_path / "index")) == []
    assert open_index(tmp_path / "index").chunk_count() == 156


def test_a_job_whose_process_died_counts_as_interrupted(tmp_path):
    index = open_index(tmp_path / "index")
    job = new_job([tmp_path])
    job.owner = "another-host:123"
    job.updated_at = time.time() - 3600  # no heartbeat for an hour
    index.store.save_job(job.id, job.model_dump_json())
    assert [j.status for j in load_jobs(index)] == ["interrupted"]


@pytest.fixture
def cli(monkeypatch):
    monkeypatch.setattr(
        assistant.retrieval, "build_embedder", lambda settings=None, spec=None: CharBagEmbeddings()
    )
    monkeypatch.setattr(assistant.retrieval, "_RETRIEVERS", {})
    from assistant.cli import app

    return lambda *args: CliRunner().invoke(app, list(args))


def test_cli_status_and_resume(cli, tmp_path, monkeypatch):
    import knowledge

    write_corpus(tmp_path / "corpus", MANY)
    monkeypatch.setattr(knowledge, "chunk_file", killing_chunker(3))
    with pytest.raises(Killed):
        cli("ingest", str(tmp_path / "corpus"))
    status = cli("ingest", "--status")
    assert "中断" in status.output and "3/12 个文件" in status.output
    monkeypatch.setattr(knowledge, "chunk_file", line_chunker())
    hint = cli("ingest", str(tmp_path / "corpus" / "报告00.txt"))
    assert "--resume" in hint.output
    resumed = cli("ingest", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "完成：12 个文档，156 个片段" in resumed.output and "片段/秒" in resumed.output
    assert "100 万个片段约需" in resumed.output
    assert "没有中断的导入任务" in cli("ingest", "--resume").output
    assert "导入完成：12/12" in cli("ingest", "--status").output

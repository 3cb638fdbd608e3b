"""Ingest as a job (导入任务): a recorded, resumable run with progress that every process can read.

A job names what to ingest (files and folders), records its progress in the index's store (files, bytes and
chunks done, the file at hand, an ETA, chunks per second) and its outcome. The index commits every few seconds,
so a job killed half-way loses little: running it again (``resume_unfinished``, which the CLI's ``--resume`` and
the workbench's start call) skips every file already committed by its hash and goes on with the rest. A job
whose process stopped beating for ``STALE_SECONDS`` counts as interrupted.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.index import ChunkFile, IngestReport, KnowledgeIndex, collect_files

HEARTBEAT_SECONDS = 2.0
"""How often a running job writes its progress (and so proves it is alive)."""
STALE_SECONDS = 30.0
"""A running job not heard of for this long was interrupted (its process died or the machine restarted)."""
KEEP_JOBS = 20
"""Finished jobs kept for the record; older ones are dropped."""
MILLION = 1_000_000

Status = Literal["running", "done", "failed", "interrupted"]


class IngestJob(BaseModel):
    """One ingest run and its progress."""

    id: str
    targets: list[str] = Field(description="Files and folders as given (absolute paths)")
    rebuild: bool = False
    status: Status = "running"
    owner: str = Field(default="", description="host:pid of the process running it")
    started_at: float = 0.0
    updated_at: float = 0.0
    finished_at: float | None = None
    files_total: int = 0
    files_done: int = 0
    bytes_total: int = 0
    bytes_done: int = 0
    chunks_done: int = Field(default=0, description="Chunks of the files done (unchanged ones included)")
    new_chunks: int = Field(default=0, description="Chunks parsed and embedded by this run")
    work_seconds: float = Field(default=0.0, description="Seconds spent on files that needed work")
    current: str = Field(default="", description="The file being ingested")
    last_file: str = Field(default="", description="The file done last")
    last_status: str = Field(
        default="", description="Its outcome: added, replaced, unchanged, duplicate, failed"
    )
    counts: dict[str, int] = Field(default_factory=dict, description="Files by outcome: added, unchanged…")
    problems: dict[str, str] = Field(default_factory=dict, description="File name → why it was skipped")
    waiting: bool = Field(default=False, description="Waiting for another ingest to finish")
    error: str | None = None

    @property
    def elapsed(self) -> float:
        return (self.finished_at or self.updated_at or time.time()) - self.started_at

    @property
    def eta_seconds(self) -> float | None:
        """Time left, from the bytes still to do at the speed so far (None until a file is done)."""
        if self.status != "running" or not self.bytes_done or self.elapsed <= 0:
            return None
        rate = self.bytes_done / self.elapsed
        return max(self.bytes_total - self.bytes_done, 0) / rate if rate else None

    @property
    def chunks_per_second(self) -> float | None:
        """Chunks parsed and embedded per second of work (files that were unchanged cost no chunking)."""
        if not self.new_chunks or self.work_seconds <= 0:
            return None
        return self.new_chunks / self.work_seconds

    def million_chunk_hours(self) -> float | None:
        """How long 1,000,000 chunks would take at this job's throughput, in hours."""
        rate = self.chunks_per_second
        return MILLION / rate / 3600 if rate else None

    def is_stale(self, now: float | None = None) -> bool:
        return self.status == "running" and (now or time.time()) - self.updated_at > STALE_SECONDS

    def summary_zh(self) -> str:
        """One line in Chinese: progress while running, the outcome when finished."""
        done = f"{self.files_done}/{self.files_total} 个文件，{self.chunks_done} 个片段"
        if self.status == "running" and self.waiting:
            return f"等待另一个导入任务完成……（{done}）"
        if self.status == "running":
            eta = self.eta_seconds
            left = f"，预计还需 {format_seconds(eta)}" if eta is not None else ""
            rate = self.chunks_per_second
            speed = f"，{rate:.1f} 片段/秒" if rate else ""
            current = f"：{self.current}" if self.current else ""
            return f"正在导入 {done}{speed}{left}{current}"
        if self.status == "interrupted":
            return f"上次导入在 {done} 处中断，可继续（pe-assistant ingest --resume，或重启工作台）"
        if self.status == "failed":
            return f"导入失败（{done}）：{self.error}"
        return f"导入完成：{done}，用时 {format_seconds(self.elapsed)}"


def format_seconds(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{seconds // 60} 分 {seconds % 60} 秒"
    return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分"


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def load_jobs(index: KnowledgeIndex) -> list[IngestJob]:
    """Every recorded job of the index, oldest first (see :func:`parse_jobs`)."""
    return parse_jobs(index.store.load_jobs())


def parse_jobs(records: list[str]) -> list[IngestJob]:
    """Jobs from their stored records, oldest first; running jobs whose process is gone are marked interrupted."""
    jobs = []
    for text in records:
        try:
            jobs.append(IngestJob.model_validate_json(text))
        except ValueError:
            continue
    now = time.time()
    for job in jobs:
        if job.is_stale(now) or (job.status == "running" and _dead_here(job.owner)):
            job.status = "interrupted"
    return sorted(jobs, key=lambda j: j.started_at)


def _dead_here(owner: str) -> bool:
    """The owner is a process on this machine that no longer exists (no need to wait for it to go stale)."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def latest_job(index: KnowledgeIndex) -> IngestJob | None:
    jobs = load_jobs(index)
    return jobs[-1] if jobs else None


def unfinished_jobs(index: KnowledgeIndex) -> list[IngestJob]:
    """Interrupted jobs of the index not followed by a later job for the same targets."""
    return unfinished(load_jobs(index))


def unfinished(jobs: list[IngestJob]) -> list[IngestJob]:
    """Interrupted jobs not followed by a later job for the same targets (oldest first)."""
    out: dict[tuple, IngestJob] = {}
    for job in jobs:
        key = (tuple(job.targets), job.rebuild)
        if job.status == "interrupted":
            out[key] = job
        elif job.status in ("done", "failed", "running"):
            out.pop(key, None)
    return list(out.values())


def new_job(targets: list[Path], rebuild: bool = False) -> IngestJob:
    now = time.time()
    return IngestJob(
        id=f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}",
        targets=[str(Path(t).resolve()) for t in targets],
        rebuild=rebuild,
        owner=owner_id(),
        started_at=now,
        updated_at=now,
    )


def run_job(
    index: KnowledgeIndex,
    job: IngestJob,
    chunk_file: ChunkFile,
    on_progress: Callable[[IngestJob], None] | None = None,
    suffixes: tuple[str, ...] | None = None,
) -> IngestReport:
    """Run ``job`` to the end, recording its progress; a failure is recorded and raised again."""
    import knowledge

    files, skipped = collect_files([Path(t) for t in job.targets], suffixes or knowledge.SUPPORTED_SUFFIXES)
    sizes = {f: _size(f) for f in files}
    job.files_total, job.bytes_total = len(files), sum(sizes.values())
    job.problems.update(skipped)
    job.status, job.owner, job.updated_at = "running", owner_id(), time.time()
    _save(index, job)
    last_save = time.monotonic()
    file_started = time.monotonic()
    position = {f: n for n, f in enumerate(files)}

    def on_file(path: Path, status: str) -> None:
        nonlocal last_save, file_started
        now = time.monotonic()
        job.waiting = False
        job.files_done += 1
        job.bytes_done += sizes.get(path, 0)
        job.counts[status] = job.counts.get(status, 0) + 1
        job.last_file, job.last_status = path.name, status
        entry = index.working_source(path)
        chunks = len(entry.chunk_ids) if entry is not None else 0
        job.chunks_done += chunks
        if status in ("added", "replaced"):
            job.new_chunks += chunks
            job.work_seconds += now - file_started
        n = position.get(path, -1) + 1
        job.current = files[n].name if 0 <= n < len(files) else ""
        job.updated_at = time.time()
        file_started = now
        if now - last_save >= HEARTBEAT_SECONDS or job.files_done == job.files_total:
            _save(index, job)
            last_save = now
        if on_progress:
            on_progress(job)

    def on_wait() -> None:
        job.waiting = True
        _save(index, job)
        if on_progress:
            on_progress(job)

    job.current = files[0].name if files else ""
    if on_progress:
        on_progress(job)
    try:
        report = index.ingest(files, chunk_file, rebuild=job.rebuild, on_file=on_file, on_wait=on_wait)
    except Exception as exc:
        job.status, job.error = "failed", str(exc) or type(exc).__name__
        _finish(index, job)
        raise
    except BaseException:
        job.status = "interrupted"  # Ctrl+C: resumable, like a kill
        _finish(index, job)
        raise
    job.problems.update(report.failed)
    job.status, job.current = "done", ""
    _finish(index, job)
    if on_progress:
        on_progress(job)
    return report


def resume_unfinished(
    index: KnowledgeIndex, chunk_file: ChunkFile, on_progress: Callable[[IngestJob], None] | None = None
) -> list[IngestReport]:
    """Run every interrupted job again (files committed before the interruption are skipped by hash)."""
    reports = []
    for old in unfinished_jobs(index):
        job = new_job([Path(t) for t in old.targets], old.rebuild)
        reports.append(run_job(index, job, chunk_file, on_progress))
    return reports


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _save(index: KnowledgeIndex, job: IngestJob) -> None:
    index.store.save_job(job.id, job.model_dump_json())


def _finish(index: KnowledgeIndex, job: IngestJob) -> None:
    job.finished_at = job.updated_at = time.time()
    _save(index, job)
    finished = [j for j in load_jobs(index) if j.status in ("done", "failed")]
    for old in finished[:-KEEP_JOBS]:
        index.store.delete_job(old.id)

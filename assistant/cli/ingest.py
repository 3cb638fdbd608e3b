"""`pe-assistant ingest [PATH...]`: add files or folders to the knowledge base (default: the shipped corpus).

Each run is a recorded job (see ``assistant.ingest_job``) with progress (files, chunks, ETA); a killed run is
continued by ``--resume``; ``--status`` shows the job of any process (e.g. one the workbench is running).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.index import IngestReport
from assistant.ingest_job import IngestJob, format_seconds, latest_job, new_job, run_job, unfinished_jobs
from assistant.retrieval import get_retriever
from assistant.settings import get_settings

from .app import app


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="文件或文件夹（.txt .md .docx .pdf .xlsx）；不填则导入内置语料"),
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="清空索引后重新导入（重建期间仍可问答）")
    ] = False,
    resume: Annotated[bool, typer.Option("--resume", help="继续上次中断的导入任务")] = False,
    status: Annotated[
        bool, typer.Option("--status", help="只显示最近一次导入任务的进度（任何进程发起的）")
    ] = False,
) -> None:
    """导入文件到知识库：解析、分块、建立关键词与向量索引。未变化的文件自动跳过；中断后可继续。"""
    import knowledge

    console = Console()
    index = get_retriever(get_settings()).index  # the process's index (a Chroma server when configured)
    if status:
        job = latest_job(index)
        console.print(job.summary_zh() if job else "还没有导入任务。", highlight=False)
        return
    if resume:
        pending = unfinished_jobs(index)
        if not pending:
            console.print("没有中断的导入任务。", highlight=False)
            return
        jobs = [new_job([Path(t) for t in old.targets], old.rebuild) for old in pending]
    else:
        pending = unfinished_jobs(index)
        if pending:
            console.print(
                f"[yellow]提示[/yellow]：有 {len(pending)} 个导入任务曾中断，可用 --resume 继续。",
                highlight=False,
            )
        jobs = [new_job(list(paths) if paths else [knowledge.default_corpus_dir()], rebuild)]
    for job in jobs:
        report = _run_with_progress(console, index, job, knowledge.chunk_file)
        _print_outcome(console, job, report)


def _run_with_progress(console: Console, index, job: IngestJob, chunk_file) -> IngestReport:
    with Progress(
        TextColumn("[bold]导入[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None, detail="")

        def on_progress(current: IngestJob) -> None:
            eta = current.eta_seconds
            detail = f"{current.chunks_done} 个片段"
            if current.waiting:
                detail = "等待另一个导入任务完成……"
            elif eta is not None and current.files_done < current.files_total:
                detail += f"，预计还需 {format_seconds(eta)}"
            if current.current and not current.waiting:
                detail += f"  {current.current}"
            progress.update(task, total=current.files_total, completed=current.files_done, detail=detail)

        return run_job(index, job, chunk_file, on_progress)


def _print_outcome(console: Console, job: IngestJob, report: IngestReport) -> None:
    for name, reason in job.problems.items():
        console.print(f"[yellow]已跳过[/yellow] {name}：{reason}", highlight=False)
    if report.rebuilt:
        console.print("索引已重建。")
    console.print(
        f"完成：{report.documents} 个文档，{report.chunks} 个片段，用时 {job.elapsed:.1f} 秒"
        f"（新增 {len(report.added)}，更新 {len(report.replaced)}，未变化 {len(report.unchanged)}，"
        f"重复 {len(report.duplicates)}，跳过 {len(job.problems)} 个文件）。",
        highlight=False,
    )
    rate = job.chunks_per_second
    if rate:
        hours = job.million_chunk_hours()
        console.print(
            f"吞吐：{rate:.1f} 片段/秒（解析、分块、向量化与写入）；按此速度 100 万个片段约需 {hours:.1f} 小时。",
            highlight=False,
        )

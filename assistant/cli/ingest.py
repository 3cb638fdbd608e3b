"""`pe-assistant ingest [PATH...]`: add files or folders to the knowledge base (default: the shipped corpus)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.index import collect_files
from assistant.retrieval import get_retriever
from assistant.settings import get_settings

from .app import app

_STATUS = {
    "added": "新增",
    "replaced": "已更新",
    "unchanged": "未变化",
    "duplicate": "重复（已跳过）",
    "failed": "失败",
}


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="文件或文件夹（.txt .md .docx .pdf .xlsx）；不填则导入内置语料"),
    ] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="清空索引后重新导入")] = False,
) -> None:
    """导入文件到知识库：解析、分块、建立关键词与向量索引。未变化的文件自动跳过。"""
    import knowledge

    console = Console()
    started = time.perf_counter()
    targets = list(paths) if paths else [knowledge.default_corpus_dir()]
    files, skipped = collect_files(targets, knowledge.SUPPORTED_SUFFIXES)
    index = get_retriever(get_settings()).index
    with Progress(
        TextColumn("[bold]导入[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=len(files))

        def on_file(path: Path, status: str) -> None:
            progress.update(task, advance=1, description=f"{path.name}（{_STATUS.get(status, status)}）")

        report = index.ingest(files, knowledge.chunk_file, rebuild=rebuild, on_file=on_file)
    seconds = time.perf_counter() - started
    for name, reason in {**skipped, **report.failed}.items():
        console.print(f"[yellow]已跳过[/yellow] {name}：{reason}", highlight=False)
    if report.rebuilt:
        console.print("索引已重建。")
    console.print(
        f"完成：{report.documents} 个文档，{report.chunks} 个片段，用时 {seconds:.1f} 秒"
        f"（新增 {len(report.added)}，更新 {len(report.replaced)}，未变化 {len(report.unchanged)}，"
        f"重复 {len(report.duplicates)}，跳过 {len(skipped) + len(report.failed)} 个文件）。",
        highlight=False,
    )

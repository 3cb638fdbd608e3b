"""`pe-assistant check DRAFT [--case CASE] [--passages FILE] [--json]`: the reviewer's evidence checker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assistant.checking import check_file
from assistant.checking.report_text import render_text
from assistant.errors import AssistantError, InputError
from assistant.models import Chunk, Citation
from assistant.settings import get_settings

from .app import app


def load_passages(path: Path) -> list[Citation | str] | dict[int, str]:
    """Cited sources from JSON: a list of strings or citations ({n, document, section, quote}), or {"n": text}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"无法读取引文来源文件 {path}：{exc}") from exc
    if isinstance(data, dict):
        return {int(k): str(v) for k, v in data.items()}
    if isinstance(data, list):
        out: list[Citation | str] = []
        for item in data:
            if isinstance(item, dict) and "quote" in item:
                out.append(Citation(**{"document": "", "section": "", **item}))
            elif isinstance(item, dict) and "text" in item:
                out.append(str(item["text"]))
            else:
                out.append(str(item))
        return out
    raise InputError(f"引文来源文件 {path} 应为列表或 {{编号: 原文}} 映射。")


def knowledge_chunks() -> list[Chunk]:
    """Every chunk of the knowledge base (`pe-assistant ingest`); an empty base is a user error."""
    from assistant.embeddings import build_embedder
    from assistant.index import KnowledgeIndex

    settings = get_settings()
    index = KnowledgeIndex(settings.index_dir, build_embedder(settings))
    if index.is_empty():
        raise InputError("知识库为空：请先运行 pe-assistant ingest 导入政策文件和报告，再用 --kb 核对引文。")
    return index.chunks()


@app.command()
def check(
    draft: Annotated[Path, typer.Argument(help="待审核的稿件：.md / .txt / .docx")],
    case: Annotated[
        Path | None, typer.Option("--case", help="稿件所依据的案例文件（.yaml/.json/.xlsx）")
    ] = None,
    passages: Annotated[
        Path | None, typer.Option("--passages", help="引文来源 JSON：按 [n] 编号的原文列表")
    ] = None,
    kb: Annotated[
        bool, typer.Option("--kb", help="用知识库核对引文：[n] 引文须出现在参考文献 [n] 所指文件中")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象")] = False,
) -> None:
    """审核稿件：核对得分率、执行率、合计、权重、等级、前后一致、引文和无依据数字。有无问题均返回 0。"""
    try:
        sources = load_passages(passages) if passages else None
        report = check_file(
            draft, case_path=case, passages=sources, knowledge=knowledge_chunks() if kb else None
        )
    except AssistantError as exc:
        Console(stderr=True).print(f"[red]错误：[/red]{exc}", highlight=False)
        raise typer.Exit(code=2) from exc
    if as_json:
        typer.echo(
            json.dumps(
                report.model_dump(mode="json", exclude={"findings": {"__all__": {"part"}}}),
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        typer.echo(render_text(report))

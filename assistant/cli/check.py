"""`pe-assistant check PATH... [--case CASE] [--passages FILE] [--kb] [--json] [--out 复核汇总.xlsx]
[--annotate]`: the reviewer's checker, on one draft or a whole batch (files and folders)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assistant.checking import check_file
from assistant.checking.annotate import annotate_docx, annotated_name
from assistant.checking.batch import DocumentReview, expand, review_all
from assistant.checking.limits import DEFAULT_TIME_BUDGET
from assistant.checking.report_text import render_text
from assistant.checking.workbook import write_workbook
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
        try:
            return {int(k): str(v) for k, v in data.items()}
        except ValueError as exc:
            raise InputError(f"引文来源文件 {path} 的编号应为整数：{exc}") from exc
    if isinstance(data, list):
        out: list[Citation | str] = []
        for item in data:
            if isinstance(item, dict) and "quote" in item:
                try:
                    out.append(Citation(**{"document": "", "section": "", **item}))
                except (TypeError, ValueError) as exc:
                    raise InputError(f"引文来源文件 {path} 中的条目无法识别：{str(item)[:80]}") from exc
            elif isinstance(item, dict) and "text" in item:
                out.append(str(item["text"]))
            else:
                out.append(str(item))
        return out
    raise InputError(f"引文来源文件 {path} 应为列表或 {{编号: 原文}} 映射。")


def knowledge_chunks() -> list[Chunk]:
    """Every chunk of the knowledge base (`pe-assistant ingest`); an empty base is a user error."""
    from assistant.index import open_index

    index = open_index(get_settings())  # the configured store (local files or the shared Chroma server)
    if index.is_empty():
        raise InputError("知识库为空：请先运行 pe-assistant ingest 导入政策文件和报告，再用 --kb 核对引文。")
    return index.chunks()


def _json_line(review: DocumentReview) -> str:
    if review.report is None:
        return json.dumps({"source": review.path, "error": review.error}, ensure_ascii=False)
    data = review.report.model_dump(mode="json")
    data["source"] = review.path
    return json.dumps(data, ensure_ascii=False)


@app.command()
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="待审核的稿件、收到的自评表或文件夹（.md / .txt / .docx / .pdf / .xlsx / .html），可给多个",
            show_default=False,
        ),
    ],
    case: Annotated[
        Path | None, typer.Option("--case", help="稿件所依据的案例文件（.yaml/.json/.xlsx），仅用于单个稿件")
    ] = None,
    passages: Annotated[
        Path | None, typer.Option("--passages", help="引文来源 JSON：按 [n] 编号的原文列表")
    ] = None,
    kb: Annotated[
        bool, typer.Option("--kb", help="用知识库核对引文：[n] 引文须出现在参考文献 [n] 所指文件中")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="每份文件输出一行 JSON 对象")] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="把汇总写入 Excel（汇总 + 全部问题 两张表），如 复核汇总.xlsx"),
    ] = None,
    annotate: Annotated[
        bool, typer.Option("--annotate", help="为每份 .docx 另存一份带批注的副本：每处问题一条 Word 批注")
    ] = False,
    annotate_dir: Annotated[
        Path | None, typer.Option("--annotate-dir", help="批注副本的保存文件夹（默认与原文件同一文件夹）")
    ] = None,
    time_budget: Annotated[
        float, typer.Option("--time-budget", help="每份文件的审核时限（秒）")
    ] = DEFAULT_TIME_BUDGET,
) -> None:
    """审核稿件：核对得分率、执行率、合计、权重、扣分、等级、满意度、前后一致、占位文字、引文和无依据数字。
    收到的自评表（Word、PDF、Excel、网页）逐张读取、按规则重算，列出填报与重算不一致之处。

    可一次审核多个文件或整个文件夹（如一份部门决算及其全部自评表）。审核完成即返回 0；
    有文件无法读取时在最后返回 2，其余文件照常审核。"""
    err = Console(stderr=True)
    try:
        files = expand(paths)
        if case is not None and len(files) != 1:
            raise InputError(f"--case 只能对应一份稿件，本次共有 {len(files)} 份文件。")
        if not files:
            raise InputError("所给文件夹中没有可审核的文件（.md / .txt / .docx / .pdf / .xlsx / .html）。")
        sources = load_passages(passages) if passages else None
        chunks = knowledge_chunks() if kb else None
    except AssistantError as exc:
        err.print(f"[red]错误：[/red]{exc}", highlight=False)
        raise typer.Exit(code=2) from exc

    def review(path: Path):
        return check_file(path, case_path=case, passages=sources, knowledge=chunks, time_budget=time_budget)

    reviews: list[DocumentReview] = []
    for result in review_all(files, review):
        reviews.append(result)
        if as_json:
            typer.echo(_json_line(result))
        elif result.report is not None:
            if len(files) > 1:
                typer.echo(f"\n{'=' * 20} {result.path} {'=' * 20}")
            typer.echo(render_text(result.report))
        if result.error:
            err.print(f"[red]无法审核[/red] {result.path}：{result.error}", highlight=False)
        if annotate and result.report is not None and Path(result.path).suffix.lower() == ".docx":
            source = Path(result.path)
            target = (annotate_dir or source.parent) / annotated_name(source)
            try:
                n = annotate_docx(source, result.report.findings, target)
                err.print(f"已写入批注副本：{target}（{n} 条批注）", highlight=False)
            except AssistantError as exc:
                err.print(f"[red]错误：[/red]{exc}", highlight=False)
                result.error = str(exc)
    failed = [r for r in reviews if r.error]
    if len(files) > 1 and not as_json:
        findings = sum(len(r.report.findings) for r in reviews if r.report)
        typer.echo(
            f"\n共审核 {len(reviews) - len(failed)} 份文件，发现 {findings} 处问题；无法审核 {len(failed)} 份。"
        )
    if out is not None:
        try:
            write_workbook(reviews, out)
        except AssistantError as exc:
            err.print(f"[red]错误：[/red]{exc}", highlight=False)
            raise typer.Exit(code=2) from exc
        err.print(f"汇总表已写入：{out}", highlight=False)
    if failed:
        raise typer.Exit(code=2)

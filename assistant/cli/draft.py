"""`pe-assistant draft CASE --out report.docx|.md [--kind report|self_evaluation]`."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from assistant.case_io import load_case
from assistant.drafting import draft_report, draft_self_evaluation
from assistant.drafting.outline import outline_ids
from assistant.errors import InputError
from assistant.export import write_report
from assistant.index import open_index
from assistant.llm import as_client, build_llm
from assistant.retrieval import Retriever
from assistant.scoring import score_case
from assistant.settings import Settings, get_settings

from .app import app

OUTPUT_SUFFIXES = (".docx", ".md")


class DraftKind(StrEnum):
    report = "report"
    self_evaluation = "self_evaluation"


class TokenProgress:
    """Streams the model's progress to stderr as it writes ("大模型起草中：已生成 N 字"): its raw output is JSON
    with references, not something to show, but a long silence reads as a hang."""

    EVERY = 200
    """Characters between two progress lines."""

    def __init__(self) -> None:
        self.chars = 0
        self._next = self.EVERY

    def __call__(self, token: str) -> None:
        self.chars += len(token)
        if self.chars >= self._next:
            self._next = self.chars + self.EVERY
            typer.echo(f"大模型起草中：已生成 {self.chars} 字…", err=True)


def _show_queue(position: int) -> None:
    """Where a model request waits when other requests hold the model (PE_ASSISTANT_LLM_CONCURRENCY)."""
    ahead = position - 1
    typer.echo(
        f"大模型排队中：前面还有 {ahead} 个请求…" if ahead else "大模型排队中：下一个就轮到本请求…", err=True
    )


def precedent_retriever(settings: Settings):
    """The knowledge-base retriever over the index the settings name (local files or the shared Chroma server,
    see :func:`assistant.index.open_index`) when it holds documents, else None."""
    index = open_index(settings)
    return None if index.is_empty() else Retriever(index)


@app.command()
def draft(
    case: Annotated[Path, typer.Argument(help="案例文件：.yaml / .yml / .json / .xlsx")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件：.docx 或 .md（按后缀选择格式）")],
    kind: Annotated[
        DraftKind | None,
        typer.Option("--kind", help="report（评价报告）或 self_evaluation（自评表）；默认按案例类型"),
    ] = None,
    offline: Annotated[bool, typer.Option("--offline", help="即使配置了大模型也只用离线模板起草")] = False,
    precedents: Annotated[
        bool, typer.Option(" /--no-precedents", help="不检索知识库中的同类报告建议")
    ] = True,
    outline: Annotated[
        str | None,
        typer.Option(
            "--outline",
            help="报告提纲：national（全国通用）、four_level（四级指标）、self_report（自评报告）；默认按案例选择",
        ),
    ] = None,
) -> None:
    """起草评价报告或绩效自评表：数字全部来自案例和评分结果，导出为 Word 或 Markdown。"""
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError(f"不支持的输出格式「{out.suffix or '无后缀'}」：请用 .docx 或 .md 结尾的文件名。")
    if outline is not None and outline not in outline_ids():
        raise InputError(f"未知的报告提纲「{outline}」；可选：" + "、".join(outline_ids()))
    settings = get_settings()
    loaded = load_case(case)
    sheet = score_case(loaded)
    llm = None if offline else as_client(build_llm(settings))
    if llm is not None:
        llm = llm.observed(on_wait=_show_queue)
    retriever = precedent_retriever(settings) if precedents else None
    chosen = kind.value if kind else ("self_evaluation" if loaded.kind == "self_evaluation" else "report")
    started = time.perf_counter()
    progress = TokenProgress() if llm is not None else None
    if chosen == "self_evaluation":
        report = draft_self_evaluation(loaded, sheet, retriever=retriever, llm=llm, on_token=progress)
    else:
        report = draft_report(loaded, sheet, retriever=retriever, llm=llm, on_token=progress, outline=outline)
    write_report(report, out)
    seconds = time.perf_counter() - started
    how = "大模型" if llm is not None else "离线模板"
    fallbacks = sum(1 for s in report.sections if s.note)
    extra = f"，其中 {fallbacks} 节改用离线模板" if llm is not None and fallbacks else ""
    if llm is not None and llm.calls:
        extra += f"，调用大模型 {len(llm.calls)} 次"
    typer.echo(
        f"已写入 {out}（{'自评表' if chosen == 'self_evaluation' else '评价报告'}，起草方式：{how}{extra}，"
        f"用时 {seconds:.2f} 秒；总分 {report.values.get('total', '')}，等级 {report.values.get('grade', '')}）"
    )

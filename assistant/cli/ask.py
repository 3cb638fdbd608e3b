"""`pe-assistant ask "问题"`: answer a rule question from the knowledge base, with numbered citations."""

from __future__ import annotations

import json
from typing import Annotated, get_args

import typer
from rich.console import Console

from assistant.answering import answer_question
from assistant.errors import InputError
from assistant.index import ingest_default_corpus
from assistant.llm import build_llm
from assistant.models import DocType
from assistant.retrieval import SearchFilters, get_retriever
from assistant.settings import get_settings

from .app import app


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="问题，例如：预算执行率如何计分？")],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="以 JSON 输出：{answer, found, citations:[{n, document, section, quote, display, source, origin, added_at}]}",
        ),
    ] = False,
    k: Annotated[
        int | None, typer.Option("--k", min=1, max=50, help="检索的片段数（默认取配置 top_k）")
    ] = None,
    doc_type: Annotated[
        list[str] | None,
        typer.Option(
            "--type", help="只检索某类文档：policy、report、self_evaluation、final_accounts、other（可重复）"
        ),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="只检索该年度的文档")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="只检索该单位的文档")] = None,
) -> None:
    """回答绩效评价规则问题，附带编号引用；离线时给出摘录式回答。"""
    settings = get_settings()
    filters = _filters(doc_type, year, unit)
    retriever = get_retriever(settings)
    if retriever.index.is_empty():
        Console(stderr=True).print("知识库为空，正在导入内置语料……", highlight=False)
        ingest_default_corpus(retriever.index)
    answer = answer_question(question, retriever, build_llm(settings), k=k or settings.top_k, filters=filters)
    if as_json:
        payload = {
            "answer": answer.answer,
            "found": answer.found,
            "citations": [c.model_dump(exclude={"chunk_id"}) for c in answer.citations],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(answer.answer, highlight=False)
    if answer.citations:
        console.print("\n[bold]引用[/bold]")
        for c in answer.citations:
            where = f"《{c.document}》" + (f" {c.section}" if c.section else "")
            origin = f"（{c.provenance}）" if c.provenance else ""
            shown = " ".join((c.display or c.quote).split())
            console.print(f"[{c.n}] {where}{origin}\n    “{shown}”", highlight=False, markup=False)


def _filters(doc_type: list[str] | None, year: int | None, unit: str | None) -> SearchFilters | None:
    allowed = get_args(DocType)
    for t in doc_type or []:
        if t not in allowed:
            raise InputError(f"不认识的文档类型 --type {t}；可选：{'、'.join(allowed)}。")
    filters = SearchFilters(doc_type=list(doc_type) if doc_type else None, year=year, unit=unit)
    return None if filters.is_empty() else filters

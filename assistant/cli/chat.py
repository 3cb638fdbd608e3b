"""`pe-assistant chat [--case CASE] [--out report.docx] [-m MESSAGE]`: ask rule questions, draft parts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown

from assistant.case_io import load_case
from assistant.chat import ChatSession
from assistant.errors import AssistantError
from assistant.export import write_report
from assistant.llm import build_llm
from assistant.settings import get_settings

from .app import app
from .draft import TokenProgress, precedent_retriever

EXIT_WORDS = {"退出", "exit", "quit", "q"}
SAVE_WORDS = {"保存", "save"}


@app.command()
def chat(
    case: Annotated[Path | None, typer.Option("--case", "-c", help="当前案例文件（起草时需要）")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="输入“保存”时把报告写到这里（.docx 或 .md）")
    ] = None,
    message: Annotated[
        list[str] | None, typer.Option("--message", "-m", help="依次发送这些消息后退出（不进入交互）")
    ] = None,
    offline: Annotated[bool, typer.Option("--offline", help="不使用大模型")] = False,
) -> None:
    """对话：回答评价规则问题（附出处），按要求起草或修改当前案例报告的某一部分。"""
    settings = get_settings()
    console = Console()
    llm = None if offline else build_llm(settings)
    session = ChatSession(
        case=load_case(case) if case else None,
        retriever=precedent_retriever(settings),
        llm=llm,
        on_token=TokenProgress() if llm is not None else None,
    )
    if message:
        for text in message:
            _turn(session, text, console)
        if out is not None:
            _save(session, out, console)
        return
    console.print(session.help_text() + "（输入“保存”写出报告，输入“退出”结束。）", highlight=False)
    saved = None
    while True:
        try:
            text = console.input("[bold]你：[/bold]")
        except (EOFError, KeyboardInterrupt):
            break
        if text.strip().lower() in EXIT_WORDS:
            break
        if text.strip().lower() in SAVE_WORDS:
            saved = _save(session, out, console)
            continue
        _turn(session, text, console)
    if out is not None and (session.report or session.form) is not saved:
        _save(session, out, console)


def _turn(session: ChatSession, text: str, console: Console) -> None:
    try:
        reply = session.ask(text)
    except AssistantError as exc:
        console.print(f"[red]错误：[/red]{exc}", highlight=False)
        return
    console.print(Markdown(reply.text))


def _save(session: ChatSession, out: Path | None, console: Console):
    """Write the report (or, when only the form was drafted, the form) to ``out``; returns what was written."""
    document = session.report or session.form
    if out is None:
        console.print("未指定 --out，无法保存。", highlight=False)
        return None
    if document is not None:
        write_report(document, out)
        console.print(f"已写入 {out}", highlight=False)
    return document

"""问答 tab: questions about the rules, answered from the knowledge base with numbered citations."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.models import Answer

from .progress import run_with_ticker
from .services import Services

NOT_FOUND = "未找到依据"
EXAMPLES = [
    "预算执行率如何计分？",
    "满意度指标一般怎么设置权重？",
    "绩效评价等级如何划分？",
    "数字泉城项目存在哪些问题？",
]


def format_citations(answer: Answer) -> str:
    """Numbered references that expand (HTML details) to the quoted passage, its document and section."""
    if not answer.citations:
        return ""
    parts = ["\n\n**参考依据**"]
    for c in answer.citations:
        title = html.escape(f"《{c.document}》" + (f" {c.section}" if c.section else ""))
        quote = html.escape(c.quote).replace("\n", "<br>")
        parts.append(
            f'<details class="pe-cite"><summary>[{c.n}] {title}</summary>'
            f"<blockquote>{quote}</blockquote></details>"
        )
    return "\n".join(parts)


def format_answer(answer: Answer) -> str:
    """The whole assistant message: the answer (or 未找到依据) followed by its references."""
    if not answer.found:
        text = answer.answer.strip() or NOT_FOUND
        if NOT_FOUND not in text:
            text = f"{NOT_FOUND}。{text}"
        return text
    return answer.answer.strip() + format_citations(answer)


def _stream_pieces(text: str, size: int = 24) -> Iterator[str]:
    """Grow the reply in pieces so a long answer appears progressively."""
    for end in range(size, len(text) + size, size):
        yield text[: min(end, len(text))]


def ask(question: str, history: list[dict[str, Any]], services: Services) -> Iterator[tuple[list, str]]:
    """Chat callback: yields (history, cleared input) as the answer arrives."""
    question = (question or "").strip()
    history = list(history or [])
    if not question:
        yield history, ""
        return
    history.append({"role": "user", "content": question})
    history.append({"role": "assistant", "content": "正在检索知识库……"})
    yield history, ""
    from .knowledge import is_built

    if not is_built(services.settings):
        if services.index_status:
            wait = f"知识库正在建立，请稍候再问（{services.index_status.splitlines()[0].lstrip('⏳ ')}）。"
        else:
            wait = "知识库尚未建立：请到“设置与帮助”页点击“更新知识库”（约需一分钟），或运行 pe-assistant ingest。"
        history[-1] = {"role": "assistant", "content": wait}
        yield history, ""
        return
    from assistant import answering

    answer = None
    try:
        # Loading the embedder (first question) or waiting for a model takes seconds: show that it is working.
        work = lambda: answering.answer_question(question, services.retriever(), llm=services.llm())  # noqa: E731
        for message, answer in run_with_ticker(work, "正在检索知识库并组织回答"):
            if answer is None:
                history[-1] = {"role": "assistant", "content": message}
                yield history, ""
    except AssistantError as exc:
        history[-1] = {"role": "assistant", "content": f"出错了：{exc}"}
        yield history, ""
        return
    body = answer.answer.strip()
    if answer.found and len(body) > 48:
        for piece in _stream_pieces(body):
            history[-1] = {"role": "assistant", "content": piece}
            yield history, ""
    history[-1] = {"role": "assistant", "content": format_answer(answer)}
    yield history, ""


def build(services: Services) -> None:
    gr.Markdown(
        "就评价规则、计分方法、以往报告的写法提问。回答只依据知识库中的文件，并标注编号引用；点开引用可看原文。"
    )
    chat = gr.Chatbot(
        label="问答",
        show_label=False,  # the tab says 问答; a floating label would cover the first line of a scrolled answer
        height=640,
        elem_id="ask-chat",
        feedback_options=None,
        placeholder="例如：预算执行率如何计分？",
        buttons=["copy"],
    )
    with gr.Row():
        question = gr.Textbox(
            placeholder="输入问题后按回车或点“提问”", show_label=False, scale=8, elem_id="ask-input"
        )
        send = gr.Button("提问", variant="primary", scale=1, elem_id="ask-send")
        clear = gr.Button("清空", scale=1)
    gr.Examples(EXAMPLES, inputs=question, label="常见问题")

    def _ask(q, h):
        yield from ask(q, h, services)

    question.submit(_ask, [question, chat], [chat, question])
    send.click(_ask, [question, chat], [chat, question])
    clear.click(lambda: ([], ""), None, [chat, question])

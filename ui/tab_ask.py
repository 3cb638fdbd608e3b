"""问答 tab: questions about the rules, answered from the knowledge base with numbered citations; each
citation opens its passage within the surrounding text. The conversation is kept, so a reload shows it."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.db import ChatTurn, UserInfo
from assistant.models import Answer, Chunk

from . import messages
from .progress import run_with_ticker
from .services import Services
from .session import Session
from .shell import Shell
from .sources import context_html

MAX_QUESTION = 2000
"""Characters of a question (longer text is refused with a message, not sent to the retriever)."""

NOT_FOUND = "未找到依据"
EXAMPLES = [
    "预算执行率如何计分？",
    "满意度指标一般怎么设置权重？",
    "绩效评价等级如何划分？",
    "数字泉城项目存在哪些问题？",
]


def format_citations(answer: Answer, chunks: list[Chunk] | None = None) -> str:
    """Numbered references that open (HTML details) to the quoted passage within its surrounding text,
    with its file, document and section."""
    if not answer.citations:
        return ""
    parts = ["\n\n**参考依据**（点开查看原文出处）"]
    for c in answer.citations:
        title = html.escape(f"《{c.document}》" + (f" {c.section}" if c.section else ""))
        body = context_html(chunks or [], c)
        parts.append(f'<details class="pe-cite"><summary>[{c.n}] {title}</summary>{body}</details>')
    return "\n".join(parts)


def format_answer(answer: Answer, chunks: list[Chunk] | None = None) -> str:
    """The whole assistant message: the answer (or 未找到依据) followed by its references."""
    if not answer.found:
        text = answer.answer.strip() or NOT_FOUND
        if NOT_FOUND not in text:
            text = f"{NOT_FOUND}。{text}"
        return text
    return answer.answer.strip() + format_citations(answer, chunks)


def _stream_pieces(text: str, size: int = 24) -> Iterator[str]:
    """Grow the reply in pieces so a long answer appears progressively."""
    for end in range(size, len(text) + size, size):
        yield text[: min(end, len(text))]


def _chunks(services: Services) -> list[Chunk]:
    try:
        return services.retriever().index.chunks()
    except Exception:  # the passage alone is shown when the chunk store cannot be read
        return []


def ask(question: str, history: list[dict[str, Any]], services: Services) -> Iterator[tuple[list, str]]:
    """Chat callback: yields (history, cleared input) as the answer arrives."""
    question = (question or "").strip()
    history = list(history or [])
    if not question:
        yield history, ""
        return
    if len(question) > MAX_QUESTION:
        history.append(
            {
                "role": "assistant",
                "content": f"问题过长（{len(question)} 字）：请精简到 {MAX_QUESTION} 字以内再问。",
            }
        )
        yield history, question
        return
    history.append({"role": "user", "content": question})
    history.append({"role": "assistant", "content": "正在检索知识库……"})
    yield history, ""
    from .knowledge import is_built

    if not is_built(services.base_settings):
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
    except Exception as exc:
        history[-1] = {"role": "assistant", "content": f"出错了：{messages.describe(exc, '回答问题')}"}
        yield history, ""
        return
    body = answer.answer.strip()
    if answer.found and len(body) > 48:
        for piece in _stream_pieces(body):
            history[-1] = {"role": "assistant", "content": piece}
            yield history, ""
    history[-1] = {"role": "assistant", "content": format_answer(answer, _chunks(services))}
    yield history, ""


def build(services: Services, shell: Shell) -> dict[str, Any]:
    session = shell.session
    gr.Markdown(
        "就评价规则、计分方法、以往报告的写法提问。回答只依据知识库中的文件，并标注编号引用；点开引用可看原文及上下文。"
    )
    chat = gr.Chatbot(
        label="问答",
        show_label=False,  # the tab says 问答; a floating label would cover the first line of a scrolled answer
        height=600,
        elem_id="ask-chat",
        feedback_options=None,
        placeholder="例如：预算执行率如何计分？",
        buttons=["copy"],
    )
    with gr.Row(elem_id="ask-row"):
        question = gr.Textbox(
            placeholder="输入问题后按回车或点“提问”",
            show_label=False,
            scale=8,
            elem_id="ask-input",
            min_width=200,
        )
        send = gr.Button("提问", variant="primary", scale=1, elem_id="ask-send", min_width=70)
        clear = gr.Button("新对话", scale=1, elem_id="ask-new", min_width=70)
    gr.Examples(EXAMPLES, inputs=question, label="常见问题")

    def _ask(q: str, h, sess: Session, request: gr.Request):
        user = services.user(request)
        before = len(h or [])
        last = None
        for history, box in ask(q, h, services):
            last = history
            yield history, box, gr.skip()
        added = (last or [])[before:]
        if not added:
            return
        if sess.conversation is None or not services.store.owns_conversation(user, sess.conversation):
            cid = services.store.new_conversation(user, sess.current.id if sess.current else None)
            sess = sess.model_copy(update={"conversation": cid})
            services.remember(sess, user, conversation=cid)
        services.store.add_messages(
            user, sess.conversation, [ChatTurn(role=m["role"], content=str(m["content"])) for m in added]
        )
        yield gr.skip(), gr.skip(), sess

    def _new(sess: Session, request: gr.Request):
        user = services.user(request)
        sess = sess.model_copy(update={"conversation": None})
        services.remember(sess, user, conversation=None)
        return [], "", sess

    question.submit(_ask, [question, chat, session], [chat, question, session])
    send.click(_ask, [question, chat, session], [chat, question, session])
    clear.click(_new, [session], [chat, question, session])

    def show(sess: Session, user: UserInfo) -> list[Any]:
        if sess.conversation is None or not services.store.owns_conversation(user, sess.conversation):
            return [[]]
        return [
            [{"role": t.role, "content": t.content} for t in services.store.messages(user, sess.conversation)]
        ]

    return {"show": show, "outputs": [chat]}

"""问答 tab: questions about the rules, answered from the knowledge base with numbered citations; each
citation opens its passage within the surrounding text. The conversation is kept, so a reload shows it."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.chat import ChatReply, ChatSession
from assistant.db import ChatTurn, UserInfo
from assistant.errors import AssistantError
from assistant.models import Answer, Chunk
from assistant.report import Report

from . import messages
from .progress import ModelWait, run_with_ticker
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
    "本项目总分多少，哪个一级指标最弱？",
    "检查一下报告",
]
CHECK_NOTE = "\n\n（在“审核”页点“审核当前草稿”可逐条查看，点一条即跳到草稿中的位置。）"
DRAFT_NOTE = (
    "\n\n（这是对话中写的稿，没有改动“起草”页的草稿；要采用请到“起草”页重写该部分后再决定是否采用。）"
)


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


def _index_wait(services: Services) -> str:
    if services.index_status:
        return f"知识库正在建立，请稍候再问（{services.index_status.splitlines()[0].lstrip('⏳ ')}）。"
    return "知识库尚未建立：请到“设置与帮助”页点击“更新知识库”（约需一分钟），或运行 pe-assistant ingest。"


class ProjectChat(ChatSession):
    """The conversation tools on the open project; 检查 reviews its draft as the 审核 tab does (hand-typed
    numbers marked, findings sorted) and points there for the places in the text."""

    def __init__(self, case_data: dict[str, Any] | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_data = case_data

    def check(self) -> ChatReply:
        from assistant.checking.report_text import render_text
        from assistant.workspace import review_draft

        document = self.report or self.form
        if self.case is None or self.case_data is None or document is None:
            return super().check()
        outcome = review_draft(self.case_data, document.model_dump(mode="json"))
        report = outcome.report.model_copy(update={"source": f"“{self.case.project.name}”的{outcome.source}"})
        lines = render_text(report).strip().splitlines()
        return ChatReply(kind="check", text="\n".join(f"{line}  " for line in lines) + CHECK_NOTE)


def project_chat(
    services: Services,
    case: dict[str, Any] | None,
    report: Report | None,
    retriever: Any,
    queue: ModelWait | None = None,
):
    """The conversation tools (:class:`~assistant.chat.ChatSession`) on the open project: questions about
    its score are answered from the scorer, 检查 runs the checker on its draft, rule questions go to the
    knowledge base. A project that does not parse yet (still being filled in) is left out."""
    from assistant.workspace import parse

    parsed = None
    if case is not None:
        try:
            parsed = parse(case)
        except AssistantError:
            parsed = None
    return ProjectChat(
        case if parsed else None,
        parsed,
        retriever=retriever,
        llm=queue.client(services.llm()) if queue is not None else services.llm(),
        report=report if parsed else None,
    )


def reply_markdown(reply: ChatReply, chunks: list[Chunk], services: Services) -> str:
    """What the chat shows for one reply: answers with their openable citations, the rest as written."""
    from assistant.chat import NO_CASE, NO_INDEX

    if reply.kind == "answer" and reply.answer is not None:
        return format_answer(reply.answer, chunks)
    if reply.text == NO_INDEX:
        return _index_wait(services)
    if reply.text == NO_CASE:
        return "起草、审核和关于项目本身的问题需要先打开项目：请到“项目录入”页新建、导入或打开一个项目。"
    if reply.kind == "draft":
        return reply.text + DRAFT_NOTE
    return reply.text


def ask(
    question: str,
    history: list[dict[str, Any]],
    services: Services,
    case: dict[str, Any] | None = None,
    report: Report | None = None,
) -> Iterator[tuple[list, str]]:
    """Chat callback: yields (history, cleared input) as the reply arrives. `case` and `report` are the open
    project's data and draft (questions about the project are answered from them)."""
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

    built = is_built(services.base_settings)
    if not built and case is None:
        history[-1] = {"role": "assistant", "content": _index_wait(services)}
        yield history, ""
        return

    reply = None
    try:
        # Loading the embedder (first question) or waiting for a model takes seconds: show that it is working.
        queue = ModelWait()

        def work() -> ChatReply:
            chat = project_chat(services, case, report, services.retriever() if built else None, queue)
            return chat.ask(question)

        for message, reply in run_with_ticker(work, lambda: queue.label("正在检索知识库并组织回答")):
            if reply is None:
                history[-1] = {"role": "assistant", "content": message}
                yield history, ""
    except Exception as exc:
        history[-1] = {"role": "assistant", "content": f"出错了：{messages.describe(exc, '回答问题')}"}
        yield history, ""
        return
    body = (reply.answer.answer if reply.kind == "answer" and reply.answer else reply.text).strip()
    if len(body) > 48 and (reply.kind != "answer" or (reply.answer and reply.answer.found)):
        for piece in _stream_pieces(body):
            history[-1] = {"role": "assistant", "content": piece}
            yield history, ""
    history[-1] = {
        "role": "assistant",
        "content": reply_markdown(reply, _chunks(services) if built else [], services),
    }
    yield history, ""


def box_value(box: str, sent: int) -> Any:
    """What a step of the answer sends to the question box: the first step empties it (the question was
    taken); later steps leave it alone, so a next question typed while the answer arrives is kept. A question
    handed back (too long) is always sent."""
    return box if box or sent == 0 else gr.skip()


def build(services: Services, shell: Shell) -> dict[str, Any]:
    session = shell.session
    gr.Markdown(
        "就评价规则、计分方法、以往报告的写法提问，回答只依据知识库中的文件并标注编号引用，点开引用可看原文及上下文；"
        "打开项目后也可以问本项目的得分和扣分原因（数字由评分引擎计算），或说“检查一下报告”审核当前草稿。"
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
        # Each step is shown one step late so the conversation is stored before its last step reaches the
        # page: a reload right after the answer appears finds it in the database.
        user = services.user(request)
        before = len(h or [])
        last = None
        sent = 0
        for step in ask(q, h, services, sess.case, sess.report()):
            if last is not None:
                yield last[0], box_value(last[1], sent), gr.skip()
                sent += 1
            last = step
        if last is None:
            return
        history, box = last
        box = box_value(box, sent)
        added = history[before:]
        if not added:
            yield history, box, gr.skip()
            return
        if sess.conversation is None or not services.store.owns_conversation(user, sess.conversation):
            cid = services.store.new_conversation(user, sess.current.id if sess.current else None)
            sess = sess.model_copy(update={"conversation": cid})
            services.remember(sess, user, conversation=cid)
        services.store.add_messages(
            user, sess.conversation, [ChatTurn(role=m["role"], content=str(m["content"])) for m in added]
        )
        yield history, box, sess

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

"""Chat (对话): an agent over tools that knows the open case.

Tools (:mod:`assistant.chat_tools`): ``retrieve`` answers a rule question from the knowledge base
(:func:`assistant.answering.answer_question`); ``explain_case`` answers about the open case from the scorer's
working (total, grade, weakest 一级指标, points lost, one indicator's formula, computed vs reported);
``draft`` drafts or rewrites one part of the report or form; ``check`` runs the checker on the current draft.
Offline the tool is chosen by intent routing; with a model, by tool calling (or a JSON reply where the endpoint
cannot bind tools), falling back to intent routing on any failure. Every number in a reply comes from a tool.
The session keeps the case, its score sheet and the report being built, so successive requests revise the
same report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from langchain_core.language_models import BaseLanguageModel
from pydantic import BaseModel, ConfigDict, Field

from assistant.case import Case
from assistant.drafting import SPECIFIC_WORDS, draft_report, draft_self_evaluation, redraft_section
from assistant.drafting.outline import SELF_EVALUATION_PARTS, part_for_request, report_parts
from assistant.export import sections_markdown, to_markdown
from assistant.models import Answer, Citation
from assistant.report import Report
from assistant.scoring import ScoreSheet, score_case

REVISE_VERBS = ("改写", "修改", "完善", "补充", "润色", "具体", "精简", "简洁", "扩写", "调整", "重写")
"""Words asking to change existing text: only a language model can follow them."""
DRAFT_VERBS = ("起草", "草拟", "撰写", "写", *REVISE_VERBS)
"""Words that make a message a writing request (when it also names a part of the report)."""

NO_CASE = "起草需要先加载案例：启动时用 pe-assistant chat --case 案例文件.yaml，或在工作台中打开案例。"
NO_INDEX = "知识库尚未建立，无法回答规则问题。请先运行 pe-assistant ingest 导入政策文件和报告。"
OFFLINE_SPECIFIC_NOTE = (
    "（未配置大模型：已按离线模板细化建议，补充了整改重点、具体措施和责任单位，内容均来自案例。）"
)
OFFLINE_NOTE = "（未配置大模型，已按离线模板重新起草；“{instruction}”这类改写要求需配置大模型后才能生效。）"


class ChatReply(BaseModel):
    """One assistant turn."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    kind: Literal["answer", "case", "draft", "check", "help"] = Field(description="What the reply is")
    text: str = Field(description="Chinese Markdown shown to the user")
    answer: Answer | None = Field(default=None, description="The cited answer, for rule questions")
    part: str | None = Field(default=None, description="The part drafted, for drafting requests")


def deviations_markdown(form_report: Report) -> str:
    """The form's 偏差原因分析及改进措施 for the rows that lost points (what chat shows of the form)."""
    form = form_report.form
    assert form is not None
    v = form_report.values
    lines = [
        f"**{form.project_name.render(v)}** 自评表（总分 {form.total.render(v)}）偏差原因分析及改进措施：",
        "",
    ]
    rows = [r for r in form.indicators if r.lost_points]
    for r in rows:
        lines.append(
            f"- {r.level3.render(v)}（分值 {r.weight.render(v)}，得分 {r.score.render(v)}）：{r.deviation.render(v)}"
        )
    if not rows:
        lines.append("- 所有指标均得满分，无需填写偏差原因。")
    return "\n".join(lines) + "\n"


def citation_line(c: Citation) -> str:
    """One source under an answer: number, document, section, where the file came from, and the quote."""
    where = f"《{c.document}》" + (f" {c.section}" if c.section else "")
    origin = f"（{c.provenance}）" if c.provenance else ""
    return f"[{c.n}] {where}{origin}：“{c.display or c.quote}”"


def answer_markdown(answer: Answer) -> str:
    """An answer with its sources listed under it."""
    lines = [answer.answer]
    if answer.citations:
        lines += ["", "出处："] + [f"- {citation_line(c)}" for c in answer.citations]
    return "\n".join(lines)


class ChatSession:
    """A conversation about one (optional) case; the model and retriever are injected."""

    def __init__(
        self,
        case: Case | None = None,
        retriever=None,
        llm: BaseLanguageModel | None = None,
        report: Report | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        self.case = case
        self.sheet: ScoreSheet | None = score_case(case) if case is not None else None
        self.retriever = retriever
        self.llm = llm
        self.report = report if report is None or report.kind == "report" else None
        self.form: Report | None = report if report is not None and report.kind == "self_evaluation" else None
        self.on_token = on_token

    def requested_part(self, message: str):
        """The part a writing request names: a report part, or the form's 偏差原因 column."""
        return part_for_request(message, "report") or part_for_request(message, "self_evaluation")

    def is_drafting_request(self, message: str) -> bool:
        return any(v in message for v in DRAFT_VERBS) and self.requested_part(message) is not None

    def ask(self, message: str) -> ChatReply:
        """One turn: the tool the message calls for, run, its output as the reply."""
        from assistant.chat_tools import choose_tool, run_tool

        message = message.strip()
        if not message:
            return ChatReply(kind="help", text=self.help_text())
        call, note = choose_tool(self, message)
        reply = run_tool(self, call)
        if note:
            reply = reply.model_copy(update={"text": reply.text + "\n\n" + note})
        return reply

    def explain_case(self, message: str) -> ChatReply | None:
        """The answer about the open case from the scorer's working, or None when the message is not one."""
        from assistant.case_answers import case_reply

        if self.case is None or self.sheet is None:
            return None
        text = case_reply(message, self.case, self.sheet)
        if text is None:
            return None
        title = f"（当前案例：{self.case.project.name}，以下数字均由评分引擎计算）\n"
        return ChatReply(
            kind="case", text=title + text, answer=Answer(answer=title + text, citations=[], found=True)
        )

    def check(self) -> ChatReply:
        """Run the checker on the current draft (report, else form) against the case."""
        from assistant.checking import check_document
        from assistant.checking.report_text import render_text

        if self.case is None or self.sheet is None:
            return ChatReply(kind="help", text=NO_CASE)
        document = self.report or self.form
        if document is None:
            return ChatReply(
                kind="help",
                text="还没有草稿可供审核：先让我起草（例如“起草问题部分”），或在工作台“审核”页上传文件。",
            )
        text = to_markdown(document)
        report = check_document(text, case=self.case, sheet=self.sheet)
        return ChatReply(kind="check", text=render_text(report))

    def answer(self, question: str) -> ChatReply:
        from assistant.answering import answer_question

        if self.retriever is None:
            return ChatReply(kind="help", text=NO_INDEX)
        answer = answer_question(question, self.retriever, self.llm)
        return ChatReply(kind="answer", text=answer_markdown(answer), answer=answer)

    def draft(self, request: str) -> ChatReply:
        """Draft or revise the named part; the first request drafts the whole report (or form) first."""
        if self.case is None or self.sheet is None:
            return ChatReply(kind="help", text=NO_CASE)
        part = self.requested_part(request)
        assert part is not None
        if part.id in {p.id for p in SELF_EVALUATION_PARTS}:
            self.form = draft_self_evaluation(
                self.case, self.sheet, self.retriever, self.llm, request, self.on_token
            )
            return ChatReply(
                kind="draft", text=deviations_markdown(self.form) + self._offline_note(request), part=part.id
            )
        if self.report is None:
            self.report = draft_report(self.case, self.sheet, self.retriever)
        self.report = redraft_section(
            self.report, part.id, request, self.case, self.sheet, self.retriever, self.llm, self.on_token
        )
        text = sections_markdown(self.report, self.report.part(part.id))
        return ChatReply(kind="draft", text=text + self._offline_note(request, part.id), part=part.id)

    def _offline_note(self, request: str, part_id: str = "") -> str:
        if self.llm is not None or not any(v in request for v in REVISE_VERBS):
            return ""
        if part_id == "suggestions" and any(w in request for w in SPECIFIC_WORDS):
            return "\n" + OFFLINE_SPECIFIC_NOTE
        return "\n" + OFFLINE_NOTE.format(instruction=request)

    def help_text(self) -> str:
        parts = report_parts() + list(SELF_EVALUATION_PARTS)
        names = "、".join(p.title or p.aliases[0] for p in parts)
        return (
            "可以直接提问评价规则（例如“预算执行率怎么计分？”），回答附出处；加载案例后可问案例本身"
            "（例如“总分多少，哪个一级指标最弱”“满意度为什么扣分”），数字均由评分引擎计算；可以让我审核当前草稿（“检查一下报告”）；"
            f"也可以要求起草或修改报告的某一部分（例如“起草问题部分”“把建议写得更具体”）。可起草的部分：{names}。"
        )


def answer_in_context(
    question: str, retriever, case: Case | None = None, llm: BaseLanguageModel | None = None
) -> Answer:
    """One question as an :class:`Answer`, the open case (if any) in context: a question about the case is
    answered from the scorer's working, a rule question from the knowledge base — what the workbench's 问答 and
    the staff-question eval show."""
    reply = ChatSession(case=case, retriever=retriever, llm=llm).ask(question)
    if reply.answer is not None:
        return reply.answer
    return Answer(answer=reply.text, citations=[], found=reply.kind != "help")

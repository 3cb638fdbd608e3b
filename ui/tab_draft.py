"""起草 tab: draft the whole report (or the self-evaluation form), edit a section, redraft one part with an
instruction, accept or revert. The draft is saved with the case on every change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.case import parse_case
from assistant.errors import AssistantError, ConfigError
from assistant.report import Report

from . import messages, section_edit
from .progress import run_with_ticker
from .services import Services
from .session import Session, autosave

DRAFT_KINDS = {"绩效评价报告": "report", "绩效自评表": "self_evaluation"}
SOURCE_LABELS = {"offline": "离线起草", "llm": "大模型起草", "edited": "已手工修改"}


def load_report(session: Session) -> Report | None:
    if session.draft is None:
        return None
    return Report.model_validate(session.draft)


def retriever_or_none(services: Services) -> Any:
    """The knowledge base if one is built; drafting still works without precedent when none is."""
    from .knowledge import is_built

    if not is_built(services.settings):
        return None
    try:
        return services.retriever()
    except (ConfigError, FileNotFoundError):
        return None


def make_draft(
    session: Session, kind: str, services: Services, on_token: Callable[[str], None] | None = None
) -> Report:
    """Draft the whole report or the self-evaluation form for the open case (scores from the scorer)."""
    if session.case is None:
        raise AssistantError("尚未打开项目：请先在“项目录入”页新建、导入或打开一个项目。")
    from assistant.drafting import draft_report, draft_self_evaluation
    from assistant.scoring import score_case

    case = parse_case(session.case)
    sheet = score_case(case)
    llm = services.llm()
    if kind == "self_evaluation":
        return draft_self_evaluation(case, sheet, llm=llm, on_token=on_token)
    return draft_report(case, sheet, retriever=retriever_or_none(services), llm=llm, on_token=on_token)


def section_choices(report: Report | None) -> list[tuple[str, str]]:
    if report is None:
        return []
    out = []
    for s in report.sections:
        mark = "（已修改）" if s.source == "edited" else ""
        out.append((f"{'　' * (s.level - 1)}{s.heading}{mark}", s.id))
    return out


def preview_markdown(report: Report | None) -> str:
    if report is None:
        return "尚无草稿。点击“起草”生成。"
    from assistant.export import to_markdown

    return to_markdown(report)


def edited_summary(report: Report | None) -> str:
    if report is None:
        return ""
    lines = []
    for s in report.sections:
        if s.source == "edited":
            typed = section_edit.hand_typed_numbers(s)
            extra = f"，手工输入的数字：{'、'.join(typed)}（审核时会标出）" if typed else ""
            lines.append(f"- {s.heading}：已手工修改{extra}")
    return ("**手工修改过的章节**\n\n" + "\n".join(lines)) if lines else ""


def view(session: Session, section_id: str | None = None) -> list[Any]:
    """Preview, section list, editor text and edit summary for the session's draft."""
    report = load_report(session)
    choices = section_choices(report)
    ids = [c[1] for c in choices]
    if section_id not in ids:  # open on the first section with prose to edit (not a heading or a table)
        prose = [s.id for s in report.sections if s.paragraphs] if report is not None else []
        section_id = (prose or ids or [None])[0]
    text = ""
    info = ""
    if report is not None and section_id:
        s = report.section(section_id)
        text = section_edit.section_text(s, report.values)
        info = f"来源：{SOURCE_LABELS.get(s.source, s.source)}" + (f"　{s.note}" if s.note else "")
        if s.tables:
            info += "　（本节表格由评分结果生成，不在此编辑）"
    return [
        preview_markdown(report),
        gr.update(choices=choices, value=section_id),
        text,
        info,
        edited_summary(report),
    ]


def relink_values(session: Session, services: Services) -> tuple[Session, str]:
    """Numbers follow the scorer: after the case changed, the draft's values are recomputed and saved.

    Returns the session and a note for the user ('' when nothing changed or the case cannot be scored)."""
    report = load_report(session)
    if report is None or session.case is None:
        return session, ""
    from assistant.drafting import context_for
    from assistant.scoring import score_case

    try:
        case = parse_case(session.case)
        fresh = context_for(case, score_case(case)).values
    except AssistantError:
        return session, "⚠ 项目数据目前有错误，草稿中的数字仍是上次评分的结果；请先在“项目录入”页改正。"
    # Keys no longer produced (e.g. a renamed indicator) keep their old value so every reference resolves.
    values = {**report.values, **{k: v for k, v in fresh.items() if k in report.values}}
    changed = sorted(k for k in report.values if values[k] != report.values[k])
    if not changed:
        return session, ""
    report = report.model_copy(update={"values": values})
    session = autosave(session, services.store, draft=report.model_dump(mode="json"))
    return session, (
        f"项目数据已修改：草稿中的 {len(changed)} 个数字已按最新评分结果更新。"
        "文字描述（如哪些指标失分）如需相应调整，请重新起草相关章节。"
    )


def save_section_edit(
    session: Session, section_id: str, text: str, services: Services
) -> tuple[Session, list[str]]:
    report = load_report(session)
    if report is None or not section_id:
        raise AssistantError("尚无草稿或未选择章节。")
    report, typed = section_edit.apply_edit(report, section_id, text)
    edited = sorted({*session.current.edited_sections, section_id})
    session = autosave(session, services.store, draft=report.model_dump(mode="json"), edited_sections=edited)
    return session, typed


def part_of(section_id: str) -> str | None:
    """The drafting unit a section belongs to ('analysis.group.决策' → 'analysis'); None for a bare heading."""
    from assistant.drafting.offline import PART_DRAFTERS

    for part_id in PART_DRAFTERS:
        if section_id == part_id or section_id.startswith(part_id + "."):
            return part_id
    return None


def redraft(session: Session, section_id: str, instruction: str, services: Services) -> Report:
    """Redraft the part holding `section_id` following the instruction; returns the new report (not saved)."""
    report = load_report(session)
    if report is None or not section_id:
        raise AssistantError("尚无草稿或未选择章节。")
    from assistant.drafting import redraft_section
    from assistant.scoring import score_case

    part = part_of(section_id) if report.kind == "report" else section_id
    if part is None:
        raise AssistantError("这是一个大标题，请选择它下面的具体章节再重写。")
    case = parse_case(session.case)
    sheet = score_case(case)
    return redraft_section(
        report,
        part,
        instruction or "",
        case,
        sheet,
        retriever=retriever_or_none(services),
        llm=services.llm(),
    )


def build(services: Services, session: gr.State) -> tuple[Any, list[Any]]:
    store = services.store
    with gr.Row():
        kind = gr.Radio(list(DRAFT_KINDS), value="绩效评价报告", label="起草内容", scale=2)
        draft_btn = gr.Button("起草全文", variant="primary", scale=1, elem_id="draft-all")
    status = gr.Markdown(elem_id="draft-status")
    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            section = gr.Dropdown(label="选择章节", choices=[], elem_id="draft-section")
            section_info = gr.Markdown(elem_id="draft-section-info")
            editor = gr.Textbox(
                label="章节正文（可直接修改；段落之间空一行）", lines=14, max_lines=40, elem_id="draft-editor"
            )
            with gr.Row():
                save_btn = gr.Button("保存修改", variant="primary", elem_id="draft-save")
            instruction = gr.Textbox(
                label="重写要求（例如：把建议写得更具体）", lines=2, elem_id="draft-instruction"
            )
            with gr.Row():
                redraft_btn = gr.Button("按要求重写本部分", elem_id="draft-redraft")
                accept_btn = gr.Button(
                    "采用新稿", variant="primary", elem_id="draft-accept", interactive=False
                )
                revert_btn = gr.Button("保留原稿", variant="stop", elem_id="draft-revert", interactive=False)
            edits = gr.Markdown(elem_id="draft-edits")
        with gr.Column(scale=3):
            preview = gr.Markdown("尚无草稿。", elem_id="draft-preview", max_height=900)

    view_outputs = [preview, section, editor, section_info, edits]

    def _draft(sess: Session, kind_label: str):
        draft_kind = DRAFT_KINDS[kind_label]
        written = [0]  # characters streamed by a language model, when one is configured

        def on_token(token: str) -> None:
            written[0] += len(token)

        def label() -> str:
            return f"正在起草（模型已写 {written[0]} 字）" if written[0] else "正在起草"

        try:
            work = lambda: make_draft(sess, draft_kind, services, on_token)  # noqa: E731
            for message, report in run_with_ticker(work, label):
                if report is None:
                    yield [sess, message, *[gr.skip()] * len(view_outputs)]
        except AssistantError as exc:
            yield [sess, f"❌ {exc}", *[gr.skip()] * len(view_outputs)]
            return
        sess = autosave(
            sess, store, draft=report.model_dump(mode="json"), draft_kind=draft_kind, edited_sections=[]
        )
        sess = sess.model_copy(update={"pending_section": None})
        yield [sess, f"✔ 已起草 {len(report.sections)} 个章节并保存。", *view(sess)]

    def _select(sess, section_id):
        return view(sess, section_id)[2:4]

    def _save(sess, section_id, text):
        try:
            sess, typed = save_section_edit(sess, section_id, text, services)
        except AssistantError as exc:
            raise messages.error(str(exc)) from None
        msg = "✔ 已保存修改。" + (
            f"手工输入的数字 {'、'.join(typed)} 未与评分结果关联，审核时会标出。" if typed else ""
        )
        return [sess, msg, *view(sess, section_id)]

    def _redraft(sess, section_id, text):
        try:
            before = load_report(sess)
            new = None
            for message, result in run_with_ticker(
                lambda: redraft(sess, section_id, text, services), "正在重写"
            ):
                if result is None:
                    yield [sess, message, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()]
                new = result
        except AssistantError as exc:
            yield [sess, f"❌ {exc}", gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()]
            return
        pending = {
            "id": section_id,
            "before": before.model_dump(mode="json"),
            "after": new.model_dump(mode="json"),
        }
        sess = sess.model_copy(update={"pending_section": pending})
        shown = [s for s in new.sections if part_of(s.id) == part_of(section_id)]
        text_new = "\n\n".join(section_edit.section_text(s, new.values) for s in shown)
        yield [
            sess,
            "新稿如下（尚未采用）。点“采用新稿”替换，或“保留原稿”。",
            preview_markdown(new),
            text_new,
            gr.update(interactive=True),
            gr.update(interactive=True),
            gr.update(interactive=False),
        ]

    def _accept(sess, section_id):
        pending = sess.pending_section
        if not pending:
            raise messages.error("没有待采用的新稿。")
        edited = [e for e in sess.current.edited_sections if part_of(e) != part_of(pending["id"])]
        sess = autosave(sess, store, draft=pending["after"], edited_sections=edited)
        sess = sess.model_copy(update={"pending_section": None})
        return [sess, "✔ 已采用新稿并保存。", *view(sess, section_id), *_buttons(False)]

    def _revert(sess, section_id):
        sess = sess.model_copy(update={"pending_section": None})
        return [sess, "已保留原稿。", *view(sess, section_id), *_buttons(False)]

    def _buttons(pending: bool):
        return [
            gr.update(interactive=pending),
            gr.update(interactive=pending),
            gr.update(interactive=not pending),
        ]

    draft_btn.click(_draft, [session, kind], [session, status, *view_outputs])
    section.change(_select, [session, section], [editor, section_info])
    save_btn.click(_save, [session, section, editor], [session, status, *view_outputs])
    redraft_btn.click(
        _redraft,
        [session, section, instruction],
        [session, status, preview, editor, accept_btn, revert_btn, save_btn],
    )
    accept_btn.click(
        _accept, [session, section], [session, status, *view_outputs, accept_btn, revert_btn, save_btn]
    )
    revert_btn.click(
        _revert, [session, section], [session, status, *view_outputs, accept_btn, revert_btn, save_btn]
    )

    def _refresh(sess):
        sess, note = relink_values(sess, services)
        return [sess, note, *view(sess, None)]

    return _refresh, [session, status, *view_outputs]

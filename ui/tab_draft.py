"""起草 tab: draft the whole report (or the self-evaluation form), edit a section, redraft one part with an
instruction and compare it side by side before taking it, undo, and go back to any earlier draft.

Every draft state is kept in the database; replacing a draft with hand edits asks first."""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

import gradio as gr

from assistant.db import UserInfo
from assistant.errors import AssistantError, ConflictError
from assistant.report import Report
from assistant.workspace import DRAFT_NAMES, part_of, part_text

from . import messages, section_edit
from .progress import ModelWait, run_with_ticker
from .services import Services
from .session import Session
from .shell import CANCELLED, Shell

DRAFT_KINDS = {label: kind for kind, label in DRAFT_NAMES.items()}
SOURCE_LABELS = {"offline": "离线起草", "llm": "大模型起草", "edited": "已手工修改"}


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
        return "尚无草稿。选择“起草内容”后点“起草全文”。"
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


_MISSING = re.compile(r"（待补充：(?P<what>[^（）]+)）")


def _where(what: str, places: dict[str, str]) -> str:
    """Where in the workbench a missing fact is filled in: as the draft's checklist says (问题清单 → 原因分析,
    a row's 偏差原因 column…), else its 叙述信息 field when it is one."""
    from assistant.drafting.prose import CASE_EDITOR, MISSING_LABELS, NARRATIVE_PANEL, editor_label

    if places.get(what):
        return f"“{places[what]}”"
    for field, label in MISSING_LABELS.items():
        if what in (label, editor_label(field)):
            return f"“{CASE_EDITOR} → {NARRATIVE_PANEL} → {editor_label(field)}”"
    return f"“{CASE_EDITOR}”"


def _checklist_places(report: Report) -> dict[str, str]:
    """What is missing → where it is filled in, from the draft's 需补充的事项 table (when it has one)."""
    places: dict[str, str] = {}
    for s in report.sections:
        for t in s.tables:
            if len(t.header) >= 2 and t.header[0] == "需补充的事项":
                for row in t.render_rows(report.values):
                    if len(row) >= 2 and row[0].strip():
                        places[row[0].strip()] = row[1].strip()
    return places


def missing_facts(report: Report | None) -> list[tuple[str, str, str]]:
    """The facts the draft still waits for, in draft order: (the sections holding the gap, what is missing,
    where in the workbench it is filled in), one per fact."""
    if report is None:
        return []
    found: dict[str, list[str]] = {}
    for s in report.sections:
        if s.id == "checklist":  # the list of missing facts itself (its note quotes the marker)
            continue
        for m in _MISSING.finditer(section_edit.section_text(s, report.values)):
            headings = found.setdefault(m["what"].strip(), [])
            if s.heading not in headings:
                headings.append(s.heading)
    places = _checklist_places(report)
    return [
        ("、".join(f"“{h}”" for h in headings), what, _where(what, places))
        for what, headings in found.items()
    ]


def missing_markdown(report: Report | None) -> str:
    facts = missing_facts(report)
    if not facts:
        return ""
    lines = [f"- {what or '内容'}：在{where}填写（见{headings}）" for headings, what, where in facts]
    return (
        f"**还缺 {len(facts)} 项事实**（草稿中以“待补充”标出；填写后点“起草全文”重新起草，手工修改过的章节会先询问）\n\n"
        + "\n".join(lines)
    )


def needs_narrative(report: Report | None) -> bool:
    """Whether any missing fact is filled in the case editor's 叙述信息 panel."""
    from assistant.drafting.prose import NARRATIVE_PANEL

    return any(NARRATIVE_PANEL in where for _, _, where in missing_facts(report))


def default_section(report: Report | None, section_id: str | None) -> str | None:
    ids = [c[1] for c in section_choices(report)]
    if section_id in ids:
        return section_id
    prose = [s.id for s in report.sections if s.paragraphs] if report is not None else []
    return (prose or ids or [None])[0]


def editor_base(section_id: str | None, text: str) -> str:
    """Names the saved text the editor was filled with (kept on the page beside the editor)."""
    return hashlib.sha1(f"{section_id or ''}\n{text}".encode()).hexdigest()[:16]


def view(session: Session, section_id: str | None = None) -> list[Any]:
    """Preview, section list, editor text, section info, edit summary, missing facts, the fill button, and the
    name of the saved text the editor is filled with, for the session's draft."""
    report = session.report()
    section_id = default_section(report, section_id)
    text = info = ""
    if report is not None and section_id:
        s = report.section(section_id)
        text = section_edit.section_text(s, report.values)
        info = f"来源：{SOURCE_LABELS.get(s.source, s.source)}" + (f"　{s.note}" if s.note else "")
        if s.tables:
            info += "　（本节表格由评分结果生成，不在此编辑）"
    return [
        preview_markdown(report),
        gr.update(choices=section_choices(report), value=section_id),
        text,
        info,
        edited_summary(report),
        missing_markdown(report),
        gr.update(visible=needs_narrative(report)),
        editor_base(section_id, text),
    ]


def side_by_side(before: str, after: str) -> str:
    """Current text and the redraft next to each other (stacked on a phone)."""
    return (
        '<div class="pe-sbs"><div><div class="pe-sbs-title">当前稿</div><div class="pe-sbs-text">'
        + html.escape(before).replace("\n", "<br>")
        + '</div></div><div><div class="pe-sbs-title">新稿（尚未采用）</div><div class="pe-sbs-text pe-new">'
        + html.escape(after).replace("\n", "<br>")
        + "</div></div></div>"
    )


def compare_drafts(old: Report, new: Report, old_label: str) -> str:
    """The sections whose text differs between two drafts, side by side."""
    old_by_id = {s.id: s for s in old.sections}
    new_by_id = {s.id: s for s in new.sections}
    rows = []
    for sid in dict.fromkeys([*old_by_id, *new_by_id]):
        a = section_edit.section_text(old_by_id[sid], old.values) if sid in old_by_id else ""
        b = section_edit.section_text(new_by_id[sid], new.values) if sid in new_by_id else ""
        if a != b:
            heading = (new_by_id.get(sid) or old_by_id[sid]).heading
            rows.append(
                f"<tr><td>{html.escape(heading)}</td><td class='pe-old'>{html.escape(a)}</td>"
                f"<td class='pe-new'>{html.escape(b)}</td></tr>"
            )
    if not rows:
        return f"<p>{html.escape(old_label)}与当前稿的正文相同。</p>"
    return (
        f"<p>共 {len(rows)} 个章节不同。</p><table class='pe-compare'><thead><tr><th>章节</th>"
        f"<th>{html.escape(old_label)}</th><th>当前稿</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def build(services: Services, shell: Shell) -> dict[str, Any]:
    store = services.store
    workspace = services.workspace
    session = shell.session
    with gr.Row():
        kind = gr.Radio(list(DRAFT_KINDS), value="绩效评价报告", label="起草内容", scale=2)
        draft_btn = gr.Button("起草全文", variant="primary", scale=1, elem_id="draft-all")
    with gr.Row(visible=False, elem_id="draft-confirm") as confirm_row:
        confirm_note = gr.Markdown()
        confirm_btn = gr.Button("确定重新起草", variant="stop", elem_id="draft-confirm-yes")
        cancel_btn = gr.Button("取消", elem_id="draft-confirm-no")
    status = gr.Markdown(elem_id="draft-status")
    undo_btn = gr.Button("撤销刚才的替换", visible=False, elem_id="draft-undo", size="sm")
    with gr.Row(equal_height=False, elem_id="draft-missing-row"):
        missing = gr.Markdown(elem_id="draft-missing")
        fill_btn = gr.Button(
            "到“项目录入”填写叙述信息", visible=False, elem_id="draft-fill", size="sm", scale=0, min_width=200
        )
    undo_target = gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=300):
            section = gr.Dropdown(label="选择章节", choices=[], elem_id="draft-section")
            section_info = gr.Markdown(elem_id="draft-section-info")
            editor = gr.Textbox(
                label="章节正文（可直接修改；段落之间空一行）", lines=14, max_lines=40, elem_id="draft-editor"
            )
            save_btn = gr.Button("保存修改", variant="primary", elem_id="draft-save")
            instruction = gr.Textbox(
                label="重写要求（例如：把建议写得更具体）", lines=2, elem_id="draft-instruction"
            )
            redraft_btn = gr.Button("按要求重写本部分", elem_id="draft-redraft")
            edits = gr.Markdown(elem_id="draft-edits")
            with gr.Accordion("本节的修改历史", open=False):
                section_history = gr.HTML(elem_id="draft-section-history")
        with gr.Column(scale=3, min_width=320):
            with gr.Group(visible=False, elem_id="draft-pending") as pending_box:
                pending_view = gr.HTML(elem_id="draft-sbs")
                with gr.Row():
                    accept_btn = gr.Button("采用新稿", variant="primary", elem_id="draft-accept")
                    revert_btn = gr.Button("保留原稿", elem_id="draft-revert")
            preview = gr.Markdown("尚无草稿。", elem_id="draft-preview", max_height=900)
    with gr.Accordion("草稿历史版本", open=False, elem_id="draft-history"):
        with gr.Row():
            versions = gr.Dropdown(label="历史版本", choices=[], elem_id="draft-versions", scale=3)
            compare_btn = gr.Button("与当前稿比较", size="sm", elem_id="draft-compare", scale=1)
            restore_btn = gr.Button("恢复此版本", size="sm", variant="stop", elem_id="draft-restore", scale=1)
        version_view = gr.HTML(elem_id="draft-version-view")

    base = gr.Textbox(visible=False, elem_id="draft-editor-base")  # editor_base() of the editor's saved text
    view_outputs = [preview, section, editor, section_info, edits, missing, fill_btn, base]

    def version_choices(sess: Session, user: UserInfo):
        if sess.current is None:
            return []
        return [
            (
                f"{v.created_at:%m-%d %H:%M:%S} {v.reason}（{DRAFT_NAMES.get(v.name, v.name)}{'，' + v.created_by if v.created_by else ''}）",
                v.id,
            )
            for v in store.draft_versions(user, sess.current.id)
        ]

    def history_html(sess: Session, user: UserInfo, section_id: str | None) -> str:
        if sess.current is None or not section_id:
            return ""
        entries = workspace.section_history(user, sess.current, section_id)
        if len(entries) <= 1:
            return "<p>本节还没有更早的版本。</p>"
        return "".join(
            f"<details><summary>{html.escape(when)}</summary><div class='pe-history-text'>"
            f"{html.escape(text).replace(chr(10), '<br>')}</div></details>"
            for when, text in entries
        )

    def show(
        sess: Session, user: UserInfo, section_id: str | None = None, message: str | None = None
    ) -> list[Any]:
        """All outputs of the tab for the session (relinking the draft's numbers to the current scores)."""
        note = ""
        report = sess.report()
        if report is not None and sess.case is not None:
            try:
                fresh, changed = workspace.relink(sess.case, report)
            except AssistantError:
                note = "⚠ 项目数据目前有错误，草稿中的数字仍是上次评分的结果；请先在“项目录入”页改正。"
            else:
                if changed:
                    try:
                        record = store.save_draft_values(
                            user, sess.current.id, sess.current.revision, fresh.model_dump(mode="json")
                        )
                        sess = sess.with_project(record)
                        note = (
                            f"项目数据已修改：草稿中的 {len(changed)} 个数字已按最新评分结果更新。"
                            "文字描述（如哪些指标失分）如需相应调整，请重新起草相关章节。"
                        )
                    except ConflictError:
                        note = "⚠ 项目刚被他人修改，请重新打开项目后再看草稿。"
        shown = view(sess, section_id)
        pending = sess.pending_redraft is not None
        kind_label = DRAFT_NAMES.get(sess.current.draft_kind or "", None) if sess.current else None
        return [
            sess,
            message if message is not None else note,
            *shown,
            gr.update(choices=version_choices(sess, user), value=None),
            history_html(sess, user, shown[1]["value"]),
            gr.update(visible=pending),
            gr.update(value=kind_label) if kind_label else gr.skip(),
        ]

    show_outputs = [session, status, *view_outputs, versions, section_history, pending_box, kind]

    def _draft_request(sess: Session, kind_label: str, request: gr.Request):
        """起草全文: at once when there is no draft; else ask first (the current draft is kept either way)."""
        if sess.current is None:
            return (
                gr.update(visible=False),
                "",
                "❌ 尚未打开项目：请先在“项目录入”页新建、导入或打开一个项目。",
                True,
            )
        report = sess.report()
        if report is None:
            return gr.update(visible=False), "", "", False
        edited = [s.heading for s in report.sections if s.source == "edited"]
        detail = (
            f"其中 {len(edited)} 个章节有手工修改（{'、'.join(edited[:4])}{'等' if len(edited) > 4 else ''}）。"
            if edited
            else ""
        )
        note = (
            f"**已有草稿**（{DRAFT_NAMES.get(report.kind, '')}）。{detail}重新起草会生成新的{kind_label}替换当前稿；"
            "当前稿会保留在“草稿历史版本”中，可随时恢复。"
        )
        return gr.update(visible=True), note, "", True

    def _draft(sess: Session, kind_label: str, request: gr.Request):
        user = services.user(request)
        if sess.current is None:
            yield [
                sess,
                "❌ 尚未打开项目：请先在“项目录入”页新建、导入或打开一个项目。",
                *[gr.skip()] * (len(show_outputs) - 2),
                gr.skip(),
            ]
            return
        draft_kind = DRAFT_KINDS[kind_label]
        written = [0]
        queue = ModelWait()

        def on_token(token: str) -> None:
            written[0] += len(token)

        def label() -> str:
            return queue.label(f"正在起草（模型已写 {written[0]} 字）" if written[0] else "正在起草")

        case = sess.case
        try:
            report = None
            for message, result in run_with_ticker(
                lambda: workspace.draft(case, draft_kind, on_token, observe=queue.client), label
            ):
                if result is None:
                    yield [sess, message, *[gr.skip()] * (len(show_outputs) - 2), gr.skip()]
                report = result
            record = workspace.save_draft(user, sess.current, report, "起草全文", edited_sections=[])
        except Exception as exc:
            yield [
                sess,
                f"❌ {messages.describe(exc, '起草')}",
                *[gr.skip()] * (len(show_outputs) - 2),
                gr.skip(),
            ]
            return
        sess = sess.with_project(record).model_copy(update={"pending_redraft": None})
        services.remember(sess, user, section=None)
        yield [
            *show(sess, user, None, f"✔ 已起草 {len(report.sections)} 个章节并保存。"),
            shell.bar(sess, user),
        ]

    def _select(sess: Session, section_id: str, request: gr.Request):
        user = services.user(request)
        services.remember(sess, user, section=section_id)
        shown = view(sess, section_id)
        return [*shown[2:4], history_html(sess, user, section_id), shown[-1]]

    def _save(sess: Session, section_id: str, text: str, request: gr.Request):
        user = services.user(request)
        report = sess.report()
        if report is None or not section_id:
            raise messages.error("尚无草稿或未选择章节。")
        try:
            new, typed = section_edit.apply_edit(report, section_id, text)
            edited = sorted({*sess.current.edited_sections, section_id})
            record = workspace.save_draft(
                user, sess.current, new, f"手工修改“{new.section(section_id).heading}”", edited
            )
        except AssistantError as exc:
            raise messages.error(str(exc)) from None
        sess = sess.with_project(record)
        msg = "✔ 已保存修改。" + (
            f"手工输入的数字 {'、'.join(typed)} 未与评分结果关联，审核时会标出。" if typed else ""
        )
        return [*show(sess, user, section_id, msg), shell.bar(sess, user)]

    def _redraft(sess: Session, section_id: str, text: str, request: gr.Request):
        report = sess.report()
        skip = [gr.skip()] * 3
        if report is None or not section_id:
            yield [sess, "❌ 尚无草稿或未选择章节。", *skip]
            return
        case = sess.case
        queue = ModelWait()
        try:
            new = None
            for message, result in run_with_ticker(
                lambda: workspace.redraft(case, report, section_id, text, observe=queue.client),
                lambda: queue.label("正在重写"),
            ):
                if result is None:
                    yield [sess, message, *skip]
                new = result
        except Exception as exc:
            yield [sess, f"❌ {messages.describe(exc, '重写')}", *skip]
            return
        sess = sess.model_copy(
            update={"pending_redraft": {"section": section_id, "after": new.model_dump(mode="json")}}
        )
        yield [
            sess,
            "新稿在右侧与当前稿并排显示（尚未采用）。点“采用新稿”替换，或“保留原稿”。",
            gr.update(visible=True),
            side_by_side(part_text(report, section_id), part_text(new, section_id)),
            gr.skip(),
        ]

    def _accept(sess: Session, section_id: str, request: gr.Request):
        user = services.user(request)
        pending = sess.pending_redraft
        if not pending or sess.current is None:
            raise messages.error("没有待采用的新稿。")
        kept = store.draft_versions(user, sess.current.id)
        before_id = kept[0].id if kept else None
        after = Report.model_validate(pending["after"])
        part = part_of(pending["section"])
        edited = [e for e in sess.current.edited_sections if part is None or part_of(e) != part]
        try:
            record = workspace.save_draft(user, sess.current, after, "采用新稿", edited)
        except AssistantError as exc:
            raise messages.error(str(exc)) from None
        sess = sess.with_project(record).model_copy(update={"pending_redraft": None})
        return [
            *show(
                sess,
                user,
                section_id,
                "✔ 已采用新稿并保存。原稿保留在“草稿历史版本”中，也可点“撤销刚才的替换”。",
            ),
            shell.bar(sess, user),
            gr.update(visible=before_id is not None),
            before_id,
        ]

    def _revert(sess: Session, section_id: str, request: gr.Request):
        user = services.user(request)
        sess = sess.model_copy(update={"pending_redraft": None})
        return show(sess, user, section_id, "已保留原稿。")

    def _restore(version_id, sess: Session, section_id: str, request: gr.Request, undo: bool = False):
        user = services.user(request)
        if version_id == CANCELLED:
            return [sess, *[gr.skip()] * (len(show_outputs) - 1), gr.skip(), gr.skip()]
        if sess.current is None or version_id is None:
            raise messages.error("请先选择一个历史版本。")
        try:
            record = workspace.restore_draft(user, sess.current, int(version_id))
        except AssistantError as exc:
            raise messages.error(str(exc)) from None
        sess = sess.with_project(record).model_copy(update={"pending_redraft": None})
        message = (
            "✔ 已撤销，恢复为替换前的草稿。"
            if undo
            else "✔ 已恢复所选草稿（恢复前的草稿也保留在历史版本中）。"
        )
        return [*show(sess, user, section_id, message), shell.bar(sess, user), gr.update(visible=False)]

    def _undo(version_id, sess: Session, section_id: str, request: gr.Request):
        return _restore(version_id, sess, section_id, request, undo=True)

    def _compare(version_id, sess: Session, request: gr.Request):
        user = services.user(request)
        if sess.current is None or version_id is None or sess.report() is None:
            raise messages.error("请先选择一个历史版本。")
        info, data, _ = store.draft_version(user, sess.current.id, int(version_id))
        return compare_drafts(
            Report.model_validate(data), sess.report(), f"{info.created_at:%m-%d %H:%M} 的版本"
        )

    def _versions(sess: Session, request: gr.Request):
        return gr.update(choices=version_choices(sess, services.user(request)))

    def _start_draft(ask: bool, sess: Session, kind_label: str, request: gr.Request):
        if ask:  # the confirmation row (or an error) is shown instead
            yield [gr.skip()] * (len(show_outputs) + 1)
            return
        yield from _draft(sess, kind_label, request)

    asked = gr.State(False)
    draft_btn.click(_draft_request, [session, kind], [confirm_row, confirm_note, status, asked]).then(
        _start_draft, [asked, session, kind], [*show_outputs, shell.bar_component]
    )
    confirm_btn.click(lambda: gr.update(visible=False), None, confirm_row).then(
        _draft, [session, kind], [*show_outputs, shell.bar_component]
    )
    cancel_btn.click(
        lambda: (gr.update(visible=False), "已取消，当前稿未改动。"), None, [confirm_row, status]
    )
    section.change(_select, [session, section], [editor, section_info, section_history, base])
    save_btn.click(_save, [session, section, editor], [*show_outputs, shell.bar_component])
    redraft_btn.click(
        _redraft, [session, section, instruction], [session, status, pending_box, pending_view, preview]
    )
    accept_btn.click(_accept, [session, section], [*show_outputs, shell.bar_component, undo_btn, undo_target])
    revert_btn.click(_revert, [session, section], show_outputs)
    undo_btn.click(_undo, [undo_target, session, section], [*show_outputs, shell.bar_component, undo_btn])
    versions.focus(_versions, [session], versions, show_progress="hidden")
    compare_btn.click(_compare, [versions, session], version_view)
    restore_btn.click(
        _restore,
        [versions, session, section],
        [*show_outputs, shell.bar_component, undo_btn],
        js="(...a) => confirm('恢复到所选草稿？当前稿会先保留为一个历史版本。') ? a : ['__cancelled__', ...a.slice(1)]",
    )

    def show_tab(sess: Session, user: UserInfo):
        return show(sess, user, services.last_state(sess, user).get("section"))

    def refresh(sess: Session, user: UserInfo, page_section: Any, page_base: Any) -> list[Any]:
        """The tab shown again: the editor keeps what the page holds (a hand edit not yet saved included)
        while it shows the same section and that section's saved text has not changed meanwhile."""
        out = show_tab(sess, user)
        shown_section = out[show_outputs.index(section)]["value"]
        if page_section == shown_section and page_base == out[show_outputs.index(base)]:
            for comp in (section, editor, base):
                out[show_outputs.index(comp)] = gr.skip()
        return out

    return {
        "show": show_tab,
        "outputs": show_outputs,
        "refresh": refresh,
        "refresh_inputs": [section, base],
        "section": section,
        "editor": editor,
        "base": base,
        "status": status,
        "fill": fill_btn,
    }

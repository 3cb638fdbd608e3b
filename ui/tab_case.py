"""项目录入 tab: open, create or import a project; edit it in forms and the indicator table (every edit is
saved); the selected row's rule parameters in a side panel; sharing; earlier versions to compare and restore.

The form logic lives in ``case_form``; saving and validation in the case workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from assistant.db import ProjectRecord, UserInfo
from assistant.errors import AssistantError, ConflictError, Problem
from assistant.workspace import IMPORT_SUFFIXES, form_label, validate

from . import case_form, case_table, messages
from .services import Services
from .session import Session
from .shell import CANCELLED, Shell, confirm_js
from .style import REFRESH_DONE_JS, REFRESH_LEAVES_JS

SAMPLE_CASE = Path(__file__).resolve().parent / "examples" / "示例_农村饮水安全巩固提升项目.yaml"
SCHEDULE_SAVE_JS = "() => window.peScheduleSave && window.peScheduleSave()"
"""Also on Gradio's own input event (a table cell committed by Enter), in case no DOM event reached the page."""
SEND_EDIT_NO_JS = "(...a) => { a[2] = String(window.peEdits || 0); return a; }"
"""An autosave carries the page's edit counter (see style.AUTOSAVE_SCRIPT), returned in the project bar."""
TAKE_PENDING_SAVE_JS = (
    "(...a) => { a[0] = window.peSaveTimer ? '1' : '';"
    " if (a[0]) { clearTimeout(window.peSaveTimer); window.peSaveTimer = null; window.peDirty = false; }"
    " return a; }"
)
"""Before 新建项目/打开/试用示例项目/导入 leaves the project: a save still waiting for typing to pause is taken
over by that request (which saves the form to the project it was typed into first), so the last keys are never
read from the next project's form."""


def _unread_note(data: dict[str, Any]) -> str:
    """What the form reader could not read in a received form, so the clerk checks it by hand."""
    unread = (data.get("origin") or {}).get("unread") or []
    if not unread:
        return ""
    shown = "；".join(str(u) for u in unread[:5]) + ("……" if len(unread) > 5 else "")
    return f"\n\n⚠ 以下内容未能读出，请对照原表补填：{shown}"


def project_choices(services: Services, user: UserInfo) -> list[tuple[str, str]]:
    out = []
    for s in services.store.list_projects(user):
        flags = ("，有草稿" if s.has_draft else "") + (f"，{s.problems}处待改" if s.problems else "")
        owner = "" if s.mine else f"，{s.owner}共享"
        out.append((f"{s.name}（{s.updated_at:%m-%d %H:%M}{flags}{owner}）", s.id))
    return out


def form_key(record: ProjectRecord | None) -> str:
    """Which project and revision a form on the page was filled from (or last saved as): '' for none."""
    return f"{record.id}:{record.revision}" if record is not None else ""


def problems_of(case: dict[str, Any], rows: list[list[Any]], row_problems: list[Problem]) -> list[Problem]:
    """The form's cell problems, else the case's validation problems, placed on their rows and fields."""
    return case_form.locate(row_problems or validate(case), rows)


def edit(
    services: Services, user: UserInfo, session: Session, values: list[Any], form_revision: Any = None
) -> tuple[Session, list[Problem], str]:
    """Autosave of any edit: rebuild the case from the form, validate, save. Returns the session, the
    problems and a status line ('' when saved; a warning when the project changed meanwhile).

    `form_revision` names the project and revision the form on the page was filled from (`form_key`): a save
    sent from a form older than the session's project (e.g. typed just before 载入最新版本 arrived) is refused
    like any other stale edit."""
    case, row_problems = case_form.collect_case(session.case, values)
    rows = case_form.table_rows(values[case_form.FORM_ORDER.index("indicators")])
    problems = problems_of(case, rows, row_problems)
    if session.current is None:
        name = str(case["project"].get("name") or "")
        record = services.store.create_project(user, case, name, [p.model_dump() for p in problems])
        return session.with_project(record), problems, ""
    try:
        page = str(form_revision or "")
        stale = bool(page) and page != form_key(session.current)
        if stale or session.unsaved_case is not None:
            raise ConflictError(
                f"项目“{session.current.name}”已载入较新的版本，这次修改基于较早的内容，没有保存。"
            )
        record = services.workspace.save_case(user, session.current, case, problems)
    except ConflictError as exc:
        services.store.keep_case_version(
            user,
            session.current.id,
            case,
            str(case["project"].get("name") or ""),
            "未能保存的修改（与他人修改冲突）",
        )
        return (
            session.model_copy(update={"unsaved_case": case}),
            problems,
            (f"⚠ {exc}您的修改已保留在“历史版本”中。请点“载入最新版本”后再改，或点“用我的修改覆盖”。"),
        )
    return session.with_project(record).model_copy(update={"unsaved_case": None}), problems, ""


def build(services: Services, shell: Shell) -> dict[str, Any]:
    """Returns what the app needs: `show(session, user)` → outputs, and the outputs list."""
    store = services.store
    session = shell.session
    with gr.Row(equal_height=False, elem_id="case-top"):
        with gr.Column(scale=3, min_width=260):
            saved = gr.Dropdown(label="我的项目（含共享给我的）", choices=[], elem_id="case-saved")
            with gr.Row():
                open_btn = gr.Button("打开", elem_id="case-open", size="sm")
                delete_btn = gr.Button("删除", elem_id="case-delete", size="sm", variant="stop")
        with gr.Column(scale=2, min_width=220):
            new_kind = gr.Radio(list(case_form.KIND_LABELS.values()), value="绩效自评表", label="新建类型")
            with gr.Row():
                new_btn = gr.Button("新建项目", variant="primary", elem_id="case-new", size="sm")
                sample_btn = gr.Button("试用示例项目", elem_id="case-sample", size="sm")
        with gr.Column(scale=3, min_width=260):
            upload = gr.File(
                label="导入项目：收到的自评表（Word / PDF / Excel / 网页）或本系统的 YAML / JSON / Excel",
                file_types=list(IMPORT_SUFFIXES),
                elem_id="case-upload",
                height=120,
            )
    with gr.Column(visible=False, elem_id="case-import-choice") as import_choice:
        import_note = gr.Markdown()
        import_form = gr.Radio(
            label="选择要导入的自评表", choices=[], visible=False, elem_id="case-import-form"
        )
        with gr.Row():
            import_new = gr.Button("导入为新项目", variant="primary", elem_id="case-import-new", size="sm")
            import_all = gr.Button("全部导入（每张表一个项目）", elem_id="case-import-all", size="sm")
            import_over = gr.Button("替换当前项目的数据", elem_id="case-import-over", size="sm")
            import_cancel = gr.Button("取消", elem_id="case-import-cancel", size="sm")
    pending_upload = gr.State(None)  # {"file": name, "forms": [case data, ...]} awaiting the user's choice
    form_rev = gr.Textbox(visible=False, elem_id="case-form-rev")  # form_key of what the form was filled from
    status = gr.Markdown(elem_id="case-status")
    with gr.Row(visible=False, elem_id="case-conflict") as conflict_row:
        reload_btn = gr.Button("载入最新版本", variant="primary", elem_id="case-reload")
        overwrite_btn = gr.Button("用我的修改覆盖", variant="stop", elem_id="case-overwrite")

    with gr.Column(elem_id="case-form"):  # every edit in here is saved (see style.AUTOSAVE_SCRIPT)
        gr.Markdown("**项目信息**")
        with gr.Row():
            kind = gr.Radio(list(case_form.KIND_LABELS.values()), label="类型", value="绩效自评表", scale=2)
            name = gr.Textbox(label="项目名称", scale=3, elem_id="case-name")
            year = gr.Textbox(
                label="年度", placeholder="例如 2025", scale=1, min_width=100, elem_id="case-year"
            )
        with gr.Row():
            dept = gr.Textbox(label="主管部门")
            impl = gr.Textbox(label="实施单位")
            evaluator = gr.Textbox(label="评价机构")
            report_date = gr.Textbox(
                label="报告日期", placeholder="例如 2025年3月", elem_id="case-report-date"
            )
        gr.Markdown("**项目预算执行情况**（单位：万元）")
        with gr.Row():
            budget = [
                gr.Textbox(
                    label=label,
                    placeholder="万元" if key != "weight" else "自评表默认10",
                    elem_id=f"case-budget-{key}",
                )
                for key, label in case_form.BUDGET_FIELDS
            ]
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=320):
                table = gr.Dataframe(
                    headers=case_table.COLUMNS,
                    datatype="str",
                    interactive=True,
                    wrap=False,
                    label="绩效指标（每行一个末级指标；点一行可在右侧查看全文和评分参数）",
                    elem_id="case-table",
                    row_count=1,
                    # in pixels, so every header is readable (four characters need ~80 px); the table scrolls
                    # sideways in its box on a narrow screen
                    column_widths=[
                        f"{w}px" for w in (90, 100, 150, 80, 60, 100, 100, 100, 160, 80, 120, 80, 180)
                    ],
                    max_height=560,
                    show_row_numbers=True,
                )
                with gr.Row():
                    add_row = gr.Button("添加一行", size="sm", scale=0, min_width=110)
                    del_no = gr.Textbox(
                        elem_id="case-del-no",
                        show_label=False,
                        placeholder="要删除的行号",
                        scale=0,
                        min_width=140,
                        container=False,
                    )
                    del_row = gr.Button("删除该行", size="sm", variant="stop", scale=0, min_width=110)
            with gr.Column(scale=1, min_width=280):
                problems = gr.HTML("尚未打开项目。", elem_id="case-problems")
                with gr.Group(elem_id="case-row-panel"):
                    row_title = gr.Markdown("**所选指标**：点表格中的一行查看。", elem_id="case-row-title")
                    row_detail = gr.Markdown(elem_id="case-row-detail")
                    row_extras = gr.Textbox(
                        label="评分参数（分档、问卷、评分要点、执行率门槛）",
                        lines=3,
                        placeholder=case_table.EXTRA_HELP,
                        elem_id="case-row-extras",
                        interactive=True,
                    )
                gr.Markdown(
                    "**填写说明**\n- 评分规则留空时按年度指标值自动判断（≥ 越高越好，≤ 越低越好，文字为定性）。\n"
                    "- 扣分明细写法：`扣0.5分 问题描述【依据：来源】`，多项用分号隔开。\n"
                    "- 人工得分须同时填写评分理由。"
                )
        selected_row = gr.State(None)
        with gr.Accordion("问题清单（与扣分无关的其他问题）", open=False):
            findings = gr.Dataframe(
                headers=case_form.FINDING_COLUMNS,
                datatype="str",
                interactive=True,
                wrap=True,
                row_count=1,
                label="问题清单",
            )
        narrative = gr.Accordion("叙述信息（起草报告时使用，可留空）", open=False, elem_id="case-narrative")
        with narrative:
            narrative_boxes = [
                gr.Textbox(label=label, lines=2, elem_id=f"case-narrative-{field}")
                for field, label in case_form.NARRATIVE_FIELDS
            ]
    with gr.Accordion("共享与历史版本", open=False, elem_id="case-more"):
        with gr.Row(equal_height=False):
            with gr.Column():
                share_info = gr.Markdown(elem_id="case-share-info")
                with gr.Row():
                    share_user = gr.Textbox(label="共享给用户（填写用户名）", elem_id="case-share-user")
                    share_btn = gr.Button("共享", elem_id="case-share", size="sm")
                    unshare_btn = gr.Button("取消共享", elem_id="case-unshare", size="sm")
                share_team = gr.Checkbox(label="共享给全体同事", elem_id="case-share-team")
            with gr.Column():
                versions = gr.Dropdown(label="历史版本", choices=[], elem_id="case-versions")
                with gr.Row():
                    compare_btn = gr.Button("与当前比较", size="sm", elem_id="case-compare")
                    restore_btn = gr.Button("恢复此版本", size="sm", variant="stop", elem_id="case-restore")
        compare = gr.HTML(elem_id="case-compare-view")

    form = [kind, name, dept, impl, year, evaluator, report_date, *budget, table, findings, *narrative_boxes]
    # FORM_ORDER: kind, project.{name, department, implementer, year, evaluator, report_date}, budget.*, tables,
    # narrative
    assert len(form) == len(case_form.FORM_ORDER)

    def share_markdown(sess: Session, user: UserInfo) -> str:
        if not services.login_enabled:
            return (
                "未启用登录：本机单人使用，所有项目都在本机。多人共用请以 `--auth` 启动并由管理员添加用户。"
            )
        r = sess.current
        if r is None:
            return "尚未打开项目。"
        who = "您" if r.owner_id == user.id else r.owner
        shared = "、".join(r.shared_with) or "无"
        team = "；已共享给全体同事" if r.shared_with_team else ""
        return f"创建者：{who}；已共享给：{shared}{team}。只有创建者可以设置共享。"

    def version_choices(sess: Session, user: UserInfo) -> list[tuple[str, int]]:
        if sess.current is None:
            return []
        return [
            (
                f"{v.created_at:%m-%d %H:%M:%S} {v.reason}（{v.name}{'，' + v.created_by if v.created_by else ''}）",
                v.id,
            )
            for v in store.case_versions(user, sess.current.id)
        ]

    def show(sess: Session, user: UserInfo, message: str = "") -> list[Any]:
        """Every output of the tab for the session's project (or the empty form)."""
        record = sess.current
        problems_list = [Problem.model_validate(p) for p in record.problems] if record else []
        return [
            message,
            case_form.problems_html(problems_list) if record else "尚未打开项目。",
            *case_form.form_values(sess.case),
            gr.update(choices=project_choices(services, user), value=record.id if record else None),
            share_markdown(sess, user),
            gr.update(
                value=bool(record and record.shared_with_team),
                interactive=bool(record and record.owner_id == user.id),
            ),
            gr.update(choices=version_choices(sess, user), value=None),
            "",
            gr.update(visible=sess.unsaved_case is not None),
            "**所选指标**：点表格中的一行查看。",
            "",
            "",
            form_key(record),
        ]

    show_outputs = [
        status,
        problems,
        *form,
        saved,
        share_info,
        share_team,
        versions,
        compare,
        conflict_row,
        row_title,
        row_detail,
        row_extras,
        form_rev,
    ]

    def refresh(sess: Session, user: UserInfo, page_key: Any, *page_values: Any) -> list[Any]:
        """The tab shown again (another tab chosen, then this one): what changed since the page's form was
        filled. A form that already holds the session's project at its revision keeps every field as it is
        on the page (typing under way included); otherwise only fields that differ are sent."""
        out = show(sess, user)
        start = show_outputs.index(form[0])
        same = sess.current is not None and str(page_key or "") == form_key(sess.current)
        for i, (page, sent) in enumerate(zip(page_values, out[start : start + len(form)], strict=True)):
            if same or case_form.shown_alike(page, sent):
                out[start + i] = gr.skip()
        if same:  # the selected row's panel and the form's key stay as they are
            for comp in (row_title, row_detail, row_extras, form_rev):
                out[show_outputs.index(comp)] = gr.skip()
        return out

    def opened(sess: Session, user: UserInfo, message: str) -> list[Any]:
        return [sess, shell.bar(sess, user), *show(sess, user, message)]

    opened_outputs = [session, shell.bar_component, *show_outputs]

    def _edit(request: gr.Request, sess: Session, revision, edit_no, *values):
        user = services.user(request)
        try:
            sess, found, warning = edit(services, user, sess, list(values), revision)
        except AssistantError as exc:
            return sess, shell.bar(sess, user), f"❌ {exc}", gr.skip(), gr.skip(), gr.skip()
        return (
            sess,
            shell.bar(sess, user, edit_no),
            warning,
            case_form.problems_html(found),
            gr.update(visible=bool(warning)),
            form_key(sess.current) if sess.current and not warning else gr.skip(),
        )

    autosave = gr.Button("保存", elem_id="case-autosave", elem_classes=["pe-hidden"])
    edit_no = gr.Textbox(
        visible=False
    )  # the page's edit counter when the save left (filled in by SEND_EDIT_NO_JS)
    autosave.click(
        _edit,
        [session, form_rev, edit_no, *form],
        [session, shell.bar_component, status, problems, conflict_row, form_rev],
        trigger_mode="always_last",
        show_progress="hidden",
        js=SEND_EDIT_NO_JS,
    )
    for comp in (table, findings):  # a committed cell edit is a Gradio event, not always a DOM one
        comp.input(None, None, None, js=SCHEDULE_SAVE_JS)

    pending_save = gr.Textbox(visible=False)  # '1' when an edit was still waiting to be saved (see the JS)

    def _save_pending(pending: str, revision: Any, values: tuple, sess: Session, user: UserInfo):
        """Save what was typed into the project it belongs to before leaving it (a conflict is kept as a
        version, as any autosave's). Returns the session and a note for the status line."""
        if not pending:
            return sess, ""
        try:
            sess, _, warning = edit(services, user, sess, list(values), revision)
        except AssistantError as exc:
            raise messages.error(f"切换前未能保存当前项目的修改：{exc}") from None
        return sess, warning

    def _leave(request: gr.Request, pending: str, revision: Any, *rest: Any):
        """The step before a button that opens another project and keeps its own inputs (试用示例项目, whose
        endpoint a bureau's client also calls; the import choices): a pending edit is saved first."""
        *values, sess = rest
        user = services.user(request)
        if not pending:
            return sess, gr.skip(), gr.skip()
        sess, note = _save_pending(pending, revision, values, sess, user)
        if note:
            gr.Warning(note)
        return sess, form_key(sess.current), shell.bar(sess, user)

    def _new(request: gr.Request, pending: str, revision: Any, *rest: Any):
        *values, kind_label, sess = rest
        user = services.user(request)
        sess, note = _save_pending(pending, revision, values, sess, user)
        record = services.workspace.new_project(user, case_form._KIND_BY_LABEL[kind_label])
        sess = sess.with_project(record)
        services.remember(sess, user, project_id=record.id)
        return opened(sess, user, " ".join(filter(None, ["已新建项目，请填写。", note])))

    def _sample(sess: Session, request: gr.Request):
        user = services.user(request)
        record = services.workspace.import_file(user, SAMPLE_CASE)
        sess = sess.with_project(record)
        services.remember(sess, user, project_id=record.id)
        return opened(
            sess,
            user,
            f"已打开示例项目“{record.name}”。可以直接到“评分”“起草”“审核”“导出”页试用；这里的修改只影响这个示例。",
        )

    def _open(request: gr.Request, pending: str, revision: Any, *rest: Any):
        *values, project_id, sess = rest
        user = services.user(request)
        if not project_id:
            raise messages.error("请先在“我的项目”中选择一个项目。")
        sess, note = _save_pending(pending, revision, values, sess, user)
        try:
            record = store.load_project(user, project_id)
        except AssistantError as exc:
            raise messages.error(str(exc)) from None
        sess = sess.with_project(record)
        services.remember(sess, user, project_id=record.id)
        return opened(sess, user, " ".join(filter(None, [f"已打开：{record.name}", note])))

    def _delete(project_id: str | None, sess: Session, request: gr.Request):
        user = services.user(request)
        if project_id == CANCELLED:
            return [sess, *[gr.skip()] * (len(opened_outputs) - 1)]
        if not project_id:
            raise messages.error("请先在“我的项目”中选择要删除的项目。")
        try:
            store.delete_project(user, project_id)
        except AssistantError as exc:
            raise messages.error(str(exc)) from None
        if sess.current is not None and sess.current.id == project_id:
            sess = sess.with_project(None)
        return opened(sess, user, "已删除该项目。")

    def _failed(sess: Session, name: str, exc: Exception) -> list[Any]:
        if isinstance(exc, AssistantError):
            why = messages.readable(str(exc))
        else:  # an unreadable file must never show a traceback
            why = messages.describe(exc, "读取文件")
        return [sess, gr.skip(), f"❌ 未能导入 {name}：{why}", *[gr.skip()] * (len(show_outputs) - 1)]

    def _do_import(
        pending: dict[str, Any], index: int, sess: Session, user: UserInfo, into: ProjectRecord | None
    ):
        name, forms = pending["file"], pending["forms"]
        try:
            record = services.workspace.import_data(user, forms[index], name, into=into)
        except Exception as exc:
            return _failed(sess, name, exc)
        sess = sess.with_project(record)
        services.remember(sess, user, project_id=record.id)
        which = f" {form_label(forms[index], index + 1).split('：')[0]}" if len(forms) > 1 else ""
        if into is None:
            note = f"已导入：{name}{which}（已另存为新项目“{record.name}”）"
        else:
            note = f"已导入：{name}{which}（替换了当前项目的数据，原数据保留在“历史版本”中）"
        return opened(sess, user, note + _unread_note(forms[index]))

    hide_choice = [gr.update(visible=False), None]
    keep_choice = [gr.skip(), gr.skip()]

    def _upload(path: str | None, sess: Session, request: gr.Request):
        # The upload box is emptied after each attempt so the next file can be dropped straight in.
        user = services.user(request)
        skip_opened = [sess, *[gr.skip()] * (len(opened_outputs) - 1)]
        if not path:
            return [*skip_opened, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()]
        name = Path(path).name
        try:
            forms = services.workspace.read_forms(Path(path))
        except Exception as exc:
            return [
                *_failed(sess, name, exc),
                None,
                gr.update(visible=False),
                "",
                gr.skip(),
                gr.skip(),
                gr.skip(),
                None,
            ]
        pending = {"file": name, "forms": forms}
        if sess.current is None and len(forms) == 1:
            return [
                *_do_import(pending, 0, sess, user, None),
                None,
                gr.update(visible=False),
                "",
                gr.skip(),
                gr.skip(),
                gr.skip(),
                None,
            ]
        if len(forms) > 1:
            ask = (
                f"**{name}** 含 {len(forms)} 张自评表：请选择要导入的一张，或全部导入（每张表成为一个项目）。"
            )
        else:
            ask = f"要导入 **{name}**。"
        if sess.current is not None:
            ask += (
                f"当前打开的是“{sess.current.name}”：可导入为新项目，或用文件内容替换当前项目的数据"
                "（替换前的数据保留在“历史版本”中，可随时恢复）。"
            )
        choice = gr.update(
            choices=[(form_label(d, n), n - 1) for n, d in enumerate(forms, start=1)],
            value=0,
            visible=len(forms) > 1,
        )
        return [
            *skip_opened,
            None,
            gr.update(visible=True),
            ask,
            choice,
            gr.update(visible=len(forms) > 1),
            gr.update(visible=sess.current is not None),
            pending,
        ]

    def _chosen(pending: dict[str, Any] | None, index: Any) -> int | None:
        if not pending or not pending.get("forms"):
            return None
        index = index if isinstance(index, int) else 0
        return index if 0 <= index < len(pending["forms"]) else 0

    def _import_new(pending, index, sess: Session, request: gr.Request):
        user = services.user(request)
        chosen = _chosen(pending, index)
        if chosen is None:
            return [sess, *[gr.skip()] * (len(opened_outputs) - 1), *hide_choice]
        return [*_do_import(pending, chosen, sess, user, None), *hide_choice]

    def _import_all(pending, sess: Session, request: gr.Request):
        user = services.user(request)
        if not pending or not pending.get("forms"):
            return [sess, *[gr.skip()] * (len(opened_outputs) - 1), *hide_choice]
        names = []
        for data in pending["forms"]:
            try:
                record = services.workspace.import_data(user, data, pending["file"])
            except Exception as exc:
                return [*_failed(sess, pending["file"], exc), *keep_choice]
            names.append(record.name)
        sess = sess.with_project(record)
        services.remember(sess, user, project_id=record.id)
        listing = "、".join(f"“{n}”" for n in names)
        note = f"已导入：{pending['file']} 全部 {len(names)} 张表，各为一个新项目：{listing}。当前打开最后一个，其余在“我的项目”中。"
        return [*opened(sess, user, note), *hide_choice]

    def _import_over(pending, index, sess: Session, request: gr.Request):
        user = services.user(request)
        chosen = _chosen(pending, index)
        if chosen is None or sess.current is None:
            return [sess, *[gr.skip()] * (len(opened_outputs) - 1), *hide_choice]
        return [*_do_import(pending, chosen, sess, user, sess.current), *hide_choice]

    def _reload(sess: Session, request: gr.Request):
        user = services.user(request)
        if sess.current is None:
            raise messages.error("尚未打开项目。")
        record = store.load_project(user, sess.current.id)
        sess = sess.with_project(record).model_copy(update={"unsaved_case": None})
        return opened(
            sess, user, f"已载入最新版本（{record.updated_at:%H:%M:%S}，{record.updated_by}保存）。"
        )

    def _overwrite(sess: Session, request: gr.Request):
        user = services.user(request)
        if sess.current is None or sess.unsaved_case is None:
            raise messages.error("没有待保存的修改。")
        latest = store.load_project(user, sess.current.id)
        case = sess.unsaved_case
        record = store.replace_case(
            user,
            latest.id,
            latest.revision,
            case,
            str((case.get("project") or {}).get("name") or ""),
            [p.model_dump() for p in validate(case)],
            reason="用我的修改覆盖",
        )
        sess = sess.with_project(record).model_copy(update={"unsaved_case": None})
        return opened(sess, user, "已用您的修改覆盖（对方的版本保留在“历史版本”中）。")

    def _add_row(tbl):
        rows = case_form.table_rows(tbl)
        rows.append([""] * len(case_table.COLUMNS))
        return rows

    def _del_row(request: gr.Request, tbl, n, sess: Session, *values):
        user = services.user(request)
        rows = case_form.table_rows(tbl)
        n = str(n or "").strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if not n.isdigit() or not 1 <= int(n) <= len(rows):
            raise messages.error(f"请输入 1 到 {len(rows)} 之间的行号。")
        del rows[int(n) - 1]
        rows = rows or [[""] * len(case_table.COLUMNS)]
        values = list(values)
        values[form.index(table)] = rows
        sess, found, warning = edit(services, user, sess, values)
        rev = form_key(sess.current)
        return rows, sess, shell.bar(sess, user), case_form.problems_html(found), warning, rev

    def _select_row(sess: Session, tbl, evt: gr.SelectData):
        index = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        rows = case_form.table_rows(tbl)
        if not isinstance(index, int) or not 0 <= index < len(rows):
            return None, gr.skip(), gr.skip(), gr.skip()
        row = rows[index]
        indicator_rows = case_table.table_rows_of_indicators(rows)
        position = indicator_rows.index(index + 1) if index + 1 in indicator_rows else None
        indicators = (sess.case or {}).get("indicators") or []
        ind = indicators[position] if position is not None and position < len(indicators) else None
        name = (
            "/".join(case_table._text(c) for c in row[: case_table.LEVELS] if case_table._text(c))
            or "（空行）"
        )
        detail = "\n".join(
            f"- **{col}**：{case_table._text(v)}"
            for col, v in zip(case_table.COLUMNS[case_table.LEVELS :], row[case_table.LEVELS :], strict=False)
            if case_table._text(v)
        )
        return index, f"**所选指标**：第{index + 1}行 {name}", detail, case_table.extras_text(ind)

    def _edit_extras(text: str, index: int | None, sess: Session, request: gr.Request):
        user = services.user(request)
        if index is None or sess.current is None:
            return sess, gr.skip(), "请先在表格中点选一行。", gr.skip(), gr.skip()
        case = dict(sess.case or {})
        indicators = [dict(i) if isinstance(i, dict) else i for i in case.get("indicators") or []]
        rows = case_table.case_to_rows(case)
        if index >= len(indicators):
            return (
                sess,
                gr.skip(),
                f"第{index + 1}行还不是完整的指标（请先填写名称和分值），评分参数无法保存。",
                gr.skip(),
            )
        try:
            extras = case_table.parse_extras(text, index + 1)
        except AssistantError as exc:
            return sess, gr.skip(), f"❌ {exc}", gr.skip(), gr.skip()
        ind = {k: v for k, v in indicators[index].items() if k not in case_table.EXTRA_LABELS}
        indicators[index] = {**ind, **extras}
        case["indicators"] = indicators
        found = case_form.locate(validate(case), rows)
        try:
            record = services.workspace.save_case(user, sess.current, case, found)
        except ConflictError as exc:
            return sess, gr.skip(), f"⚠ {exc}", gr.skip(), gr.skip()
        sess = sess.with_project(record)
        return sess, shell.bar(sess, user), "", case_form.problems_html(found), form_key(record)

    def _share(username: str, team: bool | None, sess: Session, request: gr.Request, *, remove: bool = False):
        user = services.user(request)
        if sess.current is None:
            raise messages.error("尚未打开项目。")
        try:
            if remove:
                record = store.unshare(user, sess.current.id, (username or "").strip())
            else:
                record = store.share(
                    user, sess.current.id, with_user=(username or "").strip() or None, team=team
                )
        except AssistantError as exc:
            raise messages.error(str(exc)) from None
        sess = sess.with_project(record)
        return sess, share_markdown(sess, user), ""

    def _compare(version_id, sess: Session, request: gr.Request):
        user = services.user(request)
        if sess.current is None or version_id is None:
            raise messages.error("请先选择一个历史版本。")
        info, data = store.case_version(user, sess.current.id, int(version_id))
        return case_form.compare_html(data, sess.case or {}, f"{info.created_at:%m-%d %H:%M} 的版本", "当前")

    def _restore(version_id, sess: Session, request: gr.Request):
        user = services.user(request)
        if version_id == CANCELLED:
            return [sess, *[gr.skip()] * (len(opened_outputs) - 1)]
        if sess.current is None or version_id is None:
            raise messages.error("请先选择一个历史版本。")
        try:
            record = services.workspace.restore_case(user, sess.current, int(version_id))
        except AssistantError as exc:
            raise messages.error(str(exc)) from None
        sess = sess.with_project(record)
        return opened(sess, user, "已恢复所选版本（恢复前的数据也保留在“历史版本”中）。")

    def _choices(request: gr.Request):
        return gr.update(choices=project_choices(services, services.user(request)))

    # Typing into the form right after 新建项目 goes into the new project (kept when the blank form arrives).
    new_btn.click(None, None, None, js=REFRESH_LEAVES_JS)
    leaving = [pending_save, form_rev, *form]
    # While a project opens, its progress shows on the status line above the form, not as a veil over the
    # form (typing goes on meanwhile; the page must not look frozen).
    busy = {"show_progress_on": [status]}
    new_btn.click(_new, [*leaving, new_kind, session], opened_outputs, js=TAKE_PENDING_SAVE_JS, **busy).then(
        None, None, None, js=REFRESH_DONE_JS
    )
    leave = {
        "fn": _leave,
        "inputs": [*leaving, session],
        "outputs": [session, form_rev, shell.bar_component],
        "js": TAKE_PENDING_SAVE_JS,
    }
    sample_btn.click(**leave, show_progress="hidden").success(_sample, [session], opened_outputs, **busy)
    open_btn.click(_open, [*leaving, saved, session], opened_outputs, js=TAKE_PENDING_SAVE_JS, **busy)
    saved.focus(_choices, None, saved, show_progress="hidden")
    delete_btn.click(
        _delete,
        [saved, session],
        opened_outputs,
        js=confirm_js("删除所选项目？删除后它不再出现在列表中。"),
        **busy,
    )
    upload.upload(**leave, show_progress="hidden").success(
        _upload,
        [upload, session],
        [
            *opened_outputs,
            upload,
            import_choice,
            import_note,
            import_form,
            import_all,
            import_over,
            pending_upload,
        ],
        **busy,
    )
    import_new.click(**leave, show_progress="hidden").success(
        _import_new,
        [pending_upload, import_form, session],
        [*opened_outputs, import_choice, pending_upload],
        **busy,
    )
    import_all.click(**leave, show_progress="hidden").success(
        _import_all, [pending_upload, session], [*opened_outputs, import_choice, pending_upload], **busy
    )
    import_over.click(**leave, show_progress="hidden").success(
        _import_over,
        [pending_upload, import_form, session],
        [*opened_outputs, import_choice, pending_upload],
        **busy,
    )
    import_cancel.click(lambda: (gr.update(visible=False), None), None, [import_choice, pending_upload])
    reload_btn.click(_reload, [session], opened_outputs, **busy)
    overwrite_btn.click(_overwrite, [session], opened_outputs, **busy)
    add_row.click(_add_row, [table], [table])
    del_row.click(
        _del_row,
        [table, del_no, session, *form],
        [table, session, shell.bar_component, problems, status, form_rev],
    )
    table.select(_select_row, [session, table], [selected_row, row_title, row_detail, row_extras])
    row_extras.input(
        _edit_extras,
        [row_extras, selected_row, session],
        [session, shell.bar_component, status, problems, form_rev],
        trigger_mode="always_last",
        show_progress="hidden",
    )

    def _share_user(username: str, sess: Session, request: gr.Request):
        return _share(username, None, sess, request)

    def _unshare_user(username: str, sess: Session, request: gr.Request):
        return _share(username, None, sess, request, remove=True)

    def _share_team(team: bool, sess: Session, request: gr.Request):
        return _share("", team, sess, request)

    def _version_choices(sess: Session, request: gr.Request):
        return gr.update(choices=version_choices(sess, services.user(request)))

    share_btn.click(_share_user, [share_user, session], [session, share_info, share_user])
    unshare_btn.click(_unshare_user, [share_user, session], [session, share_info, share_user])
    share_team.input(_share_team, [share_team, session], [session, share_info, share_user])
    versions.focus(_version_choices, [session], versions, show_progress="hidden")
    compare_btn.click(_compare, [versions, session], compare)
    restore_btn.click(
        _restore,
        [versions, session],
        opened_outputs,
        js=confirm_js("恢复到所选版本？当前数据会先保留为一个历史版本。"),
        **busy,
    )
    return {
        "show": show,
        "outputs": show_outputs,
        "refresh": refresh,
        "refresh_inputs": [form_rev, *form],
        "sample": _sample,
        "leave": leave,
        "busy": busy,
        "opened_outputs": opened_outputs,
        "narrative": narrative,
    }

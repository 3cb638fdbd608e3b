"""设置与帮助 tab: which model and knowledge base are in use, rebuilding the index, connecting a model, login."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import gradio as gr

from assistant.errors import AssistantError
from assistant.settings import Settings

from . import knowledge
from .services import Services

HELP = """
### 连接大模型（可选）
不连接大模型时，问答返回知识库原文摘录，起草使用离线模板和以往报告写法，所有数字均来自评分结果。
要连接任何兼容 OpenAI 接口的模型服务（本机 Ollama、vLLM 或云服务），在启动前设置环境变量（或写入工作目录的 `.env` 文件），然后重启：

```
PE_ASSISTANT_LLM_BASE_URL=http://localhost:11434/v1
PE_ASSISTANT_LLM_MODEL=qwen2.5:7b
PE_ASSISTANT_LLM_API_KEY=任意字符串（本机服务）或服务商提供的密钥
```

也可以用本机的 GGUF 模型文件：`PE_ASSISTANT_GGUF_PATH=/路径/模型.gguf`（需安装 cyllama）。

### 多人共用时的登录
启动时加 `--auth 用户名:密码`，或设置 `PE_ASSISTANT_AUTH=用户名:密码`：

```
pe-assistant serve --host 0.0.0.0 --port 7860 --auth finance:请换成强密码
```

每个浏览器会话各自独立；未保存的修改别人看不到，已保存的项目在“项目录入”页的列表中可以重新打开。

### 数据存放位置
知识库索引、已保存的项目和草稿都在数据目录中（`PE_ASSISTANT_DATA_DIR`）。项目每次修改都会自动保存。
"""


def model_description(settings: Settings) -> str:
    """Which chat model is in use, in words a clerk understands."""
    kind = settings.drafter_kind
    if kind == "llm":
        return f"大模型服务：`{settings.llm_model}`（{settings.llm_base_url}）"
    if kind == "gguf":
        return f"本机 GGUF 模型：`{settings.gguf_path}`"
    return "离线模式（未连接大模型）：问答给出知识库原文摘录，起草使用模板和以往报告写法"


def status_markdown(services: Services) -> str:
    s = services.settings
    kb = knowledge.summary(s)
    if services.index_status:  # a build in progress: its progress line and the files done, on one line
        first, *rest = [ln.strip("- ").strip() for ln in services.index_status.splitlines() if ln.strip()]
        kb = first + (f"（{'；'.join(rest)}）" if rest else "")
    lines = [
        "### 当前配置",
        f"- **模型**：{model_description(s)}",
        f"- **向量模型**：`{s.embedding}`（随软件安装，离线可用）",
        f"- **知识库**：{kb}",
        f"- **数据目录**：`{s.data_dir}`",
        f"- **登录**：{'已启用' if s.auth else '未启用（仅本机使用时无需登录）'}",
    ]
    titles = "" if services.index_status else knowledge.titles_markdown(s)
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
        yield from knowledge.ingest(services.settings, paths)
    except AssistantError as exc:
        yield f"出错了：{exc}"
        return
    finally:
        services.ingest_lock.release()
    services.reset_retriever()
    yield knowledge.summary(services.settings) + "\n\n✔ 知识库已更新。"


def build(services: Services) -> gr.Markdown:
    """Returns the status panel, which the app refreshes while a background build runs."""
    status = gr.Markdown(status_markdown(services), elem_id="settings-status")
    with gr.Row():
        with gr.Column(scale=2):
            files = gr.File(
                label="加入知识库的文件（政策、以往报告：.txt .md .docx .pdf .xlsx，可多选）",
                file_count="multiple",
                file_types=[".txt", ".md", ".docx", ".pdf", ".xlsx"],
                height=140,
            )
        with gr.Column(scale=1):
            ingest_btn = gr.Button("更新知识库", variant="primary", elem_id="settings-ingest")
            progress = gr.Markdown(elem_id="settings-progress")
    gr.Markdown(HELP)

    def _rebuild(f):
        yield from rebuild(f, services)

    ingest_btn.click(_rebuild, [files], [progress], concurrency_limit=1).then(
        lambda: status_markdown(services), None, status
    )
    return status

"""The one place that builds the language model from settings; every stage receives it as an argument.

- ``llm_base_url`` + ``llm_model``: any OpenAI-compatible endpoint (Ollama, vLLM, a cloud API) via
  langchain-openai's ``ChatOpenAI``, streaming.
- ``gguf_path``: a local GGUF file run in-process with ``cyllama`` (optional; never downloads anything).
- neither: ``None`` — callers then use the offline drafter.
"""

from __future__ import annotations

from langchain_core.language_models import BaseLanguageModel
from langchain_core.messages import BaseMessage

from assistant.errors import ConfigError
from assistant.settings import Settings, get_settings

GGUF_CONTEXT = 16384
GGUF_MAX_TOKENS = 2048


def build_llm(settings: Settings | None = None) -> BaseLanguageModel | None:
    """The configured model, or ``None`` when no endpoint and no GGUF file is set."""
    settings = settings or get_settings()
    kind = settings.drafter_kind
    if kind == "llm":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            # Local servers accept any key; the OpenAI client refuses an empty one.
            api_key=settings.llm_api_key or "not-needed",
            temperature=settings.llm_temperature,
            streaming=True,
            timeout=120,
            max_retries=1,
        )
    if kind == "gguf":
        return _build_gguf(settings)
    if settings.llm_base_url or settings.llm_model:
        raise ConfigError(
            "大模型配置不完整：需要同时设置 PE_ASSISTANT_LLM_BASE_URL 和 PE_ASSISTANT_LLM_MODEL"
            "（例如 http://localhost:11434/v1 与 qwen2.5:7b），或都不设置以使用离线起草。"
        )
    return None


def _build_gguf(settings: Settings) -> BaseLanguageModel:
    path = settings.gguf_path
    if path is None or not path.is_file():
        raise ConfigError(
            f"找不到本地模型文件 PE_ASSISTANT_GGUF_PATH={path}；请指向一个已下载的 .gguf 文件。"
        )
    try:
        from cyllama.integrations import CyllamaLLM
    except ImportError as exc:
        raise ConfigError(
            "已设置本地 GGUF 模型，但未安装 cyllama。请运行：.venv/bin/pip install cyllama"
            "（预编译版本，无需编译），或取消 PE_ASSISTANT_GGUF_PATH 以使用离线起草。"
        ) from exc
    # A drafting prompt lists every quotable figure (~10k tokens for a large case) and the answer is a JSON
    # part of several paragraphs: the library's default context and answer length are too small for that.
    return CyllamaLLM(
        model_path=str(path),
        temperature=settings.llm_temperature,
        n_ctx=GGUF_CONTEXT,
        max_tokens=GGUF_MAX_TOKENS,
    )


def message_text(output: BaseMessage | str) -> str:
    """The text of a chat message or of a plain completion (GGUF models return strings)."""
    if isinstance(output, str):
        return output
    content = output.content
    if isinstance(content, str):
        return content
    return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)

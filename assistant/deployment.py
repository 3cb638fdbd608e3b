"""The model queue shared by every process of a deployment.

With a work database configured (``PE_ASSISTANT_DATABASE_URL``; PostgreSQL for a bureau), every model client built
by :func:`assistant.llm.build_llm` in every process — workbench processes and CLI runs alike — waits in one queue
kept in that database (:class:`assistant.model_queue.DatabaseSlots`, one queue per model server URL), so
``PE_ASSISTANT_LLM_CONCURRENCY`` is the limit of the whole deployment rather than of each process. The saved model
settings in the database (key ``model``, written by the workbench's settings tab) may also carry
``llm_concurrency``; when present it wins over the environment and is read again every few seconds, so a change
needs no restart. Without a database URL each process keeps its own in-process queue.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from assistant.model_queue import DatabaseSlots
from assistant.settings import Settings

MODEL_SETTING = "model"
"""The database setting holding the deployment's model connection (written by the workbench's settings tab)."""
LIMIT_REFRESH_SECONDS = 5.0

_installed: dict[tuple[str, str], DatabaseSlots] = {}
_lock = threading.Lock()


def shared_limit(engine, default: int) -> Callable[[], int]:
    """The deployment's concurrency limit: the saved model settings' ``llm_concurrency``, else ``default``;
    read from the database at most every few seconds."""
    from sqlalchemy import text

    cache = {"at": 0.0, "value": default}

    def limit() -> int:
        now = time.monotonic()
        if now - cache["at"] >= LIMIT_REFRESH_SECONDS:
            cache["at"] = now
            try:
                with engine.connect() as conn:
                    row = conn.execute(
                        text("SELECT value FROM app_settings WHERE key = :key"), {"key": MODEL_SETTING}
                    ).first()
            except Exception:  # noqa: BLE001 - no settings table yet (fresh database): the environment's limit
                row = None
            value = _concurrency(row[0] if row else None)
            cache["value"] = value or default
        return cache["value"]

    return limit


def _concurrency(saved) -> int | None:
    if isinstance(saved, str):
        import json

        try:
            saved = json.loads(saved)
        except ValueError:
            return None
    if isinstance(saved, dict):
        try:
            value = int(saved.get("llm_concurrency") or 0)
        except (TypeError, ValueError):
            return None
        return value if value >= 1 else None
    return None


def shared_slots(settings: Settings) -> DatabaseSlots | None:
    """The deployment's queue in the work database for these settings (one per database URL and model server per
    process), or ``None`` without ``PE_ASSISTANT_DATABASE_URL`` (the caller then uses its in-process queue).

    :func:`assistant.llm.build_llm` asks for it, so every model client of every process goes through it."""
    url = getattr(settings, "database_url", None)
    if not url:
        return None
    pool = settings.llm_base_url or "default"
    with _lock:
        slots = _installed.get((url, pool))
        if slots is None:
            from sqlalchemy import create_engine

            engine = create_engine(url, pool_pre_ping=True)
            slots = DatabaseSlots(
                engine,
                size=shared_limit(engine, settings.llm_concurrency),
                timeout=settings.llm_queue_timeout,
                pool=pool,
            )
            _installed[(url, pool)] = slots
        return slots

"""Backends shared by all sessions of one running workbench: settings, case store, retriever, chat model.

The retriever and the chat model are built on first use (loading the embedder takes seconds), once, behind a
lock, so the page is served at once and concurrent first requests do not load twice.
"""

from __future__ import annotations

import threading
from typing import Any

from assistant.settings import Settings

from .case_store import CaseStore


class Services:
    """One per app. Tab callbacks receive it; tests build it on a temp data dir."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = CaseStore(settings.cases_dir)
        self._lock = threading.Lock()
        self._retriever: Any = None
        self._llm: Any = None
        self._llm_loaded = False
        self.ingest_lock = threading.Lock()
        self.index_status = ""
        """The last progress line of a knowledge-base build running in the background ('' when none)."""

    def retriever(self) -> Any:
        """The hybrid retriever over the knowledge base (raises ConfigError if no index exists yet)."""
        with self._lock:
            if self._retriever is None:
                from assistant.retrieval import get_retriever

                self._retriever = get_retriever(self.settings)
            return self._retriever

    def reset_retriever(self) -> None:
        """Forget the retriever so the next question sees a freshly built index."""
        with self._lock:
            self._retriever = None

    def llm(self) -> Any:
        """The configured chat model, or None for the offline answerer/drafter."""
        with self._lock:
            if not self._llm_loaded:
                from assistant.llm import build_llm

                self._llm = build_llm(self.settings)
                self._llm_loaded = True
            return self._llm

    def start_background_index(self) -> bool:
        """On a fresh machine, index the shipped corpus in a thread so the page is usable at once.

        Returns True when a build was started (False when an index exists or a build is running)."""
        from .knowledge import ingest, is_built

        if is_built(self.settings) or not self.ingest_lock.acquire(blocking=False):
            return False

        def work():
            try:
                for line in ingest(self.settings, []):
                    self.index_status = line
            except Exception as exc:  # shown on the settings tab; the page keeps working
                self.index_status = f"知识库建立失败：{exc}"
            else:
                self.index_status = ""
                self.reset_retriever()
            finally:
                self.ingest_lock.release()

        self.index_status = "⏳ 正在建立知识库……"
        threading.Thread(target=work, name="pe-index", daemon=True).start()
        return True

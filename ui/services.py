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

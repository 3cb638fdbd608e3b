"""Backends shared by all sessions of one running workbench: settings, the database, the case workspace,
the retriever and the chat model; and who is asking (the logged-in user, or the local user without login).

The retriever and the chat model are built on first use (loading the embedder takes seconds), once, behind a
lock, so the page is served at once and concurrent first requests do not load twice. Model settings changed
by an administrator are stored in the database and take effect on the next request, without a restart.
"""

from __future__ import annotations

import threading
from typing import Any

import gradio as gr

from assistant.db import Store, UserInfo, open_store
from assistant.errors import PermissionDenied
from assistant.settings import Settings
from assistant.workspace import Workspace

WARM_UP_QUERY = "预算执行率如何计分"
"""A question answered once in the background (offline, not shown) so the embedder, the keyword index and
what answering reads are loaded before a user asks."""
MODEL_KEYS = ("llm_base_url", "llm_model", "llm_api_key", "llm_temperature")
MODEL_SETTING = "model"


class Services:
    """One per app. Tab callbacks receive it; tests build it on a temp data dir."""

    def __init__(self, settings: Settings):
        self.base_settings = settings
        self.store: Store = open_store(settings)
        self.workspace = Workspace(self.store, retriever=self.retriever_or_none, llm=self.llm)
        self._lock = threading.Lock()
        self._retriever: Any = None
        self._llm: Any = None
        self._llm_key: tuple | None = None
        self._warming: threading.Thread | None = None
        self.ingest_lock = threading.Lock()
        self.index_status = ""
        """The last progress line of a knowledge-base build running in the background ('' when none)."""

    # ------------------------------------------------------------------ settings

    @property
    def settings(self) -> Settings:
        """The start-up settings with the model connection an administrator saved in the workbench."""
        saved = self.store.setting(MODEL_SETTING) or {}
        update = {k: saved[k] for k in MODEL_KEYS if k in saved}
        return self.base_settings.model_copy(update=update) if update else self.base_settings

    @property
    def login_enabled(self) -> bool:
        return bool(self.base_settings.auth)

    def user(self, request: gr.Request | None) -> UserInfo:
        """Who sent this request: the logged-in user, or the local user when the workbench has no login."""
        username = getattr(request, "username", None) if request is not None else None
        if self.login_enabled:
            user = self.store.user(username) if username else None
            if user is None:
                raise PermissionDenied("登录已失效，请刷新页面重新登录。")
            return user
        user = self.store.user(None)
        assert user is not None  # created when the store opened
        return user

    def remember(self, session: Any, user: UserInfo, **state: Any) -> None:
        """Note where this browser is (project, tab, section, chat) so a reload reopens it."""
        if getattr(session, "browser", ""):
            self.store.set_user_state(user, session.browser, **state)

    def last_state(self, session: Any, user: UserInfo) -> dict[str, Any]:
        """Where this browser left off; with login, else where the user last worked in any browser."""
        if not getattr(session, "browser", ""):
            return {}
        return self.store.user_state(user, session.browser, fallback=self.login_enabled)

    # ------------------------------------------------------------------ models

    def retriever(self) -> Any:
        """The hybrid retriever over the knowledge base (raises ConfigError if no index exists yet)."""
        warming = self._warming
        if warming is not None and warming is not threading.current_thread():
            warming.join()  # loading the same models twice at once would only be slower
        with self._lock:
            if self._retriever is None:
                from assistant.retrieval import get_retriever

                self._retriever = get_retriever(self.base_settings)
            return self._retriever

    def retriever_or_none(self) -> Any:
        """The knowledge base if one is built; drafting still works without precedent when none is."""
        from assistant.errors import ConfigError

        from .knowledge import is_built

        if not is_built(self.base_settings):
            return None
        try:
            return self.retriever()
        except (ConfigError, FileNotFoundError):
            return None

    def warm_retriever(self) -> bool:
        """Load the knowledge base's search models in the background, once, after the first page has been
        served: the first question then waits about a second instead of tens of seconds. Returns True when
        the loading started (False when it ran already, or no knowledge base is built or being built)."""
        from .knowledge import is_built

        with self._lock:
            if self._warming is not None or self.index_status or not is_built(self.base_settings):
                return False

            def work() -> None:
                try:
                    from assistant.answering import answer_question

                    answer_question(WARM_UP_QUERY, self.retriever())  # offline: loads what answering uses
                except Exception:  # the first question reports what is wrong, in its words
                    pass

            self._warming = threading.Thread(target=work, name="pe-warm-retriever", daemon=True)
            self._warming.start()
            return True

    def reset_retriever(self) -> None:
        """Forget the retriever so the next question sees a freshly built index."""
        with self._lock:
            self._retriever = None

    def llm(self) -> Any:
        """The configured chat model, or None for the offline answerer/drafter (rebuilt when changed)."""
        settings = self.settings
        key = tuple(getattr(settings, k) for k in MODEL_KEYS) + (str(settings.gguf_path),)
        with self._lock:
            if self._llm_key != key:
                from assistant.llm import build_llm

                self._llm = build_llm(settings)
                self._llm_key = key
            return self._llm

    def start_background_index(self) -> bool:
        """On a fresh machine, index the shipped corpus in a thread so the page is usable at once.

        Returns True when a build was started (False when an index exists or a build is running)."""
        from .knowledge import ingest, needs_work

        if not needs_work(self.base_settings) or not self.ingest_lock.acquire(blocking=False):
            return False

        def work():
            try:
                for line in ingest(self.base_settings, []):
                    self.index_status = line
            except Exception as exc:  # shown on the settings tab; the page keeps working
                from .messages import describe

                self.index_status = f"知识库建立失败：{describe(exc, '建立知识库')}"
            else:
                self.index_status = ""
                self.reset_retriever()
            finally:
                self.ingest_lock.release()

        self.index_status = "⏳ 正在建立知识库……"
        threading.Thread(target=work, name="pe-index", daemon=True).start()
        return True

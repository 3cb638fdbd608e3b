"""The workbench database (工作数据库), through SQLAlchemy 2.x with Alembic migrations.

``open_store(settings)`` connects (SQLite in the data directory, or ``PE_ASSISTANT_DATABASE_URL``), brings
the schema up to date, creates the built-in local user and moves saved cases of older versions in.
"""

from __future__ import annotations

import threading

from sqlalchemy.exc import OperationalError

from assistant.errors import ConfigError
from assistant.settings import Settings

from .engine import database_url, make_engine
from .legacy import import_legacy_cases
from .migrate import upgrade
from .records import ChatTurn, ProjectRecord, ProjectSummary, UserInfo, VersionInfo
from .store import LOCAL_USER, Store

_opened: dict[str, Store] = {}
_lock = threading.Lock()


def open_store(settings: Settings) -> Store:
    """The store for these settings, migrated and ready (one per database URL per process)."""
    url = database_url(settings)
    with _lock:
        store = _opened.get(url)
        if store is None:
            engine = make_engine(url)
            try:
                upgrade(engine)
            except OperationalError as exc:
                raise ConfigError(
                    f"无法打开工作数据库（{engine.url.render_as_string(hide_password=True)}）：{exc.orig}。"
                    "请检查 PE_ASSISTANT_DATABASE_URL 或数据目录的写权限。"
                ) from None
            store = Store(engine)
            local = store.ensure_local_user()
            import_legacy_cases(store, settings.cases_dir, local)
            _opened[url] = store
        return store


__all__ = [
    "LOCAL_USER",
    "ChatTurn",
    "ProjectRecord",
    "ProjectSummary",
    "Store",
    "UserInfo",
    "VersionInfo",
    "open_store",
]

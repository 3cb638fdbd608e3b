"""Connecting to the workbench database: SQLite in the data directory by default, any SQLAlchemy URL
(e.g. ``postgresql+psycopg://user:pass@host/db``) from ``PE_ASSISTANT_DATABASE_URL``."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from assistant.errors import ConfigError
from assistant.settings import Settings

DB_FILE = "workbench.db"


def database_url(settings: Settings) -> str:
    """The configured URL, or the SQLite file in the data directory."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{Path(settings.data_dir) / DB_FILE}"


def _plain(value: Any) -> Any:
    """JSON for what case data holds besides JSON types: exact decimals and dates."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 2**53:
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_plain)


def make_engine(url: str) -> Engine:
    """An engine for this URL; SQLite gets foreign keys, WAL (readers never wait for a writer) and a wait
    on a locked file instead of an immediate error."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"数据库地址格式不正确：{url}。例如 sqlite:////路径/workbench.db 或 "
            "postgresql+psycopg://用户:密码@主机/库名（设置 PE_ASSISTANT_DATABASE_URL）"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, json_serializer=_dumps, connect_args={"timeout": 30, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001 - DB-API connection
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(parsed, json_serializer=_dumps, pool_pre_ping=True)

"""Saved cases (已保存的项目) under ``settings.cases_dir``: one JSON file per case, written atomically.

A stored case keeps the case exactly as the user entered it (even while it still has validation errors, so
nothing typed is ever lost), plus the current draft and which of its sections were edited by hand.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import InputError
from assistant.storage import atomic_write_text

_CASE_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$")


class StoredCase(BaseModel):
    """One saved case with its draft, as written to ``<cases_dir>/<id>.json``."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="File stem: creation time + random suffix, e.g. 20261123-093000-a1b2c3")
    name: str = Field(description="Project name shown in the list (项目名称)")
    updated_at: datetime = Field(description="Last save time (local)")
    case: dict[str, Any] = Field(
        description="The case in case-file shape (kind, project, budget, indicators…)"
    )
    draft: dict[str, Any] | None = Field(default=None, description="The current report draft (Report dump)")
    draft_kind: str | None = Field(default=None, description="'report' or 'self_evaluation'")
    edited_sections: list[str] = Field(default_factory=list, description="Ids of sections edited by hand")
    problems: list[str] = Field(default_factory=list, description="Validation messages at the last save")


class CaseSummary(BaseModel):
    """One row of the reopen list."""

    id: str
    name: str
    updated_at: datetime
    has_draft: bool
    problems: int


def new_case_id(now: datetime | None = None) -> str:
    now = now or datetime.now()
    return f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


class CaseStore:
    """The folder of saved cases. Every save replaces the whole file atomically."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, case_id: str) -> Path:
        if not _CASE_ID.match(case_id):
            raise InputError(f"项目编号格式不正确：{case_id}")
        return self.root / f"{case_id}.json"

    def save(self, stored: StoredCase) -> StoredCase:
        stored = stored.model_copy(update={"updated_at": datetime.now()})
        text = json.dumps(stored.model_dump(mode="json"), ensure_ascii=False, indent=1)
        atomic_write_text(self._path(stored.id), text)
        return stored

    def load(self, case_id: str) -> StoredCase:
        path = self._path(case_id)
        if not path.exists():
            raise InputError(f"找不到已保存的项目：{case_id}")
        try:
            return StoredCase.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError as exc:
            raise InputError(f"已保存的项目文件已损坏：{path.name}（{exc.error_count()} 处错误）") from exc

    def delete(self, case_id: str) -> None:
        self._path(case_id).unlink(missing_ok=True)

    def list(self) -> list[CaseSummary]:
        """Saved cases, newest first; unreadable files are skipped rather than hiding the rest."""
        if not self.root.exists():
            return []
        rows: list[CaseSummary] = []
        for path in self.root.glob("*.json"):
            if not _CASE_ID.match(path.stem):
                continue
            try:
                s = StoredCase.model_validate_json(path.read_text(encoding="utf-8"))
            except (ValidationError, OSError):
                continue
            rows.append(
                CaseSummary(
                    id=s.id,
                    name=s.name,
                    updated_at=s.updated_at,
                    has_draft=s.draft is not None,
                    problems=len(s.problems),
                )
            )
        rows.sort(key=lambda r: r.updated_at, reverse=True)
        return rows

"""Saved cases from before the database (one JSON file per case under ``<data dir>/cases``), moved into
the database on first start. The files are left where they are; each is imported once, keeping its id."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from .records import UserInfo
from .schema import DraftVersion, Project
from .store import Store

log = logging.getLogger(__name__)
MIGRATED_KEY = "legacy_cases_imported"


def import_legacy_cases(store: Store, cases_dir: Path, owner: UserInfo) -> list[str]:
    """Import every readable ``<id>.json`` not imported before; returns the ids imported now.

    They were visible to every user of the old workbench, so they stay visible to the whole team."""
    cases_dir = Path(cases_dir)
    if not cases_dir.is_dir():
        return []
    done = set(store.setting(MIGRATED_KEY, []) or [])
    imported: list[str] = []
    for path in sorted(cases_dir.glob("*.json")):
        if path.stem in done:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            case = data["case"]
            if not isinstance(case, dict):
                raise ValueError("case is not a mapping")
            updated = datetime.fromisoformat(str(data.get("updated_at")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("skipped unreadable saved case %s: %s", path.name, exc)
            continue
        with store._tx() as s:
            if s.scalar(select(Project.id).where(Project.id == path.stem)) is None:
                p = Project(
                    id=path.stem,
                    owner_id=owner.id,
                    name=str(data.get("name") or "未命名项目"),
                    kind=str(case.get("kind") or "self_evaluation"),
                    case_data=case,
                    problems=list(data.get("problems") or []),
                    draft=data.get("draft"),
                    draft_kind=data.get("draft_kind"),
                    edited_sections=list(data.get("edited_sections") or []),
                    revision=1,
                    shared_with_team=True,
                    created_at=updated,
                    updated_at=updated,
                    updated_by=owner.id,
                )
                s.add(p)
                s.flush()
                store._keep_case(s, p, owner, "从旧版保存文件迁移")
                if p.draft is not None:
                    s.add(
                        DraftVersion(
                            project_id=p.id,
                            revision=1,
                            draft_kind=p.draft_kind or "report",
                            report=p.draft,
                            edited_sections=p.edited_sections,
                            reason="从旧版保存文件迁移",
                            created_at=updated,
                            created_by=owner.id,
                        )
                    )
        imported.append(path.stem)
        done.add(path.stem)
    if imported:
        store.set_setting(MIGRATED_KEY, sorted(done))
    return imported

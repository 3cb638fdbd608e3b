"""Per-browser-session state (会话状态), held in a ``gr.State``.

Gradio deep-copies a State's initial value for every browser session, so two people working at the same
time never see each other's unsaved edits; what is shared is only what they save to the case store.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .case_store import CaseStore, StoredCase, new_case_id


class Session(BaseModel):
    """What one browser session is working on."""

    current: StoredCase | None = Field(default=None, description="The open case (as last autosaved)")
    pending_section: dict[str, Any] | None = Field(
        default=None, description="A regenerated section awaiting accept/revert: {'id', 'before', 'after'}"
    )

    @property
    def case(self) -> dict[str, Any] | None:
        return self.current.case if self.current else None

    @property
    def draft(self) -> dict[str, Any] | None:
        return self.current.draft if self.current else None


def open_case(
    case: dict[str, Any], name: str, store: CaseStore, problems: list[str] | None = None
) -> Session:
    """Start a new saved case from case-file data and make it the session's current case."""
    stored = StoredCase(
        id=new_case_id(),
        name=name or "未命名项目",
        updated_at="1970-01-01T00:00:00",
        case=case,
        problems=problems or [],
    )
    return Session(current=store.save(stored))


def autosave(session: Session, store: CaseStore, **changes: Any) -> Session:
    """Apply changes to the current case and save it at once (every edit is saved)."""
    if session.current is None:
        return session
    updated = session.current.model_copy(update=changes)
    return session.model_copy(update={"current": store.save(updated)})

"""Per-browser-session state (会话状态), held in a ``gr.State``.

Gradio deep-copies a State's initial value for every browser session. What a session holds is the project
as it last saved it (with the revision the next save must name) and edits awaiting a decision; the
project itself lives in the database, so a reload or another window reopens it from there.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from assistant.db import ProjectRecord
from assistant.report import Report


class Session(BaseModel):
    """What one browser session is working on."""

    current: ProjectRecord | None = Field(default=None, description="The open project as last saved")
    browser: str = Field(default="", description="This browser's id (kept in its local storage)")
    pending_redraft: dict[str, Any] | None = Field(
        default=None, description="A redraft awaiting 采用/保留: {'section', 'after' (Report dump)}"
    )
    unsaved_case: dict[str, Any] | None = Field(
        default=None, description="An edit refused because the project changed meanwhile (kept, not lost)"
    )
    conversation: int | None = Field(default=None, description="The open chat (问答记录) id")

    @property
    def case(self) -> dict[str, Any] | None:
        return self.current.case if self.current else None

    @property
    def draft(self) -> dict[str, Any] | None:
        return self.current.draft if self.current else None

    def report(self) -> Report | None:
        return Report.model_validate(self.current.draft) if self.current and self.current.draft else None

    def with_project(self, record: ProjectRecord | None) -> Session:
        """The session with this project open (a different project drops edits awaiting a decision)."""
        same = self.current is not None and record is not None and record.id == self.current.id
        update: dict[str, Any] = {"current": record}
        if not same:
            update.update(pending_redraft=None, unsaved_case=None)
        return self.model_copy(update=update)

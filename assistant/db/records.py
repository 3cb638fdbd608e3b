"""What the database layer hands out: plain pydantic records, never ORM objects or sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class UserInfo(BaseModel):
    """A user as the workbench shows it."""

    id: int
    username: str
    display_name: str = ""
    role: str = Field(default="user", description="'admin' or 'user'")
    active: bool = True

    @property
    def label(self) -> str:
        return self.display_name or self.username

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class ProjectRecord(BaseModel):
    """An open project: the case as entered (even with errors, so nothing typed is lost) and its draft."""

    id: str
    name: str
    kind: str
    case: dict[str, Any] = Field(
        description="The case in case-file shape (kind, project, budget, indicators…)"
    )
    problems: list[Any] = Field(default_factory=list, description="Validation problems at the last save")
    draft: dict[str, Any] | None = Field(default=None, description="The current report draft (Report dump)")
    draft_kind: str | None = Field(default=None, description="'report' or 'self_evaluation'")
    edited_sections: list[str] = Field(default_factory=list, description="Ids of sections edited by hand")
    revision: int = Field(description="Save counter: a save must name the revision it was based on")
    updated_at: datetime
    updated_by: str = Field(default="", description="Who saved last (display name)")
    owner: str = Field(default="", description="Owner's display name")
    owner_id: int = 0
    shared_with_team: bool = False
    shared_with: list[str] = Field(default_factory=list, description="Usernames it is shared with")


class ProjectSummary(BaseModel):
    """One row of the project list."""

    id: str
    name: str
    updated_at: datetime
    has_draft: bool
    problems: int
    owner: str
    mine: bool
    shared: bool = Field(description="Shared with someone (or the team)")


class VersionInfo(BaseModel):
    """One kept version of a case or a draft."""

    id: int
    revision: int
    reason: str
    created_at: datetime
    created_by: str = ""
    name: str = ""


class ChatTurn(BaseModel):
    role: str
    content: str

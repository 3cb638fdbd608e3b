"""Typed errors. Messages are Chinese because they reach users (CLI and UI) as they are."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """One thing wrong in a user's input, where it is and what to do — a structure, so a screen can mark
    the cell and a list can group it without re-reading the message."""

    message: str = Field(description="The Chinese message, naming the row/field and what was expected")
    field: str = Field(default="", description="Case-file location, e.g. 'project.year' or 'indicators.2.target'")
    row: int | None = Field(default=None, description="1-based row of a table the user sees, when known")
    column: str = Field(default="", description="The column or form field the user sees, when known")
    group: str = Field(default="", description="Which part of the form: 项目信息, 预算执行, 绩效指标…")


class AssistantError(Exception):
    """Base class: the message is shown to the user verbatim."""


class InputError(AssistantError):
    """Bad user input (a case file, a value, a draft). The message names the row/field and what was expected.

    ``problems`` lists each problem as a :class:`Problem` when the raiser knows them one by one."""

    def __init__(self, message: str = "", problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])


class ConfigError(AssistantError):
    """Missing or wrong configuration. The message says what to set."""


class ModelOutputError(AssistantError):
    """A language model's output failed validation even after one retry."""


class ConflictError(AssistantError):
    """A save based on an older state of a project: someone else saved in between. Nothing is overwritten;
    the message says who changed it and when."""


class PermissionDenied(AssistantError):
    """The user may not see or change this (another user's project, an admin-only setting)."""

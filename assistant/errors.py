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


class ModelError(AssistantError):
    """A model call ended without a usable reply; callers fall back to the offline result and show
    :meth:`fallback_note`, never a traceback.

    ``reason`` is one line of Chinese without figures (it goes into drafts, where every number must be traceable);
    ``detail`` holds the specifics for logs and the terminal (HTTP status, seconds waited, token counts)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}（{detail}）" if detail else reason)
        self.reason = reason
        self.detail = detail

    def fallback_note(self, what: str) -> str:
        """The note shown beside the offline result, e.g. ``fallback_note("本节已改用离线模板起草")``."""
        return f"大模型未能完成（{self.reason}），{what}。"


class ModelUnavailable(ModelError):
    """The model could not be reached or did not answer in time: connection refused, timeout, HTTP 429/5xx,
    a rejected key. Asking again with a corrected prompt would not help."""

    retry_after: float | None = None
    """Seconds the server asked us to wait (HTTP 429/503), when it is worth one more try."""


class ModelReplyError(ModelError):
    """The model answered, but the reply was cut off (finish reason ``length``), empty, not the JSON asked for,
    or failed the caller's content checks, also after a retry with a short correction."""

"""Typed errors. Messages are Chinese because they reach users (CLI and UI) as they are."""


class AssistantError(Exception):
    """Base class: the message is shown to the user verbatim."""


class InputError(AssistantError):
    """Bad user input (a case file, a value, a draft). The message names the row/field and what was expected."""


class ConfigError(AssistantError):
    """Missing or wrong configuration. The message says what to set."""


class ModelOutputError(AssistantError):
    """A language model's output failed validation even after one retry."""


class ConflictError(AssistantError):
    """A save based on an older state of a project: someone else saved in between. Nothing is overwritten;
    the message says who changed it and when."""


class PermissionDenied(AssistantError):
    """The user may not see or change this (another user's project, an admin-only setting)."""

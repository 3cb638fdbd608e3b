"""Command-line entry point `pe-assistant`.

Each command lives in its own module in this package (``ingest.py``, ``score.py``…) and registers itself
on :data:`assistant.cli.app.app`; importing this package imports them all. Errors are turned into Chinese
messages with exit code 2 by :class:`assistant.cli.app.BoundaryGroup`, for every command.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

from assistant.errors import AssistantError

from .app import EXIT_USER_ERROR, app, eval_app, report_failure

for _mod in pkgutil.iter_modules(__path__):
    if _mod.name != "app":
        importlib.import_module(f"{__name__}.{_mod.name}")


def main() -> None:
    """Run the CLI; a user-facing error prints in Chinese and exits with code 2."""
    try:
        app()
    except AssistantError as exc:
        report_failure(exc)
        sys.exit(EXIT_USER_ERROR)
    except Exception as exc:  # raised outside a command (e.g. while parsing the top-level options)
        if os.environ.get("PE_ASSISTANT_DEBUG"):
            raise
        report_failure(exc, [a for a in sys.argv[1:] if not a.startswith("-")])
        sys.exit(EXIT_USER_ERROR)


__all__ = ["app", "eval_app", "main"]

"""Command-line entry point `pe-assistant`.

Each command lives in its own module in this package (``ingest.py``, ``score.py``…) and registers itself
on :data:`assistant.cli.app.app`; importing this package imports them all.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from rich.console import Console

from assistant.errors import AssistantError

from .app import app, eval_app

for _mod in pkgutil.iter_modules(__path__):
    if _mod.name != "app":
        importlib.import_module(f"{__name__}.{_mod.name}")


def main() -> None:
    """Run the CLI; a user-facing error prints in Chinese and exits with code 2."""
    try:
        app()
    except AssistantError as exc:
        Console(stderr=True).print(f"[red]错误：[/red]{exc}", highlight=False)
        sys.exit(2)


__all__ = ["app", "eval_app", "main"]

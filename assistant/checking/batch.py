"""Batch review (批量审核): many files and folders in one run — a whole departmental final account with its
forms — each document reviewed on its own, a failure in one never stopping the others."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.errors import AssistantError, InputError

from .models import CheckReport

REVIEWABLE = (".docx", ".md", ".markdown", ".txt", ".pdf", ".xlsx", ".html", ".htm")
"""File types the checker reads as drafts; a folder is searched for these (recursively)."""
_SKIPPED_NAMES = ("~$", ".~lock", ".")


class DocumentReview(BaseModel):
    """The review of one file: the report, or the Chinese message saying why it could not be reviewed."""

    path: str = Field(description="The file as given or found in a folder")
    report: CheckReport | None = None
    error: str | None = Field(default=None, description="Why the file could not be reviewed (Chinese)")
    seconds: float = 0.0


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files to review, in the order given; a folder contributes its reviewable files, sorted, recursively.
    A path that does not exist is an InputError naming it."""
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"找不到要审核的文件或文件夹：{p}")
        found = sorted(_in_folder(p)) if p.is_dir() else [p]
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _in_folder(folder: Path) -> Iterator[Path]:
    for f in folder.rglob("*"):
        if f.is_file() and f.suffix.lower() in REVIEWABLE and not f.name.startswith(_SKIPPED_NAMES):
            yield f


def review_all(paths: Iterable[Path], review) -> Iterator[DocumentReview]:
    """Run ``review(path) -> CheckReport`` on each file; a user-facing error becomes the file's message."""
    for path in paths:
        started = time.perf_counter()
        try:
            report = review(path)
        except AssistantError as exc:
            yield DocumentReview(
                path=str(path), error=str(exc), seconds=round(time.perf_counter() - started, 3)
            )
            continue
        yield DocumentReview(path=str(path), report=report, seconds=round(time.perf_counter() - started, 3))

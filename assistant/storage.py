"""Atomic file writes: nothing a user entered is lost to a crash half-way through a save."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, then rename over the target."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:  # name the file the caller asked for, not the temp file
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename == tmp:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


TEMP_GLOB = ".*.tmp"
"""The names ``atomic_write_bytes`` gives its temp files."""


def remove_orphaned_temp_files(folder: Path, max_age_seconds: float = 600) -> int:
    """Delete temp files left by writes that were killed half-way (a killed save never renames its temp file).

    Only files untouched for ``max_age_seconds`` go, so a write in progress in another process keeps its file;
    pass 0 where the caller holds the lock every writer of ``folder`` takes. Returns how many were removed."""
    import time

    removed = 0
    now = time.time()
    for path in Path(folder).glob(TEMP_GLOB):
        try:
            if path.is_file() and now - path.stat().st_mtime >= max_age_seconds:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed

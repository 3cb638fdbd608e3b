"""Long work in a thread while the page keeps answering (进度提示): a ticking 'already N seconds' line."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any


def run_with_ticker(
    work: Callable[[], Any], label: str | Callable[[], str], tick: float = 0.5
) -> Iterator[tuple[str, Any]]:
    """Run `work` in a thread; yield ('正在…已用 N 秒', None) while it runs, then ('', result).

    The page stays responsive (the event streams), and a slow model shows it is still working.
    """
    box: dict[str, Any] = {}

    def target():
        try:
            box["result"] = work()
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    started = time.monotonic()
    thread.start()
    while thread.is_alive():
        thread.join(tick)
        if thread.is_alive():
            text = label() if callable(label) else label
            yield f"⏳ {text}……已用 {time.monotonic() - started:.0f} 秒", None
    if "error" in box:
        raise box["error"]
    yield "", box["result"]

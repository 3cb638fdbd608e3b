"""Long work in a thread while the page keeps answering (进度提示): a ticking 'already N seconds' line."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
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


class ModelWait:
    """This request's place in the model's queue, for its progress line (大模型排队中): set while a model request
    waits for a slot (1 = next in line), cleared once the request goes to the model."""

    def __init__(self) -> None:
        self.position: int | None = None

    def waiting(self, position: int) -> None:
        self.position = position

    def client(self, llm: Any) -> Any:
        """`llm` (a ModelClient, or None offline) reporting this request's place in the queue here."""
        if llm is None or not hasattr(llm, "observed"):
            return llm
        return replace(llm.observed(self.waiting), slots=_Admitted(llm.slots, self))

    def label(self, doing: str) -> str:
        """`doing` while the request runs (or needs no model); where it waits while it waits."""
        if self.position is None:
            return doing
        ahead = self.position - 1
        return f"大模型排队中：前面还有 {ahead} 个请求" if ahead > 0 else "大模型排队中：下一个就轮到本请求"


class _Admitted:
    """The client's slots, telling a ModelWait when its request leaves the queue."""

    def __init__(self, slots: Any, queue: ModelWait) -> None:
        self._slots = slots
        self._queue = queue

    @contextmanager
    def slot(self, on_wait: Any = None) -> Iterator[None]:
        with self._slots.slot(on_wait):
            self._queue.position = None
            yield

"""Slots: how many model requests run at once, and the queue in front of them.

Every model request of :class:`~assistant.model_client.ModelClient` runs inside ``slots.slot(on_wait)``. The
default, :class:`LocalSlots`, is a first-come-first-served queue inside this process sized by
``PE_ASSISTANT_LLM_CONCURRENCY``. A deployment that runs several processes against one model server installs its
own provider (for example a queue kept in the database) with :func:`install_slots`; it must honour the same
contract:

- ``slot(on_wait)`` is a context manager entered in the thread that asks; it returns once the request may go;
- while waiting it calls ``on_wait(position)`` whenever the position changes (1 = next in line) so the user sees
  “排队中”;
- if no slot frees up in time it raises :class:`~assistant.errors.ModelUnavailable` with a Chinese reason, which
  sends the caller to its offline result.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from assistant.errors import ModelUnavailable

WaitCallback = Callable[[int], None]


class ModelSlots(Protocol):
    """Admission to the model server (see the module docstring for the contract)."""

    def slot(self, on_wait: WaitCallback | None = None) -> AbstractContextManager[None]: ...


class LocalSlots:
    """At most ``size`` requests of this process at once; the others wait in arrival order."""

    def __init__(self, size: int, timeout: float):
        self.size = size
        self.timeout = timeout
        self._cond = threading.Condition()
        self._busy = 0
        self._queue: deque[object] = deque()

    @contextmanager
    def slot(self, on_wait: WaitCallback | None = None) -> Iterator[None]:
        ticket = object()
        deadline = time.monotonic() + self.timeout
        with self._cond:
            self._queue.append(ticket)
            shown = 0
            while self._busy >= self.size or self._queue[0] is not ticket:
                position = self._queue.index(ticket) + 1
                if on_wait is not None and position != shown:
                    shown = position
                    on_wait(position)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._queue.remove(ticket)
                    self._cond.notify_all()
                    raise ModelUnavailable("排队等待大模型超时", f"超过 {self.timeout:.0f} 秒")
                self._cond.wait(remaining)
            self._queue.popleft()
            self._busy += 1
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self._busy -= 1
                self._cond.notify_all()

    @property
    def waiting(self) -> int:
        """Requests queued behind the busy slots."""
        with self._cond:
            return len(self._queue)


_installed: ModelSlots | None = None
_local: dict[tuple[int, float], LocalSlots] = {}
_lock = threading.Lock()


def install_slots(provider: ModelSlots | None) -> None:
    """Make ``provider`` the admission of every client built from now on (``None`` restores the default)."""
    global _installed
    _installed = provider


def slots_for(concurrency: int, timeout: float) -> ModelSlots:
    """The installed provider, else this process's queue for that size (shared by every client)."""
    if _installed is not None:
        return _installed
    with _lock:
        return _local.setdefault((concurrency, timeout), LocalSlots(concurrency, timeout))

"""Heavy work off the request path (后台任务): reviewing an uploaded document runs in a separate process
with a time budget, so a hostile or huge file can neither hold the server's interpreter nor run forever,
and another user's page keeps loading meanwhile.

Processes come from a fork server that has already imported the checker, so starting one takes
milliseconds; each job gets its own process, which is ended when the budget runs out.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from assistant.errors import AssistantError

PRELOAD = [
    "assistant.workspace",
    "assistant.checking",
    "assistant.checking.upload",
    "assistant.scoring",
    "docx",
]
_context: Any = None
_context_lock = threading.Lock()


class JobTimeout(AssistantError):
    """The job ran past its time budget and was stopped."""


class JobFailed(AssistantError):
    """The job raised something other than one of our own errors (its text is not shown to users)."""


def _context_for_jobs():
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
        return _context


def _child(conn, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except AssistantError as exc:
        conn.send(("user_error", str(exc)))
    except BaseException as exc:  # reported in general words by the parent
        conn.send(("failed", f"{type(exc).__name__}: {exc}"[:2000]))
    finally:
        conn.close()


def run_in_process(
    fn: Callable[..., Any], *args: Any, budget: float, label: str, tick: float = 0.5
) -> Iterator[tuple[str, Any]]:
    """Run `fn(*args)` (picklable, module-level) in its own process; yield ('⏳ label……已用 N 秒', None) while it
    runs, then ('', result). Raises JobTimeout past `budget` seconds, AssistantError for the job's own errors."""
    ctx = _context_for_jobs()
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, fn, args), daemon=True)
    started = time.monotonic()
    process.start()
    child.close()
    outcome = None
    try:
        while True:
            if parent.poll(tick):
                try:
                    outcome = parent.recv()
                except EOFError:
                    outcome = ("failed", "worker exited")
                break
            if not process.is_alive():
                outcome = ("failed", f"worker exited with code {process.exitcode}")
                break
            elapsed = time.monotonic() - started
            if elapsed > budget:
                raise JobTimeout(
                    f"{label}超过 {budget:.0f} 秒仍未完成，已停止。文件可能过大或内容异常，请拆分后再试。"
                )
            yield f"⏳ {label}……已用 {elapsed:.0f} 秒", None
    finally:
        if process.is_alive():
            process.terminate()
            process.join(2)
            if process.is_alive():
                process.kill()
        parent.close()
    kind, value = outcome
    if kind == "user_error":
        raise AssistantError(value)
    if kind == "failed":
        raise JobFailed(f"{label}时出现意外错误，未能完成。请确认文件未损坏；如仍失败，请联系管理员。")
    yield "", value


def warm_up() -> None:
    """Start the fork server now (it imports the checker once) so the first review does not wait for it."""
    ctx = _context_for_jobs()
    process = ctx.Process(target=time.sleep, args=(0,), daemon=True)
    process.start()
    process.join(30)

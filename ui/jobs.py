"""Heavy work off the request path (后台任务): reviewing an uploaded document runs in a separate process
with a time budget, so a hostile or huge file can neither hold the server's interpreter nor run forever,
and another user's page keeps loading meanwhile.

Processes come from a fork server that has already imported the checker, so starting one takes
milliseconds; each job gets its own process, which is ended when the budget runs out. A job is not told
the parent's main script: by default multiprocessing re-runs it in every child, and the ``pe-assistant``
entry point imports every command (the model and retrieval stacks: seconds, and tens of seconds on a busy
machine) that a review never uses.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
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
_start_lock = threading.Lock()


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


@contextlib.contextmanager
def _main_script_hidden() -> Iterator[None]:
    """While a job process starts, the main module shows no file, so the child does not re-run the main
    script (multiprocessing reads ``__main__.__file__`` only when it prepares a child)."""
    main = sys.modules.get("__main__")
    with _start_lock:
        path = getattr(main, "__file__", None)
        if path is None:
            yield
            return
        del main.__file__
        try:
            yield
        finally:
            main.__file__ = path


def _start(process: Any) -> None:
    with _main_script_hidden():
        process.start()


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
    _start(process)
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


def warm_up() -> threading.Thread:
    """Start the fork server now, in the background (it imports the checker once, while the server itself
    starts), so the first review does not wait for it. Returns the thread (joined by tests)."""

    def start() -> None:
        ctx = _context_for_jobs()
        process = ctx.Process(target=time.sleep, args=(0,), daemon=True)
        _start(process)
        process.join(60)

    thread = threading.Thread(target=start, name="review-worker-warm-up", daemon=True)
    thread.start()
    return thread

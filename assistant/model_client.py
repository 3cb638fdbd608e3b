"""The one client every model call goes through.

What it guarantees, whatever the backend (:mod:`assistant.model_transport`, :mod:`assistant.gguf_model`):

- **budgets**: every request carries ``max_tokens``; a prompt that would not fit the configured context window
  with its reply is refused before it is sent (:meth:`ModelClient.fit` trims ranked evidence to fit);
- **deadlines**: the wait for the first token grows with the prompt (``first_token_timeout`` plus the prompt read
  at ``prompt_tokens_per_second``); once the reply streams, each pause may last ``idle_timeout``;
- **admission**: each request holds a slot of :mod:`assistant.model_slots` while it runs;
- **honest endings**: a reply cut at ``max_tokens`` (finish reason ``length``) is never parsed as whole;
  :meth:`ModelClient.ask_json` strips reasoning and lead-in prose, validates the JSON and the caller's content
  checks, and retries once with a short correction (never the failed text);
- **typed failures**: everything ends in :class:`~assistant.errors.ModelError` (``ModelUnavailable`` or
  ``ModelReplyError``) whose ``reason`` is one line of Chinese, so the caller falls back offline visibly.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from pydantic import BaseModel

from assistant.errors import ModelError, ModelReplyError, ModelUnavailable

from .model_budget import TokenMeter, fit_items, prompt_budget
from .model_reply import ReplyRejected, parse_reply, visible_text
from .model_slots import LocalSlots, ModelSlots, WaitCallback
from .model_transport import ModelRequest, ReplyPiece, Transport

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)
TokenCallback = Callable[[str], None]

MAX_RETRY_WAIT = 10.0
"""A 429/503 whose Retry-After is at most this many seconds is tried once more; a longer wait falls back."""
CLOSE_GRACE = 1.0
"""Seconds an abandoned stream gets to close before its slot is handed on."""


@dataclass(frozen=True)
class ModelReply:
    """What came back from one request."""

    text: str
    """The reply as streamed, reasoning blocks included."""
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    seconds: float
    first_token_seconds: float | None

    @property
    def truncated(self) -> bool:
        """Cut at ``max_tokens``: the reply is incomplete whatever it looks like."""
        return self.finish_reason == "length"

    @property
    def visible(self) -> str:
        """The reply without reasoning blocks."""
        return visible_text(self.text)


@dataclass
class CallRecord:
    """One request, for the per-call figures the CLI and the closing measurements report."""

    purpose: str
    prompt_tokens: int
    """The server's count when it reported one, else the estimate."""
    completion_tokens: int | None
    seconds: float
    first_token_seconds: float | None
    outcome: str
    """'ok', or the Chinese reason it failed."""


@dataclass
class ModelLimits:
    """The budgets and deadlines of :class:`ModelClient` (defaults match :class:`~assistant.settings.Settings`)."""

    context_window: int = 8192
    max_tokens: int = 1024
    first_token_timeout: float = 60.0
    prompt_tokens_per_second: float = 20.0
    idle_timeout: float = 60.0


@dataclass
class ModelClient:
    """A transport plus budgets, deadlines, admission, parsing and typed failures (see the module docstring)."""

    transport: Transport
    limits: ModelLimits = field(default_factory=ModelLimits)
    slots: ModelSlots = field(default_factory=lambda: LocalSlots(2, 600.0))
    on_wait: WaitCallback | None = None
    """Called with the queue position while a request waits for a slot (the UI shows “排队中”)."""
    meter: TokenMeter = field(default_factory=TokenMeter)
    calls: list[CallRecord] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.transport.name

    def observed(self, on_wait: WaitCallback | None) -> ModelClient:
        """The same client (transport, slots, records) reporting queue positions to ``on_wait``."""
        return replace(self, on_wait=on_wait)

    # ---------------------------------------------------------------- budgets

    def budget(self, max_tokens: int | None = None) -> int:
        """Prompt tokens available when the reply may take ``max_tokens`` (default: the configured cap)."""
        return prompt_budget(self.limits.context_window, max_tokens or self.limits.max_tokens)

    def prompt_tokens(self, prompt: str, system: str | None = None) -> int:
        """The estimated size of ``prompt`` (and ``system``) as the server will count it."""
        return self.meter.count(_messages(prompt, system))

    def fits(self, prompt: str, *, system: str | None = None, max_tokens: int | None = None) -> bool:
        return self.prompt_tokens(prompt, system) <= self.budget(max_tokens)

    def fit(
        self,
        render: Callable[[int], str],
        count: int,
        *,
        system: str | None = None,
        max_tokens: int | None = None,
    ) -> tuple[str, int]:
        """The prompt ``render(n)`` with the largest ``n <= count`` that fits: callers rank their evidence best
        first and let this cut the tail. Returns ``(prompt, n)``."""
        return fit_items(render, count, lambda p: self.fits(p, system=system, max_tokens=max_tokens))

    # ---------------------------------------------------------------- calls

    def complete(
        self,
        prompt: str,
        *,
        system: str | None = None,
        max_tokens: int | None = None,
        json_schema: type[BaseModel] | None = None,
        on_token: TokenCallback | None = None,
        allow_truncated: bool = False,
        purpose: str = "",
    ) -> ModelReply:
        """One request (one retry after a short Retry-After). Raises ModelError; with ``allow_truncated`` False
        a reply cut at ``max_tokens`` raises ModelReplyError too."""
        max_tokens = max_tokens or self.limits.max_tokens
        messages = _messages(prompt, system)
        estimate = self.meter.count(messages)
        if estimate + max_tokens > self.limits.context_window:
            error = ModelReplyError(
                "提示词超出上下文窗口 PE_ASSISTANT_LLM_CONTEXT_WINDOW",
                f"约 {estimate} 个词元，加上回答上限 {max_tokens}，超过 {self.limits.context_window}",
            )
            self._record(purpose, estimate, None, 0.0, None, str(error))
            raise error
        request = ModelRequest(
            messages=messages,
            max_tokens=max_tokens,
            json_schema=json_schema.model_json_schema() if json_schema is not None else None,
            schema_name=json_schema.__name__ if json_schema is not None else "reply",
            read_timeout=self._first_token_deadline(estimate) + self.limits.idle_timeout,
        )
        started = time.monotonic()
        for attempt in range(2):
            try:
                with self.slots.slot(self.on_wait):
                    reply = self._run(request, estimate, on_token)
            except ModelUnavailable as exc:
                wait = exc.retry_after
                if attempt == 0 and wait is not None and wait <= MAX_RETRY_WAIT:
                    logger.info("大模型服务要求稍候 %.1f 秒后重试：%s", wait, exc)
                    time.sleep(wait)
                    continue
                self._record(purpose, estimate, None, time.monotonic() - started, None, str(exc))
                raise
            except ModelError as exc:
                self._record(purpose, estimate, None, time.monotonic() - started, None, str(exc))
                raise
            if reply.prompt_tokens:
                self.meter.learn(messages, reply.prompt_tokens)
            outcome = "ok"
            if reply.truncated:
                outcome = "回答超出长度上限被截断"
            elif not reply.visible:
                outcome = "回答为空"
            self._record(
                purpose,
                reply.prompt_tokens or estimate,
                reply.completion_tokens,
                reply.seconds,
                reply.first_token_seconds,
                outcome,
            )
            if reply.truncated and not allow_truncated:
                raise ModelReplyError(outcome, f"回答上限 {max_tokens} 个词元")
            return reply
        raise AssertionError("unreachable")

    def ask_json(
        self,
        prompt: str,
        schema: type[T],
        *,
        system: str | None = None,
        check: Callable[[T], None] | None = None,
        max_tokens: int | None = None,
        on_token: TokenCallback | None = None,
        phrase: Callable[[str], str] | None = None,
        purpose: str = "",
    ) -> T:
        """The reply parsed as ``schema`` and passed by ``check`` (which raises :class:`ReplyRejected`).

        A rejected or truncated reply is asked for once more, with the original prompt and a short correction
        appended (``phrase`` may word it in the caller's terms, e.g. restating its rules); the second failure
        raises ModelReplyError with the user-facing reason."""
        correction = ""
        reason = ""
        for _attempt in range(2):
            if correction and phrase is not None:
                correction = phrase(correction)
            text = prompt if not correction else f"{prompt}\n\n【更正】{correction}"
            reply = self.complete(
                text,
                system=system,
                max_tokens=max_tokens,
                json_schema=schema,
                on_token=on_token,
                allow_truncated=True,
                purpose=purpose,
            )
            if reply.truncated:
                correction = "上一次的回答太长，被截断了。请写得更简短，只输出 JSON。"
                reason = "回答超出长度上限被截断"
                continue
            try:
                value = parse_reply(reply.text, schema)
                if check is not None:
                    check(value)
                return value
            except ReplyRejected as exc:
                correction, reason = exc.correction, exc.reason
                self.calls[-1].outcome = reason
                logger.info("大模型回答未通过检查（%s）：%s", purpose or "-", exc.correction)
        raise ModelReplyError(f"大模型回答两次未通过检查：{reason}")

    def invoke(self, prompt: str) -> str:
        """The visible text of one reply to ``prompt`` (for callers that take free text). Raises ModelError."""
        reply = self.complete(prompt)
        if not reply.visible:
            raise ModelReplyError("大模型返回了空回答")
        return reply.visible

    # ---------------------------------------------------------------- internals

    def _first_token_deadline(self, prompt_tokens: int) -> float:
        return self.limits.first_token_timeout + prompt_tokens / self.limits.prompt_tokens_per_second

    def _run(self, request: ModelRequest, estimate: int, on_token: TokenCallback | None) -> ModelReply:
        """Stream the reply on a worker thread, enforcing the deadlines from this one."""
        pieces: queue.SimpleQueue[Any] = queue.SimpleQueue()
        cancel = threading.Event()
        done = object()

        def work() -> None:
            try:
                for piece in self.transport.stream(request, cancel):
                    pieces.put(piece)
                    if cancel.is_set():
                        break
                pieces.put(done)
            except BaseException as exc:  # handed to the caller's thread, which raises it typed
                pieces.put(exc)

        worker = threading.Thread(target=work, name="pe-model-call", daemon=True)
        started = time.monotonic()
        worker.start()
        first_deadline = self._first_token_deadline(estimate)
        first: float | None = None
        last = started
        text: list[str] = []
        finish: str | None = None
        prompt_tokens = completion_tokens = None
        try:
            while True:
                now = time.monotonic()
                wait = (
                    (started + first_deadline - now)
                    if first is None
                    else (last + self.limits.idle_timeout - now)
                )
                try:
                    item = pieces.get(timeout=max(wait, 0.001))
                except queue.Empty:
                    if first is None:
                        raise ModelUnavailable(
                            "大模型迟迟没有开始回答", f"等待 {first_deadline:.0f} 秒无输出"
                        ) from None
                    raise ModelUnavailable(
                        "大模型回答中途停顿过久", f"超过 {self.limits.idle_timeout:.0f} 秒无输出"
                    ) from None
                if item is done:
                    break
                if isinstance(item, ModelError):
                    raise item
                if isinstance(item, BaseException):
                    raise ModelUnavailable("调用大模型出错", type(item).__name__) from item
                piece: ReplyPiece = item
                if piece.text or piece.reasoning:
                    last = time.monotonic()
                    first = first if first is not None else last - started
                if piece.text:
                    text.append(piece.text)
                    if on_token is not None:
                        on_token(piece.text)
                finish = piece.finish_reason or finish
                prompt_tokens = piece.prompt_tokens or prompt_tokens
                completion_tokens = piece.completion_tokens or completion_tokens
        finally:
            cancel.set()
            worker.join(CLOSE_GRACE if worker.is_alive() else None)
        return ModelReply(
            text="".join(text),
            finish_reason=finish,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            seconds=time.monotonic() - started,
            first_token_seconds=first,
        )

    def _record(
        self,
        purpose: str,
        prompt_tokens: int,
        completion_tokens: int | None,
        seconds: float,
        first: float | None,
        outcome: str,
    ) -> None:
        self.calls.append(CallRecord(purpose, prompt_tokens, completion_tokens, seconds, first, outcome))


def _messages(prompt: str, system: str | None) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": system}] if system else []
    return messages + [{"role": "user", "content": prompt}]

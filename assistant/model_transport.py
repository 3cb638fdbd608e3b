"""Transports: how one request reaches a model and its reply streams back, piece by piece.

- :class:`OpenAITransport`: any OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp's server, a cloud API) through
  the ``openai`` client, streaming over SSE, with ``max_tokens``, the finish reason, usage, and JSON mode when the
  endpoint accepts it (``json_schema``, else ``json_object``, else plain instructions: what the endpoint refused
  once is not asked again);
- :class:`LangChainTransport`: any LangChain chat model handed in by a caller (tests use langchain-core's fakes);
- the local GGUF transport lives in :mod:`assistant.gguf_model`.

A transport raises only :class:`~assistant.errors.ModelError` subclasses; the client adds deadlines, retries,
admission and parsing on top.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.errors import ModelError, ModelReplyError, ModelUnavailable

JSON_MODES = ("json_schema", "json_object", "off")


@dataclass(frozen=True)
class ModelRequest:
    """One call: the chat messages and its limits."""

    messages: list[dict[str, str]]
    max_tokens: int
    json_schema: dict[str, Any] | None = None
    """JSON Schema of the expected reply, when the reply is JSON."""
    schema_name: str = "reply"
    read_timeout: float = 300.0
    """Socket read limit: a backstop behind the client's own deadlines."""


@dataclass(frozen=True)
class ReplyPiece:
    """One streamed piece: text, reasoning (counted as activity, not shown), or the closing facts."""

    text: str = ""
    reasoning: str = ""
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class Transport(Protocol):
    name: str
    """What the user configured, for messages ("qwen2.5:7b @ http://127.0.0.1:11434/v1")."""

    def stream(self, request: ModelRequest, cancel: threading.Event) -> Iterator[ReplyPiece]: ...


@dataclass
class OpenAITransport:
    """An OpenAI-compatible endpoint."""

    base_url: str
    model: str
    api_key: str | None = None
    temperature: float = 0.2
    json_mode: str = "auto"
    extra_body: dict[str, Any] = field(default_factory=dict)
    connect_timeout: float = 10.0

    def __post_init__(self) -> None:
        import openai

        # Local servers accept any key; the client refuses an empty one. Retries are the client's business.
        self._client = openai.OpenAI(
            base_url=self.base_url, api_key=self.api_key or "not-needed", max_retries=0
        )
        self._completions = self._client.chat.completions  # built lazily otherwise, inside the first deadline
        self._modes = list(JSON_MODES) if self.json_mode == "auto" else [self.json_mode]
        self._usage_refused = False
        self._lock = threading.Lock()
        self.name = f"{self.model} @ {self.base_url}"

    def stream(self, request: ModelRequest, cancel: threading.Event) -> Iterator[ReplyPiece]:
        import httpx

        while True:
            mode = self._modes[0] if request.json_schema is not None else "off"
            kwargs: dict[str, Any] = {
                "model": self.model,
                "messages": request.messages,
                "max_tokens": request.max_tokens,
                "temperature": self.temperature,
                "stream": True,
                "timeout": httpx.Timeout(request.read_timeout, connect=self.connect_timeout),
            }
            if not self._usage_refused:
                kwargs["stream_options"] = {"include_usage": True}
            if mode == "json_schema":
                kwargs["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {
                        "name": request.schema_name,
                        "schema": request.json_schema,
                        "strict": False,
                    },
                }
            elif mode == "json_object":
                kwargs["response_format"] = {"type": "json_object"}
            if self.extra_body:
                kwargs["extra_body"] = self.extra_body
            try:
                response = self._completions.create(**kwargs)
            except Exception as exc:
                if self._refused_option(exc, mode):
                    continue
                raise model_error(exc, self) from exc
            break
        finished = threading.Event()
        threading.Thread(target=_abort_when_cancelled, args=(response, cancel, finished), daemon=True).start()
        try:
            with response:
                for chunk in response:
                    if cancel.is_set():
                        return
                    yield from _pieces(chunk)
        except ModelError:
            raise
        except Exception as exc:
            if cancel.is_set():
                return
            raise model_error(exc, self) from exc
        finally:
            finished.set()

    def _refused_option(self, exc: Exception, mode: str) -> bool:
        """True when a 400/422 names an optional field we sent; that field is dropped for good and the request
        is sent again."""
        status = getattr(exc, "status_code", None)
        if status not in (400, 422) or is_context_error(exc):
            return False
        message = str(getattr(exc, "message", exc)).lower()
        with self._lock:
            if "stream_options" in message and not self._usage_refused:
                self._usage_refused = True
                return True
            if mode != "off" and len(self._modes) > 1 and self._modes[0] == mode:
                self._modes.pop(0)
                return True
        return False


def _abort_when_cancelled(response: Any, cancel: threading.Event, finished: threading.Event) -> None:
    """Once the client gives up on a stream still running, shut its socket: that wakes the reader blocked on it
    (closing the response from another thread does not) and tells the server to stop generating."""
    import socket

    cancel.wait()
    if finished.is_set():
        return
    network = getattr(response, "response", None)
    stream = network.extensions.get("network_stream") if network is not None else None
    sock = stream.get_extra_info("socket") if stream is not None else None
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _pieces(chunk: Any) -> Iterator[ReplyPiece]:
    usage = getattr(chunk, "usage", None)
    for choice in chunk.choices or []:
        delta = choice.delta
        extra = getattr(delta, "model_extra", None) or {}
        reasoning = extra.get("reasoning_content") or extra.get("reasoning") or ""
        text = delta.content or "" if delta is not None else ""
        if text or reasoning or choice.finish_reason:
            yield ReplyPiece(
                text=text,
                reasoning=reasoning if isinstance(reasoning, str) else "",
                finish_reason=choice.finish_reason,
            )
    if usage is not None:
        yield ReplyPiece(prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens)


class LangChainTransport:
    """A LangChain chat model (or plain LLM) handed in by a caller; its finish reason is read when it reports one."""

    def __init__(self, llm: Any):
        self.llm = llm
        self.name = getattr(llm, "model_name", None) or getattr(llm, "model", None) or type(llm).__name__

    def stream(self, request: ModelRequest, cancel: threading.Event) -> Iterator[ReplyPiece]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
        messages = [kinds[m["role"]](m["content"]) for m in request.messages]
        kwargs = (
            {"max_tokens": request.max_tokens}
            if "max_tokens" in getattr(type(self.llm), "model_fields", {})
            else {}
        )
        try:
            for chunk in self.llm.stream(messages, **kwargs):
                if cancel.is_set():
                    return
                meta = getattr(chunk, "response_metadata", None) or {}
                usage = getattr(chunk, "usage_metadata", None) or {}
                yield ReplyPiece(
                    text=chunk if isinstance(chunk, str) else _content_text(chunk.content),
                    finish_reason=meta.get("finish_reason") or meta.get("done_reason"),
                    prompt_tokens=usage.get("input_tokens"),
                    completion_tokens=usage.get("output_tokens"),
                )
        except ModelError:
            raise
        except Exception as exc:
            raise model_error(exc, self) from exc


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)


def is_context_error(exc: Exception) -> bool:
    """A 400 saying the prompt plus ``max_tokens`` exceeds the server's context length."""
    message = str(getattr(exc, "message", exc)).lower()
    return any(
        word in message
        for word in (
            "context length",
            "context_length",
            "maximum context",
            "too long",
            "exceeds the context",
            "n_ctx",
            "max_model_len",
        )
    )


def model_error(exc: Exception, transport: Any) -> ModelError:
    """The typed error, with a one-line Chinese reason, for whatever a client library raised."""
    name = type(exc).__name__
    module = type(exc).__module__
    status = getattr(exc, "status_code", None)
    where = getattr(transport, "name", "")
    if status is not None:
        return _status_error(exc, int(status), where)
    if "Timeout" in name:
        return ModelUnavailable("大模型服务响应超时", where)
    if "Connection" in name or "Connect" in name or isinstance(exc, ConnectionError):
        return ModelUnavailable("无法连接大模型服务", where)
    if module.startswith(("httpx", "httpcore", "openai")) or "Protocol" in name:
        return ModelUnavailable("与大模型服务的连接中断", f"{name}，{where}")
    return ModelUnavailable("调用大模型出错", name)


def _status_error(exc: Exception, status: int, where: str) -> ModelError:
    detail = f"HTTP {status}，{where}"
    if status == 429:
        error: ModelError = ModelUnavailable("大模型服务繁忙", detail)
    elif status >= 500:
        error = ModelUnavailable("大模型服务内部出错", detail)
    elif status in (401, 403):
        error = ModelUnavailable("大模型服务拒绝访问，请检查 PE_ASSISTANT_LLM_API_KEY", detail)
    elif status == 404:
        error = ModelUnavailable("大模型服务上找不到所配置的模型，请检查 PE_ASSISTANT_LLM_MODEL", detail)
    elif is_context_error(exc):
        error = ModelReplyError(
            "提示词超出大模型服务的上下文长度，请调大服务端上下文并让 PE_ASSISTANT_LLM_CONTEXT_WINDOW 与之一致",
            detail,
        )
    else:
        error = ModelUnavailable("大模型服务拒绝了请求", detail)
    if isinstance(error, ModelUnavailable) and status in (429, 502, 503, 504):
        error.retry_after = _retry_after(exc)
    return error


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    value = headers.get("retry-after") if hasattr(headers, "get") else None
    try:
        return float(value) if value is not None else 2.0
    except ValueError:
        return 2.0

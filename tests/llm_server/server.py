"""A local OpenAI-compatible chat server for tests: real HTTP, real SSE, scripted replies and misbehaviour.

Each request to ``POST /v1/chat/completions`` is answered by the *responder*: by default the next :class:`Reply`
queued with :meth:`ModelServer.push`; a test may route by prompt instead (``ModelServer(responder=fn)``). A reply
can stream slowly, stall, come back as 429/5xx, carry a ``<think>`` block or reasoning deltas, be cut short
(finish reason ``length``), or refuse ``response_format`` the way servers without JSON mode do. Every request body
is kept in :attr:`ModelServer.requests` so tests can check what was sent (``max_tokens``, the retry's text).

A responder may also return :class:`LiveReply`, pieces produced as they come (a real local model, see
``python -m llm_server``).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer."""

    content: str = ""
    status: int = 200
    finish_reason: str = "stop"
    think: str = ""
    """Sent as ``<think>…</think>`` before the content (a reasoning model without a reasoning parser)."""
    reasoning_content: str = ""
    """Sent as ``delta.reasoning_content`` pieces before the content (vLLM/DeepSeek with a reasoning parser)."""
    first_delay: float = 0.0
    """Seconds before the response starts (the server reading the prompt)."""
    chunk_delay: float = 0.0
    chunk_chars: int = 4
    stall_after: int | None = None
    """Pieces sent before the stream goes silent (until the client gives up)."""
    retry_after: float | None = None
    refuse_response_format: bool = False
    """Answer 400 when the request carries ``response_format`` (as a server without JSON mode does)."""
    drop: bool = False
    """Close the connection without a response."""
    usage: bool = True


@dataclass
class LiveReply:
    """Pieces produced while the response streams: ``(text, finish_reason)``, the last one with the reason."""

    pieces: Iterable[tuple[str, str | None]]
    prompt_tokens: int | None = None


Responder = Callable[[dict[str, Any]], Reply | LiveReply]


@dataclass
class ModelServer:
    """The server; use as a context manager (``with ModelServer() as server: ...``)."""

    responder: Responder | None = None
    model: str = "scripted-model"
    port: int = 0
    """0: any free port."""
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: deque[Reply] = deque()
        self._closing = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def push(self, *replies: Reply) -> None:
        self._queue.extend(replies)

    def prompts(self) -> list[str]:
        """The user message of each request received, in order."""
        return [r["messages"][-1]["content"] for r in self.requests]

    def next_reply(self, body: dict[str, Any]) -> Reply | LiveReply:
        if self.responder is not None:
            return self.responder(body)
        if not self._queue:
            return Reply(status=500, content="no scripted reply left")
        return self._queue.popleft()

    def start(self) -> ModelServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="test-llm-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> ModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def sleep(self, seconds: float) -> bool:
        """Wait, unless the server is closing; True when it is."""
        return self._closing.wait(seconds)


def _handler(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": server.model, "object": "model"}]})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json(404, {"error": {"message": "not found"}})
                return
            server.requests.append(body)
            reply = server.next_reply(body)
            if isinstance(reply, LiveReply):
                self._live(reply, body)
                return
            if reply.drop:
                self.close_connection = True
                return
            if reply.first_delay and server.sleep(reply.first_delay):
                return
            if reply.refuse_response_format and "response_format" in body:
                self._json(
                    400,
                    {
                        "error": {
                            "message": "response_format is not supported",
                            "type": "invalid_request_error",
                        }
                    },
                )
                return
            if reply.status != 200:
                headers = {"Retry-After": str(reply.retry_after)} if reply.retry_after is not None else {}
                self._json(
                    reply.status,
                    {"error": {"message": reply.content or "error", "code": reply.status}},
                    headers,
                )
                return
            text = (f"<think>{reply.think}</think>" if reply.think else "") + reply.content
            if body.get("stream"):
                self._stream(reply, text, body)
            else:
                self._json(200, _completion(server.model, text, reply.finish_reason, body))

        def _stream(self, reply: Reply, text: str, body: dict[str, Any]) -> None:
            self._start_sse()
            pieces = [
                ("", reply.reasoning_content[i : i + reply.chunk_chars])
                for i in range(0, len(reply.reasoning_content), reply.chunk_chars)
            ]
            pieces += [(text[i : i + reply.chunk_chars], "") for i in range(0, len(text), reply.chunk_chars)]
            self._event(_chunk(server.model, {"role": "assistant", "content": ""}, None))
            for n, (content, reasoning) in enumerate(pieces):
                if reply.stall_after is not None and n >= reply.stall_after:
                    server.sleep(3600)
                    return
                if reply.chunk_delay and server.sleep(reply.chunk_delay):
                    return
                delta = {"reasoning_content": reasoning} if reasoning else {"content": content}
                if not self._event(_chunk(server.model, delta, None)):
                    return
            self._event(_chunk(server.model, {}, reply.finish_reason))
            if reply.usage and (body.get("stream_options") or {}).get("include_usage"):
                self._event(_usage(server.model, body, len(text)))
            self._event("[DONE]")

        def _live(self, reply: LiveReply, body: dict[str, Any]) -> None:
            self._start_sse()
            self._event(_chunk(server.model, {"role": "assistant", "content": ""}, None))
            sent = 0
            for text, finish in reply.pieces:
                if text and not self._event(_chunk(server.model, {"content": text}, None)):
                    return
                sent += len(text)
                if finish:
                    self._event(_chunk(server.model, {}, finish))
            if (body.get("stream_options") or {}).get("include_usage") and reply.prompt_tokens is not None:
                self._event(_usage(server.model, body, sent, reply.prompt_tokens))
            self._event("[DONE]")

        def _start_sse(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.close_connection = True

        def _event(self, payload: Any) -> bool:
            data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
            try:
                self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()
            except OSError:  # the client gave up and closed the connection
                return False
            return True

        def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _chunk(model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _usage(
    model: str, body: dict[str, Any], completion_chars: int, prompt_tokens: int | None = None
) -> dict[str, Any]:
    prompt_chars = sum(len(m.get("content") or "") for m in body.get("messages", []))
    prompt = prompt_tokens if prompt_tokens is not None else prompt_chars
    completion = max(completion_chars // 2, 1)
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


def _completion(model: str, text: str, finish: str, body: dict[str, Any]) -> dict[str, Any]:
    prompt_chars = sum(len(m.get("content") or "") for m in body.get("messages", []))
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_chars,
            "completion_tokens": len(text),
            "total_tokens": prompt_chars + len(text),
        },
    }

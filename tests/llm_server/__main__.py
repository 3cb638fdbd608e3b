"""Serve a local GGUF model on loopback behind the test server's OpenAI-compatible SSE endpoint.

    PYTHONPATH=.:tests python -m llm_server --gguf model.gguf [--port 8089] [--context 8192]

For measuring the model path against a real model (``tests/test_real_model.py`` starts the same thing itself).
Generation uses :class:`assistant.gguf_model.GGUFTransport` (the model's chat template, UTF-8-safe streaming).
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path
from typing import Any

from assistant.gguf_model import GGUFTransport
from assistant.model_transport import ModelRequest

from .server import LiveReply, ModelServer


def gguf_responder(transport: GGUFTransport) -> Any:
    """A responder streaming the model's real output for each request."""

    def respond(body: dict[str, Any]) -> LiveReply:
        request = ModelRequest(messages=body["messages"], max_tokens=int(body.get("max_tokens") or 512))
        reply = LiveReply(pieces=())

        def pieces():
            for piece in transport.stream(request, threading.Event()):
                if piece.prompt_tokens is not None:
                    reply.prompt_tokens = piece.prompt_tokens  # read by the server after the last piece
                if piece.text or piece.finish_reason:
                    yield piece.text, piece.finish_reason

        reply.pieces = pieces()
        return reply

    return respond


def serve_gguf(path: Path, context: int, port: int = 0, temperature: float = 0.2) -> ModelServer:
    transport = GGUFTransport(path, context, temperature)
    return ModelServer(responder=gguf_responder(transport), model=path.stem, port=port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gguf", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--context", type=int, default=8192)
    args = parser.parse_args()
    server = serve_gguf(args.gguf, args.context, args.port).start()
    print(f"serving {args.gguf.name} at {server.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()

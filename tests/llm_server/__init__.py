"""A local OpenAI-compatible test server (see :mod:`llm_server.server`)."""

from .server import LiveReply, ModelServer, Reply

__all__ = ["LiveReply", "ModelServer", "Reply"]

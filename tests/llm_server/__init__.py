"""A local OpenAI-compatible test server (see :mod:`llm_server.server`)."""

from .server import LiveReply, ModelServer, Reply
from .writers import (
    draft_paragraphs,
    label_echo,
    section_title,
    typed_number,
    well_behaved,
    with_think_and_lead_in,
)

__all__ = [
    "LiveReply",
    "ModelServer",
    "Reply",
    "draft_paragraphs",
    "label_echo",
    "section_title",
    "typed_number",
    "well_behaved",
    "with_think_and_lead_in",
]

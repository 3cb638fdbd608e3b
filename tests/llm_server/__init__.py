"""A local OpenAI-compatible test server (see :mod:`llm_server.server`) and the scripted authors it answers with."""

from assistant.evaluation.scripted_authors import (
    draft_paragraphs,
    label_echo,
    section_title,
    typed_number,
    well_behaved,
    with_think_and_lead_in,
)

from .server import LiveReply, ModelServer, Reply

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

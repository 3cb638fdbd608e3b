"""Scripted authors for the drafting prompts: what a well-behaved model (and a few badly behaved ones) would
send back for one section, computed from the prompt itself so the order of calls does not matter."""

from __future__ import annotations

import json
import re

_DRAFT = re.compile(r"参考初稿（[^\n]*\n(.*?)\n输出：", re.S)
_TITLE = re.compile(r"现在请写“([^”]+)”")


def section_title(prompt: str) -> str:
    """The section a drafting prompt asks for ("" for other prompts)."""
    found = _TITLE.search(prompt)
    return found.group(1) if found else ""


def draft_paragraphs(prompt: str) -> list[str]:
    """The 参考初稿 paragraphs of a drafting prompt, with their {vN} handles."""
    found = _DRAFT.search(prompt)
    return [p for p in found.group(1).split("\n") if p.strip()] if found else []


def well_behaved(prompt: str) -> str:
    """A careful rewrite: each draft paragraph kept with its handles, framed as report prose."""
    paragraphs = [f"经评价，{p}" if not p.startswith("经") else p for p in draft_paragraphs(prompt)]
    return json.dumps({"paragraphs": paragraphs}, ensure_ascii=False)


def with_think_and_lead_in(prompt: str) -> str:
    """The same rewrite as a reasoning model without a reasoning parser sends it."""
    return f"<think>先看参考初稿，再逐段改写。</think>好的，以下是本节内容：\n```json\n{well_behaved(prompt)}\n```"


def label_echo(prompt: str) -> str:
    """What the small model of the field report did: the prompt's label copied into the paragraph."""
    return json.dumps(
        {"paragraphs": [f"参考初稿：{p}" for p in draft_paragraphs(prompt)]}, ensure_ascii=False
    )


def typed_number(prompt: str) -> str:
    """A rewrite with an invented figure."""
    return json.dumps(
        {"paragraphs": ["本节共涉及资金987.65万元。", *draft_paragraphs(prompt)]}, ensure_ascii=False
    )

"""Scripted authors for the drafting prompts: what a well-behaved model (and a few badly behaved ones) would send
back for one unit of paragraphs, computed from the prompt itself so the order of calls does not matter.

Used by the drafting eval's fake-model run and by the tests' local model server (``tests/llm_server``)."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

_DRAFT = re.compile(r"参考初稿（[^\n]*\n(.*?)\n输出：", re.S)
_TITLE = re.compile(r"现在请写“([^”]+)”")

ATTACKS = (
    "项目共完成投资987.65万元，得分率达到66.6%。",
    "全年共开展培训4321人次。",
    "满意度为９８７分。",
    "共发现问题十二项。",
    "综合得分为{ref:made_up.total}分。",
)
"""Invented figures in every form a model types them: digits, a percentage, full-width digits, a Chinese
quantity, a reference to a fact that does not exist."""
INVENTED = ("987.65", "4321", "９８７", "十二项", "66.6%", "made_up")


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


class Adversary:
    """A model that attacks every unit first and, asked again, fixes half the units and attacks the rest.

    Which unit gets which attack, broken JSON or a fix follows from the unit's own text (a checksum), so the
    script is the same whatever order or concurrency the drafter calls in."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def __call__(self, prompt: str) -> str:
        unit = "\n".join(draft_paragraphs(prompt)) or prompt
        self.calls[unit] = asked = self.calls.get(unit, 0) + 1
        n = zlib.crc32(unit.encode("utf-8"))
        attack = ATTACKS[n % len(ATTACKS)]
        if asked == 1:
            if n % 3 == 2:
                return "这不是JSON：" + attack
            return json.dumps({"paragraphs": [attack]}, ensure_ascii=False)
        if n % 2 == 0:
            return well_behaved(prompt)
        return json.dumps({"paragraphs": [ATTACKS[(n + 1) % len(ATTACKS)]]}, ensure_ascii=False)


class ScriptedAuthor(BaseChatModel):
    """A fake chat model answering each prompt with ``write(prompt)``; the prompts it was sent are kept."""

    write: Callable[[str], str]
    prompts: list = []

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        prompt = messages[-1].content
        self.prompts.append(prompt)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self.write(prompt)))])

    @property
    def _llm_type(self) -> str:
        return "scripted-author"


def author(write: Callable[[str], str]) -> ScriptedAuthor:
    return ScriptedAuthor(write=write, prompts=[])

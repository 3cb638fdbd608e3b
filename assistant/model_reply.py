"""Reading what a real model sends back: reasoning blocks, lead-in prose and code fences around the JSON, and
content that only looks like an answer.

- ``<think>…</think>`` (Qwen3, DeepSeek-R1 served without a reasoning parser) is removed, also when only the
  closing tag arrives (the opening one was part of the chat template) or the block never closes;
- the JSON is the first object in the rest that matches the schema, wherever it starts (“好的，以下是回答：{…}”),
  inside a ```json fence or not;
- :func:`paragraph_problem` rejects a paragraph that echoes a label of the prompt (“现有文字：”) or has no prose of
  its own besides references.

Every rejection is a :class:`ReplyRejected` carrying two texts: the short correction sent back to the model on the
retry, and a reason for the user that never quotes the model's text (it may hold an invented number).
"""

from __future__ import annotations

import json
import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)

_CLOSED_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.S | re.I)
_OPEN_THINK = re.compile(r"<(?:think|thinking|reasoning)>", re.I)
_CLOSE_THINK = re.compile(r"</(?:think|thinking|reasoning)>", re.I)
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)
_REF = re.compile(r"\{ref:[^{}]*\}")
_LABEL_AT_START = re.compile(r"^\s*[\u4e00-\u9fffA-Za-z（）()、]{1,12}[：:]")
_PROSE_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z]")


class ReplyRejected(ValueError):
    """A reply that cannot be used. ``correction`` goes back to the model; ``reason`` is shown to the user."""

    def __init__(self, correction: str, reason: str):
        super().__init__(correction)
        self.correction = correction
        self.reason = reason


def visible_text(text: str) -> str:
    """``text`` without reasoning blocks; an unclosed block hides everything after its opening tag."""
    text = _CLOSED_THINK.sub("", text)
    closing = list(_CLOSE_THINK.finditer(text))
    if closing:  # the chat template opened the block: everything up to the last closing tag is reasoning
        text = text[closing[-1].end() :]
    opening = _OPEN_THINK.search(text)
    if opening:
        text = text[: opening.start()]
    return text.strip()


def json_candidates(text: str) -> list[object]:
    """Every JSON object or array in ``text``, in order: fenced blocks first, then any that start elsewhere."""
    decoder = json.JSONDecoder()
    found: list[object] = []
    sources = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for source in sources:
        i = 0
        while i < len(source):
            if source[i] in "{[":
                try:
                    value, end = decoder.raw_decode(source, i)
                except json.JSONDecodeError:
                    i += 1
                    continue
                found.append(value)
                i = end
            else:
                i += 1
    return found


def parse_reply(text: str, schema: type[T]) -> T:
    """The first JSON value in the visible ``text`` that validates as ``schema``.

    Raises :class:`ReplyRejected` when there is none: no JSON at all, JSON cut short, or JSON of another shape
    (the first candidate's first validation error is what the correction names)."""
    visible = visible_text(text)
    if not visible:
        if _OPEN_THINK.search(text):
            raise ReplyRejected(
                "上一次只输出了思考过程，没有给出答案。请直接输出 JSON。", "只有思考过程，没有答案"
            )
        raise ReplyRejected("上一次的回答是空的。请输出要求的 JSON。", "回答为空")
    candidates = json_candidates(visible)
    if not candidates:
        raise ReplyRejected(
            "上一次的回答里没有完整的 JSON 对象。请只输出一个 JSON 对象，不要输出其他文字。",
            "回答不是有效的 JSON",
        )
    first_error: ValidationError | None = None
    for value in candidates:
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        try:
            return schema.model_validate(value)
        except ValidationError as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise ReplyRejected(
        f"上一次输出的 JSON 结构不对：{describe_error(first_error)}。请按要求的字段重新输出。",
        "JSON 结构与要求不符",
    )


def describe_error(exc: ValidationError) -> str:
    """The first validation error in a line: where, and what was expected."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ())) or "顶层"
    kind = err.get("type", "")
    if kind == "missing":
        return f"缺少字段 {where}"
    if kind == "extra_forbidden":
        return f"多出了字段 {where}"
    expected = {
        "string_type": "字符串",
        "list_type": "数组",
        "dict_type": "对象",
        "model_type": "对象",
        "int_type": "整数",
        "int_parsing": "整数",
    }.get(kind, "")
    return f"字段 {where} 应为{expected}" if expected else f"字段 {where} 不合要求"


def paragraph_problem(text: str, prompt_labels: tuple[str, ...], min_prose: int = 2) -> str | None:
    """Why ``text`` is not a paragraph of prose, or None. ``prompt_labels`` are the headings and labels of the
    prompt that a model copies instead of writing (“现有文字”, “可引用事实”…)."""
    stripped = text.strip()
    for label in prompt_labels:
        if label and label in stripped:
            return f"照抄了提示词中的“{label}”"
    prose = _REF.sub("", stripped)
    prose = _LABEL_AT_START.sub("", prose)
    if len(_PROSE_CHAR.findall(prose)) < min_prose:
        return "只有引用，没有成文的句子"
    return None

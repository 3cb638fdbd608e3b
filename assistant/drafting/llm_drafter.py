"""The LLM drafter: per part, the model rewrites the prose of the offline skeleton; tables stay deterministic.

The prompt (``prompts/draft_<part>.md.j2``) gives the model the facts as ``{ref:key} = value`` and the
offline text as a starting point. The answer is JSON parsed with ``PydanticOutputParser``; every paragraph
must pass :func:`~assistant.report.validate_no_free_numbers`. On invalid JSON or a free-typed number the
model is asked once more with the error; if that fails too, the part falls back to the offline text and the
section says so. A figure the model invents therefore never reaches the report.
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseLanguageModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.output_parsers import PydanticOutputParser
from pydantic import BaseModel, Field, ValidationError

from assistant.errors import AssistantError, InputError, ModelOutputError
from assistant.llm import message_text
from assistant.prompts import render
from assistant.report import REF_PATTERN, Paragraph, Section, validate_no_free_numbers

from .context import DraftContext


class ModelUnavailable(ModelOutputError):
    """The model could not be called at all (connection refused, timeout, bad key…): no use asking again."""


FALLBACK_NOTE = "大模型起草结果两次未通过校验（{reason}），本节已改用离线模板起草。"

_GENERAL_PREFIXES = (
    "total",
    "grade",
    "rate",
    "max_total",
    "count.",
    "project.",
    "budget.",
    "narrative.",
    "group[",
)


class DraftedSection(BaseModel):
    """The model's prose for one section of the skeleton."""

    id: str = Field(description="The section id, exactly as given")
    paragraphs: list[str] = Field(description="Paragraphs; every number as {ref:key}")


class DraftedPart(BaseModel):
    """The model's answer for one part."""

    sections: list[DraftedSection]


class Slot(BaseModel):
    """One section of the skeleton the model writes: id, heading and the offline text as a start."""

    id: str
    title: str
    current: list[str]
    required: list[str] = Field(
        default_factory=list,
        description="Keys the answer must reference (each lost point's 扣分 in 指标分析, each cited precedent)",
    )


PARTS_ABOUT_ROWS = frozenset({"analysis", "problems", "suggestions", "other", "deviations"})
"""Parts that discuss single indicators: their prompts also list the lost rows' own values."""


def allowed_facts(ctx: DraftContext, sections: list[Section], part_id: str = "") -> dict[str, str]:
    """Keys the model may reference: those the offline text used, the report-wide figures, and for the parts
    about indicators the values of every row that lost points."""
    keys = {k for s in sections for k in s.refs()}
    prefixes = _GENERAL_PREFIXES
    if part_id in PARTS_ABOUT_ROWS:
        lost = ctx.lost_indicators()
        prefixes += tuple(f"indicator[{i.key}]" for i in lost) + tuple(f"name[{i.key}]" for i in lost)
    keys |= {k for k in ctx.values if k.startswith(prefixes) and not k.endswith((".formula", ".rule"))}
    return {k: ctx.values[k] for k in sorted(keys) if ctx.values.get(k)}


def ask_for_paragraphs(
    llm: BaseLanguageModel,
    prompt_name: str,
    slots: list[Slot],
    facts: dict[str, str],
    ctx: DraftContext,
    instruction: str = "",
    on_token: Callable[[str], None] | None = None,
) -> tuple[dict[str, list[str]] | None, str]:
    """Ask the model for the slots' paragraphs; returns (paragraphs by slot id, "") or (None, last error)."""
    parser = PydanticOutputParser(pydantic_object=DraftedPart)
    prompt = render(
        prompt_name,
        project=ctx.values.get("project.name", ""),
        kind=ctx.case.kind,
        facts=facts,
        slots=[s.model_dump() for s in slots],
        instruction=instruction,
        format_instructions=parser.get_format_instructions(),
    )
    messages: list[BaseMessage] = [HumanMessage(prompt)]
    error = ""
    for attempt in range(2):
        text = _stream(llm, messages, on_token)
        try:
            return _validated(parser, text, slots, facts), ""
        except (OutputParserException, ValidationError, InputError) as exc:
            error = _short(exc)
            if attempt == 0:
                messages += [AIMessage(text), HumanMessage(render("draft_retry", error=error))]
    return None, error


def _stream(
    llm: BaseLanguageModel, messages: list[BaseMessage], on_token: Callable[[str], None] | None
) -> str:
    parts = []
    try:
        for chunk in llm.stream(messages):
            piece = message_text(chunk)
            parts.append(piece)
            if on_token is not None:
                on_token(piece)
    except AssistantError:
        raise
    except Exception as exc:  # the client's own errors (openai, httpx, llama.cpp) differ by backend
        raise ModelUnavailable(
            f"调用大模型失败（{type(exc).__name__}：{str(exc)[:200]}），请检查 PE_ASSISTANT_LLM_* 配置。"
        ) from exc
    return "".join(parts)


def _validated(
    parser: PydanticOutputParser, text: str, slots: list[Slot], facts: dict[str, str]
) -> dict[str, list[str]]:
    drafted: DraftedPart = parser.parse(text)
    expected = {s.id for s in slots}
    got = {s.id: s.paragraphs for s in drafted.sections}
    if set(got) != expected:
        raise InputError(f"章节编号应为 {sorted(expected)}，实际为 {sorted(got)}")
    for sid, paragraphs in got.items():
        if not any(p.strip() for p in paragraphs):
            raise InputError(f"章节 {sid} 没有内容")
        for p in paragraphs:
            try:
                validate_no_free_numbers(p, facts)
            except InputError as exc:
                raise InputError(f"章节 {sid}：{exc}") from None
    for slot in slots:
        used = {k for p in got[slot.id] for k in REF_PATTERN.findall(p)}
        left_out = [k for k in slot.required if k not in used]
        lost = [k for k in left_out if not k.startswith("precedent[")]
        if lost:
            raise InputError(
                f"章节 {slot.id} 漏掉了失分指标的扣分说明，须分别引用 "
                + "、".join(f"{{ref:{k}}}" for k in lost)
            )
        if left_out:
            raise InputError(
                f"章节 {slot.id} 删去了同类报告的引文，须保留 " + "、".join(f"{{ref:{k}}}" for k in left_out)
            )
    return got


def fallback_reason(error: str) -> str:
    """The kind of failure, for the note shown in the draft; never the model's text, which may hold a number."""
    if "直接写了数字" in error:
        return "文中直接写了数字"
    if "不存在的键" in error:
        return "引用了不存在的数值"
    if "章节编号" in error or "没有内容" in error:
        return "章节与要求不符"
    if "漏掉了失分指标" in error:
        return "漏掉了失分指标"
    if "删去了同类报告的引文" in error:
        return "删去了同类报告的引文"
    return "输出不是有效的 JSON"


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:300]


def _required_refs(section: Section) -> list[str]:
    """References a rewrite must keep: each lost point's 扣分 (indicator[…].lost), and each cited precedent's
    quote and number (precedent[n], precedent[n].n), since the section keeps its citations."""
    return [
        k
        for k in dict.fromkeys(section.refs())
        if (k.startswith("indicator[") and k.endswith(".lost")) or k.startswith("precedent[")
    ]


def draft_part_with_llm(
    ctx: DraftContext,
    part_id: str,
    offline_sections: list[Section],
    llm: BaseLanguageModel,
    instruction: str = "",
    on_token: Callable[[str], None] | None = None,
) -> list[Section]:
    """The part with model-written prose (source='llm'), or the offline part marked with the reason."""
    # Bare headings (一、绩效评价指标分析 above its sub-sections) have no prose to write.
    slots = [
        Slot(id=s.id, title=s.title, current=[p.template for p in s.paragraphs], required=_required_refs(s))
        for s in offline_sections
        if s.paragraphs
    ]
    if not slots:
        return offline_sections  # tables only (绩效评价总览表): nothing for a model to write
    facts = allowed_facts(ctx, offline_sections, part_id)
    drafted, error = ask_for_paragraphs(llm, f"draft_{part_id}", slots, facts, ctx, instruction, on_token)
    if drafted is None:
        note = FALLBACK_NOTE.format(reason=fallback_reason(error))
        return [s.model_copy(update={"note": note}) if i == 0 else s for i, s in enumerate(offline_sections)]
    out = []
    for s in offline_sections:
        if s.id not in drafted:
            out.append(s.model_copy(update={"source": "llm", "note": ""}))
            continue
        paragraphs = [Paragraph.from_template(t) for t in drafted[s.id] if t.strip()]
        if len(paragraphs) == len(s.paragraphs):
            # Keep list labels such as （1）: they are structure, and the model must not type digits.
            paragraphs = [
                p.model_copy(update={"label": old.label})
                for p, old in zip(paragraphs, s.paragraphs, strict=True)
            ]
        out.append(s.model_copy(update={"paragraphs": paragraphs, "source": "llm", "note": ""}))
    return out

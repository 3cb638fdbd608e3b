"""The LLM drafter: the model rewrites the prose of the offline draft, a few paragraphs per call; the facts, the
structure and the tables stay the offline drafter's.

The offline draft already holds everything a report section needs — every indicator analysed, problems grouped
into themes by cause, one recommendation per theme naming who acts and by when, a written judgement, and short
“（待补充：…）” markers for missing facts. The model is asked only to write that better, never to decide it:

- **small calls**: a section's prose is cut into units — a theme or a recommendation alone, otherwise up to
  :data:`UNIT_PARAGRAPHS` paragraphs within :data:`UNIT_TOKENS` — so each prompt (``prompts/draft_<part>.md.j2``)
  stays well inside what a 0.5B–7B model on a CPU reads in reasonable time; each call sets ``max_tokens``;
- **facts behind handles**: the prompt lists the unit's facts in plain Chinese behind short handles (``{v12}``),
  long case texts shown in part (the handle inserts the whole); the reply is ``{"paragraphs": [...]}``;
- **nothing invented**: handles become ``{ref:key}`` references; a distinctive figure the model typed that equals
  exactly one supplied value becomes its reference, any other typed number rejects the reply
  (:func:`~assistant.report.validate_no_free_numbers`);
- **nothing lost**: every reference of the offline text must still be there (the list of criteria met may be
  summed up), and so must each 《document》 title and time frame of a recommendation; a paragraph that echoes a
  prompt label, copies the worked example or has no prose of its own is rejected;
- **structure kept**: a theme is rewritten alone and keeps its list label; the 待补充 markers are taken out
  before the call and put back after it, so the model can neither drop nor reword them; paragraphs that are
  only the case's own text (“项目立项依据：…”) or a stock sentence without any fact are not sent.

A rejected reply is asked for once more with a short correction; a second failure sends that unit — only its
paragraphs — back to the offline text, and the section's note says which paragraphs and why. A timeout or an
unreachable endpoint ends the section's remaining calls (the report goes on with the next section).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from assistant.errors import InputError, ModelError, ModelReplyError, ModelUnavailable
from assistant.llm import as_client
from assistant.model_budget import estimate_tokens
from assistant.model_client import ModelClient
from assistant.model_reply import ReplyRejected, paragraph_problem
from assistant.prompts import render
from assistant.report import REF_PATTERN, Paragraph, Section, chinese_number, validate_no_free_numbers

from .context import DraftContext
from .prose import MISSING_LABELS

FALLBACK_NOTE = "大模型起草结果两次未通过校验（{reason}），本节已改用离线模板起草。"
PARTIAL_NOTE = "{which}段大模型起草未成功（{reason}），已改用离线模板；本节其余段落由大模型起草。"
OFFLINE_NOTE = "本节已改用离线模板起草"

PROMPT_LABELS = (
    "参考初稿",
    "可用事实",
    "写作要求",
    "输出格式",
    "【更正】",
    "示例输出",
    "待写章节",
    "现有文字",
)
"""Labels of the drafting prompts; a paragraph containing one copied the prompt instead of writing."""

PARTS_ABOUT_ROWS = frozenset({"analysis", "problems", "suggestions", "other", "deviations"})
"""Parts that discuss single indicators: their prompts also list the lost rows' own values."""

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
_GENERAL_KEYS = ("project.name", "project.year", "total", "grade", "max_total", "rate")
_HANDLE = re.compile(r"[{｛]\s*(?:ref\s*[:：]\s*)?[vV]\s*(\d+)\s*[}｝]")
_PLACEHOLDER = "（待补充"
_DISTINCTIVE = re.compile(r"^\d{3,}$|^\d+[.．]\d+[%％]?$|^\d+[%％]$")
MARKER = re.compile(r"（待补充：\{ref:todo\[\d+\]\}）")
"""The short in-text marker of a missing fact (see :data:`assistant.drafting.prose.PLACEHOLDER`)."""
DOCUMENT_TITLE = re.compile(r"《[^《》]{2,60}》")
TIME_FRAME = re.compile(r"在(?:下一|后续|本|今后)[^，。；：]{0,16}?(?:时|前|内|期间)")
"""When a recommendation is to be carried out (“在下一年度预算编制时”): a rewrite keeps it word for word."""
SUMMED_UP = (".criterion[",)
"""References a rewrite may leave out: the list of scoring points met (“满足评分标准的各项要求”)."""
ROW_FACTS = ("target", "actual", "evidence", "finding", "deviation", "reason", "weight", "score", "lost")
"""An indicator's own facts offered beside a paragraph about it, so the model can say what was found."""

FIRST_HANDLE = 11
"""The case's facts are {v11}, {v12}…; the worked examples use {v1}…{v9}."""
EXAMPLE_COPY_CHARS = 12
"""A paragraph sharing this many consecutive characters with the worked example (outside the case's own text)
copied the example instead of writing about the case."""
MAX_OTHER_FACTS = 6
"""Facts beyond what the unit references: a few, so a small model is not buried in figures."""
FACT_CHARS = 60
"""A longer case text is shown in part (the handle still inserts the whole)."""
UNIT_PARAGRAPHS = 3
UNIT_TOKENS = 420
"""A unit's paragraphs and facts, estimated in tokens: with the task, rules and worked example (~450) a prompt
stays near 900 estimated tokens, well under what a small model on two CPU cores reads in reasonable time."""
LABEL_NAME_CHARS = 12
"""An indicator's name in a fact's label is cut to this many characters (long names made prompts long)."""
PROMPT_CEILING = 1500
"""What a drafting prompt may reach, estimated cautiously (one token per Chinese character; the tokenizers of the
models people serve count about a third fewer): units and facts are sized to stay well below it."""
MIN_REPLY_TOKENS = 320
"""Reply budget for a short unit; a long one gets about three times its offline length."""


class SectionDraft(BaseModel):
    """The model's answer for one unit: ``{"paragraphs": [...]}``.

    Also read: one paragraph given as a string, and the whole-part layout ``{"sections": [{"id", "paragraphs"}]}``
    models fall back to (the entry for the section asked about is used; see :meth:`for_slot`)."""

    paragraphs: list[str] = Field(
        default_factory=list, description="本节的段落，每段一个字符串；数字一律写成 {v编号}"
    )
    sections: SkipJsonSchema[list[dict[str, Any]]] = Field(default_factory=list, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _common_shapes(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("paragraphs"), str):
            data = {**data, "paragraphs": [data["paragraphs"]]}
        if isinstance(data, dict) and "paragraphs" not in data and not isinstance(data.get("sections"), list):
            raise ValueError("缺少字段 paragraphs")
        return data

    def for_slot(self, slot_id: str) -> list[str]:
        if self.paragraphs or not self.sections:
            return self.paragraphs
        entries = [e for e in self.sections if isinstance(e, dict)]
        entry = next(
            (e for e in entries if e.get("id") == slot_id), entries[0] if len(entries) == 1 else None
        )
        found = entry.get("paragraphs") if entry else None
        if isinstance(found, str):
            return [found]
        return [p for p in found if isinstance(p, str)] if isinstance(found, list) else []


class Slot(BaseModel):
    """One piece of text the model rewrites: id, heading, the offline text as a start, what it must keep."""

    id: str
    title: str
    current: list[str]
    required: list[str] = Field(
        default_factory=list, description="Keys the answer must reference (the offline text's facts)"
    )
    phrases: list[str] = Field(
        default_factory=list,
        description="Text the answer must keep word for word (《…》 titles, time frames)",
    )


@dataclass(frozen=True)
class Fact:
    """A value the model may quote, as the prompt shows it."""

    handle: str
    key: str
    label: str
    value: str

    @property
    def marker(self) -> str:
        return "{" + self.handle + "}"


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


def unit_facts(ctx: DraftContext, templates: list[str]) -> dict[str, str]:
    """The facts of one unit: what its offline text references, then the own facts (target, actual, evidence…)
    of the indicators it is about."""
    own = [k for t in templates for k in REF_PATTERN.findall(t)]
    facts = {k: ctx.values[k] for k in own if ctx.values.get(k)}
    rows = dict.fromkeys(m.group(1) for k in own if (m := re.match(r"(?:indicator|name)\[([^\]]+)\]", k)))
    for row in rows:
        for suffix in ROW_FACTS:
            key = f"indicator[{row}].{suffix}"
            if ctx.values.get(key):
                facts.setdefault(key, ctx.values[key])
    return facts


def ranked_keys(slot: Slot, facts: dict[str, str]) -> list[str]:
    """The facts for one slot, best first: what its offline text references, then the rows and figures it is
    about, then the report-wide ones. The client cuts the tail when the prompt would not fit."""
    own = [k for p in slot.current for k in REF_PATTERN.findall(p)]
    subject = _subject_prefixes(slot)
    related = [k for k in facts if subject and k.startswith(subject)]
    general = [k for k in _GENERAL_KEYS if k in facts]
    rest = [k for k in facts if k not in own and k not in related and k not in general]
    extra = [k for k in dict.fromkeys(related + general + rest) if k not in own][:MAX_OTHER_FACTS]
    ordered = list(dict.fromkeys(own + extra))
    return [k for k in ordered if k in facts or k in own]


def _subject_prefixes(slot: Slot) -> tuple[str, ...]:
    """Key prefixes of what a slot is about: its own indicators (analysis.<一级>, a form row) or group."""
    keys = [k for p in slot.current for k in REF_PATTERN.findall(p)]
    rows = {m.group(1) for k in keys if (m := re.match(r"(?:indicator|name)\[([^\]]+)\]", k))}
    groups = {m.group(1) for k in keys if (m := re.match(r"group\[([^\]]+)\]", k))}
    return tuple(f"indicator[{r}]" for r in rows) + tuple(f"group[{g}]" for g in groups)


def shown_value(value: str) -> str:
    """A fact's value as the prompt shows it: a long case text in part (its handle inserts the whole)."""
    value = " ".join(value.split())
    return value if len(value) <= FACT_CHARS else value[:FACT_CHARS] + "……（节选）"


# ---------------------------------------------------------------- one slot, one call


def draft_slot(
    client: ModelClient,
    ctx: DraftContext,
    prompt_name: str,
    slot: Slot,
    facts: dict[str, str],
    instruction: str = "",
    on_token: Callable[[str], None] | None = None,
) -> list[str]:
    """The slot's paragraphs as templates with ``{ref:key}`` references. Raises ModelError (with the reason)."""
    keys = ranked_keys(slot, facts)
    values = {k: facts.get(k) or ctx.values.get(k, "") for k in keys}
    keys = [k for k in keys if values[k]]
    essential = len(dict.fromkeys(k for p in slot.current for k in REF_PATTERN.findall(p)))
    # Numbered past the worked example's {v1}…{v9}: a small model that copies the example's handles then cites
    # nothing real (rejected) instead of the case's first facts (a real run produced “2023指标因此扣98.57分”).
    handles = {k: f"v{i}" for i, k in enumerate(keys, start=FIRST_HANDLE)}
    listed = [Fact(handles[k], k, fact_label(k, ctx.values), shown_value(values[k])) for k in keys]
    current = [_with_handles(p, handles) for p in slot.current]
    max_tokens = min(client.limits.max_tokens, max(MIN_REPLY_TOKENS, 3 * estimate_tokens("".join(current))))

    def prompt_with(n: int) -> str:
        return render(
            prompt_name,
            project=ctx.values.get("project.name", ""),
            kind="self_evaluation" if prompt_name == "draft_deviations" else "report",
            title=slot.title,
            facts=listed[: max(n, essential)],
            current=current,
            instruction=instruction,
        )

    prompt, _kept = client.fit(prompt_with, len(listed), max_tokens=max_tokens)
    shown = {f.handle: f.key for f in listed[: max(_kept, essential)]}
    example = _example_text(prompt)
    own_text = prompt.replace(example, "")  # the task, rules, the case's facts and draft
    result: list[str] = []

    def check(draft: SectionDraft) -> None:
        paragraphs = draft.for_slot(slot.id)
        if any(copied_from(p, example, own_text) for p in paragraphs):
            raise ReplyRejected("照抄了示例中另一个项目的内容；请只写本项目的事实。", "照抄了提示词中的示例")
        result[:] = checked_paragraphs(paragraphs, shown, values, slot.required, slot.current, slot.phrases)

    client.ask_json(
        prompt,
        SectionDraft,
        check=check,
        max_tokens=max_tokens,
        on_token=on_token,
        phrase=lambda error: render("draft_retry", error=error),
        purpose=f"{prompt_name}:{slot.id}",
    )
    return result


def _example_text(prompt: str) -> str:
    """The worked example's output as the prompt shows it."""
    start = prompt.find("示例输出：")
    end = prompt.find("现在请写", start)
    return prompt[start:end] if start >= 0 and end > start else ""


def copied_from(paragraph: str, example: str, own_text: str, span: int = EXAMPLE_COPY_CHARS) -> bool:
    """True when ``paragraph`` repeats ``span`` consecutive characters of the example that the rest of the prompt
    (task, rules, the case's facts and draft) does not contain."""
    text = re.sub(r"\{[^{}]*\}", "\x00", paragraph)
    for i in range(len(text) - span + 1):
        piece = text[i : i + span]
        if "\x00" not in piece and piece in example and piece not in own_text:
            return True
    return False


def checked_paragraphs(
    paragraphs: list[str],
    shown: dict[str, str],
    values: dict[str, str],
    required: list[str],
    offline: list[str] = (),  # type: ignore[assignment]
    phrases: list[str] = (),  # type: ignore[assignment]
) -> list[str]:
    """The model's paragraphs as reference templates, or ReplyRejected naming what to fix. A paragraph kept
    exactly as the offline draft had it (say, the case's own background text) is not held against the model."""
    allowed = {key: values[key] for key in shown.values()}
    out = []
    for raw in paragraphs:
        if not raw.strip():
            continue
        template = _from_handles(raw.strip(), shown)
        problem = None if template in offline else paragraph_problem(raw, PROMPT_LABELS)
        if problem:
            raise ReplyRejected(f"有一段{problem}；请直接写成文的段落。", f"段落{problem}")
        template = adopt_typed_figures(template, allowed)
        try:
            validate_no_free_numbers(template, allowed)
        except InputError as exc:
            raise ReplyRejected(_in_handles(str(exc), shown), fallback_reason(str(exc))) from None
        out.append(template)
    if not out:
        raise ReplyRejected("没有写出任何段落。", "本节没有内容")
    by_key = {key: handle for handle, key in shown.items()}
    text = "".join(out)
    dropped = [p for p in phrases if p not in text]
    if dropped:
        quoted = "、".join("“" + _with_handles(p, by_key) + "”" for p in dropped)
        raise ReplyRejected(f"漏掉了初稿中的{quoted}，须原样保留。", "漏掉了建议的措施或时限")
    used = {k for p in out for k in REF_PATTERN.findall(p)}
    missing = [k for k in required if k not in used and k in by_key]
    if missing:
        lost = [k for k in missing if k.endswith(".lost")]
        what, reason = (
            ("失分指标的扣分", "漏掉了失分指标") if lost else ("初稿中的事实", "漏掉了初稿中的事实")
        )
        marks = "、".join("{" + by_key[k] + "}" for k in (lost or missing))
        raise ReplyRejected(f"漏掉了{what}，须引用 {marks}。", reason)
    return out


def adopt_typed_figures(template: str, allowed: dict[str, str]) -> str:
    """Replace a distinctive figure the model typed (``71.57%``, ``142.86``, ``2023``) by the reference of the one
    supplied value it equals. Small integers stay typed (and are rejected): “5” may be anything."""
    by_value: dict[str, list[str]] = {}
    for key, value in allowed.items():
        by_value.setdefault(value.strip(), []).append(key)

    def adopt(segment: str) -> str:
        def replace(match: re.Match[str]) -> str:
            number = match.group(0).replace("．", ".").replace("％", "%")
            keys = by_value.get(number) or []
            if not _DISTINCTIVE.match(number) or len({allowed[k] for k in keys}) != 1:
                return match.group(0)
            return "{ref:" + keys[0] + "}"

        return re.sub(r"(?<![\d.．])\d+(?:[.．]\d+)?[%％]?(?![\d.．])", replace, segment)

    parts = REF_PATTERN.split(template)
    return "".join(adopt(p) if i % 2 == 0 else "{ref:" + p + "}" for i, p in enumerate(parts))


def _with_handles(template: str, handles: dict[str, str]) -> str:
    return REF_PATTERN.sub(lambda m: "{" + handles.get(m.group(1).strip(), m.group(1)) + "}", template)


def _from_handles(text: str, shown: dict[str, str]) -> str:
    """``{v3}`` → ``{ref:key}``; an unknown handle stays a reference to itself, which validation rejects."""

    def replace(match: re.Match[str]) -> str:
        handle = f"v{int(match.group(1))}"
        return "{ref:" + shown.get(handle, handle) + "}"

    return _HANDLE.sub(replace, text)


def _in_handles(message: str, shown: dict[str, str]) -> str:
    """A validation message rewritten in the handles the model saw (``{ref:total}`` → ``{v2}``)."""
    by_key = {key: handle for handle, key in shown.items()}
    message = REF_PATTERN.sub(lambda m: "{" + by_key.get(m.group(1).strip(), "编号") + "}", message)
    return message.replace("{ref:键名}", "{v编号}").replace("键", "编号")


def fallback_reason(error: str) -> str:
    """The kind of failure, for the note shown in the draft; never the model's text, which may hold a number."""
    if "直接写了数字" in error:
        return "文中直接写了数字"
    if "不存在的键" in error:
        return "引用了不存在的数值"
    if "漏掉了失分指标" in error:
        return "漏掉了失分指标"
    if "漏掉了初稿中的事实" in error:
        return "漏掉了初稿中的事实"
    if "漏掉了建议的措施或时限" in error:
        return "漏掉了建议的措施或时限"
    if error.startswith("大模型回答两次未通过检查："):
        return error.split("：", 1)[1]
    return error or "输出不是有效的 JSON"


# ---------------------------------------------------------------- sections cut into units


def _is_placeholder(paragraph: Paragraph) -> bool:
    """A 待补充 note: it asks the user for a fact; there is nothing for a model to write."""
    return paragraph.template.lstrip().startswith(_PLACEHOLDER)


def is_prose(paragraph: Paragraph) -> bool:
    """A paragraph the model may rewrite: it states facts (references) in words of the drafter's own — not a
    待补充 note, not the case's own text under a label, not a stock sentence without any fact."""
    template = MARKER.sub("", paragraph.template)
    if _is_placeholder(paragraph) or not REF_PATTERN.search(template):
        return False
    return paragraph_problem(template, ()) is None


def prose_units(paragraphs: list[Paragraph]) -> list[list[int]]:
    """The indexes of a section's prose paragraphs, cut into the units sent one per call: a labelled paragraph
    (a problem theme) alone, otherwise consecutive paragraphs up to :data:`UNIT_PARAGRAPHS` and
    :data:`UNIT_TOKENS`."""
    units: list[list[int]] = []
    size = 0
    for i, p in enumerate(paragraphs):
        if not is_prose(p):
            continue  # kept as it is; the next prose paragraph starts a new unit (adjacency below)
        tokens = _unit_tokens(p)
        previous = units[-1] if units else []
        joins = (
            previous
            and previous[-1] == i - 1
            and not p.label
            and not paragraphs[previous[-1]].label
            and len(previous) < UNIT_PARAGRAPHS
            and size + tokens <= UNIT_TOKENS
        )
        if joins:
            previous.append(i)
            size += tokens
        else:
            units.append([i])
            size = tokens
    return units


def _unit_tokens(paragraph: Paragraph) -> int:
    """A paragraph's share of a prompt: its text with short handles, plus one line per fact it references."""
    text = REF_PATTERN.sub("{v00}", paragraph.template)
    return estimate_tokens(text) + 24 * len(set(paragraph.refs))


def required_refs(templates: list[str]) -> list[str]:
    """References a rewrite must keep: every fact of the offline text but the list of scoring points met."""
    keys = [k for t in templates for k in REF_PATTERN.findall(t)]
    return [k for k in dict.fromkeys(keys) if not any(s in k for s in SUMMED_UP)]


def kept_phrases(templates: list[str]) -> list[str]:
    """Text a rewrite must keep word for word: the titles of documents to issue and the time frames."""
    text = "".join(templates)
    return list(
        dict.fromkeys(m.group(0) for pattern in (DOCUMENT_TITLE, TIME_FRAME) for m in pattern.finditer(text))
    )


def _placed(templates: list[str], offline: list[Paragraph]) -> list[Paragraph]:
    """The model's paragraphs in the place of the unit's offline ones: each offline paragraph's 待补充 markers
    go back at the end of its counterpart (all at the end when the count differs), labels are kept."""
    markers = [MARKER.findall(p.template) for p in offline]
    if len(templates) == len(offline):
        return [
            Paragraph.from_template(t + "".join(m), label=p.label)
            for t, m, p in zip(templates, markers, offline, strict=True)
        ]
    if offline[0].label:  # one theme asked, several paragraphs back: still one theme
        templates = ["".join(templates)]
    tail = "".join(m for ms in markers for m in ms)
    out = [Paragraph.from_template(t) for t in templates]
    out[-1] = Paragraph.from_template(templates[-1] + tail)
    if offline[0].label:
        out[0] = out[0].model_copy(update={"label": offline[0].label})
    return out


# ---------------------------------------------------------------- parts and forms


def draft_part_with_llm(
    ctx: DraftContext,
    part_id: str,
    offline_sections: list[Section],
    llm: Any,
    instruction: str = "",
    on_token: Callable[[str], None] | None = None,
) -> list[Section]:
    """The part with model-written prose (source='llm'); a unit the model could not write keeps its offline
    paragraphs, and the section's note says which and why. Never raises for a model failure."""
    client = as_client(llm)
    return [_drafted_section(client, ctx, part_id, s, instruction, on_token) for s in offline_sections]


def _drafted_section(
    client: ModelClient,
    ctx: DraftContext,
    part_id: str,
    offline: Section,
    instruction: str,
    on_token: Callable[[str], None] | None,
) -> Section:
    paragraphs = offline.paragraphs
    units = prose_units(paragraphs)
    if not units:
        return offline  # a bare heading, a table, the case's own text or only 待补充 notes
    written: dict[int, list[Paragraph]] = {}
    failed: list[int] = []
    reasons: list[str] = []
    down: ModelError | None = None
    for n, unit in enumerate(units):
        if down is not None:
            failed += unit
            continue
        templates = [MARKER.sub("", paragraphs[i].template) for i in unit]
        slot = Slot(
            id=offline.id if len(units) == 1 else f"{offline.id}.{n + 1}",
            title=offline.title,
            current=templates,
            required=required_refs(templates),
            phrases=kept_phrases(templates),
        )
        facts = unit_facts(ctx, templates)
        try:
            drafted = draft_slot(client, ctx, f"draft_{part_id}", slot, facts, instruction, on_token)
        except ModelReplyError as exc:
            failed += unit
            reasons.append(fallback_reason(exc.reason))
            continue
        except ModelError as exc:
            down = exc  # unreachable, timed out, busy: the section's other calls would fare no better
            failed += unit
            continue
        written[unit[0]] = _placed(drafted, [paragraphs[i] for i in unit])
        for i in unit[1:]:
            written[i] = []
    if not written:
        if down is not None:
            return offline.model_copy(update={"note": down.fallback_note(OFFLINE_NOTE)})
        return offline.model_copy(
            update={"note": FALLBACK_NOTE.format(reason="、".join(dict.fromkeys(reasons)))}
        )
    out = [q for i, p in enumerate(paragraphs) for q in (written[i] if i in written else [p])]
    note = ""
    if failed:
        which = "、".join(chinese_number(i + 1) for i in failed)
        reason = down.reason if down is not None else "、".join(dict.fromkeys(reasons))
        note = PARTIAL_NOTE.format(which=f"第{which}", reason=reason)
    return offline.model_copy(update={"paragraphs": out, "source": "llm", "note": note})


def ask_for_paragraphs(
    llm: Any,
    prompt_name: str,
    slots: list[Slot],
    facts: dict[str, str],
    ctx: DraftContext,
    instruction: str = "",
    on_token: Callable[[str], None] | None = None,
) -> tuple[dict[str, list[str]] | None, str]:
    """Each slot drafted by its own call. Returns (paragraphs of the slots the model wrote, the reason the others
    fell back or ""), (None, reason) when none was written; raises ModelUnavailable only when every call failed
    for that reason (the endpoint is down), so the caller can say so once."""
    client = as_client(llm)
    drafted: dict[str, list[str]] = {}
    reason = ""
    unavailable: list[ModelUnavailable] = []
    for slot in slots:
        try:
            drafted[slot.id] = draft_slot(client, ctx, prompt_name, slot, facts, instruction, on_token)
        except ModelUnavailable as exc:
            unavailable.append(exc)
            reason = exc.reason
        except ModelError as exc:
            reason = fallback_reason(exc.reason)
    if slots and len(unavailable) == len(slots):
        raise unavailable[-1]
    return (drafted or None), reason


# ---------------------------------------------------------------- facts in plain Chinese

_FIXED_LABELS = {
    "total": "综合得分（分）",
    "grade": "评价等级",
    "max_total": "满分（分）",
    "rate": "综合得分率",
    "reported_total": "原自评表填报的总分",
    "kind": "评价类型",
    "project.name": "项目名称",
    "project.department": "主管部门",
    "project.implementer": "实施单位",
    "project.evaluator": "评价机构",
    "project.year": "评价年度（年）",
    "budget.initial": "年初预算数（万元）",
    "budget.annual": "全年预算数（万元）",
    "budget.executed": "全年执行数（万元）",
    "budget.balance": "预算结余（万元）",
    "budget.rate": "预算执行率",
    "budget.score": "预算执行率得分（分）",
    "budget.weight": "预算执行率分值（分）",
    "count.indicators": "末级指标总数（项）",
    "count.lost_indicators": "失分指标数（项）",
    "count.full_indicators": "得满分的指标数（项）",
    "count.level1": "一级指标数（个）",
    "count.lost": "失分指标数（项）",
    "count.judged": "评价人员判定得分的指标数（项）",
    "count.problems": "发现的问题数（个）",
    "policy.framework": "评价依据的制度文件",
    "policy.grade_bands": "等级划分标准",
}
_INDICATOR_LABELS = {
    "target": "年度指标值（目标）",
    "target_value": "目标数值",
    "actual": "实际完成值",
    "actual_value": "实际完成数值",
    "weight": "分值（分）",
    "score": "得分（分）",
    "lost": "扣分（分）",
    "rate": "得分率",
    "finding": "评价发现",
    "evidence": "评分依据",
    "deviation": "偏差原因",
    "reason": "原因或改进措施",
    "reported_score": "原自评得分（分）",
    "judged": "是否由评价人员判定得分",
}
_GROUP_LABELS = {
    "name": "名称",
    "weight": "满分（分）",
    "score": "得分（分）",
    "rate": "得分率",
    "lost": "扣分（分）",
}
_KEY = re.compile(r"^([\w.]+)\[([^\]]*)\](?:\.(.+))?$")


def fact_label(key: str, values: dict[str, str]) -> str:
    """What a value key means, in the words of a report (“网络AP在线率”的实际完成值), never the key itself."""
    if key in _FIXED_LABELS:
        return _FIXED_LABELS[key]
    if key.startswith("narrative."):
        field = key.split(".", 1)[1]
        return "案例中的" + MISSING_LABELS.get(field, "叙述")
    match = _KEY.match(key)
    if not match:
        return "数值"
    kind, inner, rest = match.group(1), match.group(2), match.group(3) or ""
    leaf = inner.rsplit("/", 1)[-1]
    if len(leaf) > LABEL_NAME_CHARS:  # the full name is a fact of its own; the label only has to point at it
        leaf = leaf[: LABEL_NAME_CHARS - 1] + "…"
    if kind == "indicator":
        if rest.startswith(("deduction[", "criterion[")):
            what = "扣分事项" if rest.startswith("deduction[") else "未达到的评分要点"
            return f"“{leaf}”的{what}" + ("分值（分）" if rest.endswith("points") else "")
        return f"“{leaf}”的{_INDICATOR_LABELS.get(rest, '数值')}"
    if kind == "name":
        return "指标名称" if "/" in inner else "一级指标名称"
    if kind == "group":
        level = "二级指标" if "/" in inner else "一级指标"
        return f"{level}“{leaf}”的{_GROUP_LABELS.get(rest, '数值')}"
    if kind == "count.indicators":
        return f"一级指标“{leaf}”下的末级指标数（项）"
    if kind == "count.lost_indicators":
        return f"一级指标“{leaf}”下的失分指标数（项）"
    if kind == "count.groups":
        return {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}.get(inner, "各级") + "指标数（个）"
    if kind == "finding":
        return "评价发现的问题" + ("所附证据" if rest == "evidence" else "")
    if kind == "precedent":
        return "同类报告引文的编号" if rest == "n" else "同类报告的原文引文"
    return "数值"

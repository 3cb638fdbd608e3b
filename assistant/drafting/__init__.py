"""The drafting agent: a case and its score sheet in, a :class:`~assistant.report.Report` out.

Public API::

    draft_report(case, sheet, retriever=None, llm=None) -> Report
    draft_self_evaluation(case, sheet, retriever=None, llm=None) -> Report
    redraft_section(report, section_id, instruction, case, sheet, retriever=None, llm=None) -> Report

Without ``llm`` every part comes from the offline drafter; with one, each part's prose is written by the
model and checked (numbers only as references), falling back to the offline text part by part.
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.language_models import BaseLanguageModel

from assistant.case import Case
from assistant.errors import InputError
from assistant.report import Report, Section, number_sections
from assistant.scoring import ScoreSheet, sheet_values

from .appendix import draft_appendices, draft_checklist, draft_cover, draft_signature, draft_toc
from .context import DraftContext, build_context
from .llm_drafter import (
    ModelUnavailable,
    Slot,
    allowed_facts,
    ask_for_paragraphs,
    draft_part_with_llm,
    fallback_reason,
)
from .offline import PART_DRAFTERS, section
from .outline import REPORT_OUTLINE, SELF_EVALUATION_PARTS, Outline, outline_for, part_for_request
from .precedents import Precedents, Retriever
from .problems import draft_suggestions
from .self_eval import build_form, deviation_text

TokenCallback = Callable[[str], None]
SPECIFIC_WORDS = ("具体", "详细", "细化", "可操作")
"""Words asking for more concrete recommendations: the offline drafter can honour them from the case."""


def context_for(case: Case, sheet: ScoreSheet) -> DraftContext:
    """The drafting context: scorer values first, then case facts and computed counts."""
    values = sheet_values(case, sheet)
    for result in sheet.judged_indicators():
        values[f"indicator[{result.key}].judged"] = "是"
    return build_context(case, values)


def _title(case: Case, kind: str, suffix: str = "绩效评价报告") -> tuple[str, str]:
    name = case.project.name
    if kind == "self_evaluation":
        return f"{name}项目支出绩效自评表", case.project.implementer or case.project.department
    title = name if name.endswith("项目") else name + "项目"
    subtitle = case.project.evaluator or case.project.department
    return f"{title}{suffix}", subtitle


def _fit(sections: list[Section], heading_fixed: bool, title: str) -> list[Section]:
    """A part's sections at the level its outline puts it: under a grouping heading its top section is level
    2, standing alone level 1; the outline's title for the part replaces the drafter's."""
    if not sections:
        return sections
    want = 2 if heading_fixed else 1
    shift = want - sections[0].level
    out = []
    for n, s in enumerate(sections):
        update = {"level": max(1, min(4, s.level + shift))} if shift else {}
        if n == 0 and title:
            update["title"] = title
        out.append(s.model_copy(update=update) if update else s)
    return out


def _precedents(case: Case, retriever: Retriever | None, start: int = 0) -> Precedents | None:
    """Precedent lookup that never cites the project's own report back to itself."""
    if retriever is None:
        return None
    precedents = Precedents(retriever, exclude_document=case.project.name)
    precedents.first_n = start + 1
    return precedents


def _cited_count(report: Report, except_part: str) -> int:
    """The highest citation number outside the part being redrafted (its own citations are replaced)."""
    replaced = {s.id for s in report.part(except_part)}
    return max((c.n for s in report.sections if s.id not in replaced for c in s.citations), default=0)


def _part_sections(
    ctx: DraftContext,
    part_id: str,
    precedents: Precedents | None,
    llm: BaseLanguageModel | None,
    instruction: str = "",
    on_token: TokenCallback | None = None,
) -> list[Section]:
    if part_id == "suggestions" and any(word in instruction for word in SPECIFIC_WORDS):
        offline = draft_suggestions(ctx, precedents, specific=True)
    else:
        offline = PART_DRAFTERS[part_id](ctx, precedents)
    if llm is None:
        return offline
    return draft_part_with_llm(ctx, part_id, offline, llm, instruction, on_token)


def draft_report(
    case: Case,
    sheet: ScoreSheet,
    retriever: Retriever | None = None,
    llm: BaseLanguageModel | None = None,
    on_token: TokenCallback | None = None,
    outline: str | Outline | None = None,
) -> Report:
    """The full evaluation report in an outline from ``outlines/`` (by default the one the case calls for:
    see :func:`~assistant.drafting.outline.outline_for`), with cover, 目录, the checklist of missing facts,
    落款 and 附件."""
    chosen = outline if isinstance(outline, Outline) else outline_for(case, outline)
    ctx = context_for(case, sheet)
    ctx.analysis_title = chosen.analysis_title
    precedents = _precedents(case, retriever)
    title, subtitle = _title(case, "report", chosen.title_suffix)
    sections: list[Section] = []
    for heading in chosen.headings:
        if heading.fixed:
            sections.append(section(heading.id, heading.title, 1, []))
        for part in heading.parts:
            part_title = part.title if heading.fixed else heading.title
            try:
                drafted = _part_sections(ctx, part.id, precedents, llm, on_token=on_token)
            except ModelUnavailable as exc:
                # One failed call means the endpoint is down: the rest of the report is drafted offline.
                llm = None
                offline = _part_sections(ctx, part.id, precedents, None)
                note = f"{exc}本节及以后各节已改用离线模板起草。"
                drafted = [offline[0].model_copy(update={"note": note}), *offline[1:]]
            sections += _fit(drafted, heading.fixed, part_title)
    sections.append(draft_signature(ctx))
    sections += draft_appendices(ctx, chosen)
    front: list[Section] = []
    if "cover" in chosen.front:
        front.append(draft_cover(ctx, title))
    if "toc" in chosen.front:
        front.append(draft_toc(ctx, number_sections(sections)))
    checklist = draft_checklist(ctx) if "checklist" in chosen.front else None
    if checklist is not None:
        front.append(checklist)
    return Report(
        kind="report",
        title=title,
        subtitle=subtitle,
        sections=number_sections(front + sections),
        values=ctx.values,
        origins=dict(ctx.origin),
    )


def draft_self_evaluation(
    case: Case,
    sheet: ScoreSheet,
    retriever: Retriever | None = None,
    llm: BaseLanguageModel | None = None,
    instruction: str = "",
    on_token: TokenCallback | None = None,
) -> Report:
    """The self-evaluation form; with ``llm`` the 偏差原因分析及改进措施 texts are model-written and checked."""
    ctx = context_for(case, sheet)
    deviations: dict[str, str] = {}
    note = ""
    lost = ctx.lost_indicators()
    if llm is not None and lost:
        slots = [
            Slot(id=ind.key, title=ctx.values[f"name[{ind.key}]"], current=[deviation_text(ctx, ind)])
            for ind in lost
        ]
        facts = allowed_facts(ctx, [], "deviations")
        for ind in lost:
            for suffix in ("target", "actual", "weight", "score", "lost", "deviation", "finding", "reason"):
                key = f"indicator[{ind.key}].{suffix}"
                if ctx.has(key):
                    facts[key] = ctx.values[key]
            facts[f"name[{ind.key}]"] = ctx.values[f"name[{ind.key}]"]
        try:
            drafted, error = ask_for_paragraphs(
                llm, "draft_deviations", slots, facts, ctx, instruction, on_token
            )
        except ModelUnavailable as exc:
            drafted, error = None, ""
            note = f"{exc}偏差原因分析已改用离线模板。"
        if drafted is not None:
            deviations = {k: "".join(v) for k, v in drafted.items()}
            fell_back = [ctx.values[f"name[{ind.key}]"] for ind in lost if ind.key not in drafted]
            if fell_back:
                # Some rows only: say which, so the user knows whose text is the model's.
                why = f"（{fallback_reason(error)}）" if error else ""
                note = (
                    f"大模型未能起草{'、'.join(fell_back)}的偏差原因分析{why}，这些行已改用离线模板；"
                    "其余行由大模型起草。"
                )
        elif not note:
            note = f"大模型起草的偏差原因分析两次未通过校验（{fallback_reason(error)}），已改用离线模板。"
    form = build_form(ctx, deviations)
    title, subtitle = _title(case, "self_evaluation")
    sections = []
    if note:
        sections.append(section("deviations", "起草说明", 1, [], note=note))
    return Report(
        kind="self_evaluation",
        title=title,
        subtitle=subtitle,
        sections=number_sections(sections),
        form=form,
        values=ctx.values,
        origins=dict(ctx.origin),
    )


def redraft_section(
    report: Report,
    section_id: str,
    instruction: str,
    case: Case,
    sheet: ScoreSheet,
    retriever: Retriever | None = None,
    llm: BaseLanguageModel | None = None,
    on_token: TokenCallback | None = None,
) -> Report:
    """Redraft one part ("problems", "suggestions"…, or a free request such as "把建议写得更具体")."""
    if report.kind == "self_evaluation":
        return draft_self_evaluation(case, sheet, retriever, llm, instruction, on_token)
    part_id = section_id if section_id in PART_DRAFTERS else None
    if part_id is None:
        part = part_for_request(section_id)
        if part is None:
            raise InputError(f"无法确定要起草的章节「{section_id}」；可选：" + "、".join(PART_DRAFTERS))
        part_id = part.id
    ctx = context_for(case, sheet)
    precedents = _precedents(case, retriever, start=_cited_count(report, part_id))
    new = _part_sections(ctx, part_id, precedents, llm, instruction, on_token)
    return report.model_copy(
        update={"values": {**report.values, **ctx.values}, "origins": {**report.origins, **ctx.origin}}
    ).replace_part(part_id, new)


__all__ = [
    "REPORT_OUTLINE",
    "SPECIFIC_WORDS",
    "SELF_EVALUATION_PARTS",
    "context_for",
    "draft_report",
    "draft_self_evaluation",
    "redraft_section",
]

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
from .outline import REPORT_OUTLINE, SELF_EVALUATION_PARTS, part_for_request
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


def _title(case: Case, kind: str) -> tuple[str, str]:
    name = case.project.name
    if kind == "self_evaluation":
        return f"{name}项目支出绩效自评表", case.project.implementer or case.project.department
    title = name if name.endswith("项目") else name + "项目"
    subtitle = case.project.evaluator or case.project.department
    return f"{title}绩效评价报告", subtitle


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
) -> Report:
    """The full evaluation report in the outline of domain.md §1b."""
    ctx = context_for(case, sheet)
    precedents = _precedents(case, retriever)
    sections: list[Section] = []
    for heading in REPORT_OUTLINE:
        if heading.fixed:
            sections.append(section(heading.id, heading.title, 1, []))
        for part in heading.parts:
            try:
                sections += _part_sections(ctx, part.id, precedents, llm, on_token=on_token)
            except ModelUnavailable as exc:
                # One failed call means the endpoint is down: the rest of the report is drafted offline.
                llm = None
                offline = _part_sections(ctx, part.id, precedents, None)
                note = f"{exc}本节及以后各节已改用离线模板起草。"
                sections += [offline[0].model_copy(update={"note": note}), *offline[1:]]
    title, subtitle = _title(case, "report")
    return Report(kind="report", title=title, subtitle=subtitle, sections=number_sections(sections), values=ctx.values,
                  origins=dict(ctx.origin))


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
        slots = [Slot(id=ind.key, title=ctx.values[f"name[{ind.key}]"], current=[deviation_text(ctx, ind)]) for ind in lost]
        facts = allowed_facts(ctx, [], "deviations")
        for ind in lost:
            for suffix in ("target", "actual", "weight", "score", "lost", "deviation", "finding", "reason"):
                key = f"indicator[{ind.key}].{suffix}"
                if ctx.has(key):
                    facts[key] = ctx.values[key]
            facts[f"name[{ind.key}]"] = ctx.values[f"name[{ind.key}]"]
        try:
            drafted, error = ask_for_paragraphs(llm, "draft_deviations", slots, facts, ctx, instruction, on_token)
        except ModelUnavailable as exc:
            drafted, error = None, ""
            note = f"{exc}偏差原因分析已改用离线模板。"
        if drafted is not None:
            deviations = {k: "".join(v) for k, v in drafted.items()}
        elif not note:
            note = f"大模型起草的偏差原因分析两次未通过校验（{fallback_reason(error)}），已改用离线模板。"
    form = build_form(ctx, deviations)
    title, subtitle = _title(case, "self_evaluation")
    sections = []
    if note:
        sections.append(section("deviations", "起草说明", 1, [], note=note))
    return Report(
        kind="self_evaluation", title=title, subtitle=subtitle, sections=number_sections(sections), form=form,
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

"""The reviewer's evidence checker (审核): every number and claim in a draft traced or flagged.

Public API::

    check_document(doc, case=None, sheet=None, passages=None, knowledge=None) -> CheckReport
    check_file(path, case_path=None, passages=None, knowledge=None) -> CheckReport
    read_document(path) -> Document

``doc`` is a :class:`Document` (from :func:`read_document`) or the draft's text. Without a case the checks
that need no source run (arithmetic, totals, weights, survey figures, grade, consistency, problem/advice
pairing); with a case, the figures are also compared with the scorer's and every number must be traced
(无依据 otherwise); with ``passages`` (numbered from 1, or ``{n: passage}``) quotes marked [n] are verified.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from assistant.case import Case
from assistant.models import Chunk
from assistant.scoring import ScoreSheet, score_case, sheet_values

from .checks import (
    against_case,
    arithmetic,
    case_rows,
    case_text,
    citations,
    consistency,
    deductions,
    grade,
    indicator_facts,
    lost_points,
    placeholders,
    rules,
    survey,
    totals,
    unsupported,
)
from .checks.citations import Sources, numbered
from .context import CheckContext
from .documents import parse_text, read_document
from .limits import DEFAULT_TIME_BUDGET, MAX_PARAGRAPH_CHARS, CheckTimeout, Deadline
from .merge import merge_findings
from .models import CheckReport, CheckStats, Document, Finding, NumberMention, PartSummary, Segment
from .received import (
    ReceivedForm,
    attach_tables,
    covered,
    document_from_source,
    form_findings,
    form_summaries,
    read_received,
)
from .resolve import resolve
from .summary import summarize

__all__ = [
    "CheckReport",
    "CheckTimeout",
    "CheckStats",
    "Document",
    "Finding",
    "NumberMention",
    "PartSummary",
    "Segment",
    "check_document",
    "check_file",
    "read_document",
]


def _not_checked(ctx: CheckContext) -> list[Finding]:
    """A paragraph or cell too long to check in full is reported, never silently skipped."""
    return [
        ctx.finding_at_segment(
            seg,
            kind="not_checked",
            severity="warning",
            expected="",
            found=f"{left} 字未核对",
            message=f"此段（或单元格）过长，只核对了前 {MAX_PARAGRAPH_CHARS} 个字符，其余 {left} 个字符未核对。",
        )
        for seg, left in ctx.doc.truncated
    ]


def derived_counts(sheet: ScoreSheet) -> set[Decimal]:
    """Counts a report states that the scorer implies: indicators at full marks, indicators per group."""
    counts = {Decimal(len(sheet.indicators) - len(sheet.lost_points()))}
    for g in sheet.groups:
        members = [r for r in sheet.indicators if r.path[: len(g.path)] == g.path]
        counts.add(Decimal(len(members)))
        counts.add(Decimal(sum(1 for r in members if r.score < r.weight)))
    return counts


def check_document(
    doc: Document | str,
    case: Case | None = None,
    sheet: ScoreSheet | None = None,
    passages: Sources | None = None,
    knowledge: Sequence[Chunk] | None = None,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
    forms: Sequence[ReceivedForm] = (),
) -> CheckReport:
    """Run every check that the given evidence allows and return the findings with trace statistics.

    ``knowledge`` (the knowledge base's chunks) stands in for ``passages`` when none are given: a quote [n]
    must then occur in the document its reference line '[n] 《标题》' names, or anywhere in the base.
    ``forms`` (received self-evaluation forms read from the same file, see :mod:`.received`) are judged by
    the scorer's reported-vs-recomputed comparison, which replaces the generic table checks in their tables.
    Raises CheckTimeout (a Chinese message) when the review takes longer than ``time_budget`` seconds."""
    document = parse_text(doc) if isinstance(doc, str) else doc
    deadline = Deadline(time_budget, document.source)
    if not passages and knowledge:
        passages = citations.sources_from_chunks(document, knowledge)
    ctx = CheckContext.build(document, deadline)
    if case is not None and sheet is None:
        sheet = score_case(case)
    if case is not None and sheet is not None:
        ctx.extra_names |= {r.path[-1] for r in sheet.indicators} | {g.path[-1] for g in sheet.groups}
        ctx.expected = against_case.expected_values(case, sheet)
    findings: list[Finding] = []
    findings += arithmetic.run(ctx)
    findings += totals.run(ctx)
    findings += deductions.run(ctx)
    findings += lost_points.run(ctx)
    findings += survey.run(ctx)
    findings += grade.run(ctx, sheet.total if sheet is not None else None)
    findings += rules.run(ctx, sheet)
    findings += indicator_facts.run(ctx)
    findings += placeholders.run(ctx)
    sources = unsupported.numbers_in(numbered(passages).values()) if passages else set()
    if case is not None and sheet is not None:
        given = unsupported.numbers_in(case.model_dump(mode="python"))
        sources |= given | unsupported.numbers_in(sheet_values(case, sheet))
        sources |= {(n, "count") for n in derived_counts(sheet)}
        findings += against_case.run(ctx, case, sheet, {value for value, _ in given})
        findings += case_rows.run(ctx, case, sheet)
        findings += case_text.run(ctx, case)
    findings += consistency.run(ctx, findings)
    findings = resolve(ctx, findings)
    findings += against_case.pairing(ctx)
    if passages:
        findings += citations.run(ctx, passages)
    if case is not None:  # without a case every number would be 无依据; passages alone only add sources
        findings += unsupported.run(ctx, sources)
    if forms:
        findings = covered(findings, document, list(forms)) + form_findings(document, list(forms))
    findings += _not_checked(ctx)
    findings = merge_findings(findings)
    n_numbers = sum(1 for row in ctx.exempt for reason in row if reason is None)
    n_exempt = sum(1 for row in ctx.exempt for reason in row if reason is not None)
    traced = sum(
        1
        for i, mentions in enumerate(ctx.mentions)
        for k, m in enumerate(mentions)
        if ctx.exempt[i][k] is None and (i, m.start) in ctx.traced
    )
    stats = CheckStats(
        numbers=n_numbers,
        traced=traced,
        exempt=n_exempt,
        sentences=sum(1 for s in document.segments if s.kind == "sentence"),
        headings=sum(1 for s in document.segments if s.kind == "heading"),
        cells=sum(1 for s in document.segments if s.kind == "cell"),
        tables=len(document.tables),
        parts=len(document.parts),
        errors=sum(1 for f in findings if f.severity == "error"),
        warnings=sum(1 for f in findings if f.severity == "warning"),
    )
    parts = summarize(ctx, findings, sheet.total if sheet is not None else None)
    if forms:
        lines = form_summaries(document, list(forms), findings)
        form_parts = {p.index for p in lines}
        others = [  # a title or cover line before a form is no report of its own
            p for p in parts if p.index not in form_parts and (p.errors or p.warnings or p.reported_total)
        ]
        parts = sorted(lines + others, key=lambda p: p.index)
    return CheckReport(source=document.source, findings=findings, stats=stats, parts=parts)


def read_for_check(path: str | Path, forms: bool = True) -> tuple[Document, list[ReceivedForm]]:
    """The checked Document of a file (.md, .txt, .docx by the draft reader; .pdf, .xlsx, .html through the
    form reader) and, when ``forms``, every self-evaluation form the form reader finds in it, scored and
    attached to the Document's tables. InputError (Chinese, naming the file) when it cannot be read."""
    path = Path(path)
    received = read_received(path) if forms else []
    if path.suffix.lower() in SOURCE_ONLY_SUFFIXES:
        document = document_from_source(path)
    else:
        document = read_document(path)
    attach_tables(received, document, path)
    return document, [f for f in received if not _report_table(f, document)]


def _report_table(form: ReceivedForm, document: Document) -> bool:
    """A table the form reader took for a form, inside an evaluation report's own text ('…绩效评价报告', not a
    自评表) and without the form's budget block: the report's score table, left to the generic checks."""
    if form.case.budget is not None or not form.tables:
        return False
    titles = {
        document.parts[t.part].title
        for t in document.tables
        if t.index in form.tables
        if t.part < len(document.parts)
    }
    return bool(titles) and all(re.search(r"评价报告|评估报告", t) and "自评" not in t for t in titles)


def check_file(
    path: str | Path,
    case_path: str | Path | None = None,
    passages: Sources | None = None,
    knowledge: Sequence[Chunk] | None = None,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
    case: Case | None = None,
) -> CheckReport:
    """Read a draft or a received document (.md, .txt, .docx; forms also .pdf, .xlsx, .html) and, when
    given, its case (``case``, or a case file ``case_path``: .yaml/.json/.xlsx), then check it. Without a
    case, every self-evaluation form the form reader finds in the file is scored and its reported figures
    compared with the recomputed ones."""
    if case is None and case_path is not None:
        from assistant.case_io import load_case

        case = load_case(case_path)
    document, forms = read_for_check(path, forms=case is None)
    return check_document(
        document, case=case, passages=passages, knowledge=knowledge, time_budget=time_budget, forms=forms
    )


SOURCE_ONLY_SUFFIXES = (".pdf", ".xlsx", ".html", ".htm")
"""Received documents only the form reader opens (the draft reader reads .md, .txt and .docx)."""

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

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from assistant.case import Case
from assistant.models import Chunk
from assistant.scoring import ScoreSheet, score_case, sheet_values

from .checks import against_case, arithmetic, citations, consistency, grade, survey, totals, unsupported
from .checks.citations import Sources, numbered
from .context import CheckContext
from .documents import parse_text, read_document
from .models import CheckReport, CheckStats, Document, Finding, NumberMention, Segment

__all__ = [
    "CheckReport",
    "CheckStats",
    "Document",
    "Finding",
    "NumberMention",
    "Segment",
    "check_document",
    "check_file",
    "read_document",
]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for f in findings:
        key = (f.kind, f.location, f.found, f.expected)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


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
) -> CheckReport:
    """Run every check that the given evidence allows and return the findings with trace statistics.

    ``knowledge`` (the knowledge base's chunks) stands in for ``passages`` when none are given: a quote [n]
    must then occur in the document its reference line '[n] 《标题》' names, or anywhere in the base."""
    document = parse_text(doc) if isinstance(doc, str) else doc
    if not passages and knowledge:
        passages = citations.sources_from_chunks(document, knowledge)
    ctx = CheckContext.build(document)
    if case is not None and sheet is None:
        sheet = score_case(case)
    findings: list[Finding] = []
    findings += arithmetic.run(ctx)
    findings += totals.run(ctx)
    findings += survey.run(ctx)
    findings += grade.run(ctx)
    sources = unsupported.numbers_in(numbered(passages).values()) if passages else set()
    if case is not None and sheet is not None:
        given = unsupported.numbers_in(case.model_dump(mode="python"))
        sources |= given | unsupported.numbers_in(sheet_values(case, sheet))
        sources |= {(n, "count") for n in derived_counts(sheet)}
        findings += against_case.run(ctx, case, sheet, {value for value, _ in given})
    findings += consistency.run(ctx)
    findings += against_case.pairing(ctx)
    if passages:
        findings += citations.run(ctx, passages)
    if case is not None:  # without a case every number would be 无依据; passages alone only add sources
        findings += unsupported.run(ctx, sources)
    findings = _dedupe(findings)
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
        cells=sum(1 for s in document.segments if s.kind == "cell"),
        tables=len(document.tables),
        parts=len(document.parts),
        errors=sum(1 for f in findings if f.severity == "error"),
        warnings=sum(1 for f in findings if f.severity == "warning"),
    )
    return CheckReport(source=document.source, findings=findings, stats=stats)


def check_file(
    path: str | Path,
    case_path: str | Path | None = None,
    passages: Sources | None = None,
    knowledge: Sequence[Chunk] | None = None,
) -> CheckReport:
    """Read a draft (.md, .txt, .docx) and, when given, its case file (.yaml/.json/.xlsx), then check it."""
    case = None
    if case_path is not None:
        from assistant.case_io import load_case

        case = load_case(case_path)
    return check_document(read_document(path), case=case, passages=passages, knowledge=knowledge)

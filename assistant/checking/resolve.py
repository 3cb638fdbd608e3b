"""Blame the wrong figure (定位): a relation that fails — a row's 得分率, a 合计, a weight sum, 分值/得分/扣分 —
involves several figures; when one of them is shown wrong on its own (it contradicts the case or the other
statements of the same quantity), the relation's reason is moved to that figure instead of the one the
relation happens to be written at, so the right value is never blamed."""

from __future__ import annotations

from .context import CheckContext
from .merge import figure_of
from .models import Finding

RELATION_KINDS = frozenset({"arithmetic", "total", "weights", "deduction", "percentage", "likert"})
"""Findings about a relation among several figures, which may sit at the wrong one."""
DIRECT_KINDS = frozenset({"case_value", "consistency", "indicator_fact"})
"""Findings about one figure against independent evidence."""


def _direct(findings: list[Finding], severity: str | None = None) -> set[tuple[int, object]]:
    """(segment, figure) of every figure shown wrong on its own evidence (of one severity, when given)."""
    out: set[tuple[int, object]] = set()
    for f in findings:
        if f.kind in DIRECT_KINDS and f.segment is not None and f.expected != "各处一致":
            if severity is None or f.severity == severity:
                out.add((f.segment, figure_of(f.found)))
    return out


def _relation_blames(findings: list[Finding]) -> dict[tuple[int, object], int]:
    """(segment, figure) → how many relation findings blame that figure where they stand."""
    out: dict[tuple[int, object], int] = {}
    for f in findings:
        if f.kind in RELATION_KINDS and f.segment is not None:
            key = (f.segment, figure_of(f.found))
            out[key] = out.get(key, 0) + 1
    return out


def resolve(ctx: CheckContext, findings: list[Finding]) -> list[Finding]:
    """Move each relation finding to the figures of its relation that are wrong on their own evidence: an
    error (the figure contradicts the case or its other statements) outweighs a warning (a doubt, e.g. a full
    score beside a low rate), which decides only when no figure of the relation is shown wrong outright."""
    direct = _direct(findings)
    errors = _direct(findings, "error")
    related = _relation_blames(findings)
    out: list[Finding] = []
    for f in findings:
        if f.kind not in RELATION_KINDS or not f.places or f.segment is None:
            out.append(f)
            continue
        own = (f.segment, figure_of(f.found))
        hits = [
            (s, raw) for s, raw in f.places if (s, figure_of(raw)) in direct and (s, figure_of(raw)) != own
        ]
        strong = [(s, raw) for s, raw in hits if (s, figure_of(raw)) in errors]
        hits = strong or hits
        if not hits and related.get(own, 0) == 1:
            # another relation already blames one of this relation's figures, and nothing but this finding
            # blames its own: one wrong figure breaks both relations (a count that breaks its share and the 合计)
            hits = [
                (s, raw)
                for s, raw in f.places
                if (s, figure_of(raw)) in related and (s, figure_of(raw)) != own
            ]
            hits = hits if len(hits) == 1 else []
        if not hits or own in direct:
            out.append(f)
            continue
        for s, raw in hits:
            out.append(
                ctx.finding_at_segment(
                    s,
                    kind=f.kind,
                    severity=f.severity,
                    expected="",
                    found=raw,
                    message=f"{f.message}（差异源于此处的 {raw}）",
                )
            )
    return out

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


def _direct(findings: list[Finding]) -> set[tuple[int, object]]:
    out: set[tuple[int, object]] = set()
    for f in findings:
        if f.kind in DIRECT_KINDS and f.segment is not None and f.expected != "各处一致":
            out.add((f.segment, figure_of(f.found)))
    return out


def resolve(ctx: CheckContext, findings: list[Finding]) -> list[Finding]:
    """Move each relation finding to the figures of its relation that are wrong on their own evidence."""
    direct = _direct(findings)
    out: list[Finding] = []
    for f in findings:
        if f.kind not in RELATION_KINDS or not f.places or f.segment is None:
            out.append(f)
            continue
        own = (f.segment, figure_of(f.found))
        hits = [
            (s, raw) for s, raw in f.places if (s, figure_of(raw)) in direct and (s, figure_of(raw)) != own
        ]
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

"""One finding per wrong figure (合并): the reasons several checks give for the same figure in the same place
(arithmetic, consistency, the case…) become one finding carrying every kind, so a reviewer reads each problem
once."""

from __future__ import annotations

from decimal import Decimal

from .models import Finding
from .numbers import parse_decimal

# The order in which a reason speaks for the place: the document's own arithmetic first (it needs no outside
# evidence), then the case and the other checks.
PRIORITY: tuple[str, ...] = (
    "arithmetic",
    "total",
    "deduction",
    "case_value",
    "percentage",
    "likert",
    "weights",
    "grade",
    "rule_claim",
    "indicator_fact",
    "consistency",
    "citation",
    "unsupported",
    "case_coverage",
    "placeholder",
)
_RANK = {k: i for i, k in enumerate(PRIORITY)}


def figure_of(found: str) -> tuple[Decimal, bool] | str:
    """The figure a finding is about: its number and whether it is a percentage ('78.75 %' = '78.75%')."""
    value = parse_decimal(found) if found else None
    if value is None:
        return found.strip()
    return value.normalize(), "%" in found or "％" in found


def _place(f: Finding) -> tuple:
    figure = figure_of(f.found)
    if f.segment is None or isinstance(figure, str):  # not about a figure: one finding per problem and place
        return ("loc", f.part, f.kind, f.location, f.segment, f.found, f.expected)
    return ("seg", f.segment, figure)


def merge_findings(findings: list[Finding]) -> list[Finding]:
    """Merge findings about the same figure in the same place; keep the first-found order of places."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        groups.setdefault(_place(f), []).append(f)
    return [_merge(group) for group in groups.values()]


def _merge(group: list[Finding]) -> Finding:
    ranked = sorted(group, key=lambda f: _RANK.get(f.kind, len(_RANK)))
    specific = [f for f in ranked if f.kind != "unsupported"] or ranked  # a specific reason explains it
    primary = specific[0]
    kinds: list[str] = []
    messages: list[str] = []
    for f in specific:
        for k in f.kinds or [f.kind]:
            if k not in kinds:
                kinds.append(k)
        if f.message not in messages:
            messages.append(f.message)
    severity = "error" if any(f.severity == "error" for f in specific) else "warning"
    expected = next((f.expected for f in specific if f.expected), "")
    return primary.model_copy(
        update={"kinds": kinds, "message": " ".join(messages), "severity": severity, "expected": expected}
    )

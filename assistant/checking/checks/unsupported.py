"""Unsupported numbers (无依据): a number that is neither in the case, the scorer's output, a cited passage,
nor confirmed by another check. Labels (years, dates, ordinals, document numbers…) are exempt."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..context import CheckContext
from ..models import Finding, NumberMention
from ..numbers import extract_numbers, same_at_precision

_SCALES = (Decimal(1), Decimal(100), Decimal("0.01"), Decimal(10000), Decimal("0.0001"))


def numbers_in(values: object) -> set[Decimal]:
    """Every number in nested dicts/lists of Decimals, ints, floats and strings (strings are scanned)."""
    out: set[Decimal] = set()
    if isinstance(values, bool) or values is None:
        return out
    if isinstance(values, (Decimal, int)):
        out.add(Decimal(values))
    elif isinstance(values, float):
        out.add(Decimal(str(values)))
    elif isinstance(values, str):
        out.update(m.value for m in extract_numbers(values))
    elif isinstance(values, dict):
        for k, v in values.items():
            out |= numbers_in(k) | numbers_in(v)
    elif isinstance(values, Iterable):
        for v in values:
            out |= numbers_in(v)
    return out


def supported(m: NumberMention, sources: set[Decimal]) -> bool:
    """True when some source value, as is or rescaled (%, 万元↔元), rounds to the number as written."""
    return any(same_at_precision(m.value, m.decimals, s * k) for s in sources for k in _SCALES)


def run(ctx: CheckContext, sources: set[Decimal]) -> list[Finding]:
    findings: list[Finding] = []
    for i, mentions in enumerate(ctx.mentions):
        for k, m in enumerate(mentions):
            if ctx.exempt[i][k] or (i, m.start) in ctx.traced:
                continue
            if supported(m, sources):
                ctx.trace(i, m)
                continue
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="unsupported",
                    severity="warning",
                    expected="案例、评分结果或引文中的数字",
                    found=m.raw,
                    message=f"无依据：{m.raw} 不在案例、评分结果或所引文献中，也未由其他数字算出，请核实来源。",
                )
            )
    return findings

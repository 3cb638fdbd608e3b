"""Unsupported numbers (无依据): a number that is neither in the case, the scorer's output, a cited passage,
nor confirmed by another check. Labels (years, dates, ordinals, document numbers…) are exempt. An amount of
money must be a source's even when a rate beside it agrees (a rate rounds: 3040.79 / 3102.08 is 98.02% too)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..context import CheckContext
from ..models import Finding, NumberMention
from ..numbers import extract_numbers, same_at_precision

COUNT_UNITS = frozenset(
    {
        "个",
        "次",
        "人",
        "人次",
        "份",
        "篇",
        "项",
        "家",
        "条",
        "台",
        "套",
        "件",
        "户",
        "名",
        "位",
        "处",
        "场",
        "批",
    }
)
_MONEY = frozenset({"万元", "元", "亿元"})
Source = tuple[Decimal, str]
"""(value, 'count' | 'any'): a count ('12篇') only traces to a source that is itself a count."""


def numbers_in(values: object, cls: str = "any") -> set[Source]:
    """Every number in nested dicts/lists of Decimals, ints, floats and strings (strings are scanned; a
    number written with a counter word there, e.g. '≥10篇', is a count)."""
    out: set[Source] = set()
    if isinstance(values, bool) or values is None:
        return out
    if isinstance(values, (Decimal, int)):
        out.add((Decimal(values), cls))
    elif isinstance(values, float):
        out.add((Decimal(str(values)), cls))
    elif isinstance(values, str):
        out.update((m.value, "count" if m.unit in COUNT_UNITS else cls) for m in extract_numbers(values))
    elif isinstance(values, dict):
        for k, v in values.items():
            out |= numbers_in(v, "count" if str(k).startswith("count.") else cls)
    elif isinstance(values, Iterable):
        for v in values:
            out |= numbers_in(v, cls)
    return out


def supported(m: NumberMention, sources: set[Source]) -> bool:
    """True when a source value rounds to the number as written: a rate may be a fraction (×100), money may
    be in 元 or 万元 (×10000), and a count must come from a count."""
    scales = [Decimal(1)]
    if m.unit == "%":
        scales.append(Decimal(100))
    elif m.unit in _MONEY:
        scales += [Decimal(10000), Decimal("0.0001")]
    is_count = m.unit in COUNT_UNITS
    return any(
        same_at_precision(m.value, m.decimals, value * k)
        for value, cls in sources
        if cls == "count" or not is_count
        for k in scales
    )


def run(ctx: CheckContext, sources: set[Source]) -> list[Finding]:
    findings: list[Finding] = []
    for i, mentions in enumerate(ctx.mentions):
        for k, m in enumerate(mentions):
            if ctx.exempt[i][k]:
                continue
            if (i, m.start) in ctx.traced and m.unit not in _MONEY:
                continue  # a rate or score another check confirmed; an amount of money must be a source's
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

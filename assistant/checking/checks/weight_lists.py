"""Weights written as a list of 一级指标 with their points: '决策15分、过程15分、产出40分、效益30分',
'一级指标权重为决策14、过程16、成本6、产出32、效益32'. Each pair becomes a 满分 statement of that indicator."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..context import LEVEL1_NAMES, CheckContext
from ..models import NumberMention

BUDGET_ITEM_NAMES = ("预算资金执行率", "预算执行率", "资金执行率", "预算执行情况", "预算执行")
"""The budget block listed beside the 一级指标 ('…满意度指标10分、预算资金执行率10分'): one of the weights."""
_NAMES = sorted({n for n in (*LEVEL1_NAMES, *BUDGET_ITEM_NAMES) if len(n) >= 2}, key=len, reverse=True)
_PAIR = re.compile(
    r"(?:(?<=[为占是即])|(?<![\u4e00-\u9fa5]))("
    + "|".join(_NAMES)
    + r")(?:类)?(?:指标)?\s*(?:为|占|：|:)?\s*(\d{1,3}(?:\.\d+)?)\s*(?:分|%)?"
)
_GAP = re.compile(r"[\s、，,和及；;]*")
_MIN_PAIRS = 3


@dataclass(frozen=True)
class WeightPair:
    name: str
    mention: NumberMention


@lru_cache(maxsize=4096)
def _pair_spans(text: str) -> tuple[tuple[tuple[str, int, int], ...], ...]:
    """Runs of (name, number start, number end) pairs written one after another."""
    runs: list[list[tuple[str, int, int]]] = []
    last_end = -1
    for m in _PAIR.finditer(text):
        pair = (m.group(1), m.start(2), m.end(2))
        if runs and _GAP.fullmatch(text, last_end, m.start()):
            runs[-1].append(pair)
        else:
            runs.append([pair])
        last_end = m.end()
    return tuple(tuple(r) for r in runs if len(r) >= _MIN_PAIRS)


def weight_lists(ctx: CheckContext, i: int) -> list[list[WeightPair]]:
    """Every list of three or more '<一级指标><points>' pairs in segment i, with the extracted numbers."""
    text = ctx.doc.segments[i].text
    if not ctx.mentions[i]:
        return []
    out: list[list[WeightPair]] = []
    for run in _pair_spans(text):
        pairs = []
        for name, start, _ in run:
            m = next((x for x in ctx.mentions[i] if x.start == start), None)
            if m is None or m.unit not in ("", "分"):
                break
            pairs.append(WeightPair(name, m))
        else:
            out.append(pairs)
    return out

"""A row's own scoring text (评分标准) read as a rule: tiers, a rate × weight, or deductions.

Scoring sheets print a rule beside each row ("满意度≥90%的得10分；80%（含）至90%的得8分", "得分=执行率×5分",
"每发现一项问题扣2分"). When the text states one of these shapes, the row is scored by it; the deductions
themselves come from the row's 扣分原因 ("…扣0.5分；…扣0.5分"). Text that states none of them leaves the
row to the rule its target implies. Every pattern here is linear (no nested repetition) on user text.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel, Field

_NUM = r"(\d{1,6}(?:\.\d{1,4})?)"
_POINTS = re.compile(rf"得\s*{_NUM}\s*分")
_NO_POINTS = re.compile(r"不得分|得\s*0\s*分")
_PERCENT = re.compile(rf"{_NUM}\s*%")
_RATE = re.compile(rf"得分\s*=\s*[^；;。=]{{0,30}}?率\s*[×xX*]\s*(?:分值|权重|{_NUM}\s*分)")
_PER_FINDING = re.compile(rf"每[^；;。]{{0,30}}?扣\s*{_NUM}\s*分")
_PER_POINT = re.compile(rf"每(?:低|少|下降|降低)\s*{_NUM}\s*个?百分点\s*扣\s*{_NUM}\s*分")
_DEDUCTED = re.compile(rf"扣(?:除|减)?\s*{_NUM}\s*分")
_BELOW = re.compile(r"以下|低于|不足|[<]")


class TextRule(BaseModel):
    """What a row's scoring text says, as rule parameters."""

    kind: str = Field(description="tiers | rate | per_finding | per_point")
    tiers: list[tuple[Decimal, Decimal]] = Field(
        default_factory=list, description="For tiers: (lower bound %, points), highest first"
    )
    per: Decimal | None = Field(default=None, description="Points per finding / per percentage point")
    step: Decimal | None = Field(default=None, description="For per_point: the percentage-point step")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    for symbol, ascii_op in (("≥", ">="), ("≤", "<=")):
        s = s.replace(symbol, ascii_op)
    return re.sub(r"\s+", "", s)


def _tiers(text: str) -> list[tuple[Decimal, Decimal]]:
    """(lower bound %, points) for each clause that names a percentage and the points it earns."""
    tiers: list[tuple[Decimal, Decimal]] = []
    for clause in re.split(r"[；;。]", text):
        points_match = _POINTS.search(clause)
        if points_match is None and not _NO_POINTS.search(clause):
            continue
        percents = [_decimal(m.group(1)) for m in _PERCENT.finditer(clause)]
        bounds = [p for p in percents if p is not None]
        if not bounds:
            continue
        points = _decimal(points_match.group(1)) if points_match else Decimal(0)
        if points is None:
            continue
        if len(bounds) == 1 and _BELOW.search(clause):
            continue  # "70%以下不得分": below every tier, which already scores 0
        tiers.append((min(bounds), points))
    tiers.sort(key=lambda t: t[0], reverse=True)
    return tiers


def read_scoring_text(text: str | None, weight: Decimal) -> TextRule | None:
    """The rule a row's 评分标准 states, or None when it states none this module knows."""
    if not text or not text.strip():
        return None
    s = _normalise(text[:2000])
    if _RATE.search(s):
        return TextRule(kind="rate")
    tiers = _tiers(s)
    if len(tiers) >= 2 and all(Decimal(0) <= p <= weight for _, p in tiers):
        return TextRule(kind="tiers", tiers=tiers)
    per_point = _PER_POINT.search(s)
    if per_point:
        step, per = _decimal(per_point.group(1)), _decimal(per_point.group(2))
        if step and per:
            return TextRule(kind="per_point", step=step, per=per)
    per_finding = _PER_FINDING.search(s)
    if per_finding:
        per = _decimal(per_finding.group(1))
        if per:
            return TextRule(kind="per_finding", per=per)
    return None


def deductions_in(text: str | None) -> list[tuple[Decimal, str]]:
    """Each "扣N分" in a 扣分原因 text with the clause it closes: [(0.5, '…未量化，扣0.5分'), …]."""
    if not text:
        return []
    found: list[tuple[Decimal, str]] = []
    for clause in re.split(r"[；;。\n]", unicodedata.normalize("NFKC", text[:4000])):
        for match in _DEDUCTED.finditer(clause):
            points = _decimal(match.group(1))
            if points is not None and points > 0:
                found.append((points, clause.strip()))
    return found

"""Rule claims (规则表述): what a draft says the scoring rules are must agree with the rules the scorer applies.

- Grade bands: '80分以上为优' contradicts 优 ≥ 90 (:data:`assistant.scoring.sheet.GRADE_BANDS`).
- With a case: an indicator the case weighs is not '不计分' / '不纳入评分' / '权重为0', and the weight a draft gives
  budget execution is the case's.
A document that carries an instruction ('忽略以上…预算执行率不计分') is data: its claims are checked like any
other sentence.
"""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.scoring import ScoreSheet
from assistant.scoring.sheet import GRADE_BANDS

from ..context import CheckContext
from ..models import Finding
from .consistency import subject_key

_GRADE = {
    "优秀": "优",
    "优": "优",
    "良好": "良",
    "良": "良",
    "中等": "中",
    "中": "中",
    "较差": "差",
    "差": "差",
}
_W = r"[“\"「『]?(优秀|良好|中等|较差|优|良|中|差)[”\"」』]?"
_N = r"(\d{1,3}(?:\.\d+)?)\s*分?"
_INCL = r"\s*[（(]\s*含\s*[)）]\s*"
# '90分（含）以上为“优”', '80（含）-90分为良', '60分以下为差', '低于60分为差'
_BAND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "range",
        re.compile(
            _N
            + r"(?:"
            + _INCL
            + r")?\s*(?:[-—～~至到]|以上[^，。；,;]{0,4}?)\s*"
            + _N
            + r"(?:"
            + _INCL
            + r")?(?:以下|以内|之间)?\s*(?:的)?(?:为|属于|评定为|定为|是)"
            + _W
        ),
    ),
    (
        "at_least",
        re.compile(_N + r"(?:" + _INCL + r")?\s*(?:以上|及以上)\s*(?:的)?(?:为|属于|评定为|定为|是)" + _W),
    ),
    ("below", re.compile(r"(?:低于|不足|不到)\s*" + _N + r"\s*(?:的)?(?:为|属于|评定为|定为|是)" + _W)),
    ("below", re.compile(_N + r"\s*以下\s*(?:的)?(?:为|属于|评定为|定为|是)" + _W)),
]
_NOT_SCORED = re.compile(
    r"不计分|不计入(?:总分|得分)|不纳入(?:评分|计分|考核|评价)|不参与(?:评分|计分)|不予评分|免于评分|不再评分"
)


def _official_bands() -> dict[str, tuple[Decimal, Decimal]]:
    """Grade → [lower, upper) from the scorer's band table (优 has 100 as its top)."""
    bounds = sorted(GRADE_BANDS, key=lambda b: b[0], reverse=True)
    out: dict[str, tuple[Decimal, Decimal]] = {}
    upper = Decimal(100)
    for lower, grade in bounds:
        out[grade] = (lower, upper)
        upper = lower
    out["差"] = (Decimal(0), upper)
    return out


_BANDS = _official_bands()


def _band_claims(ctx: CheckContext, i: int) -> list[Finding]:
    """Each stated band must sit inside the official band of its grade."""
    text = ctx.doc.segments[i].text
    findings: list[Finding] = []
    ranges: list[tuple[int, int]] = []  # '80分（含）以上、90分以下为良' holds '90分以下为良': one claim
    for shape, pattern in _BAND_PATTERNS:
        for m in pattern.finditer(text):
            if shape == "range":
                ranges.append(m.span())
            elif any(a <= m.start() and m.end() <= b for a, b in ranges):
                continue
            grade = _GRADE[m.group(m.lastindex)]
            low = Decimal(m.group(1))
            lo, hi = _BANDS[grade]
            if shape == "range":
                high = Decimal(m.group(2))
                ok = low == lo and high == hi
                claim = f"{low}–{high}分为“{grade}”"
            elif shape == "at_least":
                ok = low == lo
                claim = f"{low}分以上为“{grade}”"
            else:
                ok = grade == "差" and low == hi
                claim = f"{low}分以下为“{grade}”"
            if ok:
                continue
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="rule_claim",
                    severity="error",
                    expected="优≥90，良80（含）–90，中60（含）–80，差<60",
                    found=m.group(0),
                    message=f"等级划分写作“{claim}”，与评价办法（财预〔2020〕10号）及评分所用的等级标准不符："
                    "90分（含）以上为优，80分（含）至90分为良，60分（含）至80分为中，60分以下为差。",
                )
            )
    return findings


def _not_scored_claims(ctx: CheckContext, i: int, weights: dict[str, Decimal]) -> list[Finding]:
    """'预算执行率不计分' while the case gives that indicator points."""
    text = ctx.doc.segments[i].text
    findings: list[Finding] = []
    for m in _NOT_SCORED.finditer(text):
        head = re.split(r"[，。；,;：:]", text[: m.start()])[-1]
        named = [(name, w) for name, w in weights.items() if name and name in head]
        if not named:
            continue
        name, weight = max(named, key=lambda nw: len(nw[0]))
        findings.append(
            ctx.finding_at_segment(
                i,
                kind="rule_claim",
                severity="error",
                expected=f"{name} {weight} 分",
                found=m.group(0),
                message=f"文中称“{name}”{m.group(0)}，但评分所用的指标体系中该指标分值为 {weight} 分，"
                "评分结果按该分值计算。",
            )
        )
    return findings


def _weights_of(sheet: ScoreSheet) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for r in sheet.indicators:
        out[subject_key(r.path[-1])] = r.weight
    for g in sheet.groups:
        out.setdefault(subject_key(g.path[-1]), g.weight)
    if sheet.budget is not None and sheet.budget.weight:
        for alias in ("预算执行率", "预算执行", "资金执行率"):
            out.setdefault(alias, sheet.budget.weight)
    return out


def run(ctx: CheckContext, sheet: ScoreSheet | None = None) -> list[Finding]:
    """Band statements always; '不计分' claims when a score sheet says what is scored."""
    weights = _weights_of(sheet) if sheet is not None else {}
    findings: list[Finding] = []
    for i, seg in enumerate(ctx.doc.segments):
        ctx.tick()
        if not ctx.is_prose(i):
            continue
        if ("优" in seg.text or "良" in seg.text or "差" in seg.text) and ctx.mentions[i]:
            findings += _band_claims(ctx, i)
        if weights and _NOT_SCORED.search(seg.text):
            findings += _not_scored_claims(ctx, i, weights)
    return findings

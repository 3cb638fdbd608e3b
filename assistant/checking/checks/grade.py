"""Grade vs band (等级): 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60 (财预〔2020〕10号)."""

from __future__ import annotations

import re
from decimal import Decimal

from ..context import CheckContext
from ..models import Finding

_GRADE_WORDS = {
    "优秀": "优",
    "优": "优",
    "良好": "良",
    "良": "良",
    "中等": "中",
    "中": "中",
    "差": "差",
    "较差": "差",
}
_GRADE = re.compile(
    r"(?:评价(?:结果|等级|结论|级别)|绩效(?:等级|评级)|等级|评级|评定为|定为|结果为)"
    r"[^，。；,;\d]{0,8}?[“\"「『（(]?(优秀|良好|中等|较差|优|良|中|差)(?![^”\"」』)）]{0,1}[\u4e00-\u9fa5]{2})"
)
_TOTAL_WORDS = re.compile(r"总分|综合得分|评价得分|最终得分|总得分|绩效评价得分|得分为|综合评分")


def band(score: Decimal) -> str:
    """The grade a total score falls in."""
    if score >= 90:
        return "优"
    if score >= 80:
        return "良"
    if score >= 60:
        return "中"
    return "差"


def _sentence_total(ctx: CheckContext, i: int):
    """The total score stated in segment i: a 得分 number in 分 between 0 and 100 after a total word."""
    text = ctx.doc.segments[i].text
    for m in ctx.mentions[i]:
        if (
            m.unit == "分"
            and m.role == "得分"
            and 0 <= m.value <= 100
            and _TOTAL_WORDS.search(text[: m.start])
        ):
            return m
    return None


def run(ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    segments = ctx.doc.segments
    part_total: dict[int, tuple[int, object]] = {}
    for i, seg in enumerate(segments):
        if (m := _sentence_total(ctx, i)) is not None and seg.part not in part_total:
            part_total[seg.part] = (i, m)
    for i, seg in enumerate(segments):
        for g in _GRADE.finditer(seg.text):
            grade = _GRADE_WORDS[g.group(1)]
            here = _sentence_total(ctx, i)
            if here is None and i > 0 and segments[i - 1].paragraph == seg.paragraph:
                here = _sentence_total(ctx, i - 1)
            source = (i, here) if here is not None else part_total.get(seg.part)
            if source is None:
                continue
            si, score = source
            expected = band(score.value)
            if expected == grade:
                ctx.trace(si, score)
                continue
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="grade",
                    severity="error",
                    expected=expected,
                    found=grade,
                    message=(
                        f"总分 {score.value} 分对应等级“{expected}”（优≥90，良80–90，中60–80，差<60），"
                        f"文中写作“{g.group(1)}”。"
                    ),
                )
            )
    return findings

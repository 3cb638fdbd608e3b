"""Grade words (等级): every 优/良/中/差 a draft states for the project must match the band of its total
(优 ≥ 90, 良 80–90, 中 60–80, 差 < 60, :func:`assistant.scoring.grade_for`). With a case the total is the
scorer's; without one it is the total the same report states — when it states two, the one its 一级 scores
add up to (decided by the totals check, which runs first)."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.scoring import grade_for

from ..context import CheckContext
from ..models import Finding, NumberMention

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
_WORD = r"(优秀|良好|中等|较差|优|良|中|差)"
# '评价等级为“良”', '绩效评级：优', '评定为优秀': a grade word after a grade keyword
_AFTER_KEYWORD = re.compile(
    r"(?:评价(?:结果|等级|结论|级别)|自评(?:结果|等级|结论)|绩效(?:等级|评级)|等级|等次|评级|评定为|定为|评为|结果为)"
    r"[^，。；,;\d]{0,8}?[“\"「『（(]?" + _WORD + r"(?![^”\"」』)）]{0,1}[\u4e00-\u9fa5]{2})"
)
# '属于“良”等级', '为优秀等次', '达到“优”级'
_BEFORE_KEYWORD = re.compile(
    r"[“\"「『]" + _WORD + r"[”\"」』]\s*(?:等级|等次|级|档)|(?:为|属于|达到)" + _WORD + r"(?:等级|等次)"
)
_TOTAL_WORDS = re.compile(r"总分|综合得分|评价得分|最终得分|总得分|绩效评价得分|得分为|综合评分|自评得分")
_GRADE_COLUMN = re.compile(r"等级|等次|评级|评价结果|自评结果")
_BAND_RULE = re.compile(r"以上|以下|以内|不足|低于|高于|[（(]含[)）]|至|[-—～~]\s*\d|分为|划分|档")


def band(score: Decimal) -> str:
    """The grade a total score falls in (the scorer's bands)."""
    return grade_for(score)


def _sentence_total(ctx: CheckContext, i: int) -> NumberMention | None:
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


_CLAUSE = re.compile(r"[^，,；;。]+")
_NOT_ASSIGNED = re.compile(r"避免|防止|以免|不再|不被|未被|勿")
# '最终评价结果：94.1分，差': the grade after the score it belongs to
_SCORE_THEN_WORD = re.compile(
    r"(?:评价结果|评价结论|自评结果|结论|结果)[：:]\s*\d+(?:\.\d+)?\s*分[，,、]\s*"
    + _WORD
    + r"(?![\u4e00-\u9fa5])"
)


def _is_band_rule(text: str) -> bool:
    return bool(
        _BAND_RULE.search(text)
        and re.search(r"\d", text)
        and re.search(r"以上|以下|低于|不足|[-—～~至]", text)
    )


def grade_words(text: str) -> list[tuple[int, str, str]]:
    """(offset, word as written, grade) for every grade a text assigns; a clause listing the bands ('90分
    （含）以上为优') states the rule, not this project's grade, and is left out — the clause after it
    ('本项目94.1分对应等级为差') is not."""
    out: list[tuple[int, str, str]] = []

    def add(offset: int, word: str) -> None:
        if all(offset != o for o, _, _ in out):
            out.append((offset, word, _GRADE_WORDS[word]))

    for m in _SCORE_THEN_WORD.finditer(text):
        add(m.start(1), m.group(1))
    for clause in _CLAUSE.finditer(text):
        if _is_band_rule(clause.group()):
            continue
        for pattern in (_AFTER_KEYWORD, _BEFORE_KEYWORD):
            for m in pattern.finditer(clause.group()):
                if _NOT_ASSIGNED.search(clause.group()[max(0, m.start() - 4) : m.start()]):
                    continue  # '避免再评为“差”' names a grade the project should not get
                k = next(g for g in range(1, (m.lastindex or 0) + 1) if m.group(g))
                add(clause.start() + m.start(k), m.group(k))
    return sorted(out)


def _cell_grade(ctx: CheckContext, i: int) -> list[tuple[int, str, str]]:
    """A cell under a 等级 column holding just a grade word ('良', '优秀')."""
    seg = ctx.doc.segments[i]
    word = seg.text.strip().strip('“”"「」')
    if seg.kind == "cell" and seg.header and _GRADE_COLUMN.search(seg.header) and word in _GRADE_WORDS:
        return [(0, word, _GRADE_WORDS[word])]
    return []


def run(ctx: CheckContext, total: Decimal | None = None) -> list[Finding]:
    """Every grade word against the band of ``total`` (the scorer's) or of the total the report states."""
    findings: list[Finding] = []
    segments = ctx.doc.segments
    part_total: dict[int, tuple[int, NumberMention]] = {}
    for i, seg in enumerate(segments):
        if (m := _sentence_total(ctx, i)) is not None and seg.part not in part_total:
            part_total[seg.part] = (i, m)
    for i, seg in enumerate(segments):
        ctx.tick()
        words = _cell_grade(ctx, i) or (grade_words(seg.text) if ctx.is_prose(i) else [])
        for _, written, grade in words:
            stated: tuple[int, NumberMention] | None = None
            decided = ctx.cache.get("decided_totals", {}).get(seg.part)
            if total is not None:
                score, source = total, f"评分结果总分 {total} 分"
            elif decided is not None:  # the report states its total twice; its 一级 scores decided which
                score, source = decided[0], f"总分 {decided[1]}（{decided[2]}）"
            else:
                here = _sentence_total(ctx, i)
                if here is None and i > 0 and segments[i - 1].paragraph == seg.paragraph:
                    here = _sentence_total(ctx, i - 1)
                stated = (i, here) if here is not None else part_total.get(seg.part)
                if stated is None:
                    continue
                score, source = stated[1].value, f"总分 {stated[1].value} 分"
            expected = grade_for(score)
            if expected == grade:
                if stated is not None:
                    ctx.trace(*stated)
                continue
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="grade",
                    severity="error",
                    expected=expected,
                    found=written,
                    message=f"{source}对应等级“{expected}”（优≥90，良80–90，中60–80，差<60），文中写作“{written}”。",
                )
            )
    return findings

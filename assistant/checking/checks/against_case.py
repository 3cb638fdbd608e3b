"""Against a case (对照案例): every score, weight and rate the draft states equals the scorer's value; every
indicator that lost points is discussed under 存在的问题; every problem has a recommendation (建议)."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.case import Case
from assistant.scoring import ScoreSheet

from ..context import CheckContext
from ..models import Finding
from ..numbers import same_at_precision
from .arithmetic import fmt
from .consistency import Fact, collect_facts, same_value, subject_key

_HUNDRED = Decimal(100)
_PROBLEMS = re.compile(r"问题")
# a heading mixing topics ('主要经验、存在的问题') is not the problems section itself: its sub-heading is
_NOT_PROBLEMS = re.compile(r"其他需要说明|说明的问题|[？?]|填空|问卷|经验|做法|建议")
_NOT_ADVICE = re.compile(r"[？?]|填空|问卷|经验|做法|问题")
_ADVICE = re.compile(r"建议")
_ITEM = re.compile(r"^\s*(?:[（(]?\d{1,2}[)）.、．]|[（(][一二三四五六七八九十]+[)）]|[①-⑳])")


def expected_values(case: Case, sheet: ScoreSheet) -> dict[tuple[str, str], Decimal]:
    """(subject, role) → the scorer's value; a name shared by two indicators is left out (ambiguous)."""
    values: dict[tuple[str, str], Decimal] = {
        ("总分", "得分"): sheet.total,
        ("总分", "满分"): sheet.max_total,
        ("总分", "得分率"): sheet.rate * _HUNDRED,
    }
    seen: dict[str, int] = {}
    items = [(g.path[-1], g.weight, g.score) for g in sheet.groups] + [
        (r.path[-1], r.weight, r.score) for r in sheet.indicators
    ]
    for name, _, _ in items:
        seen[subject_key(name)] = seen.get(subject_key(name), 0) + 1
    for name, weight, score in items:
        key = subject_key(name)
        if seen[key] > 1:
            continue
        values[(key, "满分")] = weight
        values[(key, "得分")] = score
        if weight:
            values[(key, "得分率")] = score / weight * _HUNDRED
    return values


def budget_amounts(case: Case) -> set[Decimal]:
    """Every budget figure the case gives (万元): 年初预算数, 全年预算数, 全年执行数, of the year and of each year."""
    budget = case.budget
    if budget is None:
        return set()
    rows = [budget, *(budget.years or [])]
    return {
        v.normalize()
        for row in rows
        for v in (getattr(row, "initial", None), getattr(row, "annual", None), getattr(row, "executed", None))
        if v is not None
    }


def case_deductions(case: Case) -> dict[str, list[Decimal]]:
    """Indicator (subject key) → the points of each deduction the case lists, for names used once."""
    out: dict[str, list[Decimal]] = {}
    seen: dict[str, int] = {}
    for ind in case.indicators:
        key = subject_key(ind.path[-1])
        seen[key] = seen.get(key, 0) + 1
        if ind.deductions:
            out[key] = [d.points for d in ind.deductions]
    return {k: v for k, v in out.items() if seen[k] == 1}


def _values(ctx: CheckContext, case: Case, sheet: ScoreSheet, given: set[Decimal]) -> list[Finding]:
    expected = expected_values(case, sheet)
    findings: list[Finding] = []
    facts: list[Fact] = [f for part in collect_facts(ctx).values() for f in part]
    for f in facts:
        want = expected.get((f.subject, f.role))
        if want is None:
            continue
        if same_value(f.role, f.value, f.decimals, want):
            ctx.trace(f.seg)
            continue
        shown = fmt(want) + ("%" if f.role == "得分率" else "")
        findings.append(
            ctx.finding_at_segment(
                f.seg,
                kind="case_value",
                severity="error",
                expected=shown,
                found=f.raw,
                message=f"“{f.subject}”的{f.role}与评分结果不符：评分结果为 {shown}，文中写作 {f.raw}。",
            )
        )
    if sheet.budget is not None:
        rates = [sheet.budget.rate * _HUNDRED]
        rates += [
            y.executed / y.annual * _HUNDRED for y in (case.budget.years if case.budget else []) if y.annual
        ]
        for i, mentions in enumerate(ctx.mentions):
            for m in mentions:
                if m.role == "执行率" and m.unit == "%" and not ctx.exempt[i][mentions.index(m)]:
                    if any(same_at_precision(m.value, m.decimals, r) for r in rates) or m.value in given:
                        ctx.trace(i, m)
                    else:
                        findings.append(
                            ctx.finding_at_segment(
                                i,
                                kind="case_value",
                                severity="error",
                                expected=f"{fmt(rates[0])}%",
                                found=m.raw,
                                message=(
                                    f"预算执行率与案例不符：{sheet.budget.executed}/{sheet.budget.annual} = "
                                    f"{fmt(rates[0])}%，文中写作 {m.raw}。"
                                ),
                            )
                        )
    return findings


_APPENDIX = re.compile(r"^(?:附件|附表|附录|附[:：\s])")


def _section(
    ctx: CheckContext,
    want: re.Pattern[str],
    avoid: re.Pattern[str] | None = None,
    indices: list[int] | None = None,
):
    """(heading depth, [segment indices]) of the section whose heading matches ``want``: the shallowest such
    heading, so '（二）存在的问题' is chosen over its sub-headings '1.决策方面的问题'. A heading inside an
    appendix (附件/附表/附录, e.g. '附件三：问题清单') is taken only when the body has none: the body's
    '（二）存在的问题及原因分析' is the report's problems section, the appendix restates it. ``indices`` limits
    the search to some segments (one report of a file)."""
    segments = ctx.doc.segments
    pool = range(len(segments)) if indices is None else indices
    best: tuple[bool, int, list[str]] | None = None  # (in an appendix, depth, path)
    seen: set[tuple[str, ...]] = set()
    for j in pool:
        path = tuple(segments[j].heading_path)
        if path in seen:
            continue
        seen.add(path)
        for d, h in enumerate(path):
            if not want.search(h) or (avoid and avoid.search(h)):
                continue
            appendix = any(_APPENDIX.match(a) for a in path[: d + 1])
            if best is None or (appendix, d) < best[:2]:
                best = (appendix, d, list(path[: d + 1]))
    if best is None:
        return None
    _, depth, key = best
    return depth, [j for j in pool if segments[j].heading_path[: depth + 1] == key]


def count_items(ctx: CheckContext, section: tuple[int, list[int]]) -> int:
    """Problems or recommendations: numbered paragraphs ((1), 1.) in the section, else its sub-headings."""
    depth, members = section
    numbered_items = {
        ctx.doc.segments[j].paragraph
        for j in members
        if ctx.doc.segments[j].kind != "heading" and _ITEM.match(ctx.doc.segments[j].text)
    }
    if numbered_items:
        return len(numbered_items)
    subs = {tuple(ctx.doc.segments[j].heading_path[: depth + 2]) for j in members}
    return len({s for s in subs if len(s) == depth + 2})


def pairing(ctx: CheckContext) -> list[Finding]:
    """Every problem has a recommendation: in each report, 建议 lists at least as many items as 存在的问题."""
    findings: list[Finding] = []
    by_part: dict[int, list[int]] = {}
    for j, seg in enumerate(ctx.doc.segments):
        by_part.setdefault(seg.part, []).append(j)
    for indices in by_part.values():
        problems = _section(ctx, _PROBLEMS, _NOT_PROBLEMS, indices)
        advice = _section(ctx, _ADVICE, _NOT_ADVICE, indices)
        if not problems or not advice or problems[1][0] > advice[1][0]:
            continue  # no pair, or the 建议 heading comes first (not a problems → advice outline)
        n_problems, n_advice = count_items(ctx, problems), count_items(ctx, advice)
        if n_problems == 0 or n_advice >= n_problems:
            continue
        findings.append(
            ctx.finding_at_segment(
                advice[1][0],
                kind="case_coverage",
                severity="warning",
                expected=f"{n_problems} 条建议",
                found=f"{n_advice} 条建议",
                message=f"“存在的问题”列出 {n_problems} 项，“建议”只有 {n_advice} 项：每个问题应有对应的建议。",
            )
        )
    return findings


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[\W_]", "", text)
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def _covered(finding: str, grams: set[str], share: float = 0.6) -> bool:
    """A finding is discussed when most of its character pairs occur in the problems section (paraphrase-tolerant)."""
    own = _bigrams(finding)
    return bool(own) and len(own & grams) >= share * len(own)


def coverage(ctx: CheckContext, sheet: ScoreSheet) -> list[Finding]:
    """Every indicator that lost points is named (or its finding quoted) in the problems section."""
    problems = _section(ctx, _PROBLEMS, _NOT_PROBLEMS)
    lost = sheet.lost_points()
    if not lost:
        return []
    if problems is None:
        return [
            Finding(
                kind="case_coverage",
                severity="warning",
                location="（全文）",
                text="",
                expected=f"{len(lost)} 个失分指标的问题分析",
                found="无“存在的问题”部分",
                message=f"评分结果有 {len(lost)} 个指标失分，但稿件没有“存在的问题”部分。",
            )
        ]
    text = "".join(ctx.doc.segments[j].text for j in problems[1])
    grams = _bigrams(text)
    findings: list[Finding] = []
    for r in lost:
        name = r.path[-1]
        if name in text or subject_key(name) in text or any(_covered(f, grams) for f in r.findings):
            continue
        findings.append(
            ctx.finding_at_segment(
                problems[1][0],
                kind="case_coverage",
                severity="warning",
                expected=f"论述“{name}”失分 {r.lost} 分的原因",
                found="未提及",
                message=f"指标“{'/'.join(r.path)}”失分 {r.lost} 分，“存在的问题”中没有论及。",
            )
        )
    return findings


def deviation_reasons(ctx: CheckContext, sheet: ScoreSheet) -> list[Finding]:
    """Self-evaluation form: a row that lost points must say why in 偏差原因分析及改进措施."""
    findings: list[Finding] = []
    lost = {r.path[-1]: r for r in sheet.lost_points()}
    for view in ctx.views:
        for r, row in enumerate(view.table.rows):
            labels = view.labels(r)
            name = next((x for x in labels if x in lost), None)
            if name is None:
                continue
            reason_cols = [c for c, h in enumerate(view.headers[r]) if h and "原因" in h]
            if not reason_cols:
                continue
            c = reason_cols[0]
            if c < len(row) and row[c].strip():
                continue
            findings.append(
                ctx.finding_at_cell(
                    view.table.index,
                    r,
                    min(c, len(row) - 1),
                    kind="case_coverage",
                    severity="warning",
                    expected="偏差原因分析及改进措施",
                    found="空白",
                    message=f"指标“{name}”失分 {lost[name].lost} 分，但“偏差原因分析及改进措施”未填写。",
                )
            )
    return findings


# What a count states: '25项得满分', '15项存在失分', '共40项末级指标', '5个一级指标'
_COUNT_AFTER: list[tuple[str, re.Pattern[str]]] = [
    ("full", re.compile(r"^(?:指标)?(?:均)?得满分")),
    ("lost", re.compile(r"^(?:指标)?(?:存在|有)?(?:失分|扣分|未得满分)")),
    ("leaves", re.compile(r"^(?:末级|三级|四级|绩效)指标")),
    ("level1", re.compile(r"^一级指标")),
    ("level2", re.compile(r"^二级指标")),
]
_COUNT_BEFORE = re.compile(r"(?:末级指标|三级指标|绩效指标)共\s*$")
_COUNT_NAMES = {
    "full": "得满分的指标数",
    "lost": "失分的指标数",
    "leaves": "末级指标数",
    "level1": "一级指标数",
    "level2": "二级指标数",
}


def _counts(sheet: ScoreSheet) -> dict[str, int]:
    leaves = len(sheet.indicators)
    lost = len(sheet.lost_points())
    depth = max((len(r.path) for r in sheet.indicators), default=0)
    out = {"full": leaves - lost, "lost": lost, "leaves": leaves}
    out["level1"] = len({r.path[0] for r in sheet.indicators})
    if depth >= 3:
        out["level2"] = len({tuple(r.path[:2]) for r in sheet.indicators})
    return out


def count_statements(ctx: CheckContext, sheet: ScoreSheet) -> list[Finding]:
    """Counts of indicators the draft states ('25项得满分，15项存在失分') against the score sheet."""
    expected = _counts(sheet)
    findings: list[Finding] = []
    for i, mentions in enumerate(ctx.mentions):
        text = ctx.doc.segments[i].text
        for m in mentions:
            if m.unit not in ("项", "个") or m.decimals:
                continue
            after = text[m.end : m.end + 8]
            what = next((k for k, p in _COUNT_AFTER if p.search(after)), None)
            if what is None and _COUNT_BEFORE.search(text[max(0, m.start - 8) : m.start]):
                what = "leaves"
            if what is None or what not in expected:
                continue
            if m.value == expected[what]:
                ctx.trace(i, m)
                continue
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="case_value",
                    severity="error",
                    expected=f"{expected[what]}{m.unit}",
                    found=m.raw,
                    message=f"{_COUNT_NAMES[what]}与评分结果不符：评分结果为 {expected[what]}，文中写作 {m.raw}。",
                )
            )
    return findings


def run(ctx: CheckContext, case: Case, sheet: ScoreSheet, given: set[Decimal] | None = None) -> list[Finding]:
    """Values against the scorer and coverage of lost points; ``given`` are numbers the case text states
    itself (a rate quoted in the case narrative is the user's own figure, not a drafting slip)."""
    covered = deviation_reasons(ctx, sheet) if case.kind == "self_evaluation" else coverage(ctx, sheet)
    return _values(ctx, case, sheet, given or set()) + count_statements(ctx, sheet) + covered

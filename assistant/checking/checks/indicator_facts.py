"""Indicator scores against facts stated elsewhere in the same report (指标得分与事实).

Budget execution is the indicator every report and form scores from a figure it also states: a full
预算执行率 score beside an execution rate below the threshold is a contradiction. The threshold is the one the
document states for that indicator ('执行率达到95%以上得满分'); without one, full marks need 100% — the
self-evaluation formula 分值 × min(执行数/预算数, 1). A budget row that gives 执行率 and 分值 must score
分值 × min(执行率, 1) (rounded to 2 decimals, half up). And a score never exceeds its own maximum: '满分20分，
得分21分' in prose, or a row whose 得分 is above its 分值/权重/标准分, is an error on the score.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from ..context import CheckContext, TableView, cell_number
from ..models import Finding, NumberMention
from ..numbers import normalize
from .arithmetic import fmt
from .consistency import Fact, collect_facts, statements_of

_HUNDRED = Decimal(100)
_BUDGET_SUBJECT = re.compile(r"^(?:预算执行|资金执行率|预算支出|资金支出率|支出进度)")
# '预算执行率≥95%的得满分', '执行率达到95%（含）以上得满分', '预算执行率达 95%-100%，得 4 分'
_FULL_AT = re.compile(
    r"(?:预算执行率|资金执行率|支出进度)[^。；;①②③]{0,8}?(?:≥|>=|达到|达|不低于|大于等于)?\s*(\d{2,3}(?:\.\d+)?)\s*%"
    r"[^。；;①②③]{0,14}?(?:得满分|满分|得全部分|得\s*(\d+(?:\.\d+)?)\s*分)"
)
DEFAULT_THRESHOLD = Decimal(95)
"""Without a stated rule, the most common one (≥95% full, 鲁财绩〔2022〕7号 style) is assumed, as a warning."""


def _stated_threshold(ctx: CheckContext, part: int, weight: Decimal) -> Decimal | None:
    """The execution rate the report's own scoring rule requires for full marks of this indicator."""
    for seg in ctx.doc.segments:
        if seg.part == part and "执行" in seg.text and "%" in seg.text:
            for m in _FULL_AT.finditer(seg.text):
                if m.group(2) is None or Decimal(m.group(2)) == weight:
                    return Decimal(m.group(1))
    return None


def _stated_rates(ctx: CheckContext, part: int) -> list[tuple[int, NumberMention]]:
    """Execution rates the report states for the evaluated year (one figure, not a list of years)."""
    out = []
    for i, seg in enumerate(ctx.doc.segments):
        if seg.part != part:
            continue
        rules = [(m.start(1), m.end(1)) for m in _FULL_AT.finditer(seg.text)]
        rates = [
            m
            for m in ctx.mentions[i]
            if m.role == "执行率" and m.unit == "%" and not any(a <= m.start < b for a, b in rules)
        ]
        if len(rates) == 1 and not re.search(r"分别|各年|年度.{0,6}年度", seg.text):
            out.append((i, rates[0]))
    return out


def _full_budget_scores(facts: list[Fact]) -> list[tuple[Fact, Fact]]:
    """(得分, 满分) statements of the budget-execution indicator that give it full marks."""
    by_subject: dict[str, dict[str, list[Fact]]] = {}
    for f in facts:
        if _BUDGET_SUBJECT.search(f.subject):
            by_subject.setdefault(f.subject, {}).setdefault(f.role, []).append(f)
    out = []
    for roles in by_subject.values():
        for score in roles.get("得分", []):
            for weight in roles.get("满分", []):
                if score.value == weight.value and weight.value > 0:
                    out.append((score, weight))
                    break
    return out


def _budget_rows(ctx: CheckContext, view: TableView) -> list[Finding]:
    """A row with 执行率, 分值 and 得分 (a self-evaluation budget block): 得分 = 分值 × min(执行率, 1)."""
    findings: list[Finding] = []
    t = view.table
    for r in range(len(t.rows)):
        if r in view.header_rows:
            continue
        nums = view.numbers(r)
        if not {"执行率", "满分", "得分"} <= nums.keys():
            continue
        rc, rate, _ = nums["执行率"]
        wc, weight, _ = nums["满分"]
        sc, score, sdec = nums["得分"]
        if rate > 200 or weight > 100:
            continue
        amounts = [cell_number(c)[0] for c in t.rows[r] if cell_number(c) and "%" not in c]
        ratios = [a / b * _HUNDRED for a in amounts for b in amounts if b and a <= b * 2]
        if not any(abs(x - rate) < Decimal("0.01") for x in ratios):
            continue  # the row's figures do not give its rate: the columns are not read reliably
        exact = rate
        expected = (weight * min(exact, _HUNDRED) / _HUNDRED).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        if abs(score - expected) < Decimal("0.005") or (
            sdec < 2 and abs(score - expected) < Decimal(10) ** -sdec / 2
        ):
            ctx.trace_cell(t.index, r, sc)
            continue
        findings.append(
            ctx.finding_at_cell(
                t.index,
                r,
                sc,
                kind="indicator_fact",
                severity="error",
                expected=fmt(expected),
                found=t.rows[r][sc],
                message=f"预算执行得分应为 分值 × min(执行率, 100%) = {weight} × {fmt(min(exact, _HUNDRED))}% = "
                f"{fmt(expected)}，表中写作 {t.rows[r][sc]}。",
                places=ctx.cell_places(t.index, [(r, sc), (r, wc), (r, rc)]),
            )
        )
    return findings


# --- a score above its own maximum ('满分20分，得分21分'; a row whose 得分 exceeds its 分值/权重/标准分)

_SCORE_CLAUSE = re.compile(
    r"^\s*(?:其|该项|该指标|本项|本指标|实际|经评价|评价|最终|自评|故|因此|综上|综合)?\s*"
    r"(?:得分|评分|得)\s*(?:为|是|：|:)?\s*$"
)
"""The clause of an indicator's own score after its 满分: '得分', '评价得分', '实际得' — no other name."""
_RULE_WORDS = re.compile(r"每|加分|附加|奖励|额外|最高|不超过|以上|以下|≥|≤|>|<")
_BONUS_WORDS = re.compile(r"每|加分|附加|奖励|额外|最高|不超过|。")


def _over(score: Decimal, weight: Decimal) -> bool:
    return weight > 0 and score > weight


def score_pairs(ctx: CheckContext, i: int) -> list[tuple[NumberMention, NumberMention]]:
    """(满分, 得分) of each indicator segment i states as '满分20分，得分17分', '标准分6分，评价得分6.5分' or
    '分值8分，目标值≥95%，实际接通率为96.3%，得9分': the next score in 分 after a 满分 is its own when its clause
    names nothing else ('得9分'), no other figure in 分 stands between them and no bonus rule ('每…', '加分')."""
    text = ctx.doc.segments[i].text
    mentions = ctx.mentions[i]
    out = []
    for k, a in enumerate(mentions):
        if a.role != "满分" or a.unit != "分":
            continue
        b = next((m for m in mentions[k + 1 :] if m.unit == "分"), None)
        if b is None or b.role != "得分":
            continue
        clause = re.split(r"[，,；;。]", text[: b.start])[-1]
        if not _SCORE_CLAUSE.match(clause) or _BONUS_WORDS.search(text[a.end : b.start]):
            continue
        head = re.split(r"[，,；;。]", text[: a.start])[-1]
        if _RULE_WORDS.search(head) or _RULE_WORDS.search(text[b.end : b.end + 6]):
            continue
        out.append((a, b))
    return out


def _weight_doubted(ctx: CheckContext, seg: int, start: int | None, value: Decimal) -> bool:
    """The 满分 a score exceeds is itself the slip: the case gives the indicator another 满分, or every other
    statement of it agrees on another value (the consistency check then blames the 满分, not the score)."""
    part = ctx.doc.segments[seg].part
    own = next(
        (
            f
            for f in collect_facts(ctx).get(part, [])
            if f.seg == seg and f.role == "满分" and (start is None or f.start == start)
        ),
        None,
    )
    if own is None:
        return False
    want = ctx.expected.get((own.subject, "满分"))
    if want is not None:
        return want != value
    others = [f.value for f in statements_of(ctx, part, own.subject, "满分") if f is not own]
    return bool(others) and len(set(others)) == 1 and others[0] != value


def _prose_over_max(ctx: CheckContext) -> list[Finding]:
    """'项目效益指标满分20分，得分21分': a score stated right after its own maximum may not exceed it."""
    findings: list[Finding] = []
    for i in range(len(ctx.doc.segments)):
        if not ctx.is_prose(i):
            continue
        for a, b in score_pairs(ctx, i):
            if not _over(b.value, a.value) or _weight_doubted(ctx, i, a.start, a.value):
                continue
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="indicator_fact",
                    severity="error",
                    expected=f"≤{a.raw}",
                    found=b.raw,
                    message=f"得分 {b.raw} 高于该指标的满分（分值）{a.raw}：得分不能超过分值，请核对得分。",
                )
            )
    return findings


def weight_cell(view: TableView, r: int, c: int) -> tuple[int, Decimal] | None:
    """The 满分 cell a row's 得分 at column c is scored against: the nearest one to its left, else the row's
    only one. None when the weights are percentages (a 权重 of 10% beside a score out of 100)."""
    row = view.table.rows[r]
    cells = [
        (k, num)
        for k, cell in enumerate(row)
        if view.role(r, k) == "满分" and (num := cell_number(cell)) and "%" not in normalize(cell)
    ]
    left = [x for x in cells if x[0] < c]
    pick = left[-1] if left else (cells[0] if len(cells) == 1 else None)
    if pick is None:
        return None
    header = view.headers[r][pick[0]] or ""
    return None if "%" in normalize(header) else (pick[0], pick[1][0])


def _table_over_max(ctx: CheckContext, view: TableView) -> list[Finding]:
    """A row whose 得分 exceeds its 分值/权重/标准分/满分. Only in a table whose other rows keep score ≤ weight
    (a table of raw scores out of 100 beside weights is another scale, not a slip)."""
    t = view.table
    pairs: list[tuple[int, int, int, Decimal, Decimal]] = []
    for r in range(len(t.rows)):
        if r in view.header_rows:
            continue
        for c, cell in enumerate(t.rows[r]):
            header = view.headers[r][c] if c < len(view.headers[r]) else None
            if view.role(r, c) != "得分" or not (num := cell_number(cell)) or "%" in normalize(cell):
                continue
            if header and _RULE_WORDS.search(header):
                continue
            if (weight := weight_cell(view, r, c)) is not None:
                pairs.append((r, c, weight[0], num[0], weight[1]))
    over = [p for p in pairs if _over(p[3], p[4])]
    fitting = len(pairs) - len(over)
    if not over or fitting < 2 or len(over) * 2 >= len(pairs):
        return []
    findings = []
    for r, c, wc, _, weight in over:
        place = ctx.cell_index.get((t.index, r, wc))
        if place is not None and _weight_doubted(ctx, place, None, weight):
            continue
        header = view.headers[r][wc] or "分值"
        findings.append(
            ctx.finding_at_cell(
                t.index,
                r,
                c,
                kind="indicator_fact",
                severity="error",
                expected=f"≤{t.rows[r][wc]}",
                found=t.rows[r][c],
                message=f"得分 {t.rows[r][c]} 高于本行的{header} {t.rows[r][wc]}：得分不能超过分值，请核对得分。",
            )
        )
    return findings


def run(ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = _prose_over_max(ctx)
    for view in ctx.views:
        findings += _budget_rows(ctx, view)
        findings += _table_over_max(ctx, view)
    for part, facts in collect_facts(ctx).items():
        ctx.tick()
        for score, weight in _full_budget_scores(facts):
            stated = _stated_threshold(ctx, part, weight.value)
            threshold = stated or DEFAULT_THRESHOLD
            low = [(i, m) for i, m in _stated_rates(ctx, part) if m.value < threshold]
            if not low:
                continue
            i, rate = low[0]
            where = ctx.doc.segments[i].location
            findings.append(
                ctx.finding_at_segment(
                    score.seg,
                    kind="indicator_fact",
                    severity="error" if stated else "warning",
                    expected=f"低于 {weight.raw}",
                    found=score.raw,
                    message=f"“{score.subject}”得满分 {weight.raw}，但{where}写明预算执行率为 {rate.raw}，"
                    f"低于得满分所需的 {fmt(threshold)}%"
                    f"{'（文中评分标准）' if stated else '（未见评分标准，按常见的“执行率达到 95% 得满分”计）'}"
                    "：请核对得分或执行率。",
                )
            )
    return findings

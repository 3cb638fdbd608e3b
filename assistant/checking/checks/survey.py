"""Survey figures: percentages recomputed from counts (占比 = 人数/总数) and Likert means of satisfaction
tables (Σ 人数×分值 / (n×5)), in prose and in tables."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from ..context import CheckContext, TableView, cell_number, total_label
from ..models import Finding, NumberMention
from ..numbers import same_at_precision
from .arithmetic import _severity, fmt

_HUNDRED = Decimal(100)
_TOTAL_WORD = re.compile(
    r"(共|总计|合计|累计|发放|回收|收回|有效|收到|总数|样本|调查|访谈|走访)[^，。；,;]{0,10}$"
)
_SHARE_WORD = re.compile(r"(占|比例|占比|比重)[^，。；,;]{0,6}$")
_COUNT_UNITS = {"份", "人", "人次", "个", "家", "户", "条", "件", "次", "项", "名", "位"}
LIKERT_POINTS = {
    "非常满意": 5,
    "很满意": 5,
    "满意": 4,
    "比较满意": 4,
    "较满意": 4,
    "较为满意": 4,
    "基本满意": 3,
    "一般": 3,
    "不太满意": 2,
    "不满意": 2,
    "较不满意": 2,
    "比较不满意": 2,
    "非常不满意": 1,
    "很不满意": 1,
}
"""Points of the five-point scale, for answers named the standard way."""
LEVEL_RANK = [
    "非常满意",
    "很满意",
    "满意",
    "比较满意",
    "较满意",
    "较为满意",
    "基本满意",
    "一般",
    "不太满意",
    "较不满意",
    "比较不满意",
    "不满意",
    "非常不满意",
    "很不满意",
]
"""Every answer name, most satisfied first (a four-level scale 满意/较满意/基本满意/不满意 is ranked too)."""


_SENT_WORD = re.compile(r"(发放|发出|共发|投放)[^，。；,;]{0,8}$")
_RETURNED_WORD = re.compile(r"(回收|收回)[^，。；,;]{0,8}$")
_RETURN_RATE = re.compile(r"回收率[^，。；,;]{0,4}$")


def _return_rate(
    ctx: CheckContext, i: int, m: NumberMention, sent: NumberMention, back: NumberMention
) -> list[Finding]:
    """'发放问卷300份，回收有效问卷288份，有效回收率96.00%': 回收率 = 回收 / 发放."""
    if sent.value == 0:
        return []
    expected = back.value / sent.value * _HUNDRED
    if same_at_precision(m.value, m.decimals, expected):
        for x in (m, sent, back):
            ctx.trace(i, x)
        return []
    return [
        ctx.finding_at_segment(
            i,
            kind="percentage",
            severity=_severity(m.value, m.decimals, expected),
            expected=f"{fmt(expected)}%",
            found=m.raw,
            message=f"回收率应为 回收/发放 = {back.value}/{sent.value} = {fmt(expected)}%，文中写作 {m.raw}。",
            places=[(i, m.raw), (i, sent.raw), (i, back.raw)],
        )
    ]


_SATISFACTION = re.compile(r"满意度|满意率")


def _is_satisfaction(text: str, m: NumberMention) -> bool:
    """A percentage stated as the 满意度: its role, or its clause names it ('满意度（很满意与比较满意之和占有效
    问卷比例）为86.00%')."""
    if re.search(r"[×*xX]\s*$", text[max(0, m.start - 2) : m.start]):
        return False  # '…÷有效样本人次×100%': the formula's factor, not a result
    return m.role == "满意度" or bool(_SATISFACTION.search(re.split(r"[，,；;。]", text[: m.start])[-1]))


def _prose_shares(ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    for i, seg in enumerate(ctx.doc.segments):
        if seg.kind != "sentence" or not ctx.mentions[i]:
            continue
        total: NumberMention | None = None
        last_count: NumberMention | None = None
        sent: NumberMention | None = None
        returned: NumberMention | None = None
        for m in ctx.mentions[i]:
            before = seg.text[max(0, m.start - 16) : m.start]
            if m.unit in _COUNT_UNITS and m.decimals == 0:
                if _SENT_WORD.search(before):
                    sent = m
                elif _RETURNED_WORD.search(before):
                    returned = m
                if _TOTAL_WORD.search(before):
                    total = m  # the last total wins: '发放 100 份，回收有效 95 份' → shares of 95
                else:
                    last_count = m
                continue
            if m.unit == "%" and sent and returned and _RETURN_RATE.search(before):
                findings += _return_rate(ctx, i, m, sent, returned)
                continue
            if m.unit != "%" or total is None or last_count is None or not _SHARE_WORD.search(before):
                continue
            if _is_satisfaction(seg.text, m):
                continue  # a 满意度 is checked against every answer's count (the Likert check), never one share
            if last_count.unit != total.unit or total.value == 0:
                continue
            expected = last_count.value / total.value * _HUNDRED
            if same_at_precision(m.value, m.decimals, expected):
                ctx.trace(i, m)
                ctx.trace(i, last_count)
                ctx.trace(i, total)
            else:
                findings.append(
                    ctx.finding_at_segment(
                        i,
                        kind="percentage",
                        severity=_severity(m.value, m.decimals, expected),
                        expected=f"{fmt(expected)}%",
                        found=m.raw,
                        message=f"占比应为 {last_count.value}/{total.value} = {fmt(expected)}%，文中写作 {m.raw}。",
                    )
                )
            last_count = None
    return findings


def _column(view: TableView, role: str) -> int | None:
    for r in range(len(view.table.rows)):
        for c in range(len(view.table.rows[r])):
            if r not in view.header_rows and view.role(r, c) == role and cell_number(view.table.rows[r][c]):
                return c
    return None


_COUNT_HEADER = re.compile(r"人次|户数|票数|人数|份数|频次|频数")


def _count_column(view: TableView) -> int | None:
    """The column of answer counts: a 计数 column, or one headed by a counter such as '人次' or '户数'."""
    found = _column(view, "计数")
    if found is not None:
        return found
    for r in range(len(view.table.rows)):
        for c, cell in enumerate(view.table.rows[r]):
            header = view.headers[r][c] if c < len(view.headers[r]) else None
            if r not in view.header_rows and header and _COUNT_HEADER.search(header) and cell_number(cell):
                return c
    return None


def _table_shares(ctx: CheckContext, view: TableView) -> list[Finding]:
    """Each answer's 占比 against its 人数 and the total. When the stated 合计 disagrees with the sum of the
    counts, the shares decide which figure is wrong: shares that all fit the sum leave the 合计 to blame (the
    total check does); a single share that fits once its own count is corrected by the difference blames that
    count (the total check's finding then moves to it)."""
    findings: list[Finding] = []
    t = view.table
    count_col, share_col = _count_column(view), _column(view, "占比")
    if count_col is None or share_col is None:
        return findings
    rows = [r for r in range(len(t.rows)) if r not in view.header_rows]
    data = [r for r in rows if total_label(t.rows[r]) is None]
    totals = [r for r in rows if total_label(t.rows[r]) is not None]
    counts = {r: cell_number(t.rows[r][count_col]) for r in data if count_col < len(t.rows[r])}
    counts = {r: v for r, v in counts.items() if v}
    if len(counts) < 2:
        return findings
    summed = sum(v for v, _ in counts.values())
    n = summed
    if (
        totals
        and count_col < len(t.rows[totals[0]])
        and (stated := cell_number(t.rows[totals[0]][count_col]))
    ):
        n = stated[0]
    if n == 0:
        return findings
    shares = {
        r: share
        for r in counts
        if share_col < len(t.rows[r]) and (share := cell_number(t.rows[r][share_col]))
    }

    def fits(r: int, count: Decimal, total: Decimal) -> bool:
        return total != 0 and same_at_precision(shares[r][0], shares[r][1], count / total * _HUNDRED)

    wrong = [r for r in shares if not fits(r, counts[r][0], n)]
    for r in shares:
        if r not in wrong:
            ctx.trace_cell(t.index, r, share_col)
            ctx.trace_cell(t.index, r, count_col)
    if wrong and n != summed:
        if all(fits(r, counts[r][0], summed) for r in shares):
            for r in shares:
                ctx.trace_cell(t.index, r, share_col)
                ctx.trace_cell(t.index, r, count_col)
            return findings  # the shares were computed on the sum of the counts: the 合计 is the slip
        gap = summed - n
        if len(wrong) == 1 and fits(wrong[0], counts[wrong[0]][0] - gap, n):
            r = wrong[0]
            count = counts[r][0]
            right = fmt(count - gap, 0)
            ctx.trace_cell(t.index, r, share_col)  # the share fits the corrected count
            return [
                ctx.finding_at_cell(
                    t.index,
                    r,
                    count_col,
                    kind="percentage",
                    severity="error",
                    expected=right,
                    found=t.rows[r][count_col],
                    message=f"人数与占比、合计不符：占比 {t.rows[r][share_col]} = {right}/{n}，合计 {n} 也要求此档为 "
                    f"{right}，表中写作 {t.rows[r][count_col]}。",
                )
            ]
    for r, share in shares.items():
        count = counts[r][0]
        expected = count / n * _HUNDRED
        if r not in wrong:
            continue
        findings.append(
            ctx.finding_at_cell(
                t.index,
                r,
                share_col,
                kind="percentage",
                severity=_severity(share[0], share[1], expected),
                expected=f"{fmt(expected)}%",
                found=t.rows[r][share_col],
                message=f"占比应为 {count}/{n} = {fmt(expected)}%，表中写作 {t.rows[r][share_col]}。",
            )
        )
    return findings


_SCALE_LABEL = re.compile(
    r"^\s*(\d{1,3})\s*分\s*[（(]\s*(?P<a>[^）)]+?)\s*[)）]\s*$|^\s*(?P<b>[^（(\d]+?)\s*[（(]\s*(\d{1,3})\s*分\s*[)）]\s*$"
)
"""An answer with its points: '5分（非常满意）', '非常满意（5分）'."""


def _scale_label(label: str) -> tuple[str, int, str] | None:
    """(answer, points, the points as written) of a labelled answer, else None."""
    m = _SCALE_LABEL.match(label.replace(" ", ""))
    if not m:
        return None
    answer = (m.group("a") or m.group("b") or "").strip()
    raw = m.group(1) or m.group(4)
    return (answer, int(raw), raw) if answer in LEVEL_RANK else None


def _scale_points(ctx: CheckContext, view: TableView) -> list[Finding]:
    """The points of a labelled scale ('5分（非常满意）' … '1分（非常不满意）') step by one from row to row, most
    satisfied highest: a label off that step (two answers both 5分, a 6分 above 4分…) is a slip, found by the
    step the other labels agree on."""
    t = view.table
    labelled = []
    for r, row in enumerate(t.rows):
        if r in view.header_rows:
            continue
        for c, cell in enumerate(row):
            if cell and (found := _scale_label(cell)):
                labelled.append((r, c, *found))
                break
    if len(labelled) < 3:
        return []
    ranks = [LEVEL_RANK.index(a) for _, _, a, _, _ in labelled]
    step = -1 if ranks == sorted(ranks) else 1 if ranks == sorted(ranks, reverse=True) else 0
    if step == 0:
        return []  # answers out of order: not a scale listed row by row
    anchors = Counter(points - step * k for k, (_, _, _, points, _) in enumerate(labelled))
    anchor, votes = anchors.most_common(1)[0]
    if votes * 2 <= len(labelled) or min(anchor, anchor + step * (len(labelled) - 1)) < 0:
        return []
    findings = []
    for k, (r, c, answer, points, raw) in enumerate(labelled):
        want = anchor + step * k
        if points == want:
            ctx.trace_cell(t.index, r, c)
            continue
        findings.append(
            ctx.finding_at_cell(
                t.index,
                r,
                c,
                kind="likert",
                severity="error",
                expected=f"{want}分",
                found=f"{raw}分",
                message=f"评价档次的分值应逐档相差 1 分：“{answer}”应为 {want} 分，表中写作 {raw} 分。",
            )
        )
    return findings


def _likert_counts(view: TableView) -> dict[str, Decimal]:
    """{answer: count} when the table lists satisfaction answers with counts, else {}."""
    count_col = _count_column(view)
    if count_col is None:
        return {}
    found: dict[str, Decimal] = {}
    for row in view.table.rows:
        label = next((c.replace(" ", "") for c in row if c and not cell_number(c)), "")
        label = scaled[0] if (scaled := _scale_label(label)) else label
        if label in LEVEL_RANK and count_col < len(row) and (num := cell_number(row[count_col])):
            found[label] = found.get(label, Decimal(0)) + num[0]
    return found if len(found) >= 3 else {}


_STATED = re.compile(r"(综合满意度|平均满意度|满意度得分率|满意度|满意率)")


def _likert(ctx: CheckContext, view: TableView) -> list[Finding]:
    counts = _likert_counts(view)
    n = sum(counts.values())
    if not counts or n == 0:
        return []
    options = _candidates(counts, n, _stated_formula(ctx, view.table.part))
    mean_pct = options[0][1]
    # the stated figure: a 满意度 row of the table, or the first 满意度 percentage in the next paragraphs
    segments = ctx.doc.segments
    first_after = max((i for i, s in enumerate(segments) if s.table == view.table.index), default=-1) + 1
    candidates = [
        i
        for i, s in enumerate(segments)
        if s.table == view.table.index and s.kind == "cell" and _STATED.search(s.text)
    ]
    stated_rows = [segments[i].row for i in candidates]
    if stated_rows:  # a 满意度 row of the table itself
        candidates = [
            j for j, s in enumerate(segments) if s.table == view.table.index and s.row == stated_rows[0]
        ]
    else:  # else the first 满意度 sentence just after the table
        candidates = [
            i
            for i in range(first_after, min(first_after + 6, len(segments)))
            if segments[i].kind == "sentence" and _STATED.search(segments[i].text)
        ]
    for i in candidates:
        for m in ctx.mentions[i]:
            if m.unit != "%" and not (segments[i].kind == "cell" and m.value > 5):
                continue
            if any(same_at_precision(m.value, m.decimals, e) for _, e in options):
                ctx.trace(i, m)
                return []
            return [
                ctx.finding_at_segment(
                    i,
                    kind="likert",
                    severity=_severity(m.value, m.decimals, mean_pct),
                    expected=f"{fmt(mean_pct)}%",
                    found=m.raw,
                    message=(
                        f"按问卷各档人数重算满意度：{'；'.join(f'{k} = {fmt(v)}%' for k, v in options)}；"
                        f"文中写作 {m.raw}，与以上算法都不符。"
                    ),
                )
            ]
    return []


_LEVELS = sorted(LEVEL_RANK, key=len, reverse=True)
_LEVEL_BEFORE = re.compile(
    "(" + "|".join(_LEVELS) + r")[”\"」』]?(?:的|人数|者|票数|份数|问卷)?(?:有|为|共|计|达)?\s*[:：]?\s*$"
)
# '非常满意计100分、满意计80分、一般计60分': the weights a document gives each answer
_LEVEL_WEIGHT = re.compile(
    "(" + "|".join(_LEVELS) + r")[”\"」』]?(?:的|选项)?(?:计|按|赋|为|得|记)\s*(\d+(?:\.\d+)?)\s*分"
)
# '满意度 =（非常满意+满意）/有效问卷数': the answers the document counts as satisfied
_COUNT_WORD = r"(?:人次|人数|户数|份数|票数|次数|数|人|户|份|票)?"
_LEVEL_NAME = "(?:" + "|".join(_LEVELS) + ")"
_LEVEL_SUM = re.compile(
    f"({_LEVEL_NAME}){_COUNT_WORD}" + rf"((?:\s*[+＋、和及与]\s*{_LEVEL_NAME}{_COUNT_WORD})+)"
)


def _formula_in(text: str) -> tuple[str, dict[str, Decimal]] | None:
    """The satisfaction formula a text states, as a weight per answer (0–1): per-answer weights ('非常满意计
    100分…'), or the answers summed over the total ('（非常满意+满意）/总数', '很满意与比较满意之和占…比例')."""
    weights = {m.group(1): Decimal(m.group(2)) for m in _LEVEL_WEIGHT.finditer(text)}
    if len(weights) >= 3:
        top = max(weights.values())
        if top > 0:
            listed = "、".join(f"{k}{fmt(w, 0)}分" for k, w in weights.items())
            return f"按文中各档计分（{listed}）加权平均", {name: w / top for name, w in weights.items()}
    for m in _LEVEL_SUM.finditer(text):
        names = [m.group(1), *re.findall("|".join(_LEVELS), m.group(2))]
        after = text[m.end() : m.end() + 12]
        if re.search(r"[)）]?\s*[/÷]|占|比例|之和", after):
            return f"按文中公式（{'+'.join(names)}）÷有效总数", dict.fromkeys(names, Decimal(1))
    return None


def _stated_formula(ctx: CheckContext, part: int) -> tuple[str, dict[str, Decimal]] | None:
    """The first satisfaction formula the report states."""
    for seg in ctx.doc.segments:
        if seg.part == part and "满意" in seg.text and (found := _formula_in(seg.text)):
            return found
    return None


def _quoted(names: list[str]) -> str:
    return ("与" if len(names) == 2 else "、").join(f"“{k}”" for k in names)


def _candidates(counts: dict[str, Decimal], n: Decimal, stated: tuple[str, dict[str, Decimal]] | None):
    """Every satisfaction figure a report may mean, each with a plain-Chinese description of how it is
    computed: the document's own formula first, then the five-level mean — only when the answers the
    document names are of a five-level scale (its top answer 非常满意/很满意 among them, each answer on its
    own level) — and the shares of the top one, two and three answers of the scale the document names."""
    out: list[tuple[str, Decimal]] = []
    if stated:
        name, weights = stated
        weighted = sum(weights.get(k, Decimal(0)) * c for k, c in counts.items())
        if all(w == 1 for w in weights.values()):
            name = f"{name}，即 {fmt(weighted, 0)}/{fmt(n, 0)}"
        out.append((name, weighted / n * _HUNDRED))
    points = [LIKERT_POINTS.get(k) for k in counts]
    ranked = sorted(counts, key=LEVEL_RANK.index)
    if None not in points and len(set(points)) == len(points) and max(points) == 5:
        mean = sum(LIKERT_POINTS[k] * c for k, c in counts.items()) / (n * 5) * _HUNDRED
        scale = "、".join(f"{k}{LIKERT_POINTS[k]}分" for k in ranked)
        out.append((f"按五级赋分（{scale}）求平均，再除以满分5分", mean))
    for top in (1, 2, 3):
        if len(ranked) > top or (top == len(ranked) and sum(counts.values()) < n):
            share = sum(counts[k] for k in ranked[:top])
            what = "占比" if top == 1 else "合计占比"
            out.append((f"{_quoted(ranked[:top])}{what} {fmt(share, 0)}/{fmt(n, 0)}", share / n * _HUNDRED))
    return out


def _total_kind(before: str) -> str:
    """Which count of a survey the words before it name: 有效 (valid), 回收 (returned), 发放 (sent) or
    another total (共/合计/样本)."""
    clause = re.split(r"[，。；,;]", before)[-1]
    if "有效" in clause:
        return "有效"
    if _RETURNED_WORD.search(before):
        return "回收"
    if _SENT_WORD.search(before):
        return "发放"
    return "共计"


def _denominator(summed: Decimal, totals: dict[str, Decimal]) -> tuple[Decimal, str]:
    """The count the answers are shares of, and how the explanation names it: the valid (then returned)
    questionnaires the answers add up to; a stated valid/returned count larger than the answers' sum when
    some answer is not listed; never the questionnaires sent out, which include those not returned."""
    for kind in ("有效", "回收", "共计", "发放"):
        if totals.get(kind) == summed:
            return summed, f"分母为各档合计 {fmt(summed, 0)}，与文中{_TOTAL_NAMES[kind]}一致"
    for kind in ("有效", "回收", "共计"):
        if kind in totals and totals[kind] > summed:
            named = _TOTAL_NAMES[kind]
            return totals[kind], f"以{named} {fmt(totals[kind], 0)} 为分母，文中所列各档合计 {fmt(summed, 0)}"
    return summed, f"以各档合计 {fmt(summed, 0)} 为分母"


_TOTAL_NAMES = {"有效": "有效数", "回收": "回收数", "共计": "调查总数", "发放": "发放数"}


def _enough_levels(counts: dict[str, Decimal], totals: dict[str, Decimal]) -> bool:
    """Counts that fix a 满意度: three answers or more; or one or two beside the number surveyed ('调查家长
    500人，满意420人，满意度80%'), unless the one answer is the top of a finer scale ('非常满意300人' leaves
    the 满意 answers unsaid)."""
    if len(counts) >= 3:
        return True
    if not totals or not counts:
        return False
    return len(counts) == 2 or LIKERT_POINTS.get(next(iter(counts))) != 5


def _prose_likert(ctx: CheckContext) -> list[Finding]:
    """'回收问卷212份，其中非常满意176份、满意21份、一般10份、不满意5份，满意度为96.2%': the stated
    figure must be one of the candidates recomputed from the counts of the same paragraph."""
    findings: list[Finding] = []
    by_paragraph: dict[tuple, list[int]] = {}
    for i, seg in enumerate(ctx.doc.segments):
        if ctx.is_prose(i) and "满意" in seg.text:
            key = (seg.part, seg.paragraph) if seg.kind != "cell" else (seg.part, seg.table, seg.row, seg.col)
            by_paragraph.setdefault(key, []).append(i)
    for segs in by_paragraph.values():
        counts: dict[str, Decimal] = {}
        totals: dict[str, Decimal] = {}
        traced: list[tuple[int, NumberMention]] = []
        stated: list[tuple[int, NumberMention]] = []
        for i in segs:
            ctx.tick()
            text = ctx.doc.segments[i].text
            for m in ctx.mentions[i]:
                before = text[max(0, m.start - 12) : m.start]
                if m.unit in _COUNT_UNITS and m.decimals == 0:
                    level = _LEVEL_BEFORE.search(before)
                    if level:
                        counts[level.group(1)] = counts.get(level.group(1), Decimal(0)) + m.value
                        traced.append((i, m))
                    elif _TOTAL_WORD.search(before):
                        totals.setdefault(_total_kind(before), m.value)
                        traced.append((i, m))
                elif m.unit == "%" and _is_satisfaction(text, m) and counts:
                    stated.append((i, m))
        if not stated or not _enough_levels(counts, totals):
            continue
        n, basis = _denominator(sum(counts.values()), totals)
        if n == 0:
            continue
        part = ctx.doc.segments[segs[0]].part
        own = next((f for i in segs if (f := _formula_in(ctx.doc.segments[i].text))), None)
        # a formula written beside the figure decides alone; one stated elsewhere is the first of the readings
        options = (
            _candidates(counts, n, own)[:1] if own else _candidates(counts, n, _stated_formula(ctx, part))
        )
        for i, m in stated:
            if any(same_at_precision(m.value, m.decimals, v) for _, v in options):
                ctx.trace(i, m)
                for j, c in traced:
                    ctx.trace(j, c)
                continue
            name, want = options[0]
            listed = "；".join(f"{k} = {fmt(v)}%" for k, v in options)
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="likert",
                    severity=_severity(m.value, m.decimals, want),
                    expected=f"{fmt(want)}%",
                    found=m.raw,
                    message=f"按文中各档人数重算满意度（{basis}）：{listed}；文中写作 {m.raw}，"
                    + ("与文中公式的结果不符。" if own else "与以上算法都不符。"),
                )
            )
    return findings


def run(ctx: CheckContext) -> list[Finding]:
    findings = _prose_shares(ctx)
    findings += _prose_likert(ctx)
    for view in ctx.views:
        findings.extend(_table_shares(ctx, view))
        findings.extend(_likert(ctx, view))
        findings.extend(_scale_points(ctx, view))
    return findings

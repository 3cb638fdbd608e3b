"""Totals and weights (合计/小计 = sum of rows; weights sum to 100, or 10 + 90 in a self-evaluation form), and
one total stated in several places with different values (the 一级 scores decide which is right)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..context import LEVEL1_NAMES, CheckContext, TableView, cell_number, total_label
from ..models import Finding, NumberMention
from ..numbers import half_unit, normalize, same_at_precision
from .arithmetic import fmt
from .consistency import collect_facts
from .indicator_facts import score_pairs, weight_cell
from .weight_lists import weight_lists

_SUM_ROLES = {"满分", "得分", "预算数", "执行数", "计数"}
_NOT_SUMMED = re.compile(
    r"率|%|比例|占比|年度|年份|序号|编码|编号|行次|栏次|时间|日期|单价|指标值|标准|得分率"
)
_MONEY_HEADER = re.compile(r"金额|万元|元\)|元）|合同|中标|预算|支出|资金|投资|拨款|结转|收入")


def _summable(view: TableView, r: int, c: int) -> bool:
    header = view.headers[r][c] if c < len(view.headers[r]) else None
    header = re.sub(r"\s", "", normalize(header)) if header else None
    if not header or _NOT_SUMMED.search(header):
        return False
    return view.role(r, c) in _SUM_ROLES or bool(_MONEY_HEADER.search(header))


def _has_code_column(view: TableView) -> bool:
    """Final-account tables list nested budget codes (201, 20103, 2010301): their rows are not additive."""
    codes = [row[0] for row in view.table.rows if row and re.fullmatch(r"\d{3,7}", row[0] or "")]
    years = [c for c in codes if re.fullmatch(r"(19|20)\d\d", c)]
    return len(codes) - len(years) >= 3


def _close(total: Decimal, total_dec: int, parts: list[tuple[Decimal, int]]) -> bool:
    s = sum((v for v, _ in parts), Decimal(0))
    dec = min(total_dec, max((d for _, d in parts), default=0))
    return abs(s - total) <= half_unit(dec) + Decimal("1e-9")


def _severity(total: Decimal, total_dec: int, expected: Decimal) -> str:
    return "warning" if abs(total - expected) <= Decimal(10) ** -total_dec * Decimal("1.5") else "error"


def _first_label(view: TableView, r: int) -> str:
    for cell in view.table.rows[r]:
        if cell and cell_number(cell) is None:
            return cell
    return ""


def _table_totals(ctx: CheckContext, view: TableView) -> list[Finding]:
    findings: list[Finding] = []
    t = view.table
    if _has_code_column(view):
        return findings
    leaves: list[int] = []
    since_subtotal: list[int] = []
    subtotals: list[int] = []
    block = None
    for r, row in enumerate(t.rows):
        if view.section[r] != block:
            block = view.section[r]
            leaves, since_subtotal, subtotals = [], [], []
        if r in view.header_rows:
            continue
        label = total_label(row)
        if label is None:
            leaves.append(r)
            since_subtotal.append(r)
            continue
        numbers = [(c, cell_number(cell)) for c, cell in enumerate(row) if cell_number(cell)]
        if label in ("总分", "总得分") and len(numbers) == 1:
            findings.extend(_form_total(ctx, view, r, numbers[0][1], "得分", numbers[0][0]))
            continue
        if label in ("总分", "总得分") and (_is_self_evaluation(view) or _separate_budget_row(ctx, view)):
            for c, number in numbers:  # 分值 and 得分 of a form both include the budget block above
                role = view.role(r, c)
                if role in ("得分", "满分"):
                    findings.extend(_form_total(ctx, view, r, number, role, c))
            continue
        group = since_subtotal if label == "小计" else leaves
        if len(group) < 2 and label in ("合计", "总计"):
            group = _rows_below(view, r)  # a 合计 row printed above its items
        if len(group) < 2:
            continue
        for c, (total, total_dec) in numbers:
            # merged cells shift a total row's numbers; try the neighbouring columns too
            columns = [x for x in (c, c - 1, c + 1) if x >= 0 and _summable(view, r, x)]
            if not columns:
                continue
            tried = []
            for col in columns:
                name = view.headers[r][col]
                for rows, whole in _candidate_groups(view, label, group, subtotals, col):
                    parts = _column_parts(view, rows, name, col)
                    enough = len(parts) == len(rows) if whole else len(parts) * 2 >= len(group)
                    if len(parts) >= 2 and enough and not _row_numbers(parts):
                        tried.append((col, parts))
            if not tried:
                continue
            if any(_close(total, total_dec, parts) for _, parts in tried):
                ctx.trace_cell(t.index, r, c)
                for x in group:
                    for k in range(len(t.rows[x])):
                        if k < len(view.headers[x]) and view.headers[x][k] == view.headers[r][tried[0][0]]:
                            ctx.trace_cell(t.index, x, k)
                continue
            if columns[0] != c:
                continue  # the total's own column is not summable: too unsure to report
            parts = tried[0][1]
            if all(v >= 0 for v, _ in parts) and total < max(v for v, _ in parts):
                continue  # smaller than one of its parts: a number shifted in from another column, not a sum
            part_cells = [
                (x, k)
                for x in group
                for k in range(len(t.rows[x]))
                if k < len(view.headers[x])
                and view.headers[x][k] == view.headers[r][c]
                and cell_number(t.rows[x][k])
            ]
            expected = sum((v for v, _ in parts), Decimal(0))
            dec = max(d for _, d in parts)
            header = view.headers[r][c] or ""
            findings.append(
                ctx.finding_at_cell(
                    t.index,
                    r,
                    c,
                    kind="total",
                    severity=_severity(total, total_dec, expected),
                    expected=fmt(expected, dec),
                    found=t.rows[r][c],
                    message=(
                        f"{label}行“{header}”应为所列 {len(parts)} 行之和 "
                        f"{' + '.join(str(v) for v, _ in parts[:12])}{' + …' if len(parts) > 12 else ''}"
                        f" = {fmt(expected, dec)}，表中写作 {t.rows[r][c]}。"
                    ),
                    places=ctx.cell_places(t.index, [(r, c), *part_cells]),
                )
            )
        if label == "小计":
            subtotals.append(r)
            since_subtotal = []
    return findings


def _rows_below(view: TableView, r: int) -> list[int]:
    """The item rows under a total row, up to the next total, header or block."""
    rows = []
    for x in range(r + 1, len(view.table.rows)):
        if x in view.header_rows or view.section[x] != view.section[r] or total_label(view.table.rows[x]):
            break
        rows.append(x)
    return rows


def _candidate_groups(
    view: TableView, label: str, group: list[int], subtotals: list[int], col: int
) -> list[tuple[list[int], bool]]:
    """Rows a total may add up: the rows above, the subtotals, only the rows that open a group, or — when a
    merged group cell is written out on every row ('投入 | 20' twice) — the first row of each run of rows
    whose cells left of the column repeat."""
    if label == "小计":
        return [(group, False)]
    openers = [x for x in group if _first_label(view, x) and view.table.rows[x][0]]
    runs = [
        x
        for k, x in enumerate(group)
        if k == 0 or view.table.rows[x][: col + 1] != view.table.rows[group[k - 1]][: col + 1]
    ]
    # (rows, whether every row must give a number): a run-opener sum counts only when no opener lacks one
    out = [(group, False), (subtotals, False), (openers, False)]
    return out + ([(runs, True)] if len(runs) < len(group) else [])


def _column_parts(
    view: TableView, picked: list[int], name: str | None, col: int | None = None
) -> list[tuple[Decimal, int]]:
    """The numbers under the column named ``name`` in the picked rows, each row with its own alignment; when
    several columns share the name ('分值' for 一级 and for 二级), the one at ``col``."""
    parts = []
    for x in picked:
        named = [
            k
            for k in range(len(view.table.rows[x]))
            if k < len(view.headers[x]) and view.headers[x][k] == name
        ]
        if not named:
            continue
        k = col if col in named else named[0]
        if num := cell_number(view.table.rows[x][k]):
            parts.append(num)
    return parts


def _row_numbers(parts: list[tuple[Decimal, int]]) -> bool:
    """Mostly consecutive whole numbers (行次, 序号) are labels, not amounts."""
    values = [v for v, _ in parts]
    if any(v != v.to_integral_value() for v in values):
        return False
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    return sum(1 for s in steps if s == 1) >= 0.8 * len(steps)


def _cells_with_role(view: TableView, role: str) -> list[tuple[int, int, Decimal, int]]:
    out = []
    for r, row in enumerate(view.table.rows):
        if r in view.header_rows or total_label(row):
            continue
        for c, cell in enumerate(row):
            num = cell_number(cell)
            if num and view.role(r, c) == role:
                out.append((r, c, num[0], num[1]))
                break
    return out


def _is_self_evaluation(view: TableView) -> bool:
    headers = " ".join(h or "" for row in view.headers for h in row)
    return "执行率" in headers and "一级指标" in headers and "分值" in headers


@dataclass
class _BudgetRow:
    """Budget execution's 分值 and 得分 in a form's own budget table, and where they stand."""

    weight: Decimal
    score: Decimal
    weight_place: tuple[int, str] | None
    score_place: tuple[int, str] | None

    def __getitem__(self, k: int) -> Decimal:
        return (self.weight, self.score)[k]


def _separate_budget_row(ctx: CheckContext, view: TableView) -> _BudgetRow | None:
    """Budget execution when a form puts it in its own table just before the indicators."""
    headers = " ".join(h or "" for row in view.headers for h in row)
    if "执行率" in headers or "一级指标" not in headers:
        return None
    for other in reversed(ctx.views[: view.table.index]):
        if other.table.part != view.table.part:
            break
        for r in range(len(other.table.rows)):
            nums = other.numbers(r)
            if {"执行率", "满分", "得分"} <= nums.keys():
                t = other.table.index
                return _BudgetRow(
                    nums["满分"][1],
                    nums["得分"][1],
                    ctx.cell_place(t, r, nums["满分"][0]),
                    ctx.cell_place(t, r, nums["得分"][0]),
                )
    return None


def _budget_place(ctx: CheckContext, view: TableView, role: str) -> tuple[int, str] | None:
    budget = _separate_budget_row(ctx, view)
    if budget is None:
        return None
    return budget.score_place if role == "得分" else budget.weight_place


def _form_total(
    ctx: CheckContext, view: TableView, r: int, total: tuple[Decimal, int], role: str, c: int
) -> list[Finding]:
    """The 总分 row of a self-evaluation form: budget execution + every indicator, for 得分 (and 分值)."""
    cells = _cells_with_role(view, role)
    if len(cells) < 2:
        return []
    parts = [(v, d) for _, _, v, d in cells]
    if budget := _separate_budget_row(ctx, view):
        parts.append((budget[1] if role == "得分" else budget[0], 2))
    if _close(total[0], total[1], parts):
        ctx.trace_cell(view.table.index, r, c)
        return []
    expected = sum((v for v, _ in parts), Decimal(0))
    what = "得分" if role == "得分" else "分值"
    return [
        ctx.finding_at_cell(
            view.table.index,
            r,
            c,
            kind="total",
            severity=_severity(total[0], total[1], expected),
            expected=fmt(expected, max(d for _, d in parts)),
            found=view.table.rows[r][c],
            message=f"总分行的{what}应为预算执行与各指标{what}之和（{len(parts)} 项）= {fmt(expected, 2)}，"
            f"表中写作 {view.table.rows[r][c]}。",
            places=ctx.cell_places(view.table.index, [(r, c)] + [(x, k) for x, k, _, _ in cells])
            + [p for p in [_budget_place(ctx, view, role)] if p],
        )
    ]


def _weights(ctx: CheckContext, view: TableView) -> list[Finding]:
    """A full indicator system (self-evaluation form, or a table spanning the 一级指标) weighs 100 in all."""
    weights = _cells_with_role(view, "满分")
    if len(weights) < 3:
        return []
    t = view.table
    level1 = {
        cell.replace(" ", "") for row in t.rows for cell in row[:2] if cell.replace(" ", "") in LEVEL1_NAMES
    }
    budget = _separate_budget_row(ctx, view)
    self_eval = _is_self_evaluation(view) or budget is not None
    if not self_eval and len(level1) < 3:
        return []
    total = sum((w for _, _, w, _ in weights), Decimal(0)) + (budget[0] if budget else 0)
    # a table weighting both 一级 and 二级 rows adds up to 200 or more: not a flat list of weights
    if total == 100 or (not self_eval and total >= 200):
        for r, c, _, _ in weights:
            ctx.trace_cell(t.index, r, c)
        return []
    r, c = weights[0][0], weights[0][1]
    what = "预算执行 10 分与各绩效指标分值（应为 90 分）" if self_eval else "各指标分值"
    return [
        ctx.finding_at_cell(
            t.index,
            r,
            c,
            kind="weights",
            severity="error",
            expected="100",
            found=fmt(total, max(d for *_, d in weights)),
            message=f"{what}合计应为 100 分，本表合计 {fmt(total, max(d for *_, d in weights))} 分。",
            places=ctx.cell_places(t.index, [(x, k) for x, k, _, _ in weights])
            + ([budget.weight_place] if budget and budget.weight_place else []),
        )
    ]


def _prose_weights(ctx: CheckContext) -> list[Finding]:
    """'决策、过程、产出、效益分别占15分、15分、40分、30分' or '决策15分、过程15分、产出40分、效益30分': one
    weight per 一级指标, summing to 100."""
    findings: list[Finding] = []
    for i, seg in enumerate(ctx.doc.segments):
        if seg.kind == "cell" or not ctx.mentions[i]:
            continue
        lists = [[(p.name, p.mention) for p in pairs] for pairs in weight_lists(ctx, i)]
        lists += _names_then_weights(ctx, i)
        for pairs in lists:
            weights = [m for _, m in pairs]
            total = sum((m.value for m in weights), Decimal(0))
            if total == 100:
                for m in weights:
                    ctx.trace(i, m)
                continue
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="weights",
                    severity="error",
                    expected="100",
                    found=fmt(total, max(m.decimals for m in weights)),
                    message=f"{'、'.join(n for n, _ in pairs)}的权重合计应为 100，文中为 "
                    f"{' + '.join(m.raw for m in weights)} = {total}。",
                    places=[(i, m.raw) for m in weights],
                )
            )
    return findings


_WEIGHT_LIST = re.compile(r"分别|权重为|权重分别|分值为|分值分别|各占")


def _names_then_weights(ctx: CheckContext, i: int) -> list[list[tuple[str, NumberMention]]]:
    """'决策、过程、产出、效益分别占 15 分、15 分、40 分、30 分': the names first, then the weights in order."""
    seg = ctx.doc.segments[i]
    trigger = _WEIGHT_LIST.search(seg.text)
    if not trigger:
        return []
    names = sorted({n for n in LEVEL1_NAMES if len(n) >= 2}, key=len, reverse=True)
    head = seg.text[: trigger.start()]
    found, rest = [], head
    for name in names:
        if name in rest:
            found.append(name)
            rest = rest.replace(name, "")
    found.sort(key=head.find)
    after = [m for m in ctx.mentions[i] if m.start >= trigger.end() and m.unit in ("分", "%")]
    weights = after[: len(found)]
    listed = all(
        re.fullmatch(r"[\s、，,和及与占]*", seg.text[a.end : b.start])
        for a, b in zip(weights, weights[1:], strict=False)
    )
    if len(found) < 3 or len(weights) != len(found) or len({m.unit for m in weights}) != 1 or not listed:
        return []
    return [list(zip(found, weights, strict=True))]


# --- one report stating its total twice with different values ('综合得分92.5分' … '项目总分78.5分')

_STRONG_TOTAL = r"总得分|总分|综合得分|综合评分|(?:最终|综合)(?:评价|自评)得分|最终得分|评价总分|自评总分"
_WEAK_TOTAL = r"(?:绩效)?(?:评价|自评)得分|得分"
_TOTAL_BEFORE = re.compile(
    rf"(?P<head>[^，,；;。：:]*?)(?P<word>{_STRONG_TOTAL}|{_WEAK_TOTAL})\s*(?:为|是|达到?|共计|：|:)?\s*$"
)
_NOT_THIS_TOTAL = re.compile(r"上年|去年|上一|往年|以往|平均|满分|分值|权重|标准分|以上|以下|不低于|低于|每")
# '总分90分（含）以上为“优”': a band of the grading rule, not a score
_BAND_AFTER = re.compile(
    r"\s*(?:[（(]\s*不?含\s*[)）])?\s*(?:及?以上|以下|至|[-—～~]|不足|为[“\"]?[优良中差])"
)
_PART_HEAD = re.compile(r"(指标|部分|方面|维度|类)$")
_PROJECT_HEAD = re.compile(r"^(?:经(?:综合)?评价|综上(?:所述)?|经评定|本次评价|最终)?(?:本|该)?(?:项目)?$")
_TOTAL_HEADER = re.compile(r"^(?:评价|综合|自评|最终)?总分$|^总得分$|^综合得分$|^(?:最终|综合)评价得分$")
_NUMBERED_LINE = re.compile(r"\s*\d{1,2}\s*[.、．]\s*(?!\d)\S")


@dataclass
class _Stated:
    """A total score the report states: where, its value and precision, as written."""

    seg: int
    start: int
    value: Decimal
    decimals: int
    raw: str


def _prose_totals(ctx: CheckContext, i: int) -> list[_Stated]:
    """'经评价，项目综合得分92.5分', '项目总分78.5分', '该项目最终评价得分为83.5分': a score in 分 after a
    total word, of the project (not of one indicator or part, not last year's, not the scale '总分100分')."""
    text = ctx.doc.segments[i].text
    out = []
    for m in ctx.mentions[i]:
        if m.unit != "分" or m.role != "得分" or not 0 < m.value <= 100:
            continue
        clause = re.split(r"[，,；;。]", text[: m.start])[-1]
        found = _TOTAL_BEFORE.search(clause)
        if not found or _NOT_THIS_TOTAL.search(clause) or _BAND_AFTER.match(text, m.end):
            continue
        head, word = found.group("head").strip(), found.group("word")
        if _PART_HEAD.search(head) or (m.value == 100 and "总分" in word):
            continue
        if not re.fullmatch(_STRONG_TOTAL, word) and not (
            head.endswith("项目") and _PROJECT_HEAD.match(head)
        ):
            continue  # a bare '评价得分' belongs to the indicator the clause names; '项目评价得分' is the total
        out.append(_Stated(i, m.start, m.value, m.decimals, m.raw))
    return out


def _stated_totals(ctx: CheckContext) -> dict[int, list[_Stated]]:
    """Every total score each part states: prose (and sentence cells), a cell under a 总分/综合得分 header, and
    the 总分 row of a score table."""
    by_part: dict[int, list[_Stated]] = {}
    seen: set[int] = set()
    # the opening part of a file holding several reports (a final account) quotes many projects' totals
    several = len(ctx.doc.parts) > 1
    for i, seg in enumerate(ctx.doc.segments):
        if (several and seg.part == 0) or (seg.kind == "sentence" and _NUMBERED_LINE.match(seg.text)):
            continue  # '3. 信息技术发展资金项目…自评得分为98.62分': one line per project
        if ctx.is_prose(i):
            found = _prose_totals(ctx, i)
        elif seg.kind == "cell" and seg.header and _TOTAL_HEADER.match(re.sub(r"\s", "", seg.header)):
            found = _total_cell(ctx, i)
        else:
            found = []
        for s in found:
            by_part.setdefault(seg.part, []).append(s)
            seen.add(i)
    for part, facts in collect_facts(ctx).items():
        for f in facts:
            if f.subject == "总分" and f.role == "得分" and f.seg not in seen and 0 < f.value <= 100:
                if ctx.doc.segments[f.seg].kind == "cell":
                    by_part.setdefault(part, []).append(_Stated(f.seg, f.start, f.value, f.decimals, f.raw))
    return by_part


def _total_cell(ctx: CheckContext, i: int) -> list[_Stated]:
    """A cell under a 总分/评价总分 header, in a table where it is the column's only figure (one project)."""
    seg = ctx.doc.segments[i]
    rows = ctx.doc.tables[seg.table].rows
    column = [row[seg.col] for row in rows if seg.col < len(row) and cell_number(row[seg.col])]
    num = cell_number(seg.text)
    if len(column) != 1 or not num or not 0 < num[0] <= 100:
        return []
    return [_Stated(i, 0, num[0], num[1], seg.text.strip())]


@dataclass
class _Breakdown:
    """The 一级 scores of a complete indicator system (weights adding to 100) and where they stand."""

    total: Decimal
    decimals: int
    scores: list[str]
    seg: int


def _breakdowns(ctx: CheckContext) -> dict[int, list[_Breakdown]]:
    """Per part, the sums of scores of each complete weight list: a paragraph giving '满分X分，得分Y分' for
    indicators whose 满分 add to 100, or a score table whose rows' 分值 (the one beside each row's 得分) add
    to 100."""
    out: dict[int, list[_Breakdown]] = {}
    paragraphs: dict[tuple, list[tuple[int, NumberMention, NumberMention]]] = {}
    for i, seg in enumerate(ctx.doc.segments):
        if ctx.is_prose(i) and seg.kind != "cell":
            for a, b in score_pairs(ctx, i):
                paragraphs.setdefault((seg.part, seg.paragraph), []).append((i, a, b))
    for (part, _), pairs in paragraphs.items():
        if len(pairs) >= 3 and sum((a.value for _, a, _ in pairs), Decimal(0)) == 100:
            out.setdefault(part, []).append(
                _Breakdown(
                    sum((b.value for _, _, b in pairs), Decimal(0)),
                    max(b.decimals for _, _, b in pairs),
                    [b.raw for _, _, b in pairs],
                    pairs[0][0],
                )
            )
    for view in ctx.views:
        rows = []
        for r in range(len(view.table.rows)):
            if r in view.header_rows or total_label(view.table.rows[r]):
                continue
            cells = [(c, cell_number(x)) for c, x in enumerate(view.table.rows[r])]
            scores = [(c, n) for c, n in cells if n and view.role(r, c) == "得分"]
            # a row listing 一级 and 二级 分值 side by side is scored against the one nearest its 得分
            weight = weight_cell(view, r, scores[0][0]) if len(scores) == 1 else None
            if weight is not None:
                rows.append((r, (weight[1], 0), scores[0]))
        if len(rows) >= 3 and sum((w[0] for _, w, _ in rows), Decimal(0)) == 100:
            r0, _, (c0, _) = rows[0]
            seg = ctx.cell_index.get((view.table.index, r0, c0))
            if seg is not None:
                out.setdefault(view.table.part, []).append(
                    _Breakdown(
                        sum((s[1][0] for _, _, s in rows), Decimal(0)),
                        max(s[1][1] for _, _, s in rows),
                        [view.table.rows[r][s[0]] for r, _, s in rows],
                        seg,
                    )
                )
    return out


def _fits_breakdown(s: _Stated, b: _Breakdown) -> bool:
    """The stated total is the breakdown's sum, allowing for each part's rounding."""
    tolerance = half_unit(s.decimals) + len(b.scores) * half_unit(b.decimals)
    return abs(s.value - b.total) <= tolerance


def _agree(a: _Stated, b: _Stated) -> bool:
    """The same total at the precision of the less precise statement (88.8 = 88.83)."""
    if a.decimals <= b.decimals:
        return same_at_precision(a.value, a.decimals, b.value)
    return same_at_precision(b.value, b.decimals, a.value)


def _decide(
    ctx: CheckContext, stated: list[_Stated], breakdowns: list[_Breakdown]
) -> tuple[_Stated, str] | None:
    """The statement taken as the total and why: the scorer's total (with a case), the sum of the scores of a
    complete weight list, or a strict majority of the statements; None when nothing decides."""
    want = ctx.expected.get(("总分", "得分"))
    if want is not None:
        fits = [s for s in stated if same_at_precision(s.value, s.decimals, want)]
        if fits:
            return fits[0], f"评分结果总分为 {fmt(want)} 分"
    fits = [s for s in stated if any(_fits_breakdown(s, b) for b in breakdowns)]
    if fits and all(_agree(s, fits[0]) for s in fits) and len(fits) < len(stated):
        b = next(b for b in breakdowns if _fits_breakdown(fits[0], b))
        return fits[0], (
            f"分值合计 100 分的各指标得分之和 {' + '.join(b.scores)} = {fmt(b.total, b.decimals)} 分，"
            f"与 {fits[0].raw} 相符"
        )
    best = max(stated, key=lambda s: sum(1 for t in stated if _agree(s, t)))
    votes = sum(1 for t in stated if _agree(best, t))
    if votes * 2 > len(stated):
        return best, f"全文 {votes} 处写作 {best.raw}"
    return None


def _stated_twice(ctx: CheckContext) -> list[Finding]:
    """A report stating its total more than once with different values: the scorer's total, the scores of a
    complete weight list or the majority of the statements decide which is right, and only the others are
    blamed; when nothing decides, one finding says so (unless the consistency check already lists the same
    statements). The decided total is kept for the grade check (``ctx.cache['decided_totals']``)."""
    findings: list[Finding] = []
    decided: dict[int, tuple[Decimal, str, str]] = {}
    breakdowns = _breakdowns(ctx)
    consistency_totals = {
        part: {f.value.normalize() for f in facts if f.subject == "总分" and f.role == "得分"}
        for part, facts in collect_facts(ctx).items()
    }
    for part, stated in _stated_totals(ctx).items():
        if all(_agree(s, stated[0]) for s in stated):
            continue
        found = _decide(ctx, stated, breakdowns.get(part, []))
        if found is None:
            if len(consistency_totals.get(part, set()) & {s.value.normalize() for s in stated}) >= 2:
                continue  # the consistency check already reports these statements once
            places = "；".join(f"{ctx.doc.segments[s.seg].location} 为 {s.raw}" for s in stated[:6])
            findings.append(
                ctx.finding_at_segment(
                    stated[0].seg,
                    kind="consistency",
                    severity="error",
                    expected="各处一致",
                    found=stated[0].raw,
                    message=f"总分前后不一致：{places}。文中没有可据以核算的指标得分，无法判断哪一处正确，请核对。",
                )
            )
            continue
        right, why = found
        where = ctx.doc.segments[right.seg].location
        decided[part] = (right.value, right.raw, why)
        for s in stated:
            if _agree(s, right):
                ctx.trace(
                    s.seg,
                    next((m for m in ctx.mentions[s.seg] if m.start == s.start), ctx.mentions[s.seg][0]),
                )
                continue
            findings.append(
                ctx.finding_at_segment(
                    s.seg,
                    kind="total",
                    severity="error",
                    expected=right.raw,
                    found=s.raw,
                    message=f"总分前后不一致：此处写作 {s.raw}，{where} 写作 {right.raw}；{why}，此处的 {s.raw} 有误。",
                )
            )
    ctx.cache["decided_totals"] = decided
    return findings


def run(ctx: CheckContext) -> list[Finding]:
    """Findings for totals, subtotals and weight sums in every table and in prose, and for a total stated
    twice with different values."""
    findings: list[Finding] = _prose_weights(ctx)
    findings += _stated_twice(ctx)
    for view in ctx.views:
        findings.extend(_table_totals(ctx, view))
        findings.extend(_weights(ctx, view))
    return findings

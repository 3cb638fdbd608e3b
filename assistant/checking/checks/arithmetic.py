"""Arithmetic (算术): 得分率 = 得分/满分 and 执行率 = 执行数/预算数, in table rows and in prose, and
calculations written out in the text (``142.86/144 = 99.21%``, Likert means spelled as a formula)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..context import CheckContext, TableView, cell_number
from ..formulas import WrittenFormula, evaluate, find_formulas
from ..models import Finding, NumberMention
from ..numbers import normalize, same_at_precision

_HUNDRED = Decimal(100)
_IMPLAUSIBLE = Decimal(120)
_RATE_INPUTS = {"得分率": ("得分", "满分"), "执行率": ("执行数", "预算数")}


def fmt(value: Decimal, decimals: int = 2) -> str:
    """A Decimal shown with ``decimals`` places, half up."""
    q = Decimal(10) ** -decimals
    return str(value.quantize(q, rounding="ROUND_HALF_UP"))


def _ratio_pct(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return numerator / denominator * _HUNDRED


def _rate_ok(written: Decimal, decimals: int, expected: Decimal, capped: bool = False) -> bool:
    """A rate is right when it rounds from the ratio; 执行率 may be shown capped at 100%."""
    if same_at_precision(written, decimals, expected):
        return True
    return capped and expected > _HUNDRED and written == _HUNDRED


def _table_rows(ctx: CheckContext, view: TableView) -> list[Finding]:
    findings: list[Finding] = []
    t = view.table
    subtotal_col = _subtotal_column(view)
    group_weight = Decimal(0)
    for r in range(len(t.rows)):
        if r in view.header_rows:
            continue
        nums = view.numbers(r)
        if subtotal_col is not None:
            sub = cell_number(t.rows[r][subtotal_col]) if subtotal_col < len(t.rows[r]) else None
            if sub:
                group_weight = _group_weight(view, r, subtotal_col)
        for rate_role, (num_role, den_role) in _RATE_INPUTS.items():
            if not {rate_role, num_role, den_role} <= nums.keys():
                continue
            rc, rate, rdec = nums[rate_role]
            den = _paired(view, r, den_role, nums[num_role][0]) or nums[den_role]
            direct = _ratio_pct(nums[num_role][1], den[1])
            sub = None
            if subtotal_col is not None and subtotal_col < len(t.rows[r]):
                sub = cell_number(t.rows[r][subtotal_col])
            group = _ratio_pct(sub[0], group_weight) if sub else None
            candidates = [c for c in (direct, group) if c is not None]
            if sub:
                candidates += [c for c in [_ratio_pct(sub[0], den[1])] if c is not None]
            if not candidates:
                continue
            if rate_role == "执行率":  # multi-year rows: any budget/spending pair of the row may be meant
                candidates += _all_pairs(view, r)
            if any(_rate_ok(rate, rdec, c, capped=rate_role == "执行率") for c in candidates):
                for c in (rc, nums[num_role][0], den[0]):
                    ctx.trace_cell(t.index, r, c)
                continue
            if group is not None:  # the rate belongs to the group subtotal (小计) column
                expected, formula = group, f"小计/分组满分 = {sub[0]}/{group_weight}"
            elif direct is not None:
                expected = direct
                formula = f"{num_role}/{den_role} = {nums[num_role][1]}/{den[1]}"
            else:
                continue
            if expected > _IMPLAUSIBLE:
                continue
            findings.append(
                ctx.finding_at_cell(
                    t.index,
                    r,
                    rc,
                    kind="arithmetic",
                    severity=_severity(rate, rdec, expected),
                    expected=f"{fmt(expected)}%",
                    found=f"{t.rows[r][rc]}",
                    message=f"{rate_role}应为 {formula} = {fmt(expected)}%，表中写作 {t.rows[r][rc]}。",
                    places=ctx.cell_places(
                        t.index,
                        [(r, rc), (r, nums[num_role][0]), (r, den[0])] + ([(r, subtotal_col)] if sub else []),
                    ),
                )
            )
    return findings


def _paired(view: TableView, r: int, role: str, col: int) -> tuple[int, Decimal, int] | None:
    """The ``role`` cell of row r nearest left of column ``col``: a summary table listing 一级 分值 and 二级
    分值 side by side ('投入 | 20 | 目标设定 | 8 | 7 | 87.50%') rates the score against the weight beside it."""
    best = None
    for c, cell in enumerate(view.table.rows[r][:col]):
        if view.role(r, c) == role and (num := cell_number(cell)):
            best = (c, num[0], num[1])
    return best


def _all_pairs(view: TableView, r: int) -> list[Decimal]:
    """Every ratio executed/budget between the amounts of a row (a row may hold several years)."""
    cells = [(view.role(r, c), cell_number(cell)) for c, cell in enumerate(view.table.rows[r])]
    amounts = [
        (role, n[0]) for role, n in cells if n and role in ("预算数", "执行数", None) and "%" not in str(n)
    ]
    return [a / b * _HUNDRED for _, a in amounts for _, b in amounts if b]


def _subtotal_column(view: TableView) -> int | None:
    for row_headers in view.headers:
        for c, h in enumerate(row_headers):
            if h and h.replace(" ", "") == "小计":
                return c
    return None


def _group_weight(view: TableView, start: int, subtotal_col: int) -> Decimal:
    """Sum of 满分 from ``start`` down to the row before the next row with a 小计 value."""
    total = Decimal(0)
    t = view.table
    for r in range(start, len(t.rows)):
        if r > start and subtotal_col < len(t.rows[r]) and cell_number(t.rows[r][subtotal_col]):
            break
        w = view.numbers(r).get("满分")
        if w:
            total += w[1]
    return total


def _prose_rates(ctx: CheckContext) -> list[Finding]:
    """Within a paragraph, each 得分率/执行率 is checked against the 得分 and 满分 (执行数, 预算数) written
    before it. It is flagged only when no such pair gives it, so a paragraph listing several years or
    several amounts does not raise false alarms; the expected value shown uses the nearest pair."""
    findings: list[Finding] = []
    by_paragraph: dict[tuple[int, int], list[tuple[int, NumberMention]]] = {}
    for i, seg in enumerate(ctx.doc.segments):
        key = (seg.part, seg.paragraph) if seg.kind == "sentence" else (seg.part, -1 - i)
        by_paragraph.setdefault(key, []).extend((i, m) for m in ctx.mentions[i])
    for items in by_paragraph.values():
        seen: list[tuple[int, NumberMention]] = []
        for i, m in items:
            if not (m.role in _RATE_INPUTS and m.unit == "%"):
                seen.append((i, m))
                continue
            nums = [x for x in seen if _fits(x[1], m.role, numerator=True)]
            dens = [x for x in seen if _fits(x[1], m.role, numerator=False)]
            seen.append((i, m))
            pairs = [(n, d) for n in nums for d in dens if n[1] is not d[1] and _same_unit(n[1], d[1])]
            if not pairs:
                continue
            capped = m.role == "执行率"
            good = [
                (n, d)
                for n, d in pairs
                if (e := _ratio_pct(_amount(n[1]), _amount(d[1]))) is not None
                and _rate_ok(m.value, m.decimals, e, capped)
            ]
            if good:
                (ni, num), (di, den) = good[-1]
                ctx.trace(i, m)
                ctx.trace(ni, num)
                ctx.trace(di, den)
                continue
            num_role, den_role = _RATE_INPUTS[m.role]
            strict = [(n, d) for n, d in pairs if n[1].role == num_role and d[1].role == den_role]
            if not strict:
                continue
            (ni, num), (di, den) = strict[-1]
            expected = _ratio_pct(_amount(num), _amount(den))
            if expected is None or expected > _IMPLAUSIBLE:
                continue  # a rate far above 100% means the pair is not what the rate was computed from
            if (operand := _operand_off_case(ctx, m, (ni, num), (di, den), capped)) is not None:
                findings.append(operand)
                continue
            findings.append(
                _rate_off(
                    ctx,
                    i,
                    m,
                    expected,
                    f"{m.role}应为 {num_role}/{den_role} = {num.value}/{den.value} = {fmt(expected)}%，文中写作 {m.raw}。",
                    [(i, m.raw), (ni, num.raw), (di, den.raw)],
                )
            )
    return findings


def _operand_off_case(
    ctx: CheckContext,
    rate: NumberMention,
    num: tuple[int, NumberMention],
    den: tuple[int, NumberMention],
    capped: bool,
) -> Finding | None:
    """With a case, the operand of a rate that is not among the case's amounts while the other is, and that
    a case amount in its place makes the rate right ('全年执行103万元，预算执行率为92.73%' where the case
    executed 102): that operand is the slip, not the rate."""
    if not ctx.amounts:
        return None
    (ni, n), (di, d) = num, den
    known_n, known_d = _amount(n) in ctx.amounts, _amount(d) in ctx.amounts
    if known_n == known_d:
        return None
    at, wrong, other = (ni, n, d) if known_d else (di, d, n)
    for amount in sorted(ctx.amounts):
        pair = (amount, _amount(other)) if known_d else (_amount(other), amount)
        e = _ratio_pct(*pair)
        if e is not None and _rate_ok(rate.value, rate.decimals, e, capped):
            shown = amount / _TO_WAN.get(wrong.unit, Decimal(1))
            return ctx.finding_at_segment(
                at,
                kind="arithmetic",
                severity="error",
                expected=f"{format(shown.normalize(), 'f')}{wrong.unit}",
                found=wrong.raw,
                message=f"{rate.role}{rate.raw}与{other.raw}相符时，此处应为 {format(shown.normalize(), 'f')}"
                f"{wrong.unit}（案例所列金额），文中写作 {wrong.raw}。",
                places=[(at, wrong.raw), (ni if at == di else di, other.raw)],
            )
    return None


def _fits(m: NumberMention, rate_role: str, numerator: bool) -> bool:
    """Can this number be the numerator (denominator) of the rate? Money without a role may be either."""
    if m.unit == "%":
        return False
    want = _RATE_INPUTS[rate_role][0 if numerator else 1]
    if m.role == want:
        return True
    return rate_role == "执行率" and m.role is None and m.unit in ("万元", "元", "亿元")


def _rate_off(
    ctx: CheckContext, i: int, rate: NumberMention, expected: Decimal, message: str, places: list
) -> Finding:
    """The finding for a rate in a sentence that its own operands do not give."""
    return ctx.finding_at_segment(
        i,
        kind="arithmetic",
        severity=_severity(rate.value, rate.decimals, expected),
        expected=f"{fmt(expected)}%",
        found=rate.raw,
        message=message,
        places=places,
    )


def _severity(written: Decimal, decimals: int, expected: Decimal) -> str:
    """Off by less than one unit of the last written digit is a rounding slip (warning: 92.7% written 92%, a
    truncation); a whole unit or more is an error (93% for 92.00%: no rounding gives it)."""
    return "warning" if abs(written - expected) < Decimal(10) ** -decimals else "error"


_TO_WAN = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}


def _amount(m: NumberMention) -> Decimal:
    """The value in 万元 for money (so 元 and 万元 can be divided), else as written."""
    return m.value * _TO_WAN.get(m.unit, Decimal(1))


def _same_unit(a: NumberMention, b: NumberMention) -> bool:
    return a.unit == b.unit or not a.unit or not b.unit or (a.unit in _TO_WAN and b.unit in _TO_WAN)


_FORMULA_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class _Written:
    """A calculation as written in segment ``seg``: its expression's numbers (with offsets into the segment's
    text), its result and whether it holds."""

    seg: int
    formula: WrittenFormula
    numbers: list[tuple[int, str]]
    holds: bool
    expected: Decimal

    @property
    def skeleton(self) -> str:
        return re.sub(r"\s", "", _FORMULA_NUMBER.sub("#", normalize(self.formula.expr)))


def _written_formulas(ctx: CheckContext) -> list[_Written]:
    out: list[_Written] = []
    for i, seg in enumerate(ctx.doc.segments):
        ctx.tick()
        if "=" not in seg.text and "＝" not in seg.text and "≈" not in seg.text:
            continue
        text = seg.text.replace("\\%", " %").replace("$", " ")  # same length: offsets stay valid
        for formula in find_formulas(text):
            value = evaluate(formula.expr)
            if value is None:
                continue
            shown_pct = formula.percent and not formula.expr.rstrip().endswith("%")
            expected = value * _HUNDRED if shown_pct else value
            result = Decimal(formula.result)
            # the last step may round an intermediate result, so allow one unit of the last digit
            holds = abs(expected - result) <= Decimal(10) ** -formula.decimals + Decimal("1e-9")
            norm = normalize(text)
            numbers = [
                (formula.expr_start + m.start(), m.group(0))
                for m in _FORMULA_NUMBER.finditer(
                    norm, formula.expr_start, formula.expr_start + len(formula.expr)
                )
            ]
            out.append(_Written(i, formula, numbers, holds, expected))
    return out


def _twin(wrong: _Written, written: list[_Written]) -> _Written | None:
    """The same calculation written right elsewhere (a copy in an appendix, a table's 评分依据): same
    operators, same count of numbers. Only when every such copy gives the same numbers."""
    twins = [
        w
        for w in written
        if w.holds
        and w is not wrong
        and w.skeleton == wrong.skeleton
        and len(w.numbers) == len(wrong.numbers)
    ]
    if not twins or any([n for _, n in w.numbers] != [n for _, n in twins[0].numbers] for w in twins):
        return None
    return twins[0]


def _formulas(ctx: CheckContext) -> list[Finding]:
    """A written calculation must hold. When it does not, the figure blamed is the result — unless the same
    calculation is written right elsewhere, which shows the operand that differs (or the result) to be the slip."""
    findings: list[Finding] = []
    written = _written_formulas(ctx)
    for w in written:
        i, formula = w.seg, w.formula
        if w.holds:
            for mention in ctx.mentions[i]:
                if formula.expr_start <= mention.start < formula.result_end:
                    ctx.trace(i, mention)
            continue
        expr, decimals = formula.expr, formula.decimals
        pct = "%" if formula.percent else ""
        seg_text = ctx.doc.segments[i].text
        is_likert = bool(re.search(r"×\s*5|\*\s*5|满意", seg_text)) and "5" in expr
        kind = "likert" if is_likert else "arithmetic"
        twin = _twin(w, written)
        differing = (
            [(own, other) for own, other in zip(w.numbers, twin.numbers, strict=True) if own[1] != other[1]]
            if twin is not None
            else []
        )
        if twin is not None and differing:
            where = ctx.doc.segments[twin.seg].location
            for (_, raw), (_, right) in differing:
                findings.append(
                    ctx.finding_at_segment(
                        i,
                        kind=kind,
                        severity="error",
                        expected=right,
                        found=raw,
                        message=f"算式 {expr} 不成立（结果应为 {fmt(w.expected, max(decimals, 2))}{pct}，文中写作 "
                        f"{formula.result}{pct}）；{where} 的同一算式成立，其中此数为 {right}，此处写作 {raw}。",
                    )
                )
            continue
        findings.append(
            ctx.finding_at_segment(
                i,
                kind=kind,
                severity="error",
                expected=fmt(w.expected, max(decimals, 2)) + pct,
                found=formula.result + pct,
                message=f"算式 {expr} 的结果应为 {fmt(w.expected, max(decimals, 2))}{pct}，文中写作 "
                f"{formula.result}{pct}。",
            )
        )
    return findings


# Starts only at the first digit of a number and never backtracks (possessive quantifiers): linear time.
_RATE_WITH_FRACTION = re.compile(
    r"(?<![\d.])(?P<rate>\d++(?:\.\d++)?)\s*+%\s*+[(（]\s*+(?P<num>\d++(?:\.\d++)?)\s*+[/÷]\s*+"
    r"(?P<den>\d++(?:\.\d++)?)\s*+[)）]"
)


def _rates_with_fraction(ctx: CheckContext) -> list[Finding]:
    """'得分率 78.75%（11/14）': the rate must equal the fraction written next to it."""
    findings: list[Finding] = []
    for i, seg in enumerate(ctx.doc.segments):
        text = normalize(seg.text)
        if "%" not in text:
            continue
        for m in _RATE_WITH_FRACTION.finditer(text):
            rate, num, den = Decimal(m.group("rate")), Decimal(m.group("num")), Decimal(m.group("den"))
            decimals = len(m.group("rate").split(".")[1]) if "." in m.group("rate") else 0
            expected = _ratio_pct(num, den)
            if expected is None:
                continue
            if _rate_ok(rate, decimals, expected):
                for mention in ctx.mentions[i]:
                    if m.start() <= mention.start < m.end():
                        ctx.trace(i, mention)
                continue
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="arithmetic",
                    severity=_severity(rate, decimals, expected),
                    expected=f"{fmt(expected)}%",
                    found=f"{m.group('rate')}%",
                    message=f"{num}/{den} = {fmt(expected)}%，文中写作 {m.group('rate')}%。",
                )
            )
    return findings


_COUNT_UNIT = re.compile(
    r"\s*(?P<scale>万|千|亿)?\s*(?P<unit>人次|件|个|次|项|户|人|份|路|台|套|家|所|条|名|场|篇|批次|宗|起|张|座|公里|km)"
)
_COUNT_SCALE = {"万": Decimal(10000), "千": Decimal(1000), "亿": Decimal(100000000), None: Decimal(1)}
_RATE_NAME = re.compile(r"(?P<name>[\u4e00-\u9fa5]{2,10})率\s*(?:为|是|达到|达|约为|约|：|:)*\s*$")
_NOT_A_COUNT_RATE = re.compile(r"增长|下降|增加|减少|提高|降低|同比|环比|满意|执行|得分|占比|百分点")
_COUNT_LABEL = re.compile(r"([\u4e00-\u9fa5]{2,8})\s*(?:了|为|达|共|计)?\s*$")
_LABEL_NOISE = re.compile(r"^(?:其中|全年|年度|累计|共计|共|合计|已|实际|当年|本年)+")


@dataclass
class _Count:
    index: int
    mention: NumberMention
    amount: Decimal
    unit: str
    label: str
    written: str
    clause: str


def _counts(text: str, mentions: list[NumberMention], exempt: list) -> list[_Count]:
    """The counts of a sentence with their counter ('15.6万件' = 156000 件) and the words before them."""
    out = []
    for k, m in enumerate(mentions):
        if exempt[k] is not None or m.unit == "%":
            continue
        unit = _COUNT_UNIT.match(text, m.end - len(m.unit) if m.unit else m.end)
        if not unit:
            continue
        clause = re.split(r"[，,；;。：:（(]", text[: m.start])[-1]
        label = _COUNT_LABEL.search(clause)
        words = _LABEL_NOISE.sub("", label.group(1)) if label else ""
        amount = m.value * _COUNT_SCALE[unit.group("scale")]
        written = text[m.start : unit.end()].strip()
        out.append(_Count(k, m, amount, unit.group("unit"), words, written, clause))
    return out


_CLAUSE_MARKS = re.compile(r"[，,；;。]")
_GENERIC_VERBS = ("完成", "达成", "实现", "到位")
_WHOLE = re.compile(r"共|总|合计|累计|应|计划|全|目标|预计")


def _count_rates(ctx: CheckContext) -> list[Finding]:
    """'共受理工单15.6万件，按时办结13.8万件，按时办结率为89.46%': a rate named after the count just before it is
    that count over an earlier count of the same counter marked as the whole (共/总/应/计划…). Flagged only when
    no such count gives it."""
    findings: list[Finding] = []
    for i, seg in enumerate(ctx.doc.segments):
        mentions = ctx.mentions[i]
        if not ctx.is_prose(i) or not any(m.unit == "%" for m in mentions):
            continue
        text = seg.text
        counts = _counts(text, mentions, ctx.exempt[i])
        if len(counts) < 2:
            continue
        for k, m in enumerate(mentions):
            if m.unit != "%" or ctx.exempt[i][k] is not None:
                continue
            clause = re.split(r"[，,；;。（(]", text[: m.start])[-1]
            named = _RATE_NAME.search(clause)
            if not named or _NOT_A_COUNT_RATE.search(named.group("name")):
                continue
            before = [c for c in counts if c.mention.end <= m.start]
            if not before:
                continue
            num = before[-1]  # the count just before the rate, in the clause before it at most
            # the rate names what the count counts: '按时办结率' ← '按时办结13.8万件'; a generic verb names it by
            # the words before ('培训完成率' ← '实际培训570人次'); '线上受理率' is no rate of '线下受理7.4万件'
            name = named.group("name")
            key = name[:-2] if name.endswith(_GENERIC_VERBS) else name
            label = num.label
            if (
                len(key) < 2
                or not (key in label or (len(label) >= 2 and label in key))
                or len(_CLAUSE_MARKS.findall(text[num.mention.end : m.start])) > 1
            ):
                continue
            # over a whole: a count the sentence marks as the total or the plan ('共受理', '计划培训', '应检查')
            dens = [c for c in before if c.mention.end <= num.mention.start and c.unit == num.unit]
            dens = [c for c in dens if c.amount >= num.amount and c.amount > 0 and _WHOLE.search(c.clause)]
            if not dens:
                continue
            rates = [(d, _ratio_pct(num.amount, d.amount)) for d in dens]
            good = [d for d, e in rates if e is not None and _rate_ok(m.value, m.decimals, e)]
            if good:
                ctx.trace(i, m)
                ctx.trace(i, num.mention)
                ctx.trace(i, good[-1].mention)
                continue
            den, expected = rates[-1]
            if expected is None:
                continue
            findings.append(
                _rate_off(
                    ctx,
                    i,
                    m,
                    expected,
                    f"{named.group('name')}率应为 {num.written}/{den.written} = {fmt(expected)}%，文中写作 {m.raw}。",
                    [(i, m.raw), (i, num.mention.raw), (i, den.mention.raw)],
                )
            )
    return findings


_POINT_RULE = re.compile(r"每|超过|以上|以下|不低于|不高于|低于|高于|不足")


_UP = re.compile(r"(提高|上升|增加|增长|提升|高出|高于|超出|超过|多出)了?\s*$")
_DOWN = re.compile(r"(下降|降低|减少|回落|下滑|低于|少于|减少了)了?\s*$")
_REFERENCE = re.compile(
    r"(?:上年|去年|上一年度?|同期|基期|上期|由|从|目标值?|计划值?|年度指标值|预期)(?:为|是|的|：|:)?\s*[≥≤>=]?\s*$"
)


def _wrong_direction(text: str, m: NumberMention, before: list, after: list):
    """(direction word, old rate, new rate) when the word before a change in 个百分点 says the opposite of the
    two rates: the old (reference) rate is the one labelled 上年/目标/由… or given in the parenthesis after the
    change; None when the direction agrees or cannot be told."""
    clause = re.split(r"[，,；;。]", text[max(0, m.start - 12) : m.start])[-1]
    up, down = _UP.search(clause), _DOWN.search(clause)
    if not up and not down:
        return None
    rates = before + after
    if after:
        old, new = after[0], before[0]
    else:
        labelled = [x for x in rates if _REFERENCE.search(text[max(0, x.start - 8) : x.start])]
        if len(labelled) != 1:
            return None
        old = labelled[0]
        new = next(x for x in rates if x is not old)
    if new.value == old.value or (up is not None) == (new.value > old.value):
        return None
    return (up or down).group(1), old, new


def _percentage_points(ctx: CheckContext) -> list[Finding]:
    """'由41.6%提高到46.2%，提高了5.6个百分点', '为38.2%，较上年下降4.1个百分点（上年为43.3%）': a change
    in 个百分点 is the difference of the two rates the clause names (before it since the previous change,
    or in a parenthesis right after it). Checked only when exactly two rates are there; a scoring rule
    ('每降低5个百分点扣0.2分') is no change."""
    findings: list[Finding] = []
    for i, seg in enumerate(ctx.doc.segments):
        mentions = ctx.mentions[i]
        if not any(m.unit == "百分点" for m in mentions) or not ctx.is_prose(i):
            continue
        text = normalize(seg.text)
        since = 0
        for k, m in enumerate(mentions):
            if m.unit != "百分点":
                continue
            before = [x for x in mentions[:k] if x.unit == "%" and x.start >= since]
            since = m.end
            if _POINT_RULE.search(text[max(0, m.start - 8) : m.start]):
                continue
            after = []
            if text[m.end : m.end + 1] in "(（":
                close = min((j for j in (text.find(")", m.end), text.find("）", m.end)) if j > 0), default=-1)
                after = [x for x in mentions[k + 1 :] if x.unit == "%" and close > 0 and x.end <= close]
            rates = before + after
            if len(rates) != 2:
                continue
            a, b = rates
            change = abs(a.value - b.value)
            if same_at_precision(m.value, m.decimals, change):
                wrong_way = _wrong_direction(text, m, before, after)
                if wrong_way is None:
                    for x in (a, b, m):
                        ctx.trace(i, x)
                    continue
                word, old, new = wrong_way
                findings.append(
                    ctx.finding_at_segment(
                        i,
                        kind="arithmetic",
                        severity="error",
                        expected=f"{'下降' if new.value < old.value else '提高'}{m.raw}",
                        found=m.raw,
                        message=f"变化方向不符：由 {old.raw} 到 {new.raw} 是"
                        f"{'下降' if new.value < old.value else '上升'}，文中写作“{word}{m.raw}”。",
                    )
                )
                continue
            decimals = max(a.decimals, b.decimals)
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="arithmetic",
                    severity=_severity(m.value, m.decimals, change),
                    expected=f"{fmt(change, decimals)}个百分点",
                    found=m.raw,
                    message=f"{a.raw} 与 {b.raw} 相差 {fmt(change, decimals)} 个百分点，文中写作 {m.raw}。",
                    places=[(i, a.raw), (i, b.raw), (i, m.raw)],
                )
            )
    return findings


_YUAN = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
_RESTATED = re.compile(r"^\s*[（(]\s*(?:约|折合|合|即|计)?\s*$|^\s*[，,]\s*(?:即|折合|合)\s*$")


def _resolution(m: NumberMention) -> Decimal:
    """The smallest step of an amount as written, in 元 (119.38万元 → 100 元)."""
    return _YUAN[m.unit] * Decimal(10) ** -m.decimals


def _restated_amounts(ctx: CheckContext, amounts: set[Decimal]) -> list[Finding]:
    """The same amount written in two units side by side — '119.38万元（1,193,800元）', '3.2亿元，即32,000万元' —
    must agree (at the precision of the coarser). A case's budget figure (``amounts``, in 万元) decides which
    side is wrong; otherwise one finding names both."""
    findings: list[Finding] = []
    for i, seg in enumerate(ctx.doc.segments):
        mentions = [m for m in ctx.mentions[i] if m.unit in _YUAN]
        for a, b in zip(mentions, mentions[1:], strict=False):
            if a.unit == b.unit or not _RESTATED.match(seg.text[a.end : b.start]):
                continue
            yuan_a, yuan_b = a.value * _YUAN[a.unit], b.value * _YUAN[b.unit]
            coarse = max(_resolution(a), _resolution(b))
            if abs(yuan_a - yuan_b) <= coarse / 2:
                ctx.trace(i, a)
                ctx.trace(i, b)
                continue
            known = [m for m in (a, b) if m.value * _YUAN[m.unit] / _YUAN["万元"] in amounts]
            if len(known) == 1:
                right = known[0]
                wrong = b if right is a else a
                findings.append(
                    ctx.finding_at_segment(
                        i,
                        kind="arithmetic",
                        severity="error",
                        expected=f"{fmt(right.value * _YUAN[right.unit] / _YUAN[wrong.unit], wrong.decimals)}"
                        f"{wrong.unit}",
                        found=wrong.raw,
                        message=f"同一金额两种写法不符：{right.raw}（与案例一致）= "
                        f"{fmt(right.value * _YUAN[right.unit] / _YUAN[wrong.unit], max(wrong.decimals, 2))}"
                        f"{wrong.unit}，此处写作 {wrong.raw}。",
                    )
                )
                continue
            findings.append(
                ctx.finding_at_segment(
                    i,
                    kind="arithmetic",
                    severity="error",
                    expected="两种写法一致",
                    found=f"{a.raw}（{b.raw}）",
                    message=f"同一金额两种写法不符：{a.raw} = {fmt(yuan_a, 0)} 元，另写作 {b.raw}，"
                    "无法判断哪一处正确，请核对。",
                )
            )
    return findings


def run(ctx: CheckContext) -> list[Finding]:
    """All arithmetic findings: table rows, prose rates, written-out formulas, changes in 个百分点 (size and
    direction), one amount restated in another unit."""
    findings: list[Finding] = []
    for view in ctx.views:
        findings.extend(_table_rows(ctx, view))
    findings.extend(_prose_rates(ctx))
    findings.extend(_formulas(ctx))
    findings.extend(_rates_with_fraction(ctx))
    findings.extend(_count_rates(ctx))
    findings.extend(_percentage_points(ctx))
    findings.extend(_restated_amounts(ctx, ctx.amounts))
    return findings

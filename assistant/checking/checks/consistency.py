"""Consistency (前后一致): the same quantity (an indicator's 得分, 满分 or 得分率, or the total) stated with
different values in two places of one report — e.g. the summary says 决策 78.57%, the analysis 78.75%."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..context import LEVEL1_NAMES, CheckContext, TableView, cell_number, total_label
from ..models import Finding, Segment
from ..numbers import parse_decimal, same_at_precision
from .weight_lists import weight_lists

_ROLES = ("得分", "满分", "得分率")
_ANAPHORA = re.compile(r"^(该项|该|本项|此项|本)(一级)?指标|^满分|^该部分")
_TOTAL_WORDS = re.compile(r"(项目)?(绩效)?(评价|综合|最终|总)得分|总分")


INDICATOR_CODE = re.compile(r"^\s*[A-Za-z]{1,2}\d{1,4}(?:[.．]\d{1,3})*[.．、]?\s*(?=[\u4e00-\u9fa5“\"])")
"""An indicator code before its name: 'A11 立项依据充分性', 'B212 政府采购…', 'C1.2 …', 'D13“应用场景”…'."""


@lru_cache(maxsize=4096)
def subject_key(name: str) -> str:
    """'项目决策' / '决策指标' / '决策 (14分)' / 'A1 决策' → '决策', so the same indicator matches across tables
    and prose, with or without its code."""
    key = re.sub(r"[（(][^）)]*[)）]|\s", "", INDICATOR_CODE.sub("", name))
    key = re.sub(r"(指标|类指标|方面)$", "", key)
    key = re.sub(r"^项目(?=决策|过程|产出|效益|绩效|管理)", "", key)
    return key


@dataclass
class Fact:
    """One statement: the subject (indicator or '总分'), its role (得分/满分/得分率) and the value as written."""

    subject: str
    role: str
    value: Decimal
    decimals: int
    seg: int
    start: int
    raw: str


def _is_name(label: str, longest: int = 14) -> bool:
    key = subject_key(label)
    return (
        2 <= len(key) <= longest
        and bool(re.search(r"[\u4e00-\u9fa5]", key))
        and not re.search(r"[，。；：,;≥≤=]", key)
    )


def _is_score_table(view: TableView) -> bool:
    """A table of scores (得分 with 满分 or 得分率), or of weights alone (an indicator system's 分值 column)."""
    roles = {view.role(r, c) for r in range(len(view.table.rows)) for c in range(len(view.table.rows[r]))}
    if "得分" in roles:
        return bool(roles & {"满分", "得分率"})
    return "满分" in roles and not roles & {"预算数", "执行数", "执行率", "计数", "占比"}


def _table_facts(ctx: CheckContext, view: TableView) -> list[Fact]:
    """Facts from a score table: (row label, column role) → value; a label used twice in the table is skipped."""
    if not _is_score_table(view):
        return []
    t = view.table
    level1: set[str] = set()
    label_count: Counter[str] = Counter()
    for r, row in enumerate(t.rows):
        if r in view.header_rows or total_label(row) is not None:
            continue
        if row and row[0] and cell_number(row[0]) is None and _is_name(row[0]):
            level1.add(subject_key(row[0]))
        if labels := view.labels(r):
            label_count[subject_key(labels[-1])] += 1
    facts: list[Fact] = []
    for r, row in enumerate(t.rows):
        if r in view.header_rows:
            continue
        label = total_label(row)
        if label in ("合计", "总计", "总分"):
            subject = _total_subject(view, level1)
        elif label is None and (labels := view.labels(r)) and _is_name(labels[-1], _HEAD_NAME_MAX):
            subject = subject_key(labels[-1])
            if label_count[subject] > 1:
                continue
        else:
            continue
        if not subject:
            continue
        cells = [(c, view.role(r, c), cell_number(cell)) for c, cell in enumerate(row)]
        per_role = Counter(role for _, role, num in cells if num and role in _ROLES)
        for c, role, num in cells:
            seg = ctx.cell_index.get((t.index, r, c))
            # a row with two 分值 cells (an indicator system listing 一级, 二级 and 三级 weights side by side)
            # does not say which one is the row's own
            if role in _ROLES and num and seg is not None and per_role[role] == 1:
                facts.append(Fact(subject, role, num[0], num[1], seg, 0, row[c]))
    return facts


_LEVEL1_KEYS = {subject_key(n) for n in LEVEL1_NAMES}
COMMON_INDICATORS = ("预算执行率", "资金到位率", "资金执行率", "预算执行")
"""Indicators nearly every report scores, known by name even when no table or case lists them."""


def _total_subject(view: TableView, level1: set[str]) -> str | None:
    """What a table's 合计 row totals: the whole system, one 一级指标 (named in the table or its heading), or unknown."""
    if len(level1) >= 3 and level1 <= _LEVEL1_KEYS:
        return "总分"
    if len(level1) == 1 and level1 <= _LEVEL1_KEYS:
        return next(iter(level1))
    context = view.table.caption + " ".join(view.table.heading_path[-1:])
    found = [k for k in _LEVEL1_KEYS if k in context and len(k) >= 2]
    return max(found, key=len) if len(found) >= 1 and len(set(found)) == 1 else None


_ROLE_WORD = re.compile(r"(得分率|得分|满分|分值|总分|权重分?|总分值|得)\s*(为|是|达|：|:)?\s*$")
# '立项程序规范性，分值3分，得2.5分': the indicator named at the head of the sentence, before its figures
_HEAD_SUBJECT = re.compile(
    r"^\s*(?:[A-Za-z]{1,2}\d{1,4}(?:[.．]\d{1,3})*[.．、]?\s*)?"
    r"(?:[（(]\d{1,2}[)）]|\d{1,2}[.．、](?!\d))?\s*"
    r"([^，,：:；;。①-⑳()（）]{2,30}?)\s*[，,：:]\s*(?:分值|满分|权重|得分|得\d|总分)"
)
# a name may hold digits ('智管中心7*24小时值班覆盖率', '12345热线接通率', '5G基站覆盖率') but not a figure
# with its unit ('项目得分85分'), and needs two Chinese characters besides ('2023年' is no name)
_FIGURE_IN_NAME = re.compile(r"\d+(?:\.\d+)?\s*(?:分|%|％|万元|元)")
_HEAD_NAME_MAX = 30
"""An indicator named at the head of its analysis line or in a score table's row may be long
('物联感知平台设备数据接入任务完成率', '12345热线教育类诉求办结率')."""
_NOT_A_STATEMENT = re.compile(
    r"以下|以上|不低于|不高于|[0-9]\s*[-—～~至]\s*$|在\s*$|每|扣|上年|去年|上一年|往年"
)
# '本部分…评价得分17.5分': a sentence about one part of the indicator system, never the total
_QUALIFIED_SCORE = re.compile(r"\s*(?:评价|综合|最终|自评|实际)得分\s*(?:为|是|：|:)?\s*")
_PART_SENTENCE = re.compile(r"\s*(?:本|该|此)(?:部分|类|维度|方面)")
_WEIGHT_WORDS = re.compile(r"满分|总分值|设定|确定|设置|一般|权重")


def _clause_subject(before: str, names: list[str]) -> tuple[str | None, str | None]:
    """(subject, role word) when the clause ends with '<name>[指标]<role word>', e.g. '决策得分' or '该项指标满分'."""
    m = _ROLE_WORD.search(before)
    if not m:
        return None, None
    head = re.sub(r"(类指标|指标|部分|方面|的)$", "", before[: m.start()].rstrip().rstrip("（([【 ：:"))
    anaphora = re.search(r"(该项|本项|此项|该|本)$", head)
    for name in names:
        if anaphora and len(name) <= len(anaphora.group(1)):
            break  # '本' closing '成本' is the name; a bare '本'/'该项' is the anaphora below
        if head.endswith(name) or head.endswith(subject_key(name)):
            return subject_key(name), m.group(1)
    if anaphora:
        # '该项指标满分32分' speaks of the indicator its heading names; '综上，此项指标得3分' closes the
        # discussion of a sub-indicator the heading does not name, so a bare '得' does not inherit it
        return ("@heading" if m.group(1) != "得" else None), m.group(1)
    if re.search(r"(项目|绩效|评价|综合|最终|自评|总)$", head) and m.group(1) == "得分":
        return "总分", m.group(1)
    if m.group(1) == "总分" and not head:  # a 总览表 cell: '总分88.8分，等级为“良”'
        return "总分", m.group(1)
    return None, m.group(1)


_RULE_COLUMN = re.compile(
    r"评分标准|评分规则|评分方法|计分方法|评分细则|指标解释|指标说明|评价标准|评价要点|考核标准"
)


def is_rule_cell(seg: Segment) -> bool:
    """A cell under a column that states scoring rules (评分标准, 指标解释…): conditions, not outcomes."""
    return seg.kind == "cell" and bool(seg.header and _RULE_COLUMN.search(seg.header.replace(" ", "")))


def head_subject(text: str) -> str | None:
    """The indicator a sentence opens with, when its figures follow: '立项程序规范性，分值3分，得2.5分'."""
    m = _HEAD_SUBJECT.match(text)
    if (
        not m
        or not _is_name(m.group(1), _HEAD_NAME_MAX)
        or _FIGURE_IN_NAME.search(m.group(1))
        or len(re.findall(r"[\u4e00-\u9fa5]", m.group(1))) < 2
    ):
        return None
    name = re.sub(r"^在(.+)方面$", r"\1", m.group(1).strip())  # '在发挥…作用方面'
    key = subject_key(re.sub(r"^(其中|另外|此外|经评价|综上|综合)", "", name))
    return key if len(key) >= 2 else None


def _prose_facts(ctx: CheckContext, part: int, names: set[str]) -> list[Fact]:
    facts: list[Fact] = []
    ordered = sorted(names, key=len, reverse=True)
    # the opening part of a file holding several reports (a final account) quotes many projects' totals
    skip_totals = part == 0 and len(ctx.doc.parts) > 1
    for i, seg in enumerate(ctx.doc.segments):
        if seg.part != part or not ctx.is_prose(i) or re.match(r"\s*\d{1,2}\s*[.、．]\s*\S", seg.text):
            continue  # numbered lines in summaries list several projects at once
        if is_rule_cell(seg):
            continue  # '①达到评价标准，得3分；②未达到，得0分' states a rule, not a score
        inherited: str | None = None
        opener = head_subject(seg.text)
        listed: set[int] = set()
        for pairs in weight_lists(ctx, i):
            for p in pairs:
                facts.append(
                    Fact(
                        subject_key(p.name),
                        "满分",
                        p.mention.value,
                        p.mention.decimals,
                        i,
                        p.mention.start,
                        p.mention.raw,
                    )
                )
                listed.add(p.mention.start)
        for m in ctx.mentions[i]:
            if m.start in listed:
                continue
            if m.role not in _ROLES or (m.role == "得分率") != (m.unit == "%"):
                continue
            clause = re.split(r"[，,；;。]", seg.text[: m.start])[-1]
            if _NOT_A_STATEMENT.search(clause):
                continue
            subject, word = _clause_subject(clause, ordered)
            if (
                subject is None
                and word
                and inherited
                and not re.search(r"[\u4e00-\u9fa5]{2,}" + word, clause)
            ):
                subject = inherited
            own = re.split(r"[：:]", clause)[-1].strip()  # '（2）X：满分4分' — the words after the name
            if subject is None and word and opener and own in (word, word + "为", word + "：", ""):
                subject = opener
            if subject == "总分" and opener and _QUALIFIED_SCORE.fullmatch(clause):
                subject = opener  # '12345热线接通率，权重分4分，评价得分3.5分': the indicator's own score
            if subject == "总分" and _PART_SENTENCE.match(seg.text):
                subject = "@heading"
            if subject == "@heading":
                heading = seg.heading_path[-1] if seg.heading_path else ""
                subject = next((subject_key(n) for n in ordered if n in heading), None)
            if not subject or (subject == "总分" and skip_totals):
                continue
            role = m.role
            if word in ("总分", "总分值") and (
                subject != "总分" or _WEIGHT_WORDS.search(clause) or m.value == 100
            ):
                role = "满分"  # '总分为100分' states the scale
            inherited = subject
            facts.append(Fact(subject, role, m.value, m.decimals, i, m.start, m.raw))
    return facts


def _same(a: Fact, b: Fact) -> bool:
    """The same figure at the precision of the less precise statement (78.6 = 78.57; 12 ≠ 12.5)."""
    if a.decimals <= b.decimals:
        return same_value(a.role, a.value, a.decimals, b.value)
    return same_value(a.role, b.value, b.decimals, a.value)


def same_value(role: str, written: Decimal, decimals: int, exact: Decimal) -> bool:
    """``written`` states ``exact`` at its precision — but a whole number of points never stands for a
    fractional score or weight ('得3分' is not 2.5 rounded: points are written as they are given; rates
    are rounded)."""
    if role in ("得分", "满分") and decimals == 0 and exact != exact.to_integral_value():
        return False
    return same_at_precision(written, decimals, exact)


def statements_of(ctx: CheckContext, part: int, subject: str, role: str) -> list[Fact]:
    """Every statement of one indicator's 得分/满分/得分率 in one report."""
    index = ctx.cache.get("facts_by_subject")
    if index is None:
        index = {}
        for p, facts in collect_facts(ctx).items():
            for f in facts:
                index.setdefault((p, f.subject, f.role), []).append(f)
        ctx.cache["facts_by_subject"] = index
    return index.get((part, subject, role), [])


def collect_facts(ctx: CheckContext) -> dict[int, list[Fact]]:
    """Every (subject, role, value) statement of the document, by part: score-table cells and prose
    (computed once per check and shared)."""
    if "facts" not in ctx.cache:
        ctx.cache["facts"] = _collect_facts(ctx)
    return ctx.cache["facts"]


def _collect_facts(ctx: CheckContext) -> dict[int, list[Fact]]:
    by_part: dict[int, list[Fact]] = {}
    names_by_part: dict[int, set[str]] = {}
    for view in ctx.views:
        facts = _table_facts(ctx, view)
        by_part.setdefault(view.table.part, []).extend(facts)
        names_by_part.setdefault(view.table.part, set()).update(
            f.subject for f in facts if f.subject != "总分"
        )
    for part in {s.part for s in ctx.doc.segments}:
        names = names_by_part.get(part, set()) | set(LEVEL1_NAMES) | set(COMMON_INDICATORS) | ctx.extra_names
        by_part.setdefault(part, []).extend(_prose_facts(ctx, part, names))
    return by_part


_RELATION_KINDS = {"arithmetic", "total", "deduction", "percentage", "likert", "case_value", "indicator_fact"}


def _flagged(prior: list[Finding]) -> set[tuple[int, object]]:
    """(segment, figure) of every figure another check already showed to be wrong."""
    out: set[tuple[int, object]] = set()
    for f in prior:
        if f.segment is not None and f.kind in _RELATION_KINDS:
            out.add((f.segment, _figure(f.found)))
    return out


def _figure(raw: str) -> object:
    value = parse_decimal(raw) if raw else None
    return value.normalize() if value is not None else raw


def _truth(ctx: CheckContext, group: list[Fact], flagged: set[tuple[int, object]]) -> tuple[Fact, str] | None:
    """The statement taken as right and why: the case's value, the one value other checks confirmed (and
    none refuted), or the value a strict majority of the statements give. None when nothing decides."""
    subject, role = group[0].subject, group[0].role
    want = ctx.expected.get((subject, role))
    if want is not None:
        right = [f for f in group if same_value(role, f.value, f.decimals, want)]
        if right:
            return right[0], "与评分结果一致"
    refuted = {id(f) for f in group if (f.seg, _figure(f.raw)) in flagged}
    confirmed = [f for f in group if id(f) not in refuted and (f.seg, f.start) in ctx.traced]
    if confirmed and all(_same(f, confirmed[0]) for f in confirmed):
        if any(not _same(f, confirmed[0]) for f in group):
            return confirmed[0], "经算术核对无误"
    candidates = [f for f in group if id(f) not in refuted] or group
    votes = Counter()
    for f in candidates:
        votes[f.value.normalize()] += sum(1 for g in candidates if _same(f, g))
    best = max(candidates, key=lambda f: (votes[f.value.normalize()], -group.index(f)))
    agreeing = [f for f in group if _same(f, best)]
    if len(agreeing) * 2 > len(group) or (
        refuted and len(candidates) < len(group) and all(_same(f, best) for f in candidates)
    ):
        return best, f"{len(agreeing)} 处写作 {best.raw}"
    return None


def run(ctx: CheckContext, prior: list[Finding] | None = None) -> list[Finding]:
    """Statements of the same quantity that disagree. Only the wrong side is reported, decided by the case,
    by what other checks confirmed or refuted, or by a strict majority; when nothing decides, one finding
    says so once, listing every place."""
    findings: list[Finding] = []
    flagged = _flagged(prior or [])
    for facts in collect_facts(ctx).values():
        groups: dict[tuple[str, str], list[Fact]] = {}
        for f in facts:
            groups.setdefault((f.subject, f.role), []).append(f)
        for (subject, role), group in groups.items():
            ctx.tick()
            if len(group) < 2:
                continue
            if all(_same(f, group[0]) for f in group):
                for f in group:
                    _trace(ctx, f)
                continue
            decided = _truth(ctx, group, flagged)
            if decided is None:
                findings.append(_undecided(ctx, subject, role, group))
                continue
            right, why = decided
            where = ctx.doc.segments[right.seg].location
            for f in group:
                if _same(f, right):
                    _trace(ctx, f)
                    continue
                findings.append(
                    ctx.finding_at_segment(
                        f.seg,
                        kind="consistency",
                        severity="error",
                        expected=right.raw,
                        found=f.raw,
                        message=f"“{subject}”的{role}前后不一致：此处为 {f.raw}，{where} 为 {right.raw}（{why}）。",
                    )
                )
    return findings


def _undecided(ctx: CheckContext, subject: str, role: str, group: list[Fact]) -> Finding:
    """One finding for a disagreement nothing decides, at its first statement, naming every place."""
    places = "；".join(f"{ctx.doc.segments[f.seg].location} 为 {f.raw}" for f in group[:6])
    first = group[0]
    return ctx.finding_at_segment(
        first.seg,
        kind="consistency",
        severity="error",
        expected="各处一致",
        found=first.raw,
        message=f"“{subject}”的{role}各处说法不一：{places}。无法判断哪一处正确，请核对。",
    )


def _trace(ctx: CheckContext, f: Fact) -> None:
    for m in ctx.mentions[f.seg]:
        if m.start == f.start or ctx.doc.segments[f.seg].kind == "cell":
            ctx.trace(f.seg, m)

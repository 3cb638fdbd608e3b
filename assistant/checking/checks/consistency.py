"""Consistency (前后一致): the same quantity (an indicator's 得分, 满分 or 得分率, or the total) stated with
different values in two places of one report — e.g. the summary says 决策 78.57%, the analysis 78.75%."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from ..context import LEVEL1_NAMES, CheckContext, TableView, cell_number, total_label
from ..models import Finding
from ..numbers import half_unit

_ROLES = ("得分", "满分", "得分率")
_ANAPHORA = re.compile(r"^(该项|该|本项|此项|本)(一级)?指标|^满分|^该部分")
_TOTAL_WORDS = re.compile(r"(项目)?(绩效)?(评价|综合|最终|总)得分|总分")


def subject_key(name: str) -> str:
    """'项目决策' / '决策指标' / '决策 (14分)' → '决策', so the same indicator matches across tables and prose."""
    key = re.sub(r"[（(][^）)]*[)）]|\s", "", name)
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


def _is_name(label: str) -> bool:
    key = subject_key(label)
    return (
        2 <= len(key) <= 14
        and bool(re.search(r"[\u4e00-\u9fa5]", key))
        and not re.search(r"[，。；：,;≥≤=]", key)
    )


def _is_score_table(view: TableView) -> bool:
    roles = {view.role(r, c) for r in range(len(view.table.rows)) for c in range(len(view.table.rows[r]))}
    return "得分" in roles and bool(roles & {"满分", "得分率"})


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
        elif label is None and (labels := view.labels(r)) and _is_name(labels[-1]):
            subject = subject_key(labels[-1])
            if label_count[subject] > 1:
                continue
        else:
            continue
        if not subject:
            continue
        for c, cell in enumerate(row):
            role = view.role(r, c)
            num = cell_number(cell)
            seg = ctx.cell_index.get((t.index, r, c))
            if role in _ROLES and num and seg is not None:
                facts.append(Fact(subject, role, num[0], num[1], seg, 0, cell))
    return facts


_LEVEL1_KEYS = {subject_key(n) for n in LEVEL1_NAMES}


def _total_subject(view: TableView, level1: set[str]) -> str | None:
    """What a table's 合计 row totals: the whole system, one 一级指标 (named in the table or its heading), or unknown."""
    if len(level1) >= 3 and level1 <= _LEVEL1_KEYS:
        return "总分"
    if len(level1) == 1 and level1 <= _LEVEL1_KEYS:
        return next(iter(level1))
    context = view.table.caption + " ".join(view.table.heading_path[-1:])
    found = [k for k in _LEVEL1_KEYS if k in context and len(k) >= 2]
    return max(found, key=len) if len(found) >= 1 and len(set(found)) == 1 else None


_ROLE_WORD = re.compile(r"(得分率|得分|满分|分值|总分|权重分?|总分值)\s*(为|是|达|：|:)?\s*$")
_NOT_A_STATEMENT = re.compile(r"以下|以上|不低于|不高于|[0-9]\s*[-—～~至]\s*$|在\s*$|每|扣")
_WEIGHT_WORDS = re.compile(r"满分|总分值|设定|确定|设置|一般|权重")


def _clause_subject(before: str, names: list[str]) -> tuple[str | None, str | None]:
    """(subject, role word) when the clause ends with '<name>[指标]<role word>', e.g. '决策得分' or '该项指标满分'."""
    m = _ROLE_WORD.search(before)
    if not m:
        return None, None
    head = re.sub(r"(类指标|指标|部分|方面|的)$", "", before[: m.start()].rstrip())
    if re.search(r"(该项|本项|此项|该|本)$", head):
        return "@heading", m.group(1)
    for name in names:
        if head.endswith(name) or head.endswith(subject_key(name)):
            return subject_key(name), m.group(1)
    if re.search(r"(项目|绩效|评价|综合|最终|自评|总)$", head) and m.group(1) == "得分":
        return "总分", m.group(1)
    return None, m.group(1)


def _prose_facts(ctx: CheckContext, part: int, names: set[str]) -> list[Fact]:
    facts: list[Fact] = []
    ordered = sorted(names, key=len, reverse=True)
    # the opening part of a file holding several reports (a final account) quotes many projects' totals
    skip_totals = part == 0 and len(ctx.doc.parts) > 1
    for i, seg in enumerate(ctx.doc.segments):
        if seg.kind != "sentence" or seg.part != part or re.match(r"\s*\d{1,2}\s*[.、．]\s*\S", seg.text):
            continue  # numbered lines in summaries list several projects at once
        inherited: str | None = None
        for m in ctx.mentions[i]:
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
            if subject == "@heading":
                heading = seg.heading_path[-1] if seg.heading_path else ""
                subject = next((subject_key(n) for n in ordered if n in heading), None)
            if not subject or (subject == "总分" and skip_totals):
                continue
            role = m.role
            if word in ("总分", "总分值") and (subject != "总分" or _WEIGHT_WORDS.search(clause)):
                role = "满分"
            inherited = subject
            facts.append(Fact(subject, role, m.value, m.decimals, i, m.start, m.raw))
    return facts


def _same(a: Fact, b: Fact) -> bool:
    return abs(a.value - b.value) <= half_unit(min(a.decimals, b.decimals)) + Decimal("1e-9")


def collect_facts(ctx: CheckContext) -> dict[int, list[Fact]]:
    """Every (subject, role, value) statement of the document, by part: score-table cells and prose."""
    by_part: dict[int, list[Fact]] = {}
    names_by_part: dict[int, set[str]] = {}
    for view in ctx.views:
        facts = _table_facts(ctx, view)
        by_part.setdefault(view.table.part, []).extend(facts)
        names_by_part.setdefault(view.table.part, set()).update(
            f.subject for f in facts if f.subject != "总分"
        )
    for part in {s.part for s in ctx.doc.segments}:
        names = names_by_part.get(part, set()) | set(LEVEL1_NAMES) | ctx.extra_names
        by_part.setdefault(part, []).extend(_prose_facts(ctx, part, names))
    return by_part


def run(ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    by_part = collect_facts(ctx)
    for facts in by_part.values():
        groups: dict[tuple[str, str], list[Fact]] = {}
        for f in facts:
            groups.setdefault((f.subject, f.role), []).append(f)
        for (subject, role), group in groups.items():
            if len(group) < 2:
                continue
            # the value most places agree on is taken as intended; the others are the slips
            votes = Counter()
            for f in group:
                votes[f.value.normalize()] += sum(1 for g in group if _same(f, g))
            majority = max(group, key=lambda f: (votes[f.value.normalize()], -group.index(f)))
            if all(_same(f, majority) for f in group):
                for f in group:
                    _trace(ctx, f)
                continue
            agreeing = [f for f in group if _same(f, majority)]
            tie = len(agreeing) * 2 <= len(group)
            majority_note = (
                "（各处说法票数相同，无法判断哪一处正确）"
                if tie
                else f"（{len(agreeing)} 处写作 {majority.raw}）"
            )
            for f in group:
                if _same(f, majority) and not tie:
                    _trace(ctx, f)
                    continue
                other = majority if not _same(f, majority) else next(g for g in group if not _same(g, f))
                seg = ctx.doc.segments[other.seg]
                findings.append(
                    ctx.finding_at_segment(
                        f.seg,
                        kind="consistency",
                        severity="error",
                        expected=other.raw,
                        found=f.raw,
                        message=(
                            f"“{subject}”的{role}前后不一致：此处为 {f.raw}，{seg.location} 为 {other.raw}"
                            f"{majority_note}。"
                        ),
                    )
                )
    return findings


def _trace(ctx: CheckContext, f: Fact) -> None:
    for m in ctx.mentions[f.seg]:
        if m.start == f.start or ctx.doc.segments[f.seg].kind == "cell":
            ctx.trace(f.seg, m)

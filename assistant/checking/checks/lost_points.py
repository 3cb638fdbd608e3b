"""Lost points of a named indicator (失分归属): where a report attributes a deduction to an indicator — in its
problems ('该问题涉及立项程序规范性指标，扣0.5分', '绩效指标明确性扣1.5分、绩效目标合理性扣1分', '预算执行率（扣0.14分）')
or in a problem list's row ('扣0.2分，失分较少，不单列 | 公共数据服务及时性') — the deduction must be the points
that indicator lost: 分值 − 得分 by the scorer when a case is given, else by the report's own statements of
the indicator's 分值 and 得分 (when they agree among themselves).

One indicator may be attributed in several places. They are all right when each states its whole loss or
when they add up to it; otherwise only a deduction larger than the whole loss is certainly wrong (a smaller
one may be the share of one problem)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..context import CheckContext
from ..models import Finding, NumberMention
from .consistency import collect_facts, subject_key
from .deductions import deductions_made

_SEPARATORS = "，,；;。、：:"
# '该问题涉及A31 预算编制科学性指标，扣3分': the problem names the indicator it cost points
_NAMES_INDICATOR = re.compile(r"(?:涉及|对应|关联|影响)(.+?)(?:等)?(?:指标)?(?:得分)?[，,]$")
_BEFORE_DEDUCTION = re.compile(r"(?:指标)?(?:共|被|合计|累计)?扣$")


@dataclass
class _Attribution:
    seg: int
    mention: NumberMention
    subject: str


def _losses(ctx: CheckContext) -> dict[tuple[int, str], tuple[Decimal, str]]:
    """(part, subject) → (points lost, where the figure comes from): the scorer's 满分 − 得分 of each
    indicator with a case, else the report's own 分值 and 得分 of it when each is stated one way only."""
    out: dict[tuple[int, str], tuple[Decimal, str]] = {}
    parts = {s.part for s in ctx.doc.segments}
    for (subject, role), weight in ctx.expected.items():
        score = ctx.expected.get((subject, "得分"))
        if role != "满分" or score is None or subject == "总分":
            continue
        for p in parts:
            out[(p, subject)] = (weight - score, "评分结果")
    for part, facts in collect_facts(ctx).items():
        values: dict[tuple[str, str], set[Decimal]] = {}
        for f in facts:
            values.setdefault((f.subject, f.role), set()).add(f.value.normalize())
        for (subject, role), weights in values.items():
            scores = values.get((subject, "得分"))
            if role != "满分" or (part, subject) in out or subject == "总分" or not scores:
                continue
            if len(weights) == 1 and len(scores) == 1:
                out[(part, subject)] = (next(iter(weights)) - next(iter(scores)), "文中分值与得分")
    return out


def _name_at_end(text: str, names: list[str]) -> str | None:
    """The indicator a clause ends with ('…、A22 绩效指标明确性'), longest name first."""
    key = subject_key(re.sub(r"指标$", "", text.strip()))
    return next((n for n in names if key.endswith(n)), None)


def _named_in(text: str, names: list[str]) -> list[str]:
    """The indicators a text names (a name inside a longer named one is not counted)."""
    flat = re.sub(r"\s", "", text)
    found = [n for n in names if n in flat]
    return [n for n in found if not any(n != o and n in o for o in found)]


def _sentence_attributions(ctx: CheckContext, i: int, names: list[str]) -> list[_Attribution]:
    text = ctx.doc.segments[i].text
    if any(m.role in ("满分", "得分") and m.unit == "分" for m in ctx.mentions[i]):
        return []  # '分值4分，得1分，扣3分' is the deduction check's
    out = []
    for m in deductions_made(ctx, i):
        before = text[: m.start]
        word = _BEFORE_DEDUCTION.search(before)
        if word is None:
            continue
        head = before[: word.start()]
        if head.endswith(("（", "(")):  # '预算执行率（扣0.14分）'
            head = head[:-1]
        cut = max(head.rfind(c) for c in _SEPARATORS)
        clause = head[cut + 1 :]
        name = _name_at_end(clause, names) if clause.strip() else None
        if name is None and not clause.strip():
            # '该问题涉及立项程序规范性指标，扣0.5分': the one indicator the sentence's earlier clause names
            earlier = head[: cut + 1]
            previous = earlier[max(earlier[:-1].rfind(c) for c in _SEPARATORS) + 1 :]
            which = _NAMES_INDICATOR.search(previous)
            named = _named_in(which.group(1), names) if which else []
            if len(named) == 1:
                name = named[0]
        if name is not None:
            out.append(_Attribution(i, m, name))
    return out


def _row_attributions(ctx: CheckContext, names: list[str]) -> list[_Attribution]:
    """A problem list's row naming one indicator in a cell of its own and stating one deduction."""
    out = []
    for view in ctx.views:
        t = view.table
        for r, row in enumerate(t.rows):
            if r in view.header_rows or any(view.role(r, c) in ("满分", "得分") for c in range(len(row))):
                continue
            named = {subject_key(cell) for cell in row if cell and subject_key(cell) in names}
            if len(named) != 1:
                continue
            made = [
                (i, m)
                for c in range(len(row))
                if (i := ctx.cell_index.get((t.index, r, c))) is not None
                for m in deductions_made(ctx, i)
            ]
            if len(made) == 1:
                out.append(_Attribution(made[0][0], made[0][1], next(iter(named))))
    return out


def run(ctx: CheckContext) -> list[Finding]:
    losses = _losses(ctx)
    if not losses:
        return []
    findings: list[Finding] = []
    by_part: dict[int, list[_Attribution]] = {}
    names_by_part: dict[int, list[str]] = {}
    for part, subject in losses:
        names_by_part.setdefault(part, []).append(subject)
    for names in names_by_part.values():
        names.sort(key=len, reverse=True)
    for i, seg in enumerate(ctx.doc.segments):
        names = names_by_part.get(seg.part)
        if names and ctx.is_prose(i):
            by_part.setdefault(seg.part, []).extend(_sentence_attributions(ctx, i, names))
    for a in _row_attributions(ctx, [n for names in names_by_part.values() for n in names]):
        if (ctx.doc.segments[a.seg].part, a.subject) in losses:
            by_part.setdefault(ctx.doc.segments[a.seg].part, []).append(a)
    for part, attributions in by_part.items():
        by_subject: dict[str, list[_Attribution]] = {}
        for a in attributions:
            by_subject.setdefault(a.subject, []).append(a)
        for subject, group in by_subject.items():
            ctx.tick()
            lost, source = losses[(part, subject)]
            stated = [a.mention.value for a in group]
            if all(v == lost for v in stated) or sum(stated) == lost:
                for a in group:
                    ctx.trace(a.seg, a.mention)
                continue
            wrong = group if len(group) == 1 else [a for a in group if a.mention.value > lost]
            for a in wrong:
                findings.append(
                    ctx.finding_at_segment(
                        a.seg,
                        kind="deduction",
                        severity="error",
                        expected=f"{format(lost.normalize(), 'f')}分",
                        found=a.mention.raw,
                        message=f"“{subject}”共失分 {format(lost.normalize(), 'f')} 分（{source}），"
                        f"此处写作扣 {a.mention.raw}。",
                    )
                )
    return findings

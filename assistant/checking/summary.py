"""One line per report or form of a checked file (汇总): unit, project, reported and recomputed total,
errors, warnings and the first finding — the row a reviewer's summary workbook shows."""

from __future__ import annotations

import re
from decimal import Decimal

from .checks.consistency import collect_facts
from .context import CheckContext, cell_number, total_label
from .models import Finding, PartSummary

_TITLE_TAIL = re.compile(
    r"(项目)?(支出)?(绩效评价报告|绩效评估报告|绩效自评表|自评报告|自评表)\s*(\([^)]*\)|（[^）]*）)?\s*$"
)
_PROJECT_LABEL = re.compile(r"^项目名称[:：]?$")
_UNIT_LABEL = re.compile(r"^(主管部门|预算单位|单位名称|实施单位|填报单位|部门名称)[:：]?$")
_LABEL_LIKE = re.compile(r"^(项目名称|主管部门|预算单位|单位名称|实施单位|填报单位|部门名称|项目单位)[:：]?$")
_PROJECT_LINE = re.compile(r"项目名称[:：]\s*(\S.{1,60})")
_UNIT_LINE = re.compile(r"(?:主管部门|预算单位|单位名称|填报单位)[:：]\s*(\S.{1,40})")


def _labelled(ctx: CheckContext, part: int, label: re.Pattern[str], line: re.Pattern[str]) -> str:
    """The cell right of a label cell ('项目名称 | X'), or the text after 'label：' in a sentence."""
    for t in ctx.doc.tables:
        if t.part != part:
            continue
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row):
                if not label.match(cell.replace(" ", "")):
                    continue
                right = next((x for x in row[c + 1 :] if x), "")
                if right and not _LABEL_LIKE.search(right):
                    return right[:60]
                below = t.rows[r + 1][c] if r + 1 < len(t.rows) and c < len(t.rows[r + 1]) else ""
                if below and not _LABEL_LIKE.search(below):
                    return below[:60]  # a header row of labels, the values under them
    for seg in ctx.doc.segments:
        if seg.part == part and seg.kind != "cell" and (m := line.search(seg.text)):
            return re.split(r"[，。；\s]", m.group(1))[0][:60]
    return ""


def _reported_total(ctx: CheckContext, part: int) -> tuple[str, bool]:
    """The total score the report or form states (a form's 总分 row first) and whether a check confirmed it."""
    facts = [f for f in collect_facts(ctx).get(part, []) if f.subject == "总分" and f.role == "得分"]
    cells = [f for f in facts if ctx.doc.segments[f.seg].kind == "cell"]
    chosen = (cells or facts)[:1]
    if chosen:
        f = chosen[0]
        return f.raw, (f.seg, f.start) in ctx.traced
    for t in ctx.doc.tables:  # a form's '总分 | … | 99.42' row even where no score column is named
        if t.part != part:
            continue
        for r, row in enumerate(t.rows):
            if total_label(row) in ("总分", "总得分"):
                cols = [c for c, x in enumerate(row) if cell_number(x)]
                if cols:
                    seg = ctx.cell_index.get((t.index, r, cols[-1]))
                    return row[cols[-1]], seg is not None and any(i == seg for i, _ in ctx.traced)
    return "", False


def summarize(
    ctx: CheckContext, findings: list[Finding], case_total: Decimal | None = None
) -> list[PartSummary]:
    """The summary line of every part of the file that holds figures or findings."""
    out: list[PartSummary] = []
    for part in ctx.doc.parts:
        own = [f for f in findings if f.part == part.index]
        has_content = any(s.part == part.index for s in ctx.doc.segments)
        if not has_content:
            continue
        reported_raw, confirmed = _reported_total(ctx, part.index)
        recomputed = ""
        if case_total is not None and len(ctx.doc.parts) <= 2:
            recomputed = str(case_total)
        elif reported_raw:
            total_findings = [
                f
                for f in own
                if f.found == reported_raw and set(f.kinds or [f.kind]) & {"total", "case_value"}
            ]
            recomputed = total_findings[0].expected if total_findings else (reported_raw if confirmed else "")
        title_project = _TITLE_TAIL.sub("", part.title).strip()
        labelled = _labelled(ctx, part.index, _PROJECT_LABEL, _PROJECT_LINE)
        project = title_project if "报告" in part.title and title_project else (labelled or title_project)
        errors = [f for f in own if f.severity == "error"]
        first = (errors or own)[:1]
        out.append(
            PartSummary(
                index=part.index,
                title=part.title or "（文首）",
                unit=_labelled(ctx, part.index, _UNIT_LABEL, _UNIT_LINE),
                project=project.strip(),
                reported_total=reported_raw,
                recomputed_total=recomputed,
                errors=len(errors),
                warnings=len(own) - len(errors),
                first_finding=f"{first[0].location}：{first[0].message}" if first else "",
            )
        )
    return out

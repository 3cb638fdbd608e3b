"""Front matter and annexes of a report, as the corpus reports carry them: a cover page, a 目录, the one
checklist of facts the draft still needs, the 落款 (评价机构 and date), and the 附件 — 指标体系及评分标准,
得分表, 问题清单 and, when the case holds the survey's answer counts, 满意度调查统计.

Every figure is a reference (scorer, case or computed here from case counts)."""

from __future__ import annotations

from decimal import Decimal

from assistant.case import path_key
from assistant.report import Section, Table, chinese_number

from .context import DraftContext
from .outline import Outline
from .problems import _party, theme_lead, themes
from .prose import CASE_EDITOR, ask, section

LIKERT_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def draft_cover(ctx: DraftContext, title: str) -> Section:
    r = ctx.ref
    lines = [title]
    if ctx.has("project.client"):
        lines.append(f"委托单位：{r('project.client')}")
    lines.append(
        f"评价机构：{r('project.evaluator')}"
        if ctx.has("project.evaluator")
        else f"评价机构：{ask(ctx, '评价机构', f'{CASE_EDITOR} → 项目信息 → 评价机构', 'project.evaluator')}"
    )
    lines.append(f"报告日期：{_date(ctx)}")
    return section("cover", "封面", 1, lines, numbered=False)


BLANK_DATE = "      年    月    日"
"""The date line of a report whose date the case does not give: left blank for the signature, as a
document awaiting signing carries it (the checklist asks for it)."""


def _date(ctx: DraftContext) -> str:
    if ctx.has("project.report_date"):
        return ctx.ref("project.report_date")
    ctx.enrich.setdefault(
        "报告日期（封面和落款处留空）", (f"{CASE_EDITOR} → 项目信息 → 报告日期", "project.report_date")
    )
    return BLANK_DATE


def draft_toc(ctx: DraftContext, sections: list[Section]) -> Section:
    """The 目录: every level-1 heading in order (page numbers are Word's, after the 目录 field updates). The
    headings are structure (一、 附件二), registered as computed text."""
    lines = [s.heading for s in sections if s.level == 1 and s.id not in ("cover", "toc", "checklist")]
    refs = [ctx.put(f"toc[{n}]", line, "computed") for n, line in enumerate(lines)]
    return section("toc", "目录", 1, refs, numbered=False)


def draft_checklist(ctx: DraftContext) -> Section | None:
    """All missing facts in one table at the top: what, where in the workbench, the case-file key; then the
    fields the draft wrote from other case facts, which the user may fill in to replace that wording."""
    if not ctx.todo and not ctx.enrich:
        return None
    rows = [[ctx.ref(f"todo[{n}]"), where, key] for n, (where, key) in enumerate(ctx.todo.values())]
    for n, (what, (where, key)) in enumerate(ctx.enrich.items()):
        rows.append([ctx.put(f"enrich[{n}]", f"可补充：{what}", "computed"), where, key])
    table = Table.from_templates("", ["需补充的事项", "工作台填写位置", "案例文件字段"], rows)
    notes = []
    if ctx.todo:
        notes.append("以下事项案例资料未提供，正文相应位置已标注“（待补充：…）”。")
    if ctx.enrich:
        notes.append(
            "标为“可补充”的事项，正文已根据案例中的指标、问题、预算和单位信息写出，填写后将以所填内容为准。"
        )
    notes.append("请在工作台填写后重新起草；定稿前删除本清单。")
    return section("checklist", "起草说明：需补充的事项", 1, ["".join(notes)], [table], numbered=False)


def draft_signature(ctx: DraftContext) -> Section:
    r = ctx.ref
    who = (
        r("project.evaluator")
        if ctx.has("project.evaluator")
        else (r("project.department") if ctx.has("project.department") else "评价机构")
    )
    return section("signature", "落款", 1, [who, _date(ctx)], numbered=False)


# ---------------------------------------------------------------- 附件


def _names(ctx: DraftContext, ind, depth: int) -> list[str]:
    names = [ctx.ref(f"name[{path_key(ind.path[: d + 1])}]") for d in range(len(ind.path))]
    return names + [""] * (depth - len(names))


def _levels(depth: int) -> list[str]:
    return ["一级指标", "二级指标", "三级指标", "四级指标"][:depth]


def _standard(ctx: DraftContext, ind) -> str:
    k = f"indicator[{ind.key}]"
    if ctx.has(f"{k}.standard"):
        return ctx.ref(f"{k}.standard")
    texts = [
        ctx.ref(f"{k}.criterion[{j}].text")
        for j, _ in enumerate(ind.criteria or [])
        if ctx.has(f"{k}.criterion[{j}].text")
    ]
    if texts:
        return "；".join(texts)
    if ctx.has(f"{k}.target"):
        if _figure(ind.target):
            return f"年度指标值{ctx.ref(f'{k}.target')}；达到指标值的得满分，未达到的按完成程度计分"
        # A worded target (充分, 规范, 合理) is met or not: there is no degree of completion to score by.
        return f"年度指标值“{ctx.ref(f'{k}.target')}”；达到的得满分，未达到的酌情扣分"
    return "达到评价标准得满分，未达到的酌情扣分"


def _figure(value: str | None) -> bool:
    return bool(value) and any(ch.isdigit() for ch in value)


def appendix_criteria(ctx: DraftContext) -> Table:
    depth = max(len(i.path) for i in ctx.case.indicators)
    rows = []
    for ind in ctx.case.indicators:
        k = f"indicator[{ind.key}]"
        explanation = ctx.ref(f"{k}.explanation") if ctx.has(f"{k}.explanation") else "——"
        rows.append(_names(ctx, ind, depth) + [ctx.ref(f"{k}.weight"), explanation, _standard(ctx, ind)])
    if ctx.budget_scored:
        # The form's budget execution line: the indicators alone weigh 90 of its 100 points.
        rows.insert(
            0,
            ["预算执行率"]
            + [""] * (depth - 1)
            + [
                ctx.ref("budget.weight"),
                "全年执行数与全年预算数之比",
                "按预算执行率计分，预算全部执行的得满分",
            ],
        )
    return Table.from_templates("", _levels(depth) + ["分值", "指标解释", "评分标准"], rows)


def appendix_scores(ctx: DraftContext) -> Table:
    depth = max(len(i.path) for i in ctx.case.indicators)
    rows = []
    for ind in ctx.case.indicators:
        k = f"indicator[{ind.key}]"
        basis = []
        if ctx.has(f"{k}.actual"):
            said = "实际完成" if _figure(ind.actual) else "核查结果："
            basis.append(f"{said}{ctx.ref(f'{k}.actual')}")
        basis += [ctx.ref(f"{k}.deduction[{j}].finding") for j, _ in enumerate(ind.deductions or [])]
        basis += [
            f"未达到“{ctx.ref(f'{k}.criterion[{j}].text')}”"
            for j, c in enumerate(ind.criteria or [])
            if not c.met and ctx.has(f"{k}.criterion[{j}].text")
        ]
        for f in ("finding", "reason"):
            if ctx.has(f"{k}.{f}") and not ind.deductions:
                basis.append(ctx.ref(f"{k}.{f}"))
        if not basis:
            # Nothing says why: a row that lost points must not read as if it met the standard.
            basis.append(f"扣{ctx.ref(f'{k}.lost')}分" if ctx.lost(ind) > 0 else "达到评价标准")
        source = ctx.ref(f"{k}.evidence") if ctx.has(f"{k}.evidence") else "——"
        rows.append(
            _names(ctx, ind, depth)
            + [ctx.ref(f"{k}.weight"), ctx.ref(f"{k}.score"), "；".join(basis), source]
        )
    if ctx.budget_scored:
        rows.insert(
            0,
            ["预算执行率"]
            + [""] * (depth - 1)
            + [
                ctx.ref("budget.weight"),
                ctx.ref("budget.score"),
                f"预算执行率{ctx.ref('budget.rate')}",
                "——",
            ],
        )
    rows.append(["合计"] + [""] * (depth - 1) + [ctx.ref("max_total"), ctx.ref("total"), "", ""])
    return Table.from_templates("", _levels(depth) + ["分值", "得分", "评分依据", "依据来源"], rows)


def appendix_problems(ctx: DraftContext) -> Table:
    """The 问题清单: each problem theme with who must act on it, then the minor losses left out of the themes."""
    found, minor = themes(ctx)

    def names(rows) -> str:
        return "、".join(ctx.ref(f"name[{i.key}]") for i in rows) or "——"

    rows = [
        [f"{t.category}类", _party(ctx, t, listed=True), theme_lead(ctx, t), names(t.indicators)]
        for t in found
    ]
    for p in minor:
        for ind in p.indicators:
            rows.append(
                [
                    f"{p.category}类",
                    "——",
                    f"扣{ctx.ref(f'indicator[{ind.key}].lost')}分，失分较少，不单列",
                    names([ind]),
                ]
            )
    if not rows:
        rows.append(["——", "——", "经评价未发现需要整改的问题", "——"])
    return Table.from_templates("", ["问题分类", "责任单位", "问题描述", "涉及指标"], rows)


def appendix_survey(ctx: DraftContext) -> list[Table]:
    """One table per surveyed indicator: answers by level, their counts and shares (case counts)."""
    out = []
    for ind in ctx.case.indicators:
        if not ind.responses:
            continue
        k = f"indicator[{ind.key}]"
        total = sum(ind.responses.values())
        ctx.put(f"{k}.survey.n", total, "computed")
        rows = []
        for level in sorted(ind.responses, reverse=True):
            count = ind.responses[level]
            ctx.put(f"{k}.survey[{level}].level", level, "case")
            ctx.put(f"{k}.survey[{level}].count", count, "case")
            share = (Decimal(count) / Decimal(total) * 100).quantize(Decimal("0.01")) if total else Decimal(0)
            ctx.put(f"{k}.survey[{level}].share", f"{share}%", "computed")
            label = LIKERT_LABELS.get(level, "")
            rows.append(
                [
                    f"{{ref:{k}.survey[{level}].level}}分" + (f"（{label}）" if label else ""),
                    f"{{ref:{k}.survey[{level}].count}}",
                    f"{{ref:{k}.survey[{level}].share}}",
                ]
            )
        rows.append(["合计", f"{{ref:{k}.survey.n}}", ""])
        out.append(Table.from_templates(ctx.values[f"name[{ind.key}]"], ["评价档次", "人数", "占比"], rows))
    return out


APPENDIX_TITLES = {
    "criteria": "绩效评价指标体系及评分标准",
    "scores": "绩效评价得分表",
    "problem_list": "问题清单",
    "survey": "满意度调查统计",
}


def draft_appendices(ctx: DraftContext, outline: Outline) -> list[Section]:
    out = []
    n = 0
    for kind in outline.appendices:
        tables: list[Table] = []
        if kind == "criteria":
            tables = [appendix_criteria(ctx)]
        elif kind == "scores":
            tables = [appendix_scores(ctx)]
        elif kind == "problem_list":
            tables = [appendix_problems(ctx)]
        elif kind == "survey":
            tables = appendix_survey(ctx)
        if not tables:
            continue
        n += 1
        title = f"附件{chinese_number(n)}：{APPENDIX_TITLES[kind]}"
        out.append(section(f"appendix.{kind}", title, 1, [], tables, numbered=False))
    return out

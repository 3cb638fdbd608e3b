"""Shared phrasing helpers of the offline drafter: sections from templates, missing facts, lists."""

from __future__ import annotations

from assistant.case import Narrative
from assistant.report import Paragraph, Section, Table

from .context import DraftContext

MISSING_LABELS = {
    "background": "项目背景",
    "basis": "立项依据",
    "content": "主要内容",
    "implementation": "实施情况",
    "organisation": "组织管理",
    "overall_goal": "总体目标",
    "annual_goal": "年度目标",
    "eval_purpose": "评价目的",
    "eval_scope": "评价对象和范围",
    "eval_method": "评价方法",
    "eval_process": "评价工作过程",
    "achievements": "主要成效",
    "goal_achieved": "目标实际完成情况",
    "experience": "主要经验及做法",
}


def section(
    sid: str,
    title: str,
    level: int,
    paragraphs: list[str | Paragraph],
    tables: list[Table] | None = None,
    **extra,
) -> Section:
    paras = [p if isinstance(p, Paragraph) else Paragraph.from_template(p) for p in paragraphs if p]
    return Section(
        id=sid, title=title, level=level, paragraphs=paras, tables=tables or [], source="offline", **extra
    )


CASE_EDITOR = "项目录入"
"""The workbench tab where a case is edited (ui/app.py)."""
NARRATIVE_PANEL = "叙述信息"
"""The case editor's panel holding the narrative fields (ui/tab_case.py)."""


def editor_label(field: str) -> str:
    """The label the case editor shows for a narrative field: the field's description, as ui/tab_case.py uses."""
    return Narrative.model_fields[field].description or field


def where_to_fill(field: str) -> str:
    """Where a user supplies a narrative field: the workbench path first, the case-file key as a hint."""
    return f"“{CASE_EDITOR} → {NARRATIVE_PANEL} → {editor_label(field)}”（案例文件中为 narrative.{field}）"


PLACEHOLDER = "（待补充：{what}）"
"""The short in-text marker of a missing fact; the full request (where to fill it) is in the checklist."""


def ask(ctx: DraftContext, what: str, workbench: str, key: str) -> str:
    """Record a missing fact in the draft's one checklist and return its short in-text marker. What is missing
    may quote case text (a problem's words), so it is a case value, referenced."""
    if what not in ctx.todo:
        ctx.todo[what] = (workbench, key)
    ref = ctx.put(f"todo[{list(ctx.todo).index(what)}]", what, "case")
    return PLACEHOLDER.format(what=ref)


def missing(ctx: DraftContext, field: str) -> str:
    return ask(
        ctx,
        MISSING_LABELS[field],
        f"{CASE_EDITOR} → {NARRATIVE_PANEL} → {editor_label(field)}",
        f"narrative.{field}",
    )


def derived(ctx: DraftContext, field: str, text: str | None) -> str:
    """A narrative section written from other case facts when its own field is empty (listed in the checklist
    as one the user may fill in); the marker when nothing could be derived either."""
    if not text:
        return missing(ctx, field)
    ctx.enrich.setdefault(
        MISSING_LABELS[field],
        (f"{CASE_EDITOR} → {NARRATIVE_PANEL} → {editor_label(field)}", f"narrative.{field}"),
    )
    return text


def missing_budget(ctx: DraftContext) -> str:
    return ask(ctx, "预算数据", f"{CASE_EDITOR} → 项目预算执行情况（全年预算数、全年执行数）", "budget")


def missing_loss_reason(ctx: DraftContext, name: str) -> str:
    """The reason a row lost points, asked of the user (the row's 偏差原因/评价发现 cell)."""
    return ask(
        ctx,
        f"“{name}”指标失分的原因",
        f"{CASE_EDITOR} → 绩效指标 → 该行“偏差原因/评价发现”列",
        "indicators 中该行的 finding 或 deviation",
    )


def missing_cause(ctx: DraftContext, problem: str) -> str:
    """The cause of a problem the case states without one: a question to the user, never an invented cause."""
    return ask(
        ctx,
        f"问题“{problem}”的原因",
        f"{CASE_EDITOR} → 问题清单 → 原因分析（或绩效指标表该行的“偏差原因/评价发现”列）",
        "findings 中该条的 cause",
    )


def narrative(ctx: DraftContext, field: str) -> str:
    key = f"narrative.{field}"
    return ctx.ref(key) if ctx.has(key) else missing(ctx, field)


def group_label(ctx: DraftContext, g: str) -> str:
    """'决策' → '决策指标', '成本指标' stays '成本指标' (as a reference to the case name)."""
    return ctx.ref(f"group[{g}].name") + ("" if g.endswith("指标") else "指标")


def join(items: list[str], sep: str = "、") -> str:
    return sep.join(items)

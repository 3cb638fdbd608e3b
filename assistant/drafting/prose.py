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
    "experience": "主要经验及做法",
}


def section(sid: str, title: str, level: int, paragraphs: list[str | Paragraph], tables: list[Table] | None = None,
            **extra) -> Section:
    paras = [p if isinstance(p, Paragraph) else Paragraph.from_template(p) for p in paragraphs if p]
    return Section(id=sid, title=title, level=level, paragraphs=paras, tables=tables or [], source="offline", **extra)


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


def missing(field: str) -> str:
    return f"（待补充：案例未提供{MISSING_LABELS[field]}，请在{where_to_fill(field)}中填写后重新起草。）"


MISSING_BUDGET = (
    f"（待补充：案例未提供预算数据，请在“{CASE_EDITOR} → 项目预算执行情况”中填写全年预算数和全年执行数"
    "（案例文件中为 budget）后重新起草。）"
)
MISSING_LOSS_REASON = (
    f"（待补充：案例未写明该指标失分的原因，请在“{CASE_EDITOR} → 绩效指标”表该行的“偏差原因/评价发现”列中填写"
    "（案例文件中为指标的 finding 或 deviation）。"
)


def narrative(ctx: DraftContext, field: str) -> str:
    key = f"narrative.{field}"
    return ctx.ref(key) if ctx.has(key) else missing(field)


def group_label(ctx: DraftContext, g: str) -> str:
    """'决策' → '决策指标', '成本指标' stays '成本指标' (as a reference to the case name)."""
    return ctx.ref(f"group[{g}].name") + ("" if g.endswith("指标") else "指标")


def join(items: list[str], sep: str = "、") -> str:
    return sep.join(items)

"""Shared phrasing helpers of the offline drafter: sections from templates, missing facts, lists."""

from __future__ import annotations

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


def missing(field: str) -> str:
    return f"（待补充：案例未提供{MISSING_LABELS[field]}，请在案例的 narrative.{field} 中填写后重新起草。）"


def narrative(ctx: DraftContext, field: str) -> str:
    key = f"narrative.{field}"
    return ctx.ref(key) if ctx.has(key) else missing(field)


def group_label(ctx: DraftContext, g: str) -> str:
    """'决策' → '决策指标', '成本指标' stays '成本指标' (as a reference to the case name)."""
    return ctx.ref(f"group[{g}].name") + ("" if g.endswith("指标") else "指标")


def join(items: list[str], sep: str = "、") -> str:
    return sep.join(items)

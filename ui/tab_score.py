"""评分 tab: the deterministic score sheet of the open case, with the working of every score and two charts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.scoring.registry import RULE_LABELS
from assistant.workspace import score

from . import charts
from .services import Services
from .session import Session

RULE_NAMES = RULE_LABELS
INDICATOR_COLUMNS = [
    "指标",
    "评分规则",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "计算过程",
    "人工评定",
    "原文得分",
]
GROUP_COLUMNS = ["指标", "满分", "得分", "得分率"]


def pct(rate: Decimal) -> str:
    """0.7857 → '78.57%'."""
    return f"{(rate * 100).quantize(Decimal('0.01'))}%"


def num(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def score_session(session: Session):
    """Score the open case; returns the ScoreSheet or raises AssistantError with the reason."""
    if session.case is None:
        raise AssistantError("尚未打开项目：请先在“项目录入”页新建、导入或打开一个项目。")
    return score(session.case)


def summary_markdown(sheet) -> str:
    lines = [
        f"## 总分 {num(sheet.total)} 分 · 等级：{sheet.grade}",
        f"满分 {num(sheet.max_total)} 分，总得分率 {pct(sheet.rate)}。",
    ]
    if sheet.reported_total is not None:
        same = "一致" if sheet.reported_total == sheet.total else "**不一致**"
        lines.append(f"原文报告总分 {num(sheet.reported_total)} 分，与计算结果{same}。")
    if sheet.budget is not None:
        b = sheet.budget
        text = f"预算执行：全年预算数 {num(b.annual)} 万元，全年执行数 {num(b.executed)} 万元，执行率 {pct(b.rate)}"
        if b.score is not None:
            text += f"，得分 {num(b.score)} / {num(b.weight)}（{b.formula}）"
        lines.append(text + "。")
    judged = sheet.judged_indicators()
    lost = sheet.lost_points()
    lines.append(
        f"共 {len(sheet.indicators)} 个指标，{len(lost)} 个失分，{len(judged)} 个为人工评定（标记“人工”）。"
    )
    return "\n\n".join(lines)


def group_rows(sheet, level: int) -> list[list[str]]:
    return [["/".join(g.path), num(g.weight), num(g.score), pct(g.rate)] for g in sheet.level(level)]


def indicator_rows(sheet) -> list[list[str]]:
    rows = []
    for r in sheet.indicators:
        reported = num(r.reported_score)
        if r.reported_score is not None and r.reported_score != r.score:
            reported += " ≠"
        rows.append(
            [
                "/".join(r.path),
                RULE_NAMES.get(r.rule, r.rule),
                r.target or "",
                r.actual or "",
                num(r.weight),
                num(r.score),
                r.formula,
                "人工" if r.judged else "规则",
                reported,
            ]
        )
    return rows


def refresh(session: Session) -> list[Any]:
    """Everything the tab shows, for the open case (or the reason nothing can be shown)."""
    try:
        sheet = score_session(session)
    except AssistantError as exc:
        message = str(exc)
        if session.case is not None:
            problems = getattr(exc, "problems", None) or []
            lines = [p.message for p in problems] or [message]
            message = "评分前需要先改正以下问题（见“项目录入”页）：\n\n" + "\n".join(
                f"- {ln}" for ln in lines
            )
        return [message, [], [], [], "", ""]
    return [
        summary_markdown(sheet),
        group_rows(sheet, 1),
        group_rows(sheet, 2),
        indicator_rows(sheet),
        charts.rate_bars("一级指标得分率", sheet.level(1), "score-chart1"),
        charts.rate_bars("二级指标得分率", sheet.level(2), "score-chart2"),
    ]


def build(services: Services, shell) -> dict[str, Any]:
    """Returns `show(session, user)` and its outputs for the app to call when the tab is shown."""
    summary = gr.Markdown("尚未打开项目。", elem_id="score-summary")
    with gr.Row(equal_height=False):
        chart1 = gr.HTML(elem_id="score-chart1-box")  # one under the other on a phone (see style)
        chart2 = gr.HTML(elem_id="score-chart2-box")
    with gr.Row():
        level1 = gr.Dataframe(
            headers=GROUP_COLUMNS,
            label="一级指标小计",
            interactive=False,
            elem_id="score-level1",
            visible=False,
        )
        level2 = gr.Dataframe(
            headers=GROUP_COLUMNS,
            label="二级指标小计",
            interactive=False,
            elem_id="score-level2",
            visible=False,
        )
    indicators = gr.Dataframe(
        headers=INDICATOR_COLUMNS,
        label="指标得分明细（计算过程均由评分规则得出；“人工”为评价人员给分并附理由；≠ 表示与原文得分不同）",
        interactive=False,
        wrap=True,
        elem_id="score-indicators",
        # in pixels: the page's width on a computer; on a phone the table scrolls sideways instead of
        # wrapping every cell a character per line
        column_widths=[f"{w}px" for w in (250, 125, 125, 125, 70, 70, 420, 85, 110)],
        max_height=700,
        visible=False,
    )
    outputs = [summary, level1, level2, indicators, chart1, chart2]
    return {"show": lambda sess, user: shown(refresh(sess)), "outputs": outputs}


def shown(values: list[Any]) -> list[Any]:
    """The tab's values with each table shown only when it has rows (no grid of bare headers before a
    project is scored)."""
    summary, level1, level2, indicators, chart1, chart2 = values
    tables = [gr.update(value=rows, visible=bool(rows)) for rows in (level1, level2, indicators)]
    return [summary, *tables, chart1, chart2]

"""评分 tab: the deterministic score sheet of the open case, with the working of every score and two charts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import gradio as gr
import pandas as pd

from assistant.case import parse_case
from assistant.errors import AssistantError
from assistant.scoring.registry import RULE_LABELS

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
    from assistant.scoring import score_case

    return score_case(parse_case(session.case))


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


def chart_frame(sheet, level: int) -> pd.DataFrame:
    """得分率 (percent) per group of one level, in tree order, with its 一级 parent for colouring.

    A 二级 name used under two 一级 (e.g. 满意度) is shown with its parent so the bars stay apart."""
    groups = sheet.level(level)
    names = [g.path[-1] for g in groups]
    return pd.DataFrame(
        [
            {
                "指标": g.path[-1] if names.count(g.path[-1]) == 1 else "/".join(g.path[-2:]),
                "得分率": float((g.rate * 100).quantize(Decimal("0.01"))),
                "一级指标": g.path[0],
            }
            for g in groups
        ],
        columns=["指标", "得分率", "一级指标"],
    )


def chart(frame: pd.DataFrame):
    """The plot value keeping the tree order (Vega would sort the categories alphabetically)."""
    return gr.BarPlot(value=frame, sort=list(frame["指标"]))


def refresh(session: Session) -> list[Any]:
    """Everything the tab shows, for the open case (or the reason nothing can be shown)."""
    empty = pd.DataFrame(columns=["指标", "得分率", "一级指标"])
    try:
        sheet = score_session(session)
    except AssistantError as exc:
        message = str(exc)
        if session.case is not None:
            message = "评分前需要先改正以下问题（见“项目录入”页）：\n\n" + message
        return [message, [], [], [], empty, empty]
    return [
        summary_markdown(sheet),
        group_rows(sheet, 1),
        group_rows(sheet, 2),
        indicator_rows(sheet),
        chart(chart_frame(sheet, 1)),
        chart(chart_frame(sheet, 2)),
    ]


def _rate_chart(level: int, **extra: Any) -> gr.BarPlot:
    """Bar chart of 得分率 per 一级 (level 1) or 二级 (level 2) indicator, coloured by 一级 group."""
    name = "一级指标" if level == 1 else "二级指标"
    return gr.BarPlot(
        x="指标",
        y="得分率",
        color="一级指标",
        title=f"{name}得分率（%）",
        y_lim=[0, 100],
        height=300,
        elem_id=f"score-chart{level}",
        sort=None,
        x_title=name,
        y_title="得分率（%）",
        **extra,
    )


def build(services: Services, session: gr.State) -> tuple[Any, list[Any]]:
    """Returns (refresh function, outputs) for the app to call when the tab is shown."""
    summary = gr.Markdown("尚未打开项目。", elem_id="score-summary")
    with gr.Row():
        chart1 = _rate_chart(1)
        chart2 = _rate_chart(2, x_label_angle=-30)
    with gr.Row():
        level1 = gr.Dataframe(
            headers=GROUP_COLUMNS, label="一级指标小计", interactive=False, elem_id="score-level1"
        )
        level2 = gr.Dataframe(
            headers=GROUP_COLUMNS, label="二级指标小计", interactive=False, elem_id="score-level2"
        )
    indicators = gr.Dataframe(
        headers=INDICATOR_COLUMNS,
        label="指标得分明细（计算过程均由评分规则得出；“人工”为评价人员给分并附理由；≠ 表示与原文得分不同）",
        interactive=False,
        wrap=True,
        elem_id="score-indicators",
        column_widths=["18%", "9%", "9%", "9%", "5%", "5%", "31%", "6%", "8%"],
        max_height=700,
    )
    outputs = [summary, level1, level2, indicators, chart1, chart2]
    return refresh, outputs

"""`pe-assistant eval drafting [--json]`: faithfulness of drafts (numbers traced, invented numbers leaked)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.evaluation.drafting_eval import run_drafting_eval

from .app import eval_app


@eval_app.command("drafting")
def eval_drafting(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """起草忠实度：每个金标案例离线起草和用脚本化假模型起草，统计数字可溯源比例与失分讨论覆盖率。"""
    result = run_drafting_eval()
    if as_json:
        typer.echo(result.model_dump_json(exclude={"cases"}))
        return
    table = Table(title="起草忠实度（evals/results/drafting.json）")
    for h in (
        "案例",
        "类型",
        "起草方式",
        "数字",
        "可溯源",
        "泄漏的编造数字",
        "失分行",
        "已讨论",
        "大模型/回退节",
        "用时(秒)",
    ):
        table.add_column(h)
    for r in result.cases:
        table.add_row(
            r.case,
            r.kind,
            r.drafter,
            str(r.numbers),
            str(r.traced),
            "、".join(r.invented_leaked) or "无",
            str(r.lost_rows),
            str(r.lost_discussed),
            f"{r.llm_sections}/{r.fallback_sections}",
            f"{r.seconds:.3f}",
        )
    console = Console()
    console.print(table)
    console.print(
        f"[bold]数字可溯源 {result.traced}/{result.numbers}（{result.traced_share:.2%}）；编造数字泄漏 {result.invented_leaked} 处；"
        f"失分讨论 {result.lost_discussed}/{result.lost_rows}（{result.lost_discussed_share:.2%}）；"
        f"审核器复核：数字 {result.checker_traced}/{result.checker_numbers} 可溯源，错误 {result.checker_errors}、"
        f"提示 {result.checker_warnings}；"
        f"离线起草整份报告平均 {result.offline_seconds_mean:.3f} 秒[/bold]",
        highlight=False,
    )
    console.print(
        f"[bold]评阅指标（{result.reports} 份离线报告）：末级指标逐项分析 {result.leaves_analysed_share:.2%}；"
        f"问题写明案例数字或证据 {result.themes_with_evidence_share:.2%}；每份报告问题 {result.problems_per_case} 条"
        f"（最多 {result.problems_max} 条）；套话或无依据的原因句 {result.stock_causes} 句；"
        f"提及其他委托方文件 {result.other_documents} 处；附件齐全 {result.appendices_share:.2%}；"
        f"封面/目录/落款 {result.front_matter_share:.2%}；每份“待补充” {result.placeholders_per_draft} 处[/bold]",
        highlight=False,
    )

"""`pe-assistant eval scorer`: re-score the gold cases and compare with the documents' own numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.evaluation.scorer_eval import (
    DEFAULT_CASES_DIR,
    DEFAULT_RESULT_PATH,
    ScorerEvalResult,
    run_scorer_eval,
)
from assistant.storage import atomic_write_text

from .app import eval_app


def _mark(flag: bool | None) -> str:
    return "—" if flag is None else ("✓" if flag else "✗")


def _print_report(result: ScorerEvalResult, console: Console) -> None:
    table = Table(title="金标准案例：重算 vs 原文", show_lines=False)
    for header in ("案例", "类型", "重算总分", "原文总分", "一致", "等级", "规则指标一致", "人工评分"):
        table.add_column(header)
    for case in result.cases:
        if case.error is not None:
            table.add_row(case.case, "[red]错误[/red]", "", "", "✗", "", "", "")
            continue
        rule_rows = [r for r in case.indicators if not r.judged and r.reported_score is not None]
        agreed = sum(1 for r in rule_rows if r.agrees)
        table.add_row(
            case.case,
            "自评表" if case.kind == "self_evaluation" else "评价报告",
            str(case.computed_total),
            "" if case.reported_total is None else str(case.reported_total),
            _mark(case.total_agrees),
            f"{case.computed_grade}{'' if case.reported_grade is None else '/' + case.reported_grade}",
            f"{agreed}/{len(rule_rows)}",
            str(sum(1 for r in case.indicators if r.judged)),
        )
    console.print(table)
    console.print(
        f"总分一致：{result.totals_reproduced}/{result.totals_reported} 个案例；"
        f"等级一致：{result.grades_reproduced}/{result.grades_reported}；"
        f"规则计算指标与原文一致：{result.rule_computed_reproduced}/{result.rule_computed}"
        f"（其中按原文数据计算 {result.from_figures_reproduced}/{result.from_figures}，"
        f"按逐项扣分/评分要点 {result.rule_computed_reproduced - result.from_figures_reproduced}"
        f"/{result.rule_computed - result.from_figures}）；"
        f"人工评分（judged）指标：{result.judged} 个，其中偏离规则 {result.judged_departing_from_rule} 个；"
        f"案例 {result.cases_scored}/{result.cases_total} 可评分，共 {result.indicators_total} 个指标。",
        highlight=False,
    )
    console.print(
        "按规则（一致/指标数）："
        + "，".join(
            f"{rule} {result.rules_reproduced.get(rule, '—')}/{n}" for rule, n in result.rules_used.items()
        ),
        highlight=False,
    )
    if result.disagreements:
        console.print("不一致与人工评分明细：", highlight=False)
        for d in result.disagreements:
            where = "/".join(d.path) if d.path else ""
            console.print(f"- [{d.kind}] {d.case} {where}：{d.explanation}", highlight=False)


@eval_app.command("scorer")
def eval_scorer(
    json_output: Annotated[bool, typer.Option("--json", help="只输出一个 JSON 对象")] = False,
    cases_dir: Annotated[Path, typer.Option("--cases", help="金标准案例目录")] = DEFAULT_CASES_DIR,
    output: Annotated[Path, typer.Option("--output", help="JSON 结果写入的文件")] = DEFAULT_RESULT_PATH,
) -> None:
    """评分引擎评测：重算金标准案例，与原文总分、指标得分比对，列出每处不一致。"""
    result = run_scorer_eval(cases_dir)
    text = result.model_dump_json(indent=2)
    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(output, text + "\n")
    if json_output:
        typer.echo(text)
        return
    console = Console()
    _print_report(result, console)
    console.print(f"结果已写入 {output}", highlight=False)

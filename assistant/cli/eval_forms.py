"""`pe-assistant eval forms`: read the form sets under evals/forms/ and compare with their answer keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.evaluation.forms_eval import DEFAULT_RESULT_PATH, DEFAULT_SETS, FormsEvalResult, run_forms_eval
from assistant.storage import atomic_write_text

from .app import eval_app


def _print(result: FormsEvalResult, console: Console, details: bool) -> None:
    table = Table(
        title=f"自评表读取评测：{result.set}（{result.files} 个文件，{result.forms_expected} 张表）"
    )
    for header in ("表", "指标行", "填报数", "得分重算", "总分", "差错发现", "误报", "问题"):
        table.add_column(header)
    for o in result.forms:
        if o.error:
            table.add_row(o.form_id, "", "", "", "", "", "", f"[red]{escape(o.error[:80])}[/red]")
            continue
        problems = len(o.misread) + len(o.missed) + len(o.false_alarms)
        table.add_row(
            o.form_id,
            f"{o.rows_read}/{o.rows_expected}",
            f"{o.figures_read}/{o.figures_expected}",
            f"{o.scores_correct}/{o.scores_expected}",
            "✓" if o.total_correct else f"[red]{o.computed_total}≠{o.correct_total}[/red]",
            f"{o.slips_found}/{o.slips_planted}",
            str(len(o.false_alarms)),
            str(problems) if problems else "",
        )
    console.print(table)
    console.print(
        f"表 {result.forms_read}/{result.forms_expected}；指标行 {result.rows_read}/{result.rows_expected}；"
        f"空行 {result.placeholders_read}/{result.placeholders_expected}；填报数 {result.figures_read}/{result.figures_expected}；"
        f"得分重算 {result.scores_correct}/{result.scores_expected}；总分 {result.totals_correct}/{result.totals_expected}；"
        f"差错发现 {result.slips_found}/{result.slips_planted}；误报 {result.false_alarms}；"
        + (
            f"应拒绝的文件 {result.refusals_right}/{result.refusals_expected}；"
            if result.refusals_expected
            else ""
        )
        + f"用时 {result.seconds} 秒",
        highlight=False,
    )
    if details:
        for line in result.refusals:
            console.print(f"- {escape(line)}", highlight=False)
        for o in result.forms:
            for line in [
                *o.misread,
                *(f"漏报：{m}" for m in o.missed),
                *(f"误报：{f}" for f in o.false_alarms),
            ]:
                console.print(f"- {o.form_id} {escape(line)}", highlight=False)


@eval_app.command("forms")
def eval_forms(
    sets: Annotated[
        list[str] | None, typer.Option("--set", help="评测集（evals/forms/ 下的目录名，可重复）")
    ] = None,
    output: Annotated[Path, typer.Option("--output", help="结果 JSON 的路径")] = DEFAULT_RESULT_PATH,
) -> None:
    """读取 evals/forms/ 下各评测集的自评表，与答案比较：指标行、填报数、重算得分与总分、差错发现与误报。"""
    results = run_forms_eval(tuple(sets) if sets else DEFAULT_SETS)
    console = Console()
    for result in results.values():
        _print(result, console, details=True)
    payload = {name: r.model_dump(mode="json") for name, r in results.items()}
    atomic_write_text(output, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    console.print(f"结果已写入 {output}")

"""`pe-assistant eval all` runs every eval in one go; `pe-assistant eval floors` compares results with floors."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.evaluation.floors import FloorCheck, check_results

from .app import app, eval_app

EVALS = ("retrieval", "grounding", "answers", "scorer", "forms", "checker", "drafting")


def _print_floors(checks: list[FloorCheck], console: Console) -> None:
    table = Table(title="评测底线（evals/floors.yaml）")
    for header in ("评测", "指标", "数值", "底线", "达标", "说明"):
        table.add_column(header)
    for c in checks:
        table.add_row(c.eval, c.key, "缺失" if c.value is None else f"{c.value:g}", c.bound,
                      "✓" if c.ok else "[red]✗[/red]", c.why)
    console.print(table)


@eval_app.command("floors")
def eval_floors(
    only: Annotated[list[str] | None, typer.Option("--only", help="只检查这些评测（可重复）")] = None,
) -> None:
    """将 evals/results/ 中的评测结果与记录的底线比较；低于底线时退出码为 1。"""
    checks = check_results(only=set(only) if only else None)
    console = Console()
    _print_floors(checks, console)
    failed = [c for c in checks if not c.ok]
    if failed:
        console.print(f"[red]{len(failed)} 项低于底线。[/red]")
        raise typer.Exit(1)
    console.print(f"全部 {len(checks)} 项达到底线。")


@eval_app.command("all")
def eval_all(
    skip: Annotated[list[str] | None, typer.Option("--skip", help="跳过某项评测（可重复）")] = None,
) -> None:
    """依次运行检索、回答溯源、评分、审核、起草评测，结果写入 evals/results/，最后与底线比较。"""
    group = typer.main.get_command(app).commands["eval"]
    console = Console()
    ran = []
    for name in EVALS:
        if skip and name in skip:
            continue
        console.rule(f"评测：{name}")
        group.commands[name].main(args=[], prog_name=f"pe-assistant eval {name}", standalone_mode=False)
        ran.append(name)
    console.rule("底线")
    checks = check_results(only=set(ran))
    _print_floors(checks, console)
    if not all(c.ok for c in checks):
        raise typer.Exit(1)

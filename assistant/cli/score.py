"""`pe-assistant score CASE [--json]` and `pe-assistant convert-case IN OUT`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.case_excel import name_rows
from assistant.case_io import load_case, save_case
from assistant.errors import AssistantError, InputError
from assistant.scoring import ScoreSheet, score_case
from assistant.scoring.rules import fmt, pct

from .app import app

RULE_NAMES_ZH = {
    "budget_execution": "预算执行",
    "proportional": "比例",
    "inverse_proportional": "反向比例",
    "qualitative": "定性",
    "tiers": "分档",
    "rate": "比率",
    "likert": "满意度均值",
    "deduction": "扣分",
    "checklist": "要点",
    "judged": "人工评分",
}


def _fail(exc: AssistantError) -> None:
    Console(stderr=True, soft_wrap=True).print(f"[red]错误：[/red]{escape(str(exc))}", highlight=False)
    raise typer.Exit(2)


def _print_sheet(sheet: ScoreSheet, title: str, console: Console) -> None:
    table = Table(title=f"{title} 评分表", show_lines=False)
    for header, justify in (
        ("指标", "left"),
        ("规则", "left"),
        ("分值", "right"),
        ("得分", "right"),
        ("原文得分", "right"),
        ("计算过程", "left"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for r in sheet.indicators:
        reported = "" if r.reported_score is None else fmt(r.reported_score)
        if r.reported_score is not None and r.reported_score != r.score:
            reported = f"[yellow]{reported}[/yellow]"
        score = fmt(r.score) if r.score == r.weight else f"[red]{fmt(r.score)}[/red]"
        rule = RULE_NAMES_ZH[r.rule] + ("（人工）" if r.judged and r.rule != "judged" else "")
        table.add_row(escape("/".join(r.path)), rule, fmt(r.weight), score, reported, escape(r.formula))
    console.print(table)

    groups = Table(title="分级汇总")
    for header in ("级次", "指标", "满分", "得分", "得分率"):
        groups.add_column(header)
    for g in sheet.groups:
        groups.add_row(f"{g.level}级", "/".join(g.path), fmt(g.weight), fmt(g.score), pct(g.rate))
    console.print(groups)
    if sheet.budget is not None:
        b = sheet.budget
        scored = (
            f"，得分 {fmt(b.score)}/{fmt(b.weight)}（{b.formula}）"
            if b.score is not None and b.weight
            else ""
        )
        console.print(
            f"预算执行：全年预算 {fmt(b.annual)} 万元，执行 {fmt(b.executed)} 万元，执行率 {pct(b.rate)}{scored}",
            highlight=False,
        )
    reported = ""
    if sheet.reported_total is not None:
        same = "一致" if sheet.reported_total == sheet.total else "[yellow]不一致[/yellow]"
        reported = f"（原文 {fmt(sheet.reported_total)}，{same}）"
    judged = len(sheet.judged_indicators())
    console.print(
        f"[bold]总分 {fmt(sheet.total)}，得分率 {pct(sheet.rate)}，等级：{sheet.grade}[/bold]{reported}"
        + (f"；其中 {judged} 项为人工评分" if judged else ""),
        highlight=False,
    )


@app.command()
def score(
    case: Annotated[Path, typer.Argument(help="案例文件：.yaml / .yml / .json / .xlsx（自评表格式）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象（数值为 JSON 数字）")] = False,
) -> None:
    """按确定性规则为案例评分：每个指标的得分、计算过程、分级小计、得分率、总分和等级。"""
    try:
        loaded = load_case(case)
    except AssistantError as exc:
        _fail(exc)
        return
    try:
        sheet = score_case(loaded)
    except InputError as exc:
        _fail(InputError(name_rows(str(exc), case)) if case.suffix.lower() == ".xlsx" else exc)
        return
    if as_json:
        typer.echo(json.dumps(sheet.as_json(), ensure_ascii=False))
        return
    _print_sheet(sheet, loaded.project.name, Console())


@app.command("convert-case")
def convert_case(
    source: Annotated[Path, typer.Argument(help="输入案例：.yaml / .yml / .json / .xlsx")],
    target: Annotated[Path, typer.Argument(help="输出文件：.yaml / .yml / .json / .xlsx（按后缀选择格式）")],
) -> None:
    """转换案例文件格式，例如把自评表 Excel 导入为 YAML，或把 YAML 导出为自评表 Excel。"""
    try:
        save_case(load_case(source), target)
    except AssistantError as exc:
        _fail(exc)
        return
    typer.echo(f"已写入 {target}")

"""`pe-assistant score CASE|FORM [--form N] [--json]` and `pe-assistant convert-case IN OUT [--form N]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.case import Case
from assistant.case_excel import name_rows
from assistant.case_io import is_received_form, load_cases, save_case
from assistant.errors import AssistantError, InputError
from assistant.forms.reader import pick_form
from assistant.scoring import ScoreSheet, score_case
from assistant.scoring.registry import RULE_LABELS
from assistant.scoring.rules import fmt, pct

from .app import app

RULE_NAMES_ZH = RULE_LABELS
"""Kept for callers that imported the old name; the labels live in the scoring-rule registry."""


def _fail(exc: AssistantError) -> None:
    """Hand the error to the command line's boundary (assistant/cli/app.py), which prints it naming the file."""
    raise exc


def _print_comparisons(sheet: ScoreSheet, console: Console) -> None:
    if not sheet.comparisons:
        return
    differences = sheet.differences()
    agreed = sum(1 for c in sheet.comparisons if c.agrees and c.status == "agrees")
    unchecked = sum(1 for c in sheet.comparisons if c.status == "not_recomputed")
    console.print(
        f"填报与重算对比：共 {len(sheet.comparisons)} 项，一致 {agreed} 项，不一致 {len(differences)} 项"
        + (f"，未能复核 {unchecked} 项" if unchecked else ""),
        highlight=False,
    )
    if not differences:
        return
    table = Table(title="填报与重算不一致之处", show_lines=True)
    for header in ("位置", "填报", "重算", "差额", "原因"):
        table.add_column(header)
    for c in differences:
        where = c.location.describe() if c.location else f"{c.row} · {c.column}"
        difference = "" if c.difference is None else fmt(c.difference)
        reason = ("（连带）" if c.derived else "") + c.reason
        table.add_row(
            escape(where), escape(c.reported or "（空白）"), escape(c.computed), difference, escape(reason)
        )
    console.print(table)


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
        rule = RULE_LABELS.get(r.rule, r.rule) + ("（人工）" if r.judged and r.rule != "judged" else "")
        if not r.recomputed:
            rule = "未复核"
        table.add_row(escape("/".join(r.path)), rule, fmt(r.weight), score, reported, escape(r.formula))
    for path in sheet.empty_rows:
        table.add_row(escape("/".join(p for p in path if p) + "（空行）"), "", "", "", "", "")
    console.print(table)

    groups = Table(title="分级汇总")
    for header in ("级次", "指标", "满分", "得分", "得分率"):
        groups.add_column(header)
    for g in sheet.groups:
        groups.add_row(f"{g.level}级", escape("/".join(g.path)), fmt(g.weight), fmt(g.score), pct(g.rate))
    console.print(groups)
    if sheet.budget is not None:
        b = sheet.budget
        scored = (
            f"，得分 {fmt(b.score)}/{fmt(b.weight)}（{b.formula}）"
            if b.score is not None and b.weight
            else "（不计分）"
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
    _print_comparisons(sheet, console)
    for note in sheet.notes:
        console.print(f"[yellow]说明：[/yellow]{escape(note)}", highlight=False)


def _form_json(case: Case, sheet: ScoreSheet) -> dict[str, object]:
    payload = sheet.as_json()
    if case.origin is not None:
        payload["form"] = {
            "file": case.origin.file,
            "index": case.origin.form_index,
            "count": case.origin.form_count,
            "title": case.origin.title,
            "project": case.project.name,
            "unread": case.origin.unread,
        }
    return payload


def _score_one(case: Case, source: Path) -> ScoreSheet:
    try:
        return score_case(case)
    except InputError as exc:
        if source.suffix.lower() == ".xlsx" and not is_received_form(source):
            raise InputError(name_rows(str(exc), source)) from None
        raise


@app.command()
def score(
    case: Annotated[
        Path,
        typer.Argument(
            help="案例文件（.yaml/.yml/.json/.xlsx）或收到的自评表（.docx/.pdf/.xlsx/.txt/.md/.html）"
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象（数值为 JSON 数字）")] = False,
    form: Annotated[
        int | None, typer.Option("--form", min=1, help="文件含多张自评表时，选择第 N 张（从 1 起）")
    ] = None,
) -> None:
    """按确定性规则为案例或收到的自评表评分：每个指标的得分与计算过程、分级小计、总分和等级，并逐项对比填报数与重算数。"""
    try:
        cases = load_cases(case)
        chosen = [pick_form(cases, form, case.name)] if form is not None or len(cases) == 1 else cases
        sheets = [_score_one(c, case) for c in chosen]
    except AssistantError as exc:
        _fail(exc)
        return
    if as_json:
        if len(chosen) == 1:
            typer.echo(json.dumps(_form_json(chosen[0], sheets[0]), ensure_ascii=False))
        else:
            forms = [_form_json(c, s) for c, s in zip(chosen, sheets, strict=True)]
            typer.echo(json.dumps({"forms": forms}, ensure_ascii=False))
        return
    console = Console()
    if len(chosen) > 1:
        console.print(f"文件“{escape(case.name)}”含 {len(chosen)} 张自评表（用 --form N 查看某一张的明细）：")
        for c, s in zip(chosen, sheets, strict=True):
            index = c.origin.form_index if c.origin else 0
            differences = len(s.differences())
            console.print(
                f"  {index}. {escape(c.project.name)}：总分 {fmt(s.total)}，等级 {s.grade}"
                + (f"，填报与重算不一致 {differences} 处" if differences else "，填报与重算一致"),
                highlight=False,
            )
        return
    _print_sheet(sheets[0], chosen[0].project.name, console)


@app.command("convert-case")
def convert_case(
    source: Annotated[
        Path,
        typer.Argument(
            help="输入：案例（.yaml/.yml/.json/.xlsx）或自评表（.docx/.pdf/.xlsx/.txt/.md/.html）"
        ),
    ],
    target: Annotated[Path, typer.Argument(help="输出文件：.yaml / .yml / .json / .xlsx（按后缀选择格式）")],
    form: Annotated[
        int | None, typer.Option("--form", min=1, help="文件含多张自评表时，只转换第 N 张（从 1 起）")
    ] = None,
) -> None:
    """转换案例文件格式，或把收到的自评表（Word/PDF/Excel/网页）读成案例；多张表时每张写一个文件。"""
    try:
        cases = load_cases(source)
        if form is not None or len(cases) == 1:
            written = [save_case(pick_form(cases, form, source.name), target)]
        else:
            written = [
                save_case(c, target.with_name(f"{target.stem}-{i}{target.suffix}"))
                for i, c in enumerate(cases, start=1)
            ]
    except AssistantError as exc:
        _fail(exc)
        return
    for path, c in zip(written, cases if len(written) > 1 else [None], strict=False):
        typer.echo(f"已写入 {path}" + (f"（{c.project.name}）" if c is not None else ""))

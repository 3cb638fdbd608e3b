"""`pe-assistant bench [--json]`: speed and memory figures, each beside a baseline measured in the same run."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.settings import REPO_ROOT
from assistant.storage import atomic_write_text

from .app import app


@app.command()
def bench(
    as_json: Annotated[bool, typer.Option("--json", help="只输出一个 JSON 对象")] = False,
    large: Annotated[int, typer.Option("--large", help="合成大语料的片段数（0 表示跳过）")] = 100_000,
    rounds: Annotated[int, typer.Option("--rounds", help="每个查询重复的轮数")] = 5,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="是否测量工作台启动时间与内存")] = True,
    server: Annotated[
        bool,
        typer.Option("--chroma-server/--no-chroma-server", help="是否在本机启动 Chroma 服务并测量同样的数字"),
    ] = True,
    tools: Annotated[
        bool, typer.Option("--tools/--no-tools", help="是否测量评分、审核与离线起草（否则只测导入与检索）")
    ] = True,
) -> None:
    """运行性能基准：导入、检索延迟（默认语料与合成大语料）、评分、审核、离线起草、工作台内存。"""
    from assistant.benchmarks import run_benchmarks

    console = Console(stderr=True)
    figures = run_benchmarks(
        large_chunks=large,
        rounds=rounds,
        include_serve=serve,
        include_large=large > 0,
        include_server=server,
        include_tools=tools,
        progress=lambda step: console.print(f"[dim]基准：{step}…[/dim]", highlight=False),
    )
    payload = {"figures": [f.model_dump() for f in figures]}
    atomic_write_text(
        REPO_ROOT / "evals" / "results" / "bench.json", json.dumps(payload, ensure_ascii=False, indent=2)
    )
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    table = Table(title="性能基准")
    for header in ("项目", "数值", "单位", "基线", "基线数值", "倍数", "目标", "达标"):
        table.add_column(header)
    for f in figures:
        table.add_row(
            f.name,
            f"{f.value:g}",
            f.unit,
            f.baseline or "",
            "" if f.baseline_value is None else f"{f.baseline_value:g}",
            "" if f.ratio is None else f"{f.ratio:g}",
            f.target or "",
            "" if f.meets_target is None else ("✓" if f.meets_target else "✗"),
        )
    Console().print(table)

"""`pe-assistant eval checker [--json]`: the checker on the real corpus and on drafts with planted errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.checking.report_text import KIND_LABELS
from assistant.evaluation.checker_eval import (
    DEFAULT_RESULT_PATH,
    CheckerEvalResult,
    run_checker_eval,
    write_result,
)

from .app import eval_app

_VERDICTS = {"true_slip": "确为笔误", "false_positive": "误报", "unconfirmed": "未确认"}


def _print(result: CheckerEvalResult, console: Console) -> None:
    console.print("[bold]一、真实报告（knowledge/corpus）[/bold]")
    for report in result.corpus:
        console.print(f"\n{report.file} · {report.report}")
        for f in report.findings:
            level = "错误" if f.severity == "error" else "提示"
            console.print(
                f"  [{level}·{KIND_LABELS.get(f.kind, f.kind)}] {f.message}  —— {_VERDICTS[f.verdict]}",
                highlight=False,
            )
    seconds = "，".join(
        f"{name} {s:.2f} 秒（CPU {result.corpus_cpu_seconds[name]:.2f} 秒）"
        for name, s in result.corpus_seconds.items()
    )
    verdicts = "，".join(f"{_VERDICTS[k]} {v}" for k, v in result.corpus_verdicts.items())
    console.print(
        f"\n数字 {result.corpus_numbers} 个，已核实 {result.corpus_traced} 个；发现：{verdicts or '无'}。耗时：{seconds}。"
    )
    table = Table(title="二、植入错误的稿件（evals/checker/plants.yaml）")
    for header in ("类型", "植入", "发现", "召回率"):
        table.add_column(header)
    for kind, (found, planted) in sorted(result.recall_by_kind.items()):
        table.add_row(KIND_LABELS.get(kind, kind), str(planted), str(found), f"{found / planted:.0%}")
    console.print(table)
    drafts = [d for d in result.drafts if d.error is None]
    console.print(
        f"三、离线起草的金标准案例稿件（{len(drafts)} 份，Markdown 与 Word）：发现 "
        f"{sum(len(d.findings) for d in drafts)} 处；数字 {sum(d.numbers for d in drafts)} 个，"
        f"已核实 {sum(d.traced for d in drafts)} 个；起草失败 {len(result.drafts) - len(drafts)} 份。"
        f"其中误报 {result.draft_false_flags} 处（占位提示与案例保留的原文差错除外）；原文差错应报 "
        f"{result.draft_source_slips_expected} 处，已报 {result.draft_source_slips_found} 处。",
        highlight=False,
    )
    for d in drafts:
        for line in d.false_flags:
            console.print(f"  误报 {d.case}（{d.format}）：{line}", highlight=False)
    missed = [p.id for p in result.plants if not p.found]
    console.print(
        f"总召回率 {result.recall:.1%}（{sum(p.found for p in result.plants)}/{len(result.plants)}）；"
        f"误报 {result.false_positives} 处；漏报：{', '.join(missed) or '无'}。"
    )
    if result.received:
        table = Table(title="四、收到的自评表（evals/forms/dev 等，对照答案）")
        for header in ("样本集", "文件", "表数", "植入", "发现", "误报错误", "其他提示", "秒"):
            table.add_column(header)
        for r in result.received:
            table.add_row(
                r.set,
                r.file[:28],
                str(r.forms),
                str(r.planted),
                str(r.found) if r.error is None else "无法审核",
                str(len(r.false_errors)),
                str(len(r.other_warnings)),
                f"{r.seconds:.2f}",
            )
        console.print(table)
        console.print(
            f"植入差错发现 {result.received_found}/{result.received_planted}；"
            f"误报错误 {result.received_false_errors} 处。",
            highlight=False,
        )
        for r in result.received:
            for line in [*(f"漏报 {m}" for m in r.missed), *r.false_errors]:
                console.print(f"  {r.file[:20]}：{line}", highlight=False)
            if r.error:
                console.print(f"  {r.file[:20]}：无法审核：{r.error}", highlight=False)
    if result.mutations:
        table = Table(title="五、变异评测：金标准案例稿件中每个数字逐一改动（末位加一）")
        for header in ("案例", "改动", "发现", "误指他处", "原稿误报", "原稿原文差错", "原稿占位提示"):
            table.add_column(header)
        for m in result.mutations:
            table.add_row(
                m.case,
                str(m.total),
                str(m.caught),
                str(m.false_blames),
                str(len(m.unmutated_false_flags)),
                str(len(m.unmutated_source_slips)),
                str(m.unmutated_placeholders),
            )
        console.print(table)
        console.print(
            f"变异发现率 {result.mutation_caught_share:.1%}（{result.mutation_caught}/{result.mutation_total}）；"
            f"可判定的改动 {result.mutation_total - result.mutation_undecidable} 处，发现率 "
            f"{result.mutation_caught_share_decidable:.1%}；无从判定 {result.mutation_undecidable} 处；"
            f"误指他处 {result.mutation_false_blames} 处；原稿误报 {result.mutation_false_flags} 处。"
        )
        for m in result.mutations:
            for o in m.missed[:5]:
                why = f"（无从判定：{o.undecidable}）" if o.undecidable else ""
                console.print(
                    f"  漏报 {m.case} 第{o.mutation.line + 1}行：{o.mutation.original} → {o.mutation.mutated}"
                    f"（…{o.mutation.context}…）{why}",
                    highlight=False,
                )


@eval_app.command("checker")
def eval_checker(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    out: Annotated[Path, typer.Option("--out", help="结果 JSON 的保存位置")] = DEFAULT_RESULT_PATH,
    mutations: Annotated[
        bool,
        typer.Option("--mutations/--no-mutations", help="变异评测：稿件中每个数字逐一改动后审核（较慢）"),
    ] = True,
    limit: Annotated[
        int | None, typer.Option("--limit", help="变异评测每个案例最多改动的数字个数（快速查看）")
    ] = None,
    cases: Annotated[
        list[str] | None,
        typer.Option(
            "--case", help="变异评测只跑文件名以此开头的案例（可给多个，如 --case ev02 --case se01）"
        ),
    ] = None,
) -> None:
    """审核评测：真实报告对照人工确认；植入错误稿件的各类召回率与误报；金标准案例稿件的变异评测。"""
    result = run_checker_eval(mutations=mutations, mutation_limit=limit, mutation_cases=tuple(cases or ()))
    write_result(result, out)
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        _print(result, Console())
        Console().print(f"结果已写入 {out}")

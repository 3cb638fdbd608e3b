"""The Typer application objects that every command module attaches to."""

import typer

app = typer.Typer(
    name="pe-assistant",
    help="项目支出绩效评价助手：知识库问答、评分、起草、审核。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="评测：检索、回答溯源、评分、审核、起草的质量指标，以及与底线比较。", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

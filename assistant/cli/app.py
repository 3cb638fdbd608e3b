"""The Typer application objects that every command module attaches to, and the command line's boundary:
whatever goes wrong inside a command reaches the user as one Chinese line on stderr and exit code 2, never
as a traceback or a library's English text (set ``PE_ASSISTANT_DEBUG=1`` to see the traceback)."""

from __future__ import annotations

import os
from typing import Any

import typer
from typer import _click
from typer.core import TyperGroup

from assistant.errors import AssistantError, failure_message

EXIT_USER_ERROR = 2


def _usage_message(exc: _click.exceptions.UsageError) -> str:
    """Click's English usage errors in Chinese, naming the option or argument."""
    exceptions = _click.exceptions
    command = exc.ctx.command_path if exc.ctx is not None else "pe-assistant"
    help_hint = f"请运行 {command} --help 查看用法。"
    if isinstance(exc, exceptions.MissingParameter):
        hint = exc.param.get_error_hint() if exc.param is not None else ""
        kind = "选项" if getattr(exc.param, "param_type_name", "") == "option" else "参数"
        return f"缺少{kind} {hint}。{help_hint}"
    if isinstance(exc, exceptions.NoSuchOption):
        return f"没有这个选项：{exc.option_name}。{help_hint}"
    if isinstance(exc, exceptions.BadParameter):
        hint = ""
        if exc.param is not None:
            hint = exc.param.get_error_hint()
        elif exc.param_hint:
            hint = exc.param_hint if isinstance(exc.param_hint, str) else " / ".join(exc.param_hint)
        return f"{hint or '参数'} 的取值无效。{help_hint}"
    if isinstance(exc, exceptions.BadOptionUsage):
        return f"选项 {exc.option_name} 的用法有误（是否缺少取值？）。{help_hint}"
    message = exc.message or ""
    if message.startswith("No such command"):
        name = message.split("'")[1] if message.count("'") >= 2 else ""
        return f"没有这个命令：{name}。请运行 pe-assistant --help 查看全部命令。"
    if message.startswith("Got unexpected extra argument"):
        extra = message.rpartition(" (")[2].rstrip(")")
        return f"多余的参数：{extra}。{help_hint}"
    return f"命令用法有误。{help_hint}"


def _named_files(ctx: _click.Context) -> list[str]:
    """The file arguments of the command line (for naming them when something unexpected fails)."""
    args = [*getattr(ctx, "_protected_args", []), *ctx.args]
    return [a for a in args if not a.startswith("-") and ("." in a or os.sep in a)]


def report_failure(exc: BaseException, files: list[str] | None = None) -> None:
    """Print the Chinese message for `exc` on stderr (no traceback, no markup from the message)."""
    from rich.console import Console

    files = files or []
    if isinstance(exc, AssistantError):
        message = str(exc)
        named = [f for f in files if os.path.isfile(f)]
        if named and not any(os.path.basename(f) in message for f in named):
            message = f"“{os.path.basename(named[0])}”：{message}"  # say which file the problem is in
    else:
        message = failure_message(exc, files)
    Console(stderr=True, soft_wrap=True).print("[red]错误：[/red]", end="", highlight=False)
    Console(stderr=True, soft_wrap=True, markup=False, highlight=False).print(message)


class BoundaryGroup(TyperGroup):
    """The top-level group: every command runs inside :meth:`invoke`, so one handler covers them all,
    in `pe-assistant` and in Typer's test runner alike."""

    def invoke(self, ctx: _click.Context) -> Any:
        files = _named_files(ctx)
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except _click.exceptions.NoArgsIsHelpError:
            raise
        except _click.exceptions.UsageError as exc:
            try:
                message = _usage_message(exc)
            except Exception:  # never let the translation itself fail
                message = "命令用法有误。请运行 pe-assistant --help 查看用法。"
            _click.echo(f"错误：{message}", err=True)
            raise typer.Exit(EXIT_USER_ERROR) from None
        except _click.exceptions.ClickException:
            raise
        except KeyboardInterrupt:
            _click.echo("已中断。", err=True)
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("PE_ASSISTANT_DEBUG") and not isinstance(exc, AssistantError):
                raise
            report_failure(exc, files)
            raise typer.Exit(EXIT_USER_ERROR) from None


app = typer.Typer(
    cls=BoundaryGroup,
    name="pe-assistant",
    help="项目支出绩效评价助手：知识库问答、评分、起草、审核。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(
    help="评测：检索、回答溯源、评分、审核、起草的质量指标，以及与底线比较。", no_args_is_help=True
)
app.add_typer(eval_app, name="eval")

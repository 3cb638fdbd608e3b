"""`pe-assistant users …` and `pe-assistant projects …`: the workbench's users and saved projects from the
command line, through the same case workspace and database as the web workbench."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from assistant.errors import AssistantError, os_reason

from .app import app

users_app = typer.Typer(help="工作台用户：添加、列出、重设密码（启用登录时使用）。", no_args_is_help=True)
projects_app = typer.Typer(help="工作台中保存的项目：列出、导入、导出、评分。", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(projects_app, name="projects")

UserOption = Annotated[
    str | None, typer.Option("--user", help="以哪个用户的身份（默认：未启用登录时的本机用户）")
]


def _workspace():
    from assistant.db import open_store
    from assistant.settings import get_settings
    from assistant.workspace import Workspace

    return Workspace(open_store(get_settings()))


def _user(workspace, username: str | None):
    user = workspace.store.user(username)
    if user is None:
        raise AssistantError(f"找不到用户“{username}”（或已停用）")
    return user


def _fail(exc: AssistantError) -> None:
    Console(stderr=True, soft_wrap=True).print(f"[red]错误：[/red]{escape(str(exc))}", highlight=False)
    raise typer.Exit(2)


@users_app.command("add")
def users_add(
    username: str,
    admin: Annotated[bool, typer.Option("--admin", help="设为管理员")] = False,
    display_name: Annotated[str, typer.Option("--name", help="姓名")] = "",
    password: Annotated[
        str,
        typer.Option(prompt="密码", hide_input=True, confirmation_prompt=True, help="初始密码（至少6位）"),
    ] = "",
) -> None:
    """添加一个工作台用户。"""
    try:
        user = _workspace().store.add_user(username, password, "admin" if admin else "user", display_name)
    except AssistantError as exc:
        _fail(exc)
    typer.echo(f"已添加用户 {user.username}（{'管理员' if user.is_admin else '普通用户'}）")


@users_app.command("list")
def users_list() -> None:
    """列出工作台用户。"""
    for u in _workspace().store.users():
        role = "管理员" if u.is_admin else "普通用户"
        typer.echo("\t".join([u.username, u.display_name or "-", role, "启用" if u.active else "已停用"]))


@users_app.command("passwd")
def users_passwd(
    username: str,
    password: Annotated[str, typer.Option(prompt="新密码", hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """重设用户的密码。"""
    try:
        _workspace().store.update_user(username, password=password)
    except AssistantError as exc:
        _fail(exc)
    typer.echo(f"已重设 {username} 的密码")


@projects_app.command("list")
def projects_list(user: UserOption = None) -> None:
    """列出可以打开的项目（自己的和共享给自己的）。"""
    try:
        workspace = _workspace()
        rows = workspace.store.list_projects(_user(workspace, user))
    except AssistantError as exc:
        _fail(exc)
    if not rows:
        typer.echo("（没有项目）")
    for r in rows:  # one tab-separated line per project: easy to read and to script
        flags = ("有草稿" if r.has_draft else "无草稿") + (f"，{r.problems}处待改" if r.problems else "")
        typer.echo("\t".join([r.id, r.name, f"{r.updated_at:%Y-%m-%d %H:%M}", flags, r.owner]))


@projects_app.command("import")
def projects_import(case_file: Path, user: UserOption = None) -> None:
    """把案例文件（YAML/JSON/Excel）导入为新项目。"""
    try:
        workspace = _workspace()
        record = workspace.import_file(_user(workspace, user), case_file)
    except AssistantError as exc:
        _fail(exc)
    note = f"，{len(record.problems)} 处待改" if record.problems else ""
    typer.echo(f"已导入为项目 {record.id}：{record.name}{note}")


@projects_app.command("export")
def projects_export(project_id: str, out: Path, user: UserOption = None) -> None:
    """把项目的当前数据写成案例文件（.yaml 或 .json）。"""
    import json

    import yaml

    from assistant.case import plain_numbers

    try:
        workspace = _workspace()
        record = workspace.store.load_project(_user(workspace, user), project_id)
        data = plain_numbers(record.case)
        if out.suffix.lower() == ".json":
            text = json.dumps(data, ensure_ascii=False, indent=1)
        elif out.suffix.lower() in (".yaml", ".yml"):
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        else:
            raise AssistantError("导出文件须为 .yaml 或 .json")
        from assistant.storage import atomic_write_text

        atomic_write_text(out, text)
    except AssistantError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(AssistantError(f"无法写入 {out}：{os_reason(exc)}"))
    typer.echo(f"已写出 {out}")


@projects_app.command("score")
def projects_score(project_id: str, user: UserOption = None) -> None:
    """按评分规则计算项目的总分和等级。"""
    try:
        workspace = _workspace()
        record = workspace.store.load_project(_user(workspace, user), project_id)
        from assistant.workspace import score

        sheet = score(record.case)
    except AssistantError as exc:
        _fail(exc)
    typer.echo(f"{record.name}：总分 {sheet.total} 分，等级 {sheet.grade}")

"""`pe-assistant serve`: start the web workbench (Gradio is imported only when this command runs)."""

from __future__ import annotations

import typer

from assistant.settings import get_settings

from .app import app


@app.command()
def serve(
    host: str | None = typer.Option(
        None, "--host", help="监听地址（默认取设置 PE_ASSISTANT_HOST，127.0.0.1）"
    ),
    port: int | None = typer.Option(None, "--port", help="端口（默认取设置 PE_ASSISTANT_PORT，7860）"),
    auth: str | None = typer.Option(None, "--auth", help="登录用户名:密码，多人共用时使用"),
) -> None:
    """启动网页工作台：问答、项目录入、评分、起草、审核、导出。"""
    settings = get_settings()
    from ui.app import launch

    host = host or settings.host
    port = port or settings.port
    typer.echo(f"工作台启动中：http://{host}:{port}  （按 Ctrl+C 退出）")
    launch(settings, host=host, port=port, auth=auth or settings.auth)

"""Messages the workbench shows in pop-ups (提示框): always Chinese, including the title and parser details."""

from __future__ import annotations

import re

import gradio as gr

ERROR_TITLE = "出错了"
_POSITION = re.compile(r"line (\d+),? column (\d+)")


def readable(message: str) -> str:
    """A parse error's English detail (YAML/JSON parser text) → the line and column in Chinese.

    The message is kept up to the colon after 无法解析; the parser text after it only tells where."""
    head, sep, detail = message.partition("无法解析：")
    if not sep or not re.search(r"[A-Za-z]{4,}", detail):
        return message
    positions = _POSITION.findall(detail)
    if positions:  # YAML names the context first and the problem last
        line, column = positions[-1]
        return f"{head}{sep}第{line}行第{column}列附近格式有误（请检查冒号、引号、括号和缩进是否完整）"
    return f"{head}{sep}文件格式有误（请确认是 YAML、JSON 或自评表 Excel 文件，且未损坏）"


def error(message: str) -> gr.Error:
    """A pop-up error with a Chinese title, to `raise` from a callback."""
    return gr.Error(readable(message), title=ERROR_TITLE)

"""Messages the workbench shows (提示): always Chinese, including parser details and unexpected failures."""

from __future__ import annotations

import logging
import re

import gradio as gr

from assistant.errors import AssistantError

ERROR_TITLE = "出错了"
_POSITION = re.compile(r"line (\d+),? column (\d+)")
log = logging.getLogger("pe_assistant.ui")


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


def describe(exc: BaseException, doing: str = "处理") -> str:
    """What to tell the user about a failure: our own errors say it in Chinese; anything else (a bug, a
    library's English text) is logged with its traceback and reported in general words."""
    if isinstance(exc, AssistantError):
        return readable(str(exc))
    if isinstance(exc, MemoryError):
        return f"{doing}时内存不足：文件或内容过大，请拆分后再试。"
    if isinstance(exc, RecursionError):
        return f"{doing}时内容嵌套层级过深，无法处理，请检查文件。"
    log.exception("unexpected failure while %s", doing)
    return f"{doing}时出现意外错误（已记录在服务器日志中）。请重试；如仍失败，请联系管理员。"


def error(message: str) -> gr.Error:
    """A pop-up error with a Chinese title, to `raise` from a callback."""
    return gr.Error(readable(message), title=ERROR_TITLE)

"""Typed errors. Messages are Chinese because they reach users (CLI and UI) as they are."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """One thing wrong in a user's input, where it is and what to do — a structure, so a screen can mark
    the cell and a list can group it without re-reading the message."""

    message: str = Field(description="The Chinese message, naming the row/field and what was expected")
    field: str = Field(
        default="", description="Case-file location, e.g. 'project.year' or 'indicators.2.target'"
    )
    row: int | None = Field(default=None, description="1-based row of a table the user sees, when known")
    column: str = Field(default="", description="The column or form field the user sees, when known")
    group: str = Field(default="", description="Which part of the form: 项目信息, 预算执行, 绩效指标…")


class AssistantError(Exception):
    """Base class: the message is shown to the user verbatim."""


class InputError(AssistantError):
    """Bad user input (a case file, a value, a draft). The message names the row/field and what was expected.

    ``problems`` lists each problem as a :class:`Problem` when the raiser knows them one by one."""

    def __init__(self, message: str = "", problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])


class ConfigError(AssistantError):
    """Missing or wrong configuration. The message says what to set."""


class ModelOutputError(AssistantError):
    """A language model's output failed validation even after one retry."""


class ConflictError(AssistantError):
    """A save based on an older state of a project: someone else saved in between. Nothing is overwritten;
    the message says who changed it and when."""


class PermissionDenied(AssistantError):
    """The user may not see or change this (another user's project, an admin-only setting)."""


class ModelError(AssistantError):
    """A model call ended without a usable reply; callers fall back to the offline result and show
    :meth:`fallback_note`, never a traceback.

    ``reason`` is one line of Chinese without figures (it goes into drafts, where every number must be traceable);
    ``detail`` holds the specifics for logs and the terminal (HTTP status, seconds waited, token counts)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}（{detail}）" if detail else reason)
        self.reason = reason
        self.detail = detail

    def fallback_note(self, what: str) -> str:
        """The note shown beside the offline result, e.g. ``fallback_note("本节已改用离线模板起草")``."""
        return f"大模型未能完成（{self.reason}），{what}。"


class ModelUnavailable(ModelError):
    """The model could not be reached or did not answer in time: connection refused, timeout, HTTP 429/5xx,
    a rejected key. Asking again with a corrected prompt would not help."""

    retry_after: float | None = None
    """Seconds the server asked us to wait (HTTP 429/503), when it is worth one more try."""


class ModelReplyError(ModelError):
    """The model answered, but the reply was cut off (finish reason ``length``), empty, not the JSON asked for,
    or failed the caller's content checks, also after a retry with a short correction."""


def _quoted(names: list[str]) -> str:
    return "、".join(f"“{n}”" for n in names[:3])


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Chinese (the system's own text is English)."""
    import errno

    reasons = {
        errno.ENOENT: "路径不存在",
        errno.EISDIR: "这是一个文件夹，不是文件",
        errno.ENOTDIR: "路径中的上级不是文件夹",
        errno.EEXIST: "路径中的上级已是一个文件，不能当作文件夹",
        errno.EACCES: "没有读写权限",
        errno.EPERM: "系统不允许在此读写",
        errno.EROFS: "该位置只读",
        errno.ENOSPC: "磁盘空间不足",
        errno.EDQUOT: "磁盘配额已用完",
        errno.ENAMETOOLONG: "文件名过长",
        errno.EINVAL: "路径或文件名无效，或该位置不接受写入",
        errno.EBUSY: "文件正被占用",
        errno.EMFILE: "同时打开的文件过多",
        errno.EFBIG: "文件过大",
    }
    return reasons.get(exc.errno, f"系统错误号 {exc.errno}，请检查路径与权限")


def output_error(path: object, exc: OSError) -> InputError:
    """The error for an output file that could not be written, naming the file the user gave."""
    return InputError(f"无法写入“{path}”：{os_reason(exc)}。请换一个可写的文件夹或文件名。")


def failure_message(exc: BaseException, files: list[str] | None = None) -> str:
    """A Chinese message for a failure that is not one of our own errors (an OS error, a library's
    exception, a bug): what went wrong in plain words and which file it concerns — never the library's
    English text or a traceback. `files` are the files the user named, for failures that do not say."""
    import decimal
    import zipfile

    files = [str(f) for f in files or []]
    where = f"处理{_quoted(files)}时" if files else "处理时"
    if isinstance(exc, OSError):
        name = exc.filename or (files[0] if files else "")
        target = f"“{name}”" if name else "文件"
        return f"无法读写{target}：{os_reason(exc)}。"
    if isinstance(exc, RecursionError):
        return f"{where}发现内容嵌套层级过深，无法处理，请检查文件结构。"
    if isinstance(exc, MemoryError):
        return f"{where}内存不足：文件或内容过大，请拆分后再试。"
    if isinstance(exc, (decimal.InvalidOperation, decimal.Overflow, OverflowError)):
        return f"{where}遇到过大或无效的数值，无法计算，请检查各数值栏。"
    if isinstance(exc, zipfile.BadZipFile):
        return f"{_quoted(files) or '文件'}已损坏，或不是真正的 Word/Excel 文件（请用 Office 或 WPS 重新另存后再试）。"
    if isinstance(exc, UnicodeError):
        return f"{_quoted(files) or '文件'}不是 UTF-8 编码的文本，请另存为 UTF-8 后再试。"
    return (
        f"{where}出现意外错误，未能完成。请检查输入是否完整、未损坏；如仍失败，请把命令和文件交给维护人员"
        "（设置环境变量 PE_ASSISTANT_DEBUG=1 可显示技术细节）。"
    )

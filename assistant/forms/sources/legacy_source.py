"""Old binary Office formats (.doc, .xls) and WPS's own (.wps, .et), as many units still publish their forms:
converted by LibreOffice (``soffice``, when installed) into .docx/.xlsx in a temporary folder, then read
like those. Without LibreOffice, or when the conversion fails, a Chinese message says how to save the file
in a format that is read.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from assistant.errors import InputError

from ..document import SourceDocument

LEGACY_SUFFIXES: dict[str, str] = {".doc": "docx", ".wps": "docx", ".xls": "xlsx", ".et": "xlsx"}
"""Old format → the format it is converted to."""
CONVERT_SECONDS = 120
"""Longest a conversion may take (a form converts in a few seconds)."""
_KIND = {"docx": "Word", "xlsx": "Excel"}


def soffice_command() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _save_as(path: Path, target: str) -> str:
    return f"请用 {_KIND[target]} 或 WPS 打开后“另存为” .{target} 格式再导入"


def read_legacy(path: Path, read: Callable[[Path], SourceDocument]) -> SourceDocument:
    """The document converted to its modern format and read by ``read`` (the .docx or .xlsx reader)."""
    suffix = path.suffix.lower()
    target = LEGACY_SUFFIXES[suffix]
    soffice = soffice_command()
    if soffice is None:
        raise InputError(
            f"文件“{path.name}”是旧版 {_KIND[target]} 格式（{suffix}），本机未安装 LibreOffice，无法自动转换："
            + _save_as(path, target)
        )
    with tempfile.TemporaryDirectory(prefix="pe-convert-") as tmp:
        folder = Path(tmp)
        source = folder / path.name
        shutil.copyfile(path, source)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(
                f"文件“{path.name}”转换超时（超过 {CONVERT_SECONDS} 秒）：" + _save_as(path, target)
            ) from None
        except OSError:
            raise InputError(
                f"文件“{path.name}”无法转换（LibreOffice 无法启动）：" + _save_as(path, target)
            ) from None
        converted = folder / f"{path.stem}.{target}"
        if not converted.is_file() or converted.stat().st_size == 0:
            raise InputError(
                f"文件“{path.name}”无法自动转换为 .{target}：LibreOffice 未能打开它（可能未安装其"
                f"{'文字处理' if target == 'docx' else '电子表格'}组件，或文件已损坏、内容与扩展名不符）；"
                + _save_as(path, target)
            )
        try:
            doc = read(converted)
        except InputError as exc:
            raise InputError(str(exc).replace(converted.name, path.name)) from None
    doc.name = path.name
    doc.format = suffix.lstrip(".")
    return doc

"""Sidecar metadata: `<file name>.meta.yaml` next to a source file overrides what detection found.

Example, for `004_da4d11cc4ec567f6.txt` (a report without a title line)::

    # 004_da4d11cc4ec567f6.txt.meta.yaml
    title: 青岛市大数据发展管理局2020年度专项业务费项目绩效评价报告
    year: 2020

Every key is optional: `title` (only for a file holding one document), `doc_type`, `year`, `unit`
(these three apply to every document in the file). Unknown keys are errors, so a typo never passes
silently. The sidecar's suffix (.yaml) is not a supported document suffix, so collecting files by
`SUPPORTED_SUFFIXES` never ingests it as a document. `source_fingerprint` covers file and sidecar, so
editing the sidecar makes the file count as changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import InputError
from assistant.models import DocType

from .text import compact

SIDECAR_SUFFIX = ".meta.yaml"


class SidecarMetadata(BaseModel):
    """What a person says about a source file, overriding detection."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The document's title (one-document files only)",
    )
    doc_type: DocType | None = Field(
        default=None, description="policy / report / self_evaluation / final_accounts / other"
    )
    year: int | None = Field(default=None, ge=1900, le=2100, description="The year the document is about")
    unit: str | None = Field(
        default=None, min_length=1, max_length=100, description="The department or unit the document is about"
    )


def is_sidecar(path: Path) -> bool:
    """True for a sidecar file (`….meta.yaml`): a folder scan should pass over it silently."""
    return Path(path).name.lower().endswith(SIDECAR_SUFFIX)


def sidecar_path(path: Path) -> Path:
    """`a/b.txt` -> `a/b.txt.meta.yaml`."""
    path = Path(path)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def load_sidecar(path: Path) -> SidecarMetadata | None:
    """The sidecar of source file `path`, or None if it has none. Raises `InputError` naming the sidecar."""
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return None
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"无法读取元数据文件“{sidecar.name}”：{exc}") from exc
    if data is None:
        return SidecarMetadata()
    if not isinstance(data, dict):
        raise InputError(f"元数据文件“{sidecar.name}”应为“键: 值”格式（可用键：{_keys()}）")
    try:
        metadata = SidecarMetadata.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"元数据文件“{sidecar.name}”有误：{_describe(exc)}") from exc
    if metadata.title is not None:
        metadata.title = compact(metadata.title)
    if metadata.unit is not None:
        metadata.unit = compact(metadata.unit)
    return metadata


def source_fingerprint(path: Path) -> str:
    """sha1 identifying what parsing `path` reads: the file's bytes and, if present, its sidecar's.

    Without a sidecar it equals the sha1 of the file's bytes, so existing fingerprints stay valid.
    """
    path = Path(path)
    digest = hashlib.sha1(path.read_bytes())
    sidecar = sidecar_path(path)
    if sidecar.is_file():
        digest.update(b"\0" + SIDECAR_SUFFIX.encode() + b"\0")
        digest.update(sidecar.read_bytes())
    return digest.hexdigest()


def _keys() -> str:
    return "、".join(SidecarMetadata.model_fields)


def _describe(exc: ValidationError) -> str:
    """Each problem in Chinese: which key, and what is wrong with it."""
    problems: list[str] = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "（整体）"
        kind = error["type"]
        if kind == "extra_forbidden":
            problems.append(f"未知的键“{key}”（可用键：{_keys()}）")
        elif kind == "literal_error":
            allowed = "、".join(get_args(DocType))
            problems.append(f"“{key}”的值无效（可选：{allowed}）")
        elif kind in ("greater_than_equal", "less_than_equal", "int_parsing", "int_type", "int_from_float"):
            problems.append(f"“{key}”应为 1900–2100 之间的年份")
        elif kind in ("string_too_short", "string_too_long", "string_type"):
            problems.append(f"“{key}”应为非空文字（不超过 {error.get('ctx', {}).get('max_length', 200)} 字）")
        else:
            problems.append(f"“{key}”的值无效（{error['msg']}）")
    return "；".join(problems)

"""Reading and writing case files: YAML, JSON, Excel laid out like the 项目支出绩效自评表, and received forms.

- :func:`load_case` / :func:`save_case` choose the format by suffix (.yaml/.yml, .json, .xlsx); ``load_case``
  also reads a received form (.docx, .pdf, .xlsx, .txt, .md, .html) through :mod:`assistant.forms`;
  :func:`load_cases` returns every form of a document that holds several.
- :func:`read_case_data` returns a file's raw mapping without validating it (for editors).
- :func:`case_to_data` gives the plain mapping (numbers as int/float) the YAML/JSON files hold.
- :func:`read_excel` / :func:`write_excel` handle the form layout; see :mod:`assistant.case_excel`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from assistant.case import Case, parse_case, plain_numbers
from assistant.errors import InputError, output_error
from assistant.storage import atomic_write_bytes

YAML_SUFFIXES = (".yaml", ".yml")
CASE_SUFFIXES = (*YAML_SUFFIXES, ".json", ".xlsx")
FORM_ONLY_SUFFIXES = (".docx", ".pdf", ".txt", ".md", ".html", ".htm", ".doc", ".xls", ".wps", ".et")
"""Received forms only (the old Word/Excel/WPS formats are converted by LibreOffice when it is installed)."""
READ_SUFFIXES = (*CASE_SUFFIXES, *FORM_ONLY_SUFFIXES)


def case_to_data(case: Case) -> dict[str, Any]:
    """The case as a plain mapping in the case-file shape, leaving out empty optional fields."""
    data = case.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    data["kind"] = case.kind  # always explicit, even though it has no default
    ordered = {key: data[key] for key in ("kind", "project", "budget", "indicators") if key in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    return plain_numbers(ordered)


def dump_yaml(case: Case) -> str:
    return yaml.safe_dump(case_to_data(case), allow_unicode=True, sort_keys=False, width=120)


def dump_json(case: Case) -> str:
    return json.dumps(case_to_data(case), ensure_ascii=False, indent=2) + "\n"


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when installed: the same safe subset, many times faster on a large file."""


def load_text(text: str, fmt: str, source: str = "") -> Any:
    """The data in YAML or JSON text (fmt 'yaml' or 'json'); InputError in Chinese naming the file and the
    line and column, never the parser's English text."""
    name = f"案例文件“{source}”" if source else "案例内容"
    try:
        data = json.loads(text) if fmt == "json" else yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - safe loader
    except RecursionError:
        raise InputError(f"{name}嵌套层级过深，无法解析") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name}不是有效的 JSON：第{exc.lineno}行第{exc.colno}列附近格式有误（请检查引号、逗号和括号）"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列附近" if mark else ""
        raise InputError(
            f"{name}不是有效的 YAML：{where}格式有误（请检查冒号、引号、括号和缩进；不支持 !! 标签）"
        ) from None
    except ValueError:  # a JSON integer of more than 4300 digits
        raise InputError(f"{name}中有位数过多的数字，无法读取") from None
    if _too_many_nodes(data):
        raise InputError(f"{name}展开后内容过多（超过 {MAX_CASE_NODES} 项，可能含大量重复引用 &/*），未读取")
    return data


MAX_CASE_NODES = 200_000
"""Most values (mappings, lists, scalars) a case file may unfold into: YAML aliases can make a 1 KB file
unfold into hundreds of millions (a "billion laughs" file), which saving or validating would then expand."""


def _too_many_nodes(data: Any, limit: int = MAX_CASE_NODES) -> bool:
    """Whether `data` unfolds into more than `limit` values, counting a shared (aliased) value each time it is
    used; stops counting at the limit, so the check itself stays cheap."""
    count = 0
    stack = [data]
    while stack:
        node = stack.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def parse_case_text(text: str, fmt: str, source: str = "") -> Case:
    """Parse YAML or JSON text (fmt 'yaml' or 'json') into a Case; InputError on any problem."""
    data = load_text(text, fmt, source)
    return parse_case(data, source)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"案例文件“{path.name}”不是 UTF-8 编码的文本") from None


MAX_CASE_FILE_BYTES = 5 * 1024 * 1024
"""Largest YAML/JSON case file read (a case is a few KB)."""
MAX_YAML_FILE_BYTES = 1024 * 1024
"""Largest YAML case file: room for the most indicators a case may hold (MAX_INDICATORS rows of a few hundred
bytes each); building a YAML document takes about a minute per few MB on a busy machine."""


def _check_path(path: Path) -> str:
    if path.is_dir():
        raise InputError(f"“{path}”是文件夹，不是案例文件")
    if not path.is_file():
        raise InputError(f"找不到案例文件：{path}")
    suffix = path.suffix.lower()
    if suffix not in READ_SUFFIXES:
        raise InputError(
            f"不支持的案例文件类型“{suffix}”：请使用 .yaml、.yml、.json、.xlsx，"
            "或自评表文件 .docx、.pdf、.txt、.md、.html（.doc、.xls 需本机装有 LibreOffice）"
        )
    limit = MAX_YAML_FILE_BYTES if suffix in YAML_SUFFIXES else MAX_CASE_FILE_BYTES
    if suffix in (*YAML_SUFFIXES, ".json") and path.stat().st_size > limit:
        raise InputError(
            f"案例文件“{path.name}”超过 {limit // 1024 // 1024} MB，未读取（一个案例通常只有几 KB）"
        )
    return suffix


def is_received_form(path: Path) -> bool:
    """Whether the file is read by the form reader: a Word/PDF/web form, or an .xlsx that is not one of
    our own exports (those carry the helper sheet 评分规则 and round-trip exactly)."""
    suffix = path.suffix.lower()
    if suffix in FORM_ONLY_SUFFIXES:
        return True
    if suffix != ".xlsx":
        return False
    from assistant.case_excel import is_case_workbook

    return not is_case_workbook(path)


def load_cases(path: Path | str) -> list[Case]:
    """Every case the file holds: one for a case file, one per form for a received document."""
    path = Path(path)
    _check_path(path)
    if is_received_form(path):
        from assistant.forms.reader import read_forms

        return read_forms(path)
    return [load_case(path)]


def read_case_data(path: Path | str) -> dict[str, Any]:
    """The raw case mapping in a file (not validated), for editors that list problems instead of refusing.

    Raises InputError only when the file is missing, of an unknown type, or not YAML/JSON/xlsx at all.
    """
    path = Path(path)
    suffix = _check_path(path)
    if suffix == ".xlsx":
        from assistant.case_excel import read_excel_data

        data = read_excel_data(path)
        if data.get("indicators"):
            return data  # our own layout: bad cells are kept as typed, for the editor to show
    if is_received_form(path):
        return case_to_data(load_case(path))
    data = load_text(_read_text(path), "json" if suffix == ".json" else "yaml", path.name)
    if not isinstance(data, dict):
        raise InputError(f"案例文件“{path.name}”的内容须为映射（kind/project/budget/indicators…）")
    return data


def load_case(path: Path | str, form: int | None = None) -> Case:
    """Load a case from .yaml/.yml, .json or .xlsx, or read a received form (``form``: which one, 1-based,
    when the document holds several)."""
    path = Path(path)
    suffix = _check_path(path)
    if is_received_form(path):
        from assistant.forms.reader import read_form

        return read_form(path, form)
    if suffix == ".xlsx":
        from assistant.case_excel import read_excel

        return read_excel(path)
    return parse_case_text(_read_text(path), "json" if suffix == ".json" else "yaml", path.name)


def save_case(case: Case, path: Path | str) -> Path:
    """Write a case as .yaml/.yml, .json or .xlsx (atomically). Returns the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise InputError(f"输出路径“{path}”是文件夹，请给出文件名（如 case.yaml）")
    if suffix == ".xlsx":
        from assistant.case_excel import excel_bytes

        data = excel_bytes(case)
    elif suffix == ".json":
        data = dump_json(case).encode("utf-8")
    elif suffix in YAML_SUFFIXES:
        data = dump_yaml(case).encode("utf-8")
    else:
        raise InputError(f"不支持的输出文件类型“{suffix}”（{path}）：请使用 .yaml、.yml、.json 或 .xlsx")
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise output_error(path, exc) from None
    return path

"""The form reader's public API: a received document in, one :class:`~assistant.case.Case` per form out.

- :func:`read_forms` — every form of a document (a 部门决算 appendix holds several), each a received case
  (``case.origin`` set: file, form number, title, where each figure stands, what could not be read);
- :func:`read_form` — one form (``form`` is 1-based; required when the document holds several);
- :func:`list_forms` — number, title and project of each form, for choosing one;
- :data:`FORM_SUFFIXES` — the document types read (.docx, .pdf, .xlsx, .txt, .md, .html, .htm);
  :data:`LEGACY_FORM_SUFFIXES` — .doc, .xls, .wps, .et, read when LibreOffice is installed to convert them.

Every failure is an :class:`~assistant.errors.InputError` with a Chinese message naming the file and,
where it applies, the table, row and column.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.case import Case, FormOrigin, parse_case
from assistant.errors import InputError

from .document import MAX_FILE_BYTES, SourceDocument
from .form_builder import FormBuilder
from .layout import FormData, Line, flatten, split_forms

FORM_SUFFIXES = (".docx", ".pdf", ".xlsx", ".txt", ".md", ".html", ".htm")
LEGACY_FORM_SUFFIXES = (".doc", ".xls", ".wps", ".et")
"""Old Word/Excel and WPS formats, read after LibreOffice converts them (see :mod:`.sources.legacy_source`)."""
PREAMBLE_LINES = 6


class FormSummary(BaseModel):
    """One form of a document, for listing."""

    index: int = Field(description="1-based form number (for --form N)")
    title: str = Field(description="Heading as written")
    project: str = Field(description="项目名称")
    indicators: int = Field(description="Indicator rows read")


def read_document(path: Path | str) -> SourceDocument:
    """The document's tables and paragraphs (see :mod:`.document`), by file type."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到文件：{path}")
    suffix = path.suffix.lower()
    if suffix not in FORM_SUFFIXES and suffix not in LEGACY_FORM_SUFFIXES:
        raise InputError(f"不支持的自评表文件类型“{suffix}”：请使用 {'、'.join(FORM_SUFFIXES)}")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"文件“{path.name}”有 {size / 1024 / 1024:.1f} MB，超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限"
        )
    if size == 0:
        raise InputError(f"文件“{path.name}”是空文件")
    if suffix in LEGACY_FORM_SUFFIXES:
        from .sources.docx_source import read_docx
        from .sources.legacy_source import LEGACY_SUFFIXES, read_legacy
        from .sources.xlsx_source import read_xlsx

        return read_legacy(path, read_docx if LEGACY_SUFFIXES[suffix] == "docx" else read_xlsx)
    if suffix == ".docx":
        from .sources.docx_source import read_docx

        return read_docx(path)
    if suffix == ".pdf":
        from .sources.pdf_source import read_pdf

        return read_pdf(path)
    if suffix == ".xlsx":
        from .sources.xlsx_source import read_xlsx

        return read_xlsx(path)
    from .sources.text_source import read_text_file

    return read_text_file(path)


def _preamble(lines: list[Line], start: int, stop: int) -> list[Line]:
    return [line for line in lines[max(stop, start - PREAMBLE_LINES) : start] if line.text.strip()]


def _case_data(form: FormData, doc: SourceDocument, index: int, count: int) -> dict[str, Any]:
    project = dict(form.project)
    if not project.get("name"):
        project["name"] = form.title or Path(doc.name).stem
        form.unread.append("未找到“项目名称”，以表题或文件名代替")
    data: dict[str, Any] = {"kind": "self_evaluation", "project": project, "indicators": form.indicators}
    budget = form.budget
    if budget is not None and ("annual" in budget or budget.get("sources")):
        budget.setdefault("annual", Decimal(0))
        budget.setdefault("executed", Decimal(0))
        if not form.budget_weight_found:
            indicator_sum = sum((Decimal(str(i["weight"])) for i in form.indicators), Decimal(0))
            if indicator_sum == 100:
                budget["weight"] = Decimal(0)  # shown for its rate, scored nowhere: the indicators hold 100
        data["budget"] = budget
    if form.narrative:
        data["narrative"] = form.narrative
    if form.empty_rows:
        data["empty_rows"] = form.empty_rows
    if form.stated_weights:
        data["stated_weights"] = form.stated_weights
    data.update(form.reported)
    data["origin"] = FormOrigin(
        file=doc.name,
        format=doc.format,
        form_index=index,
        form_count=count,
        title=form.title,
        cells=form.cells,
        unread=form.unread,
    )
    return data


def _continues(previous: FormData, form: FormData) -> bool:
    """Whether a form is the previous one continued: same project name, and the previous has no 总分 row."""
    name = previous.project.get("name")
    return bool(name) and name == form.project.get("name") and not previous.seen_total


def read_forms(path: Path | str, source: SourceDocument | None = None) -> list[Case]:
    """Every self-evaluation form in the document, as received cases, in document order (``source``: the
    document already read by :func:`read_document`, so a caller that needs both reads the file once)."""
    doc = read_document(path) if source is None else source
    lines = flatten(doc)
    forms: list[FormData] = []
    stop = 0
    merged: list[tuple[int, int]] = []
    for start, end in split_forms(lines):
        form = FormBuilder(lines[start:end], _preamble(lines, start, stop)).build()
        previous = forms[-1] if forms else None
        if previous is not None and _continues(previous, form):
            # the same project named again on a continuation page: one form, read again as a whole
            first = merged[-1][0]
            forms[-1] = FormBuilder(
                lines[first:end], _preamble(lines, first, merged[-2][1] if len(merged) > 1 else 0)
            ).build()
            merged[-1] = (first, end)
        else:
            forms.append(form)
            merged.append((start, end))
        stop = end
    readable = [f for f in forms if f.indicators]
    if not readable:
        reasons = "；".join(dict.fromkeys(u for f in forms for u in f.unread)) or "没有表格"
        raise InputError(f"文件“{doc.name}”中未找到可读取的绩效自评表：{reasons}")
    cases = []
    for number, form in enumerate(readable, start=1):
        data = _case_data(form, doc, number, len(readable))
        try:
            cases.append(parse_case(data, doc.name))
        except InputError as exc:
            raise InputError(f"文件“{doc.name}”第{number}张表无法转换为案例：{exc}") from None
    return cases


def list_forms(cases: list[Case]) -> list[FormSummary]:
    return [
        FormSummary(
            index=c.origin.form_index if c.origin else i,
            title=c.origin.title if c.origin else "",
            project=c.project.name,
            indicators=len(c.indicators),
        )
        for i, c in enumerate(cases, start=1)
    ]


def pick_form(cases: list[Case], form: int | None, name: str) -> Case:
    """The chosen form; an InputError listing the forms when the choice is missing or out of range."""
    if form is None and len(cases) == 1:
        return cases[0]
    listing = "\n".join(f"  {s.index}. {s.project}（{s.indicators} 个指标）" for s in list_forms(cases))
    if form is None:
        raise InputError(f"文件“{name}”含 {len(cases)} 张自评表，请用 --form N 选择其中一张：\n{listing}")
    if not 1 <= form <= len(cases):
        raise InputError(f"文件“{name}”只有 {len(cases)} 张自评表，没有第 {form} 张：\n{listing}")
    return cases[form - 1]


def read_form(path: Path | str, form: int | None = None) -> Case:
    """One form of the document (``form`` 1-based; needed when it holds several)."""
    return pick_form(read_forms(path), form, Path(path).name)

"""Read a file of any supported format into `SourceLine`s (text lines and table rows, in document order)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from assistant.errors import InputError

from .document import SourceLine
from .headings import starts_numbered
from .text import TERMINAL, clean_cell, is_page_number, join_broken

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_MD_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def _lines_from_text(raw: str) -> list[SourceLine]:
    """Plain text: a line containing a tab is a table row; blank lines are remembered, not kept."""
    lines: list[SourceLine] = []
    blank = False
    for number, line in enumerate(raw.splitlines(), start=1):
        is_row = "\t" in line.strip(" \u3000") or line.startswith("\t")
        if is_row:
            text = "\t".join(clean_cell(c) for c in line.split("\t"))
            if not text.replace("\t", ""):
                blank = True
                continue
        else:
            text = clean_cell(line)
            if not text or is_page_number(text):
                blank = True
                continue
        lines.append(SourceLine(text=text, number=number, table_row=is_row, blank_before=blank))
        blank = False
    return lines


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Windows "Unicode"), else GB18030 (superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"无法识别文件“{path.name}”的文字编码（请另存为 UTF-8 编码）")


def load_txt(path: Path) -> list[SourceLine]:
    return _lines_from_text(_decode(path.read_bytes(), path))


def load_md(path: Path) -> list[SourceLine]:
    """Markdown: `#` headings carry their level; pipe tables become table rows."""
    lines: list[SourceLine] = []
    blank = False
    for number, line in enumerate(_decode(path.read_bytes(), path).splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            blank = True
            continue
        if _MD_TABLE_RULE.match(stripped) and "-" in stripped:
            continue
        heading = _MD_HEADING.match(stripped)
        if heading:
            lines.append(
                SourceLine(clean_cell(heading.group(2)), number, False, len(heading.group(1)), blank)
            )
        elif stripped.startswith("|"):
            cells = [clean_cell(c) for c in stripped.strip("|").split("|")]
            lines.append(SourceLine("\t".join(cells), number, True, None, blank))
        else:
            lines.append(SourceLine(clean_cell(line), number, False, None, blank))
        blank = False
    return lines


def _heading_level(style_name: str) -> int | None:
    match = re.match(r"^(?:heading|标题)\s*(\d)$", style_name.strip(), re.IGNORECASE)
    if match:
        return int(match.group(1))
    # The "Title" style is the document title, found by the splitter like a title line in a text file.
    return None


def load_docx(path: Path) -> list[SourceLine]:
    """Word: paragraphs and tables in body order; heading styles give the heading level."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    # Style names looked up once: python-docx's `paragraph.style` searches every style for each paragraph.
    style_names = {st.style_id: st.name or "" for st in document.styles}
    lines: list[SourceLine] = []
    number = 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            number += 1
            text = clean_cell(item.text)
            if text and not is_page_number(text):
                style = style_names.get(item._p.style or "", "")
                lines.append(SourceLine(text, number, False, _heading_level(style)))
        elif isinstance(item, Table):
            rows = list(_docx_rows(item))
            lines.extend(_table_rows(rows, number))
            number += len(rows)
    return _mark_table_ends(lines)


def _docx_rows(table) -> Iterable[list[str]]:
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # Merged cells repeat the same cell object; keep it once.
            if cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(clean_cell(cell.text))
        yield cells


def _table_rows(rows: Iterable[list[str]], start: int, first_blank: bool = True) -> list[SourceLine]:
    lines: list[SourceLine] = []
    for offset, cells in enumerate(rows):
        if not any(cells):
            continue
        lines.append(SourceLine("\t".join(cells), start + offset + 1, True, None, first_blank and not lines))
    return lines


def _mark_table_ends(lines: list[SourceLine]) -> list[SourceLine]:
    """A paragraph right after a table starts a new block, as if a blank line separated them."""
    out: list[SourceLine] = []
    for line in lines:
        if out and out[-1].table_row != line.table_row and not line.blank_before:
            line = SourceLine(line.text, line.number, line.table_row, line.heading_level, True)
        out.append(line)
    return out


def load_pdf(path: Path) -> list[SourceLine]:
    """PDF: the text layer of each page (scanned PDFs without text give nothing and are reported)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [page.extract_text() or "" for page in reader.pages]
    if not any(p.strip() for p in pages):
        raise InputError(f"文件“{path.name}”没有可提取的文字（可能是扫描件）")
    return _lines_from_text("\n\n".join(rejoin_wrapped_lines(page) for page in pages))


FULL_LINE_RATIO = 0.85
"""A PDF line at least this share of the page's longest line was wrapped by the layout, not ended."""


def rejoin_wrapped_lines(page_text: str) -> str:
    """Undo PDF line wrapping: a full-width line without closing punctuation continues on the next line."""
    lines = [line.strip() for line in page_text.splitlines()]
    width = max((len(line) for line in lines), default=0)
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        wrapped = (
            previous
            and line
            and len(previous) >= FULL_LINE_RATIO * width
            and previous[-1] not in TERMINAL
            and not starts_numbered(line)
        )
        if wrapped:
            out[-1] = join_broken(previous, line)
        else:
            out.append(line)
    return "\n".join(out)


def load_xlsx(path: Path) -> list[SourceLine]:
    """Excel: each sheet becomes a table, its name a heading."""
    import openpyxl

    workbook = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    lines: list[SourceLine] = []
    number = 0
    try:
        for sheet in workbook.worksheets:
            number += 1
            lines.append(SourceLine(clean_cell(sheet.title), number, False, 1, True))
            rows = ([_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
            sheet_rows = [_trim(r) for r in rows]
            lines.extend(_table_rows(sheet_rows, number))
            number += len(sheet_rows)
    finally:
        workbook.close()
    return lines


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_cell(str(value))


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    return cells


LOADERS: dict[str, Callable[[Path], list[SourceLine]]] = {
    ".txt": load_txt,
    ".md": load_md,
    ".docx": load_docx,
    ".pdf": load_pdf,
    ".xlsx": load_xlsx,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(LOADERS)


def load_lines(path: Path) -> list[SourceLine]:
    """Load a file into lines; any failure becomes an `InputError` naming the file, in Chinese."""
    path = Path(path)
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        supported = "、".join(sorted(SUPPORTED_SUFFIXES))
        raise InputError(f"不支持的文件类型“{path.name}”（支持：{supported}）")
    if not path.is_file():
        raise InputError(f"找不到文件“{path}”")
    try:
        return loader(path)
    except InputError:
        raise
    except Exception as exc:
        # python-docx, pypdf and openpyxl each raise their own types on a damaged file (PackageNotFoundError,
        # PdfReadError, InvalidFileException, BadZipFile…); the user needs the file name, not the type.
        raise InputError(
            f"无法读取文件“{path.name}”：文件已损坏、为空，或内容与扩展名不符（请用原软件另存后再导入）"
        ) from exc

"""Word (.docx) through python-docx: body paragraphs and tables in order, merged cells resolved."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.table import Table

from assistant.errors import InputError

from ..document import CellBudget, Paragraph, SourceCell, SourceDocument, SourceTable, clean_text

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUN, _HYPERLINK, _P = _W + "r", _W + "hyperlink", _W + "p"
_WRAPPERS = frozenset(_W + t for t in ("ins", "smartTag", "customXml", "sdt", "sdtContent", "fldSimple"))
"""Elements that hold runs inside a paragraph: a tracked insertion (shown as text in Word), smart tags,
content controls, simple fields."""
_RUN_TEXT = frozenset(_W + t for t in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))


def paragraph_text(p) -> str:
    """The text of a ``w:p`` element as python-docx's ``Paragraph.text`` gives it (runs and hyperlinks'
    runs; breaks, tabs and hyphens by their text equivalents), by walking the children: ``Paragraph.text``
    runs two XPath queries per paragraph and run, most of the time of reading a long document. Unlike it,
    runs inside a tracked insertion, a smart tag or a content control are read too (Word shows them)."""
    out: list[str] = []
    _runs_text(p, out)
    return "".join(out)


def _runs_text(parent, out: list[str]) -> None:
    for child in parent:
        tag = child.tag
        if tag == _RUN:
            out.extend(str(e) for e in child if e.tag in _RUN_TEXT)
        elif tag == _HYPERLINK or tag in _WRAPPERS:
            _runs_text(child, out)


def cell_text(tc) -> str:
    """The text of a ``w:tc`` element as python-docx's ``_Cell.text`` gives it (its paragraphs, one a line)."""
    return "\n".join(paragraph_text(p) for p in _blocks(tc) if p.tag == _P)


def grid_rows(table: Table) -> list[list[tuple[object, str]]]:
    """(cell element, text) of every grid cell of each row, as python-docx's ``row.cells`` gives them — a
    horizontal span repeats its cell, the lower rows of a vertical span give its top cell — in one pass:
    ``row.cells`` looks each vertically merged cell up row by row, which grows with the square of a long
    merged column (seconds for a 30-row form)."""
    out: list[list[tuple[object, str]]] = []
    top: dict[int, object] = {}
    texts: dict[int, str] = {}
    for tr in table._tbl.tr_lst:
        row: list[tuple[object, str]] = []
        col = tr.grid_before
        for tc in tr.tc_lst:
            span = tc.grid_span
            root = top.get(col, tc) if tc.vMerge == "continue" else tc
            for k in range(span):
                top[col + k] = root
            key = id(root)
            if key not in texts:
                texts[key] = cell_text(root)
            row.extend([(root, texts[key])] * span)
            col += span
        out.append(row)
    return out


def _table(table: Table, index: int, budget: CellBudget) -> SourceTable:
    rows: list[list[SourceCell]] = []
    above: list[object] = []
    for r, cells in enumerate(grid_rows(table), start=1):
        budget.add(len(cells), f"表{index}")
        out: list[SourceCell] = []
        previous = None
        for c, (tc, text) in enumerate(cells, start=1):
            covered = tc is previous or (c - 1 < len(above) and above[c - 1] is tc)
            out.append(SourceCell(text=clean_text(text), row=r, column=c, covered=covered))
            previous = tc
        above = [tc for tc, _ in cells]
        rows.append(out)
    return SourceTable(index=index, rows=rows)


def _blocks(body):
    """The paragraphs and tables of a body or cell in order, those inside block-level content controls
    (w:sdt) too."""
    for child in body.iterchildren():
        if child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _blocks(content)
        else:
            yield child


def read_docx(path: Path) -> SourceDocument:
    try:
        document = Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise InputError(f"无法读取 Word 文件“{path.name}”：文件已损坏或不是 .docx") from None
    except Exception:  # python-docx/lxml raise many types for a broken package
        raise InputError(
            f"无法读取 Word 文件“{path.name}”：文件已损坏或内容与扩展名不符（请用原软件另存后再试）"
        ) from None
    doc = SourceDocument(name=path.name, format="docx")
    budget = CellBudget(path.name)
    line = 0

    def read_blocks(parent) -> None:
        nonlocal line
        for child in _blocks(parent):
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                line += 1
                text = clean_text(paragraph_text(child))
                if text:
                    doc.blocks.append(Paragraph(text=text, line=line))
            elif tag == "tbl" and _is_layout(child):
                # a table used for page layout (a web page pasted into Word): its cells' content is read
                for tc in child.iter(_W + "tc"):
                    if _owner_table(tc) is child:
                        read_blocks(tc)
            elif tag == "tbl":
                budget.table()
                doc.blocks.append(_table(Table(child, document), len(doc.tables()) + 1, budget))

    read_blocks(document.element.body)
    return doc


def _owner_table(element):
    node = element.getparent()
    while node is not None and node.tag != _W + "tbl":
        node = node.getparent()
    return node


def _is_layout(tbl) -> bool:
    """A table holding tables with more rows than its own (a page-layout table); a real table with a small
    table inside a cell is not one (that table is read as the cell's text)."""
    nested = [t for t in tbl.iter(_W + "tbl") if t is not tbl]
    if not nested:
        return False
    own = sum(1 for tr in tbl.iter(_W + "tr") if _owner_table(tr) is tbl)
    inner = sum(1 for t in nested for tr in t.iter(_W + "tr") if _owner_table(tr) is t)
    return inner > own

"""Word (.docx) through python-docx: body paragraphs and tables in order, merged cells resolved."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from assistant.errors import InputError

from ..document import CellBudget, Paragraph, SourceCell, SourceDocument, SourceTable, clean_text


def _table(table: Table, index: int, budget: CellBudget) -> SourceTable:
    rows: list[list[SourceCell]] = []
    above: list[object] = []
    for r, row in enumerate(table.rows, start=1):
        cells = list(row.cells)
        budget.add(len(cells), f"表{index}")
        out: list[SourceCell] = []
        previous = None
        for c, cell in enumerate(cells, start=1):
            tc = cell._tc
            covered = tc is previous or (c - 1 < len(above) and above[c - 1] is tc)
            out.append(SourceCell(text=clean_text(cell.text), row=r, column=c, covered=covered))
            previous = tc
        above = [cell._tc for cell in cells]
        rows.append(out)
    return SourceTable(index=index, rows=rows)


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
    body = document.element.body
    line = 0
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            line += 1
            text = clean_text(DocxParagraph(child, document).text)
            if text:
                doc.blocks.append(Paragraph(text=text, line=line))
        elif tag == "tbl":
            budget.table()
            doc.blocks.append(_table(Table(child, document), len(doc.tables()) + 1, budget))
    return doc

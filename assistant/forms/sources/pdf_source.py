"""PDF with a text layer through pdfplumber: ruled tables per page, the text around them as paragraphs."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import InputError

from ..document import CellBudget, Paragraph, SourceCell, SourceDocument, SourceTable, clean_text

MAX_PAGES = 60


def _inside(top: float, bottom: float, boxes: list[tuple[float, float, float, float]]) -> bool:
    middle = (top + bottom) / 2
    return any(b[1] - 1 <= middle <= b[3] + 1 for b in boxes)


def read_pdf(path: Path) -> SourceDocument:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(str(path))
    except (PDFSyntaxError, ValueError, TypeError, KeyError):
        raise InputError(f"无法读取 PDF 文件“{path.name}”：文件已损坏或不是 PDF") from None
    except Exception:  # pdfminer raises many types for a broken file
        raise InputError(
            f"无法读取 PDF 文件“{path.name}”：文件已损坏或内容与扩展名不符（请用原软件另存后再试）"
        ) from None
    doc = SourceDocument(name=path.name, format="pdf")
    budget = CellBudget(path.name)
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise InputError(f"PDF 文件“{path.name}”有 {len(pdf.pages)} 页，超过 {MAX_PAGES} 页的上限")
        text_chars = 0
        for page_no, page in enumerate(pdf.pages, start=1):
            try:
                found = page.find_tables()
                lines = page.extract_text_lines()
            except Exception:  # a damaged content stream
                raise InputError(
                    f"PDF 文件“{path.name}”第{page_no}页无法解析：文件已损坏或内容与扩展名不符（请用原软件另存后再试）"
                ) from None
            boxes = [t.bbox for t in found]
            items: list[tuple[float, Paragraph | SourceTable]] = []
            for line in lines:
                if not _inside(line["top"], line["bottom"], boxes):
                    text = clean_text(line["text"])
                    text_chars += len(text)
                    if text:
                        items.append((line["top"], Paragraph(text=text, page=page_no)))
            for table in found:
                budget.table()
                rows: list[list[SourceCell]] = []
                for r, raw in enumerate(table.extract(), start=1):
                    budget.add(len(raw), f"第{page_no}页")
                    rows.append(
                        [
                            SourceCell(text=clean_text(value), row=r, column=c, covered=value is None)
                            for c, value in enumerate(raw, start=1)
                        ]
                    )
                items.append((table.bbox[1], SourceTable(index=0, rows=rows, page=page_no)))
            for _, block in sorted(items, key=lambda item: item[0]):
                if isinstance(block, SourceTable):
                    block.index = len(doc.tables()) + 1
                doc.blocks.append(block)
        if not doc.tables() and text_chars > 0:
            raise InputError(
                f"PDF 文件“{path.name}”中没有带框线的表格（表格可能只靠空格对齐），无法可靠地分出各列；"
                "请提供 Word/Excel 原件或带表格框线的 PDF"
            )
        if not doc.tables() and text_chars == 0:
            raise InputError(
                f"PDF 文件“{path.name}”是扫描件（页面是图片，没有文字层），无法读取表格：请先用 OCR 软件识别成文字"
                "并核对，或把表中内容录入 Excel/Word，也可提供可复制文字的 PDF 原件"
            )
    return doc

"""PDF with a text layer through pdfplumber: ruled tables per page, the text around them as paragraphs."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import InputError

from ..document import CellBudget, Paragraph, SourceCell, SourceDocument, SourceTable, clean_text

MAX_PAGES = 60


def _inside(top: float, bottom: float, boxes: list[tuple[float, float, float, float]]) -> bool:
    middle = (top + bottom) / 2
    return any(b[1] - 1 <= middle <= b[3] + 1 for b in boxes)


def _segments(words: list[dict], gap: float) -> list[tuple[float, float, str]]:
    """A line's words joined into cell texts: words closer than ``gap`` belong to one cell."""
    out: list[list] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        if out and word["x0"] - out[-1][1] < gap:
            out[-1][1] = max(out[-1][1], word["x1"])
            ascii_pair = out[-1][2][-1:].isascii() and word["text"][:1].isascii()
            out[-1][2] += (" " if ascii_pair else "") + word["text"]
        else:
            out.append([word["x0"], word["x1"], word["text"]])
    return [(a, b, clean_text(t)) for a, b, t in out]


def _columns(lines: list[list[tuple[float, float, str]]], header: list[tuple[float, float, str]] | None):
    """Column spans of a block of lines: the x-ranges their cells cover, merged where they overlap, split
    again where the header names two columns inside one span."""
    spans: list[list[float]] = []
    for x0, x1, _ in sorted((seg for line in lines for seg in line), key=lambda seg: seg[0]):
        if spans and x0 <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    if header:
        split: list[list[float]] = []
        for span in spans:
            inside = sorted(seg[0] for seg in header if span[0] - 1 <= seg[0] <= span[1])
            cuts = [span[0], *inside[1:], span[1]]
            split.extend([a, b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a)
        spans = split or spans
    return spans


def unruled_blocks(page, page_no: int) -> list[Paragraph | SourceTable]:
    """A page without ruling lines read by word positions: lines of several cells form tables whose
    columns are the x-ranges their cells occupy (a new table at each header row); lines of one text
    are paragraphs. [] when the page has no words."""
    from ..layout import budget_columns as budget_header
    from ..layout import indicator_columns as indicator_header

    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)
    if not words:
        return []
    heights = sorted(w["bottom"] - w["top"] for w in words)
    size = heights[len(heights) // 2] or 8
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(word["top"] - rows[-1][0]["top"]) <= size * 0.4:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = [_segments(r, size * 0.8) for r in rows]

    def is_header(segs) -> bool:
        cells = [SourceCell(text=t, row=0, column=i) for i, (_, _, t) in enumerate(segs)]
        return indicator_header(cells) is not None or budget_header(cells) is not None

    blocks: list[Paragraph | SourceTable] = []
    group: list[list[tuple[float, float, str]]] = []

    def flush() -> None:
        if not group:
            return
        header = group[0] if is_header(group[0]) else None
        spans = _columns(group, header)
        grid = []
        for r, segs in enumerate(group, start=1):
            texts = [""] * len(spans)
            for x0, _, text in segs:
                at = next((i for i, (a, b) in enumerate(spans) if a - 1 <= x0 < b), None)
                if at is None:
                    at = min(range(len(spans)), key=lambda i: abs(spans[i][0] - x0))
                texts[at] = f"{texts[at]} {text}".strip() if texts[at] else text
            grid.append([SourceCell(text=t, row=r, column=c) for c, t in enumerate(texts, start=1)])
        blocks.append(SourceTable(index=0, rows=grid, page=page_no))
        group.clear()

    for segs in lines:
        if len(segs) < 2:
            flush()
            if segs and segs[0][2]:
                blocks.append(Paragraph(text=segs[0][2], page=page_no))
            continue
        if group and is_header(segs):
            flush()
        group.append(segs)
    flush()
    return blocks if any(isinstance(b, SourceTable) for b in blocks) else []


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
            if not found:
                positioned = unruled_blocks(page, page_no)
                if positioned:
                    for block in positioned:
                        if isinstance(block, SourceTable):
                            budget.table()
                            budget.add(sum(len(r) for r in block.rows), f"第{page_no}页")
                            block.index = len(doc.tables()) + 1
                        else:
                            text_chars += len(block.text)
                        doc.blocks.append(block)
                    continue
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

"""PDF with a text layer through pdfplumber: ruled tables per page, the text around them as paragraphs; a page
without ruling lines is read by word positions, the lines of a wrapped cell joined back to their row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError

from ..document import CellBudget, Paragraph, SourceCell, SourceDocument, SourceTable, clean_text
from ..layout import is_plain_number

MAX_PAGES = 60


def _inside(top: float, bottom: float, boxes: list[tuple[float, float, float, float]]) -> bool:
    middle = (top + bottom) / 2
    return any(b[1] - 1 <= middle <= b[3] + 1 for b in boxes)


def _unit_width(word: dict) -> float:
    """Width of the first unbreakable piece of a word: a run of Latin letters and digits ('2024', 'K3+200'),
    else one character (CJK text breaks between any two characters)."""
    text = word["text"]
    m = re.match(r"[0-9A-Za-z.,%+\-/:]+", text)
    unit = m.group(0) if m else text[:1]
    return (word["x1"] - word["x0"]) * len(unit) / max(len(text), 1)


def _segments(words: list[dict], gap: float) -> list[tuple[float, float, str, float]]:
    """A line's words joined into cell texts: words closer than ``gap`` belong to one cell. Each cell:
    (x0, x1, text, width of its first unbreakable piece)."""
    out: list[list] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        if out and word["x0"] - out[-1][1] < gap:
            out[-1][1] = max(out[-1][1], word["x1"])
            ascii_pair = out[-1][2][-1:].isascii() and word["text"][:1].isascii()
            out[-1][2] += (" " if ascii_pair else "") + word["text"]
        else:
            out.append([word["x0"], word["x1"], word["text"], _unit_width(word)])
    return [(a, b, clean_text(t), u) for a, b, t, u in out]


Segment = tuple[float, float, str, float]


def _columns(lines: list[list[Segment]], header: list[Segment] | None):
    """Column spans of a block of lines: the x-ranges their cells cover, merged where they overlap, split
    again where the header names two columns inside one span. Lines of three cells or more decide (a line
    of two, such as '联系人：… 联系电话：…' under a table, would bridge columns); lines of fewer cells only
    when no line has three."""
    deciding = [line for line in lines if len(line) >= 3] or lines
    spans: list[list[float]] = []
    for x0, x1, *_ in sorted((seg for line in deciding for seg in line), key=lambda seg: seg[0]):
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


def _column_of(spans: list[list[float]], x0: float) -> int:
    at = next((i for i, (a, b) in enumerate(spans) if a - 1 <= x0 < b), None)
    if at is None:
        at = min(range(len(spans)), key=lambda i: abs(spans[i][0] - x0))
    return at


@dataclass
class _Line:
    """One printed line of a page: its top and its cell texts with their x-ranges."""

    top: float
    segs: list[Segment]


def _wraps(previous: _Line, line: _Line, spans: list[list[float]], size: float) -> bool:
    """Whether ``line`` continues the cells of ``previous`` (text wrapped inside its cells): it follows at
    the line pitch, holds no bare number (a new row of a form has its 分值 or amounts), and each of its texts
    stands in a column where the line above holds a text whose end plus the first piece of this text would
    pass the column's right edge (a cell wraps only when the next piece does not fit)."""
    if not spans or line.top - previous.top > 2.3 * size:
        return False
    if any(is_plain_number(seg[2]) for seg in line.segs):
        return False
    above: dict[int, float] = {}
    for x0, x1, *_ in previous.segs:
        column = _column_of(spans, x0)
        above[column] = max(above.get(column, 0.0), x1)
    for x0, _, _, unit in line.segs:
        column = _column_of(spans, x0)
        right = spans[column][1]
        if column not in above or above[column] + unit < right - 0.5 * size:
            return False
    return True


def unruled_blocks(page, page_no: int) -> list[Paragraph | SourceTable]:
    """A page without ruling lines read by word positions: lines of several cells form tables whose
    columns are the x-ranges their cells occupy (a new table at each header row); lines of one text
    are paragraphs, unless they continue a cell wrapped onto the next line, which is joined to its row.
    [] when the page has no words."""
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
    lines = [_Line(top=min(w["top"] for w in r), segs=_segments(r, size * 0.8)) for r in rows]

    def is_header(segs) -> bool:
        cells = [SourceCell(text=seg[2], row=0, column=i) for i, seg in enumerate(segs)]
        return indicator_header(cells) is not None or budget_header(cells) is not None

    blocks: list[Paragraph | SourceTable] = []
    group: list[_Line] = []

    def flush() -> None:
        if not group:
            return
        header = group[0].segs if is_header(group[0].segs) else None
        spans = _columns([line.segs for line in group], header)
        grid: list[list[str]] = []
        previous: _Line | None = None
        for line in group:
            texts = [""] * len(spans)
            for x0, _, text, _ in line.segs:
                at = _column_of(spans, x0)
                texts[at] = f"{texts[at]} {text}".strip() if texts[at] else text
            if grid and previous is not None and _wraps(previous, line, spans, size):
                grid[-1] = [clean_text(f"{a}\n{b}") if b else a for a, b in zip(grid[-1], texts, strict=True)]
            else:
                grid.append(texts)
            previous = line
        table_rows = [
            [SourceCell(text=t, row=r, column=c) for c, t in enumerate(texts, start=1)]
            for r, texts in enumerate(grid, start=1)
        ]
        blocks.append(SourceTable(index=0, rows=table_rows, page=page_no))
        group.clear()

    for line in lines:
        if len(line.segs) < 2:
            if group and line.segs:
                spans = _columns([g.segs for g in group], group[0].segs if is_header(group[0].segs) else None)
                if _wraps(group[-1], line, spans, size):
                    group.append(line)
                    continue
            flush()
            if line.segs and line.segs[0][2]:
                blocks.append(Paragraph(text=line.segs[0][2], page=page_no))
            continue
        if group and is_header(line.segs):
            flush()
        group.append(line)
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

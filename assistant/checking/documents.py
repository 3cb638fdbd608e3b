"""Read a draft (Markdown, plain text or DOCX) into located sentences and table cells.

Plain text follows the corpus conventions: a table row is a line with tab-separated cells, tables broken by a
page (blank lines only in between) are joined, and headings are recognised by the Chinese outline markers
(一、 （一） 1. （1） 1.1.) or Markdown '#'. A title line ending in 绩效评价报告 / 自评表 opens a new part, so a
departmental final account holding many reports is checked report by report.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from assistant.errors import InputError
from assistant.text import split_sentences as text_sentences

from .limits import bounded_pieces, check_chars, check_size, paragraph_head
from .models import Document, Part, Segment, Table

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_HEADING_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(r"^[一二三四五六七八九十]{1,3}、\S")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]\s*\S")),
    (3, re.compile(r"^\d{1,2}(?:[.．、](?!\d)|\s)\s*[^\d\s.．、]")),
    (4, re.compile(r"^[（(]\d{1,2}[)）]\s*\S")),
]
_OUTLINE_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,4})\.?\s+\S")
_TITLE = re.compile(r"(绩效评价报告|绩效评估报告|绩效自评表|自评报告)\s*(\([^)]*\)|（[^）]*）)?\s*$")
_TOC_LINE = re.compile(r"\.{4,}|…{2,}")
_MAX_HEADING_CHARS = 40
_HEADING_STYLE = re.compile(r"(?:Heading|标题)\s*(\d)")
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL = _W_NS + "p", _W_NS + "tbl"


def heading_level(line: str) -> int | None:
    """The outline level of a heading line, or None for body text (a long line or one ending a sentence)."""
    text = line.strip()
    if not text or len(text) > _MAX_HEADING_CHARS or text[-1] in "。；;，,：:":
        return None
    if m := _MD_HEADING.match(text):
        return len(m.group(1))
    if m := _OUTLINE_NUMBER.match(text):
        return m.group(1).count(".") + 1
    for level, pattern in _HEADING_PATTERNS:
        if pattern.match(text):
            return level
    return None


def is_title(line: str) -> bool:
    """True for a report or form title line, which opens a new part."""
    text = line.strip().lstrip("#").strip()
    return bool(text) and len(text) <= 80 and not _TOC_LINE.search(text) and bool(_TITLE.search(text))


_SENTENCE_END = "。！？；;!?：:"


def _display_width(text: str) -> int:
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Lines of a PDF page back into paragraphs: a line filling the text width (≥ 80% of the widest line) that
    does not end a sentence continues on the next line, unless one of the two is a title or a heading.
    '…评价等级' + '为“良”。' is one sentence again, so its figures are checked together."""
    widest = max((_display_width(line.strip()) for line in lines), default=0)
    out: list[str] = []
    open_line = False
    for raw in lines:
        line = raw.strip()
        if not line:
            open_line = False
            continue
        starts_block = is_title(line) or heading_level(line) is not None
        if open_line and not starts_block:
            out[-1] += line
        else:
            out.append(line)
        last = out[-1]
        # a line filling the width is body text even when it opens like a heading ('（一）项目决策。本部分…')
        open_line = (
            not is_title(last) and last[-1] not in _SENTENCE_END and _display_width(line) >= 0.8 * widest
        )
    return out


def _title_key(title: str) -> str:
    return re.sub(r"\s|项目|支出|\d{4}\s*年度?", "", title)


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph after 。！？； keeping the punctuation (the shared splitter; a soft line break
    inside a Word paragraph does not end a sentence)."""
    return text_sentences(paragraph, lines=False)


class _Builder:
    """Accumulates segments and tables while tracking headings, parts and paragraph numbers."""

    def __init__(self, source: str) -> None:
        self.doc = Document(source=source)
        self._set_headings([])
        self.part = 0
        self.paragraph = 0
        self.last_line = ""
        self.block: int | None = None
        """The body block being read (DOCX paragraph/table order, or the text line); set by the reader."""

    @property
    def heading_path(self) -> list[str]:
        return self._path

    def _set_headings(self, headings: list[tuple[int, str]]) -> None:
        self.headings = headings
        self._path = [text for _, text in headings]

    def title(self, text: str) -> None:
        """Open a new part, unless this title repeats the current one (a cover page, then the body)."""
        title = text.strip().lstrip("#").strip()
        if len(title) <= 8 and self.last_line:  # a bare '绩效评价报告' under a project-name line
            title = self.last_line + title
        repeated = "报告" in title and _title_key(title) == _title_key(self.doc.parts[-1].title)
        if not repeated:
            self.part += 1
            self.doc.parts.append(Part(index=self.part, title=title))
        self._set_headings([])
        self._heading_segment(text.strip().lstrip("#").strip())
        self.last_line = title

    def heading(self, level: int, text: str) -> None:
        kept = [(lv, t) for lv, t in self.headings if lv < level]
        self._set_headings([*kept, (level, text.strip().lstrip("#").strip())])
        self._heading_segment(text.strip().lstrip("#").strip())
        self.last_line = text.strip()

    def _heading_segment(self, text: str) -> None:
        """Headings are segments too: '（一）决策指标（满分14分）' states figures like any sentence."""
        if not text:
            return
        self.doc.segments.append(
            Segment.model_construct(
                kind="heading",
                table=None,
                row=None,
                col=None,
                header=None,
                text=text,
                heading_path=self.heading_path,
                part=self.part,
                paragraph=self.paragraph,
                block=self.block,
            )
        )
        self.paragraph += 1

    def paragraph_text(self, text: str) -> None:
        text, left_out = paragraph_head(text)
        for sentence in split_sentences(text):
            for piece in bounded_pieces(sentence):
                self.doc.segments.append(
                    Segment.model_construct(
                        kind="sentence",
                        table=None,
                        row=None,
                        col=None,
                        header=None,
                        text=piece,
                        heading_path=self.heading_path,
                        part=self.part,
                        paragraph=self.paragraph,
                        block=self.block,
                    )
                )
        if left_out and self.doc.segments:
            self.doc.truncated.append((len(self.doc.segments) - 1, left_out))
        self.paragraph += 1
        self.last_line = text.strip()

    def table(self, rows: list[list[str]], source_rows: list[int] | None = None) -> None:
        """Add a table; ``source_rows`` are the rows' indices in the file (default: their order)."""
        numbered = list(enumerate(rows)) if source_rows is None else list(zip(source_rows, rows, strict=True))
        kept = [(k, [c.strip() for c in r]) for k, r in numbered if any(c.strip() for c in r)]
        if not kept:
            return
        rows = [r for _, r in kept]
        index = len(self.doc.tables)
        table = Table(
            index=index,
            rows=rows,
            heading_path=self.heading_path,
            part=self.part,
            caption=self.last_line[:80],
            block=self.block,
            source_rows=[k for k, _ in kept],
        )
        self.doc.tables.append(table)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if cell:
                    cell, left_out = paragraph_head(cell)
                    for piece in bounded_pieces(cell):
                        self.doc.segments.append(
                            Segment.model_construct(
                                kind="cell",
                                paragraph=None,
                                header=None,
                                text=piece,
                                heading_path=self.heading_path,
                                part=self.part,
                                table=index,
                                row=r,
                                col=c,
                                block=self.block,
                            )
                        )
                    if left_out:
                        self.doc.truncated.append((len(self.doc.segments) - 1, left_out))

    def line(self, line: str) -> None:
        """Route one non-table line: title, heading or body paragraph."""
        text = line.strip()
        if not text:
            return
        if is_title(text):
            self.title(text)
        elif (level := heading_level(text)) is not None:
            self.heading(level, text)
        else:
            self.paragraph_text(text.lstrip("-*• ").strip() if text[:2] in ("- ", "* ") else text)


def _pipe_cells(line: str) -> list[str] | None:
    """Cells of a Markdown pipe-table row, [] for the |---| separator row, None if not a pipe row."""
    text = line.strip()
    if not (text.startswith("|") and text.count("|") >= 2):
        return None
    cells = [c.strip() for c in text.strip("|").split("|")]
    if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
        return []
    return cells


def parse_text(text: str, source: str = "draft") -> Document:
    """Read plain text or Markdown into a Document (a segment's block is its line number)."""
    check_chars(source, len(text))
    builder = _Builder(source)
    pending: list[list[str]] = []
    pending_start = 0
    for number, raw in enumerate(text.splitlines()):
        line = _BOOKMARK.sub("", raw).replace("\u3000", " ").rstrip()
        cells = _pipe_cells(line)
        if cells is None and "\t" in line and line.strip():
            cells = line.split("\t")
        if cells is not None:
            if cells:
                if not pending:
                    pending_start = number
                pending.append(cells)
            continue
        if not line.strip():
            continue  # a blank line keeps a table open: tables broken by a page are joined
        if pending:
            builder.block = pending_start
            builder.table(pending)
            pending = []
        builder.block = number
        builder.line(line)
    if pending:
        builder.block = pending_start
        builder.table(pending)
    return builder.doc


def parse_docx(path: Path) -> Document:
    """Read a DOCX: paragraphs and tables in body order; 'Heading N'/'标题 N' styles give heading levels."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.table import Table as DocxTable

    from assistant.forms.sources.docx_source import grid_rows, paragraph_text

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for a corrupt file
        raise InputError(
            f"无法读取 DOCX 文件 {path.name}：文件已损坏或不是 Word 文档（请用 Word 或 WPS 另存为 .docx 后再审核）。"
        ) from exc
    # Style names looked up once, and a paragraph's style id read from its XML: python-docx's
    # `paragraph.style` searches every style for each paragraph. No pStyle means the default paragraph style.
    style_names = {st.style_id: st.name or "" for st in document.styles}
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    default_name = (default.name or "") if default is not None else ""
    builder = _Builder(path.name)
    chars = 0
    for number, block in enumerate(document.element.body.iterchildren()):
        builder.block = number
        if block.tag == _W_P:
            text = paragraph_text(block).strip()
            chars += len(text)
            check_chars(path.name, chars)
            style_id = block.style
            style = style_names.get(style_id, "") if style_id else default_name
            m = _HEADING_STYLE.match(style)
            if text and m and not is_title(text):
                builder.heading(int(m.group(1)), text)
            elif text:
                builder.line(text)
        elif block.tag == _W_TBL:
            rows: list[list[str]] = []
            for grid in grid_rows(DocxTable(block, document)):
                seen: list[object] = []
                cells = []
                for tc, text in grid:
                    cells.append("" if any(tc is x for x in seen) else text)
                    seen.append(tc)
                chars += sum(len(c) for c in cells)
                check_chars(path.name, chars)
                rows.append(cells)
            builder.table(rows)
    return builder.doc


_BINARY_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x89PNG",
    b"MZ",
    b"\x7fELF",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\xd0\xcf\x11\xe0",
)


def _looks_binary(data: bytes) -> bool:
    """A file that is not text: a known binary header, NUL bytes, or many control characters."""
    head = data[:8192]
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    return bool(head) and controls > len(head) // 100


def read_document(path: str | Path) -> Document:
    """Read a draft file by its extension (.docx, .md, .txt or any UTF-8 text); InputError if unreadable."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"找不到待审核的文件：{p}")
    check_size(p.name, p.stat().st_size)
    if p.suffix.lower() == ".docx":
        return parse_docx(p)
    if p.suffix.lower() == ".doc":
        raise InputError(f"不支持旧版 .doc 文件：{p.name}，请另存为 .docx 后再审核。")
    if p.suffix.lower() == ".pdf":
        raise InputError(f"暂不支持审核 PDF 文件：{p.name}，请另存为 .docx 或文本后再审核。")
    data = p.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return parse_text(data.decode("utf-16"), source=p.name)
        except UnicodeDecodeError:
            pass
    if _looks_binary(data):
        raise InputError(
            f"{p.name} 不是文本文件（内容像图片、程序或其他二进制文件）：请上传 .docx、.md 或 .txt 稿件。"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return parse_text(data.decode(encoding), source=p.name)
        except UnicodeDecodeError:
            continue
    raise InputError(f"无法识别文件编码：{p.name}（请保存为 UTF-8 文本、Markdown 或 DOCX）。")


def document_text(doc: Document) -> str:
    """The checked text of a Document, one line per heading, paragraph and table row in reading order —
    what a front end shows and marks the findings in: a heading as '#'·depth + text, a paragraph as its
    sentences joined, a table row as '| cell | cell |' (its non-empty cells; a merged cell's text once)."""
    lines: dict[tuple[int, int], list[str]] = {}  # (block, paragraph) → pieces, in reading order
    for k, seg in enumerate(doc.segments):
        if seg.kind == "cell" or seg.paragraph is None:
            continue
        key = (seg.block if seg.block is not None else k, seg.paragraph)
        if key not in lines:
            depth = min(max(len(seg.heading_path), 1), 6)
            lines[key] = ["#" * depth + " "] if seg.kind == "heading" else []
        lines[key].append(seg.text)
    ordered = [(block, n, "".join(pieces)) for (block, n), pieces in lines.items()]
    for t in doc.tables:
        block = t.block if t.block is not None else 0
        for r, row in enumerate(t.rows):
            cells = (c.replace("\n", " ").replace("|", "｜") for c in row if c)
            ordered.append((block, r, "| " + " | ".join(cells) + " |"))
    ordered.sort(key=lambda item: (item[0], item[1]))
    return "\n".join(line for _, _, line in ordered)

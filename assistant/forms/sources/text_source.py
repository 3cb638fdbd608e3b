"""Tables pasted from web pages: tab-separated text, Markdown pipe tables, or HTML.

- Tabs: a browser copies a spanned cell once, so a row under a rowspan has fewer fields; its fields are
  aligned to the right of the widest row of the block (trailing cells are always copied, leading ones not).
- Pipes: spanned text is repeated in every cell it covers, as Markdown writers do.
- HTML: rowspan/colspan are expanded into a grid (covered positions repeat the text, marked covered).
Lines outside tables become paragraphs.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import InputError

from ..document import (
    MAX_ROWS,
    MAX_TEXT_CHARS,
    CellBudget,
    Paragraph,
    SourceCell,
    SourceDocument,
    SourceTable,
    clean_text,
)
from ..headers import budget_concept, indicator_concept

MAX_SPAN = 200
"""Largest rowspan/colspan honoured in HTML (a larger one is clamped)."""
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"文件“{name}”不是 UTF-8 或 GBK 编码的文本")


def _pipe_cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [clean_text(part.replace("<br>", "\n").replace("<br/>", "\n")) for part in body.split("|")]


def _pipe_lines(lines: list[str]) -> set[int]:
    """Indices of lines in pipe tables: '| a | b |' rows, or 'a | b' rows in a block with a '--- | ---' line."""
    found: set[int] = set()
    i = 0
    while i < len(lines):
        if "|" not in lines[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and "|" in lines[j]:
            j += 1
        block = range(i, j)
        framed = all(lines[k].strip().startswith("|") for k in block) and any(
            lines[k].strip().count("|") >= 2 for k in block
        )
        if framed or any(_PIPE_SEPARATOR.match(lines[k].strip()) for k in block):
            found.update(block)
        i = j
    return found


_GROUP_CONCEPTS = (None, "target", "actual")
"""What a spanning header cell over a second header row means: a group name ('绩效指标', '预算执行情况'), or
指标值 over 年度指标值 | 实际完成值."""
_LEAF_CLASSES = {
    "level1": 0,
    "level2": 0,
    "level3": 0,
    "level4": 0,
    "target": 1,
    "actual": 1,
    "initial": 2,
    "annual": 2,
    "executed": 2,
}


def _concept(text: str) -> str | None:
    found = indicator_concept(text) or budget_concept(text)
    return found[0] if found else None


def _kind(text: str) -> int:
    return _LEAF_CLASSES.get(_concept(text) or "", 3)


def _header_like(fields: list[str]) -> bool:
    return any(fields) and not any(re.search(r"\d", f) for f in fields)


def _split_header(upper: list[str], lower: list[str], width: int) -> list[list[tuple[str, bool]]] | None:
    """A two-row header as a browser copies it (a spanned cell once, no tab for its span): the upper row's
    group names ('绩效指标', '指标值', '预算执行情况') stand over runs of the lower row's names; the other
    upper cells span both rows. Rebuilt as two full-width rows of (text, covered), or None when the rows do
    not fit."""
    if not (_header_like(upper) and _header_like(lower)) or len(lower) >= width:
        return None
    if len(lower) < 2 or any(_concept(f) is None for f in lower):
        return None
    groups = len(upper) + len(lower) - width
    if groups < 1:
        return None
    # the lower row's names fall into runs of one kind (levels, values, amounts): one run under each group
    runs: list[list[str]] = []
    for field in lower:
        if runs and _kind(runs[-1][-1]) == _kind(field):
            runs[-1].append(field)
        else:
            runs.append([field])
    if groups == 1:
        runs = [list(lower)]
    candidates = [i for i, f in enumerate(upper) if f and _concept(f) in _GROUP_CONCEPTS]
    if len(runs) != groups or len(candidates) < groups:
        return None
    # the group names share words with the names under them ('预算执行情况' over 年初预算数/全年执行数)
    below = set("".join(lower))
    ranked = sorted(candidates, key=lambda i: (-len(set(upper[i]) & below), i))
    chosen = sorted(ranked[:groups])
    top: list[tuple[str, bool]] = []
    bottom: list[tuple[str, bool]] = []
    run = iter(runs)
    for i, field in enumerate(upper):
        if i in chosen:
            names = next(run)
            top += [(field, k > 0) for k in range(len(names))]
            bottom += [(name, False) for name in names]
        else:
            top.append((field, False))
            bottom.append((field, True))
    return [top, bottom] if len(top) == width else None


def _flush(rows: list[tuple[int, list[str]]], kind: str, doc: SourceDocument, budget: CellBudget) -> None:
    if not rows:
        return
    if len(rows) > MAX_ROWS:
        raise InputError(f"文件“{doc.name}”中的表格超过 {MAX_ROWS} 行，未读取")
    budget.table()
    width = max(len(fields) for _, fields in rows)
    rebuilt: dict[int, list[tuple[str, bool]]] = {}
    if kind == "tab":
        for i in range(len(rows) - 1):
            pair = _split_header(rows[i][1], rows[i + 1][1], width)
            if pair is not None:
                rebuilt[i], rebuilt[i + 1] = pair
    grid: list[list[SourceCell]] = []
    for i, (line_no, fields) in enumerate(rows):
        budget.add(width)
        if i in rebuilt:
            grid.append(
                [
                    SourceCell(text=text, row=line_no, column=c, covered=covered)
                    for c, (text, covered) in enumerate(rebuilt[i], start=1)
                ]
            )
            continue
        pad = width - len(fields)
        if kind == "tab":
            padded = [""] * pad + fields
        else:
            padded = fields + [""] * pad
        grid.append([SourceCell(text=text, row=line_no, column=c) for c, text in enumerate(padded, start=1)])
    doc.blocks.append(SourceTable(index=len(doc.tables()) + 1, rows=grid))
    rows.clear()


def read_plain(text: str, name: str, fmt: str) -> SourceDocument:
    """Tab or pipe tables and paragraphs from text."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"文件“{name}”超过 {MAX_TEXT_CHARS} 个字符，未读取")
    doc = SourceDocument(name=name, format=fmt)
    budget = CellBudget(name)
    rows: list[tuple[int, list[str]]] = []
    kind = ""
    all_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    piped = _pipe_lines(all_lines)
    for line_no, raw in enumerate(all_lines, start=1):
        line = raw.rstrip("\n")
        stripped = line.strip()
        if line_no - 1 in piped:
            if kind != "pipe":
                _flush(rows, kind, doc, budget)
                kind = "pipe"
            if not _PIPE_SEPARATOR.match(stripped):
                rows.append((line_no, _pipe_cells(stripped)))
            continue
        if "\t" in line and line.strip("\t ").strip():
            if kind != "tab":
                _flush(rows, kind, doc, budget)
                kind = "tab"
            rows.append((line_no, [clean_text(field) for field in line.split("\t")]))
            continue
        _flush(rows, kind, doc, budget)
        kind = ""
        heading = stripped.lstrip("#").strip()
        if heading:
            doc.blocks.append(Paragraph(text=clean_text(heading), line=line_no))
    _flush(rows, kind, doc, budget)
    return doc


def _html_table(table, index: int, budget: CellBudget) -> SourceTable:
    grid: dict[tuple[int, int], SourceCell] = {}
    r = 0
    for tr in table.iter("tr"):
        if tr.getparent() is not None and _owner_table(tr) is not table:
            continue
        r += 1
        if r > MAX_ROWS:
            raise InputError(f"HTML 表格超过 {MAX_ROWS} 行，未读取")
        c = 1
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = clean_text("\n".join(t for t in td.itertext()))
            rowspan = min(max(_int(td.get("rowspan")), 1), MAX_SPAN)
            colspan = min(max(_int(td.get("colspan")), 1), MAX_SPAN)
            budget.add(rowspan * colspan, f"表{index}")
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = SourceCell(
                        text=text, row=r + dr, column=c + dc, covered=(dr, dc) != (0, 0)
                    )
            c += colspan
    if not grid:
        return SourceTable(index=index, rows=[])
    height = max(k[0] for k in grid)
    width = max(k[1] for k in grid)
    rows = [
        [grid.get((row, col), SourceCell(text="", row=row, column=col)) for col in range(1, width + 1)]
        for row in range(1, height + 1)
    ]
    return SourceTable(index=index, rows=rows)


def _owner_table(element):
    node = element.getparent()
    while node is not None and (not isinstance(node.tag, str) or node.tag.lower() != "table"):
        node = node.getparent()
    return node


def _int(value: str | None) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 1


def read_html(text: str, name: str) -> SourceDocument:
    """Tables (spans expanded) and the text around them from an HTML page or fragment."""
    import lxml.html
    from lxml.etree import ParserError

    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"文件“{name}”超过 {MAX_TEXT_CHARS} 个字符，未读取")
    try:
        root = lxml.html.fromstring(text)
    except (ParserError, ValueError):
        raise InputError(
            f"无法解析 HTML 文件“{name}”：文件已损坏或内容与扩展名不符（请用原软件另存后再试）"
        ) from None
    for bad in root.iter("script", "style"):
        bad.drop_tree()
    doc = SourceDocument(name=name, format="html")
    budget = CellBudget(name)
    block_tags = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "li", "caption", "title"}
    layout: dict[int, tuple[object, bool]] = {}

    def is_layout(table) -> bool:
        """A page-layout table (old portals wrap the content in one): its nested tables hold more rows than
        it holds itself. A real table with a small table inside a cell is not one."""
        key = id(table)
        if key not in layout:
            nested = [t for t in table.iter("table") if t is not table]
            own = sum(1 for tr in table.iter("tr") if _owner_table(tr) is table)
            inner = sum(1 for t in nested for tr in t.iter("tr") if _owner_table(tr) is t)
            layout[key] = (table, bool(nested) and inner > own)  # the element kept: its id stays its own
        return layout[key][1]

    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        owner = _owner_table(element) if tag in block_tags or tag == "table" else None
        if tag == "table":
            if is_layout(element):
                continue  # its tables are read one by one
            if owner is not None and not is_layout(owner):
                continue  # a table inside a cell of a real table is read as part of the cell's text
            budget.table()
            doc.blocks.append(_html_table(element, len(doc.tables()) + 1, budget))
        elif tag in block_tags and (owner is None or is_layout(owner)):
            own = clean_text(" ".join(element.xpath("text()")))
            if own:
                doc.blocks.append(Paragraph(text=own))
    return doc


def read_text_file(path: Path) -> SourceDocument:
    data = path.read_bytes()
    text = decode(data, path.name)
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("html", "htm") or re.search(r"<table[\s>]", text[:200_000], re.I):
        return read_html(text, path.name)
    return read_plain(text, path.name, "md" if suffix == "md" else "txt")

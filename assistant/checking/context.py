"""What every check reads: the document, the numbers of each segment, and tables with headers resolved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from .exemptions import exemption_reasons
from .limits import Deadline
from .models import Document, Finding, NumberMention, Segment, Table
from .numbers import extract_numbers, normalize, role_from_words

_HEADER_WORDS = (
    "指标",
    "分值",
    "满分",
    "得分",
    "权重",
    "预算",
    "执行",
    "项目",
    "序号",
    "年度",
    "金额",
    "名称",
    "评分",
    "说明",
    "依据",
    "单位",
    "人数",
    "占比",
    "比例",
    "合同",
    "内容",
    "数量",
    "份数",
    "选项",
    "百分比",
    "满意",
    "等级",
    "总分",
)
_TOTAL_LABELS = re.compile(r"^\s*(合\s*计|总\s*计|总\s*分|总得分|小\s*计)\s*[:：]?\s*$")
_PURE_NUMBER = re.compile(r"^\s*[-+]?[\d,，.．０-９]+\s*[%％]?\s*(分|万元|元)?\s*$")
LEVEL1_NAMES = (
    "决策",
    "过程",
    "产出",
    "效益",
    "成本",
    "项目决策",
    "项目过程",
    "项目产出",
    "项目效益",
    "项目管理",
    "项目基础管理",
    "项目绩效",
    "项目效益",
    "成本指标",
    "产出指标",
    "效益指标",
    "满意度指标",
    "满意度",
)


@lru_cache(maxsize=65536)
def is_number_cell(text: str) -> bool:
    """A cell holding only a number (with % or a money/score unit)."""
    return bool(_PURE_NUMBER.match(text)) and bool(re.search(r"\d", normalize(text)))


_CJK = re.compile(r"[\u4e00-\u9fa5]")
_SENTENCE_MARKS = re.compile(r"[，。；：,;:（(“]")


@lru_cache(maxsize=65536)
def is_sentence_cell(text: str) -> bool:
    """A cell holding words and figures together, the way a sentence does ('总分88.8分，等级为“良”',
    '3040.78（预算执行率97.46%）'), not a bare figure or a short label."""
    if is_number_cell(text) or not _CJK.search(text) or not re.search(r"\d", normalize(text)):
        return False
    return len(text) >= 12 or bool(_SENTENCE_MARKS.search(text))


@lru_cache(maxsize=65536)
def cell_number(text: str) -> tuple[Decimal, int] | None:
    """The number of a pure-number cell and its written decimals, or None."""
    if not is_number_cell(text):
        return None
    digits = re.search(r"\d[\d,]*(?:\.\d+)?", normalize(text).replace("，", ","))
    if not digits:
        return None
    raw = digits.group(0).replace(",", "")
    return Decimal(raw), (len(raw.split(".")[1]) if "." in raw else 0)


def total_label(row: list[str]) -> str | None:
    """'合计', '小计', '总分'… when the row is a total row."""
    for cell in row:
        if cell and not is_number_cell(cell):
            m = _TOTAL_LABELS.match(cell)
            return re.sub(r"\s", "", m.group(1)) if m else None
    return None


def _is_header_row(row: list[str]) -> bool:
    cells = [re.sub(r"\s", "", c) for c in row if c]
    if len(cells) < 2 or any(is_number_cell(c) for c in cells) or any(len(c) > 16 for c in cells):
        return False
    return sum(any(w in c for w in _HEADER_WORDS) for c in cells) >= 2


@dataclass
class TableView:
    """A table with each data row's column headers resolved (repeated header rows restart the mapping)."""

    table: Table
    headers: list[list[str | None]] = field(default_factory=list)
    header_rows: set[int] = field(default_factory=set)
    section: list[int] = field(default_factory=list)  # which header block each row belongs to

    @classmethod
    def build(cls, table: Table) -> TableView:
        view = cls(table=table)
        header: list[str] | None = None
        block = -1
        offset = 0
        rows = table.rows
        for r, row in enumerate(rows):
            if _is_header_row(row):
                # a header repeated after a page break continues the same block
                if header is None or [c for c in row if c] != [c for c in header if c]:
                    block += 1
                header = row
                view.header_rows.add(r)
                view.headers.append([c or None for c in row])
                view.section.append(block)
                offset = _block_offset(rows, r, header)
                continue
            view.section.append(block)
            if header is None:
                view.headers.append([None] * len(row))
                continue
            h = _rstrip(header)
            shift = _row_offset(row, h, offset)
            view.headers.append([h[c - shift] if 0 <= c - shift < len(h) else None for c in range(len(row))])
        return view

    def role(self, r: int, c: int) -> str | None:
        """The role the column header gives cell (r, c): 得分, 满分, 得分率…"""
        header = self.headers[r][c] if c < len(self.headers[r]) else None
        return column_role(header) if header else None

    def numbers(self, r: int) -> dict[str, tuple[int, Decimal, int]]:
        """Role → (column, value, decimals) for the number cells of row r, first cell per role."""
        found: dict[str, tuple[int, Decimal, int]] = {}
        for c, cell in enumerate(self.table.rows[r]):
            role = self.role(r, c)
            num = cell_number(cell)
            if role and num and role not in found:
                found[role] = (c, num[0], num[1])
        return found

    def labels(self, r: int) -> list[str]:
        """The text cells of row r that name an indicator (not numbers, not long explanations)."""
        out = []
        for c, cell in enumerate(self.table.rows[r]):
            header = self.headers[r][c] if c < len(self.headers[r]) else None
            if cell and not is_number_cell(cell) and len(cell) <= 30 and _is_label_column(header):
                out.append(cell)
        return out


_NUMERIC_ROLES = {"满分", "得分", "得分率", "预算数", "执行数", "执行率", "计数", "占比", "满意度", "扣分"}
_PERCENT_ROLES = {"得分率", "执行率", "占比", "满意度"}


def _fit(row: list[str], header: list[str], shift: int) -> int:
    """How well a row fits the header at a shift: numbers under numeric columns score, text there costs."""
    score = 0
    for c, cell in enumerate(row):
        if not cell or not (0 <= c - shift < len(header)):
            continue
        role = column_role(header[c - shift]) if header[c - shift] else None
        if role not in _NUMERIC_ROLES:
            continue
        if not is_number_cell(cell):
            score -= 1
        elif ("%" in cell or "％" in cell) and role not in _PERCENT_ROLES and "权重" not in header[c - shift]:
            score -= 1
        elif role in ("满分", "得分", "扣分") and (num := cell_number(cell)) and num[0] > 100:
            score -= 1
        elif role in _PERCENT_ROLES and "%" not in header[c - shift] and "%" not in normalize(cell):
            score -= 1  # a bare number under a '得分率' column whose cells carry % is a shifted score
        elif role == "满分" and (num := cell_number(cell)) and 40 < num[0] < 100 and not _groups_only(header):
            score -= 1  # no single indicator weighs more than 40; a larger number here is an amount
        else:
            score += 1
    return score


def _empty_score_column(row: list[str], header: list[str], shift: int) -> bool:
    for k, name in enumerate(header):
        if name and column_role(name) == "得分":
            c = k + shift
            return not (0 <= c < len(row) and row[c])
    return False


def _groups_only(header: list[str]) -> bool:
    """A header naming 一级指标 and no deeper level: its rows are whole groups (产出指标 | 54), which may weigh
    more than any single indicator."""
    names = [re.sub(r"\s", "", h) for h in header if h]
    return any(n.startswith("一级") for n in names) and not any(
        n[:2] in ("二级", "三级", "四级") for n in names
    )


def _misfit(row: list[str], header: list[str], shift: int) -> bool:
    """A number under a named column that takes no number, or text/a wrong number under a numeric one."""
    for c, cell in enumerate(row):
        if not cell or not (0 <= c - shift < len(header)) or not header[c - shift]:
            continue
        role = column_role(header[c - shift])
        if role is None and is_number_cell(cell):
            if not re.search(r"指标值|完成值", header[c - shift]) or _empty_score_column(row, header, shift):
                return True
        if role in _NUMERIC_ROLES and _fit([cell], [header[c - shift]], 0) < 0:
            return True
    return False


def _row_offset(row: list[str], header: list[str], block_offset: int) -> int:
    """The shift that lines a row's cells up with the header: merged cells drop or add leading cells."""
    if not any(is_number_cell(c) for c in row) or not _misfit(row, header, block_offset):
        return block_offset
    width = len(_rstrip(row))
    shifts = range(-max(len(header) - width, 0) - 2, max(width - len(header), 0) + 3)
    best = max(shifts, key=lambda s: (_fit(row, header, s), s == block_offset, -abs(s)))
    return best if _fit(row, header, best) > _fit(row, header, block_offset) else block_offset


def _block_offset(rows: list[list[str]], start: int, header: list[str]) -> int:
    """How far the data rows under a header are shifted right (a merged label cell missing in the header)."""
    width = len(_rstrip(header))
    longest = 0
    for row in rows[start + 1 :]:
        if _is_header_row(row):
            break
        longest = max(longest, len(_rstrip(row)))
    return max(0, longest - width)


def _rstrip(row: list[str]) -> list[str]:
    out = list(row)
    while out and not out[-1]:
        out.pop()
    return out


def _is_label_column(header: str | None) -> bool:
    return header is None or bool(
        re.search(r"指标$|指标名称|^项目$|名称|内容|类别|选项", header.replace(" ", ""))
    )


@lru_cache(maxsize=65536)
def column_role(header: str) -> str | None:
    """The role of a column from its header; indicator-value and description columns have none."""
    h = normalize(header).replace(" ", "")
    if re.search(
        r"指标值|完成值|目标值|标准(?!分)|说明|依据|原因|评分规则|解释|序号|年度|日期|时间|情况|名称", h
    ):
        return None
    if re.search(r"人数|份数|频数|样本|数量|个数|次数", h):
        return "计数"
    if re.search(r"(支出|执行|支付|使用)(比例|比率|进度)", h):
        return "执行率"
    if re.search(r"占比|比例|百分比|构成", h):
        return "占比"
    return role_from_words(h)


@dataclass
class CheckContext:
    """The document with per-segment numbers and table views, shared by all checks."""

    doc: Document
    mentions: list[list[NumberMention]] = field(default_factory=list)
    exempt: list[list[str | None]] = field(default_factory=list)
    views: list[TableView] = field(default_factory=list)
    cell_index: dict[tuple[int, int, int], int] = field(default_factory=dict)
    traced: set[tuple[int, int]] = field(default_factory=set)
    extra_names: set[str] = field(default_factory=set)  # indicator names known from a case
    deadline: Deadline = field(default_factory=lambda: Deadline(None))
    expected: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    """(subject, role) → the scorer's value, when the draft is checked against a case."""
    deductions: dict[str, list[Decimal]] = field(default_factory=dict)
    """Indicator (subject key) → the points of each deduction the case lists for it, when checked against a
    case (an indicator whose name the case uses twice is left out)."""
    amounts: set[Decimal] = field(default_factory=set)
    """The case's budget figures (万元), when checked against a case."""
    cache: dict[str, object] = field(default_factory=dict)
    """Results shared between checks (e.g. the statements of every indicator), computed once."""

    @classmethod
    def build(cls, doc: Document, deadline: Deadline | None = None) -> CheckContext:
        deadline = deadline or Deadline(None)
        views = []
        for t in doc.tables:
            deadline.tick()
            views.append(TableView.build(t))
        ctx = cls(doc=doc, views=views, deadline=deadline)
        for i, seg in enumerate(doc.segments):
            deadline.tick()
            if seg.kind == "cell":
                view = ctx.views[seg.table]
                header = view.headers[seg.row][seg.col] if seg.col < len(view.headers[seg.row]) else None
                if seg.row in view.header_rows:
                    header = None
                seg.header = header
                ctx.cell_index.setdefault((seg.table, seg.row, seg.col), i)
            found = extract_numbers(seg.text, header=column_header_for_role(seg))
            ctx.mentions.append(found)
            ctx.exempt.append(exemption_reasons(seg.text, found))
        return ctx

    def tick(self) -> None:
        """Stop with CheckTimeout when the review's time budget is spent."""
        self.deadline.tick()

    def is_prose(self, i: int) -> bool:
        """A sentence, a heading, or a table cell that holds a sentence (a 总览表 cell such as
        '总分86.03分，等级为“良”'), as opposed to a bare figure or a label under a column header."""
        seg = self.doc.segments[i]
        return seg.kind != "cell" or is_sentence_cell(seg.text)

    def trace(self, seg: int, mention: NumberMention | None = None) -> None:
        """Mark a number (or every number of a segment) as confirmed by a check or a source."""
        for m in self.mentions[seg] if mention is None else [mention]:
            self.traced.add((seg, m.start))

    def trace_cell(self, table: int, row: int, col: int) -> None:
        i = self.cell_index.get((table, row, col))
        if i is not None:
            self.trace(i)

    def cell_place(self, table: int, row: int, col: int) -> tuple[int, str] | None:
        """(segment, text) of a cell, as a relation finding lists the figures it involves."""
        i = self.cell_index.get((table, row, col))
        return (i, self.doc.segments[i].text) if i is not None else None

    def cell_places(self, table: int, cells: list[tuple[int, int]]) -> list[tuple[int, str]]:
        return [p for r, c in cells if (p := self.cell_place(table, r, c)) is not None]

    def cell_segment(self, table: int, row: int, col: int) -> Segment | None:
        i = self.cell_index.get((table, row, col))
        return self.doc.segments[i] if i is not None else None

    def finding_at_cell(self, table: int, row: int, col: int, **kw) -> Finding:
        i = self.cell_index.get((table, row, col))
        seg = self.doc.segments[i] if i is not None else None
        t = self.doc.tables[table]
        text = " | ".join(c for c in t.rows[row] if c)
        location = seg.location if seg else f"表{table + 1} 第{row + 1}行"
        source_row = t.source_rows[row] if row < len(t.source_rows) else row
        return Finding(
            location=location,
            text=text[:300],
            part=t.part,
            segment=i,
            block=t.block,
            row=source_row,
            col=col,
            **kw,
        )

    def finding_at_segment(self, seg: int, **kw) -> Finding:
        """A finding located at a sentence, or at a cell (then the text is the whole row, for context)."""
        s = self.doc.segments[seg]
        if s.kind == "cell":
            f = self.finding_at_cell(s.table, s.row, s.col, **kw)
            return f if f.segment == seg else f.model_copy(update={"segment": seg})
        return Finding(location=s.location, text=s.text[:300], part=s.part, segment=seg, block=s.block, **kw)


def column_header_for_role(seg: Segment) -> str | None:
    """Only headers that carry a role are passed to extraction (a '项目名称' header gives none)."""
    if seg.kind != "cell" or not seg.header:
        return None
    return seg.header if column_role(seg.header) else None

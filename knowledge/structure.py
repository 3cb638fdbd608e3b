"""Turn the lines of one document into blocks: headings (with their path), paragraphs and tables.

Two page-layout cases: a list item cut by a page break ("二十七、…(类)工业和信息产" after the long items
二十五、 and 二十六、) is joined to its continuation instead of becoming a heading; run-in headings
("（一）…有待加强。一是…") are put on a line of their own when every item of their list is one.
"""

from __future__ import annotations

import re

from .document import Block, SourceLine
from .headings import (
    RUN_IN_KINDS,
    HeadingMatch,
    HeadingTracker,
    match_heading,
    numbering,
    split_run_in,
    starts_numbered,
)
from .splitting import is_report_title
from .text import TERMINAL, compact, join_broken

MAX_CAPTION_CHARS = 60
"""A short line right before a table (表1-1 …, 单位：万元) is kept with the table as its caption."""
MIN_BROKEN_LINE_CHARS = 40
"""A paragraph line at least this long that ends without punctuation was cut by a page break."""
MAX_PART_TITLE_CHARS = 20
"""The name of a part ("部门概况") on the line after "第一部分"."""

_FIELD = re.compile(r"^[\u4e00-\u9fa5]{2,8}\s*[：:]")
"""A "项目单位：…" line on a cover page starts a new line of its own."""
_TOC_LEADER = re.compile(r"(\.{3,}|…{2,}|·{3,})\s*\d*$")


def _toc_key(text: str) -> str:
    return compact(_TOC_LEADER.sub("", text.split("\t")[0])).replace(" ", "")


class _TocState:
    """Inside a table of contents (after 目录) headings are entries, until the body starts.

    The body starts with the first line that cannot be a contents entry, or with a heading that repeats
    the first entry ("第一部分 部门概况" in the contents, then "第一部分" in the body).
    """

    def __init__(self) -> None:
        self.active = False
        self.first_entry: str | None = None
        self.entries: dict[str, HeadingMatch] = {}
        """Numbered contents entries by their title: a body line "基本情况" is heading "一、基本情况"."""

    def start(self) -> None:
        self.active, self.first_entry = True, None

    def heading_for(self, line: SourceLine) -> HeadingMatch | None:
        """The contents entry a body line repeats without its number (Word numbering lost in export)."""
        if not self.entries or line.table_row:
            return None
        return self.entries.get(compact(line.text).rstrip("。").replace(" ", ""))

    def consume(self, line: SourceLine, heading: HeadingMatch | None) -> bool:
        """True if `line` is a contents entry; False ends the contents."""
        key = _toc_key(line.text)
        if self.first_entry is not None and heading is not None:
            if key and (key.startswith(self.first_entry) or self.first_entry.startswith(key)):
                self.active = False
                return False
        entry = line.table_row or line.text.startswith(("- ", "· ", "• ")) or heading is not None
        entry = entry or bool(_TOC_LEADER.search(line.text))
        if not entry:
            self.active = False
            return False
        if self.first_entry is None and key:
            self.first_entry = key
        entry_heading = match_heading(_TOC_LEADER.sub("", line.text.split("\t")[0]).strip())
        if entry_heading is not None and entry_heading.title:
            title = compact(entry_heading.title).rstrip("。").replace(" ", "")
            self.entries.setdefault(title, entry_heading)
        return True


def split_run_in_headings(lines: list[SourceLine]) -> tuple[list[SourceLine], dict[int, HeadingMatch]]:
    """Put run-in headings on a line of their own: "（一）…情况。根据…" becomes "（一）…情况。" and "根据…".

    Only for a whole list: every item of a numbered run (（一）（二）（三）… in one style, numbered from one
    up without a gap) must be either a heading line already or a run-in heading, so a list of duties
    whose items merely start with a short sentence stays a list of paragraphs. Returns the lines and the
    headings of the split-off heading lines (by line object id).
    """
    runs: list[list[int]] = []
    current: dict[str, tuple[int, list[int]]] = {}
    """The open run of each style: its last number and its items (indices into `lines`)."""
    for index, line in enumerate(lines):
        number = None if line.table_row else numbering(line.text)
        if number is None or number[0] not in RUN_IN_KINDS:
            continue
        kind, value = number
        last, items = current.get(kind, (0, []))
        if value == last + 1 and items:
            items.append(index)
        else:
            items = [index]
            runs.append(items)
        current[kind] = (value, items)
    split: dict[int, tuple[HeadingMatch, str]] = {}
    for run in runs:
        if numbering(lines[run[0]].text)[1] != 1:
            continue
        parts = {i: split_run_in(lines[i].text) for i in run if match_heading(lines[i].text) is None}
        if parts and all(parts.values()):
            split.update(parts)  # type: ignore[arg-type]
    out: list[SourceLine] = []
    headings: dict[int, HeadingMatch] = {}
    for index, line in enumerate(lines):
        if index in split:
            heading, rest = split[index]
            head = SourceLine(heading.text, line.number, False, None, line.blank_before)
            headings[id(head)] = heading
            out.extend([head, SourceLine(rest, line.number, False, None, False)])
        else:
            out.append(line)
    return out, headings


def build_blocks(lines: list[SourceLine]) -> list[Block]:
    """Recognise headings, tables and paragraphs in order; every block records its heading path."""
    lines, run_in = split_run_in_headings(lines)
    tracker = HeadingTracker()
    toc = _TocState()
    blocks: list[Block] = []
    list_numbers: list[tuple[str, int]] = []
    """Numbering of the paragraphs since the last heading that cannot be headings ("二十五、…（项）：反映…。")."""
    continues = False
    """The previous line was a list item cut by a page break: this line carries on its text."""
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        cut_item, continues = continues, False
        if cut_item and not line.table_row and not starts_numbered(line.text):
            _add_paragraph(blocks, line, tracker.path, allow_join=True, force_join=True)
            continue
        if line.table_row:
            rows = [line.cells]
            while index < len(lines) and lines[index].table_row:
                rows.append(lines[index].cells)
                index += 1
            if toc.active:
                for row_line in lines[index - len(rows) : index]:
                    toc.consume(row_line, None)
            caption = _take_caption(blocks)
            blocks.append(
                Block(kind="table", text=caption, rows=rows, heading_path=tracker.path, line=line.number)
            )
            continue
        heading = run_in.get(id(line)) or _heading_of(line)
        if toc.active:
            if toc.consume(line, heading):
                _add_paragraph(blocks, line, tracker.path, allow_join=False)
                continue
            tracker.close_labels()
        if heading is None:
            heading = toc.heading_for(line)
        if heading is None and is_report_title(line.text):
            # A report's own title line after its cover and overview page: the body starts afresh.
            tracker.reset()
        if heading is not None and heading.title.endswith("。") and line.heading_level is None:
            # "（十）负责本部门党的建设…工作。" followed by "（十一）…。" is a list of duties: a heading ending
            # in 。 must be followed by its own text.
            following = lines[index] if index < len(lines) else None
            if following is None or following.table_row or starts_numbered(following.text):
                heading = None
        if heading is not None and line.heading_level is None and _continues_list(heading, list_numbers):
            # "二十七、资源勘探工业信息等支出(类)工业和信息产" after the long paragraphs 二十五、 and 二十六、 is the
            # next item of their list, cut short by a page break, not a heading.
            heading = None
            continues = line.text[-1] not in TERMINAL
        if heading is not None and (line.heading_level is not None or tracker.accepts(heading)):
            text = heading.text
            if heading.kind in ("part", "annex") and not heading.title and index < len(lines):
                # "第一部分" on one line, "部门概况" on the next; "附件 1:" then the annex's name.
                following = lines[index]
                label = _heading_of(following)
                if (
                    not following.table_row
                    and len(following.text)
                    <= (MAX_PART_TITLE_CHARS if heading.kind == "part" else MAX_CAPTION_CHARS)
                    and not following.text.endswith("。")
                    and (label is None or label.kind == "label")
                ):
                    text = f"{text} {following.text}"
                    index += 1
            heading = HeadingMatch(heading.kind, heading.number, text, heading.title)
            path = tracker.push(heading, line.heading_level)
            blocks.append(Block(kind="heading", text=text, heading_path=path, line=line.number))
            list_numbers.clear()
            if heading.kind == "label" and compact(text).replace(" ", "") == "目录":
                toc.start()
            continue
        number = numbering(line.text)
        if number is not None and match_heading(line.text) is None:
            # Only items too long (or too punctuated) to be headings make a list of paragraphs.
            list_numbers.append(number)
        _add_paragraph(blocks, line, tracker.path, allow_join=True)
    return blocks


def _continues_list(heading: HeadingMatch, list_numbers: list[tuple[str, int]]) -> bool:
    """True if `heading` numbers the next item of a list of at least two paragraphs in its style."""
    numbers = [number for kind, number in list_numbers if kind == heading.kind]
    return numbers[-2:] == [heading.number - 2, heading.number - 1]


def _heading_of(line: SourceLine) -> HeadingMatch | None:
    if line.table_row:
        return None
    if line.text.startswith(("- ", "· ", "• ")):
        return None
    heading = match_heading(line.text)
    if heading is None and line.heading_level is not None and len(line.text) <= 60:
        return HeadingMatch(f"level{line.heading_level}", 0, line.text, line.text)
    return heading


def _add_paragraph(
    blocks: list[Block], line: SourceLine, path: list[str], allow_join: bool, force_join: bool = False
) -> None:
    """Append `line` as a paragraph, or join it to the previous one when a page break cut that one short
    (long and without closing punctuation, or `force_join`: a list item known to be cut)."""
    previous = blocks[-1] if blocks else None
    if (
        allow_join
        and previous is not None
        and previous.kind == "paragraph"
        and previous.heading_path == path
        and (force_join or len(previous.text) >= MIN_BROKEN_LINE_CHARS)
        and previous.text[-1] not in TERMINAL
        and not is_report_title(previous.text)
        and not _FIELD.match(line.text)
    ):
        previous.text = join_broken(previous.text, line.text)
        return
    blocks.append(Block(kind="paragraph", text=line.text, heading_path=list(path), line=line.number))


def _take_caption(blocks: list[Block]) -> str:
    """Move up to two short lines right before a table (same section) into the table as its caption."""
    caption: list[str] = []
    while (
        blocks
        and len(caption) < 2
        and blocks[-1].kind == "paragraph"
        and len(blocks[-1].text) <= MAX_CAPTION_CHARS
        and not blocks[-1].text.endswith("。")
    ):
        caption.insert(0, blocks.pop().text)
    return " ".join(caption)

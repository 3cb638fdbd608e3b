"""Split the lines of one file into the documents it holds, each with its title.

A department's final accounts (002_…txt) hold the accounts themselves, then self-evaluation forms, then
evaluation reports. A form starts at "项目支出绩效自评表 (2023年度)". A report starts at its title line
("… 绩效评价报告") or at its cover page, where the project name and "绩效评价报告" stand on two lines; the
cover, the 绩效评价总览表 and the contents that follow belong to the same report, whose title line repeats
the cover title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import SourceLine
from .headings import match_heading
from .text import compact

_FORM_START = re.compile(r"^项目支出绩效自评表\s*[（(]\s*(\d{4})\s*年度?\s*[)）]")
_REPORT_END = re.compile(r"(评价|评估|自评)报告$")
_PROJECT_NAME = re.compile(r"^项目名称\s*[：:]\s*(.+)$")
_GENERIC_WORDS = re.compile(r"\d{4}年度?|财政|市级|省级|区级|县级|项目|支出|绩效|评价|评估|自评|报告|总览表")
_TITLE_PUNCTUATION = "。，；！？：:"
MAX_TITLE_CHARS = 100
MAX_COVER_LINE_CHARS = 60


@dataclass
class Segment:
    """The lines of one document and what the splitter learned about it."""

    title: str
    kind: str = "other"
    """'self_evaluation' or 'report' when a start line said so; otherwise decided from the text."""
    year: int | None = None
    lines: list[SourceLine] = field(default_factory=list)
    from_cover: bool = False

    @property
    def has_content(self) -> bool:
        """True once the segment holds more than cover lines (short lines such as a unit or a date)."""
        return any(
            line.table_row or len(line.text) > MAX_COVER_LINE_CHARS or match_heading(line.text) is not None
            for line in self.lines
        )


def title_core(title: str) -> str:
    """What identifies a report regardless of the words around the project name."""
    return _GENERIC_WORDS.sub("", compact(title).replace(" ", ""))


def is_report_title(text: str) -> bool:
    """A short line ending in 绩效评价报告 (not a sentence that mentions one)."""
    text = compact(text)
    return (
        len(text) <= MAX_TITLE_CHARS
        and bool(_REPORT_END.search(text))
        and not any(p in text for p in _TITLE_PUNCTUATION)
        and match_heading(text) is None
    )


def split_documents(lines: list[SourceLine], fallback_title: str) -> list[Segment]:
    """Cut `lines` into documents; a file holding one document gives one segment."""
    segments: list[Segment] = [Segment(title="")]
    index = 0
    while index < len(lines):
        line = lines[index]
        current = segments[-1]
        form = None if line.table_row else _FORM_START.match(line.text)
        if form:
            segments.append(Segment(title="", kind="self_evaluation", year=int(form.group(1)), lines=[line]))
            index += 1
            continue
        if not line.table_row and is_report_title(line.text):
            title, cover_lines, consumed = _report_title(lines, index, current)
            same_report = current.kind == "report" and title_core(title) == title_core(current.title)
            if same_report or not current.has_content:
                # The report's own title line after its cover, or a title at the top of the file.
                if not same_report or current.from_cover:
                    current.title = title
                current.kind = "report"
                current.from_cover = current.from_cover and not same_report and bool(cover_lines)
                current.lines.extend(lines[index : index + consumed])
            else:
                for _ in cover_lines:
                    current.lines.pop()
                segments.append(
                    Segment(
                        title=title,
                        kind="report",
                        lines=cover_lines + lines[index : index + consumed],
                        from_cover=bool(cover_lines),
                    )
                )
            index += consumed
            continue
        current.lines.append(line)
        index += 1
    segments = [s for s in segments if s.lines]
    for number, segment in enumerate(segments):
        if not segment.title:
            segment.title = _opening_title(segment, fallback_title if number == 0 else "")
    return segments


def _report_title(lines: list[SourceLine], index: int, current: Segment) -> tuple[str, list[SourceLine], int]:
    """The title starting at lines[index]; the cover line(s) before it that belong to it; lines consumed."""
    text = compact(lines[index].text)
    consumed = 1
    cover: list[SourceLine] = []
    if not title_core(text):
        # A generic title: the project name is on the line before (a cover page), after it in brackets,
        # or in a 项目名称 line just below.
        previous = lines[index - 1] if index > 0 else None
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            previous is not None
            and current.lines
            and current.lines[-1] is previous
            and not previous.table_row
            and len(previous.text) <= MAX_COVER_LINE_CHARS
            and previous.text[-1] not in "。；：:"
            and match_heading(previous.text) is None
        ):
            cover = [previous]
            text = compact(previous.text) + text
        elif following is not None and re.match(r"^[（(].+[)）]$", following.text):
            text = text + "（" + compact(following.text)[1:-1] + "）"
            consumed = 2
        else:
            for candidate in lines[index + 1 : index + 8]:
                name = _PROJECT_NAME.match(candidate.text)
                if name:
                    text = compact(name.group(1)) + "绩效评价报告"
                    break
    return text, cover, consumed


def _opening_title(segment: Segment, fallback: str) -> str:
    """Title of a document that did not start with a recognised title line."""
    if segment.kind == "self_evaluation":
        return _form_title(segment)
    first = segment.lines[0]
    if first.table_row or match_heading(first.text) is not None:
        return fallback
    # The first paragraph of a cover page, possibly broken over lines: "2023 年度 / 济南市大数据局部门决 / 算".
    parts = [first.text]
    for line in segment.lines[1:4]:
        if line.blank_before or line.table_row:
            break
        parts.append(line.text)
    title = compact("".join(parts))
    if len(title) > MAX_TITLE_CHARS or any(p in title for p in _TITLE_PUNCTUATION):
        return fallback
    if not title_core(title):
        for candidate in segment.lines[1:8]:
            name = _PROJECT_NAME.match(candidate.text)
            if name:
                return compact(name.group(1)) + "绩效评价报告"
    return title


def _form_title(segment: Segment) -> str:
    """项目名称 + 项目支出绩效自评表（2023年度）."""
    heading = compact(segment.lines[0].text)
    year = f"（{segment.year}年度）" if segment.year else ""
    for line in segment.lines[1:12]:
        cells = [c for c in line.cells if c]
        if len(cells) >= 2 and cells[0] == "项目名称":
            return f"{compact(cells[1])}项目支出绩效自评表{year}"
    return heading

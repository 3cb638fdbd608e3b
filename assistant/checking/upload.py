"""Review of one uploaded file, for a front end such as the workbench: :func:`review_upload`.

Any file the checker reads — Word (.docx), PDF, Excel (.xlsx), web page (.html/.htm), Markdown or text: the
self-evaluation forms in it are read with the form reader and their reported figures compared with the
scorer's recomputation (as ``pe-assistant check`` does); every other figure goes through the checker's
checks. With a case (the project open in the front end) the file is compared with that case instead.

Importing this module imports what reviewing a Word upload needs (python-docx, the form reader and its
Word source), so a worker pool that preloads it pays no import when a review starts; the PDF and Excel
readers are imported when such a file first arrives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx  # noqa: F401  (imported here so a preloading worker pool has it)
import docx.enum.style  # noqa: F401
from pydantic import BaseModel, Field

import assistant.forms.reader  # noqa: F401
import assistant.forms.sources.docx_source  # noqa: F401
import assistant.scoring.reconcile  # noqa: F401
from assistant.case import Case

from . import check_document, read_for_check
from .documents import document_text
from .limits import DEFAULT_TIME_BUDGET
from .models import CheckReport, Document, Finding

Place = tuple[int, int, int]
"""Where a finding's figure sits in the checked text: (line index, start, end), offsets within that line."""


class UploadReview(BaseModel):
    """The review of an uploaded file: the report and the text that was checked."""

    report: CheckReport
    text: str = Field(
        description="The checked text, one line per heading ('#' + text), paragraph and table row "
        "('| cell | cell |'); each finding's text occurs in it as written"
    )
    forms: int = Field(default=0, description="Self-evaluation forms read from the file and recomputed")
    places: list[Place | None] = Field(
        default_factory=list,
        description="Per finding of report.findings (same order): where its blamed figure sits in `text` — "
        "the cell holding it for a table finding (the whole row when that cell is blank), else the figure "
        "in its sentence (the sentence when the figure is not written in it); None when not known",
    )


def review_upload(
    path: str | Path, case: Case | None = None, time_budget: float | None = DEFAULT_TIME_BUDGET
) -> UploadReview:
    """Review an uploaded file of any type the checker reads (see the module docstring).

    Without ``case``, the forms in the file are recomputed by the scorer and each difference is a finding at
    its cell; with ``case``, the file's figures are compared with the case and its scores. Raises
    :class:`~assistant.errors.InputError` (a Chinese message naming the file) for a file it cannot read and
    :class:`~assistant.checking.limits.CheckTimeout` past ``time_budget`` seconds."""
    document, forms = read_for_check(path, forms=case is None)
    report = check_document(document, case=case, time_budget=time_budget, forms=forms)
    text = document_text(document)
    return UploadReview(
        report=report, text=text, forms=len(forms), places=finding_places(document, text, report.findings)
    )


class _Lines:
    """The lines of ``document_text`` with what each is made of: a paragraph's segments (and where each
    starts in its line) and a table row's cells (and where each non-empty cell starts)."""

    def __init__(self, doc: Document) -> None:
        paragraphs: dict[tuple[int, int], list[int]] = {}  # (block, paragraph) → segment indices
        for k, seg in enumerate(doc.segments):
            if seg.kind == "cell" or seg.paragraph is None:
                continue
            paragraphs.setdefault((seg.block if seg.block is not None else k, seg.paragraph), []).append(k)
        ordered: list[tuple[int, int, str, Any]] = []
        for (block, n), members in paragraphs.items():
            first = doc.segments[members[0]]
            head = "#" * min(max(len(first.heading_path), 1), 6) + " " if first.kind == "heading" else ""
            starts, pos = {}, len(head)
            for k in members:
                starts[k] = pos
                pos += len(doc.segments[k].text)
            line = head + "".join(doc.segments[k].text for k in members)
            ordered.append((block, n, line, ("para", starts)))
        for t in doc.tables:
            for r, row in enumerate(t.rows):
                cells = [c.replace("\n", " ").replace("|", "｜") for c in row if c]
                starts, pos = {}, 2
                for c, cell in enumerate(row):
                    if cell:
                        starts[c] = pos
                        pos += len(cell) + 3
                line = "| " + " | ".join(cells) + " |"
                ordered.append(
                    (t.block if t.block is not None else 0, r, line, ("row", (t.index, r, starts)))
                )
        ordered.sort(key=lambda item: (item[0], item[1]))
        self.lines = [line for _, _, line, _ in ordered]
        self.segment_at: dict[int, tuple[int, int]] = {}  # segment → (line, start)
        self.row_at: dict[tuple[int, int], tuple[int, dict[int, int]]] = {}  # (table, row) → (line, starts)
        for n, (_, _, _, (kind, data)) in enumerate(ordered):
            if kind == "para":
                for k, start in data.items():
                    self.segment_at[k] = (n, start)
            else:
                table, r, starts = data
                self.row_at[(table, r)] = (n, starts)


def _figure(line: str, start: int, end: int, found: str) -> tuple[int, int]:
    """The figure `found` inside line[start:end], else the whole span."""
    figure = found.strip()
    inner = line.find(figure, start, end) if figure else -1
    return (inner, inner + len(figure)) if inner >= 0 else (start, end)


def _rows_of(doc: Document, finding: Finding) -> list[tuple[int, int, int | None]]:
    """(table, row, column) a table finding may sit at, most certain first: its segment's cell, the cell at
    its block, file row and column; then each row written as the finding quotes it (the form reader counts
    rows of a text layout otherwise than the file's table)."""
    out: list[tuple[int, int, int | None]] = []
    seg = doc.segments[finding.segment] if finding.segment is not None else None
    if seg is not None and seg.kind == "cell" and seg.table is not None and seg.row is not None:
        out.append((seg.table, seg.row, seg.col))
    elif finding.block is not None and finding.row is not None:
        for t in doc.tables:
            rows = t.source_rows or list(range(len(t.rows)))
            if t.block == finding.block and finding.row in rows:
                out.append((t.index, rows.index(finding.row), finding.col))
                break
    quote = finding.text.strip()
    if " | " in quote:
        for t in doc.tables:
            if finding.block is not None and t.block != finding.block:
                continue
            out += [
                (t.index, r, finding.col)
                for r, row in enumerate(t.rows)
                if " | ".join(c for c in row if c) == quote
            ]
    return out


def _cell_place(doc: Document, lines: _Lines, finding: Finding) -> Place | None:
    """A table finding's cell (see ``_rows_of``): the one named if it holds the figure, else the cell of that
    row holding the figure nearest to the column named; a blank cell named: the whole row."""
    found = finding.found.strip()
    written = "" if found.startswith("（") and found.endswith("）") else found  # not '（空白）'
    for first, (table, row, col) in enumerate(_rows_of(doc, finding)):
        if (table, row) not in lines.row_at:
            continue
        n, starts = lines.row_at[(table, row)]
        line, cells = lines.lines[n], doc.tables[table].rows[row]
        if col not in starts or (written and written not in cells[col]):
            holding = [c for c in starts if written and written in cells[c]]
            if holding:
                col = min(holding, key=lambda c: abs(c - (col or 0)))
            elif first == 0 and not written and col is not None and 0 <= col < len(cells) and not cells[col]:
                return n, min(starts.values()), len(line) - 2
            else:
                continue
        start = starts[col]
        return (n, *_figure(line, start, start + len(cells[col]), written))
    return None


def finding_places(doc: Document, text: str, findings: list[Finding]) -> list[Place | None]:
    """Where each finding's figure sits in `text` (``document_text(doc)``), see ``UploadReview.places``."""
    lines = _Lines(doc)
    if "\n".join(lines.lines) != text:  # the text was laid out otherwise: no places rather than wrong ones
        return [None] * len(findings)
    out: list[Place | None] = []
    for f in findings:
        seg = doc.segments[f.segment] if f.segment is not None and f.segment < len(doc.segments) else None
        if seg is not None and f.segment in lines.segment_at:
            n, start = lines.segment_at[f.segment]
            out.append((n, *_figure(lines.lines[n], start, start + len(seg.text), f.found)))
        else:
            out.append(_cell_place(doc, lines, f))
    return out

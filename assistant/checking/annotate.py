"""Return a reviewed DOCX the way reviewers do (批注): a copy of the file with every finding as a Word
comment anchored on the figure it is about (or its sentence or cell), readable in Word and WPS."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import InputError

from .models import Finding
from .report_text import KIND_LABELS

AUTHOR = "pe-assistant 审核"
INITIALS = "审"


def comment_text(f: Finding) -> str:
    """'[错误·算术、前后不一致] reason 应为：X；实为：Y' — what the comment says."""
    level = "错误" if f.severity == "error" else "提示"
    kinds = "、".join(KIND_LABELS.get(k, k) for k in (f.kinds or [f.kind]))
    tail = ""
    if f.expected or f.found:
        tail = f"（应为：{f.expected or '—'}；实为：{f.found or '—'}）"
    return f"[{level}·{kinds}] {f.message}{tail}"


def _split_run(run, start: int, end: int):
    """Split ``run`` so that characters [start, end) are a run of their own (same formatting); return it."""
    from docx.text.run import Run

    text = run.text
    if start <= 0 and end >= len(text):
        return run
    element = run._r
    if start > 0:
        before = copy.deepcopy(element)
        element.addprevious(before)
        Run(before, run._parent).text = text[:start]
    if end < len(text):
        after = copy.deepcopy(element)
        element.addnext(after)
        Run(after, run._parent).text = text[end:]
    run.text = text[start:end]
    return run


def _anchor_runs(paragraph, f: Finding) -> list:
    """The runs a comment spans: exactly the figure when it sits in the paragraph, else the sentence's or
    the whole paragraph's runs (an empty paragraph gets an empty run)."""
    runs = list(paragraph.runs)
    if not runs:
        return [paragraph.add_run("")]
    text = "".join(r.text for r in runs)
    sentence_at = text.find(f.text[:24]) if f.text else -1
    needle = f.found if f.found and f.found not in ("空白", "未提及") else ""
    at = text.find(needle, max(sentence_at, 0)) if needle else -1
    if at < 0 and needle:
        at = text.find(needle)
    if at < 0:
        return runs
    end = at + len(needle)
    offsets, pos = [], 0
    for r in runs:
        offsets.append((pos, pos + len(r.text)))
        pos += len(r.text)
    first = next(k for k, (a, b) in enumerate(offsets) if a <= at < b)
    last = next(k for k, (a, b) in enumerate(offsets) if a < end <= b)
    if first == last:
        a, _ = offsets[first]
        return [_split_run(runs[first], at - a, end - a)]
    return [runs[first], runs[last]]


def _cell_paragraph(table, row: int, col: int):
    rows = table.rows
    if row >= len(rows):
        return None
    cells = rows[row].cells
    if col >= len(cells):
        return None
    cell = cells[col]
    return cell.paragraphs[0] if cell.paragraphs else cell.add_paragraph("")


def _target(blocks: list, f: Finding):
    """The paragraph a finding belongs to: its paragraph, or the first paragraph of its table cell."""
    from docx.table import Table

    if f.block is None or f.block >= len(blocks):
        return None
    block = blocks[f.block]
    if isinstance(block, Table):
        if f.row is None:
            return None
        return _cell_paragraph(block, f.row, f.col or 0)
    return block


def annotate_docx(source: Path, findings: Sequence[Finding], out: Path) -> int:
    """Write a copy of ``source`` to ``out`` with one comment per finding; return how many were placed.
    A finding without a place in the body (e.g. '（全文）') is attached to the document's first paragraph."""
    import docx

    try:
        document = docx.Document(str(source))
    except Exception as exc:  # python-docx raises several unrelated types for a corrupt file
        raise InputError(f"无法读取 DOCX 文件 {source.name}：{exc}") from exc
    blocks = list(document.iter_inner_content())
    first_paragraph = document.paragraphs[0] if document.paragraphs else document.add_paragraph("")
    placed = 0
    for f in findings:
        paragraph = _target(blocks, f) or first_paragraph
        runs = _anchor_runs(paragraph, f)
        document.add_comment(runs, text=comment_text(f), author=AUTHOR, initials=INITIALS)
        placed += 1
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        document.save(str(out))
    except OSError as exc:
        raise InputError(f"无法写入批注文件 {out}：{exc.strerror or exc}") from exc
    return placed


def annotated_name(source: Path) -> str:
    """'报告.docx' → '报告（审核批注）.docx'."""
    return f"{source.stem}（审核批注）{source.suffix}"

"""Unfinished text (未完成): placeholders left in a draft — 待补充, XX/××, 【】, ____ — and empty cells where a
figure belongs (an indicator row with a 分值 but no 得分). Warnings, each at its place."""

from __future__ import annotations

import re

from ..context import CheckContext, TableView, cell_number, total_label
from ..models import Finding

# Words that stand for text still to be written. Quoted (“待补充”) they are talked about, not left in.
# '（待补充）', '实施成效：待补充' or a cell reading '待补充' is a gap; '资料有待补充' is a sentence.
_WORDS = re.compile(
    r"(?:(?<=^)|(?<=[（(【\[：:\s]))(?:待补充|待填写|待填报|待定|此处填写|请填写|请补充|请在此)|TODO|TBD"
    r"|(?<=[为是])(?:待补充|待填写|待填报)(?=$|[。，,；;）)\s])",  # '覆盖率仅为待补充。' stands for a figure
    re.I,
)
# Two or more placeholder letters (XX项目, ××万元, 20XX年), not part of a Latin word (XXL, Windows XP).
_LETTERS = re.compile(r"(?<![A-Za-z])(?:[XxＸｘ×]{2,}|[XＸ](?=年|月|日|万元|元|个|项|%|分))(?![A-Za-z])")
_EMPTY_BRACKETS = re.compile(
    r"【\s*】|\[\s*\]|（\s{2,}）|\(\s{2,}\)|【[^】]{0,12}(?:填写|补充|输入)[^】]{0,12}】"
)
_BLANKS = re.compile(r"_{3,}|＿{2,}")
_QUOTES = "“”\"'‘’「」『』"


def _placeholders(text: str) -> list[str]:
    """The placeholder marks in ``text``, in order (each once)."""
    found: list[str] = []
    for pattern in (_WORDS, _LETTERS, _EMPTY_BRACKETS, _BLANKS):
        for m in pattern.finditer(text):
            if pattern is _WORDS and _quoted(text, m.start(), m.end()):
                continue
            if pattern is _LETTERS and (
                _is_arithmetic(text, m.start(), m.end()) or _is_masked_number(text, m.start(), m.end())
            ):
                continue
            if m.group(0) not in found:
                found.append(m.group(0))
    return found


def _quoted(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1] in _QUOTES and text[end] in _QUOTES


_NUMBER_TOKEN = re.compile(r"[0-9XxＸｘ×*＊\-－]+")


def _is_masked_number(text: str, start: int, end: int) -> bool:
    """'0870-XXXXXXX', '138XXXX5678': a telephone or ID number masked for publication, not a gap to fill
    (a year '20XX年' is one)."""
    for m in _NUMBER_TOKEN.finditer(text, max(0, start - 20), min(len(text), end + 20)):
        if m.start() <= start and end <= m.end():
            token = m.group(0)
            after = text[m.end() : m.end() + 1]
            return len(token) >= 7 and any(ch.isdigit() for ch in token) and after not in ("年", "月", "日")
    return False


def _is_arithmetic(text: str, start: int, end: int) -> bool:
    """'5××3' : multiplication signs between figures, not a placeholder (letters next to digits, as in
    '20XX年', are one)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return set(text[start:end]) == {"×"} and (before.isdigit() or after.isdigit())


def _text_placeholders(ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    for i, seg in enumerate(ctx.doc.segments):
        ctx.tick()
        marks = _placeholders(seg.text)
        if not marks:
            continue
        findings.append(
            ctx.finding_at_segment(
                i,
                kind="placeholder",
                severity="warning",
                expected="完成的文字或数字",
                found="、".join(marks),
                message=f"稿件尚未完成：此处仍有占位内容“{'、'.join(marks)}”，请补充后再提交。",
            )
        )
    return findings


def _empty_score_cells(ctx: CheckContext, view: TableView) -> list[Finding]:
    """A row that states a 分值 (满分) but leaves its 得分 empty, in a table that scores other rows."""
    t = view.table
    score_cols = {
        r: [c for c in range(len(view.headers[r])) if view.role(r, c) == "得分"] for r in range(len(t.rows))
    }
    scored_rows = sum(1 for r, row in enumerate(t.rows) if "得分" in view.numbers(r))
    if scored_rows < 2:
        return []
    findings: list[Finding] = []
    for r, row in enumerate(t.rows):
        if r in view.header_rows:
            continue
        nums = view.numbers(r)
        if "满分" not in nums or "得分" in nums or not score_cols[r]:
            continue
        c = score_cols[r][0]
        if c < len(row) and row[c].strip():
            continue  # a word ('——', '不适用') or a figure is there
        label = total_label(row) or next((x for x in row if x and cell_number(x) is None), "")
        findings.append(
            ctx.finding_at_cell(
                t.index,
                r,
                nums["满分"][0],
                kind="placeholder",
                severity="warning",
                expected="得分",
                found="空白",
                message=f"“{label}”有分值 {nums['满分'][1]} 分，但“得分”一栏是空的：请填写得分。",
            )
        )
    return findings


def run(ctx: CheckContext) -> list[Finding]:
    """Placeholder text in every sentence, heading and cell, and empty score cells in score tables."""
    findings = _text_placeholders(ctx)
    for view in ctx.views:
        findings.extend(_empty_score_cells(ctx, view))
    return findings

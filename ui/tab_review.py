"""审核 tab: run the checker on the current draft or an uploaded DOCX/Markdown (in a worker process with a
time budget); findings by severity, highlighted in the text; choosing a finding shows its evidence and
scrolls the text to its place, and for the current draft opens the sentence in the 起草 tab."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.checking.limits import MAX_PARAGRAPH_CHARS
from assistant.checking.models import CheckReport, Finding
from assistant.checking.report_text import KIND_LABELS
from assistant.db import UserInfo
from assistant.errors import AssistantError
from assistant.workspace import (
    HAND_NOTE,
    REVIEW_SUFFIXES,
    ReviewOutcome,
    mark_hand_edits,
    review_draft,
    review_file,
    sorted_findings,
)

from . import messages
from .jobs import run_in_process
from .services import Services
from .session import Session
from .shell import Shell

SOURCES = ["当前草稿", "上传的文件"]
SEVERITY_LABELS = {"error": "错误", "warning": "提示"}
FINDING_COLUMNS = ["序号", "严重程度", "类型", "位置", "原文", "应为", "实为"]


MAX_SHOWN_CHARS = 300_000
"""The marked full text shows this much (a long report is ~50,000 characters); the findings list is complete."""
REVIEW_BUDGET = 60.0
"""Seconds a review may take before it is stopped (a normal report takes a few)."""
SCROLL_JS = """(i) => {
  const m = document.getElementById('pe-f-' + i);
  if (!m) return;
  const box = m.closest('details'); if (box) box.open = true;
  m.scrollIntoView({block: 'center', behavior: 'smooth'});
  m.classList.add('pe-flash'); setTimeout(() => m.classList.remove('pe-flash'), 2000);
}"""


__all__ = ["HAND_NOTE", "mark_hand_edits", "sorted_findings"]


def kind_label(finding: Finding) -> str:
    """The finding's kind (kinds, when checks agreed on one place) in the checker's words."""
    return "、".join(KIND_LABELS.get(k, k) for k in (finding.kinds or [finding.kind]))


def finding_rows(findings: list[Finding]) -> list[list[str]]:
    return [
        [
            str(i),
            SEVERITY_LABELS.get(f.severity, f.severity),
            kind_label(f),
            f.location,
            f.text if len(f.text) <= 60 else f.text[:58] + "……",
            f.expected,
            f.found,
        ]
        for i, f in enumerate(findings, start=1)
    ]


def summary_markdown(report: CheckReport, findings: list[Finding], source: str = "") -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    s = report.stats
    head = f"### 发现 {errors} 处错误、{warnings} 处提示" if findings else "### ✔ 未发现问题"
    what = f"审核对象：{source}。" if source else ""
    traced = f"共检查数字 {s.numbers} 个，其中 {s.traced} 个已核对到依据。" if s.numbers else ""
    hint = "点击下表中的一行查看依据，下方原文会滚动到它的位置。" if findings else ""
    return f"{head}\n\n{what}{traced}{hint}"


MARK_STYLES = {
    "error": "background:#fee4e2;border-bottom:2px solid #d92d20;color:#7a271a",
    "warning": "background:#fef0c7;border-bottom:2px solid #dc6803;color:#7a2e0e",
}
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")

ROW_JOIN = " ｜ "
"""How a table row's cells are joined on the page (the checker quotes a row as 'cell | cell')."""


def _shown(text: str) -> list[tuple[str, str, int]]:
    """The checked text as (kind, line as shown, index of the line in `text`); see display_lines."""
    out = []
    for index, raw in enumerate(text.split("\n")):
        line = raw.strip()
        if not line or _TABLE_RULE.match(line):
            continue
        if line.startswith("#"):
            out.append(("heading", line.lstrip("#").strip(), index))
        elif line.startswith("|"):
            out.append(("row", ROW_JOIN.join(c.strip() for c in line.strip("|").split("|")), index))
        else:
            out.append(("para", line.lstrip("> ").strip(), index))
    return out


def display_lines(text: str) -> list[tuple[str, str]]:
    """The checked text as (kind, line) with Markdown marks removed: 'heading', 'row' or 'para'."""
    return [(kind, line) for kind, line, _ in _shown(text)]


def _raw_cells(raw: str) -> list[tuple[int, int]]:
    """(start, end) in a text line '| cell | cell |' of each cell's text (without its spaces)."""
    spans = []
    pos = raw.find("|")
    inner = raw.strip().strip("|")
    pos = raw.find(inner, pos) if inner else pos
    for piece in inner.split("|"):
        start = pos + len(piece) - len(piece.lstrip())
        spans.append((start, start + len(piece.strip())))
        pos += len(piece) + 1
    return spans


def shown_span(kind: str, raw: str, shown: str, start: int, end: int) -> tuple[int, int] | None:
    """Offsets start:end of a line of the checked text, as offsets in that line as shown (see _shown)."""
    if kind != "row":
        shift = raw.find(shown) if shown else -1
        return (start - shift, end - shift) if shift >= 0 and start >= shift else None
    raw_cells, cells = _raw_cells(raw), _cell_spans(shown)
    if len(raw_cells) != len(cells):
        return None
    first = next((i for i, (s, e) in enumerate(raw_cells) if s <= start < e), None)
    last = next((i for i, (s, e) in enumerate(raw_cells) if s < end <= e), None)
    if first is None or last is None or last < first:
        return None
    return cells[first][0] + start - raw_cells[first][0], cells[last][0] + end - raw_cells[last][0]


def _cell_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of a row as shown (cells joined by ROW_JOIN)."""
    spans, pos = [], 0
    for cell in line.split(ROW_JOIN):
        spans.append((pos, pos + len(cell)))
        pos += len(cell) + len(ROW_JOIN)
    return spans


def _ranks(findings: list[Finding]) -> dict[int, int]:
    """For each finding (1-based), how many findings quoting the same row with the same figure lie in a
    column left of it: the n-th such finding blames the n-th cell holding that figure."""
    groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for i, f in enumerate(findings, start=1):
        groups.setdefault((f.text, f.found), []).append((f.col or 0, i))
    ranks = {}
    for members in groups.values():
        for rank, (_, i) in enumerate(sorted(members)):
            ranks[i] = rank
    return ranks


def _place(line: str, kind: str, f: Finding, rank: int, loose: bool) -> tuple[int, int] | None:
    """Where in a shown line finding `f` is marked: the figure it blames inside its sentence, or in the
    table row it quotes, the cell holding that figure (the n-th such cell for rank n). `loose`: a row quote
    not found whole falls back to its first cell (a second pass, after every exact place is taken)."""
    needle = f.text.strip()
    found = f.found.strip()
    if kind == "row" and " | " in needle:  # a table row as the checker quotes it
        quote = ROW_JOIN.join(c.strip() for c in needle.split(" | "))
        at = line.find(quote)
        if at < 0:
            first = needle.split(" | ")[0].strip()
            at = line.find(first) if loose and first else -1
            return (at, at + len(first)) if at >= 0 else None
        spans = [(s, e) for s, e in _cell_spans(line) if s >= at and e <= at + len(quote)]
        if found:
            same = [(s, e) for s, e in spans if line[s:e] == found]
            inside = same or [(s, e) for s, e in spans if found in line[s:e]]
            if inside:
                s, e = inside[min(rank, len(inside) - 1)]
                inner = line.find(found, s, e)
                return inner, inner + len(found)
        return spans[0] if spans else (at, at + len(quote))
    start = line.find(needle)
    if start < 0:
        return None
    end = start + len(needle)
    if found:
        inner = line.find(found, start, max(end, start + len(found)))
        if inner >= 0:
            return inner, inner + len(found)
    return start, end


def _marks(
    lines: list[tuple[str, str]],
    findings: list[Finding],
    placed: dict[int, tuple[int, int, int]] | None = None,
) -> dict[int, list[tuple[int, int, int, str]]]:
    """(start, end, finding number, severity) of the marks of each shown line: first every finding whose
    place the checker's reading gave (`placed`: finding number → shown line, start, end), then the others
    at their first exact place, then the ones left at the first cell of a row that starts as they quote it."""
    ranks = _ranks(findings)
    marks: dict[int, list[tuple[int, int, int, str]]] = {}
    used: set[int] = set()

    def take(n: int, start: int, end: int, i: int) -> bool:
        taken = marks.setdefault(n, [])
        if any(s < end and start < e for s, e, _, _ in taken):
            return False
        taken.append((start, end, i, findings[i - 1].severity))
        used.add(i)
        return True

    for i, (n, start, end) in sorted((placed or {}).items()):
        take(n, start, end, i)
    for loose in (False, True):
        for n, (kind, line) in enumerate(lines):
            for i, f in enumerate(findings, start=1):
                if i in used or not f.text.strip():
                    continue
                place = _place(line, kind, f, ranks[i], loose)
                if place is not None:
                    take(n, *place, i)
    return marks


def _marked(line: str, marks: list[tuple[int, int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, i, severity in sorted(marks):
        out.append(html.escape(line[pos:start]))
        out.append(
            f'<mark id="pe-f-{i}" class="pe-{severity}" style="{MARK_STYLES[severity]}" title="问题{i}">'
            f"{html.escape(line[start:end])}<sup>[{i}]</sup></mark>"
        )
        pos = end
    out.append(html.escape(line[pos:]))
    return "".join(out)


def highlight(text: str, findings: list[Finding], places: list[Any] | None = None) -> str:
    """The checked text as HTML, each finding's number (or sentence) marked with its number as in the table
    and an id (pe-f-N) to scroll to; a count of the flagged lines on top. `places` (per finding, the
    checker's (line of `text`, start, end), or None) put a mark where the finding's figure sits even when
    the finding quotes other words."""
    lines: list[tuple[str, str]] = []
    rests: list[int] = []
    at_raw: dict[int, tuple[int, str]] = {}  # line of `text` → shown line's number and whole text
    raw_lines = text.split("\n")
    shown = 0
    for kind, line, raw_index in _shown(text):
        if shown >= MAX_SHOWN_CHARS:
            break
        rests.append(len(line) - MAX_PARAGRAPH_CHARS)
        at_raw[raw_index] = (len(lines), line)
        lines.append((kind, line[:MAX_PARAGRAPH_CHARS]))
        shown += len(lines[-1][1])
    placed: dict[int, tuple[int, int, int]] = {}
    for i, place in enumerate(places or [], start=1):
        if not place or i > len(findings) or place[0] not in at_raw:
            continue
        n, whole = at_raw[place[0]]
        kind, line = lines[n]
        span = shown_span(kind, raw_lines[place[0]], whole, place[1], place[2])
        if span and 0 <= span[0] < span[1] <= len(line):
            placed[i] = (n, *span)
    marks = _marks(lines, findings, placed)
    parts = []
    for n, (kind, line) in enumerate(lines):
        body = _marked(line, marks.get(n, []))
        if rests[n] > 0:  # the checker reads a paragraph this far; the page shows as much
            body += f'<span class="pe-context">……（此段其余 {rests[n]} 字未核对，未显示）</span>'
        if kind == "heading":
            parts.append(f'<div style="font-weight:600;margin-top:.6em">{body}</div>')
            continue
        style = ' style="font-size:.9em;color:#475467"' if kind == "row" else ""
        parts.append(f"<div{style}>{body}</div>")
    if shown >= MAX_SHOWN_CHARS:
        parts.append(f'<div class="pe-context">……（全文过长，以下内容未显示；共 {len(text)} 字）</div>')
    flagged = sum(bool(m) for m in marks.values())
    box = "max-height:640px;overflow:auto;line-height:1.8;padding:8px;border:1px solid #e4e7ec;border-radius:8px"
    head = f"标注全文（{flagged} 处段落有问题，已标出）" if flagged else "全文"
    return (
        f'<div class="pe-review-text" style="{box}">'
        f'<details open><summary style="font-weight:600;cursor:pointer">{head}</summary>'
        + "".join(parts)
        + "</details></div>"
    )


def finding_detail(findings: list[Finding], index: int) -> str:
    if not 0 <= index < len(findings):
        return ""
    f = findings[index]
    parts = [
        f"#### 问题{index + 1}：{kind_label(f)}（{SEVERITY_LABELS.get(f.severity, f.severity)}）",
        f"**位置**：{f.location}",
        f"**原文**：{f.text}",
    ]
    if f.expected or f.found:
        parts.append(f"**应为**：{f.expected or '—'}　**实为**：{f.found or '—'}")
    parts.append(f"**依据与说明**：{f.message}")
    return "\n\n".join(parts)


def other_project_note(source: str, use_case: bool, session: Session, outcome: ReviewOutcome) -> str:
    """A warning when an uploaded report compared with the open project never names that project: its
    figures are then likely another project's, and the comparison's findings do not apply."""
    if source == SOURCES[0] or not use_case or session.case is None:
        return ""
    name = str((session.case.get("project") or {}).get("name") or "").strip()
    if not name or re.sub(r"\s+", "", name) in re.sub(r"\s+", "", outcome.text):
        return ""
    return (
        f"> ⚠ 上传的文件中没有出现当前项目名称“{name}”，可能是另一个项目的报告：与当前项目评分结果的对照"
        "（等级不符、与评分结果不符等）可能不适用。审核其他项目的报告时，请取消勾选“对照当前项目的评分结果”后重新审核。\n\n"
    )


def run_review(
    source: str, upload: str | None, use_case: bool, session: Session
) -> tuple[list[Finding], list[Any]]:
    """Review in this process (tests); the tab runs the same job in a worker process."""
    fn, args = review_job(source, upload, use_case, session)
    outcome = fn(*args)
    summary, rows, text = shown(outcome)
    return outcome.findings, [other_project_note(source, use_case, session, outcome) + summary, rows, text]


def review_job(source: str, upload: str | None, use_case: bool, session: Session) -> tuple[Any, tuple]:
    """The function and plain-data arguments of the review asked for (AssistantError when nothing to check)."""
    if source == SOURCES[0] and session.draft is None and upload:
        source = SOURCES[1]  # nothing drafted yet: the file just uploaded is what there is to review
    if source == SOURCES[0]:
        if session.draft is None:
            raise AssistantError("当前项目还没有草稿：请先在“起草”页起草，或选择“上传的文件”。")
        return review_draft, (session.case, session.draft)
    if not upload:
        raise AssistantError("请先上传要审核的文件（Word、PDF、Excel、网页、Markdown 或文本）。")
    case = session.case if use_case and session.case is not None else None
    return review_file, (Path(upload), case)


def shown(outcome: ReviewOutcome) -> list[Any]:
    f = outcome.findings
    return [
        summary_markdown(outcome.report, f, outcome.source),
        finding_rows(f),
        highlight(outcome.text, f, outcome.places),
    ]


def _table(rows: list[list[str]]) -> Any:
    """The findings table with these rows, shown only when there are findings (an empty grid of headers
    reads as something missing, and takes a phone's screen)."""
    return gr.update(value=rows, visible=bool(rows))


def build(services: Services, shell: Shell) -> dict[str, Any]:
    session = shell.session
    findings_state = gr.State([])
    selected = gr.Textbox(visible=False, elem_id="review-selected")  # read by the scrolling script
    with gr.Row(equal_height=False):
        source = gr.Radio(SOURCES, value=SOURCES[0], label="审核对象", scale=2, min_width=200)
        upload = gr.File(
            label="上传报告或收到的自评表（Word / PDF / Excel / 网页 / Markdown / 文本）",
            file_types=list(REVIEW_SUFFIXES),
            scale=2,
            height=120,
            elem_id="review-upload",
            min_width=200,
        )
        with gr.Column(scale=1, min_width=180):
            use_case = gr.Checkbox(value=True, label="对照当前项目的评分结果")
            run_btn = gr.Button("开始审核", variant="primary", elem_id="review-run")
    summary = gr.Markdown(elem_id="review-summary")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            table = gr.Dataframe(
                headers=FINDING_COLUMNS,
                interactive=False,
                wrap=True,
                label="审核发现（错误在前）",
                elem_id="review-findings",
                column_widths=["5%", "9%", "10%", "21%", "31%", "12%", "12%"],
                max_height=420,
                visible=False,
            )
        with gr.Column(scale=2, min_width=280):
            detail = gr.Markdown(elem_id="review-detail")
            jump_btn = gr.Button("到“起草”页修改这一处", visible=False, elem_id="review-jump", size="sm")
    marked = gr.HTML(elem_id="review-text")

    def _run(src, up, uc, sess: Session, request: gr.Request):
        user = services.user(request)
        skip = [gr.skip()] * 4
        try:
            outcome = None
            fn, args = review_job(src, up, uc, sess)
            for message, result in run_in_process(fn, *args, budget=REVIEW_BUDGET, label="正在审核"):
                if result is None:
                    yield [gr.skip(), message, *skip]
                outcome = result
        except Exception as exc:
            yield [[], f"❌ {messages.describe(exc, '审核')}", _table([]), "", "", gr.update(visible=False)]
            return
        if sess.current is not None:
            services.store.add_review(
                user,
                sess.current.id,
                outcome.source,
                outcome.text,
                outcome.model_dump(mode="json"),
            )
        summary_text, rows, text = shown(outcome)
        yield [
            outcome.findings,
            other_project_note(src, uc, sess, outcome) + summary_text,
            _table(rows),
            text,
            finding_detail(outcome.findings, 0) if outcome.findings else "",
            gr.update(visible=bool(outcome.findings) and outcome.source == SOURCES[0]),
        ]

    def _select(findings, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        return finding_detail(findings, int(row)), str(int(row) + 1)

    run_btn.click(
        _run, [source, upload, use_case, session], [findings_state, summary, table, marked, detail, jump_btn]
    )
    # Set in the page at once: a 开始审核 clicked right after the upload must already review the file.
    upload.upload(None, None, source, js=f"() => {SOURCES[1]!r}")
    table.select(_select, [findings_state], [detail, selected]).then(None, [selected], None, js=SCROLL_JS)

    def show(sess: Session, user: UserInfo) -> list[Any]:
        """The project's last review, if any (a reload shows it again)."""
        if sess.current is None:
            return [[], "", _table([]), "", "", gr.update(visible=False)]
        last = services.store.latest_review(user, sess.current.id)
        if last is None:
            return [
                [],
                "",
                _table([]),
                "",
                "点击“开始审核”检查当前草稿，或上传一份报告。",
                gr.update(visible=False),
            ]
        try:
            outcome = ReviewOutcome.model_validate(last[2])
        except ValueError:
            return [[], "", _table([]), "", "", gr.update(visible=False)]
        note = f"（{last[3]:%m-%d %H:%M} 的审核结果；草稿修改后请重新审核）"
        summary_text, rows, text = shown(outcome)
        return [outcome.findings, summary_text + note, _table(rows), text, "", gr.update(visible=False)]

    return {
        "show": show,
        "outputs": [findings_state, summary, table, marked, detail, jump_btn],
        "jump": jump_btn,
        "findings": findings_state,
        "selected": selected,
    }

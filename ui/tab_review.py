"""审核 tab: run the checker on the current draft or an uploaded DOCX/Markdown; findings by severity,
highlighted in the text; selecting a finding shows its evidence."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.checking.models import CheckReport, Finding
from assistant.errors import AssistantError

from . import section_edit
from .services import Services
from .session import Session
from .tab_draft import load_report

SOURCES = ["当前草稿", "上传的文件"]
SEVERITY_LABELS = {"error": "错误", "warning": "提示"}
KIND_LABELS = {
    "arithmetic": "计算不符",
    "total": "合计不符",
    "weights": "权重合计",
    "likert": "问卷均值",
    "percentage": "百分比",
    "grade": "等级不符",
    "consistency": "前后不一致",
    "case_value": "与评分结果不符",
    "case_coverage": "遗漏",
    "unsupported": "无依据数字",
    "citation": "引文不符",
    "hand_edit": "手工输入",
}
FINDING_COLUMNS = ["序号", "严重程度", "类型", "位置", "原文", "应为", "实为"]


HAND_NOTE = "该数字是在“起草”页手工输入的，未与评分结果关联。"


def hand_typed(session: Session) -> list[tuple[str, str, str]]:
    """(section heading, paragraph text, number) for every number typed by hand into the draft."""
    report = load_report(session)
    if report is None:
        return []
    out = []
    for s in report.sections:
        if s.source != "edited":
            continue
        for p in s.paragraphs:
            for number in section_edit.hand_typed_numbers(s.model_copy(update={"paragraphs": [p]})):
                out.append((s.heading, p.render(report.values), number))
    return out


def mark_hand_edits(findings: list[Finding], typed: list[tuple[str, str, str]]) -> list[Finding]:
    """Say on each finding when its number was typed by hand; add a warning for hand-typed numbers no
    check flagged, so the review always shows them."""
    out = list(findings)
    for heading, text, number in typed:
        hit = False
        for i, f in enumerate(out):
            if f.found and number in f.found and f.text.strip() and f.text.strip() in text:
                if HAND_NOTE not in f.message:
                    out[i] = f.model_copy(update={"message": f"{f.message} {HAND_NOTE}"})
                hit = True
        if not hit:
            out.append(
                Finding(
                    kind="unsupported",
                    severity="warning",
                    location=f"{heading}（已手工修改）",
                    text=text,
                    found=number,
                    message=f"数字“{number}”：{HAND_NOTE}请核对来源。",
                )
            )
    return out


def _case_and_sheet(session: Session):
    from assistant.case import parse_case
    from assistant.scoring import score_case

    case = parse_case(session.case)
    return case, score_case(case)


def check_current_draft(session: Session) -> tuple[CheckReport, str]:
    """Check the session's draft against its case; returns the report and the draft text that was checked."""
    report = load_report(session)
    if report is None:
        raise AssistantError("当前项目还没有草稿：请先在“起草”页起草，或选择“上传的文件”。")
    from assistant.checking import check_document
    from assistant.export import to_markdown

    text = to_markdown(report)
    case, sheet = _case_and_sheet(session)
    result = check_document(text, case=case, sheet=sheet)
    return result.model_copy(update={"findings": mark_hand_edits(result.findings, hand_typed(session))}), text


def check_upload(path: str, session: Session, use_case: bool) -> tuple[CheckReport, str]:
    """Check an uploaded DOCX/Markdown/text file, against the open case when asked."""
    from assistant.checking import check_document, read_document

    case = sheet = None
    if use_case and session.case is not None:
        case, sheet = _case_and_sheet(session)
    result = check_document(read_document(Path(path)), case=case, sheet=sheet)
    return result, document_text(Path(path))


def document_text(path: Path) -> str:
    """Plain text of the uploaded file for highlighting (DOCX paragraphs and table rows)."""
    if path.suffix.lower() == ".docx":
        import docx

        d = docx.Document(str(path))
        lines = [p.text for p in d.paragraphs]
        for t in d.tables:
            for row in t.rows:
                lines.append(" | ".join(c.text for c in row.cells))
        return "\n".join(lines)
    return path.read_text(encoding="utf-8", errors="replace")


def sorted_findings(report: CheckReport) -> list[Finding]:
    return sorted(report.findings, key=lambda f: 0 if f.severity == "error" else 1)


def finding_rows(findings: list[Finding]) -> list[list[str]]:
    return [
        [
            str(i),
            SEVERITY_LABELS.get(f.severity, f.severity),
            KIND_LABELS.get(f.kind, f.kind),
            f.location,
            f.text if len(f.text) <= 60 else f.text[:58] + "……",
            f.expected,
            f.found,
        ]
        for i, f in enumerate(findings, start=1)
    ]


def summary_markdown(report: CheckReport, findings: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    s = report.stats
    head = f"### 发现 {errors} 处错误、{warnings} 处提示" if findings else "### ✔ 未发现问题"
    traced = f"共检查数字 {s.numbers} 个，其中 {s.traced} 个已核对到依据。" if s.numbers else ""
    return f"{head}\n\n{traced}点击下表中的一行查看依据；下方原文中已标出有问题的位置。"


MARK_STYLES = {
    "error": "background:#fee4e2;border-bottom:2px solid #d92d20;color:#7a271a",
    "warning": "background:#fef0c7;border-bottom:2px solid #dc6803;color:#7a2e0e",
}
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")


def display_lines(text: str) -> list[tuple[str, str]]:
    """The checked text as (kind, line) with Markdown marks removed: 'heading', 'row' or 'para'."""
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or _TABLE_RULE.match(line):
            continue
        if line.startswith("#"):
            out.append(("heading", line.lstrip("#").strip()))
        elif line.startswith("|"):
            out.append(("row", " ｜ ".join(c.strip() for c in line.strip("|").split("|"))))
        else:
            out.append(("para", line.lstrip("> ").strip()))
    return out


def _mark_line(line: str, findings: list[Finding], used: set[int]) -> str:
    marks: list[tuple[int, int, int, str]] = []
    for i, f in enumerate(findings, start=1):
        if i in used or not f.text.strip():
            continue
        needle = f.text.strip()
        start = line.find(needle)
        if start < 0 and " | " in needle:  # a table cell or row as the checker quotes it
            needle = needle.split(" | ")[0].strip()
            start = line.find(needle) if needle else -1
        if start < 0:
            continue
        end = start + len(needle)
        if f.found:
            inner = line.find(f.found, start, max(end, start + len(f.found)))
            if inner >= 0:
                start, end = inner, inner + len(f.found)
        if any(s < end and start < e for s, e, _, _ in marks):
            continue
        marks.append((start, end, i, f.severity))
        used.add(i)
    marks.sort()
    out, pos = [], 0
    for start, end, i, severity in marks:
        out.append(html.escape(line[pos:start]))
        out.append(
            f'<mark class="pe-{severity}" style="{MARK_STYLES[severity]}" title="问题{i}">'
            f"{html.escape(line[start:end])}<sup>[{i}]</sup></mark>"
        )
        pos = end
    out.append(html.escape(line[pos:]))
    return "".join(out)


def highlight(text: str, findings: list[Finding]) -> str:
    """The checked text as HTML: first the flagged lines (under their heading), then the whole text, each
    finding's number (or sentence) marked and numbered as in the table."""
    used: set[int] = set()
    parts, flagged = [], []
    heading = ""
    for kind, line in display_lines(text):
        body = _mark_line(line, findings, used)
        if kind == "heading":
            heading = line
            parts.append(f'<div style="font-weight:600;margin-top:.6em">{body}</div>')
            continue
        style = ' style="font-size:.9em;color:#475467"' if kind == "row" else ""
        parts.append(f"<div{style}>{body}</div>")
        if "<mark" in body:
            where = (
                f'<div style="color:#475467;font-size:.85em">{html.escape(heading)}</div>' if heading else ""
            )
            flagged.append(f'<div style="margin-bottom:.5em">{where}<div>{body}</div></div>')
    box = "max-height:640px;overflow:auto;line-height:1.8;padding:8px;border:1px solid #e4e7ec;border-radius:8px"
    head = (
        f'<div style="font-weight:600">有问题的段落（{len(flagged)}）</div>' + "".join(flagged)
        if flagged
        else ""
    )
    return (
        f'<div class="pe-review-text" style="{box}">{head}'
        f'<details{"" if flagged else " open"}><summary style="font-weight:600;cursor:pointer">标注全文</summary>'
        + "".join(parts)
        + "</details></div>"
    )


def finding_detail(findings: list[Finding], index: int) -> str:
    if not 0 <= index < len(findings):
        return ""
    f = findings[index]
    parts = [
        f"#### 问题{index + 1}：{KIND_LABELS.get(f.kind, f.kind)}（{SEVERITY_LABELS.get(f.severity, f.severity)}）",
        f"**位置**：{f.location}",
        f"**原文**：{f.text}",
    ]
    if f.expected or f.found:
        parts.append(f"**应为**：{f.expected or '—'}　**实为**：{f.found or '—'}")
    parts.append(f"**依据与说明**：{f.message}")
    return "\n\n".join(parts)


def run_review(
    source: str, upload: str | None, use_case: bool, session: Session
) -> tuple[list[Finding], list[Any]]:
    if source == SOURCES[0]:
        report, text = check_current_draft(session)
    else:
        if not upload:
            raise AssistantError("请先上传要审核的文件（.docx / .md / .txt）。")
        report, text = check_upload(upload, session, use_case)
    findings = sorted_findings(report)
    return findings, [summary_markdown(report, findings), finding_rows(findings), highlight(text, findings)]


def build(services: Services, session: gr.State) -> None:
    findings_state = gr.State([])
    with gr.Row():
        source = gr.Radio(SOURCES, value=SOURCES[0], label="审核对象", scale=2)
        upload = gr.File(
            label="上传报告（.docx / .md / .txt）",
            file_types=[".docx", ".md", ".txt"],
            scale=2,
            height=140,
            elem_id="review-upload",
        )
        with gr.Column(scale=1):
            use_case = gr.Checkbox(value=True, label="对照当前项目的评分结果")
            run_btn = gr.Button("开始审核", variant="primary", elem_id="review-run")
    summary = gr.Markdown(elem_id="review-summary")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            table = gr.Dataframe(
                headers=FINDING_COLUMNS,
                interactive=False,
                wrap=True,
                label="审核发现（错误在前）",
                elem_id="review-findings",
                column_widths=["5%", "9%", "10%", "21%", "31%", "12%", "12%"],
                max_height=420,
            )
        with gr.Column(scale=2):
            detail = gr.Markdown("点击左侧表格中的一行，查看依据。", elem_id="review-detail")
    marked = gr.HTML(elem_id="review-text")

    def _run(src, up, uc, sess):
        try:
            findings, shown = run_review(src, up, uc, sess)
        except AssistantError as exc:
            return [], f"❌ {exc}", [], "", ""
        return [findings, *shown, finding_detail(findings, 0) if findings else ""]

    def _select(findings, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        return finding_detail(findings, int(row))

    run_btn.click(_run, [source, upload, use_case, session], [findings_state, summary, table, marked, detail])
    upload.upload(lambda: SOURCES[1], None, source)
    table.select(_select, [findings_state], [detail])

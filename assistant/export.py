"""Export a :class:`~assistant.report.Report` to Markdown or Word (python-docx), numbered as in the corpus.

Headings carry their corpus numbering (一、（一）1.（1）), score tables are real Word tables, body text is
宋体 and headings 黑体 (set on ``w:eastAsia``, which Word uses for Chinese characters), and the
self-evaluation form is one Word table laid out like the forms in the departments' final accounts.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from assistant.errors import InputError
from assistant.report import Report, Section, SelfEvaluationForm
from assistant.storage import atomic_write_bytes, atomic_write_text

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
HEADING_SIZES = {0: Pt(22), 1: Pt(16), 2: Pt(15), 3: Pt(14), 4: Pt(14)}
BODY_SIZE = Pt(12)
TABLE_SIZE = Pt(9)

FORM_BUDGET_HEADER = ["", "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"]
FORM_INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成指标值", "分值", "得分", "偏差原因分析及改进措施"]
FORM_SHORTFALL_LABEL = "总分在80分以下的项目未实现绩效目标的原因分析及拟采取的措施说明："


# ---------------------------------------------------------------- Markdown


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines


def to_markdown(report: Report) -> str:
    """The report as Markdown: numbered headings, paragraphs, pipe tables, and the sources each section used."""
    lines = [f"# {report.title}", ""]
    if report.subtitle:
        lines += [report.subtitle, ""]
    if report.form is not None:
        lines += _form_markdown(report.form, report.values)
    lines.append(sections_markdown(report, report.sections))
    return "\n".join(lines).rstrip() + "\n"


def sections_markdown(report: Report, sections: list[Section]) -> str:
    """Some sections of the report as Markdown (chat shows one part at a time)."""
    v = report.values
    lines: list[str] = []
    for s in sections:
        lines += ["#" * (s.level + 1) + f" {s.heading}", ""]
        if s.note:
            lines += [f"> {s.note}", ""]
        for p in s.paragraphs:
            lines += [p.render(v), ""]
        for t in s.tables:
            if t.title:
                lines += [f"**{t.title}**", ""]
            lines += _md_table(t.header, t.render_rows(v)) + [""]
        if s.citations:
            lines += ["参考：" + "；".join(f"[{c.n}]《{c.document}》{c.section}" for c in s.citations), ""]
    return "\n".join(lines)


def _form_markdown(form: SelfEvaluationForm, v: dict[str, str]) -> list[str]:
    lines = [f"项目支出绩效自评表（{form.year.render(v)}年度）", "", "单位：万元", ""]
    lines += _md_table(
        ["项目名称", "主管部门", "实施单位"],
        [[form.project_name.render(v), form.department.render(v), form.implementer.render(v)]],
    )
    lines += ["", "**项目预算执行情况**", ""]
    lines += _md_table(FORM_BUDGET_HEADER, [[c.render(v) for c in row] for row in form.budget_rows])
    lines += ["", "**年度总体目标**", ""]
    lines += _md_table(["年初预期目标", "目标实际完成情况"], [[form.goal_expected.render(v), form.goal_actual.render(v)]])
    lines += ["", "**年度绩效指标**", ""]
    rows = [[c.render(v) for c in r.cells()] for r in form.indicators]
    rows.append(["总分", "", "", "", "", "", form.total.render(v), ""])
    lines += _md_table(FORM_INDICATOR_HEADER, rows)
    lines += ["", FORM_SHORTFALL_LABEL + form.shortfall_note.render(v), ""]
    return lines


# ---------------------------------------------------------------- DOCX


def _set_run_font(run, east_asian: str, size: Pt | None = None, bold: bool | None = None) -> None:
    run.font.name = LATIN_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.bold = bold


def _set_style_font(style, east_asian: str, size: Pt, bold: bool = False) -> None:
    style.font.name = LATIN_FONT
    style.font.size = size
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def _new_document() -> Document:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.6)
    sec.top_margin = sec.bottom_margin = Cm(2.5)
    normal = doc.styles["Normal"]
    _set_style_font(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(0)
    for level in range(1, 5):
        style = doc.styles[f"Heading {level}"]
        _set_style_font(style, HEADING_FONT, HEADING_SIZES[level], bold=level <= 2)
        style.font.italic = False
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.first_line_indent = Pt(24) if level >= 2 else None
    return doc


def _add_title(doc: Document, report: Report) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(p.add_run(report.title), HEADING_FONT, HEADING_SIZES[0], bold=True)
    if report.subtitle:
        sub = doc.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_run_font(sub.add_run(report.subtitle), BODY_FONT, BODY_SIZE)


def _body_paragraph(doc: Document, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(24)
    _set_run_font(p.add_run(text), BODY_FONT)


def _fill_cell(cell, text: str, bold: bool = False, center: bool = True) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.paragraph_format.line_spacing = 1.0
    p.paragraph_format.first_line_indent = None
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(p.add_run(text), BODY_FONT, TABLE_SIZE, bold=bold)


def _add_table(doc: Document, title: str, header: list[str], rows: list[list[str]]) -> None:
    if title:
        cap = doc.add_paragraph()
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_run_font(cap.add_run(title), HEADING_FONT, Pt(10.5))
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for j, h in enumerate(header):
        _fill_cell(table.cell(0, j), h, bold=True)
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row):
            _fill_cell(table.cell(i, j), text)
    doc.add_paragraph()


def to_docx_bytes(report: Report) -> bytes:
    """The report as a .docx file's bytes."""
    doc = _new_document()
    v = report.values
    if report.form is not None:
        _add_form(doc, report.form, v)
    else:
        _add_title(doc, report)
    for s in report.sections:
        doc.add_heading(s.heading, level=s.level)
        if s.note:
            _body_paragraph(doc, f"（说明：{s.note}）")
        for p in s.paragraphs:
            _body_paragraph(doc, p.render(v))
        for t in s.tables:
            _add_table(doc, t.title, t.header, t.render_rows(v))
        if s.citations:
            refs = doc.add_paragraph()
            text = "参考：" + "；".join(f"[{c.n}]《{c.document}》{c.section}" for c in s.citations)
            _set_run_font(refs.add_run(text), BODY_FONT, Pt(9))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _merge(table, r0: int, c0: int, r1: int, c1: int, text: str, bold: bool = False, center: bool = True) -> None:
    cell = table.cell(r0, c0)
    if (r0, c0) != (r1, c1):
        cell = cell.merge(table.cell(r1, c1))
    _fill_cell(cell, text, bold=bold, center=center)


def _add_form(doc: Document, form: SelfEvaluationForm, v: dict[str, str]) -> None:
    """The self-evaluation form as one 9-column table, landscape, as in the corpus."""
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21)
    sec.left_margin = sec.right_margin = Cm(1.8)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(title.add_run(f"项目支出绩效自评表（{form.year.render(v)}年度）"), HEADING_FONT, Pt(16), bold=True)
    unit = doc.add_paragraph()
    unit.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _set_run_font(unit.add_run("单位：万元"), BODY_FONT, Pt(10.5))

    n_ind = len(form.indicators)
    n_rows = 2 + 1 + len(form.budget_rows) + 2 + 1 + n_ind + 2
    t = doc.add_table(rows=n_rows, cols=9)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    r = 0
    _merge(t, r, 0, r, 1, "项目名称", bold=True)
    _merge(t, r, 2, r, 8, form.project_name.render(v))
    r += 1
    _merge(t, r, 0, r, 1, "主管部门", bold=True)
    _merge(t, r, 2, r, 4, form.department.render(v))
    _merge(t, r, 5, r, 6, "实施单位", bold=True)
    _merge(t, r, 7, r, 8, form.implementer.render(v))
    r += 1
    budget_top = r
    for j, h in enumerate(FORM_BUDGET_HEADER):
        _fill_cell(t.cell(r, 2 + j), h, bold=True)
    r += 1
    for row in form.budget_rows:
        for j, cell in enumerate(row):
            _fill_cell(t.cell(r, 2 + j), cell.render(v))
        r += 1
    _merge(t, budget_top, 0, r - 1, 1, "项目预算执行情况", bold=True)
    _merge(t, r, 0, r + 1, 0, "年度总体目标", bold=True)
    _merge(t, r, 1, r, 4, "年初预期目标", bold=True)
    _merge(t, r, 5, r, 8, "目标实际完成情况", bold=True)
    _merge(t, r + 1, 1, r + 1, 4, form.goal_expected.render(v), center=False)
    _merge(t, r + 1, 5, r + 1, 8, form.goal_actual.render(v), center=False)
    r += 2
    ind_top = r
    for j, h in enumerate(FORM_INDICATOR_HEADER):
        _fill_cell(t.cell(r, 1 + j), h, bold=True)
    r += 1
    first = r
    for row in form.indicators:
        for j, cell in enumerate(row.cells()):
            _fill_cell(t.cell(r, 1 + j), cell.render(v), center=j != 7)
        r += 1
    _merge_runs(t, form, v, first)
    _merge(t, ind_top, 0, r - 1, 0, "年度绩效指标", bold=True)
    _merge(t, r, 0, r, 5, "总分", bold=True)
    _fill_cell(t.cell(r, 6), v.get("max_total", "100"))
    _fill_cell(t.cell(r, 7), form.total.render(v), bold=True)
    _fill_cell(t.cell(r, 8), "")
    r += 1
    _merge(t, r, 0, r, 8, FORM_SHORTFALL_LABEL + form.shortfall_note.render(v), center=False)
    widths = [Cm(1.4), Cm(2.0), Cm(2.6), Cm(4.6), Cm(2.6), Cm(2.6), Cm(1.3), Cm(1.3), Cm(7.6)]
    for row in t.rows:
        for j, cell in enumerate(row.cells):
            cell.width = widths[j]
    doc.add_paragraph()


def _merge_runs(t, form: SelfEvaluationForm, v: dict[str, str], first: int) -> None:
    """Merge consecutive equal 一级/二级 cells vertically, as the corpus forms do."""
    for col, attr in ((1, "level1"), (2, "level2")):
        start = 0
        rows = form.indicators
        for i in range(1, len(rows) + 1):
            boundary = i == len(rows) or getattr(rows[i], attr).render(v) != getattr(rows[start], attr).render(v)
            if col == 2 and i < len(rows):
                boundary = boundary or rows[i].level1.render(v) != rows[start].level1.render(v)
            if boundary:
                if i - 1 > start:
                    _merge(t, first + start, col, first + i - 1, col, getattr(rows[start], attr).render(v))
                start = i


def write_report(report: Report, out: Path) -> Path:
    """Write to ``out``; the suffix (.md or .docx) chooses the format."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".md":
        atomic_write_text(out, to_markdown(report))
    elif suffix == ".docx":
        atomic_write_bytes(out, to_docx_bytes(report))
    else:
        raise InputError(f"不支持的输出格式「{out.suffix or '无后缀'}」：请用 .docx 或 .md 结尾的文件名。")
    return out

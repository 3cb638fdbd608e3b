"""Export a :class:`~assistant.report.Report` to Markdown or Word (python-docx), numbered as in the corpus.

Headings carry their corpus numbering (一、（一）1.（1）), score tables are real Word tables, body text is
宋体 and headings 黑体 (set on ``w:eastAsia``, which Word uses for Chinese characters), and the
self-evaluation form is one Word table laid out like the forms in the departments' final accounts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
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
FORM_INDICATOR_HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成指标值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]
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


def _form_title(form: SelfEvaluationForm, v: dict[str, str]) -> str:
    year = form.year.render(v)
    return f"项目支出绩效自评表（{year}年度）" if year else "项目支出绩效自评表"


def _form_markdown(form: SelfEvaluationForm, v: dict[str, str]) -> list[str]:
    lines = [_form_title(form, v), "", "单位：万元", ""]
    lines += _md_table(
        ["项目名称", "主管部门", "实施单位"],
        [[form.project_name.render(v), form.department.render(v), form.implementer.render(v)]],
    )
    lines += ["", "**项目预算执行情况**", ""]
    lines += _md_table(FORM_BUDGET_HEADER, [[c.render(v) for c in row] for row in form.budget_rows])
    lines += ["", "**年度总体目标**", ""]
    lines += _md_table(
        ["年初预期目标", "目标实际完成情况"], [[form.goal_expected.render(v), form.goal_actual.render(v)]]
    )
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


def _add_page_numbers(doc: Document) -> None:
    """A centred page number in the footer (a PAGE field, so Word and LibreOffice fill it in)."""
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _set_run_font(run, BODY_FONT, Pt(9))


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
    p = cell.paragraphs[0]
    for run in p.runs:
        run._element.getparent().remove(run._element)
    p.paragraph_format.line_spacing = 1.0
    p.paragraph_format.first_line_indent = None
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(p.add_run(text), BODY_FONT, TABLE_SIZE, bold=bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _add_table(doc: Document, title: str, header: list[str], rows: list[list[str]]) -> None:
    if title:
        cap = doc.add_paragraph()
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_run_font(cap.add_run(title), HEADING_FONT, Pt(10.5))
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, _column_widths(header, rows))
    # row.cells once per row: table.cell(i, j) rescans the whole table on every call.
    word_rows = table.rows
    _keep_rows_whole(word_rows)
    _repeat_header(word_rows[0])
    for cell, h in zip(word_rows[0].cells, header, strict=True):
        _fill_cell(cell, h, bold=True)
        _shade(cell)
    for word_row, row in zip(word_rows[1:], rows, strict=True):
        for cell, text in zip(word_row.cells, row, strict=True):
            _fill_cell(cell, text, center=len(text) <= CENTERED_CELL_CHARS)
    doc.add_paragraph()


HEADER_FILL = "D9D9D9"
"""Grey of a table's header row, as the corpus reports shade it."""


def _keep_rows_whole(rows) -> None:
    """A row is never split over a page break (a label cut in two — "满意度" / "指标" — reads as two rows)."""
    for row in rows:
        props = row._tr.get_or_add_trPr()
        if props.find(qn("w:cantSplit")) is None:
            props.append(OxmlElement("w:cantSplit"))


def _repeat_header(row) -> None:
    """Mark a row as the table's header: Word and LibreOffice repeat it at the top of every page."""
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _shade(cell) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), HEADER_FILL)
    props.append(shading)


CENTERED_CELL_CHARS = 20
"""Longer cell texts (goals, problem lists in the 总览表) are left-aligned: centred prose reads badly."""


BODY_WIDTH_CM = 15.8
"""Text width of the A4 portrait page between the margins."""


def _column_widths(header: list[str], rows: list[list[str]]) -> list[Cm]:
    """Widths proportional to each column's longest text (3 to 18 characters), filling the text width."""
    longest = [
        min(max(3, len(h) + 1, *(len(r[j]) for r in rows if j < len(r))), 18) for j, h in enumerate(header)
    ]
    total = sum(longest)
    return [Cm(BODY_WIDTH_CM * n / total) for n in longest]


def _set_widths(table, widths: list[Cm]) -> None:
    """Column (w:gridCol, read by LibreOffice) and cell (read by Word) widths."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _add_cover(doc: Document, s: Section, v: dict[str, str]) -> None:
    """The cover page: the title large and centred, then 委托单位 / 评价机构 / 报告日期, then a page break."""
    lines = [p.render(v) for p in s.paragraphs]
    for _ in range(6):
        doc.add_paragraph()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(title.add_run(lines[0] if lines else ""), HEADING_FONT, Pt(22), bold=True)
    for _ in range(8):
        doc.add_paragraph()
    for line in lines[1:]:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_run_font(p.add_run(line), BODY_FONT, Pt(15))
    doc.add_page_break()


def _add_toc(doc: Document, s: Section, v: dict[str, str]) -> None:
    """The 目录: a Word TOC field (page numbers after 更新域) showing the level-1 headings until updated."""
    heading = doc.add_heading(s.title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = doc.add_paragraph()
    for tag, text in (("begin", ""), ("", 'TOC \\o "1-2" \\h \\z \\u'), ("separate", "")):
        run = field.add_run()
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    for p in s.paragraphs:
        line = doc.add_paragraph()
        _set_run_font(line.add_run(p.render(v)), BODY_FONT)
    end = doc.add_paragraph().add_run()
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), "end")
    end._element.append(element)
    doc.add_page_break()


def _add_signature(doc: Document, s: Section, v: dict[str, str]) -> None:
    doc.add_paragraph()
    for p in s.paragraphs:
        line = doc.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _set_run_font(line.add_run(p.render(v)), BODY_FONT)


def to_docx_bytes(report: Report) -> bytes:
    """The report as a .docx file's bytes."""
    doc = _new_document()
    _add_page_numbers(doc)
    v = report.values
    if report.form is not None:
        _add_form(doc, report.form, v)
    elif not any(s.id == "cover" for s in report.sections):
        _add_title(doc, report)
    for n, s in enumerate(report.sections):
        if s.id == "cover":
            _add_cover(doc, s, v)
            continue
        if s.id == "toc":
            _add_toc(doc, s, v)
            continue
        if s.id == "signature":
            _add_signature(doc, s, v)
            continue
        if s.id.startswith("appendix") or (s.id == "summary" and n > 0):
            doc.add_page_break()
        heading = doc.add_heading(s.heading, level=s.level)
        if not s.numbered:
            heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
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


@dataclass
class _Region:
    """A rectangle of the form's grid holding one text (a single cell when r0 == r1 and c0 == c1)."""

    r0: int
    c0: int
    r1: int
    c1: int
    text: str
    bold: bool = False
    center: bool = True


FORM_COLUMN_WIDTHS = (Cm(1.4), Cm(2.0), Cm(2.6), Cm(4.6), Cm(2.4), Cm(2.4), Cm(1.7), Cm(1.7), Cm(6.4))


def _form_regions(form: SelfEvaluationForm, v: dict[str, str]) -> tuple[int, list[_Region]]:
    """The form's layout as regions on a 9-column grid, top to bottom as in the corpus forms."""
    regions: list[_Region] = []
    add = regions.append
    r = 0
    add(_Region(r, 0, r, 1, "项目名称", bold=True))
    add(_Region(r, 2, r, 8, form.project_name.render(v)))
    r += 1
    add(_Region(r, 0, r, 1, "主管部门", bold=True))
    add(_Region(r, 2, r, 4, form.department.render(v)))
    add(_Region(r, 5, r, 6, "实施单位", bold=True))
    add(_Region(r, 7, r, 8, form.implementer.render(v)))
    r += 1
    budget_top = r
    for j, h in enumerate(FORM_BUDGET_HEADER):
        add(_Region(r, 2 + j, r, 2 + j, h, bold=True))
    r += 1
    for row in form.budget_rows:
        for j, cell in enumerate(row):
            add(_Region(r, 2 + j, r, 2 + j, cell.render(v)))
        r += 1
    add(_Region(budget_top, 0, r - 1, 1, "项目预算执行情况", bold=True))
    add(_Region(r, 0, r + 1, 0, "年度总体目标", bold=True))
    add(_Region(r, 1, r, 4, "年初预期目标", bold=True))
    add(_Region(r, 5, r, 8, "目标实际完成情况", bold=True))
    add(_Region(r + 1, 1, r + 1, 4, form.goal_expected.render(v), center=False))
    add(_Region(r + 1, 5, r + 1, 8, form.goal_actual.render(v), center=False))
    r += 2
    indicators_top = r
    for j, h in enumerate(FORM_INDICATOR_HEADER):
        add(_Region(r, 1 + j, r, 1 + j, h, bold=True))
    r += 1
    first = r
    rows = [[c.render(v) for c in row.cells()] for row in form.indicators]
    for i, cells in enumerate(rows):
        for j in range(2, 8):
            add(_Region(first + i, 1 + j, first + i, 1 + j, cells[j], center=j != 7))
    # 一级 and 二级 names merge vertically over consecutive equal rows, as in the corpus forms.
    for col in (0, 1):
        start = 0
        for i in range(1, len(rows) + 1):
            same = i < len(rows) and rows[i][col] == rows[start][col] and rows[i][0] == rows[start][0]
            if not same:
                add(_Region(first + start, 1 + col, first + i - 1, 1 + col, rows[start][col]))
                start = i
    r += len(rows)
    add(_Region(indicators_top, 0, r - 1, 0, "年度绩效指标", bold=True))
    add(_Region(r, 0, r, 5, "总分", bold=True))
    add(_Region(r, 6, r, 6, v.get("max_total", "100")))
    add(_Region(r, 7, r, 7, form.total.render(v), bold=True))
    add(_Region(r, 8, r, 8, ""))
    r += 1
    add(_Region(r, 0, r, 8, FORM_SHORTFALL_LABEL + form.shortfall_note.render(v), center=False))
    return r + 1, regions


def _add_form(doc: Document, form: SelfEvaluationForm, v: dict[str, str]) -> None:
    """The self-evaluation form as one 9-column table, landscape, as in the corpus."""
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21)
    sec.left_margin = sec.right_margin = Cm(1.8)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(title.add_run(_form_title(form, v)), HEADING_FONT, Pt(16), bold=True)
    unit = doc.add_paragraph()
    unit.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _set_run_font(unit.add_run("单位：万元"), BODY_FONT, Pt(10.5))

    n_rows, regions = _form_regions(form, v)
    t = doc.add_table(rows=n_rows, cols=9)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    # One snapshot of the grid: table.cell(r, c) rescans the whole table on every call. Fill first, merge
    # after, and only fill a region's top-left cell so merging moves no empty paragraphs in.
    grid = [row.cells for row in t.rows]
    _keep_rows_whole(t.rows)
    # LibreOffice lays a table out by its grid columns (w:gridCol), Word by the cell widths: set both.
    for column, width in zip(t.columns, FORM_COLUMN_WIDTHS, strict=True):
        column.width = width
    for row in grid:
        for cell, width in zip(row, FORM_COLUMN_WIDTHS, strict=True):
            cell.width = width
    for reg in regions:
        _fill_cell(grid[reg.r0][reg.c0], reg.text, bold=reg.bold, center=reg.center)
    for reg in regions:
        if (reg.r0, reg.c0) != (reg.r1, reg.c1):
            grid[reg.r0][reg.c0].merge(grid[reg.r1][reg.c1])
    doc.add_paragraph()


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

"""The form reader on copies that lose part of the table's structure: a browser's tab copy (spans of a
two-row header lost), Excel sheets with hidden rows, columns and sheets, PDFs without ruling lines whose
cells wrap onto several lines (small documents made here; the full set is evals/forms/layouts2)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from assistant.forms.reader import read_form, read_forms
from assistant.scoring import score_case

LAYOUTS2 = Path(__file__).resolve().parents[1] / "evals" / "forms" / "layouts2"

BROWSER_COPY = (
    "项目名称\t河道保洁\n"
    "项目资金（万元）\t资金来源\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
    "年度资金总额\t60\t60\t57\t10\t95%\t9.5\n"
    "绩效指标\t指标值\t分值\t得分\t偏差原因分析及改进措施\n"
    "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\n"
    "产出指标\t数量指标\t保洁河道长度\t≥40公里\t42公里\t30\t30\t\n"
    "质量指标\t水面漂浮物清理率\t≥95%\t96%\t30\t30\t\n"
    "满意度指标\t服务对象满意度指标\t沿河群众满意度\t≥90%\t85%\t30\t28.33\t清理频次不足\n"
    "总分\t100\t97.83\t\n"
)


def test_browser_copy_of_a_two_row_header_is_rebuilt(tmp_path):
    """'绩效指标' over three level columns and '指标值' over two value columns were copied once each, without
    their spans: the lower row's names go under their groups, 分值/得分/偏差原因 span both rows."""
    path = tmp_path / "网页复制.txt"
    path.write_text(BROWSER_COPY, encoding="utf-8")
    case = read_form(path)
    assert [i.path for i in case.indicators] == [
        ["产出指标", "数量指标", "保洁河道长度"],
        ["产出指标", "质量指标", "水面漂浮物清理率"],
        ["满意度指标", "服务对象满意度指标", "沿河群众满意度"],
    ]
    third = case.indicators[2]
    assert (third.target, third.actual, third.weight, third.reported_score) == ("≥90%", "85%", 30, D("28.33"))
    assert third.deviation == "清理频次不足"
    sheet = score_case(case)
    assert sheet.total == D("97.83") and not sheet.differences()


def test_hidden_rows_columns_and_sheets_are_not_read(tmp_path):
    """A hidden column of last year's actual values under the same header, a hidden row holding a dropped
    indicator and a hidden sheet holding another form: the form read is the one a reviewer sees."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws.append(["项目名称", "河道保洁"])
    ws.append(
        ["项目资金", "", "年初预算数", "上年执行数", "全年预算数", "全年执行数", "分值", "得分", "执行率"]
    )
    ws.append(["", "年度资金总额", 60, 48, 60, 57, 10, 9.5, "95%"])
    ws.append(
        ["一级指标", "二级指标", "三级指标", "实际完成值（上年）", "年度指标值", "实际完成值", "分值", "得分"]
    )
    ws.append(["产出指标", "数量指标", "保洁河道长度", "30公里", "≥40公里", "42公里", 45, 45])
    ws.append(["产出指标", "数量指标", "新增保洁船（已取消）", "1艘", "2艘", "0艘", 10, 0])
    ws.append(["满意度指标", "服务对象满意度指标", "沿河群众满意度", "80%", "≥90%", "92%", 45, 45])
    ws.append(["总分", "", "", "", "", "", 100, 99.5])
    ws.column_dimensions["D"].hidden = True
    ws.row_dimensions[6].hidden = True
    old = wb.create_sheet("上年")
    for row in ws.iter_rows(values_only=True):
        old.append(list(row))
    old.sheet_state = "hidden"
    path = tmp_path / "隐藏.xlsx"
    wb.save(path)
    cases = read_forms(path)
    assert len(cases) == 1
    case = cases[0]
    assert [i.path[-1] for i in case.indicators] == ["保洁河道长度", "沿河群众满意度"]
    assert [i.actual for i in case.indicators] == ["42公里", "92%"]
    sheet = score_case(case)
    assert sheet.total == D("99.5") and not sheet.differences()


def test_cells_wrapped_in_a_pdf_without_ruling_lines_are_joined_to_their_rows():
    """A Word table without borders printed to PDF by LibreOffice: names, values ('≥8600平方' / '米') and
    reasons wrap onto two to five lines; each wrapped line joins its row instead of becoming a row."""
    case = read_form(next(LAYOUTS2.glob("M7_*.pdf")))
    names = [i.path[-1] for i in case.indicators]
    assert "维修改造校舍面积" in names and "校舍使用年限延长" in names and len(names) == 7
    row = next(i for i in case.indicators if i.path[-1] == "消除校舍安全隐患学校数")
    assert row.deviation == "1所学校因地质勘察未完成，维修顺延至2024年寒假"
    assert next(i for i in case.indicators if i.path[-1] == "维修改造校舍面积").target == "≥8600平方米"
    assert case.reported_total == D("97.33")


def test_a_difference_names_the_forms_own_score_column():
    """权重/自评分 in the indicator table: the met row deducted is reported under '自评分', as the form says."""
    case = read_form(next(LAYOUTS2.glob("M5_*.docx")))
    rows = [c for c in score_case(case).differences() if c.figure.startswith("indicator[")]
    assert [(c.row, c.column) for c in rows] == [("效益指标/可持续影响指标/设施正常运行率", "自评分")]


def _rate_form(tmp_path: Path, rate: str) -> list:
    text = (
        "项目名称\t河道保洁\n"
        "项目资金\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        f"年度资金总额\t60\t60\t57.59\t10\t{rate}\t9.6\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "产出指标\t数量指标\t保洁河道长度\t≥40公里\t42公里\t90\t90\n"
        "总分\t\t\t\t\t100\t99.6\n"
    )
    path = tmp_path / "执行率.txt"
    path.write_text(text, encoding="utf-8")
    return [c for c in score_case(read_form(path)).differences() if c.figure == "budget.rate"]


def test_a_rate_is_compared_at_the_decimals_the_form_writes(tmp_path):
    """57.59 ÷ 60 = 95.98%: written '96%' or '96.0%' it agrees; '95.9%' or '96.5%' does not."""
    assert _rate_form(tmp_path, "96%") == [] and _rate_form(tmp_path, "96.0%") == []
    assert _rate_form(tmp_path, "95.98%") == [] and _rate_form(tmp_path, "0.96") == []
    assert [c.computed for c in _rate_form(tmp_path, "95.9%")] == ["95.98%"]
    assert len(_rate_form(tmp_path, "96.5%")) == 1 and len(_rate_form(tmp_path, "97%")) == 1


@pytest.mark.parametrize(
    ("header", "score"),
    [
        (["一级指标", "二级指标", "绩效指标", "指标值", "实际值", "分值", "得分"], "30"),
        (["一级指标", "二级指标", "指标内容", "目标值", "完成值", "分值", "得分"], "30"),
        (["一级指标", "二级指标", "三级指标", "年度指标值", "全年完成值", "指标分值", "自评分数"], "30"),
        (["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"], "30"),
    ],
)
def test_header_wordings_of_the_indicator_names_and_scores(tmp_path, header, score):
    """'绩效指标' right of 一级/二级 names the indicators; left of them it only labels the level columns."""
    lead = [""] if header[0] == "绩效指标" else []
    rows = [
        [*lead, "产出指标", "数量指标", "保洁河道长度", "≥40公里", "42公里", "45", score],
        [*lead, "产出指标", "数量指标", "保洁船只数", "≥6艘", "6艘", "45", score],
    ]
    text = "项目名称\t河道保洁\n" + "\t".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    path = tmp_path / "表头.txt"
    path.write_text(
        text + "\t".join(["总分", *[""] * (len(header) - 3), "90", "60"]) + "\n", encoding="utf-8"
    )
    case = read_form(path)
    assert [i.path for i in case.indicators] == [
        ["产出指标", "数量指标", "保洁河道长度"],
        ["产出指标", "数量指标", "保洁船只数"],
    ]
    assert [i.reported_score for i in case.indicators] == [D(score), D(score)]


FAKE_SOFFICE = """#!{python}
import shutil, sys
from pathlib import Path
args = sys.argv[1:]
target = args[args.index("--convert-to") + 1]
out = Path(args[args.index("--outdir") + 1])
source = Path(args[-1])
made = Path({made!r})
if made.exists():
    shutil.copyfile(made, out / (source.stem + "." + target))
"""


def _fake_soffice(tmp_path: Path, monkeypatch, made: Path) -> None:
    import os
    import sys

    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable, made=str(made)), encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")


def test_an_old_word_file_is_read_after_libreoffice_converts_it(tmp_path, monkeypatch):
    """A .doc goes through `soffice --convert-to docx` (here a stand-in that writes the converted file)
    and is read like the .docx; the case names the file as received."""
    _fake_soffice(tmp_path, monkeypatch, next(LAYOUTS2.glob("M5_*.docx")))
    old = tmp_path / "溪口镇自评表.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0 old binary Word")
    case = read_form(old)
    assert case.origin.file == "溪口镇自评表.doc" and case.origin.format == "doc"
    assert len(case.indicators) == 7 and case.reported_total == D("98")


def test_an_old_excel_file_that_cannot_be_converted_says_how_to_save_it(tmp_path, monkeypatch):
    from assistant.errors import InputError
    from assistant.forms.sources import legacy_source

    _fake_soffice(tmp_path, monkeypatch, tmp_path / "nothing.xlsx")
    old = tmp_path / "乡镇自评表.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 old binary Excel")
    with pytest.raises(InputError, match="乡镇自评表.xls.*无法自动转换为 .xlsx.*另存为"):
        read_forms(old)
    monkeypatch.setattr(legacy_source, "soffice_command", lambda: None)
    with pytest.raises(InputError, match="旧版 Excel 格式（.xls），本机未安装 LibreOffice"):
        read_forms(old)


def test_a_form_inside_a_page_layout_table_is_read(tmp_path):
    """Old portals wrap a page's content in a layout table: the form is the table nested in its cell. A small
    table inside a cell of a real table is still read as that cell's text."""
    form = (
        '<table border="1"><tr><td>项目名称</td><td colspan="5">河道保洁</td></tr>'
        "<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>年度指标值</td><td>分值</td><td>得分</td></tr>"
        "<tr><td>产出指标</td><td>数量指标</td><td>保洁河道长度</td><td>≥40公里</td><td>50</td><td>50</td></tr>"
        "<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>沿河群众满意度</td><td>≥90%</td><td>50</td>"
        '<td><table><tr><td>50</td></tr></table></td></tr><tr><td colspan="4">总分</td><td>100</td><td>100</td></tr>'
        "</table>"
    )
    page = (
        '<html><body><table width="100%"><tr><td>首页 &gt; 信息公开</td></tr>'
        f"<tr><td><p>澄湖区2023年度项目支出绩效自评表</p>{form}</td></tr><tr><td>版权所有</td></tr></table>"
        "</body></html>"
    )
    path = tmp_path / "网页.html"
    path.write_text(page, encoding="utf-8")
    case = read_form(path)
    assert case.origin.title == "澄湖区2023年度项目支出绩效自评表"
    assert [i.path[-1] for i in case.indicators] == ["保洁河道长度", "沿河群众满意度"]
    assert [i.reported_score for i in case.indicators] == [D(50), D(50)] and case.reported_total == D(100)


def test_word_tracked_insertions_and_content_controls_are_read(tmp_path):
    """A score typed with track changes on (w:ins) and a table inside a content control (w:sdt) are what
    Word shows: both are read."""
    import copy

    from docx import Document
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = Document()
    doc.add_paragraph("项目名称：河道保洁")
    rows = [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "保洁河道长度", "≥40公里", "42公里", "50", ""],
        ["满意度指标", "服务对象满意度指标", "沿河群众满意度", "≥90%", "92%", "50", "50"],
        ["总分", "", "", "", "", "100", "100"],
    ]
    table = doc.add_table(rows=len(rows), cols=7)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    inserted = (
        f'<w:ins {w} w:id="1" w:author="审核" w:date="2024-04-01T00:00:00Z"><w:r><w:t>50</w:t></w:r></w:ins>'
    )
    table.cell(1, 6).paragraphs[0]._p.append(parse_xml(inserted))
    sdt = parse_xml(f"<w:sdt {w}><w:sdtPr/><w:sdtContent/></w:sdt>")
    sdt[1].append(copy.deepcopy(table._tbl))
    table._tbl.addprevious(sdt)
    table._tbl.getparent().remove(table._tbl)
    path = tmp_path / "修订.docx"
    doc.save(path)
    case = read_form(path)
    assert [i.reported_score for i in case.indicators] == [D(50), D(50)]
    assert not score_case(case).differences()


BUDGET_TWO_ROWS = (
    "项目名称\t河道保洁\n"
    "项目资金\t资金来源\t预算执行情况（万元）\t分值\t执行率\t得分\n"
    "年初预算数\t全年预算数\t全年执行数\n"
    "年度资金总额\t60\t60\t57\t10\t96%\t9.5\n"
    "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因\n"
    "产出指标\t数量指标\t保洁河道长度\t≥40公里\t42公里\t90\t90\t\n"
    "总分\t\t\t\t\t100\t99.5\t\n"
)


def test_a_two_row_budget_header_keeps_its_weight_rate_and_score_columns(tmp_path):
    """'预算执行情况' over 年初/全年/执行 with 分值/执行率/得分 merged down both rows, as HTML and as a
    browser's tab copy: the reported rate and score are read (and the wrong rate is reported)."""
    html = (
        "<table><tr><td>项目名称</td><td colspan=7>河道保洁</td></tr>"
        "<tr><td rowspan=3>项目资金</td><td rowspan=2>资金来源</td><td colspan=3>预算执行情况（万元）</td>"
        "<td rowspan=2>分值</td><td rowspan=2>执行率</td><td rowspan=2>得分</td></tr>"
        "<tr><td>年初预算数</td><td>全年预算数</td><td>全年执行数</td></tr>"
        "<tr><td>年度资金总额</td><td>60</td><td>60</td><td>57</td><td>10</td><td>96%</td><td>9.5</td></tr>"
        "<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>年度指标值</td><td>实际完成值</td><td>分值</td>"
        "<td>得分</td><td>偏差原因</td></tr><tr><td>产出指标</td><td>数量指标</td><td>保洁河道长度</td>"
        "<td>≥40公里</td><td>42公里</td><td>90</td><td>90</td><td></td></tr>"
        "<tr><td colspan=5>总分</td><td>100</td><td>99.5</td><td></td></tr></table>"
    )
    for name, text in (("预算.html", html), ("预算.txt", BUDGET_TWO_ROWS)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        case = read_form(path)
        assert case.budget is not None and case.budget.weight == D(10)
        assert (case.budget.reported_rate, case.budget.reported_score) == ("96%", D("9.5"))
        assert [(c.figure, c.computed) for c in score_case(case).differences()] == [("budget.rate", "95.00%")]


def test_two_row_headers_in_a_ruled_pdf_take_the_merged_down_columns_from_the_row_above():
    """A Word form printed to PDF by LibreOffice: '预算执行情况' over 年初/全年/执行 and '绩效指标' over
    一级/二级/三级, with 分值/执行率/得分 merged down both rows (a PDF gives the merged-down cells no text)."""
    case = read_form(Path(__file__).parent / "data" / "forms" / "两行表头_LibreOffice转PDF.pdf")
    assert case.budget is not None and case.budget.weight == D(10) and case.budget.reported_score == D("9.5")
    assert [i.path for i in case.indicators] == [
        ["产出指标", "数量指标", "保洁河道长度"],
        ["满意度指标", "服务对象满意度指标", "沿河群众满意度"],
    ]
    assert [(c.figure, c.computed) for c in score_case(case).differences()] == [("budget.rate", "95.00%")]


def test_excel_formulas_without_stored_results_are_worked_out(tmp_path):
    """A workbook written by a program keeps formulas without their results: the rate, scores and total are
    worked out from the formulas (SUM, ROUND, MIN, references, text amounts); an unsupported one stays blank."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "河道保洁"])
    ws.append(["项目资金", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    ws.append(["", "年度资金总额", "60.00", "1,200.00", "1,140.00", 10])
    ws["G3"] = '=VALUE(SUBSTITUTE(E3,",",""))/VALUE(SUBSTITUTE(D3,",",""))'
    ws["G3"].number_format = "0.00%"
    ws["H3"] = "=ROUND(F3*MIN(1140/1200,1),2)"
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "备注"])
    ws.append(
        [
            "产出指标",
            "数量指标",
            "保洁河道长度",
            "≥40公里",
            "38公里",
            45,
            "=ROUND(F5*38/40,2)",
            '=IF(G5<F5,"扣分","")',
        ]
    )
    ws.append(["满意度指标", "服务对象满意度指标", "沿河群众满意度", "≥90%", "92%", 45, "=F6"])
    ws.append(["总分", "", "", "", "", "=SUM(F5:F6)+F3", "=SUM(G5:G6)+H3"])
    path = tmp_path / "系统导出.xlsx"
    wb.save(path)
    case = read_form(path)
    assert [i.reported_score for i in case.indicators] == [D("42.75"), D(45)]
    assert case.budget is not None and case.budget.reported_score == D("9.5")
    assert case.reported_total == D("97.25") and case.reported_weight_total == D(100)
    assert not case.budget.reported_rate  # VALUE/SUBSTITUTE are not worked out: left blank, not guessed
    assert not [c for c in score_case(case).differences() if c.figure != "budget.rate"]


def test_a_word_form_inside_a_layout_table_is_read(tmp_path):
    """A web page pasted into Word keeps its layout table: the form is a table inside one of its cells."""
    from docx import Document

    doc = Document()
    outer = doc.add_table(rows=2, cols=1)
    outer.cell(0, 0).text = "首页 > 信息公开"
    cell = outer.cell(1, 0)
    cell.paragraphs[0].text = "澄湖区2023年度项目支出绩效自评表"
    rows = [
        ["项目名称", "河道保洁", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "分值", "得分"],
        ["产出指标", "数量指标", "保洁河道长度", "≥40公里", "50", "50"],
        ["满意度指标", "服务对象满意度指标", "沿河群众满意度", "≥90%", "50", "50"],
        ["总分", "", "", "", "100", "100"],
    ]
    form = cell.add_table(rows=len(rows), cols=6)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            form.cell(r, c).text = value
    path = tmp_path / "网页粘贴.docx"
    doc.save(path)
    case = read_form(path)
    assert case.origin.title == "澄湖区2023年度项目支出绩效自评表"
    assert [i.path[-1] for i in case.indicators] == ["保洁河道长度", "沿河群众满意度"]
    assert case.reported_total == D(100)

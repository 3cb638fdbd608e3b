"""The form reader on forms broken across pages, split header rows, headers a column off their values,
full-width digits and scans (small documents made here; the layouts set is evals/forms/layouts)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.forms.reader import read_form, read_forms
from assistant.scoring import score_case

LAYOUTS = Path(__file__).resolve().parents[1] / "evals" / "forms" / "layouts"

HEAD = (
    "项目名称\t\t乡村道路养护\t\t\t\t\t\t\t\n"
    "项目预算执行情况\t\t年初预算数\t全年预算数 (A)\t全年执行数 (B)\t分值\t执行率 (B/A)\t得分\t\t\n"
    "\t\t年度资金总额\t50\t50\t48\t10\t96.00%\t9.6\t\n"
    "\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成指标值\t分值\t得分\t偏差原因分析及改进措施\t\n"
    "年度绩效指标\t产出指标\t数量指标\t养护里程\t≥120公里\t126公里\t40\t40\t\t\n"
)
PAGE_TWO = (
    "\n— 2 —\n\n"
    "年度绩效指标\t效益指标\t社会效益指标\t出行时间缩短率\t≥10%\t8%\t30\t30\t\n"
    "\t满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t93%\t20\t20\t\n"
    "\t总分\t\t\t99.6\t\t\t\t\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_piece_after_a_page_break_joins_the_form_before_it(tmp_path):
    """The second piece has no header row and one field fewer; the budget header stands a column left
    of its amounts and the total stands under another column, as PDF-to-text converters write them."""
    case = read_form(_write(tmp_path, "pages.txt", HEAD + PAGE_TWO))
    assert [i.path[-1] for i in case.indicators] == ["养护里程", "出行时间缩短率", "群众满意度"]
    assert [i.weight for i in case.indicators] == [40, 30, 20]
    assert case.budget is not None and case.budget.annual == 50 and case.budget.executed == 48
    assert case.budget.reported_rate == "96.00%" and case.reported_total == D("99.6")
    sheet = score_case(case)
    assert sheet.total == D("93.6")  # 9.6 + 40 + 30 × 8/10 + 20
    assert any(c.figure.startswith("indicator[") and "出行时间" in c.figure for c in sheet.differences())


def test_continued_table_with_the_header_repeated_and_a_continued_label(tmp_path):
    header = HEAD.splitlines()[3]
    text = HEAD + "\n续表\n" + header + "\n" + PAGE_TWO.split("\n\n", 1)[1]
    case = read_form(_write(tmp_path, "repeat.txt", text))
    assert len(case.indicators) == 3 and case.indicators[2].path[0] == "满意度指标"


def test_a_following_table_that_is_not_indicators_closes_the_table(tmp_path):
    text = HEAD + "\t总分\t\t\t49.6\t\t\t\t\n\n存在问题\t改进措施\n宣传不足\t加强宣传\n"
    case = read_form(_write(tmp_path, "closed.txt", text))
    assert len(case.indicators) == 1 and not case.origin.unread


TWO_ROW_HEADER = """<table border=1>
<tr><td>项目名称</td><td colspan=7>高标准农田建设</td></tr>
<tr><td rowspan=2>项目资金</td><td></td><td>年初预算数（万元）</td><td>全年预算数（万元）</td>
<td>全年执行数（万元）</td><td>分值</td><td>执行率</td><td>得分</td></tr>
<tr><td>年度资金总额</td><td>300</td><td>300</td><td>270</td><td>10</td><td>90%</td><td>9</td></tr>
<tr><td colspan=3>绩效指标</td><td colspan=2>指标值</td><td rowspan=2>分值</td><td rowspan=2>得分</td>
<td rowspan=2>偏差原因</td></tr>
<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>计划值</td><td>实际值</td></tr>
<tr><td>产出指标</td><td>数量指标</td><td>新建面积</td><td>≥1.5万亩</td><td>1.5万亩</td><td>50</td><td>50</td><td></td></tr>
<tr><td>效益指标</td><td>经济效益指标</td><td>亩均增效</td><td>≥100元</td><td>80元</td><td>40</td><td>32</td><td></td></tr>
<tr><td colspan=5>总分</td><td>100</td><td>91</td><td></td></tr>
</table>"""


def test_header_split_over_two_rows(tmp_path):
    case = read_form(_write(tmp_path, "two.html", TWO_ROW_HEADER))
    first = case.indicators[0]
    assert (first.path, first.target, first.actual, first.weight) == (
        ["产出指标", "数量指标", "新建面积"],
        "≥1.5万亩",
        "1.5万亩",
        50,
    )
    assert case.indicators[1].reported_score == 32 and case.reported_total == 91
    assert score_case(case).total == D(91)


def test_sub_header_row_under_a_spanning_target_column(tmp_path):
    text = TWO_ROW_HEADER.replace(
        "<tr><td colspan=3>绩效指标</td><td colspan=2>指标值</td>",
        "<tr><td rowspan=2>一级指标</td><td rowspan=2>二级指标</td><td rowspan=2>三级指标</td>"
        "<td colspan=2>年度指标值</td>",
    ).replace(
        "<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>计划值</td><td>实际值</td></tr>",
        "<tr><td>计划值</td><td>实际完成值</td></tr>",
    )
    case = read_form(_write(tmp_path, "sub.html", text))
    assert [(i.target, i.actual) for i in case.indicators] == [("≥1.5万亩", "1.5万亩"), ("≥100元", "80元")]


def test_full_width_figures_are_compared_as_numbers(tmp_path):
    text = (
        "项目名称\t饮水工程\n"
        "项目资金\t年初预算数（万元）\t全年预算数（万元）\t全年执行数（万元）\t分值\t执行率\t得分\n"
        "年度资金总额\t８０\t８０\t７６\t１０\t９５％\t９．５\n\n"
        "一级指标\t三级指标\t指标值\t实际完成值\t分值\t得分\n"
        "产出指标\t管网长度\t≥１２公里\t１２．５公里\t９０\t９０\n"
        "总分\t\t\t１００\t９９．５\n"
    )
    sheet = score_case(read_form(_write(tmp_path, "wide.txt", text)))
    assert sheet.total == D("99.5") and sheet.differences() == []


def test_department_form_is_named_by_its_department():
    case = read_form(LAYOUTS / "L6_东湖区统计局_部门整体支出绩效自评表.md")
    assert case.project.name == "东湖区统计局"
    assert score_case(case).differences() == []  # 基本支出 + 项目支出 = 年度资金总额


def test_scanned_pdf_says_it_is_a_scan_and_needs_ocr():
    name = "L4_扫描件_项目支出绩效自评表.pdf"
    with pytest.raises(InputError) as caught:
        read_forms(LAYOUTS / name)
    assert name in str(caught.value) and "扫描件" in str(caught.value) and "OCR" in str(caught.value)


def test_amount_header_beside_an_empty_header_cell_and_a_row_moved_by_a_cell(tmp_path):
    rows = [
        "| 项目名称 | | 乡村道路养护 | | | | | | | |",
        "| 项目预算执行情况 | | 年初预算数 | | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | |",
        "| | | 年度资金总额 | 50 | 50 | 48 | 10 | 96.00% | 9.6 | |",
        "| | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因 | |",
        "| 年度绩效指标 | 产出指标 | 数量指标 | 养护里程 | ≥120公里 | 126公里 | 40 | 40 | | |",
        "| | | 效益指标 | 社会效益指标 | 出行时间缩短率 | ≥10% | 12% | 30 | 30 | |",  # one cell right
        "| | 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 93% | 20 | 20 | | |",
        "| | 总分 | | | 99.6 | | | | | |",
    ]
    case = read_form(_write(tmp_path, "moved.md", "\n".join(rows) + "\n"))
    assert case.budget is not None and (case.budget.initial, case.budget.weight) == (50, 10)
    assert [(i.path[-1], i.weight) for i in case.indicators] == [
        ("养护里程", 40),
        ("出行时间缩短率", 30),
        ("群众满意度", 20),
    ]


def test_a_report_table_after_the_form_total_is_not_part_of_the_form(tmp_path):
    report = (
        "\n\n绩效评价报告\n\n一级指标\t二级指标\t三级指标\t分值\t得分\n"
        "决策\t项目立项\t立项依据充分性\t6\t6\n合计\t\t\t100\t88.8\n"
    )
    case = read_form(_write(tmp_path, "report.txt", HEAD + PAGE_TWO + report))
    assert len(case.indicators) == 3 and case.reported_total == D("99.6")

"""The form reader on the dev set (evals/forms/dev) and on small documents made here in other layouts."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import InputError
from assistant.forms.reader import read_form, read_forms
from assistant.scoring import score_case

DEV = Path(__file__).resolve().parents[1] / "evals" / "forms" / "dev"
runner = CliRunner()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HTML_FORM = """<html><body><h2>临川县文化馆2024年度项目支出绩效自评表</h2>
<table border=1>
<tr><td>项目名称</td><td colspan=5>乡村文艺汇演补助</td></tr>
<tr><td>主管部门</td><td colspan=2>临川县文旅局</td><td>实施单位</td><td colspan=2>临川县文化馆</td></tr>
<tr><td rowspan=3>预算执行情况（10分）</td><td>资金来源</td><td>年初预算金额</td><td>全年预算金额</td><td>全年支出数</td><td>预算执行率</td></tr>
<tr><td>合计</td><td>40.00</td><td>40.00</td><td>36.00</td><td>90.00%</td></tr>
<tr><td>其中：财政拨款</td><td>40.00</td><td>40.00</td><td>36.00</td><td>90.00%</td></tr>
</table>
<table border=1>
<tr><th>一级指标</th><th>二级指标</th><th>指标名称</th><th>标准分值</th><th>年度目标值</th><th>实际完成数</th><th>自评分</th><th>未完成原因</th></tr>
<tr><td rowspan=2>产出指标</td><td>数量指标</td><td>演出场次/巡演村数</td><td>40</td><td>≥20场</td><td>20场</td><td>40</td><td></td></tr>
<tr><td>时效指标</td><td>完成时间</td><td>10</td><td>2024年11月底前</td><td>达成预期指标</td><td>10</td><td></td></tr>
<tr><td>效益指标</td><td>社会效益指标</td><td>观众人次</td><td>20</td><td>≥1万人次</td><td>0.95万人次</td><td>19</td><td>雨天取消一场</td></tr>
<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>群众满意度</td><td>20</td><td>≥90%</td><td>0.95</td><td>20</td><td></td></tr>
<tr><td colspan=3>总分</td><td>100</td><td></td><td></td><td>98</td><td></td></tr>
</table></body></html>"""


def test_html_form_with_spans_fraction_and_slash_in_name(tmp_path):
    case = read_form(_write(tmp_path, "form.html", HTML_FORM))
    assert case.received and case.project.name == "乡村文艺汇演补助"
    assert case.project.year == 2024
    assert [i.path[-1] for i in case.indicators] == [
        "演出场次/巡演村数",
        "完成时间",
        "观众人次",
        "群众满意度",
    ]
    assert case.indicators[0].key == "产出指标/数量指标/演出场次\\/巡演村数"
    assert case.budget is not None and case.budget.weight == 10 and case.budget.annual == D(40)
    sheet = score_case(case)
    # no budget score column: the 10 points of the block label are scored, and the total row gives 98
    assert sheet.budget is not None and sheet.budget.score == D(9)
    assert sheet.indicator(case.indicators[2].key).score == D(19)
    fraction = sheet.indicator(case.indicators[3].key)
    assert fraction.score == D(20) and "按 95% 计" in fraction.formula  # 0.95 against ≥90%: shown, not silent
    total = next(c for c in sheet.comparisons if c.figure == "total")
    assert total.reported_value == D(98) and total.computed_value == D(98) and total.agrees


TAB_FORM = (
    "某区2023年度项目支出绩效自评表\n"
    "项目名称\t社区食堂运营补贴\n"
    "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
    "年度资金总额\t50\t50\t43.1\t10\t86.2%\t9\n"
    "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
    "产出指标\t数量指标\t食堂数量\t≥5个\t5个\t45\t45\t\n"
    "效益指标\t社会效益指标\t就餐人次\t≥3万人次\t3.2万人次\t45\t44\t\n"
    "总分\t100\t98\t\n"
)


def test_tab_text_whole_point_rounding_and_met_but_deducted(tmp_path):
    sheet = score_case(read_form(_write(tmp_path, "form.txt", TAB_FORM)))
    causes = {c.figure: c.cause for c in sheet.differences()}
    assert causes["budget.score"] == "rounding"  # 43.1/50 = 86.2% → 8.62, written 9: a difference
    assert causes["indicator[效益指标/社会效益指标/就餐人次].score"] == "met_but_deducted"
    budget = next(c for c in sheet.comparisons if c.figure == "budget.score")
    assert (budget.reported, budget.computed, budget.difference) == ("9", "8.62", D("0.38"))
    assert "取整" in budget.reason and budget.location is not None and budget.location.row == 4


def test_partial_form_is_scored_as_far_as_it_goes(tmp_path):
    cut = TAB_FORM.split("效益指标")[0]  # the table stops after the first indicator row
    case = read_form(_write(tmp_path, "cut.txt", cut))
    sheet = score_case(case)
    assert sheet.indicators[0].score == D(45)
    assert any("总分" in u for u in case.origin.unread)
    assert any("分值合计 45，应为 90" in n for n in sheet.notes)


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("a.docx", b"not a zip", "无法读取 Word 文件"),
        ("a.pdf", b"%PDF-1.4 garbage", "PDF"),
        ("a.xlsx", b"PK\x03\x04 broken", "Excel"),
        ("a.txt", "只是一段文字，没有表格。".encode(), "未找到可读取的绩效自评表"),
        ("a.md", b"", "空文件"),
    ],
)
def test_malformed_documents_get_chinese_messages(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=fragment):
        read_forms(path)
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_huge_merged_range_is_refused_quickly(tmp_path):
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "项目名称"
    wb.active.merge_cells("B2:C3")
    small = tmp_path / "small.xlsx"
    wb.save(small)
    path = tmp_path / "merged.xlsx"
    # the range is written into the sheet XML directly: openpyxl itself would build every covered cell
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'ref="B2:C3"', b'ref="B2:XX3000"')  # about 650 × 3000 cells
            target.writestr(item, data)
    with pytest.raises(InputError, match="未读取"):
        read_forms(path)


@pytest.mark.parametrize(
    ("file", "forms", "totals"),
    [
        ("01_2023年度基层市场监管执法装备购置项目支出绩效自评表.docx", 1, ["99.75"]),
        ("03_白鹭湾镇_项目支出绩效自评表_村庄保洁.docx", 1, ["99.86"]),
        ("06_应急广播系统升级改造_绩效自评表_系统导出.xlsx", 1, ["99.92"]),
        ("11_松溪县自然资源局2022年度项目支出绩效自评表_网页复制.txt", 1, ["99.26"]),
        ("12_明川区民政局_养老服务站运营补助_绩效自评表.md", 1, ["99.77"]),
        ("13_丰源县人社局2023年度部门决算_附件_项目支出绩效自评表.docx", 3, ["100", "97.69", "97.81"]),
    ],
)
def test_dev_forms_read_and_recompute(file, forms, totals):
    cases = read_forms(DEV / file)
    assert len(cases) == forms
    assert [str(score_case(c).total.normalize()) for c in cases] == [str(D(t).normalize()) for t in totals]


def test_score_json_for_a_multi_form_document_and_form_choice():
    path = DEV / "13_丰源县人社局2023年度部门决算_附件_项目支出绩效自评表.docx"
    payload = json.loads(runner.invoke(app, ["score", str(path), "--json"]).stdout)
    assert [f["form"]["index"] for f in payload["forms"]] == [1, 2, 3]
    one = json.loads(runner.invoke(app, ["score", str(path), "--json", "--form", "2"]).stdout)
    wrong = [c for c in one["comparisons"] if not c["agrees"]]
    budget = next(c for c in wrong if c["figure"] == "budget.score")
    assert (budget["reported"], budget["computed"], budget["cause"]) == ("9", "8.51", "rounding")
    assert budget["location"]["table"] == 2 and budget["location"]["row"] == 4
    assert "policy" in one and one["form"]["count"] == 3
    missing = runner.invoke(app, ["score", str(path), "--form", "4"])
    assert missing.exit_code == 2 and "只有 3 张" in missing.output


def test_convert_case_from_a_form_keeps_reported_figures(tmp_path):
    out = tmp_path / "case.yaml"
    path = DEV / "07_村卫生室标准化建设补助_绩效自评表.xlsx"
    result = runner.invoke(app, ["convert-case", str(path), str(out)])
    assert result.exit_code == 0, result.output
    from assistant.case_io import load_case

    case = load_case(out)
    assert case.received and case.budget is not None and case.budget.reported_score_text == "9分"
    assert case.reported_total_text == "98.58分"
    assert score_case(case).total == D("98.15")


def test_forms_eval_meets_floors():
    """Every dev-set row and reported figure read, every planted slip reported, no false alarm; the
    synthetic set (layouts of our own) likewise."""
    from assistant.evaluation.floors import check_result, load_floors
    from assistant.evaluation.forms_eval import run_forms_eval

    results = run_forms_eval()
    payload = {name: r.model_dump(mode="json") for name, r in results.items()}
    failed = [c for c in check_result("forms", payload, load_floors()["forms"]) if not c.ok]
    assert failed == []
    synthetic = results["synthetic"]
    assert (synthetic.rows_read, synthetic.slips_found, synthetic.false_alarms) == (
        synthetic.rows_expected,
        synthetic.slips_planted,
        0,
    )


def test_unruled_pdf_is_read_by_word_positions():
    path = DEV.parent / "synthetic" / "S6_北塘街道老年助餐_无框线.pdf"
    case = read_form(path)
    assert [i.path[-1] for i in case.indicators] == [
        "助餐点数量",
        "食品安全事故",
        "日均就餐老人",
        "就餐老人满意度",
    ]
    assert (
        case.budget is not None and case.budget.executed == D("22.80") and case.reported_total == D("98.17")
    )
    assert score_case(case).differences() == []


def test_project_named_again_on_a_continuation_page_is_one_form(tmp_path):
    head, rest = TAB_FORM.split("效益指标\t社会", 1)
    header = TAB_FORM.splitlines()[4]
    text = head + "（续表）\n项目名称\t社区食堂运营补贴\n" + header + "\n效益指标\t社会" + rest
    cases = read_forms(_write(tmp_path, "pages.txt", text))
    assert len(cases) == 1 and [i.path[-1] for i in cases[0].indicators] == ["食堂数量", "就餐人次"]

"""Received forms through the checker (the form reader + the scorer's comparison), grade words an LLM draft
repeats, survey scales, placeholders and weight lists in wordings the checker was not written against."""

from pathlib import Path

import pytest

from assistant.checking import check_document, check_file

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "evals" / "forms" / "dev"
OUTSIDE = ROOT / "evals" / "checker" / "forms"


def _errors(report):
    return [f for f in report.findings if f.severity == "error"]


def test_correct_word_form_with_a_one_level_budget_row_has_no_error():
    report = check_file(DEV / "01_2023年度基层市场监管执法装备购置项目支出绩效自评表.docx")
    assert _errors(report) == []  # the generic '总分行分值 125.33' misreading of this layout is gone
    assert report.parts and report.parts[0].recomputed_total == "99.75"


def test_excel_form_slips_found_at_their_cells():
    report = check_file(DEV / "07_村卫生室标准化建设补助_绩效自评表.xlsx")
    found = {(f.found, f.expected) for f in _errors(report)}
    assert ("9分", "8.61") in found  # whole-point rounding of the budget score
    assert ("10分", "9.96") in found  # a near miss given full marks
    assert all("工作表" in f.location for f in _errors(report))


def test_county_html_form_with_weight_and_nature_columns():
    report = check_file(OUTSIDE / "H1_安和县交通运输局_农村客运站点维护_自评表_网页.html")
    found = {(f.found, f.expected) for f in _errors(report)}
    assert found == {("10", "8.82"), ("99.72", "98.09")}
    assert not any("53252424T" in f.found for f in report.findings)  # the project code is no figure
    assert not any(f.kind == "placeholder" for f in report.findings)  # a masked phone number is no gap


def test_a_report_table_that_only_looks_like_a_form_is_left_to_the_generic_checks(tmp_path):
    text = (
        "# 某项目绩效评价报告\n\n| 一级指标 | 二级指标 | 三级指标 | 分值 | 得分 |\n|---|---|---|---|---|\n"
        "| 决策 | 项目立项 | 立项依据充分性 | 3 | 3 |\n| 过程 | 资金管理 | 资金到位率 | 4 | 4 |\n"
        "| 产出 | 产出数量 | 完成率 | 20 | 19 |\n| 合计 |  |  | 27 | 25 |\n"
    )
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    report = check_file(path)
    kinds = {f.kind for f in report.findings}
    assert {"total", "weights"} <= kinds  # the table's own sum (3 + 4 + 19 = 26, not 25) and its 27 points
    assert not any("按规则重算" in f.message or f.kind == "not_checked" for f in report.findings)


def test_an_unreadable_form_in_a_pdf_is_a_clear_message(tmp_path):
    from assistant.errors import InputError

    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 broken")
    with pytest.raises(InputError, match="scan.pdf"):
        check_file(path)


LLM_DRAFT = """# 某区智慧社区平台运维项目绩效评价报告

## 一、评价结论

经综合评价，本项目总得分94.1分，绩效评价等级为“差”。

## 二、分项说明

过程指标表现一般，综合来看项目等级为差。产出指标完成较好，但按评分结果项目等级仍为“差”。
效益指标得分较高，评价等级：差。项目整体评级为差等。该项目绩效等级属于“差”。

| 项目 | 总得分 | 评价等级 |
|---|---|---|
| 智慧社区平台运维 | 94.1 | 差 |

综上，项目得分94.1分，等级为差。评价组认为等级“差”的主要原因在于管理不规范。
按照办法，得分90分（含）以上为优，本项目94.1分对应等级为差。
最终评价结果：94.1分，差。自评等级为差。绩效评价结论：差。建议下一年度避免再评为“差”。
"""


def test_every_grade_word_of_an_llm_draft_against_the_total():
    report = check_document(LLM_DRAFT)
    grades = [f for f in report.findings if f.kind == "grade"]
    assert len(grades) == 13 and all(f.expected == "优" for f in grades)
    assert not any("避免再评为" in f.text and "绩效评价结论" not in f.text for f in grades)


def test_grade_words_against_the_scorer_when_a_case_is_given():
    from assistant.case_io import load_case

    case = load_case(ROOT / "evals" / "cases" / "se11_itdf_think_tank.yaml")
    report = check_document("## 结论\n\n本项目评价等级为“差”。自评结果：良。\n", case=case)
    grades = [f for f in report.findings if f.kind == "grade"]
    assert {f.found for f in grades} == {"差", "良"} and all("评分结果总分" in f.message for f in grades)


def test_survey_counts_named_very_and_rather_satisfied():
    text = (
        "共发放问卷300份，收回有效问卷288份，回收率96%。受访者中表示“很满意”的162人，“较满意”的95人，"
        "“一般”的23人，“不太满意”的6人，“很不满意”的2人，综合满意度为93.4%。"
    )
    [finding] = check_document(text).findings
    assert finding.found == "93.4%" and "88.40%" in finding.message and "89.24%" in finding.message


def test_weight_list_with_the_budget_item_adds_up():
    text = "各一级指标权重为：决策15分、过程20分、产出35分、效益20分、预算资金执行率10分。"
    assert check_document(text).findings == []
    wrong = "注：一级指标分值统一为：产出指标50分、效益指标30分、满意度指标10分、预算资金执行率5分。"
    [finding] = check_document(wrong).findings
    assert finding.kind == "weights" and finding.found == "95"


@pytest.mark.parametrize(
    ("text", "marks"),
    [
        ("驿站助餐服务覆盖率偏低，仅为待补充。", 1),
        ("相关资料有待补充。", 0),
        ("填报人：李某　联系电话：0870-XXXXXXX", 0),
        ("项目年初预算XX万元，评价组于××月开展核查。", 1),
    ],
)
def test_placeholders_and_masked_numbers(text, marks):
    findings = [f for f in check_document(text).findings if f.kind == "placeholder"]
    assert len(findings) == marks


@pytest.mark.slow
def test_forms_dev_set_and_outside_material_against_their_keys():
    from assistant.evaluation.checker_eval import run_received

    results = run_received()
    assert {r.set for r in results} == {"dev", "layouts2", "forms"}
    assert all(r.error is None for r in results)
    assert sum(r.found for r in results) == sum(r.planted for r in results)
    assert [e for r in results for e in r.false_errors] == []


def test_review_upload_reads_forms_and_returns_the_checked_text():
    from assistant.case_io import load_case
    from assistant.checking.upload import review_upload

    review = review_upload(DEV / "07_村卫生室标准化建设补助_绩效自评表.xlsx")
    assert review.forms == 1
    found = {(f.found, f.expected) for f in _errors(review.report)}
    assert ("9分", "8.61") in found  # the same comparison `pe-assistant check` makes
    assert all(f.text in review.text for f in review.report.findings if f.text)

    draft = OUTSIDE / "R1_清河镇_饮水安全巩固提升_评价报告节选.md"
    assert review_upload(draft).report.findings == check_file(draft).findings  # one path for both
    case = load_case(ROOT / "evals" / "cases" / "se01_big_data_bureau_operations.yaml")
    with_case = review_upload(ROOT / "evals" / "checker" / "bases" / "se01_form.md", case=case)
    assert with_case.forms == 0  # with the open project's case the file is compared with the case
    assert with_case.report.stats.traced > 0

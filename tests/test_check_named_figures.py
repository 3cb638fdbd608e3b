"""Indicator names holding digits ('12345热线接通率', '7×24小时值守到岗率', '5G政务专网覆盖率'), whole-number scores
written for fractional ones, figures that open a table cell copied from the case, and which figure of a
'分值/得分/扣分' triple is blamed when the indicator's other statements decide."""

from pathlib import Path

import pytest

from assistant.case_io import load_case
from assistant.checking import check_document

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "evals" / "cases"

# A short report in a wording the drafts do not use: 权重分/评价得分, a numbered score table with a 合计 row,
# indicator names holding digits, scores with and without decimals.
_REPORT = """# 临川市2024年度12345政务服务便民热线运行经费绩效评价报告

## 一、评价结论

本项目综合得分91.5分，评价等级为“优”。

## 二、评分情况

| 序号 | 指标名称 | 权重分 | 评价得分 |
|---|---|---|---|
| 1 | 12345热线接通率 | 4 | 3.5 |
| 2 | 7×24小时值守到岗率 | 3 | 3 |
| 3 | 5G政务专网覆盖率 | 3 | 2.5 |
| 4 | 2024年度工单办结率 | 5 | 5 |
| 5 | 其他指标 | 85 | 77.5 |
| | 合计 | 100 | 91.5 |

## 三、指标分析

12345热线接通率，权重分4分，评价得分3.5分，扣0.5分。全年呼入量48.6万件，高峰时段存在排队现象。

7×24小时值守到岗率，权重分3分，评价得分3分。全年无脱岗记录。

5G政务专网覆盖率，权重分3分，评价得分2.5分，扣0.5分。尚有2个乡镇未覆盖。

2024年度工单办结率，权重分5分，评价得分5分。
"""


def _errors(text, case=None):
    report = check_document(text, case=case)
    return [f.found for f in report.findings if f.severity == "error"]


def test_report_with_digits_in_names_is_clean():
    assert _errors(_REPORT) == []


@pytest.mark.parametrize(
    ("old", "new", "found"),
    [
        ("12345热线接通率，权重分4分", "12345热线接通率，权重分5分", "5分"),  # the table says 4: the weight
        ("评价得分3.5分，扣0.5分", "评价得分3.5分，扣0.6分", "0.6分"),  # score confirmed: the deduction
        ("值守到岗率，权重分3分，评价得分3分", "值守到岗率，权重分3分，评价得分2分", "2分"),
        ("覆盖率，权重分3分，评价得分2.5分，扣0.5分", "覆盖率，权重分3分，评价得分3分，扣0.5分", "3分"),
        # a whole 3 is no rounding of the table's 2.5
        ("覆盖率，权重分3分，评价得分2.5分，扣0.5分。", "覆盖率，权重分3分，评价得分3分。", "3分"),
    ],
)
def test_one_changed_figure_is_blamed_where_it_stands(old, new, found):
    assert old in _REPORT
    assert _errors(_REPORT.replace(old, new, 1)) == [found]


def test_triple_of_a_long_indicator_name_blames_the_changed_weight():
    case = load_case(CASES / "ev03_data_sharing_platform_ops.yaml")
    line = "发挥大数据在优政惠民兴业中的基础支撑和创新驱动作用，分值{}分，得{}分，扣{}分。评价组判定“效果较显著”。"
    assert _errors(line.format(5, 3.5, 1.5), case) == []
    assert _errors(line.format(6, 3.5, 1.5), case) == ["6分"]
    assert _errors(line.format(5, 3.5, 1.6), case) == ["1.6分"]
    # the name inside other words: the case's name is found in the words before the figures
    other = "（4）关于发挥大数据在优政惠民兴业中的基础支撑和创新驱动作用，分值{}分，得{}分，扣{}分。"
    assert _errors(other.format(6, 3.5, 1.5), case) == ["6分"]
    aspect = "综合来看，在发挥大数据在优政惠民兴业中的基础支撑和创新驱动作用方面，分值{}分，得{}分，扣{}分。"
    assert _errors(aspect.format(5, 3.5, 1.6), case) == ["1.6分"]


@pytest.mark.parametrize(("target", "found"), [("98", None), ("99", "99%")])
def test_target_opening_a_cell_against_the_case_text(target, found):
    case = load_case(CASES / "ev02_smart_quancheng_phase1.yaml")
    table = (
        "| 三级指标 | 分值 | 得分 | 评分依据 |\n|---|---|---|---|\n"
        f"| 智管中心主要设备设施自检通过率 | 2 | 2 | 目标≥{target}%；查阅文件；现场调研（报告未给出实际值，评价组给满分） |\n"
    )
    assert _errors(table, case) == ([found] if found else [])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("2024年共受理工单15.6万件，按时办结13.8万件，按时办结率为89.46%。", "89.46%"),  # 13.8/15.6 = 88.46%
        ("2024年共受理工单15.6万件，按时办结13.8万件，按时办结率为88.46%。", None),
        ("全县应检查单位50家，实际检查48家，检查率为90%。", "90%"),  # 48/50 = 96%
        ("其中线上受理8.2万件，线下受理7.4万件，线上受理率52.56%。", None),  # no whole written
        ("计划培训600人次，实际培训570人次，培训完成率90%。", "90%"),
        ("共受理工单15.6万件，按时办结13.8万件，群众满意率为98%。", None),  # not named after a count
        ("全年应开展检查20次，实际开展18次，完成率为95%。", None),  # 完成率 names no count: not guessed
    ],
)
def test_rate_named_after_the_count_before_it(text, found):
    assert _errors(text) == ([found] if found else [])


def test_rate_operand_off_the_case_is_blamed_not_the_rate():
    case = load_case(CASES / "ev03_data_sharing_platform_ops.yaml")
    line = "2023年度，项目年初预算110万元，全年预算110万元，全年执行{}万元，预算执行率为92.73%。"
    assert _errors(line.format(102), case) == []
    assert _errors(line.format(103), case) == ["103万元"]


# Another layout: numbered analysis lines with a colon after the name, 满分/实得, no 合计 row to decide.
_SELF_REPORT = """# 望江县2023年度5G+智慧教育试点专项资金绩效自评报告

## 三、评分结果

| 指标 | 满分 | 实得分 |
|---|---|---|
| 5G+智慧课堂覆盖率 | 6 | 5.5 |
| 12345热线教育类诉求办结率 | 4 | 4 |
| 2023年度教师培训完成率 | 5 | 4.5 |

## 四、指标分析

（1）5G+智慧课堂覆盖率：满分6分，实得5.5分，扣0.5分。全县48所学校中46所已覆盖。

（2）12345热线教育类诉求办结率：满分4分，实得4分。

（3）2023年度教师培训完成率：满分5分，实得4.5分，扣0.5分。计划培训600人次，实际培训570人次，培训完成率95%。
"""


def test_colon_layout_is_clean():
    assert _errors(_SELF_REPORT) == []


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("满分4分，实得4分", "满分4分，实得3分", "3分"),  # against the table's 4: nothing decides, both named
        ("满分4分，实得4分", "满分5分，实得4分", "5分"),
        ("实得4.5分，扣0.5分。", "实得5分。", "5分"),
        ("| 4 | 4 |", "| 4 | 3.5 |", "3.5"),
        ("实得5.5分，扣0.5分", "实得5分，扣0.5分", "5分"),
        ("培训完成率95%", "培训完成率97%", "97%"),  # (off by one unit of the last digit: a warning)
    ],
)
def test_colon_layout_one_changed_figure(old, new, shown):
    assert old in _SELF_REPORT
    report = check_document(_SELF_REPORT.replace(old, new, 1))
    errors = [f for f in report.findings if f.severity == "error"]
    assert len(errors) == 1, errors
    assert shown in errors[0].found or shown in errors[0].message

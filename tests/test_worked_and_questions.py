"""Worked examples are computed by the scorer's rules from the numbers in a question; questions are read for
their kind and parts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.questions import analyse, question_kind, split_parts
from assistant.text import numbers_in
from assistant.worked import scorer_rule, worked_example


@pytest.mark.parametrize(
    ("question", "numbers"),
    [
        ("自评表预算执行率86%，满分10分能得几分？", ["8.6"]),
        ("全年预算200万元，全年执行170万元，预算执行这项能得几分", ["85.00", "8.5"]),
        ("预算1000万执行了1050万，执行率超过100%了能得几分", ["10"]),
        ("执行率76%，按95%以上得满分、低于60%不得分的口径，分值2分得几分", ["1.52"]),
        ("在线率目标≥90%，实际完成72%，分值7分，能得多少分", ["5.6"]),
        ("成本指标目标不超过100万元，实际花了125万元，这项5分能得几分", ["4"]),
        ("故障率目标≤1%，实际2%，分值4分得几分", ["2"]),
        ("满意率92%，满意度指标11分，按满意率乘分值算得几分", ["10.12"]),
        ("问卷五级打分，非常满意100人、满意20人、一般5人，10分的话得几分", ["95.20", "9.52"]),
        ("立项程序规范性3分，发现两处问题每处扣0.5分，还剩几分", ["2"]),
        ("满分14分得了11分，得分率是多少", ["78.57"]),
        ("总分79.99分评个什么等级", ["79.99"]),
    ],
)
def test_worked_example_numbers_come_from_the_rules(question, numbers):
    worked = worked_example(question)
    assert worked is not None
    found = numbers_in(worked.sentence())
    assert all(Decimal(n).normalize() in found for n in numbers), worked.sentence()


@pytest.mark.parametrize(
    ("question", "grade"),
    [("总分91.3是什么等级", "优"), ("自评总分85.5分，算良吗", "良"), ("59.99分评个什么等级", "差")],
)
def test_grade_examples_use_the_scorer_bands(question, grade):
    assert f"“{grade}”" in worked_example(question).result


@pytest.mark.parametrize("question", ["预算执行率怎么算", "今年有3个项目吗", "2023年度自评表怎么写"])
def test_no_worked_example_without_computable_numbers(question):
    assert worked_example(question) is None


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("预算执行率咋算分？", "rule"),
        ("80分算良还是中", "compute"),
        ("多少分以上才算优秀", "bands"),
        ("偏差原因分析及改进措施怎么写", "howto"),
        ("差旅费住宿标准一天多少钱", "rule"),
        ("档案资料不全扣分吗", "rule"),
        ("数字泉城项目决策指标得了几分", "fact"),
        ("决策部分满分14分得了11分，得分率是多少", "compute"),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question, project_words=("泉城",)) == kind


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("预算执行率和资金到位率分别怎么算", ["预算执行率怎么算", "资金到位率怎么算"]),
        ("群众满意度和政务云评价得分是多少？", ["群众满意度是多少？", "政务云评价得分是多少？"]),
        ("政务云采购成交价是多少，供应商是谁？", ["政务云采购成交价是多少", "供应商是谁"]),
        ("存在问题和建议怎么对应着写", ["存在问题和建议怎么对应着写"]),
        ("成本超了预算，成本指标怎么给分", ["成本超了预算，成本指标怎么给分"]),
    ],
)
def test_two_part_questions_are_split(question, parts):
    assert split_parts(question) == parts


def test_typos_are_corrected_before_reading():
    read = analyse("预算执形率怎么计算", vocabulary=["预算执行率"])
    assert read.corrected == "预算执行率怎么计算" and read.fixes == [("预算执形率", "预算执行率")]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("预算执行率咋算分", "分值 × 执行率"),
        ("越低越好的指标咋计分", "年度指标值 ÷ 实际值"),
        ("良的分数段是多少", "良：80分"),
    ],
)
def test_scorer_rule_lines(question, expected):
    assert expected in scorer_rule(question)

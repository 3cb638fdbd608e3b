"""The scorer end to end: the corpus's first self-evaluation form, grades, validation, lookups, sheet_values."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from assistant.case import parse_case
from assistant.errors import InputError
from assistant.scoring import grade_for, infer_rule, score_case, sheet_values

D = Decimal
DATA = Path(__file__).parent / "data"


def bigdata_data() -> dict:
    return yaml.safe_load((DATA / "self_eval_bigdata.yaml").read_text(encoding="utf-8"))


def evaluation(indicators: list[dict], **extra) -> dict:
    return {"kind": "evaluation", "project": {"name": "测试项目"}, "indicators": indicators, **extra}


def test_bigdata_form_reproduces_the_documents_total():
    case = parse_case(bigdata_data())
    sheet = score_case(case)
    assert sheet.total == D("99.42") == case.reported_total
    assert sheet.grade == "优"
    assert sheet.budget is not None
    assert (sheet.budget.rate, sheet.budget.score) == (D("0.9921"), D("9.92"))
    judged = sheet.indicator(["成本指标", "经济成本指标", "采购服务和设备费"])
    assert judged.judged and judged.score == D("2.5") and judged.rule == "judged"
    assert "理由" in judged.formula
    assert judged.findings  # the reason and the form's 偏差原因 explain the lost 0.5
    for result in sheet.indicators:
        assert result.score == result.reported_score, result.key
    assert [r.key for r in sheet.lost_points()] == ["成本指标/经济成本指标/采购服务和设备费"]


def test_group_lookups_and_rates():
    sheet = score_case(parse_case(bigdata_data()))
    cost = sheet.group(["成本指标"])
    assert (cost.weight, cost.score, cost.rate, cost.level) == (D(15), D("14.50"), D("0.9667"), 1)
    assert sheet.group("产出指标/质量指标").weight == D(22)
    assert [g.key for g in sheet.level(1)] == ["成本指标", "产出指标", "效益指标", "满意度指标"]
    assert sum(g.weight for g in sheet.level(1)) == D(90)
    with pytest.raises(KeyError):
        sheet.group(["决策"])


def test_sheet_values_keys():
    case = parse_case(bigdata_data())
    values = sheet_values(case, score_case(case))
    assert values["total"] == D("99.42")
    assert values["grade"] == "优"
    assert values["budget.rate"] == D("99.21")
    assert values["budget.executed"] == D("142.86")
    assert values["budget.balance"] == D("1.14")
    assert values["group[成本指标].rate"] == D("96.67")
    assert values["group[成本指标/经济成本指标].lost"] == D("0.50")
    key = "indicator[成本指标/经济成本指标/采购服务和设备费]"
    assert values[f"{key}.score"] == D("2.5")
    assert values[f"{key}.target_value"] == D(8)
    assert values[f"{key}.actual"] == "7.46万元"
    assert values["count.lost"] == D(1)
    assert values["count.groups[1]"] == D(4)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("59.99", "差"),
        ("60.00", "中"),
        ("79.99", "中"),
        ("80.00", "良"),
        ("89.99", "良"),
        ("90.00", "优"),
        ("0", "差"),
        ("100", "优"),
    ],
)
def test_grade_boundaries(total, grade):
    assert grade_for(D(total)) == grade
    # and through the scorer: one judged indicator carrying the whole 100 points
    data = evaluation(
        [{"path": ["产出", "数量", "完成量"], "weight": 100, "score": total, "reason": "评价组判定"}]
    )
    sheet = score_case(parse_case(data))
    assert (sheet.total, sheet.grade) == (D(total), grade)


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        ({"target": "≥90%"}, "proportional"),
        ({"target": ">95%"}, "proportional"),
        ({"target": "=100%"}, "equality"),
        ({"target": "100万条"}, "proportional"),
        ({"target": "≤1%"}, "inverse_proportional"),
        ({"target": "<700万元"}, "inverse_proportional"),
        ({"target": "0起"}, "inverse_proportional"),
        ({"target": "=0"}, "inverse_proportional"),
        ({"target": "≥0%"}, "qualitative"),
        ({"target": "健全"}, "qualitative"),
        ({"target": "2023年12月底前"}, "qualitative"),
        ({"target": "≥90%", "score": 1, "reason": "x"}, "judged"),
        ({"deductions": []}, "deduction"),
        ({"criteria": []}, "checklist"),
        ({"tiers": [[90, 1]]}, "tiers"),
        ({"responses": {5: 1}}, "likert"),
        ({"target": "≥90%", "rule": "rate"}, "rate"),
    ],
)
def test_rule_inference(row, rule):
    case = parse_case(evaluation([{"path": ["a", "b", "c"], "weight": 100, **row}]))
    assert infer_rule(case.indicators[0]) == rule


def test_evaluation_with_budget_execution_indicator_and_four_levels():
    data = evaluation(
        [
            {"path": ["过程", "资金管理", "预算执行率"], "weight": 5, "rule": "budget_execution"},
            {"path": ["产出", "数量", "平台", "节点数"], "weight": 45, "target": "≥10个", "actual": "8个"},
            {"path": ["产出", "数量", "平台", "接入数"], "weight": 50, "target": "≥4个", "actual": "4个"},
        ],
        budget={"annual": 200, "executed": 150},
    )
    sheet = score_case(parse_case(data))
    assert sheet.indicator("过程/资金管理/预算执行率").score == D("3.75")
    assert sheet.budget is not None and sheet.budget.score == D("3.75") and sheet.budget.rate == D("0.75")
    assert sheet.indicator("产出/数量/平台/节点数").score == D(36)
    assert sheet.group("产出/数量/平台").level == 3
    assert sheet.total == D("89.75") and sheet.grade == "良"


def _errors(data: dict) -> str:
    with pytest.raises(InputError) as exc:
        score_case(parse_case(data))
    return str(exc.value)


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (lambda d: d["indicators"][0].update(weight=4), ["分值合计须为 100", "预算执行 10 + 指标 91"]),
        (
            lambda d: d["indicators"][0].update(weight=-3),
            ["“成本指标/经济成本指标/总成本” 分值(weight)：须大于 0"],
        ),
        (
            lambda d: d["indicators"][1].update(reported_score=5),
            ["“成本指标/经济成本指标/业务培训预算” 原文得分(reported_score)：5 须在 0 到分值 3 之间"],
        ),
        (
            lambda d: d["indicators"][3].update(reason=""),
            ["“成本指标/经济成本指标/采购服务和设备费” 评分理由(reason)"],
        ),
        (lambda d: d["indicators"][3].update(score=4), ["人工评分(score)：4 须在 0 到分值 3 之间"]),
        (lambda d: d["indicators"][1].update(path=["成本指标", "经济成本指标", "总成本"]), ["重复出现 2 次"]),
        (
            lambda d: d["indicators"][0].pop("target"),
            ["“成本指标/经济成本指标/总成本” 无法推断评分规则：年度指标值(target)：缺少"],
        ),
        (
            lambda d: d["indicators"][0].update(rule="proportional", target=None),
            ["年度指标值(target)：proportional 规则须填写目标值"],
        ),
        (
            lambda d: d["indicators"][5].update(actual="一次"),
            ["“产出指标/数量指标/宣传活动开展次数”", "“一次”不是数值"],
        ),
        (
            lambda d: d["indicators"][5].update(target="≥abc"),
            ["“产出指标/数量指标/宣传活动开展次数”", "“≥abc”"],
        ),
        (
            lambda d: d["indicators"][15].update(actual="一般"),
            ["“产出指标/质量指标/宣传方案制作质量”", "judged"],
        ),
        (lambda d: d.pop("budget"), ["须填写 budget"]),
        (
            lambda d: d["indicators"][0].update(rule="inverse_proportional", deductions=[]),
            ["字段 deductions 只用于 deduction 规则"],
        ),
        (lambda d: d["indicators"][0].update(rule="budget_execution"), ["预算执行由 budget 自动计分"]),
        (
            lambda d: d.update(
                findings=[{"category": "过程", "text": "x", "indicator": ["成本指标", "无此指标"]}]
            ),
            ["问题清单(findings) 第1项 关联指标(indicator)：找不到指标“成本指标/无此指标”"],
        ),
        (lambda d: d.update(findings=[{"category": "过程", "text": " "}]), ["问题描述(text)：不能为空"]),
    ],
)
def test_validation_messages_name_row_and_field(change, fragments):
    data = bigdata_data()
    change(data)
    message = _errors(data)
    for fragment in fragments:
        assert fragment in message, message


def test_all_problems_are_reported_together():
    data = bigdata_data()
    data["indicators"][0]["weight"] = 4
    data["indicators"][3]["reason"] = ""
    data["indicators"][5]["actual"] = "一次"
    message = _errors(data)
    assert "有 3 处错误" in message
    assert len([line for line in message.splitlines() if line.startswith("- ")]) == 3


def test_path_that_is_both_leaf_and_group():
    data = evaluation(
        [
            {"path": ["产出", "数量"], "weight": 50, "target": "≥1个", "actual": "1个"},
            {"path": ["产出", "数量", "节点"], "weight": 50, "target": "≥1个", "actual": "1个"},
        ]
    )
    assert "既是末级指标又是" in _errors(data)


def test_evaluation_budget_weight_is_rejected():
    data = evaluation([{"path": ["a", "b", "c"], "weight": 100, "target": "1", "actual": "1"}])
    data["budget"] = {"annual": 1, "executed": 1, "weight": 10}
    assert "只用于自评表" in _errors(data)


def test_schema_errors_are_chinese_and_collected():
    data = bigdata_data()
    data["indicators"][2]["weight"] = "三"
    data["indicators"][4]["rul"] = "judged"
    data["projekt"] = {}
    with pytest.raises(InputError) as exc:
        parse_case(data)
    message = str(exc.value)
    assert "有 3 处错误" in message
    assert "指标“成本指标/经济成本指标/宣传保障经费” 分值(weight)：不是数字" in message
    assert "rul(rul)：不允许的字段" in message
    assert "projekt(projekt)：不允许的字段" in message

"""The case editor's indicator table: case ⇄ rows without losing anything, and per-row Chinese messages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from assistant.case import parse_case
from assistant.errors import InputError
from assistant.scoring import score_case
from ui import case_table

CASES = sorted((Path(__file__).resolve().parents[1] / "evals" / "cases").glob("*.yaml"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "扣0.25分 未进行事前绩效评估【依据：部门提供预算绩效管理资料】",
            [("0.25", "未进行事前绩效评估", "部门提供预算绩效管理资料")],
        ),
        ("扣０．５分 档案缺失", [("0.5", "档案缺失", "")]),
        (
            "0.5：档案缺失（依据：现场查看）；扣1分 预算调整未报批",
            [("0.5", "档案缺失", "现场查看"), ("1", "预算调整未报批", "")],
        ),
        (
            "扣1分 目标笼统；未细化【依据：目标表（扣2.8分）】",
            [("1", "目标笼统；未细化", "目标表（扣2.8分）")],
        ),
        ("扣0.25分 甲\n扣0.25分 乙", [("0.25", "甲", ""), ("0.25", "乙", "")]),
        ("", []),
    ],
)
def test_parse_deductions(text, expected):
    got = [(str(d["points"]), d["finding"], d["evidence"]) for d in case_table.parse_deductions(text, 3)]
    assert got == expected


@pytest.mark.parametrize("text", ["扣分 档案缺失", "扣0.5分", "很多问题"])
def test_bad_deductions_name_the_row(text):
    with pytest.raises(InputError, match="第7行"):
        case_table.parse_deductions(text, 7)


def test_deductions_format_parses_back():
    items = [
        {"points": Decimal("0.25"), "finding": "未进行事前绩效评估", "evidence": "部门资料"},
        {"points": Decimal("1"), "finding": "预算调整未报批", "evidence": ""},
    ]
    assert case_table.parse_deductions(case_table.format_deductions(items), 1) == items


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_gold_cases_survive_the_table_with_the_same_scores(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = case_table.case_to_rows(data)
    indicators, problems = case_table.rows_to_indicators(rows, data["kind"], data["indicators"])
    assert problems == []
    before = score_case(parse_case(data))
    after = score_case(parse_case({**data, "indicators": indicators}))
    assert after.total == before.total
    assert [(r.key, r.score, r.rule) for r in after.indicators] == [
        (r.key, r.score, r.rule) for r in before.indicators
    ]


def _row(**cells):
    row = [""] * len(case_table.COLUMNS)
    for name, value in cells.items():
        row[case_table.COLUMNS.index(name)] = value
    return row


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (_row(一级指标="产出指标", 三级指标="在线率", 分值="7"), "第2行：指标名称须从一级指标起逐级填写"),
        (
            _row(一级指标="产出指标", 二级指标="质量指标", 三级指标="在线率"),
            "第2行（产出指标/质量指标/在线率）：缺少“分值”",
        ),
        (_row(一级指标="产出指标", 二级指标="质量指标", 分值="七"), "第2行“分值”须为数字"),
        (_row(一级指标="产出", 二级指标="质量", 分值="7", 人工得分="x"), "第2行“人工得分”须为数字"),
    ],
)
def test_bad_rows_give_one_chinese_message_naming_the_row(row, message):
    good = _row(
        一级指标="成本指标", 二级指标="经济成本指标", 三级指标="总成本", 分值="10", 年度指标值="≤100万元"
    )
    indicators, problems = case_table.rows_to_indicators(
        [good, row, [""] * len(case_table.COLUMNS)], "evaluation"
    )
    assert len(indicators) == 1
    assert len(problems) == 1 and message in problems[0].message
    assert problems[0].row == 2 and problems[0].group == "绩效指标"


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"评分规则": "比例（越低越好）"}, {"rule": "inverse_proportional"}),
        ({"评分规则": "proportional"}, {"rule": "proportional"}),
        (
            {"人工得分": "4", "评分理由": "能耗降低率未达标"},
            {"rule": "judged", "score": Decimal(4), "reason": "能耗降低率未达标"},
        ),
        ({"扣分明细": "扣0.5分 档案缺失"}, {"rule": "deduction"}),
        ({"原文得分": "５.５７"}, {"reported_score": Decimal("5.57")}),
    ],
)
def test_row_fields_map_to_case_fields(cells, expected):
    row = _row(一级指标="产出指标", 二级指标="质量指标", 三级指标="在线率", 分值="7", **cells)
    ind = case_table.row_to_indicator(row, 1, "evaluation", None)
    assert {k: ind[k] for k in expected} == expected


def test_deviation_or_finding_column_follows_the_case_kind():
    row = _row(一级指标="产出指标", 二级指标="质量指标", 分值="7", **{"偏差原因/评价发现": "断电导致AP离线"})
    assert case_table.row_to_indicator(row, 1, "self_evaluation", None)["deviation"] == "断电导致AP离线"
    assert case_table.row_to_indicator(row, 1, "evaluation", None)["finding"] == "断电导致AP离线"


def test_the_cell_that_failed_is_named_for_marking():
    row = _row(一级指标="产出", 二级指标="质量", 分值="七")
    _, problems = case_table.rows_to_indicators([row], "evaluation")
    assert (problems[0].row, problems[0].column) == (1, "分值")


def test_rule_parameters_are_kept_from_the_indicator_the_row_showed():
    before = [{"path": ["满意度", "群众", "满意度"], "weight": 10, "responses": {5: 176, 4: 21}}]
    renamed = _row(一级指标="满意度", 二级指标="群众", 三级指标="受益群众满意度", 分值="10")
    indicators, problems = case_table.rows_to_indicators([renamed], "evaluation", before)
    assert problems == [] and indicators[0]["responses"] == {5: 176, 4: 21}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("问卷: {5: 176, 4: 21}", {"responses": {5: 176, 4: 21}}),
        ("分档：[[95, 1], [90, 0.8]]", {"tiers": [[95, 1], [90, 0.8]]}),
        ("满分执行率: 95\n零分执行率: 60", {"full_at": 95, "zero_below": 60}),
        ("tiers: [[90, 1]]", {"tiers": [[90, 1]]}),
        ("", {}),
    ],
)
def test_rule_parameters_in_chinese_or_case_file_names(text, expected):
    assert case_table.parse_extras(text, 3) == expected


@pytest.mark.parametrize("text", ["[1, 2]", "颜色: 红", "问卷: {5: 1"])
def test_unreadable_rule_parameters_name_the_row(text):
    with pytest.raises(case_table.CellError, match="第3行的评分参数"):
        case_table.parse_extras(text, 3)


def test_rule_parameters_shown_with_chinese_names():
    text = case_table.extras_text({"path": ["a"], "responses": {5: 176, 4: 21}, "full_at": 95})
    assert text.splitlines() == ["问卷: {4: 21, 5: 176}", "满分执行率: 95"]
    assert case_table.parse_extras(text, 1) == {"responses": {5: 176, 4: 21}, "full_at": 95}

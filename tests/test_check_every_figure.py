"""Figures the mutation eval found unchecked: coded and long indicator names in analysis lines, the points a
problem attributes to an indicator, targets and actuals beside an indicator's name, survey scale labels, and
which figure a survey table blames when its shares, counts and 合计 disagree."""

from pathlib import Path

import pytest

from assistant.case_io import load_case
from assistant.checking import check_document

ROOT = Path(__file__).resolve().parents[1]
EV04 = ROOT / "evals" / "cases" / "ev04_shanghai_data_operations_2020.yaml"


@pytest.fixture(scope="module")
def ev04():
    return load_case(EV04)


def _errors(report):
    return [(f.found, f.kinds or [f.kind]) for f in report.findings if f.severity == "error"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("A11 立项依据充分性，分值5分，得4分。经核查，评分依据为……", "5分"),  # coded name, weight 4
        ("A11 立项依据充分性，分值4分，得4分。经核查，评分依据为……", None),
        ("D15 有责安全事件发生次数为1次，年度指标值为0次，达到年度目标。", "1次"),  # the actual is 0次
        ("从目标完成情况看，D16 有责投诉次数0次（年度指标值1次）。", "1次"),  # the target is 0次
        ("从目标完成情况看，D16 有责投诉次数0次（年度指标值0次）。", None),
        ("该问题涉及B223 合同管理制度执行有效性指标，扣1分。", "1分"),  # lost 0.5
        ("该问题涉及B223 合同管理制度执行有效性指标，扣0.5分。", None),
        ("B224 项目监督管理机制执行有效性扣1分、B214 项目监督管理机制健全性扣0.6分。", "0.6分"),
    ],
)
def test_figures_against_the_case(ev04, text, found):
    report = check_document(text, case=ev04)
    got = [f for f, _ in _errors(report)]
    assert got == ([found] if found else []), report.findings


_SCORES = (
    "| 三级指标 | 分值 | 得分 |\n|---|---|---|\n"
    "| 立项程序规范性 | 3 | 2.5 |\n| 数据资源审批及时性 | 2 | 1.8 |\n| 预算执行率 | 2 | 2 |\n\n"
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("该问题涉及立项程序规范性指标，扣0.5分。", None),
        ("该问题涉及立项程序规范性指标，扣1分。", "1分"),  # 3 − 2.5 = 0.5
        ("此外，数据资源审批及时性（扣0.3分）失分较少，不单列为问题。", "0.3分"),
        ("此外，数据资源审批及时性（扣0.2分）失分较少，不单列为问题。", None),
        (
            "问题清单如下。\n\n| 类别 | 问题 | 指标 |\n|---|---|---|\n"
            "| 产出类 | 扣0.3分，失分较少，不单列 | 数据资源审批及时性 |",
            "0.3分",
        ),
        # a reason the analysis lists is no attribution: it may be one of several deductions
        ("立项程序规范性，分值3分，得2.5分，扣0.5分。未开展事前评估，扣0.5分。", None),
    ],
)
def test_lost_points_against_the_report_itself(text, found):
    report = check_document(_SCORES + text)
    got = [f for f, kinds in _errors(report) if "deduction" in kinds]
    assert got == ([found] if found else []), report.findings


_SURVEY = "| 评价档次 | 人数 | 占比 |\n|---|---|---|\n{rows}| 合计 | {total} |  |\n"
_ROWS = [
    ("5分（非常满意）", 176, "83.02%"),
    ("4分（满意）", 21, "9.91%"),
    ("3分（基本满意）", 10, "4.72%"),
    ("2分（不满意）", 5, "2.36%"),
    ("1分（非常不满意）", 0, "0.00%"),
]


def _survey(rows=_ROWS, total=212):
    return _SURVEY.format(rows="".join(f"| {a} | {n} | {p} |\n" for a, n, p in rows), total=total)


def test_survey_table_as_written_is_clean():
    assert check_document(_survey()).findings == []


def test_survey_scale_label_off_its_step():
    rows = list(_ROWS)
    rows[1] = ("5分（满意）", 21, "9.91%")
    report = check_document(_survey(rows))
    assert [(f.found, f.expected) for f in report.findings] == [("5分", "4分")]


def test_survey_count_blamed_once_not_the_total():
    rows = list(_ROWS)
    rows[0] = ("5分（非常满意）", 177, "83.02%")  # the share and the 合计 212 both say 176
    report = check_document(_survey(rows))
    assert [f.found for f in report.findings] == ["177"]
    assert set(report.findings[0].kinds) == {"percentage", "total"}


def test_survey_total_blamed_when_the_shares_fit_the_counts():
    report = check_document(_survey(total=213))
    assert [f.found for f in report.findings] == ["213"]

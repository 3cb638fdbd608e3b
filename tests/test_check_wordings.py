"""Wordings and layouts of other provinces' reports: changes in 个百分点, deductions listed in score-table
cells, 评分汇总表 that write the 一级 分值 out on every row, band rules with 以上/以下 pairs, 拨付率 on amounts
in 元, and PDF text whose sentences wrap over printed lines."""

import pytest

from assistant.checking import check_document
from assistant.checking.documents import join_wrapped_lines


def _found(text):
    return [(f.kind, f.found, f.expected) for f in check_document(text).findings]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("覆盖率由2022年的41.6%提高到2023年的46.2%，提高了5.6个百分点。", ("5.6个百分点", "4.6个百分点")),
        ("照护覆盖率为38.2%，较上年下降4.1个百分点（上年为43.3%）。", ("4.1个百分点", "5.1个百分点")),
        ("满意度为88.11%，较上年的85.4%提高2.71个百分点。", None),
        (
            "入住率由62.5%提升至70.1%，提高7.6个百分点；覆盖率为38.2%，较上年下降5.1个百分点（上年为43.3%）。",
            None,
        ),
        ("平台稳定性100%得满分，每降低5个百分点扣0.2分。", None),  # a scoring rule, not a change
        ("满意度为91%，提高3个百分点。", None),  # one rate only: nothing to compare
    ],
)
def test_changes_in_percentage_points(text, found):
    points = [(f, e) for k, f, e in _found(text) if k == "arithmetic"]
    assert points == ([found] if found else [])


_PROCESS_TABLE = """| 二级指标 | 三级指标 | 分值 | 得分 | 扣分说明 |
|---|---|---|---|---|
| 业务管理 | 制度执行有效性 | 6 | 4.5 | 2份合同未按规定备案，扣1分；验收资料不全，扣0.5分 |
| 财务管理 | 资金使用合规性 | 6 | 4.5 | 1笔支出超范围列支，扣1.5分；报销单据不完整，扣0.5分 |
| 财务管理 | 财务管理制度健全性 | 4 | 3 | 未建立项目专账，扣0.5分；会计凭证附件不全，扣0.5分 |
| 财务管理 | 资金到位率 | 4 | 4 | 每发现一处未到位扣0.5分 |
"""


def test_deductions_listed_in_a_score_table_row():
    # without a total the score is blamed, the listed items shown as the reason
    findings = check_document(_PROCESS_TABLE).findings
    assert [(f.kind, f.found, f.expected) for f in findings] == [("deduction", "4.5", "4分")]
    assert "资金使用合规性" in findings[0].text and "1.5 + 0.5 = 2" in findings[0].message
    # a 小计 that adds up with the written scores confirms them: the listed deductions are the slip
    with_total = _PROCESS_TABLE + "| 小计 |  | 20 | 16 |  |\n"
    findings = check_document(with_total).findings
    assert [(f.kind, f.found, f.expected) for f in findings] == [("deduction", "2分", "合计扣 1.5 分")]
    assert "扣分说明" in findings[0].location


def test_deduction_in_a_reason_cell_against_the_score():
    table = "| 指标名称 | 分值 | 得分 | 扣分原因 |\n|---|---|---|---|\n| 服务对象满意度 | 10 | 8 | 满意度86.5%，低于90%，扣1.5分 |\n"
    assert _found(table) == [("deduction", "8", "8.5分")]
    assert _found(table.replace("| 8 |", "| 8.5 |")) == []


_SUMMARY = """附件：评分汇总表

| 一级指标 | 分值 | 二级指标 | 分值 | 得分 | 得分率 |
|---|---|---|---|---|---|
| 投入 | 20 | 目标设定 | 8 | 7 | 87.50% |
| 投入 | 20 | 资金落实 | 12 | 10.5 | 87.50% |
| 过程 | 20 | 业务管理 | 10 | 8.5 | 85.00% |
| 过程 | 20 | 财务管理 | 10 | 7.5 | 75.00% |
| 产出 | 30 | 产出数量 | 15 | 15 | 100.00% |
| 产出 | 30 | 产出质量 | 15 | 12 | 80.00% |
| 效益 | 30 | 社会效益 | 20 | 17 | 85.00% |
| 效益 | 30 | 满意度 | 10 | 9 | 90.00% |
| 合计 | 100 |  | 100 | 86.5 | 86.50% |
"""


def test_summary_table_with_the_first_level_weight_on_every_row():
    assert _found(_SUMMARY) == []  # rates against the 二级 分值 beside them; 20 + 20 + 30 + 30 = 100
    wrong = _SUMMARY.replace("| 86.5 | 86.50% |", "| 87.5 | 87.50% |").replace(
        "| 7.5 | 75.00% |", "| 7.5 | 57.00% |"
    )
    assert sorted(_found(wrong)) == [("arithmetic", "57.00%", "75.00%"), ("total", "87.5", "86.5")]


def test_band_rule_written_with_above_and_below():
    text = "评价等级标准为：90分（含）以上为优，80分（含）以上、90分以下为良，60分（含）以上、80分以下为中，60分以下为差。"
    assert _found(text) == []
    assert [
        k for k, _, _ in _found(text.replace("80分（含）以上、90分以下为良", "75分（含）以上、90分以下为良"))
    ] == ["rule_claim"]


def test_disbursement_rate_on_amounts_in_yuan():
    text = "其中运营补助预算960,000元，已拨付902,400元，拨付率为92.40%；设施改造补助预算600,000元，已拨付579,600元，拨付率96.60%。"
    assert _found(text) == [("arithmetic", "92.40%", "94.00%")]


def test_wrapped_pdf_lines_joined_into_sentences():
    lines = [
        "赣东市2023年城市社区养老服务补助资金绩效评价报告",
        "赣东市财政局绩效评价中心 二〇二四年五月",
        "三、评价结论",
        "按照“决策、过程、产出、效益”四个维度评价，项目综合得分78.6分，评价等级",
        "为“良”。评价标准见附件。",
        "附件 评分汇总表",
    ]
    assert join_wrapped_lines(lines) == [
        lines[0],
        lines[1],
        lines[2],
        lines[3] + lines[4],
        lines[5],
    ]


def test_standard_score_header_and_a_deduction_column():
    # '标准分' is the weight column (not a '标准' description column); a 扣分 column must give 分值 − 得分
    table = (
        "评价指标\t标准分\t评价得分\t扣分事项\n"
        "资金管理规范性\t8\t6.5\t会计核算不及时扣0.5分；未按进度付款扣0.5分；审批手续不全扣0.5分\n"
        "组织实施规范性\t12\t11\t1项子工程未验收扣1分；监理日志缺失扣0.5分\n"
    )
    assert _found(table) == [("deduction", "11", "10.5分")]
    column = (
        "| 序号 | 指标 | 分值 | 得分 | 扣分 | 扣分理由 |\n|---|---|---|---|---|---|\n"
        "| 1 | 设备使用率 | 8 | 6.5 | 1.5 | 3台设备闲置，每台扣0.5分 |\n"
        "| 2 | 群众满意度 | 10 | 7.5 | 2 | 满意度82%，扣2.5分 |\n"
        "| 3 | 绩效目标明确性 | 4 | 3 | 1.5 | 指标未量化 |\n"
    )
    # the reason confirms the score, so the 扣分 cell is wrong; without a reason the score is blamed
    assert _found(column) == [("deduction", "2", "2.5分"), ("deduction", "3", "2.5分")]


def test_part_sentences_and_last_years_score_are_not_the_total():
    text = (
        "## 二、评价结论\n经综合评价，项目最终得分为83.26分，对应绩效等级为“良”。与上年评价得分79.8分相比，提升了3.46分。\n"
        "## 三、绩效分析\n（一）项目决策。本部分分值合计20分，评价得分17.5分，得分率87.5%。\n"
        "（二）项目过程。本部分分值合计25分，评价得分19.76分，得分率为79.04%。\n"
    )
    assert _found(text) == []

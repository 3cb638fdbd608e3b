"""Merged leading cells of indicator tables are filled in as 〈context〉; other tables stay as they are."""

from __future__ import annotations

import pytest

from knowledge.tables import merged_context, render_rows

HEADER = ["一级指标", "二级指标", "三级指标", "满分", "得分", "得分率"]


def rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.strip("\n").split("\n")]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        # 002 表 3-2: 一级 and 二级 merged down their groups; 合计 starts afresh.
        (
            "一级指标\t二级指标\t三级指标\t满分\t得分\t得分率\n"
            "决策\t项目立项\t立项依据充分性\t3\t3\t100%\n"
            "\t\t立项程序规范性\t3\t2.5\t83.33%\n"
            "\t绩效目标\t绩效目标合理性\t2\t1\t50.00%\n"
            "\t\t绩效指标明确性\t2\t0.5\t25.00%\n"
            "合计\t\t\t14\t11\t78.75%\n",
            [
                "一级指标 | 二级指标 | 三级指标 | 满分 | 得分 | 得分率",
                "决策 | 项目立项 | 立项依据充分性 | 3 | 3 | 100%",
                "〈决策〉 | 〈项目立项〉 | 立项程序规范性 | 3 | 2.5 | 83.33%",
                "〈决策〉 | 绩效目标 | 绩效目标合理性 | 2 | 1 | 50.00%",
                "〈决策〉 | 〈绩效目标〉 | 绩效指标明确性 | 2 | 0.5 | 25.00%",
                "合计 | 14 | 11 | 78.75%",
            ],
        ),
        # A new 一级 group clears the old 二级: nothing stale is carried.
        (
            "一级指标\t二级指标\t三级指标\t分值\n"
            "决策\t项目立项\t立项依据\t3\n"
            "过程\t\t资金到位率\t2\n"
            "\t\t预算执行率\t2\n",
            [
                "一级指标 | 二级指标 | 三级指标 | 分值",
                "决策 | 项目立项 | 立项依据 | 3",
                "过程 | 资金到位率 | 2",
                "〈过程〉 | 预算执行率 | 2",
            ],
        ),
        # A self-evaluation form: the header is shifted one column against the data; the budget rows above
        # the indicator header are not filled.
        (
            "项目预算执行情况\t\t年初预算数\t全年预算数 (A)\n"
            "\t\t年度资金总额\t144\n"
            "\t\t其中：当年财政拨款\t144\n"
            "一级指标\t二级指标\t三级指标\t年度指标值\t分值\n"
            "年度绩效指标\t成本指标\t经济成本指标\t总成本\t≤144.00\t3\n"
            "\t\t\t业务培训预算\t≤16万元\t3\n"
            "\t产出指标\t数量指标\t培训次数\t≥1次\t5\n",
            [
                "项目预算执行情况 | 年初预算数 | 全年预算数 (A)",
                "年度资金总额 | 144",
                "其中：当年财政拨款 | 144",
                "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 分值",
                "年度绩效指标 | 成本指标 | 经济成本指标 | 总成本 | ≤144.00 | 3",
                "〈年度绩效指标〉 | 〈成本指标〉 | 〈经济成本指标〉 | 业务培训预算 | ≤16万元 | 3",
                "〈年度绩效指标〉 | 产出指标 | 数量指标 | 培训次数 | ≥1次 | 5",
            ],
        ),
        # A row whose first own cell is a number (a score without a name) gets no context.
        (
            "一级指标\t二级指标\t三级指标\t分值\n决策\t立项\t依据\t3\n\t\t\t2\n",
            ["一级指标 | 二级指标 | 三级指标 | 分值", "决策 | 立项 | 依据 | 3", "2"],
        ),
        # Only one level column (一级指标 | 分值 | 得分): a flat table, nothing filled.
        (
            "一级指标\t指标分值\t得分\t得分率\n决策\t14\t11\t78%\n\t16\t14\t87%\n",
            ["一级指标 | 指标分值 | 得分 | 得分率", "决策 | 14 | 11 | 78%", "16 | 14 | 87%"],
        ),
        # Not an indicator table at all.
        (
            "年度\t预算安排\t资金到位\n2021\t100\t99\n\t\t98\n",
            ["年度 | 预算安排 | 资金到位", "2021 | 100 | 99", "98"],
        ),
        # A new header without levels ends the filling.
        (
            "一级指标\t二级指标\t三级指标\t分值\n决策\t立项\t依据\t3\n序号\t项目名称\t单位名称\n\t甲项目\t甲单位\n",
            [
                "一级指标 | 二级指标 | 三级指标 | 分值",
                "决策 | 立项 | 依据 | 3",
                "序号 | 项目名称 | 单位名称",
                "甲项目 | 甲单位",
            ],
        ),
    ],
)
def test_render_rows_fills_merged_indicator_cells(table, expected):
    assert render_rows(rows(table)) == expected


def test_skipped_values_are_not_filled_in():
    table = rows(
        "一级指标\t二级指标\t三级指标\t年度指标值\t分值\n"
        "年度绩效指标\t成本指标\t经济成本指标\t总成本\t≤144.00\t3\n"
        "\t\t\t业务培训预算\t≤16万元\t3\n"
    )
    assert (
        render_rows(table, skip={"年度绩效指标"})[-1]
        == "〈成本指标〉 | 〈经济成本指标〉 | 业务培训预算 | ≤16万元 | 3"
    )


def test_own_cells_stay_verbatim_after_the_context():
    table = rows("一级指标\t二级指标\t三级指标\n决策\t项目立项\t立项依据\n\t\t立项程序规范性\t3\t2.5\n")
    assert merged_context(table) == [[], [], ["决策", "项目立项"]]
    assert render_rows(table)[-1].endswith("立项程序规范性 | 3 | 2.5")

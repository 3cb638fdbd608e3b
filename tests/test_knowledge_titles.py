"""Document titles are unique within a file and say what tells same-named documents apart."""

from __future__ import annotations

import pytest

from knowledge.loaders import _lines_from_text
from knowledge.titles import cost_items, unique_titles

FORM = "信息技术发展资金项目支出绩效自评表（2023年度）"


def form_lines(cost: list[str], budget: str = "100", goal: str = "完成建设任务。"):
    """The lines of a small self-evaluation form in the layout of 002_…txt (tab-separated, merged cells)."""
    rows = [
        "项目支出绩效自评表 (2023年度)",
        "单位：万元",
        "项目名称\t\t信息技术发展资金\t\t",
        "项目预算执行情况\t\t年初预算数\t全年预算数 (A)\t全年执行数 (B)\t分值\t执行率 (B/A)\t得分",
        f"\t\t年度资金总额\t0\t{budget}\t{budget}\t10\t100.00%\t10",
        "年度总体目标\t\t年初预期目标\t\t目标实际完成情况",
        f"\t\t{goal}\t\t{goal}",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成指标值\t分值\t得分",
        "年度绩效指标\t成本指标\t经济成本指标\t总成本\t≤100万元\t100万元\t5\t5",
        *(f"\t\t\t{item}\t≤50万元\t50万元\t5\t5" for item in cost),
        "\t产出指标\t数量指标\t系统数量\t≥1个\t1个\t5\t5",
        "总分\t100",
    ]
    return _lines_from_text("\n".join(rows))


def report_lines(body: str):
    return _lines_from_text(f"甲项目绩效评价报告\n\n一、基本情况\n\n{body}\n")


@pytest.mark.parametrize(
    ("documents", "expected"),
    [
        # Distinct cost items name each form; suffixes such as 专项经费/服务费/项目 are dropped.
        (
            [
                ("self_evaluation", form_lines(["政府云专项经费"])),
                ("self_evaluation", form_lines(["智库服务费"])),
            ],
            [
                "信息技术发展资金（政府云）项目支出绩效自评表（2023年度）",
                "信息技术发展资金（智库服务）项目支出绩效自评表（2023年度）",
            ],
        ),
        # Several items: the first one and how many.
        (
            [
                ("self_evaluation", form_lines(["机房运维项目", "短信服务费", "差旅费"])),
                ("self_evaluation", form_lines(["政府云专项经费"])),
            ],
            [
                "信息技术发展资金（机房运维等3项）项目支出绩效自评表（2023年度）",
                "信息技术发展资金（政府云）项目支出绩效自评表（2023年度）",
            ],
        ),
        # Generic items say nothing: the full-year budget does.
        (
            [
                ("self_evaluation", form_lines(["年投入资金"], budget="1614.05")),
                ("self_evaluation", form_lines(["费用支出"], budget="80")),
            ],
            [
                "信息技术发展资金（全年预算1614.05万元）项目支出绩效自评表（2023年度）",
                "信息技术发展资金（全年预算80万元）项目支出绩效自评表（2023年度）",
            ],
        ),
        # The same item in both (and the same budget) tells nothing apart: their place does.
        (
            [
                ("self_evaluation", form_lines(["政府云专项经费"], goal="甲")),
                ("self_evaluation", form_lines(["政府云专项经费"], goal="乙")),
            ],
            [
                "信息技术发展资金（第1张）项目支出绩效自评表（2023年度）",
                "信息技术发展资金（第2张）项目支出绩效自评表（2023年度）",
            ],
        ),
        # A line-for-line repeat is a duplicate; the original keeps the plain title.
        (
            [("self_evaluation", form_lines(["费用支出"])), ("self_evaluation", form_lines(["费用支出"]))],
            [FORM, f"{FORM}（重复）"],
        ),
        # Three copies of one form: each repeat is marked, and numbered from the second repeat on.
        (
            [("self_evaluation", form_lines(["费用支出"])) for _ in range(3)],
            [FORM, f"{FORM}（重复）", f"{FORM}（重复2）"],
        ),
        # Three forms: one qualified by its item, two by their budgets, a repeat of the first marked.
        (
            [
                ("self_evaluation", form_lines(["政府云专项经费"])),
                ("self_evaluation", form_lines(["年投入资金"], budget="7")),
                ("self_evaluation", form_lines(["政府云专项经费"])),
                ("self_evaluation", form_lines(["年投入资金"], budget="9")),
            ],
            [
                "信息技术发展资金（政府云）项目支出绩效自评表（2023年度）",
                "信息技术发展资金（全年预算7万元）项目支出绩效自评表（2023年度）",
                "信息技术发展资金（政府云）项目支出绩效自评表（2023年度）（重复）",
                "信息技术发展资金（全年预算9万元）项目支出绩效自评表（2023年度）",
            ],
        ),
        # Reports with the same title are numbered.
        (
            [("report", report_lines("第一份。")), ("report", report_lines("第二份。"))],
            ["甲项目绩效评价报告（第1篇）", "甲项目绩效评价报告（第2篇）"],
        ),
    ],
)
def test_colliding_titles_are_told_apart(documents, expected):
    title = FORM if documents[0][0] == "self_evaluation" else "甲项目绩效评价报告"
    kinds = [kind for kind, _ in documents]
    assert unique_titles([title] * len(documents), kinds, [lines for _, lines in documents]) == expected


def test_a_qualified_title_never_equals_another_title():
    qualified = "信息技术发展资金（政府云）项目支出绩效自评表（2023年度）"
    lines = [form_lines(["政府云专项经费"]), form_lines(["智库服务费"]), form_lines(["年投入资金"])]
    titles = unique_titles([FORM, FORM, qualified], ["self_evaluation"] * 3, lines)
    assert len(set(titles)) == 3
    assert titles == [
        f"{qualified}（第1篇）",
        "信息技术发展资金（智库服务）项目支出绩效自评表（2023年度）",
        f"{qualified}（第2篇）",
    ]


def test_distinct_titles_are_left_alone():
    lines = [form_lines(["政府云专项经费"]), report_lines("正文。")]
    assert unique_titles([FORM, "甲项目绩效评价报告"], ["self_evaluation", "report"], lines) == [
        FORM,
        "甲项目绩效评价报告",
    ]


@pytest.mark.parametrize(
    ("cost", "expected"),
    [
        (["政府云专项经费"], ["政府云专项经费"]),
        (["甲服务", "乙服务"], ["甲服务", "乙服务"]),
        ([], []),
    ],
)
def test_cost_items_stop_at_the_output_indicators(cost, expected):
    assert cost_items(form_lines(cost)) == expected

"""Headings versus list items cut by a page break, on made-up text and on the real corpus."""

from __future__ import annotations

import pytest

from knowledge import default_corpus_dir, parse_file
from knowledge.loaders import _lines_from_text
from knowledge.structure import build_blocks

LONG_25 = "二十五、卫生健康支出(类)行政事业单位医疗(款)行政单位医疗(项):反映财政部门安排的行政单位基本医疗保险缴费经费。"
LONG_26 = "二十六、卫生健康支出(类)行政事业单位医疗(款)事业单位医疗(项):反映财政部门安排的事业单位基本医疗保险缴费经费。"


def outline(text: str) -> tuple[list[str], list[str]]:
    blocks = build_blocks(_lines_from_text(text))
    return (
        [b.text for b in blocks if b.kind == "heading"],
        [b.text for b in blocks if b.kind == "paragraph"],
    )


@pytest.mark.parametrize(
    ("text", "headings", "paragraphs"),
    [
        # The next item of a list of long paragraphs, cut by a page break: one paragraph, not a heading.
        (
            f"第四部分 名词解释\n\n{LONG_25}\n\n{LONG_26}\n\n二十七、资源勘探工业信息等支出(类)工业和信息产\n\n"
            "业监管（款）其他工业和信息产业监管支出（项）：反映其他支出。\n",
            ["第四部分 名词解释"],
            [
                LONG_25,
                LONG_26,
                "二十七、资源勘探工业信息等支出(类)工业和信息产业监管（款）其他工业和信息产业监管支出（项）：反映其他支出。",
            ],
        ),
        # After short items (themselves heading-shaped) a short item is still a heading, as before.
        (
            "一、基本情况\n\n（一）项目概况\n\n项目内容。\n\n（二）绩效目标\n\n目标内容。\n\n（三）资金情况\n\n资金内容。\n",
            ["一、基本情况", "（一）项目概况", "（二）绩效目标", "（三）资金情况"],
            ["项目内容。", "目标内容。", "资金内容。"],
        ),
        # A heading after a long list whose next line is itself numbered is a heading with sub-items.
        (
            "第一部分 部门概况\n\n（十二）完成市委、市政府交办的其他任务。\n\n"
            "（十三）职能转变。按照党中央、国务院关于转变政府职能、深化放管服改革的部署推进审批服务便民化。\n\n"
            "（十四）有关职责分工\n\n1、与市委网信办在信息化工作方面的职责分工。市委网信办负责指导协调。\n",
            ["第一部分 部门概况", "（十四）有关职责分工"],
            [
                "（十二）完成市委、市政府交办的其他任务。",
                "（十三）职能转变。按照党中央、国务院关于转变政府职能、深化放管服改革的部署推进审批服务便民化。",
                "1、与市委网信办在信息化工作方面的职责分工。市委网信办负责指导协调。",
            ],
        ),
    ],
)
def test_list_items_cut_by_a_page_break_are_not_headings(text, headings, paragraphs):
    assert outline(text) == (headings, paragraphs)


def test_final_accounts_glossary_has_no_false_heading():
    accounts = parse_file(default_corpus_dir() / "002_f84e214cba968578.txt")[0]
    headings = [b.text for b in accounts.blocks if b.kind == "heading"]
    assert not any(h.startswith("二十七、") for h in headings)
    assert "（十四）有关职责分工" in headings
    item = next(b for b in accounts.blocks if b.kind == "paragraph" and b.text.startswith("二十七、"))
    assert item.text.startswith(
        "二十七、资源勘探工业信息等支出(类)工业和信息产业监管（款）其他工业和信息产业监管支出（项）"
    )
    assert item.heading_path[-1] == "第四部分 名词解释"


@pytest.mark.parametrize(
    ("text", "headings", "paragraphs"),
    [
        # Every item of the list is a run-in heading ("（一）…。一是…"): each gets a heading line of its own.
        (
            "四、主要问题\n\n（一）部分绩效目标指标设置不合理，预算绩效管理工作有待加强。一是产出指标未细化；二是效益指标缺失。\n\n"
            "（二）预算编制科学性不足。该项目预算依据不充分。\n",
            [
                "四、主要问题",
                "（一）部分绩效目标指标设置不合理，预算绩效管理工作有待加强。",
                "（二）预算编制科学性不足。",
            ],
            ["一是产出指标未细化；二是效益指标缺失。", "该项目预算依据不充分。"],
        ),
        # An item already on its own heading line counts as a heading of the list.
        (
            "三、主要经验\n\n（一）统筹管理数据资源。建立管理体系。\n\n（二）建立运营模式\n\n模式内容。\n",
            ["三、主要经验", "（一）统筹管理数据资源。", "（二）建立运营模式"],
            ["建立管理体系。", "模式内容。"],
        ),
        # One item whose first sentence is too long for a heading: the whole list stays paragraphs.
        (
            "一、主要职责\n\n（一）统筹管理全市数据资源。建立完善数据资源管理体系。\n\n"
            "（二）贯彻执行大数据相关法律法规和方针政策，起草有关地方性法规、政府规章草案和规范性文件。落实标准。\n",
            ["一、主要职责"],
            [
                "（一）统筹管理全市数据资源。建立完善数据资源管理体系。",
                "（二）贯彻执行大数据相关法律法规和方针政策，起草有关地方性法规、政府规章草案和规范性文件。落实标准。",
            ],
        ),
        # A list that does not start at one is not a list this rule knows: left alone.
        (
            "一、情况\n\n（二）预算编制科学性不足。该项目预算依据不充分。\n",
            ["一、情况"],
            ["（二）预算编制科学性不足。该项目预算依据不充分。"],
        ),
    ],
)
def test_run_in_headings_get_a_line_of_their_own(text, headings, paragraphs):
    assert outline(text) == (headings, paragraphs)


def test_report_problems_and_advice_are_sections():
    (report,) = parse_file(default_corpus_dir() / "003_55fce2e1387b634e.txt")
    block = next(b for b in report.blocks if b.text.startswith("一是建议大数据中心统一项目考核管理制度"))
    assert block.kind == "paragraph"
    assert block.heading_path[-2:] == ["五、有关建议", "（三）强化过程管理，不断提升项目管理水平。"]

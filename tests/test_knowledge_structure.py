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

"""Grounding of generated answers: numbers and uncited sentences checked against the passages cited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.grounding import (
    FALLBACK_NOTE,
    ground_text,
    is_note_line,
    markers,
    numbers_in,
    passage_numbers,
    removal_note,
)
from assistant.index import Tokenizer

PASSAGES = {
    1: "预算报告\n一、基本情况\n预算执行率指标分值为2分。预算执行率达到95%以上得满分，低于60%不得分。\n三、预算执行率计分。",
    2: "满意度报告\n二、效益\n满意度调查共回收问卷212份，群众满意度为94.8%。项目总投资1,234.50万元。",
}
QUESTION = "预算执行率如何计分"


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(["预算执行率"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("达到95%以上", {"95"}),
        ("投资１，２３４.５万元", {"1234.5"}),
        ("投资1,234.50万元，共3项", {"1234.5", "3"}),
        ("95.0 与 95", {"95"}),
        ("十二项", set()),
        ("", set()),
    ],
)
def test_numbers_are_compared_by_value(text, expected):
    assert numbers_in(text) == {Decimal(x).normalize() for x in expected}


def test_passage_numbers_also_read_digits_split_by_whitespace():
    assert Decimal("1234.5") in passage_numbers("共 1 234.5 万元")


@pytest.mark.parametrize(("text", "expected"), [("甲[1]乙【2】丙[1, 3]", [1, 2, 1, 3]), ("无", [])])
def test_markers(text, expected):
    assert markers(text) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "预算执行率达到95%以上得满分 [1]。",
        "预算执行率指标分值为2分。预算执行率达到95%以上得满分。[1]",
        "根据知识库中的资料：\n1. 预算执行率达到95%以上得满分 [1]\n2. 群众满意度为94.8% [2]",
        "预算执行率如何计分？按资料，达到95%以上得满分 [1]。",
        "项目总投资1234.5万元 [2]。",
        "据《预算报告》，预算执行率低于60%不得分 [1]",
        "预算执行率达到95%以上得满分 [1]，群众满意度为94.8% [2]。",
        "**计分方法：**\n（7）预算执行率达到95%以上得满分 [1]\n- 8) 低于60%不得分 [1]",
    ],
    ids=[
        "cited",
        "marker-after-stop",
        "lead-in-and-list",
        "restated-question",
        "thousands",
        "title",
        "two",
        "markdown-and-enumerators",
    ],
)
def test_grounded_answers_are_kept_byte_identical(answer, tokenizer):
    grounded = ground_text(answer, PASSAGES, QUESTION, tokenizer)
    assert grounded.text == answer
    assert grounded.removed == [] and grounded.reattributed == []
    assert grounded.kept_cited >= 1


@pytest.mark.parametrize(
    ("answer", "expected_text", "reason_part"),
    [
        (
            "预算执行率达到95%以上得满分 [1]。\n按资料，该指标的目标值为4321项 [1]。",
            "预算执行率达到95%以上得满分 [1]。",
            "数字 4321 不在所引资料中",
        ),
        (
            "预算执行率达到95%以上得满分 [1]。\n此外，该项目全年累计节约经费987.65万元。",
            "预算执行率达到95%以上得满分 [1]。",
            "987.65",
        ),
        (
            "预算执行率达到95%以上得满分 [1]。此外，该项目还获得了上级表彰。",
            "预算执行率达到95%以上得满分 [1]。",
            "问题以外的内容",
        ),
        (
            "预算执行率达到95%以上得满分。群众满意度为98% [1]。",
            "预算执行率达到95%以上得满分 [1]。",
            "数字 98",
        ),
        (
            "预算执行率达到95%以上得满分 [1]。群众满意度为94.8% [1]。",
            "预算执行率达到95%以上得满分 [1]。群众满意度为94.8% [2]。",
            None,
        ),
        (
            "预算执行率达到95%以上得满分 [1]。\n满意度调查共回收问卷212份。",
            "预算执行率达到95%以上得满分 [1]。\n满意度调查共回收问卷212份 [2]。",
            None,
        ),
        (
            "预算执行率达到95%以上得满分 [2]。",
            "预算执行率达到95%以上得满分 [1]。",
            None,
        ),
        (
            "三、预算执行率计分。\n预算执行率达到95%以上得满分 [1]。",
            "三、预算执行率计分 [1]。\n预算执行率达到95%以上得满分 [1]。",
            None,
        ),
    ],
    ids=[
        "invented-number-under-valid-citation",
        "uncited-invented-number",
        "uncited-new-fact",
        "removed-marker-moves-to-earlier-sentence",
        "miscited-number-recited",
        "uncited-verbatim-recited",
        "verbatim-under-wrong-number-recited",
        "uncited-restatement-found-verbatim-recited",
    ],
)
def test_ungrounded_sentences_are_removed_or_recited(answer, expected_text, reason_part, tokenizer):
    grounded = ground_text(answer, PASSAGES, QUESTION, tokenizer)
    assert grounded.text == expected_text
    if reason_part is None:
        assert grounded.removed == [] and len(grounded.reattributed) == 1
    else:
        assert len(grounded.removed) == 1 and reason_part in grounded.removed[0].reason


@pytest.mark.parametrize(
    ("answer", "kept_cited"),
    [
        ("该项目全年节约经费987.65万元 [1]。", 0),
        ("根据知识库中的资料：\n此外，该项目获得表彰。", 0),
        ("根据知识库中的资料：\n预算执行率指标分值为2分 [1]", 1),
    ],
)
def test_kept_cited_counts_what_can_carry_an_answer(answer, kept_cited, tokenizer):
    assert ground_text(answer, PASSAGES, QUESTION, tokenizer).kept_cited == kept_cited


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("根据知识库中的资料：", True),
        ("关于预算执行率如何计分，资料中的规定如下：", True),
        ("预算执行率的计分规则是：", True),
        ("预算执行率分值为2分：", True),
        ("预算执行率分值为7分：", False),
        ("此外，该项目全年累计节约经费十二万元以及大量人力物力资源用于保障平台稳定运行：", False),
    ],
)
def test_uncited_lead_ins(sentence, kept, tokenizer):
    """A short lead-in stays; one with a number stays only when a cited passage backs it (re-cited)."""
    answer = sentence + "\n预算执行率达到95%以上得满分 [1]。"
    grounded = ground_text(answer, PASSAGES, QUESTION, tokenizer)
    assert (sentence in grounded.text) is kept


def test_numbers_from_the_question_are_allowed(tokenizer):
    answer = "2023年度预算执行率达到95%以上得满分 [1]。"
    assert ground_text(answer, PASSAGES, "2023年度预算执行率如何计分", tokenizer).text == answer
    assert ground_text(answer, PASSAGES, QUESTION, tokenizer).removed


def test_removal_note_counts_sentences():
    assert removal_note(2) == "（已删去 2 句在所引资料中找不到依据的内容）"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (removal_note(12), True),
        (" " + FALLBACK_NOTE, True),
        ("（已删去 两 句在所引资料中找不到依据的内容）", False),
        ("预算执行率达到95%以上得满分 [1]。", False),
    ],
)
def test_note_lines_are_recognised(line, expected):
    assert is_note_line(line) is expected

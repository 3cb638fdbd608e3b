"""Report model: references render from values, free-typed numbers are rejected."""

from decimal import Decimal

import pytest

from assistant.errors import InputError
from assistant.report import (
    Paragraph,
    Report,
    Section,
    format_value,
    free_numbers,
    number_sections,
    validate_no_free_numbers,
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("综合得分{ref:total}分", []),
        ("综合得分95.5分", ["95.5"]),
        ("满意度为９８分", ["９８"]),
        ("发现三个问题", ["三"]),
        ("共十二项指标", ["十二"]),
        ("百分之九十的部门", ["百分之九十"]),
        ("一是加强管理，进一步统一标准", []),
        ("第三项建议", []),
        ("十分重要", []),
        ("断电后两小时内恢复", ["两"]),
        ("二〇二三年完成", ["二〇二三"]),
        ("二级指标和三级指标", []),
        ("其二，（三）一是", []),
        ("投资{ref:budget.annual}万元", []),
        ("投资三万元", ["三万"]),
        ("每周巡检一次，进一步统一", []),
    ],
)
def test_free_numbers(text, found):
    assert free_numbers(text) == found


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("得分{ref:total}分，等级{ref:grade}", True),
        ("得分{ref:total}分，比上年提高5分", False),
        ("得分{ref:invented}分", False),
    ],
)
def test_validate_no_free_numbers(text, ok):
    allowed = {"total", "grade"}
    if ok:
        validate_no_free_numbers(text, allowed)
    else:
        with pytest.raises(InputError):
            validate_no_free_numbers(text, allowed)


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("total", Decimal("88.80"), "88.8"),
        ("group[决策].rate", Decimal("78.57"), "78.57%"),
        ("budget.rate", Decimal("100"), "100.00%"),
        ("indicator[a/b].score", Decimal("4.00"), "4"),
        ("project.name", "数字泉城", "数字泉城"),
    ],
)
def test_format_value(key, value, shown):
    assert format_value(key, value) == shown


def test_paragraph_round_trip_and_render():
    p = Paragraph.from_template("总分{ref:total}分，等级“{ref:grade}”。", label="（1）")
    assert p.refs == ["total", "grade"]
    assert p.template == "总分{ref:total}分，等级“{ref:grade}”。"
    assert p.render({"total": "88.8", "grade": "良"}) == "（1）总分88.8分，等级“良”。"


def test_report_rejects_unknown_reference():
    section = Section(id="x", title="结论", level=1, paragraphs=[Paragraph.from_template("{ref:nobody}")])
    with pytest.raises(InputError):
        Report(title="t", sections=[section], values={})


def test_numbering_restarts_below_parent():
    sections = [Section(id=str(i), title="t", level=lvl) for i, lvl in enumerate([1, 2, 3, 3, 2, 1, 2, 4])]
    assert [s.numbering for s in number_sections(sections)] == [
        "一、",
        "（一）",
        "1.",
        "2.",
        "（二）",
        "二、",
        "（一）",
        "（1）",
    ]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("总分88.8分", "「88.8」请写作 {ref:total}"),
        ("得分率78.57%", "「78.57%」请写作 {ref:group[决策].rate}"),
        ("共发现987个问题", None),
    ],
)
def test_rejection_names_the_key_to_use(text, hint):
    facts = {"total": "88.8", "group[决策].rate": "78.57%"}
    with pytest.raises(InputError) as exc:
        validate_no_free_numbers(text, facts)
    if hint:
        assert hint in str(exc.value)
    else:
        assert "请写作" not in str(exc.value)


def test_report_survives_a_json_round_trip():
    from pathlib import Path

    from assistant.case_io import load_case
    from assistant.drafting import draft_self_evaluation
    from assistant.scoring import score_case

    case = load_case(
        Path(__file__).resolve().parent.parent / "evals" / "cases" / "se10_itdf_laiwu_free_wifi.yaml"
    )
    report = draft_self_evaluation(case, score_case(case))
    again = Report.model_validate_json(report.model_dump_json())
    assert again == report

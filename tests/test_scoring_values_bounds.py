"""Values that used to score silently wrong, and bounds that used to raise tracebacks: each is now an explicit
conversion shown in the formula, or a Chinese error."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from assistant.case import parse_case
from assistant.case_io import save_case
from assistant.errors import InputError
from assistant.scoring import score_case


def _case(*rows, **extra):
    data = {
        "kind": "self_evaluation",
        "project": {"name": "x"},
        "budget": {"annual": 100, "executed": 100},
        "indicators": [{"path": ["产出", "数量", f"r{i}"], **row} for i, row in enumerate(rows)],
    }
    data.update(extra)
    return parse_case(data)


def test_fraction_against_percent_target_is_converted_and_said():
    sheet = score_case(_case({"weight": 90, "target": "≥90%", "actual": "0.95"}))
    assert sheet.total == D(100) and "按 95% 计" in sheet.indicators[0].formula


def test_bare_amount_a_thousand_times_a_money_target_is_an_error():
    with pytest.raises(InputError, match="单位可能不一致"):
        score_case(_case({"weight": 90, "target": "≤6770万元", "actual": "67700000"}))
    sheet = score_case(_case({"weight": 90, "target": "≤6770万元", "actual": "67700000元"}))
    assert sheet.total == D(100) and "换算为 6770万元" in sheet.indicators[0].formula


def test_counting_units_compare_with_a_note():
    sheet = score_case(_case({"weight": 90, "target": "≥10项", "actual": "12个"}))
    assert sheet.total == D(100) and "计数单位" in sheet.indicators[0].formula


def test_slash_in_a_name_never_shares_a_result():
    case = _case(
        {"weight": 45, "target": "≥10个", "actual": "10个"},
        {"weight": 45, "target": "≥10个", "actual": "5个"},
    )
    case.indicators[0].path = ["产出", "数量/质量", "合格率"]
    case.indicators[1].path = ["产出/数量", "质量", "合格率"]
    sheet = score_case(case)
    assert [r.score for r in sheet.indicators] == [D(45), D("22.5")]
    assert len({r.key for r in sheet.indicators}) == 2 and sheet.total == D("77.5")


def test_weights_with_many_decimals_are_refused_and_scores_never_exceed_weights():
    rows = [{"weight": "30.005", "target": "≥1", "actual": "1"} for _ in range(3)]
    with pytest.raises(InputError, match="最多两位小数"):
        score_case(_case(*rows))
    received = _case(*rows, origin={"file": "f.docx", "format": "docx"})
    sheet = score_case(received)
    assert all(r.score <= r.weight for r in sheet.indicators) and sheet.total <= 100


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"budget": {"annual": "1e999999", "executed": 1}}, "超出可处理的范围"),
        (
            {"budget": {"annual": 100, "executed": 1, "years": [{"year": 2023, "annual": 0, "executed": 1}]}},
            "2023年",
        ),
        ({"reported_total": "-1e400000"}, "超出可处理的范围"),
    ],
)
def test_extreme_numbers_are_messages_not_tracebacks(extra, fragment):
    with pytest.raises(InputError, match=fragment):
        score_case(_case({"weight": 90, "target": "≥1", "actual": "1"}, **extra))


def test_too_many_indicators_is_refused_at_once():
    rows = [{"weight": 1, "target": "≥1", "actual": "1"}] * 2001
    with pytest.raises(InputError, match="超过上限"):
        score_case(_case(*rows))


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "=cmd|' /C calc'!A0"]
)
def test_excel_export_writes_user_text_as_text(tmp_path, text):
    case = _case({"weight": 90, "target": "≥1", "actual": "1", "deviation": text})
    case.project.name = text
    case.indicators[0].path = ["产出", "数量", text]
    path = save_case(case, tmp_path / "out.xlsx")
    wb = load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == text]
    assert len(cells) >= 3 and all(c.data_type == "s" for c in cells)

"""Bounded work on hostile text: linear-time formula parsing, no recursion limit, a time budget, size limits."""

import time
from decimal import Decimal

import pytest

from assistant.checking import CheckTimeout, check_document
from assistant.checking.documents import read_document
from assistant.checking.formulas import evaluate, find_formulas
from assistant.checking.limits import MAX_PARAGRAPH_CHARS, bounded_pieces
from assistant.errors import InputError


def _cpu(fn):
    started = time.process_time()
    result = fn()
    return result, time.process_time() - started


def test_long_sum_without_result_is_linear():
    """'合计：7+7+…+7=。' took minutes with the old regex; doubling the line must not much more than double
    the work (CPU time, so a busy machine does not make the test flaky)."""
    small = "合计：" + "+".join(["7"] * 2000) + "=。"
    large = "合计：" + "+".join(["7"] * 4000) + "=。"
    _, t_small = _cpu(lambda: find_formulas(small))
    _, t_large = _cpu(lambda: find_formulas(large))
    assert t_large < max(4 * t_small, 0.05)
    (_, t_check) = _cpu(lambda: check_document(large))
    assert t_check < 10


def test_ten_thousand_terms_and_deep_nesting_evaluate_without_recursion():
    assert evaluate("+".join(["7"] * 10_000)) is None  # longer than any written calculation: not evaluated
    assert evaluate("+".join(["7"] * 1000)) == Decimal(7000)
    assert evaluate("(" * 900 + "1" + ")" * 900) == Decimal(1)
    report = check_document("(" * 10_000 + "1" + ")" * 10_000 + "=2")
    assert report is not None


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("1-2-3", Decimal(-4)),
        ("2×3+4", Decimal(10)),
        ("-3+5", Decimal(2)),
        ("8/2/2", Decimal(2)),
        ("1/(2-2)", None),
    ],
)
def test_operator_precedence(expr, value):
    assert evaluate(expr) == value


def test_formula_found_with_result_and_percent():
    (f,) = find_formulas("满意度 =(176×5+21×4+10×3+5×2)/(212×5) = 94.72%。")
    assert f.result == "94.72" and f.percent and f.expr.startswith("(176")


def test_time_budget_stops_with_a_chinese_message():
    text = "\n".join(f"决策得分 {k} 分，得分率为 {k}.5%。" for k in range(3000))
    with pytest.raises(CheckTimeout, match="审核超时"):
        check_document(text, time_budget=1e-6)


def test_overlong_paragraph_is_reported_not_silently_skipped():
    text = "决策得分 11 分。" + "数" * (MAX_PARAGRAPH_CHARS + 500)
    report = check_document(text)
    (f,) = [f for f in report.findings if f.kind == "not_checked"]
    assert f.severity == "warning" and "未核对" in f.message


def test_pieces_never_cut_inside_a_number():
    text = "1234567890" * 500
    pieces = bounded_pieces(text, limit=999)
    assert "".join(pieces) == text and all(len(p) <= 999 for p in pieces)
    clause = "得分11分，" * 600
    assert all(p.endswith("，") for p in bounded_pieces(clause, limit=1000)[:-1])


def test_one_megabyte_line_is_reviewed_quickly():
    line = "合计：" + "+".join(["7"] * 500_000) + "=。"
    report, seconds = _cpu(lambda: check_document(line))
    assert seconds < 10 and any(f.kind == "not_checked" for f in report.findings)


def test_project_codes_are_not_figures():
    report = check_document("项目编码 51092324T000000012345，预算 100 万元，执行 95 万元，执行率 95.00%。")
    assert report.findings == []


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    from assistant.checking import limits

    path = tmp_path / "big.md"
    path.write_text("决策得分 11 分。\n" * 100, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    with pytest.raises(InputError, match="文件过大"):
        read_document(path)

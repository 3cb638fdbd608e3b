"""项目录入 callbacks: import, edit with autosave, per-row problems, sessions kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import InputError
from ui import case_table
from ui.case_store import CaseStore
from ui.session import Session
from ui.tab_case import (
    FINDING_COLUMNS,
    blank_case,
    case_problems,
    edit_case,
    form_values,
    import_case_file,
    rows_to_findings,
    saved_choices,
)

GOLD = Path(__file__).resolve().parents[1] / "evals" / "cases" / "se10_itdf_laiwu_free_wifi.yaml"


@pytest.fixture
def store(tmp_path) -> CaseStore:
    return CaseStore(tmp_path / "cases")


def test_import_then_edit_autosaves_every_change(store):
    sess = import_case_file(str(GOLD), Session(), store)
    assert sess.current.problems == []
    values = form_values(sess.case)
    assert values[1] == "信息技术发展资金"
    rows = values[10]
    rows[5][case_table.COLUMNS.index("实际完成值")] = "80%"  # 网络AP在线率 71.57% → 80%
    values[10] = rows
    sess2, message = edit_case(sess, store, *values)
    assert "校验通过" in message
    saved = store.load(sess.current.id)
    assert saved.case["indicators"][5]["actual"] == "80%"
    assert sess2.current.id == sess.current.id


def test_problems_point_at_the_table_row(store):
    sess = import_case_file(str(GOLD), Session(), store)
    values = form_values(sess.case)
    rows = values[10]
    rows[2][case_table.COLUMNS.index("分值")] = "30"  # weights no longer sum to 90
    rows[6][case_table.COLUMNS.index("年度指标值")] = "大约九成"
    values[10] = rows
    _, message = edit_case(sess, store, *values)
    saved = store.load(sess.current.id)
    assert saved.problems, message
    assert any(p.startswith("第7行") for p in saved.problems), saved.problems
    assert "需要修改" in message


def test_unreadable_row_is_reported_and_still_saved(store):
    sess = import_case_file(str(GOLD), Session(), store)
    values = form_values(sess.case)
    values[10][0][case_table.COLUMNS.index("分值")] = "四"
    sess, message = edit_case(sess, store, *values)
    assert "第1行“分值”须为数字" in message
    assert store.load(sess.current.id).problems


def test_editing_with_no_open_case_creates_one(store):
    values = form_values(blank_case("evaluation"))
    values[1] = "新项目"
    sess, message = edit_case(Session(), store, *values)
    assert sess.current is not None and sess.current.name == "新项目"
    assert "需要修改" in message  # no indicators yet
    assert [c[1] for c in saved_choices(store)] == [sess.current.id]


def test_two_sessions_do_not_share_unsaved_state(store):
    a = import_case_file(str(GOLD), Session(), store)
    b = Session()
    values = form_values(a.case)
    values[1] = "甲改的名字"
    a2, _ = edit_case(a, store, *values)
    assert b.current is None
    assert a2.current.name == "甲改的名字" and a.current.name == "信息技术发展资金"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["风险", "档案缺失", "", ""], "问题分类"),
        (["过程", "", "", ""], "缺少“问题描述”"),
    ],
)
def test_findings_rows_are_validated(row, message):
    findings, problems = rows_to_findings([row, [""] * len(FINDING_COLUMNS)])
    assert findings == [] and message in problems[0] and "第1行" in problems[0]


def test_findings_rows_map_to_case_findings():
    findings, problems = rows_to_findings([["过程", "档案缺失", "现场检查", "过程/档案/归档"]])
    assert problems == []
    assert findings == [
        {
            "category": "过程",
            "text": "档案缺失",
            "evidence": "现场检查",
            "indicator": ["过程", "档案", "归档"],
        }
    ]


def test_import_missing_file_is_a_chinese_error(store, tmp_path):
    with pytest.raises(InputError):
        import_case_file(str(tmp_path / "nope.yaml"), Session(), store)
    with pytest.raises(InputError, match="请先选择"):
        import_case_file(None, Session(), store)


def test_blank_self_evaluation_has_budget_row_and_problems():
    case = blank_case("self_evaluation", "某项目")
    assert case["budget"]["weight"] == 10
    assert case_problems(case)


def test_import_excel_self_evaluation_form(store, tmp_path):
    from assistant.case_io import load_case, save_case

    xlsx = save_case(load_case(GOLD), tmp_path / "自评表.xlsx")
    sess = import_case_file(str(xlsx), Session(), store)
    assert sess.current.problems == []
    assert len(sess.case["indicators"]) == 12
    assert form_values(sess.case)[1] == "信息技术发展资金"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "self_evaluation",
            [
                "预算 全年预算数：尚未填写",
                "预算 全年执行数：尚未填写",
                "绩效指标尚未填写：请在下方表格中逐行填写（每行一个末级指标）",
            ],
        ),
        ("evaluation", ["绩效指标尚未填写：请在下方表格中逐行填写（每行一个末级指标）"]),
    ],
)
def test_a_new_case_lists_what_is_still_blank_in_plain_chinese(kind, expected):
    problems = case_problems(blank_case(kind, "新项目"))
    assert problems == expected
    assert not any("None" in p or "(" in p for p in problems)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "预算(budget) 全年预算数(annual)：不是数字（填写的是：'abc'）",
            "预算 全年预算数：不是数字（填写的是：'abc'）",
        ),
        ("预算(budget) 全年执行数(executed)：不是数字（填写的是：None）", "预算 全年执行数：尚未填写"),
        ("分值合计须为 100：预算执行 10 + 指标 50 = 60", "分值合计须为 100：预算执行 10 + 指标 50 = 60"),
    ],
)
def test_for_form_drops_key_names_and_calls_blanks_blank(line, expected):
    from ui.tab_case import for_form

    assert for_form(line) == expected

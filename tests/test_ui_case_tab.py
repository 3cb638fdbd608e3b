"""项目录入: every edit saved with a version check, problems placed on their cells and grouped, a blank form
that never errors, typed text kept whole, conflicting edits reported and kept, imports over a project."""

from __future__ import annotations

import pytest
from ui_support import GOLD, built_tab, gold_session, make_services

from assistant.errors import Problem
from ui import case_form, case_table
from ui.session import Session
from ui.tab_case import edit

TABLE = case_form.FORM_ORDER.index("indicators")
NAME = case_form.FORM_ORDER.index("project.name")
YEAR = case_form.FORM_ORDER.index("project.year")


@pytest.fixture
def services(tmp_path):
    return make_services(tmp_path)


def test_import_then_edit_saves_every_change(services):
    sess = gold_session(services)
    assert sess.current.problems == []
    values = case_form.form_values(sess.case)
    assert values[NAME] == "信息技术发展资金" and values[YEAR] == "2023"
    values[TABLE][5][case_table.COLUMNS.index("实际完成值")] = "80%"  # 网络AP在线率 71.57% → 80%
    user = services.user(None)
    sess2, problems, warning = edit(services, user, sess, values)
    assert problems == [] and warning == ""
    saved = services.store.load_project(user, sess.current.id)
    assert saved.case["indicators"][5]["actual"] == "80%"
    assert saved.revision == sess.current.revision + 1 == sess2.current.revision
    # fields the form does not show are kept
    assert saved.case["reported_total"] == 98.57


def test_name_typed_key_by_key_is_saved_whole_and_a_blank_year_is_no_error(services):
    """The 项目名称 typed one key at a time: each keystroke is one save; the last one holds it all."""
    user = services.user(None)
    sess = Session().with_project(services.workspace.new_project(user, "self_evaluation"))
    values = case_form.form_values(sess.case)
    values[NAME] = ""
    assert values[YEAR] == ""
    for end in range(1, len("B会话项目") + 1):
        values[NAME] = "B会话项目"[:end]
        sess, problems, warning = edit(services, user, sess, values)
        assert warning == ""
        assert not any("2000" in p.message or "minimum" in p.message for p in problems)
    assert services.store.load_project(user, sess.current.id).name == "B会话项目"


def test_problems_point_at_their_row_and_cell(services):
    sess = gold_session(services)
    values = case_form.form_values(sess.case)
    values[TABLE][6][case_table.COLUMNS.index("年度指标值")] = "大约九成"
    _, problems, _ = edit(services, services.user(None), sess, values)
    saved = services.store.load_project(services.user(None), sess.current.id)
    assert saved.problems
    hit = next(p for p in problems if p.row == 7)
    assert hit.group == "绩效指标" and hit.message.startswith("第7行")
    html = case_form.problems_html(problems)
    assert "绩效指标（" in html and "cell-6-" in html  # the row is marked in the table


def test_unreadable_cell_is_reported_marked_and_still_saved(services):
    sess = gold_session(services)
    values = case_form.form_values(sess.case)
    values[TABLE][0][case_table.COLUMNS.index("分值")] = "四"
    sess, problems, _ = edit(services, services.user(None), sess, values)
    assert problems[0].message.startswith("第1行“分值”须为数字")
    assert (problems[0].row, problems[0].column) == (1, "分值")
    assert 'data-testid="cell-0-4"' in case_form.problems_html(problems)
    assert services.store.load_project(services.user(None), sess.current.id).problems


def test_budget_text_is_kept_as_typed_and_named(services):
    sess = gold_session(services)
    values = case_form.form_values(sess.case)
    values[case_form.FORM_ORDER.index("budget.executed")] = "七十九万"
    values[case_form.FORM_ORDER.index("budget.annual")] = "７９．６１"
    sess, problems, _ = edit(services, services.user(None), sess, values)
    assert sess.case["budget"]["executed"] == "七十九万"  # nothing typed is lost
    assert str(sess.case["budget"]["annual"]) == "79.61"
    assert any(p.group == "预算执行" and "全年执行数" in p.message for p in problems)


def test_editing_with_no_open_project_creates_one(services):
    values = case_form.form_values(None)
    values[NAME] = "新项目"
    sess, problems, _ = edit(services, services.user(None), Session(), values)
    assert sess.current is not None and sess.current.name == "新项目"
    assert problems  # no indicators yet
    assert [s.id for s in services.store.list_projects(services.user(None))] == [sess.current.id]


def test_a_conflicting_edit_is_reported_and_kept_as_a_version(services):
    user = services.user(None)
    a = gold_session(services)
    b = Session().with_project(services.store.load_project(user, a.current.id))
    values = case_form.form_values(a.case)
    values[NAME] = "甲改的名字"
    a, _, warning = edit(services, user, a, values)
    assert warning == ""
    values_b = case_form.form_values(b.case)
    values_b[NAME] = "乙改的名字"
    b, _, warning = edit(services, user, b, values_b)
    assert "已在" in warning and "没有覆盖" in warning and "历史版本" in warning
    assert b.unsaved_case is not None
    assert services.store.load_project(user, a.current.id).name == "甲改的名字"
    kept = services.store.case_versions(user, a.current.id)
    assert any(v.reason.startswith("未能保存的修改") and v.name == "乙改的名字" for v in kept)


def test_import_over_an_open_project_keeps_the_old_data(services):
    user = services.user(None)
    sess = Session().with_project(services.workspace.new_project(user, "evaluation", "手填的项目"))
    record = services.workspace.import_file(user, GOLD, into=sess.current)
    assert record.id == sess.current.id and record.name == "信息技术发展资金"
    reasons = [v.reason for v in services.store.case_versions(user, record.id)]
    assert reasons[0].startswith("导入") and reasons[1].endswith("之前")
    old = services.store.case_versions(user, record.id)[1]
    restored = services.workspace.restore_case(user, record, old.id)
    assert restored.name == "手填的项目"


def test_versions_compare_field_by_field(services):
    sess = gold_session(services)
    changed = {**sess.case, "project": {**sess.case["project"], "name": "新名字"}}
    html = case_form.compare_html(sess.case, changed, "旧", "当前")
    assert "共 1 处不同" in html and "项目名称" in html and "新名字" in html


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["风险", "档案缺失", "", ""], "问题分类"),
        (["过程", "", "", ""], "缺少“问题描述”"),
    ],
)
def test_findings_rows_are_validated(row, message):
    findings, problems = case_form.rows_to_findings([row, [""] * len(case_form.FINDING_COLUMNS)])
    assert findings == [] and message in problems[0].message and "第1行" in problems[0].message
    assert problems[0].group == "问题清单"


def test_findings_rows_map_to_case_findings_and_back():
    """问题清单 has a column for every field of a finding, 原因分析 and 责任单位 included (the draft's missing-facts
    list sends the clerk to “项目录入 → 问题清单 → 原因分析”)."""
    assert case_form.FINDING_COLUMNS[2:4] == ["原因分析", "责任单位"]
    row = ["过程", "档案缺失", "未指定专人管理档案", "县水利局", "现场检查", "过程/档案/归档"]
    findings, problems = case_form.rows_to_findings([row])
    assert problems == []
    assert findings == [
        {
            "category": "过程",
            "text": "档案缺失",
            "cause": "未指定专人管理档案",
            "responsible": "县水利局",
            "evidence": "现场检查",
            "indicator": ["过程", "档案", "归档"],
        }
    ]
    assert case_form.findings_to_rows({"findings": findings}) == [row]
    from assistant.case import Finding

    assert Finding.model_validate(findings[0]).cause == "未指定专人管理档案"


def test_problems_panel_groups_by_part_of_the_form():
    problems = [
        Problem(message="年度：不是整数", group="项目信息"),
        Problem(message="第2行“分值”须为数字", row=2, column="分值", group="绩效指标"),
    ]
    html = case_form.problems_html(problems)
    assert html.index("项目信息（1）") < html.index("绩效指标（1）")
    assert '[data-testid="cell-1-4"]' in html
    assert "校验通过" in case_form.problems_html([])


@pytest.mark.parametrize(
    ("typed", "stored"), [("2025", 2025), ("２０２５年", 2025), ("", None), ("二五年", "二五年")]
)
def test_year_as_typed(typed, stored):
    assert case_form.year_or_text(typed) == stored


def test_the_bar_carries_the_edit_number_a_save_answered(services):
    from ui.shell import bar_html

    sess = gold_session(services)
    user = services.user(None)
    assert 'data-pe-seq="7"' in bar_html(sess, user, False, "7") and "已保存" in bar_html(
        sess, user, False, "7"
    )
    assert "data-pe-seq" not in bar_html(sess, user, False)  # opening a project is not an answer to typing
    assert "data-pe-seq" not in bar_html(sess, user, False, '7"><script>')  # only a number is echoed


def test_showing_the_tab_again_never_resends_what_the_page_holds(services):
    """Typing right after switching to 项目录入 must not be overwritten by the tab's refresh: a form filled from
    the project's current revision keeps every field as the page has it; an older form gets only the fields
    that changed."""
    import gradio as gr

    from ui import tab_case
    from ui.tab_case import form_key

    part = built_tab(tab_case, services)
    sess = gold_session(services)
    user = services.user(None)
    start = part["outputs"].index(part["refresh_inputs"][1])
    background = start + case_form.FORM_ORDER.index("narrative.background")
    page = case_form.form_values(sess.case)
    page[case_form.FORM_ORDER.index("narrative.background")] = "为解决"  # typed a moment ago, not yet saved
    out = part["refresh"](sess, user, form_key(sess.current), *page)
    assert all(v == gr.skip() for v in out[start : start + len(page)])
    assert out[background] == gr.skip()
    # The project was changed meanwhile (a newer revision): only the field that differs is sent.
    changed = sess.case | {"project": {**sess.case["project"], "name": "改过的名称"}}
    newer = services.workspace.save_case(user, sess.current, changed, [])
    sess = sess.with_project(newer)
    page = case_form.form_values(changed)
    page[NAME] = "旧名称"
    out = part["refresh"](sess, user, "older", *page)
    sent = [i - start for i in range(start, start + len(page)) if out[i] != gr.skip()]
    assert sent == [NAME] and out[start + NAME] == "改过的名称"

"""审核 tab: a planted error in the current draft or an uploaded file is flagged, sorted, highlighted, explained."""

from __future__ import annotations

import re

import pytest
from ui_support import drafted_session, make_services

from assistant.checking.models import CheckReport, Finding
from assistant.errors import AssistantError
from ui import section_edit
from ui.session import Session
from ui.tab_review import (
    HAND_NOTE,
    finding_detail,
    finding_rows,
    highlight,
    mark_hand_edits,
    run_review,
    sorted_findings,
    summary_markdown,
)


@pytest.fixture
def services(tmp_path):
    return make_services(tmp_path)


@pytest.fixture
def planted(services) -> Session:
    """A drafted report whose 产出指标 得分率 was changed by hand from 96.43% to 96.34%."""
    sess = drafted_session(services)
    report = sess.report()
    sec = next(s for s in report.sections if "产出" in s.title and s.id.startswith("analysis"))
    text = section_edit.section_text(sec, report.values)
    assert "96.43%" in text
    new, _ = section_edit.apply_edit(report, sec.id, text.replace("96.43%", "96.34%"))
    user = services.user(None)
    return sess.with_project(services.workspace.save_draft(user, sess.current, new, "手工修改", [sec.id]))


def test_planted_rate_in_current_draft_is_flagged_as_hand_typed(planted):
    findings, (summary, rows, marked) = run_review("当前草稿", None, True, planted)
    hits = [f for f in findings if f.found == "96.34%"]
    assert hits and all(f.severity == "error" for f in hits)
    assert any(f.kind == "arithmetic" and f.expected == "96.43%" for f in hits)
    assert all(HAND_NOTE in f.message for f in hits)
    assert "错误" in summary
    assert rows[0][1] == "错误"
    assert 'class="pe-error"' in marked and "96.34%" in marked
    # where it is, in the draft's own headings: not under the 目录's last line, no count of Markdown blocks
    assert [f.location for f in hits if f.kind == "arithmetic"][0].startswith(
        "四、绩效评价指标分析 > （三）产出指标"
    )
    assert not [
        f.location for f in findings if f.location.startswith("七、") or re.search(r"第\d+段", f.location)
    ]
    assert [f.location for f in findings if "评价机构：" in f.text] == ["封面"]  # not （文首）


def test_uploaded_markdown_with_a_wrong_rate_is_flagged(tmp_path):
    draft = tmp_path / "报告.md"
    draft.write_text(
        "# 某项目绩效评价报告\n\n## 三、综合评价情况\n\n决策指标满分14分，得分11分，得分率78.75%。\n",
        encoding="utf-8",
    )
    findings, (summary, rows, marked) = run_review("上传的文件", str(draft), False, Session())
    assert any(f.found == "78.75%" and f.expected == "78.57%" for f in findings)
    assert "78.75%" in marked


def test_a_file_uploaded_before_anything_was_drafted_is_reviewed_whatever_the_choice_says(tmp_path):
    """A click on 开始审核 that left before the choice switched to 上传的文件 still reviews the file."""
    page = tmp_path / "报告.md"
    page.write_text("# 报告\n\n决策指标满分14分，得分11分，得分率78.75%。\n", encoding="utf-8")
    findings, (summary, _, marked) = run_review("当前草稿", str(page), True, Session())
    assert "报告.md" in summary and "78.75%" in marked
    assert any(f.found == "78.75%" for f in findings)


def test_no_draft_and_no_upload_are_explained():
    with pytest.raises(AssistantError, match="还没有草稿"):
        run_review("当前草稿", None, True, Session())
    with pytest.raises(AssistantError, match="请先上传"):
        run_review("上传的文件", None, True, Session())


def _finding(severity, text="总分98分。", found="98", kind="arithmetic"):
    return Finding(
        kind=kind, severity=severity, location="一、", text=text, found=found, expected="97", message="m"
    )


def test_errors_first_and_detail_shows_evidence():
    findings = sorted_findings([_finding("warning"), _finding("error", "得分率78.75%。", "78.75%")])
    assert [f.severity for f in findings] == ["error", "warning"]
    from assistant.checking.report_text import KIND_LABELS

    assert finding_rows(findings)[0][:3] == [
        "1",
        "错误",
        KIND_LABELS["arithmetic"],
    ]  # the checker's one table
    detail = finding_detail(findings, 0)
    assert "得分率78.75%" in detail and "**应为**：97" in detail and "依据与说明" in detail
    assert finding_detail(findings, 9) == ""


def test_hand_typed_number_nobody_flagged_still_shows():
    typed = [("（三）产出指标分析", "另有说明：完成率为88%。", "88%")]
    out = mark_hand_edits([], typed)
    assert len(out) == 1 and out[0].found == "88%" and "已手工修改" in out[0].location


@pytest.mark.parametrize(
    ("text", "findings", "marks"),
    [
        (
            "得分率78.75%。",
            [_finding("error", "得分率78.75%。", "78.75%")],
            [
                '<mark id="pe-f-1" class="pe-error" style="background:#fee4e2;border-bottom:2px solid #d92d20;color:#7a271a" title="问题1">78.75%'
            ],
        ),
        ("<b>x</b> 总分98分。", [_finding("warning")], ['title="问题1">98']),
        ("没有这句话", [_finding("error")], []),
    ],
)
def test_highlight(text, findings, marks):
    html = highlight(text, findings)
    for m in marks:
        assert m in html
    assert html.count("<mark") == len(marks)
    assert all(f'id="pe-f-{i}"' in html for i in range(1, len(marks) + 1))  # to scroll to
    assert "<b>" not in html


def _cell(text, found, col, severity="error"):
    return Finding(
        kind="total",
        severity=severity,
        location="表1",
        text=text,
        found=found,
        expected="1",
        message="m",
        row=3,
        col=col,
    )


def test_a_form_row_finding_marks_the_cell_holding_the_figure_not_the_rows_first_cell():
    text = (
        "| 合计得分 | 分值 | 自评分 |\n| 合计得分 | 100 | 93.5 |\n| 资金情况 | 全年预算 | 12 | 12 | 0 | 0 |\n"
    )
    findings = [
        _cell("合计得分 | 100 | 93.5", "93.5", 2),
        _cell("资金情况 | 全年预算 | 12 | 12 | 0 | 0", "0", 6),
        _cell("资金情况 | 全年预算 | 12 | 12 | 0 | 0", "0", 5),
        _cell("资金情况 | 全年预算 | 12 | 12 | 0 | 0", "12", 3, "warning"),
    ]
    marked = highlight(text, findings)
    assert 'title="问题1">93.5<sup>' in marked and "合计得分<sup>" not in marked
    # the two findings on 0 take the two cells holding 0 in column order; 12 is marked once
    assert re.search(r'title="问题3">0<sup>\[3\]</sup></mark> ｜ <mark[^>]*title="问题2">0<sup>', marked)
    assert marked.count(">12<sup>") == 1


def test_summary_when_clean():
    assert "未发现问题" in summary_markdown(CheckReport(), [])


def test_draft_text_of_planted_session_keeps_other_numbers_linked(planted):
    report = planted.report()
    sec = next(s for s in report.sections if s.source == "edited")
    assert section_edit.hand_typed_numbers(sec) == ["96.34%"]


def test_display_lines_drop_markdown_marks():
    from ui.tab_review import display_lines

    text = "# 报告\n\n## 三、结论\n\n> 说明\n\n| 指标 | 得分率 |\n|---|---|\n| 决策 | 78.75% |\n\n正文。"
    assert display_lines(text) == [
        ("heading", "报告"),
        ("heading", "三、结论"),
        ("para", "说明"),
        ("row", "指标 ｜ 得分率"),
        ("row", "决策 ｜ 78.75%"),
        ("para", "正文。"),
    ]


def test_an_uploaded_report_of_another_project_is_flagged_before_its_comparison(services, tmp_path):
    sess = drafted_session(services)  # 信息技术发展资金, total 98.57 (优)
    other = tmp_path / "另一个项目的报告.md"
    other.write_text(
        "# 城乡供水管网改造项目绩效评价报告\n\n## 二、评价结论\n\n本项目综合得分89分，绩效等级为“良”。\n",
        encoding="utf-8",
    )
    _, (summary, _, _) = run_review("上传的文件", str(other), True, sess)
    assert "没有出现当前项目名称“信息技术发展资金”" in summary
    _, (summary, _, _) = run_review("上传的文件", str(other), False, sess)
    assert "当前项目名称" not in summary  # not compared: nothing to warn about
    own = tmp_path / "本项目的报告.md"
    own.write_text(
        "# 信息技术发展资金 项目绩效评价报告\n\n## 二、评价结论\n\n本项目综合得分98.57分，绩效等级为“优”。\n",
        encoding="utf-8",
    )
    _, (summary, _, _) = run_review("上传的文件", str(own), True, sess)
    assert "当前项目名称" not in summary


def test_a_received_form_uploaded_for_review_is_recomputed_like_the_check_command(tmp_path):
    """A web page holding received forms, one with a total written wrong: the review reads every form and
    finds the total that differs from the scorer's, as `pe-assistant check` does."""
    from ui_support import two_form_appendix

    from assistant.checking import check_file

    page = two_form_appendix(tmp_path)
    page.write_text(
        page.read_text(encoding="utf-8").replace("<td>99.5</td>", "<td>97.5</td>"), encoding="utf-8"
    )
    findings, (summary, rows, marked) = run_review("上传的文件", str(page), False, Session())
    assert any(f.found == "97.5" and f.expected == "99.5" and f.severity == "error" for f in findings)
    assert [(f.kind, f.found, f.expected) for f in findings] == [
        (f.kind, f.found, f.expected) for f in sorted_findings(check_file(page).findings)
    ]
    assert "97.5" in marked and "渡口安全设施更新" in marked  # both forms' text shown for marking


def test_a_huge_line_is_shown_as_far_as_it_was_checked():
    """A 1 MB one-line upload: the marked text shows the part the checker read and says how much is left."""
    from assistant.checking.limits import MAX_PARAGRAPH_CHARS
    from ui.tab_review import highlight

    line = "合计：" + "+".join(["7"] * 300_000) + "=。"
    marked = highlight(line, [])
    assert len(marked) < MAX_PARAGRAPH_CHARS + 1000
    assert f"此段其余 {len(line) - MAX_PARAGRAPH_CHARS} 字未核对" in marked


def test_an_uploaded_forms_finding_is_placed_at_the_cell_it_blames(tmp_path):
    """The 亮灯率 row claims 20 of 20 for 91% against ≥98%: the finding's place is that row's 得分 cell (its
    second 20), not the 分值 cell, nor any row its quoted text may name; the page marks it there."""
    from ui_support import lighting_form_docx

    from assistant.checking.upload import review_upload
    from assistant.workspace import review_file

    path = lighting_form_docx(tmp_path)
    review = review_upload(path)
    assert len(review.places) == len(review.report.findings)
    lines = review.text.split("\n")
    (finding, place) = next(
        (f, p)
        for f, p in zip(review.report.findings, review.places, strict=True)
        if f.expected != f.found and "亮灯率" in lines[p[0]]
    )
    line = lines[place[0]]
    cells = line.strip("| ").split(" | ")
    assert cells[2] == "亮灯率" and line[place[1] : place[2]] == "20" == finding.found
    assert place[1] == line.index(" | ".join(cells[6:])), "the 得分 cell, not the 分值 one left of it"
    total = next(p for f, p in zip(review.report.findings, review.places, strict=True) if f.kind == "total")
    assert lines[total[0]].startswith("| 总分") and lines[total[0]][total[1] : total[2]] == "99.5"

    outcome = review_file(path)
    marked = highlight(outcome.text, outcome.findings, outcome.places)
    number = outcome.findings.index(finding) + 1
    row = next(div for div in marked.split("<div") if f'id="pe-f-{number}"' in div)
    assert "亮灯率" in row and re.search(rf"20 ｜ <mark[^>]*>20<sup>\[{number}\]", row)


def test_a_place_marks_its_cell_even_when_the_finding_quotes_another_row():
    text = "# 自评表\n| 年度总体目标 | 完成维护，亮灯率不低于98% |\n| 亮灯率 | ≥98% | 91% | 20 | 20 |\n"
    quoting_other = _cell("年度总体目标 | 完成维护，亮灯率不低于98%", "20", 4)
    line = text.split("\n")[2]
    at = line.rindex("20")
    marked = highlight(text, [quoting_other], [(2, at, at + 2)])
    assert re.search(r"20 ｜ <mark[^>]*>20<sup>\[1\]", marked)
    assert "年度总体目标 ｜ 完成维护" in marked  # that row unmarked
    # without the place the quoted row is what can be found
    assert "<mark" not in highlight(text, [quoting_other], [None]).split("亮灯率 ｜")[1]


def test_a_sentence_place_marks_the_figure_in_it(tmp_path):
    from assistant.checking.upload import review_upload

    draft = tmp_path / "报告.md"
    draft.write_text(
        "# 路灯项目绩效评价报告\n\n## 二、评价结论\n\n说明如下。产出指标满分40分，得分35分，得分率78.75%。\n",
        encoding="utf-8",
    )
    review = review_upload(draft)
    hit = next(p for f, p in zip(review.report.findings, review.places, strict=True) if f.found == "78.75%")
    assert review.text.split("\n")[hit[0]][hit[1] : hit[2]] == "78.75%"


def test_shown_span_maps_offsets_of_the_checked_text_to_the_page():
    from ui.tab_review import shown_span

    assert shown_span("heading", "## 二、结论", "二、结论", 5, 7) == (2, 4)
    assert shown_span("row", "| 总分 |  100 | 98.5 |", "总分 ｜ 100 ｜ 98.5", 14, 18) == (11, 15)
    assert shown_span("row", "| 总分 | 100 | 98.5 |", "总分 ｜ 100 ｜ 98.5", 2, 17) == (0, 15)  # whole row
    assert shown_span("row", "| a | b |", "a ｜ b ｜ c", 2, 3) is None  # not the same cells

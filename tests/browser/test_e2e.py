"""End-to-end flows in headless Chromium against a real `pe-assistant serve` (see conftest.py).

Each flow asserts what a finance clerk would check by eye, and leaves a PNG of the tab in /tmp/ui-shots/.
"""

from __future__ import annotations

import re

import pytest
from pages import choose_section as _choose_section
from pages import draft as _draft
from pages import import_case, open_tab
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_ask_shows_numbered_citation_with_its_document(page, shots):
    page.locator("#ask-input textarea").fill("预算执行率如何计分？")
    page.locator("#ask-send").click()
    chat = page.locator("#ask-chat")
    citation = chat.locator("details.pe-cite summary").first
    citation.wait_for(timeout=90_000)
    assert re.match(r"\[1\] 《.+》", citation.inner_text())
    citation.click()  # expands to the quoted passage
    quote = chat.locator("details.pe-cite blockquote").first
    quote.wait_for()
    assert "预算执行率" in chat.inner_text()
    assert len(quote.inner_text()) > 10
    page.screenshot(path=str(shots / "01-ask.png"), full_page=True)


def test_ask_without_evidence_says_not_found(page):
    page.locator("#ask-input textarea").fill("护照过期了怎么办理续签？")
    page.locator("#ask-send").click()
    page.locator("#ask-chat").get_by_text("未找到依据").wait_for(timeout=90_000)


def test_import_case_shows_total_and_grade(page, shots, gold_case):
    import_case(page, gold_case)
    assert page.locator("#case-problems").get_by_text("校验通过").is_visible()
    assert "网络AP在线率" in page.locator("#case-table").inner_text()
    page.screenshot(path=str(shots / "02-case.png"), full_page=True)
    open_tab(page, "评分")
    heading = page.locator("#score-summary h2")
    heading.get_by_text("总分 98.57 分").wait_for()
    assert "等级：优" in heading.inner_text()
    assert "96.43%" in page.locator("#score-level1").inner_text()
    expect(page.locator("#score-chart1")).to_contain_text("96.43%")  # the value is written on its bar
    page.screenshot(path=str(shots / "03-score.png"), full_page=True)


def test_case_editor_shows_row_problem_inline(page, shots, gold_case):
    import_case(page, gold_case)
    cell = page.locator('#case-table [data-testid="cell-0-4"]')  # row 1, column 分值
    cell.dblclick()
    editor = cell.locator("textarea").first
    editor.fill("四")
    editor.press("Enter")
    problems = page.locator("#case-problems")
    problems.get_by_text("第1行“分值”须为数字").wait_for()
    page.screenshot(path=str(shots / "02b-case-problem.png"), full_page=True)


def test_draft_edit_section_and_export_docx(page, shots, gold_case, tmp_path):
    import docx

    import_case(page, gold_case)
    _draft(page)
    assert "绩效评价指标分析" in page.locator("#draft-preview").inner_text()
    _choose_section(page, "产出指标分析", "产出指标满分40分")
    editor = page.locator("#draft-editor textarea")
    text = editor.input_value()
    assert "96.43%" in text
    added = "经现场复核，网络AP在线率偏低主要集中在汛期。"
    editor.fill(text + "\n\n" + added)
    page.locator("#draft-save").click()
    page.locator("#draft-status").get_by_text("已保存修改").wait_for()
    assert added in page.locator("#draft-preview").inner_text()
    page.screenshot(path=str(shots / "04-draft.png"), full_page=True)

    open_tab(page, "导出")
    page.locator("#export-report").click()
    files = page.locator("#export-report-files")
    link = files.locator('a[download$=".docx"]').first
    link.wait_for(timeout=60_000)
    with page.expect_download() as info:
        link.click()
    target = tmp_path / "report.docx"
    info.value.save_as(target)
    document = docx.Document(str(target))
    body = "\n".join(p.text for p in document.paragraphs)
    assert added in body
    assert "98.57" in body and document.tables
    page.screenshot(path=str(shots / "06-export.png"), full_page=True)


def test_review_flags_a_planted_wrong_rate(page, shots, gold_case):
    import_case(page, gold_case)
    _draft(page)
    _choose_section(page, "产出指标分析", "产出指标满分40分")
    editor = page.locator("#draft-editor textarea")
    editor.fill(editor.input_value().replace("96.43%", "96.34%"))
    page.locator("#draft-save").click()
    page.locator("#draft-status").get_by_text("手工输入的数字 96.34%").wait_for()
    assert "96.34%" in page.locator("#draft-edits").inner_text()

    open_tab(page, "审核")
    page.locator("#review-run").click()
    page.locator("#review-summary").get_by_text("处错误").wait_for(timeout=60_000)
    table = page.locator("#review-findings")
    assert "96.34%" in table.inner_text() and "96.43%" in table.inner_text()
    marked = page.locator("#review-text mark.pe-error", has_text="96.34%")
    assert marked.count() >= 1
    table.locator('[data-testid="cell-0-4"]').click()
    detail = page.locator("#review-detail")
    detail.get_by_text("依据与说明").wait_for()
    assert "手工输入" in page.locator("#review-detail").inner_text() or "96.34%" in detail.inner_text()
    page.screenshot(path=str(shots / "05-review.png"), full_page=True)


def test_two_sessions_do_not_see_each_others_case(browser, workbench, gold_case):
    first = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000})
    second = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000})
    try:
        a, b = workbench(first), workbench(second)
        import_case(a, gold_case)
        open_tab(a, "评分")
        a.locator("#score-summary h2").get_by_text("总分 98.57 分").wait_for()
        open_tab(b, "项目录入")
        expect(b.locator("#case-problems")).to_have_text("尚未打开项目。")
        expect(b.locator("#case-status")).not_to_contain_text("已导入")
        open_tab(b, "评分")
        expect(b.locator("#score-summary")).to_contain_text("尚未打开项目")
        expect(b.locator("#score-summary")).not_to_contain_text("98.57")
        a.locator("#score-summary h2").get_by_text("总分 98.57 分").wait_for()  # a still has its own case
    finally:
        first.close()
        second.close()


def test_settings_tab_says_which_model_and_knowledge_base(page, shots):
    open_tab(page, "设置与帮助")
    status = page.locator("#settings-status")
    status.get_by_text("离线模式").wait_for()
    assert re.search(r"\d+ 个文件，\d+ 篇文档，\d+ 个片段", status.inner_text())
    assert "PE_ASSISTANT_LLM_BASE_URL" in page.content()
    page.screenshot(path=str(shots / "07-settings.png"), full_page=True)


def test_failed_import_is_explained_inline_and_the_next_file_imports(page, gold_case, tmp_path):
    bad = tmp_path / "坏文件.yaml"
    bad.write_text("kind: self_evaluation\nproject: {name: 坏文件\nindicators: [\n", encoding="utf-8")
    open_tab(page, "项目录入")
    page.locator("#case-upload input[type=file]").set_input_files(str(bad))
    status = page.locator("#case-status")
    status.get_by_text("未能导入 坏文件.yaml").wait_for()
    assert "第3行第11列附近格式有误" in status.inner_text()
    assert "while parsing" not in page.content()
    import_case(page, gold_case)  # the upload box was emptied, so the next file goes straight in
    page.locator("#case-problems").get_by_text("校验通过").wait_for()


def test_review_an_uploaded_report_with_a_planted_total(page, shots, gold_case, tmp_path):
    from assistant.case import parse_case
    from assistant.case_io import read_case_data
    from assistant.drafting import draft_report
    from assistant.export import to_markdown
    from assistant.scoring import score_case

    case = parse_case(read_case_data(gold_case))
    text = to_markdown(draft_report(case, score_case(case), retriever=None))
    assert "综合得分98.57分" in text
    planted = tmp_path / "报告.md"
    planted.write_text(text.replace("综合得分98.57分", "综合得分97.58分", 1), encoding="utf-8")

    import_case(page, gold_case)
    open_tab(page, "审核")
    page.locator("#review-upload input[type=file]").set_input_files(str(planted))
    expect(page.get_by_label("上传的文件")).to_be_checked()
    page.locator("#review-run").click()
    page.locator("#review-summary").get_by_text("处错误").wait_for()
    table = page.locator("#review-findings")
    expect(table).to_contain_text("97.58")
    page.locator("#review-text mark.pe-error", has_text="97.58").first.wait_for()
    table.locator('[data-testid^="cell-"]:visible', has_text="97.58").first.click()
    detail = page.locator("#review-detail")
    expect(detail).to_contain_text("依据与说明")
    expect(detail).to_contain_text("98.57")
    page.screenshot(path=str(shots / "05b-review-upload.png"), full_page=True)


def test_export_the_self_evaluation_form_as_markdown(page, gold_case, tmp_path):
    import_case(page, gold_case)
    open_tab(page, "导出")
    page.locator("#export-self_evaluation").click()
    link = page.locator('#export-self_evaluation-files a[download$=".md"]').first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    target = tmp_path / "form.md"
    info.value.save_as(target)
    text = target.read_text(encoding="utf-8")
    assert "项目支出绩效自评表" in text and "网络AP在线率" in text and "98.57" in text


def test_login_is_required_with_auth(browser, auth_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000})
    try:
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        pg.goto(auth_server)
        login = pg.get_by_role("button", name="登录")
        login.wait_for()
        expect(pg.get_by_role("tab", name="问答")).to_have_count(0)
        pg.get_by_label("用户名").fill("finance")
        pg.get_by_label("密码").fill("wrong")
        login.click()
        pg.get_by_text("凭据不正确").wait_for()
        pg.get_by_label("用户名").fill("finance")
        pg.get_by_label("密码").fill("secret")
        pg.get_by_role("button", name="登录").click()
        pg.locator("#ask-input textarea").wait_for()
        open_tab(pg, "设置与帮助")
        expect(pg.locator("#settings-status")).to_contain_text("登录：已启用")
    finally:
        context.close()

"""What makes the workbench trustworthy with a day's work, proven in Chromium: typed text survives a reload,
users' projects stay apart until shared, a redraft can be undone, a conflicting edit is reported, a
citation opens its source, a finding scrolls to its place; and the phone layout of 问答 and 审核."""

from __future__ import annotations

import re

import pytest
from pages import choose_section as _choose_section
from pages import draft as _draft
from pages import import_case, login, open_tab, open_workbench, wait_restored
from playwright.sync_api import expect

from ui.style import AUTOSAVE_DELAY_MS

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)  # every step waits on the server; a loaded CI machine answers slowly


def _new_project(page) -> None:
    open_tab(page, "项目录入")
    page.locator("#case-new").click()
    page.locator("#case-status").get_by_text("已新建项目").wait_for()


def _type_name(page, text: str) -> None:
    box = page.locator("#case-name textarea, #case-name input").first
    box.fill("")
    box.press_sequentially(text, delay=40)  # key by key, as a clerk types
    expect(page.locator("#project-bar .pe-saved")).to_contain_text("已保存", timeout=20_000)
    expect(page.locator("#project-bar")).to_contain_text(text)


def test_text_typed_key_by_key_survives_a_reload_whole(page, shots):
    _new_project(page)
    _type_name(page, "B会话项目")
    year = page.locator("#case-year textarea, #case-year input").first
    year.press_sequentially("2025", delay=40)
    expect(page.locator("#project-bar .pe-saved")).to_be_visible(timeout=20_000)
    assert (
        not page.locator(".toast-body").filter(has_text="minimum").count()
    )  # no English toast on a blank form
    page.reload()
    wait_restored(page)
    expect(page.get_by_role("tab", name="项目录入", exact=True)).to_have_attribute("aria-selected", "true")
    expect(page.locator("#case-name textarea, #case-name input").first).to_have_value("B会话项目")
    expect(page.locator("#case-year textarea, #case-year input").first).to_have_value("2025")
    expect(page.locator("#project-bar")).to_contain_text("B会话项目")
    page.screenshot(path=str(shots / "10-reload-keeps-typing.png"), full_page=True)


def test_a_conflicting_edit_is_reported_not_overwritten(browser, workbench, shots):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000})
    try:
        first = workbench(context)
        _new_project(first)
        _type_name(first, "冲突测试项目")
        second = open_workbench(context, first.url)  # same browser: reopens the same project
        expect(second.locator("#project-bar")).to_contain_text("冲突测试项目")
        open_tab(second, "项目录入")
        _type_name(first, "甲窗口改的名字")
        box = second.locator("#case-name textarea, #case-name input").first
        box.fill("")
        box.press_sequentially("乙窗口", delay=40)
        status = second.locator("#case-status")
        expect(status).to_contain_text("没有覆盖", timeout=20_000)
        expect(second.locator("#case-reload")).to_be_visible()
        expect(second.locator("#project-bar .pe-unsaved")).to_be_visible()
        second.screenshot(path=str(shots / "11-conflict.png"), full_page=True)
        second.locator("#case-reload").click()
        expect(box).to_have_value("甲窗口改的名字")
        first.reload()
        wait_restored(first)
        expect(first.locator("#project-bar")).to_contain_text("甲窗口改的名字")
    finally:
        context.close()


def test_logged_in_users_see_only_their_own_projects_until_shared(browser, auth_server, users, shots):
    zhang_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000})
    li_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000})
    try:
        zhang = login(zhang_ctx, auth_server, "zhang", users["zhang"])
        expect(zhang.locator("#project-bar")).to_contain_text("张会计")
        _new_project(zhang)
        _type_name(zhang, "张会计的项目")
        li = login(li_ctx, auth_server, "li", users["li"])
        open_tab(li, "项目录入")
        li.locator("#case-saved input").click()
        expect(li.get_by_role("option", name=re.compile("张会计的项目"))).to_have_count(0)
        li.keyboard.press("Escape")
        # zhang shares it with li explicitly
        zhang.locator("#case-more").click()
        zhang.locator("#case-share-user textarea, #case-share-user input").first.fill("li")
        zhang.locator("#case-share").click()
        expect(zhang.locator("#case-share-info")).to_contain_text("li")
        li.reload()
        wait_restored(li)
        open_tab(li, "项目录入")
        li.locator("#case-saved input").click()
        option = li.get_by_role("option", name=re.compile("张会计的项目"))
        expect(option).to_have_count(1)
        expect(option).to_contain_text("张会计共享")
        li.screenshot(path=str(shots / "12-shared-with-li.png"), full_page=True)
    finally:
        zhang_ctx.close()
        li_ctx.close()


def test_a_redraft_is_compared_side_by_side_and_can_be_undone(page, shots, gold_case):
    import_case(page, gold_case)
    _draft(page)
    _choose_section(page, "产出指标分析", "产出指标满分40分")
    editor = page.locator("#draft-editor textarea")
    before = editor.input_value()
    page.locator("#draft-instruction textarea").fill("写得更简洁")
    page.locator("#draft-redraft").click()
    pending = page.locator("#draft-sbs")
    expect(pending).to_be_visible(timeout=60_000)
    expect(pending).to_contain_text("当前稿")
    expect(pending).to_contain_text("新稿（尚未采用）")
    page.screenshot(path=str(shots / "13-redraft-side-by-side.png"), full_page=True)
    page.locator("#draft-accept").click()
    expect(page.locator("#draft-status")).to_contain_text("已采用新稿")
    undo = page.locator("#draft-undo")
    expect(undo).to_be_visible()
    undo.click()
    expect(page.locator("#draft-status")).to_contain_text("已撤销")
    expect(editor).to_have_value(before)
    # 起草全文 over an existing draft asks first
    page.locator("#draft-all").click()
    expect(page.locator("#draft-confirm")).to_be_visible()
    expect(page.locator("#draft-confirm")).to_contain_text("保留在“草稿历史版本”中")
    page.locator("#draft-confirm-no").click()
    expect(page.locator("#draft-status")).to_contain_text("已取消")


def test_a_citation_opens_its_source_passage(page, shots):
    page.locator("#ask-input textarea").fill("预算执行率如何计分？")
    page.locator("#ask-send").click()
    chat = page.locator("#ask-chat")
    citation = chat.locator("details.pe-cite summary").first
    citation.wait_for(timeout=90_000)
    citation.click()
    source = chat.locator("details.pe-cite .pe-source").first
    expect(source).to_be_visible()
    meta = source.locator(".pe-source-meta")
    expect(meta).to_contain_text("文档：《")
    expect(meta).to_contain_text("文件：")
    assert source.locator("mark.pe-quote").count() == 1
    page.screenshot(path=str(shots / "14-citation-source.png"), full_page=True)
    page.reload()  # the conversation is kept
    wait_restored(page)
    expect(page.locator("#ask-chat details.pe-cite").first).to_be_attached()


def test_a_finding_scrolls_to_its_place_and_opens_it_in_the_draft(page, shots, gold_case):
    import_case(page, gold_case)
    _draft(page)
    _choose_section(page, "产出指标分析", "产出指标满分40分")
    editor = page.locator("#draft-editor textarea")
    editor.fill(editor.input_value().replace("96.43%", "96.34%"))
    page.locator("#draft-save").click()
    page.locator("#draft-status").get_by_text("手工输入的数字 96.34%").wait_for()
    open_tab(page, "审核")
    page.locator("#review-run").click()
    page.locator("#review-summary").get_by_text("处错误").wait_for(timeout=60_000)
    row = page.locator("#review-findings [data-testid^='cell-']:visible", has_text="96.34%").first
    row.click()
    mark = page.locator("#review-text mark.pe-error", has_text="96.34%").first
    expect(mark).to_have_class(re.compile("pe-flash"))
    expect(mark).to_be_in_viewport()
    page.screenshot(path=str(shots / "15-finding-scrolled.png"))
    page.locator("#review-jump").click()
    expect(page.get_by_role("tab", name="起草", exact=True)).to_have_attribute("aria-selected", "true")
    expect(editor).to_have_value(re.compile("96.34%"))
    selected = page.evaluate(
        "() => { const t = document.querySelector('#draft-editor textarea');"
        " return t.value.slice(t.selectionStart, t.selectionEnd); }"
    )
    assert selected == "96.34%"
    page.screenshot(path=str(shots / "16-finding-in-draft.png"))


def test_phone_layout_of_ask_and_review(browser, workbench, shots, gold_case):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        phone = workbench(context)
        ask_box = phone.locator("#ask-input textarea")
        expect(ask_box).to_be_visible()
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 400  # no sideways scrolling
        phone.screenshot(path=str(shots / "17-phone-ask.png"), full_page=True)
        import_case(phone, gold_case)
        open_tab(phone, "审核")
        expect(phone.locator("#review-run")).to_be_visible()
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 400
        phone.screenshot(path=str(shots / "18-phone-review.png"), full_page=True)
        open_tab(phone, "评分")  # the two charts one under the other, the detail table scrolls in its box
        first, second = (phone.locator(f"#score-chart{n}-box .pe-chart") for n in (1, 2))
        expect(second).to_be_visible()
        assert second.bounding_box()["y"] >= first.bounding_box()["y"] + first.bounding_box()["height"]
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 400
        phone.screenshot(path=str(shots / "19-phone-score.png"), full_page=True)
    finally:
        context.close()


def test_typing_slower_than_the_autosave_never_shows_saved_before_the_last_key(page):
    """Keys come a little slower than the autosave delay, so saves leave mid-word and their answers arrive
    after the next key: such an answer must not say 已保存 while later keys are unsaved. What is saved is
    read by a second window (a reload would be held up by the unsaved-changes prompt)."""
    _new_project(page)
    box = page.locator("#case-name textarea, #case-name input").first
    box.fill("")
    box.press_sequentially("慢慢输入的项目名称", delay=AUTOSAVE_DELAY_MS + 150)
    expect(page.locator("#project-bar .pe-saved")).to_contain_text("已保存", timeout=20_000)
    other = open_workbench(page.context, page.url)  # the same browser: reopens the same project
    open_tab(other, "项目录入")
    expect(other.locator("#case-name textarea, #case-name input").first).to_have_value("慢慢输入的项目名称")


def test_typed_pasted_and_composed_text_is_kept_when_a_new_projects_answer_comes_late(page):
    """新建项目 is clicked and its answer (a blank form) is held back while the clerk works in the form: a
    field only focused takes the new project's value; text typed after focusing, pasted text and IME
    composition input are all kept, saved in the new project and there after a reload."""
    _new_project(page)
    _type_name(page, "旧项目")
    held = []
    page.route("**/gradio_api/queue/join*", lambda route: held.append(route))
    with page.expect_request("**/gradio_api/queue/join*"):
        page.locator("#case-new").click()
    # While the answer is on its way the fields are covered by its progress veil: the clerk moves the cursor
    # from field to field with the keyboard (focus) and types.
    page.get_by_label("项目名称").focus()  # focused, nothing typed
    page.get_by_label("主管部门").focus()
    page.keyboard.type("县财政局")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("navigator.clipboard.writeText('城关镇人民政府')")
    page.get_by_label("实施单位").focus()
    page.keyboard.press("Control+V")
    page.get_by_label("评价机构").focus()
    ime = page.context.new_cdp_session(page)  # an input method: pinyin first, then the chosen characters
    ime.send("Input.imeSetComposition", {"text": "pingjia", "selectionStart": 7, "selectionEnd": 7})
    ime.send("Input.imeSetComposition", {"text": "评价", "selectionStart": 2, "selectionEnd": 2})
    ime.send("Input.insertText", {"text": "评价中心"})
    assert held  # the answer is still on its way while all this was typed
    for route in held:
        route.continue_()
    page.unroute("**/gradio_api/queue/join*")
    page.locator("#case-status").get_by_text("已新建项目").wait_for()
    expect(page.get_by_label("项目名称")).not_to_have_value("旧项目")
    kept = {"主管部门": "县财政局", "实施单位": "城关镇人民政府", "评价机构": "评价中心"}
    for label, text in kept.items():
        expect(page.get_by_label(label)).to_have_value(text)
    expect(page.locator("#project-bar .pe-saved")).to_contain_text("已保存")
    page.reload()
    wait_restored(page)
    open_tab(page, "项目录入")
    for label, text in kept.items():
        expect(page.get_by_label(label)).to_have_value(text)
    expect(page.get_by_label("项目名称")).not_to_have_value("旧项目")


def test_keys_typed_just_before_new_project_stay_with_the_project_they_were_typed_into(page, data_dir):
    """新建项目 clicked before the autosave's pause is over: the last keys are saved to the project they were
    typed into, not read from the next project's blank form (and not lost)."""
    import sqlite3

    _new_project(page)
    _type_name(page, "切换前项目")
    box = page.locator("#case-name textarea, #case-name input").first
    box.press_sequentially("补充", delay=20)
    page.locator("#case-new").click()  # well within the autosave delay
    page.locator("#case-status").get_by_text("已新建项目").wait_for()
    with sqlite3.connect(data_dir / "workbench.db") as db:
        names = [row[0] for row in db.execute("select name from projects where deleted_at is null")]
    assert "切换前项目补充" in names and "切换前项目" not in names


def _project_names(data_dir) -> list[str]:
    import sqlite3

    with sqlite3.connect(data_dir / "workbench.db") as db:
        return [row[0] for row in db.execute("select name from projects where deleted_at is null")]


def test_keys_typed_just_before_the_sample_or_an_import_stay_with_their_project(page, data_dir, gold_case):
    """试用示例项目 and 导入为新项目 clicked before the autosave's pause is over: the last keys are saved to the
    project they were typed into first."""
    _new_project(page)
    _type_name(page, "示例前项目")
    box = page.locator("#case-name textarea, #case-name input").first
    box.press_sequentially("补", delay=20)
    page.locator("#case-sample").click()  # well within the autosave delay
    page.locator("#case-status").get_by_text("已打开示例项目").wait_for()
    assert "示例前项目补" in _project_names(data_dir)
    sample = box.input_value()
    page.locator("#case-upload input[type=file]").set_input_files(str(gold_case))
    expect(page.locator("#case-import-new")).to_be_visible()  # a project is open: new or replace?
    box.click()
    box.press("End")
    box.press_sequentially("乙", delay=20)
    page.locator("#case-import-new").click()
    page.locator("#case-status").get_by_text(f"已导入：{gold_case.name}").wait_for()
    names = _project_names(data_dir)
    assert f"{sample}乙" in names and "示例前项目补" in names


def test_opening_a_project_shows_progress_on_the_status_line_not_over_the_form(page):
    """While 新建项目's answer is on its way, the status line above the form shows it; no progress veil covers
    the form's fields (the page must not look frozen, and the fields stay usable)."""
    open_tab(page, "项目录入")
    page.evaluate(
        """() => {
      window.peVeils = new Set();
      const watch = () => document.querySelectorAll('#case-status, #case-form').forEach((root) => {
        root.querySelectorAll('[data-testid=status-tracker]').forEach((t) => {
          if (t.matches('.full:not(.hide)')) window.peVeils.add(root.id === 'case-status' ? 'status' : 'form');
        });
      });
      new MutationObserver(watch).observe(document.body, {subtree: true, attributes: true, childList: true});
    }"""
    )
    page.locator("#case-new").click()
    page.locator("#case-status").get_by_text("已新建项目").wait_for()
    assert page.evaluate("[...window.peVeils].sort()") == ["status"]


def test_a_finding_in_an_uploaded_form_marks_the_cell_it_blames(page, tmp_path):
    """A received Word form whose 亮灯率 row claims full marks for 91% against ≥98%: clicking the finding
    scrolls to a mark on that row's 得分 cell (whatever row the finding's quoted text names)."""
    from ui_support import lighting_form_docx

    path = lighting_form_docx(tmp_path)
    open_tab(page, "审核")
    page.locator("#review-upload input[type=file]").set_input_files(str(path))
    page.locator("#review-run").click()
    page.locator("#review-summary").get_by_text("处错误").wait_for(timeout=60_000)
    page.locator("#review-findings [data-testid^='cell-']:visible", has_text="亮灯率").first.click()
    flashed = page.wait_for_function("() => document.querySelector('#review-text mark.pe-flash')?.id")
    mark = page.locator(f"#{flashed.json_value()}")
    expect(mark).to_be_in_viewport()
    row = mark.locator("xpath=..").inner_text()
    assert row.startswith("产出指标 ｜ 质量指标 ｜ 亮灯率 ｜ ≥98% ｜ 91% ｜ 20 ｜ 20[")
    assert mark.inner_text().startswith("20[")

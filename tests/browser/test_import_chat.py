"""A received form imported in 项目录入 (one chosen from a file holding several), then asked about in 问答:
the answer comes from the scorer for the open project and both survive a reload."""

from __future__ import annotations

import re

import pytest
from pages import draft, import_case, open_tab, wait_restored
from playwright.sync_api import expect
from ui_support import two_form_appendix

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)  # every step waits on the server; a loaded CI machine answers slowly


def test_a_form_chosen_from_a_received_document_is_imported_and_asked_about(page, shots, tmp_path):
    path = two_form_appendix(tmp_path)
    open_tab(page, "项目录入")
    page.locator("#case-upload input[type=file]").set_input_files(str(path))
    choice = page.locator("#case-import-choice")
    expect(choice).to_be_visible(timeout=60_000)
    expect(choice).to_contain_text("含 2 张自评表")
    forms = page.locator("#case-import-form label")
    expect(forms).to_have_count(2)
    expect(forms.nth(0)).to_contain_text("第1张：农村客运站点维护（4 个指标）")
    expect(page.locator("#case-import-over")).to_be_hidden()  # no project is open to replace
    forms.nth(1).click()
    page.screenshot(path=str(shots / "20-import-choose-form.png"), full_page=True)
    page.locator("#case-import-new").click()
    expect(page.locator("#case-status")).to_contain_text(f"已导入：{path.name} 第2张")
    expect(choice).to_be_hidden()
    name = page.locator("#case-name textarea, #case-name input").first
    expect(name).to_have_value("渡口安全设施更新")
    expect(page.locator("#project-bar")).to_contain_text("渡口安全设施更新")

    open_tab(page, "问答")
    page.locator("#ask-input textarea").fill("本项目总分多少？")
    page.locator("#ask-send").click()
    reply = page.locator("#ask-chat").get_by_text("以下数字均由评分引擎计算")
    expect(reply).to_be_visible(timeout=90_000)
    expect(page.locator("#ask-chat")).to_contain_text("渡口安全设施更新")
    expect(page.locator("#ask-chat")).to_contain_text("总分 100")
    page.screenshot(path=str(shots / "21-ask-about-project.png"), full_page=True)

    page.reload()
    wait_restored(page)
    expect(page.locator("#project-bar")).to_contain_text("渡口安全设施更新")
    expect(page.locator("#ask-chat")).to_contain_text("总分 100")
    open_tab(page, "项目录入")
    page.locator("#case-saved input").click()
    expect(page.get_by_role("option", name=re.compile("渡口安全设施更新"))).not_to_have_count(0)
    expect(page.get_by_role("option", name=re.compile("农村客运站点维护"))).to_have_count(0)


def test_a_missing_fact_of_the_draft_leads_to_its_field_and_what_is_typed_there_at_once_is_kept(
    page, shots, gold_case
):
    import_case(page, gold_case)
    draft(page)
    missing = page.locator("#draft-missing")
    expect(missing).to_contain_text("评价工作过程：在“项目录入 → 叙述信息 → 评价工作过程”填写")
    page.screenshot(path=str(shots / "22-draft-missing-facts.png"), full_page=True)
    page.locator("#draft-fill").click()
    expect(page.get_by_role("tab", name="项目录入", exact=True)).to_have_attribute("aria-selected", "true")
    focused = page.locator("#case-narrative textarea:focus")
    expect(focused).to_have_count(1)  # the first empty field has the cursor
    field = focused.evaluate("e => e.closest('[id^=case-narrative-]').id")
    # The clerk types at once, while the tab's own refresh may still be on its way: no key may be lost.
    typed = "为解决公共区域上网难的问题，设立本项目。"
    page.keyboard.type(typed, delay=20)
    expect(page.locator("#project-bar .pe-saved")).to_be_visible()
    page.reload()
    wait_restored(page)
    expect(page.get_by_role("tab", name="项目录入", exact=True)).to_have_attribute("aria-selected", "true")
    page.locator("#case-narrative").get_by_text("叙述信息").click()
    expect(page.locator(f"#{field} textarea")).to_have_value(typed)

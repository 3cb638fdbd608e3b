"""Steps a clerk takes in the workbench, shared by the browser tests."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def open_workbench(context, url: str):
    """A new page on the workbench, returned once the app has rendered and restored where this browser
    left off (the project bar is filled by that step)."""
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(url)
    wait_restored(pg)
    return pg


def wait_restored(pg) -> None:
    pg.get_by_role("tab", name="问答").wait_for()
    pg.locator("#project-bar .pe-bar").wait_for()


def login(context, url: str, username: str, password: str):
    """A page of the workbench with this user logged in."""
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(url)
    pg.get_by_label("用户名").fill(username)
    pg.get_by_label("密码").fill(password)
    pg.get_by_role("button", name="登录").click()
    wait_restored(pg)
    return pg


def open_tab(page, name: str) -> None:
    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def import_case(page, path) -> None:
    open_tab(page, "项目录入")
    page.locator("#case-upload input[type=file]").set_input_files(str(path))
    page.locator("#case-status").get_by_text(f"已导入：{path.name}").wait_for()


def draft(page) -> None:
    open_tab(page, "起草")
    page.locator("#draft-all").click()
    page.locator("#draft-status").get_by_text("已起草").wait_for(timeout=120_000)


def choose_section(page, title: str, opening: str) -> None:
    """Pick a section and wait until the editor holds its text (`opening` is how that text begins): the
    editor already shows another section's text, so "not empty" would not prove the switch happened."""
    dropdown = page.locator("#draft-section input")
    dropdown.click()
    page.get_by_role("option", name=re.compile(title)).first.click()
    expect(dropdown).to_have_value(re.compile(title))
    expect(page.locator("#draft-editor textarea")).to_have_value(re.compile("^" + re.escape(opening)))

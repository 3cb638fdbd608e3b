"""What every tab shares (页面框架): the session, this browser's id, and the bar above the tabs that names
the open project and says truthfully whether and when its last edit was saved."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime

import gradio as gr

from assistant.db import UserInfo
from assistant.workspace import KIND_NAMES

from .session import Session

CANCELLED = "__cancelled__"
"""First input value of an event whose confirmation dialog was answered 取消."""


def confirm_js(question: str) -> str:
    """Client-side confirmation before an event: on 取消 the first input arrives as CANCELLED."""
    return f"(...a) => confirm({json.dumps(question, ensure_ascii=False)}) ? a : [{json.dumps(CANCELLED)}, ...a.slice(1)]"


def saved_text(when: datetime) -> str:
    today = datetime.now().date()
    return f"{when:%H:%M:%S}" if when.date() == today else f"{when:%m-%d %H:%M}"


def bar_html(session: Session, user: UserInfo | None, login: bool, saved_edit: str | None = None) -> str:
    """The project bar: open project, its kind, saved state with time and author, and who is logged in.

    `saved_edit` is the page's edit counter that an autosave carried: the page keeps saying 正在保存 while its
    counter is ahead of the one saved (keys typed while that save was on its way)."""
    who = (
        f'<span class="pe-user">{html.escape(user.label)}（{"管理员" if user.is_admin else "用户"}）· <a href="/logout">退出登录</a></span>'
        if login and user
        else ""
    )
    record = session.current
    if record is None:
        return (
            f'<div class="pe-bar"><span class="pe-project pe-none">尚未打开项目</span>'
            f'<span class="pe-hint">在“项目录入”页新建、导入或打开一个项目，或点“试用示例项目”。</span>{who}</div>'
        )
    if session.unsaved_case is not None:
        state = '<span class="pe-save pe-unsaved">⚠ 最近的修改未保存（与他人修改冲突，见“项目录入”页）</span>'
    else:
        by = f"，{html.escape(record.updated_by)}" if record.updated_by and login else ""
        seq = f' data-pe-seq="{int(saved_edit)}"' if str(saved_edit or "").isdigit() else ""
        state = f'<span class="pe-save pe-saved"{seq}>✔ 已保存 {saved_text(record.updated_at)}{by}</span>'
    kind = KIND_NAMES.get(record.kind, "")
    return (
        f'<div class="pe-bar"><span class="pe-project">当前项目：<b>{html.escape(record.name)}</b>'
        f'<span class="pe-kind">{kind}</span></span>{state}{who}</div>'
    )


@dataclass
class Shell:
    """Components every tab wires to."""

    session: gr.State
    bar_component: gr.HTML
    login: bool

    def bar(self, session: Session, user: UserInfo | None, saved_edit: str | None = None) -> str:
        return bar_html(session, user, self.login, saved_edit)

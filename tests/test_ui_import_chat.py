"""Received forms imported as projects (one form chosen from several, or all of them), and the 问答 chat on
the open project: questions about its score answered from the scorer, 检查 on its draft."""

from __future__ import annotations

import pytest
from ui_support import drafted_session, gold_session, make_services, two_form_appendix

from assistant.errors import InputError
from assistant.workspace import form_label
from ui import case_form
from ui.services import Services
from ui.session import Session
from ui.tab_ask import ask
from ui.tab_case import edit


@pytest.fixture
def services(tmp_path):
    return make_services(tmp_path)


def test_every_form_of_a_received_document_is_listed_for_choosing(services, tmp_path):
    forms = services.workspace.read_forms(two_form_appendix(tmp_path))
    assert [form_label(d, n) for n, d in enumerate(forms, start=1)] == [
        "第1张：农村客运站点维护（4 个指标）",
        "第2张：渡口安全设施更新（3 个指标）",
    ]


def test_a_document_with_several_forms_needs_a_choice(services, tmp_path):
    path = two_form_appendix(tmp_path)
    user = services.user(None)
    with pytest.raises(InputError, match="含 2 张自评表.*渡口安全设施更新"):
        services.workspace.import_file(user, path)
    with pytest.raises(InputError, match="没有第 3 张"):
        services.workspace.import_file(user, path, form=3)
    assert services.store.list_projects(user) == []  # nothing half-imported


def test_the_chosen_form_becomes_a_project_that_scores_and_edits(services, tmp_path):
    path = two_form_appendix(tmp_path)
    user = services.user(None)
    record = services.workspace.import_file(user, path, form=2)
    assert record.name == "渡口安全设施更新" and record.problems == []
    assert record.case["origin"]["form_index"] == 2
    reasons = [v.reason for v in services.store.case_versions(user, record.id)]
    assert reasons[0] == f"导入 {path.name} 第2张表"
    sess = Session().with_project(record)
    values = case_form.form_values(sess.case)
    assert values[case_form.FORM_ORDER.index("project.name")] == "渡口安全设施更新"
    values[case_form.FORM_ORDER.index("project.name")] = "渡口安全设施更新（复核）"
    sess, problems, warning = edit(services, user, sess, values)
    assert warning == "" and problems == []
    saved = services.store.load_project(user, record.id)
    assert saved.name == "渡口安全设施更新（复核）"
    assert saved.case["origin"]["file"] == path.name  # where the figures came from is kept


def test_a_received_form_over_an_open_project_keeps_the_old_data(services, tmp_path):
    path = two_form_appendix(tmp_path)
    user = services.user(None)
    sess = gold_session(services)
    forms = services.workspace.read_forms(path)
    record = services.workspace.import_data(user, forms[0], path.name, into=sess.current)
    assert record.id == sess.current.id and record.name == "农村客运站点维护"
    old = services.store.case_versions(user, record.id)[1]
    assert services.workspace.restore_case(user, record, old.id).name == "信息技术发展资金"


def test_an_unreadable_document_is_named_in_the_message(services, tmp_path):
    path = tmp_path / "空白.html"
    path.write_text("<html><body><p>本页没有表格</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="空白.html"):
        services.workspace.read_forms(path)


def _offline(monkeypatch):
    monkeypatch.setattr(Services, "llm", lambda self: None)


def test_chat_answers_about_the_open_project_from_the_scorer(services, monkeypatch):
    _offline(monkeypatch)
    sess = gold_session(services)
    history = list(ask("本项目总分多少？", [], services, sess.case, sess.report()))[-1][0]
    reply = history[-1]["content"]
    assert "信息技术发展资金" in reply and "98.57" in reply
    # without a project the same question cannot be about a project (no index here either)
    alone = list(ask("本项目总分多少？", [], services))[-1][0][-1]["content"]
    assert "98.57" not in alone


def test_chat_checks_the_open_projects_draft(services, monkeypatch):
    _offline(monkeypatch)
    sess = drafted_session(services)
    reply = list(ask("检查一下报告", [], services, sess.case, sess.report()))[-1][0][-1]["content"]
    assert reply.startswith("审核：") and "出错" not in reply
    assert "已核实" in reply and "“审核”页" in reply
    assert "pe-assistant" not in reply


def test_chat_drafting_says_the_draft_tab_is_unchanged(services, monkeypatch):
    _offline(monkeypatch)
    sess = gold_session(services)
    reply = list(ask("起草问题部分", [], services, sess.case, None))[-1][0][-1]["content"]
    assert "没有改动“起草”页的草稿" in reply
    assert services.store.load_project(services.user(None), sess.current.id).draft is None


def test_chat_without_a_project_asks_for_one_before_drafting(services, monkeypatch):
    _offline(monkeypatch)
    monkeypatch.setattr("ui.knowledge.is_built", lambda settings: True)
    monkeypatch.setattr(Services, "retriever", lambda self: object())
    reply = list(ask("起草问题部分", [], services))[-1][0][-1]["content"]
    assert "项目录入" in reply and "pe-assistant" not in reply

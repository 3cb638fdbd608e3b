"""The workbench database: projects with a version check, kept versions, sharing, users, chats, settings,
migration of old saved cases. Runs on SQLite; also on PostgreSQL when PE_ASSISTANT_TEST_DATABASE_URL names
an empty database (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/pe_test)."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from assistant.db import open_store
from assistant.db import store as store_module
from assistant.db.engine import make_engine
from assistant.db.legacy import import_legacy_cases
from assistant.db.migrate import upgrade
from assistant.db.passwords import hash_password, verify_password
from assistant.db.schema import Base
from assistant.db.store import Store
from assistant.errors import ConflictError, InputError, PermissionDenied
from assistant.settings import Settings

PG_URL = os.environ.get("PE_ASSISTANT_TEST_DATABASE_URL")
CASE = {"kind": "self_evaluation", "project": {"name": "乡村公路养护"}, "indicators": []}


def _fresh(url: str) -> Store:
    engine = make_engine(url)
    if engine.dialect.name != "sqlite":  # a shared server: start from an empty schema
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(engine)
    store = Store(engine)
    store.ensure_local_user()
    return store


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Store:
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("PE_ASSISTANT_TEST_DATABASE_URL 未设置（PostgreSQL 测试库）")
        return _fresh(PG_URL)
    return _fresh(f"sqlite:///{tmp_path / 'wb.db'}")


def test_save_with_stale_revision_is_refused_and_nothing_is_overwritten(store):
    me = store.user(None)
    p = store.create_project(me, CASE, "乡村公路养护")
    first = store.save_case(me, p.id, p.revision, {**CASE, "project": {"name": "甲"}}, "甲", [])
    with pytest.raises(ConflictError, match="另一个窗口"):
        store.save_case(me, p.id, p.revision, {**CASE, "project": {"name": "乙"}}, "乙", [])
    now = store.load_project(me, p.id)
    assert now.name == "甲" and now.revision == first.revision == p.revision + 1


def test_decimals_and_chinese_round_trip_exactly(store):
    me = store.user(None)
    case = {**CASE, "budget": {"annual": Decimal("123.45"), "executed": Decimal("0.1000000000000000055511")}}
    p = store.create_project(me, case, "金额")
    again = store.load_project(me, p.id).case
    assert Decimal(str(again["budget"]["annual"])) == Decimal("123.45")
    assert Decimal(str(again["budget"]["executed"])) == Decimal("0.1000000000000000055511")


def test_versions_kept_before_a_replacement_and_while_typing(store, monkeypatch):
    me = store.user(None)
    p = store.create_project(me, CASE, "原名")
    p = store.save_case(me, p.id, p.revision, CASE, "原名二", [])
    assert [v.reason for v in store.case_versions(me, p.id)] == ["新建"]  # within the checkpoint interval
    later = datetime.now() + timedelta(minutes=6)
    monkeypatch.setattr(store_module, "_now", lambda: later)
    p = store.save_case(me, p.id, p.revision, CASE, "原名三", [])
    assert store.case_versions(me, p.id)[0].reason == "编辑中自动保留"
    p = store.replace_case(me, p.id, p.revision, {**CASE, "kind": "evaluation"}, "导入的", [], "导入")
    reasons = [v.reason for v in store.case_versions(me, p.id)]
    assert reasons[:2] == ["导入", "导入之前"]
    old = store.case_versions(me, p.id)[1]
    info, data = store.case_version(me, p.id, old.id)
    assert data["kind"] == "self_evaluation" and info.name == "原名三"


def test_draft_versions_keep_every_state(store):
    me = store.user(None)
    p = store.create_project(me, CASE, "草稿")
    p = store.save_draft(me, p.id, p.revision, {"title": "一稿"}, "report", [], "起草全文")
    p = store.save_draft(me, p.id, p.revision, {"title": "二稿"}, "report", ["s1"], "采用新稿")
    versions = store.draft_versions(me, p.id)
    assert [v.reason for v in versions] == ["采用新稿", "起草全文"]
    _, report, _ = store.draft_version(me, p.id, versions[1].id)
    assert report == {"title": "一稿"}
    assert [r["title"] for _, r in store.draft_reports(me, p.id)] == ["一稿", "二稿"]


def test_users_see_only_their_own_projects_until_shared(store):
    alice = store.add_user("alice", "secret1")
    bob = store.add_user("bob", "secret2")
    carol = store.add_user("carol", "secret3")
    a = store.create_project(alice, CASE, "甲的项目")
    assert [s.name for s in store.list_projects(alice)] == ["甲的项目"]
    assert store.list_projects(bob) == []
    with pytest.raises(PermissionDenied):
        store.load_project(bob, a.id)
    with pytest.raises(PermissionDenied):
        store.share(bob, a.id, team=True)
    store.share(alice, a.id, with_user="bob")
    assert [s.name for s in store.list_projects(bob)] == ["甲的项目"]
    assert store.list_projects(carol) == []
    with pytest.raises(PermissionDenied, match="创建者"):
        store.share(bob, a.id, team=True)  # a shared user edits but does not re-share
    store.share(alice, a.id, team=True)
    assert store.list_projects(carol)[0].shared
    store.share(alice, a.id, team=False)
    store.unshare(alice, a.id, "bob")
    assert store.list_projects(bob) == []


def test_an_edit_by_another_user_is_reported_with_their_name(store):
    alice = store.add_user("alice", "secret1", display_name="张会计")
    bob = store.add_user("bob", "secret2")
    p = store.create_project(alice, CASE, "共用")
    store.share(alice, p.id, with_user="bob")
    store.save_case(alice, p.id, p.revision, CASE, "张改的名", [])
    with pytest.raises(ConflictError, match="被张会计修改"):
        store.save_case(bob, p.id, p.revision, CASE, "李改的名", [])


def test_login_and_admin_rules(store):
    store.ensure_admin("admin", "adminpw")
    assert store.verify("admin", "adminpw") and not store.verify("admin", "nope")
    assert not store.verify("local", "")  # the built-in user never logs in
    store.add_user("clerk", "clerkpw")
    with pytest.raises(InputError, match="已存在"):
        store.add_user("clerk", "another")
    with pytest.raises(InputError, match="至少 6 位"):
        store.add_user("short", "123")
    store.update_user("clerk", active=False)
    assert not store.verify("clerk", "clerkpw")
    with pytest.raises(InputError, match="至少要保留一名"):
        store.update_user("admin", role="user")
    store.ensure_admin("admin", "changed")  # a new start-up password replaces the old one
    assert store.verify("admin", "changed")


def test_chat_history_belongs_to_its_user(store):
    alice = store.add_user("alice", "secret1")
    bob = store.add_user("bob", "secret2")
    from assistant.db import ChatTurn

    cid = store.new_conversation(alice)
    store.add_messages(
        alice, cid, [ChatTurn(role="user", content="问"), ChatTurn(role="assistant", content="答")]
    )
    assert [t.content for t in store.messages(alice, cid)] == ["问", "答"]
    with pytest.raises(PermissionDenied):
        store.messages(bob, cid)


def test_settings_and_user_state(store):
    me = store.user(None)
    store.set_setting("llm", {"model": "qwen"})
    assert store.setting("llm") == {"model": "qwen"} and store.setting("none", 3) == 3
    store.set_user_state(me, "browser-a", project_id="x", tab="draft")
    store.set_user_state(me, "browser-a", tab="score")
    assert store.user_state(me, "browser-a") == {"project_id": "x", "tab": "score"}
    assert store.user_state(me, "browser-b") == {}
    assert store.user_state(me, "browser-b", fallback=True)["project_id"] == "x"


def test_old_saved_cases_move_in_once(tmp_path):
    cases = tmp_path / "data" / "cases"
    cases.mkdir(parents=True)
    old = {
        "id": "20261123-093000-a1b2c3",
        "name": "旧项目",
        "updated_at": "2026-11-23T09:30:00",
        "case": CASE,
        "draft": {"title": "旧稿"},
        "draft_kind": "report",
        "edited_sections": ["summary"],
        "problems": [],
    }
    (cases / "20261123-093000-a1b2c3.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    (cases / "20261123-093001-bbbbbb.json").write_text("{broken", encoding="utf-8")
    store = open_store(Settings(data_dir=tmp_path / "data"))
    me = store.user(None)
    [summary] = store.list_projects(me)
    assert summary.name == "旧项目" and summary.has_draft
    record = store.load_project(me, "20261123-093000-a1b2c3")
    assert record.edited_sections == ["summary"] and record.draft == {"title": "旧稿"}
    assert import_legacy_cases(store, cases, me) == []  # not twice
    colleague = store.add_user("colleague", "secret1")  # everybody saw them before: still the whole team's
    assert [s.name for s in store.list_projects(colleague)] == ["旧项目"]


def test_password_hash_is_salted_and_verifiable():
    a, b = hash_password("口令123"), hash_password("口令123")
    assert a != b and verify_password("口令123", a) and not verify_password("口令124", a)
    assert not verify_password("x", "") and not verify_password("x", "md5$abc")


def test_a_bad_database_url_is_a_chinese_message(tmp_path):
    from assistant.errors import ConfigError

    with pytest.raises(ConfigError, match="数据库地址格式不正确"):
        make_engine("not a url")

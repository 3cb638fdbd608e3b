"""Saved cases: atomic JSON files under cases_dir, listed newest first, bad files skipped, bad ids refused."""

from __future__ import annotations

import time

import pytest

from assistant.errors import InputError
from ui.case_store import CaseStore, StoredCase, new_case_id
from ui.session import Session, autosave, open_case

CASE = {"kind": "evaluation", "project": {"name": "数字泉城"}, "indicators": []}


def test_save_load_round_trip_and_no_temp_files(tmp_path):
    store = CaseStore(tmp_path)
    sess = open_case(CASE, "数字泉城", store, ["第1行：缺少分值"])
    loaded = store.load(sess.current.id)
    assert loaded.case == CASE
    assert loaded.problems == ["第1行：缺少分值"]
    assert [p.name for p in tmp_path.iterdir()] == [f"{sess.current.id}.json"]


def test_list_is_newest_first_and_reports_drafts(tmp_path):
    store = CaseStore(tmp_path)
    first = open_case(CASE, "甲项目", store)
    time.sleep(0.01)
    second = open_case(CASE, "乙项目", store)
    autosave(first, store, draft={"kind": "report", "title": "甲"})
    rows = store.list()
    assert [r.name for r in rows] == ["甲项目", "乙项目"]
    assert rows[0].has_draft and not rows[1].has_draft
    assert second.current.id != first.current.id


def test_corrupt_file_is_skipped_in_list_and_reported_on_load(tmp_path):
    store = CaseStore(tmp_path)
    good = open_case(CASE, "好项目", store)
    bad_id = new_case_id()
    (tmp_path / f"{bad_id}.json").write_text("{not json", encoding="utf-8")
    assert [r.id for r in store.list()] == [good.current.id]
    with pytest.raises(InputError, match="损坏"):
        store.load(bad_id)


@pytest.mark.parametrize("case_id", ["../etc/passwd", "abc", "", "20261123-093000-zzzzzz"])
def test_ids_that_could_escape_the_folder_are_refused(tmp_path, case_id):
    with pytest.raises(InputError):
        CaseStore(tmp_path).load(case_id)


def test_extra_keys_in_a_stored_case_are_refused():
    with pytest.raises(ValueError):
        StoredCase(id=new_case_id(), name="x", updated_at="2026-01-01T00:00:00", case={}, colour="red")


def test_autosave_without_open_case_changes_nothing(tmp_path):
    store = CaseStore(tmp_path)
    assert autosave(Session(), store, name="x") == Session()
    assert store.list() == []

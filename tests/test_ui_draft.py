"""起草 tab: whole drafts saved with the case, hand edits keep numbers linked or mark them, redraft by part."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.errors import AssistantError
from assistant.report import Report
from ui import section_edit
from ui.case_store import CaseStore
from ui.services import Services
from ui.session import Session, open_case
from ui.tab_draft import (
    edited_summary,
    load_report,
    make_draft,
    part_of,
    redraft,
    run_with_ticker,
    save_section_edit,
    section_choices,
    view,
)

GOLD = Path(__file__).resolve().parents[1] / "evals" / "cases" / "se10_itdf_laiwu_free_wifi.yaml"


@pytest.fixture
def services() -> Services:
    from assistant.settings import get_settings

    return Services(get_settings())


@pytest.fixture
def drafted(services) -> Session:
    from ui.session import autosave

    sess = open_case(yaml.safe_load(GOLD.read_text(encoding="utf-8")), "信息技术发展资金", services.store)
    report = make_draft(sess, "report", services)
    return autosave(sess, services.store, draft=report.model_dump(mode="json"), draft_kind="report")


def _analysis_section(report: Report):
    return next(s for s in report.sections if "产出" in s.title and s.id.startswith("analysis"))


def test_draft_is_saved_with_the_case(drafted, services):
    saved = services.store.load(drafted.current.id)
    report = Report.model_validate(saved.draft)
    assert report.kind == "report" and len(report.sections) > 5
    assert any("98.57" in v for v in report.values.values())


def test_unchanged_numbers_stay_linked_and_a_typed_number_is_marked(drafted, services):
    report = load_report(drafted)
    sec = _analysis_section(report)
    text = section_edit.section_text(sec, report.values)
    assert "96.43%" in text
    # A sentence added by hand around existing numbers keeps them linked; no hand-typed numbers.
    sess, typed = save_section_edit(drafted, sec.id, text + "\n\n经复核，上述得分无误。", services)
    assert typed == []
    new = load_report(sess).section(sec.id)
    assert new.source == "edited" and section_edit.hand_typed_numbers(new) == []
    assert "96.43%" in {report.values[k] for k in new.refs()}
    # Changing a rate to one the scorer never produced marks it.
    sess, typed = save_section_edit(sess, sec.id, text.replace("96.43%", "96.34%"), services)
    assert typed == ["96.34%"]
    new = load_report(sess).section(sec.id)
    assert section_edit.hand_typed_numbers(new) == ["96.34%"]
    assert "96.34%" in edited_summary(load_report(sess))
    assert sec.id in services.store.load(sess.current.id).edited_sections
    assert any("已修改" in label for label, _ in section_choices(load_report(sess)))


def test_saving_the_text_unchanged_is_not_an_edit(drafted, services):
    report = load_report(drafted)
    sec = _analysis_section(report)
    sess, typed = save_section_edit(drafted, sec.id, section_edit.section_text(sec, report.values), services)
    assert typed == [] and load_report(sess).section(sec.id).source != "edited"


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("得分率为78.57%。", []),
        ("得分率为78.75%。", ["78.75%"]),
        ("共发现三个问题。", ["三"]),
        ("总分98.57分，扣1.43分。", []),
    ],
)
def test_relink_paragraph(text, typed):
    values = {"group[决策].rate": "78.57%", "total": "98.57", "lost": "1.43"}
    para = section_edit.relink_paragraph(text, {v: k for k, v in values.items()})
    assert para.render(values) == text
    from assistant.report import free_numbers

    assert free_numbers(para.template) == typed


def test_redraft_a_part_returns_a_new_report_without_saving(drafted, services):
    report = load_report(drafted)
    sec = next(s for s in report.sections if s.id.startswith("suggestions"))
    new = redraft(drafted, sec.id, "把建议写得更具体", services)
    assert isinstance(new, Report) and [s.id for s in new.sections] == [s.id for s in report.sections]
    assert services.store.load(drafted.current.id).draft == drafted.draft


def test_redraft_a_bare_heading_asks_for_a_subsection(drafted, services):
    heading = next(s for s in load_report(drafted).sections if part_of(s.id) is None)
    with pytest.raises(AssistantError, match="大标题"):
        redraft(drafted, heading.id, "", services)


def test_no_case_no_draft(services):
    with pytest.raises(AssistantError, match="尚未打开项目"):
        make_draft(Session(), "report", services)
    preview, sections, text, info, edits = view(Session())
    assert "尚无草稿" in preview and text == "" and edits == ""


def test_self_evaluation_form_draft(drafted, services):
    report = make_draft(drafted, "self_evaluation", services)
    assert report.kind == "self_evaluation" and report.form is not None


def test_ticker_reports_progress_then_result():
    import time

    steps = list(run_with_ticker(lambda: time.sleep(0.25) or 42, "正在起草", tick=0.05))
    assert steps[-1] == ("", 42)
    assert any(msg.startswith("⏳ 正在起草") for msg, _ in steps[:-1])


def test_ticker_reraises_errors():
    def boom():
        raise AssistantError("模型不可用")

    with pytest.raises(AssistantError, match="模型不可用"):
        list(run_with_ticker(boom, "x", tick=0.01))


def test_store_is_per_settings_data_dir(services, tmp_path):
    assert isinstance(services.store, CaseStore)
    assert services.store.root == services.settings.cases_dir


def test_numbers_in_the_draft_follow_the_scorer_after_a_case_edit(drafted, services):
    from ui.tab_draft import relink_values

    assert relink_values(drafted, services) == (drafted, "")
    case = {**drafted.case, "indicators": [dict(i) for i in drafted.case["indicators"]]}
    case["indicators"][5]["actual"] = "81%"  # 网络AP在线率: 5.57 → 7 × 81/90 = 6.3
    from ui.session import autosave

    sess = autosave(drafted, services.store, case=case)
    sess, note = relink_values(sess, services)
    assert "已按最新评分结果更新" in note
    report = load_report(sess)
    assert "6.3" in report.values.values()
    assert services.store.load(sess.current.id).draft == sess.draft
    broken = autosave(sess, services.store, case={**case, "indicators": []})
    assert "有错误" in relink_values(broken, services)[1]


def test_view_opens_on_the_first_section_with_prose(drafted):
    report = load_report(drafted)
    assert not report.sections[0].paragraphs  # the overview table comes first
    _, sections, text, info, _ = view(drafted)
    first_prose = next(s for s in report.sections if s.paragraphs)
    assert sections["value"] == first_prose.id
    assert text.strip() and "来源" in info

"""起草: whole drafts kept as versions, hand edits keep numbers linked or mark them, redraft by part
compared side by side, undo by restoring, each section's history."""

from __future__ import annotations

import pytest
from ui_support import built_tab, drafted_session, make_services

from assistant.errors import AssistantError
from assistant.report import Report
from assistant.workspace import part_of
from ui import section_edit
from ui.progress import run_with_ticker
from ui.session import Session
from ui.tab_draft import compare_drafts, edited_summary, section_choices, side_by_side, view


@pytest.fixture
def services(tmp_path):
    return make_services(tmp_path)


@pytest.fixture
def drafted(services) -> Session:
    return drafted_session(services)


def save_section_edit(sess: Session, section_id: str, text: str, services):
    """What the tab's 保存修改 does."""
    user = services.user(None)
    report, typed = section_edit.apply_edit(sess.report(), section_id, text)
    edited = sorted({*sess.current.edited_sections, section_id})
    record = services.workspace.save_draft(user, sess.current, report, "手工修改", edited)
    return sess.with_project(record), typed


def _analysis_section(report: Report):
    return next(s for s in report.sections if "产出" in s.title and s.id.startswith("analysis"))


def test_draft_is_saved_with_the_case(drafted, services):
    saved = services.store.load_project(services.user(None), drafted.current.id)
    report = Report.model_validate(saved.draft)
    assert report.kind == "report" and len(report.sections) > 5
    assert any("98.57" in v for v in report.values.values())


def test_unchanged_numbers_stay_linked_and_a_typed_number_is_marked(drafted, services):
    report = drafted.report()
    sec = _analysis_section(report)
    text = section_edit.section_text(sec, report.values)
    assert "96.43%" in text
    # A sentence added by hand around existing numbers keeps them linked; no hand-typed numbers.
    sess, typed = save_section_edit(drafted, sec.id, text + "\n\n经复核，上述得分无误。", services)
    assert typed == []
    new = sess.report().section(sec.id)
    assert new.source == "edited" and section_edit.hand_typed_numbers(new) == []
    assert "96.43%" in {report.values[k] for k in new.refs()}
    # Changing a rate to one the scorer never produced marks it.
    sess, typed = save_section_edit(sess, sec.id, text.replace("96.43%", "96.34%"), services)
    assert typed == ["96.34%"]
    new = sess.report().section(sec.id)
    assert section_edit.hand_typed_numbers(new) == ["96.34%"]
    assert "96.34%" in edited_summary(sess.report())
    assert sec.id in services.store.load_project(services.user(None), sess.current.id).edited_sections
    assert any("已修改" in label for label, _ in section_choices(sess.report()))


def test_saving_the_text_unchanged_is_not_an_edit(drafted, services):
    report = drafted.report()
    sec = _analysis_section(report)
    sess, typed = save_section_edit(drafted, sec.id, section_edit.section_text(sec, report.values), services)
    assert typed == [] and sess.report().section(sec.id).source != "edited"


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


def test_redraft_a_part_is_not_saved_until_taken_and_can_be_undone(drafted, services):
    user = services.user(None)
    report = drafted.report()
    sec = next(s for s in report.sections if s.id.startswith("suggestions"))
    new = services.workspace.redraft(drafted.case, report, sec.id, "把建议写得更具体")
    assert isinstance(new, Report) and [s.id for s in new.sections] == [s.id for s in report.sections]
    assert services.store.load_project(user, drafted.current.id).draft == drafted.draft
    before = services.store.draft_versions(user, drafted.current.id)[0]
    taken = services.workspace.save_draft(user, drafted.current, new, "采用新稿", [])
    assert [v.reason for v in services.store.draft_versions(user, taken.id)][:2] == ["采用新稿", "起草全文"]
    undone = services.workspace.restore_draft(user, taken, before.id)
    assert undone.draft == drafted.draft


def test_redraft_a_bare_heading_asks_for_a_subsection(drafted, services):
    heading = next(s for s in drafted.report().sections if part_of(s.id) is None)
    with pytest.raises(AssistantError, match="大标题"):
        services.workspace.redraft(drafted.case, drafted.report(), heading.id, "")


def test_no_case_no_draft():
    preview, sections, text, info, edits, missing, fill, _ = view(Session())
    assert "尚无草稿" in preview and text == "" and edits == "" and missing == ""
    assert fill["visible"] is False


def test_self_evaluation_form_draft(drafted, services):
    report = services.workspace.draft(drafted.case, "self_evaluation")
    assert report.kind == "self_evaluation" and report.form is not None


def test_section_history_lists_each_different_text(drafted, services):
    report = drafted.report()
    sec = _analysis_section(report)
    text = section_edit.section_text(sec, report.values)
    sess, _ = save_section_edit(drafted, sec.id, text + "\n\n第一次补充。", services)
    sess, _ = save_section_edit(sess, sec.id, text + "\n\n第二次补充。", services)
    history = services.workspace.section_history(services.user(None), sess.current, sec.id)
    assert [h[1].endswith("第二次补充。") for h in history] == [True, False, False]
    assert "起草全文" in history[-1][0]


def test_side_by_side_and_compare_show_both_texts(drafted):
    report = drafted.report()
    sec = _analysis_section(report)
    changed, _ = section_edit.apply_edit(report, sec.id, "改写后的正文。")
    html = compare_drafts(report, changed, "上午的版本")
    assert "共 1 个章节不同" in html and "改写后的正文。" in html and sec.heading in html
    assert "当前稿" in side_by_side("旧<b>", "新") and "旧&lt;b&gt;" in side_by_side("旧<b>", "新")


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


def test_numbers_in_the_draft_follow_the_scorer_after_a_case_edit(drafted, services):
    report = drafted.report()
    assert services.workspace.relink(drafted.case, report)[1] == []
    case = {**drafted.case, "indicators": [dict(i) for i in drafted.case["indicators"]]}
    case["indicators"][5]["actual"] = "81%"  # 网络AP在线率: 5.57 → 7 × 81/90 = 6.3
    fresh, changed = services.workspace.relink(case, report)
    assert changed and "6.3" in fresh.values.values()
    with pytest.raises(AssistantError):
        services.workspace.relink({**case, "indicators": []}, report)


def test_view_opens_on_the_first_section_with_prose(drafted):
    report = drafted.report()
    assert report.sections[0].id == "cover"  # the draft opens with its cover page
    _, sections, text, info, _, missing, fill, _ = view(drafted)
    assert "还缺" in missing and "评价工作过程" in missing and fill["visible"] is True
    first_prose = next(s for s in report.sections if s.paragraphs)
    assert sections["value"] == first_prose.id
    assert text.strip() and "来源" in info


def test_missing_facts_are_listed_with_where_to_fill_them_and_go_when_filled(services, drafted):
    from ui.tab_draft import missing_facts, missing_markdown, needs_narrative

    facts = missing_facts(drafted.report())
    process = next(f for f in facts if f[1] == "评价工作过程")
    assert process[2] == "“项目录入 → 叙述信息 → 评价工作过程”" and "评价工作过程" in process[0]
    assert len({(what, where) for _, what, where in facts}) == len(facts)  # one line per fact
    assert needs_narrative(drafted.report())
    assert f"还缺 {len(facts)} 项事实" in missing_markdown(drafted.report())
    user = services.user(None)
    case = {
        **drafted.case,
        "narrative": {**(drafted.case.get("narrative") or {}), "eval_process": "评价组于三月进场核查。"},
    }
    record = services.store.save_case(
        user, drafted.current.id, drafted.current.revision, case, drafted.current.name, []
    )
    redrafted = services.workspace.draft(record.case, "report")
    left = missing_facts(redrafted)
    assert [f for f in left if f[1] == "评价工作过程"] == [] and len(left) == len(facts) - 1
    assert missing_facts(None) == [] and missing_markdown(None) == ""


def test_showing_the_tab_again_keeps_a_hand_edit_not_yet_saved(services, drafted):
    """起草 shown again: the editor is left as the page has it while it shows the same section's saved text;
    once that text changed (another draft), the new text is sent."""
    import gradio as gr

    from ui import tab_draft

    part = built_tab(tab_draft, services)
    user = services.user(None)
    out = part["show"](drafted, user)
    outputs = part["outputs"]
    section = out[outputs.index(part["section"])]["value"]
    base = out[outputs.index(part["base"])]
    again = part["refresh"](drafted, user, section, base)
    assert again[outputs.index(part["editor"])] == gr.skip()
    assert again[outputs.index(part["section"])] == gr.skip()
    again = part["refresh"](drafted, user, section, "an older text")
    assert again[outputs.index(part["editor"])] == out[outputs.index(part["editor"])]


def test_a_request_waiting_for_the_model_says_where_it_is_in_the_queue():
    """While another request holds the only model slot, the progress line says 大模型排队中 (1 = next in line);
    once this request goes to the model the line is the work's own again."""
    import threading

    from assistant.model_client import ModelClient
    from assistant.model_slots import LocalSlots
    from ui.progress import ModelWait

    client = ModelClient(transport=None, slots=LocalSlots(1, 30.0))
    wait = ModelWait()
    watched = wait.client(client)
    assert wait.label("正在起草") == "正在起草"
    held, waited, went = threading.Event(), threading.Event(), threading.Event()
    seen: list[str] = []

    def other():
        with client.slots.slot():
            held.set()
            waited.wait(10)

    def ours():
        with watched.slots.slot(watched.on_wait):
            seen.append(wait.label("正在起草"))
        went.set()

    threading.Thread(target=other).start()
    held.wait(10)
    threading.Thread(target=ours).start()
    for _ in range(200):
        if wait.position is not None:
            break
        threading.Event().wait(0.01)
    assert wait.label("正在起草") == "大模型排队中：下一个就轮到本请求"
    waited.set()
    went.wait(10)
    assert seen == ["正在起草"]
    assert ModelWait().client(None) is None

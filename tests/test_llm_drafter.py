"""LLM drafter with fake chat models: an invented number never reaches the output."""

import json
from pathlib import Path

import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.case_io import load_case
from assistant.drafting import draft_report, draft_self_evaluation, redraft_section
from assistant.export import to_markdown
from assistant.prompts import prompt_names, render
from assistant.scoring import score_case

CASE = Path(__file__).resolve().parent.parent / "evals" / "cases" / "se10_itdf_laiwu_free_wifi.yaml"
AP = "indicator[产出指标/质量指标/网络AP在线率]"


@pytest.fixture()
def drafted():
    case = load_case(CASE)
    sheet = score_case(case)
    return case, sheet, draft_report(case, sheet)


def _answer(paragraph: str, extra: str = "") -> str:
    sections = [{"id": "problems", "paragraphs": [paragraph]}, {"id": "problems.产出", "paragraphs": [extra or paragraph]}]
    return json.dumps({"sections": sections}, ensure_ascii=False)


GOOD = _answer("经评价，项目存在{ref:count.problems}个方面的问题。", f"网络AP在线率实际为{{ref:{AP}.actual}}，低于目标。")


@pytest.mark.parametrize(
    ("responses", "source", "leak"),
    [
        ([GOOD], "llm", None),
        ([_answer("得分率为66.6%，共987.65万元。"), GOOD], "llm", "987.65"),
        ([_answer("满意度为９８７分。"), _answer("共4321人次。")], "offline", "4321"),
        ([_answer("发现十二项问题。"), "不是JSON"], "offline", "十二项"),
        (["不是JSON 987.65", _answer("总分{ref:made_up}分。")], "offline", "made_up"),
    ],
)
def test_invented_numbers_never_reach_output(drafted, responses, source, leak):
    case, sheet, report = drafted
    llm = FakeListChatModel(responses=responses)
    again = redraft_section(report, "起草问题部分", "", case, sheet, llm=llm)
    part = again.part("problems")
    assert {s.source for s in part} == {source}
    markdown = to_markdown(again)
    if leak:
        assert leak not in markdown
    if source == "offline":
        assert "改用离线模板" in part[0].note
    else:
        assert "71.57%" in markdown


def test_full_report_with_lying_model_keeps_every_number_traceable(drafted):
    case, sheet, offline = drafted
    llm = FakeListChatModel(responses=[_answer("共4321人次。")])
    report = draft_report(case, sheet, llm=llm)
    assert "4321" not in to_markdown(report)
    assert all(s.source == "offline" for s in report.sections)


def test_self_evaluation_deviation_from_model():
    case = load_case(CASE)
    sheet = score_case(case)
    key = "产出指标/质量指标/网络AP在线率"
    bad = json.dumps({"sections": [{"id": key, "paragraphs": ["在线率仅为70%。"]}]}, ensure_ascii=False)
    good = json.dumps({"sections": [{"id": key, "paragraphs": [f"偏差原因：实际为{{ref:{AP}.actual}}。改进措施：加强巡检。"]}]},
                      ensure_ascii=False)
    report = draft_self_evaluation(case, sheet, llm=FakeListChatModel(responses=[bad, good]))
    row = next(r for r in report.form.indicators if r.lost_points)
    assert row.deviation.render(report.values) == "偏差原因：实际为71.57%。改进措施：加强巡检。"


@pytest.mark.parametrize("name", [n for n in prompt_names() if n.startswith("draft_")])
def test_every_draft_prompt_renders(name):
    text = render(name, project="项目", kind="evaluation", facts={"total": "88.8"}, slots=[{"id": "x", "title": "t",
                  "current": ["a"]}], instruction="更具体", format_instructions="JSON", error="错误")
    assert text.strip()

"""The prompt loader: strict rendering; every shipped prompt renders with realistic inputs.

The draft_* inputs are not written by hand: they are the variables the drafting stack itself passes to
``render`` while drafting a gold case with a fake model that answers garbage (so each part is asked, then
re-asked with the error). A prompt file that gains a variable the code does not pass, or a part whose prompt
file is missing, fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.case_io import load_case
from assistant.drafting import draft_report, draft_self_evaluation
from assistant.errors import ConfigError
from assistant.prompts import prompt_names, render
from assistant.scoring import score_case

CASES = Path(__file__).resolve().parent.parent / "evals" / "cases"
REPORT_CASE = CASES / "ev01_digital_quancheng_public_data.yaml"
FORM_CASE = CASES / "se05_itdf_smart_city_ops_center.yaml"

ANSWER_VARIABLES: dict[str, object] = {
    "question": "预算执行率如何计分？",
    "passages": [{"document": "某报告", "section": "三、（一）", "text": "预算执行率得分=执行率×分值"}],
    "format_instructions": "输出 JSON",
    "error": None,
}


def _recorded_draft_inputs() -> dict[str, dict[str, object]]:
    """name → the variables the drafters pass for it (first call), recorded during real drafting."""
    import assistant.drafting.llm_drafter as llm_drafter

    calls: dict[str, dict[str, object]] = {}

    def recording_render(name: str, **variables: object) -> str:
        calls.setdefault(name, variables)
        return render(name, **variables)

    original = llm_drafter.render
    llm_drafter.render = recording_render
    try:
        garbage = FakeListChatModel(responses=["抱歉，我无法按要求输出。"])
        case = load_case(REPORT_CASE)
        draft_report(case, score_case(case), llm=garbage)
        form_case = load_case(FORM_CASE)
        draft_self_evaluation(form_case, score_case(form_case), llm=garbage, instruction="写得更具体")
    finally:
        llm_drafter.render = original
    return calls


@pytest.fixture(scope="module")
def sample_inputs() -> dict[str, dict[str, object]]:
    return {"answer": ANSWER_VARIABLES, **_recorded_draft_inputs()}


def test_answer_and_draft_prompts_are_shipped():
    names = prompt_names()
    assert "answer" in names
    assert {"draft_problems", "draft_suggestions", "draft_deviations", "draft_retry"} <= set(names)


@pytest.mark.parametrize("name", prompt_names())
def test_every_prompt_renders_with_realistic_inputs(name, sample_inputs):
    assert name in sample_inputs, f"prompt {name!r} is shipped but no code path renders it"
    text = render(name, **sample_inputs[name])
    assert "{{" not in text and "{%" not in text and "{#" not in text
    assert len(text) > 40


@pytest.mark.parametrize("name", [n for n in prompt_names() if n.startswith("draft_") and n != "draft_retry"])
def test_draft_prompt_carries_facts_draft_example_and_rules(name, sample_inputs):
    variables = sample_inputs[name]
    text = render(name, **variables)
    assert "写作要求" in text and "示例输出：" in text and f"“{variables['title']}”" in text
    assert variables["facts"], "a draft prompt without facts cannot reference any number"
    for fact in variables["facts"]:
        assert f"{fact.marker} {fact.label}：{fact.value}" in text
        assert "[" not in fact.label, "facts are described in plain Chinese, not internal keys"
    for paragraph in variables["current"]:
        assert paragraph in text and "{ref:" not in paragraph
    assert ("用户的修改要求" in text) == bool(variables["instruction"])


def test_deviation_prompt_carries_the_user_instruction(sample_inputs):
    text = render("draft_deviations", **sample_inputs["draft_deviations"])
    assert "用户的修改要求：写得更具体" in text and "绩效自评表" in text


def test_retry_prompt_feeds_back_the_parse_error(sample_inputs):
    error = sample_inputs["draft_retry"]["error"]
    assert error
    assert f"上一次的输出未通过检查：{error}" in render("draft_retry", error=error)


def _variable_cases() -> list[tuple[str, str]]:
    """(prompt, variable) for every variable every prompt takes; drafting-recorded prompts are listed statically
    so test ids stay stable."""
    draft_vars = ["project", "kind", "title", "facts", "current", "instruction"]
    cases = [("answer", v) for v in ANSWER_VARIABLES]
    cases += [("draft_retry", "error")]
    cases += [
        (n, v) for n in prompt_names() if n.startswith("draft_") and n != "draft_retry" for v in draft_vars
    ]
    return cases


@pytest.mark.parametrize(("name", "missing"), _variable_cases())
def test_missing_variable_is_an_error(name, missing, sample_inputs):
    variables = {k: v for k, v in sample_inputs[name].items() if k != missing}
    assert missing in sample_inputs[name], f"{name} is not given {missing!r} by the code"
    with pytest.raises(ConfigError, match="缺少变量"):
        render(name, **variables)


def test_answer_prompt_includes_passages_and_question():
    text = render("answer", **ANSWER_VARIABLES)
    assert "预算执行率如何计分？" in text
    assert "[1] 《某报告》 三、（一）" in text
    assert "预算执行率得分=执行率×分值" in text
    assert "无法解析" not in text


def test_answer_prompt_feeds_back_error():
    text = render("answer", **{**ANSWER_VARIABLES, "error": "缺少字段 answer"})
    assert "缺少字段 answer" in text


def test_unknown_prompt_is_a_config_error():
    with pytest.raises(ConfigError, match="找不到提示词文件"):
        render("no_such_prompt")

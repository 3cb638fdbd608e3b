"""The prompt loader: strict rendering, every shipped prompt renders with sample inputs."""

from __future__ import annotations

import pytest

from assistant.errors import ConfigError
from assistant.prompts import prompt_names, render

SAMPLE_VARIABLES: dict[str, dict[str, object]] = {
    "answer": {
        "question": "预算执行率如何计分？",
        "passages": [{"document": "某报告", "section": "三、（一）", "text": "预算执行率得分=执行率×分值"}],
        "format_instructions": "输出 JSON",
        "error": None,
    },
}


def test_answer_prompt_is_shipped():
    assert "answer" in prompt_names()


@pytest.mark.parametrize("name", prompt_names())
def test_every_prompt_renders_with_sample_inputs(name):
    variables = SAMPLE_VARIABLES.get(name)
    if variables is None:
        pytest.skip(f"no sample inputs registered here for prompt {name!r} (owned by another test file)")
    text = render(name, **variables)
    assert "{{" not in text and "{%" not in text


def test_answer_prompt_includes_passages_and_question():
    text = render("answer", **SAMPLE_VARIABLES["answer"])
    assert "预算执行率如何计分？" in text
    assert "[1] 《某报告》 三、（一）" in text
    assert "预算执行率得分=执行率×分值" in text
    assert "无法解析" not in text


def test_answer_prompt_feeds_back_error():
    text = render("answer", **{**SAMPLE_VARIABLES["answer"], "error": "缺少字段 answer"})
    assert "缺少字段 answer" in text


@pytest.mark.parametrize("missing", ["question", "passages", "format_instructions", "error"])
def test_missing_variable_is_an_error(missing):
    variables = {k: v for k, v in SAMPLE_VARIABLES["answer"].items() if k != missing}
    with pytest.raises(ConfigError, match="缺少变量"):
        render("answer", **variables)


def test_unknown_prompt_is_a_config_error():
    with pytest.raises(ConfigError, match="找不到提示词文件"):
        render("no_such_prompt")

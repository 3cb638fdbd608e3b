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
    if name == "draft_retry":
        assert "错误" in text
    else:
        assert "本次起草内容：" in text and "{ref:total} = 88.8" in text and "id: x" in text and "更具体" in text


def test_tokens_stream_to_the_callback(drafted):
    case, sheet, report = drafted
    seen: list[str] = []
    redraft_section(report, "problems", "", case, sheet, llm=FakeListChatModel(responses=[GOOD]), on_token=seen.append)
    assert len(seen) > 1 and "".join(seen) == GOOD


@pytest.mark.parametrize(
    ("env", "outcome"),
    [
        ({}, None),
        ({"PE_ASSISTANT_LLM_BASE_URL": "http://localhost:11434/v1", "PE_ASSISTANT_LLM_MODEL": "qwen2.5:7b"}, "client"),
        ({"PE_ASSISTANT_LLM_BASE_URL": "http://localhost:11434/v1"}, "同时设置"),
        ({"PE_ASSISTANT_GGUF_PATH": "/nonexistent/model.gguf"}, "找不到本地模型文件"),
    ],
)
def test_build_llm_from_settings(monkeypatch, env, outcome):
    from assistant.errors import ConfigError
    from assistant.llm import build_llm
    from assistant.model_client import ModelClient
    from assistant.settings import Settings

    for key in ("PE_ASSISTANT_LLM_BASE_URL", "PE_ASSISTANT_LLM_MODEL", "PE_ASSISTANT_GGUF_PATH"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings(_env_file=None)
    if outcome is None:
        assert build_llm(settings) is None
    elif outcome == "client":
        llm = build_llm(settings)
        assert isinstance(llm, ModelClient) and llm.name == "qwen2.5:7b @ http://localhost:11434/v1"
    else:
        with pytest.raises(ConfigError, match=outcome):
            build_llm(settings)


def test_gguf_without_cyllama_says_what_to_install(monkeypatch, tmp_path):
    import sys

    from assistant.errors import ConfigError
    from assistant.llm import build_llm
    from assistant.settings import Settings

    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    monkeypatch.setitem(sys.modules, "cyllama", None)
    monkeypatch.setitem(sys.modules, "cyllama.integrations", None)
    with pytest.raises(ConfigError, match="pip install cyllama"):
        build_llm(Settings(_env_file=None, gguf_path=model))


def test_drafting_eval_on_one_case(tmp_path):
    import shutil

    from assistant.evaluation.drafting_eval import run_drafting_eval

    shutil.copy(CASE, tmp_path / CASE.name)
    result = run_drafting_eval(tmp_path, tmp_path / "drafting.json")
    assert result.traced_share == 1.0 and result.invented_leaked == 0
    assert result.lost_discussed == result.lost_rows == 4  # one lost row × (form, report) × (offline, fake model)
    assert {c.drafter for c in result.cases} == {"offline", "fake_llm"}
    assert any(c.fallback_sections for c in result.cases) and any(c.llm_sections for c in result.cases)
    assert (tmp_path / "drafting.json").exists()


@pytest.mark.parametrize("wrap", ["```json\n{}\n```", "好的，以下是结果：\n```json\n{}\n```", "{}"])
def test_fenced_or_chatty_json_is_accepted(drafted, wrap):
    case, sheet, report = drafted
    again = redraft_section(report, "problems", "", case, sheet, llm=FakeListChatModel(responses=[wrap.format(GOOD)]))
    assert {s.source for s in again.part("problems")} == {"llm"}


def test_retry_tells_the_model_which_key_to_use(drafted):
    case, sheet, report = drafted
    seen = []

    class Recording(FakeListChatModel):
        def _stream(self, messages, *args, **kwargs):
            seen.append(messages[-1].content)
            yield from super()._stream(messages, *args, **kwargs)

    llm = Recording(responses=[_answer("网络AP在线率仅71.57%。"), GOOD])
    redraft_section(report, "problems", "", case, sheet, llm=llm)
    assert "「71.57%」请写作 {ref:indicator[产出指标/质量指标/网络AP在线率].actual}" in seen[-1]


def test_unreachable_endpoint_drafts_every_part_offline_with_a_note(drafted):
    from assistant.llm import build_llm
    from assistant.settings import Settings

    case, sheet, _ = drafted
    # Port 9 on loopback: connection refused at once (the test guard allows loopback only).
    llm = build_llm(Settings(_env_file=None, llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_api_key="k"))
    report = draft_report(case, sheet, llm=llm)
    noted = [s for s in report.sections if s.note]
    assert len(noted) >= 5 and all("无法连接大模型服务" in s.note and "离线" in s.note for s in noted)
    assert all(s.source == "offline" for s in report.sections)
    again = redraft_section(report, "problems", "", case, sheet, llm=llm)
    assert "无法连接大模型服务" in again.part("problems")[0].note


def test_unreachable_endpoint_form_falls_back():
    from assistant.llm import build_llm
    from assistant.settings import Settings

    case = load_case(CASE)
    llm = build_llm(Settings(_env_file=None, llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_api_key="k"))
    report = draft_self_evaluation(case, score_case(case), llm=llm)
    assert "无法连接大模型服务" in report.sections[0].note
    row = next(r for r in report.form.indicators if r.lost_points)
    assert row.deviation.render(report.values).startswith("检测时部分公共场所因断电")


def test_analysis_rewrite_may_not_drop_a_lost_point(drafted):
    case, sheet, report = drafted
    ids = [s.id for s in report.part("analysis") if s.paragraphs]
    silent = json.dumps({"sections": [{"id": i, "paragraphs": ["各项指标完成情况良好。"]} for i in ids]}, ensure_ascii=False)
    report2 = redraft_section(report, "analysis", "", case, sheet, llm=FakeListChatModel(responses=[silent, silent]))
    part = report2.part("analysis")
    assert all(s.source == "offline" for s in part) and "漏掉了失分指标" in part[0].note
    assert f"{{ref:{AP}.lost}}" in "".join(p.template for s in part for p in s.paragraphs)


def test_eval_metric_catches_a_number_nobody_supplied(drafted):
    from assistant.evaluation.drafting_eval import allowed_numbers, number_tokens
    from assistant.report import Paragraph, Section

    case, sheet, report = drafted
    edited = Section(id="other", title="其他需要说明的问题", level=1, source="edited",
                     paragraphs=[Paragraph.from_template("另有987.65万元尚未支付。")])
    tampered = report.replace_part("other", [edited])
    allowed = allowed_numbers(case, tampered, tampered.origins)
    tokens = number_tokens(to_markdown(tampered))
    assert [t for t in tokens if t not in allowed] == ["987.65"]
    assert not [t for t in number_tokens(to_markdown(report)) if t not in allowed]


@pytest.mark.parametrize(("command", "extra"), [("draft", []), ("chat", ["-m", "起草问题部分"])])
def test_cli_shows_streaming_progress(monkeypatch, tmp_path, command, extra):
    from typer.testing import CliRunner

    import assistant.cli.chat as chat_cli
    import assistant.cli.draft as draft_cli
    from assistant.cli import app

    chatty = "不是JSON：" + "模型正在逐字输出很长的一段文字，" * 30
    fake = FakeListChatModel(responses=[chatty])
    monkeypatch.setattr(draft_cli, "build_llm", lambda settings: fake)
    monkeypatch.setattr(chat_cli, "build_llm", lambda settings: fake)
    out = tmp_path / "r.md"
    args = ["draft", str(CASE), "--out", str(out), "--kind", "report"] if command == "draft" else [
        "chat", "--case", str(CASE), *extra, "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "大模型起草中：已生成" in result.output
    # The model never produced valid JSON: the text is the offline draft, with the reason noted.
    assert "改用离线模板" in out.read_text(encoding="utf-8")

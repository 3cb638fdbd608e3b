"""LLM drafter with fake chat models: the model rewrites the offline draft's prose a unit (a theme, a
recommendation, a few paragraphs) per call, keeps its facts, grouping and 待补充 markers; an invented number never
reaches the output, and a unit the model cannot write keeps its offline text with a note."""

import json
import re
from pathlib import Path

import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.case_io import load_case
from assistant.drafting import draft_report, draft_self_evaluation, redraft_section
from assistant.drafting.llm_drafter import MARKER, PROMPT_CEILING, is_prose, kept_phrases, prose_units
from assistant.evaluation.scripted_authors import (
    author,
    draft_paragraphs,
    label_echo,
    section_title,
    typed_number,
    well_behaved,
    with_think_and_lead_in,
)
from assistant.export import to_markdown
from assistant.model_budget import estimate_tokens
from assistant.prompts import prompt_names, render
from assistant.scoring import score_case

CASE = Path(__file__).resolve().parent.parent / "evals" / "cases" / "se10_itdf_laiwu_free_wifi.yaml"
RICH = CASE.parent / "ev03_data_sharing_platform_ops.yaml"
AP = "indicator[产出指标/质量指标/网络AP在线率]"


def _handle(prompt: str, label: str) -> str:
    """The handle the prompt gives the case's fact with ``label`` (not the worked example's)."""
    case_part = prompt[prompt.index("现在请写") :]
    return next(line.split()[0] for line in case_part.splitlines() if label in line)


@pytest.fixture()
def drafted():
    case = load_case(CASE)
    sheet = score_case(case)
    return case, sheet, draft_report(case, sheet)


@pytest.fixture(scope="module")
def rich():
    """A case with problem themes, recommendations, 待补充 markers and judged scores."""
    case = load_case(RICH)
    sheet = score_case(case)
    return case, sheet, draft_report(case, sheet)


def _prose_sections(report, part=None):
    """The sections the model is asked to rewrite: those with a paragraph of the drafter's own prose."""
    sections = report.part(part) if part else report.sections
    return [s for s in sections if any(is_prose(p) for p in s.paragraphs)]


def _units(report) -> int:
    return sum(len(prose_units(s.paragraphs)) for s in report.sections)


@pytest.mark.parametrize("write", [well_behaved, with_think_and_lead_in], ids=["plain", "think-and-lead-in"])
def test_a_well_behaved_model_writes_every_prose_section(drafted, write):
    case, sheet, offline = drafted
    model = author(write)
    report = draft_report(case, sheet, llm=model)
    written = {s.id: s for s in report.sections}
    prose = _prose_sections(offline)
    assert prose and all(written[s.id].source == "llm" and not written[s.id].note for s in prose)
    # Everything else — the case's own text, tables, front matter, 附件 — is the offline draft's, untouched.
    untouched = [s for s in offline.sections if s not in prose]
    assert all(written[s.id] == s for s in untouched)
    markdown = to_markdown(report)
    assert "经评价，" in markdown and "71.57%" in markdown and "{v" not in markdown
    # One call per unit, each prompt in plain Chinese (handles, not internal keys) and short.
    assert len(model.prompts) == _units(offline)
    assert all("{ref:" not in p and "indicator[" not in p and "{v11}" in p for p in model.prompts)
    assert max(estimate_tokens(p) for p in model.prompts) <= PROMPT_CEILING
    # 待补充 notes stay where the offline draft put them.
    assert markdown.count("（待补充") == to_markdown(offline).count("（待补充")


def test_themes_keep_their_grouping_labels_and_markers(rich):
    case, sheet, offline = rich
    model = author(well_behaved)
    report = draft_report(case, sheet, llm=model)
    themes = [p for s in offline.part("problems") for p in s.paragraphs if p.label]
    assert len(themes) >= 3
    # One theme per call: the model can neither merge nor split them.
    theme_prompts = [p for p in model.prompts if "存在的问题。" in p]
    assert len(theme_prompts) == sum(len(prose_units(s.paragraphs)) for s in offline.part("problems"))
    assert len(theme_prompts) >= len(themes) and all(len(draft_paragraphs(p)) == 1 for p in theme_prompts)
    # The model never sees a 待补充 marker; each comes back on its own paragraph.
    assert not any("待补充" in p for p in model.prompts)
    for old, new in zip(offline.part("problems"), report.part("problems"), strict=True):
        assert [p.label for p in new.paragraphs] == [p.label for p in old.paragraphs]
        assert [MARKER.findall(p.template) for p in new.paragraphs] == [
            MARKER.findall(p.template) for p in old.paragraphs
        ]
    assert to_markdown(report).count("（待补充") == to_markdown(offline).count("（待补充")


def test_every_indicator_paragraph_is_rewritten_with_its_figures(rich):
    case, sheet, offline = rich
    report = draft_report(case, sheet, llm=author(well_behaved))
    for old, new in zip(offline.part("analysis"), report.part("analysis"), strict=True):
        assert len(new.paragraphs) == len(old.paragraphs)
        for before, after in zip(old.paragraphs, new.paragraphs, strict=True):
            kept = [k for k in before.refs if ".criterion[" not in k]
            assert set(kept) <= set(after.refs)
            assert after.template.startswith("经") or not is_prose(before)


def test_an_invented_number_sends_only_its_paragraphs_back(rich):
    case, sheet, offline = rich
    target = next(s for s in offline.part("analysis") if len(prose_units(s.paragraphs)) > 1)
    first = prose_units(target.paragraphs)[0]
    calls: list[str] = []

    def write(prompt):
        if section_title(prompt) != target.title:
            return well_behaved(prompt)
        calls.append(prompt)
        # Units go in order: the first unit's call and its retry invent a figure, the later ones do not.
        return typed_number(prompt) if len(calls) <= 2 else well_behaved(prompt)

    report = draft_report(case, sheet, llm=author(write))
    section = next(s for s in report.sections if s.id == target.id)
    assert (
        section.source == "llm"
        and "文中直接写了数字" in section.note
        and "其余段落由大模型起草" in section.note
    )
    assert [p.template for p in section.paragraphs[: len(first)]] == [
        target.paragraphs[i].template for i in first
    ]
    assert all(p.template.startswith("经") for p in section.paragraphs[len(first) :] if is_prose(p))
    assert "987.65" not in to_markdown(report) and not any(ch.isdigit() for ch in section.note)


@pytest.mark.parametrize(
    ("reply", "note"),
    [
        (label_echo, "照抄了提示词中的“参考初稿”"),
        (lambda prompt: '{"paragraphs": ["经评价，项目综合得分', "不是有效的 JSON"),
        (lambda prompt: "<think>先看参考初稿。总分是" + well_behaved(prompt), "只有思考过程"),
        (lambda prompt: json.dumps({"paragraphs": ["经评价，项目整体绩效良好。"]}), "漏掉了初稿中的事实"),
        (typed_number, "文中直接写了数字"),
    ],
    ids=["label-copy", "truncated-json", "unclosed-think", "dropped-facts", "invented-number"],
)
def test_a_unit_the_model_cannot_write_keeps_the_offline_text(rich, reply, note):
    case, sheet, offline = rich
    model = author(
        lambda prompt: reply(prompt) if section_title(prompt) == "综合评价情况" else well_behaved(prompt)
    )
    report = redraft_section(offline, "conclusion", "", case, sheet, llm=model)
    old = next(s for s in offline.sections if s.id == "conclusion.overall")
    new = next(s for s in report.sections if s.id == "conclusion.overall")
    assert new.source == "offline" and note in new.note and "改用离线模板" in new.note
    assert new.paragraphs == old.paragraphs
    assert next(s for s in report.sections if s.id == "conclusion.verdict").source == "llm"
    assert "987.65" not in to_markdown(report) and "<think>" not in to_markdown(report)


def test_a_recommendation_keeps_who_acts_when_and_the_document(rich):
    case, sheet, offline = rich
    advice = [s for s in offline.part("suggestions") if s.id != "suggestions"]
    with_rules = next(s for s in advice if "《" in s.paragraphs[0].template)
    dropped = kept_phrases([with_rules.paragraphs[0].template])
    assert any(p.startswith("《") for p in dropped) and any(p.startswith("在下一") for p in dropped)

    def write(prompt):
        out = well_behaved(prompt)
        if section_title(prompt) == with_rules.title:
            # A vaguer rewrite: no time frame, no document to issue.
            out = re.sub(r"在下一[^，]*，|《[^》]*》", "", out)
        return out

    report = redraft_section(offline, "suggestions", "", case, sheet, llm=author(write))
    new = {s.id: s for s in report.sections}
    assert new[with_rules.id].source == "offline" and "漏掉了建议的措施或时限" in new[with_rules.id].note
    others = [s for s in advice if s.id != with_rules.id]
    assert others and all(new[s.id].source == "llm" for s in others)
    for s in others:  # the acting party and the time frame survive a rewrite
        phrases = kept_phrases([s.paragraphs[0].template])
        assert all(p in new[s.id].paragraphs[0].template for p in phrases)
        party = [k for k in s.refs() if k.startswith("project.")]
        assert set(party) <= set(new[s.id].refs())


def test_copying_the_worked_example_is_rejected(drafted):
    case, sheet, report = drafted

    def write(prompt):
        example = prompt[prompt.index("示例输出：") + len("示例输出：") : prompt.index("现在请写")].strip()
        return example  # the example's own paragraphs, handles and all

    again = redraft_section(report, "problems", "", case, sheet, llm=author(write))
    part = _prose_sections(again, "problems")
    assert part and all(s.source == "offline" for s in part)
    assert any("示例" in s.note or "不存在" in s.note for s in part)
    assert "验收资料" not in to_markdown(again)


def test_sections_fall_back_one_by_one(drafted):
    case, sheet, _ = drafted

    def write(prompt):
        return label_echo(prompt) if section_title(prompt) == "产出指标分析" else well_behaved(prompt)

    report = draft_report(case, sheet, llm=author(write))
    analysis = {s.id: s for s in report.part("analysis")}
    assert analysis["analysis.产出指标"].source == "offline"
    assert "照抄了提示词中的“参考初稿”" in analysis["analysis.产出指标"].note
    assert analysis["analysis.成本指标"].source == "llm" and analysis["analysis.效益指标"].source == "llm"
    assert all("参考初稿" not in p.template for s in report.sections for p in s.paragraphs)


@pytest.mark.parametrize(
    ("first", "second", "source", "leak"),
    [
        ("good", None, "llm", None),
        ("typed", "good", "llm", "987.65"),
        ("typed", "typed", "offline", "987.65"),
        ("not json 4321", "echo", "offline", "4321"),
        ('{"paragraphs": ["总分{v999}分，发现十二项问题。"]}', "typed", "offline", "十二项"),
    ],
)
def test_invented_numbers_never_reach_output(drafted, first, second, source, leak):
    case, sheet, report = drafted
    writers = {"good": well_behaved, "typed": typed_number, "echo": label_echo}
    calls: dict[str, int] = {}

    def write(prompt):
        unit = "".join(draft_paragraphs(prompt))
        calls[unit] = calls.get(unit, 0) + 1
        choice = first if calls[unit] == 1 else (second or first)
        return writers[choice](prompt) if choice in writers else choice

    again = redraft_section(report, "起草问题部分", "", case, sheet, llm=author(write))
    part = _prose_sections(again, "problems")
    assert part and {s.source for s in part} == {source}
    markdown = to_markdown(again)
    if leak:
        assert leak not in markdown
    if source == "offline":
        assert all("改用离线模板" in s.note for s in part)
    else:
        assert "71.57%" in markdown


def test_a_distinctive_figure_typed_by_the_model_becomes_its_reference(drafted):
    case, sheet, report = drafted
    label = "“网络AP在线率”的实际完成值："

    def write(prompt):
        if section_title(prompt) != "产出指标分析" or label not in prompt.split("现在请写")[1]:
            return well_behaved(prompt)
        handle = _handle(prompt, label)
        paragraphs = [p.replace(handle, "71.57%") for p in draft_paragraphs(prompt)]
        assert any("71.57%" in p for p in paragraphs)
        return json.dumps({"paragraphs": paragraphs}, ensure_ascii=False)

    again = redraft_section(report, "analysis", "", case, sheet, llm=author(write))
    section = next(s for s in again.part("analysis") if s.id == "analysis.产出指标")
    assert section.source == "llm" and not section.note and f"{AP}.actual" in section.refs()


def test_a_small_typed_integer_is_not_guessed(drafted):
    case, sheet, report = drafted

    def write(prompt):
        return json.dumps(
            {"paragraphs": ["项目共设置指标12项，整体完成情况良好，达到预期。"]}, ensure_ascii=False
        )

    again = redraft_section(report, "goals", "", case, sheet, llm=author(write))
    prose = _prose_sections(again, "goals")
    assert prose and all(s.source == "offline" and "文中直接写了数字" in s.note for s in prose)


def test_analysis_rewrite_may_not_drop_a_lost_point(drafted):
    case, sheet, report = drafted

    def write(prompt):
        return json.dumps({"paragraphs": ["各项指标完成情况良好，达到评价标准。"]}, ensure_ascii=False)

    model = author(write)
    again = redraft_section(report, "analysis", "", case, sheet, llm=model)
    section = next(s for s in again.part("analysis") if s.id == "analysis.产出指标")
    assert section.source == "offline" and "漏掉了失分指标" in section.note
    assert f"{{ref:{AP}.lost}}" in "".join(p.template for p in section.paragraphs)
    retry = next(p for p in model.prompts if "【更正】" in p and "漏掉了失分指标" in p)
    assert "漏掉了失分指标的扣分，须引用 {v" in retry and "各项指标完成情况良好" not in retry


def test_self_evaluation_deviation_from_model():
    case = load_case(CASE)
    sheet = score_case(case)
    bad = json.dumps({"paragraphs": ["在线率仅为70%。"]}, ensure_ascii=False)

    def write(prompt):
        if "【更正】" not in prompt:
            return bad
        handle = _handle(prompt, "的实际完成值：")
        return json.dumps(
            {"paragraphs": [f"偏差原因：实际为{handle}。改进措施：加强巡检。"]}, ensure_ascii=False
        )

    model = author(write)
    report = draft_self_evaluation(case, sheet, llm=model)
    row = next(r for r in report.form.indicators if r.lost_points)
    assert row.deviation.render(report.values) == "偏差原因：实际为71.57%。改进措施：加强巡检。"
    assert "绩效自评表" in model.prompts[0]


@pytest.mark.parametrize("name", [n for n in prompt_names() if n.startswith("draft_")])
def test_every_draft_prompt_renders(name):
    from assistant.drafting.llm_drafter import Fact

    facts = [Fact("v1", "total", "综合得分（分）", "88.8")]
    text = render(
        name,
        project="项目",
        kind="report",
        title="标题",
        facts=facts,
        current=["综合得分{v1}分。"],
        instruction="更具体",
        error="错误",
    )
    if name == "draft_retry":
        assert "错误" in text
    else:
        assert "{v1} 综合得分（分）：88.8" in text and "“标题”" in text and "更具体" in text
        assert "示例输出：" in text and text.rstrip().endswith("输出：") and not text.startswith("\n")


def test_tokens_stream_to_the_callback(drafted):
    case, sheet, report = drafted
    seen: list[str] = []
    good = json.dumps({"paragraphs": ["经评价，项目在产出方面存在问题，需要加强管理。"]}, ensure_ascii=False)
    redraft_section(
        report, "problems", "", case, sheet, llm=FakeListChatModel(responses=[good]), on_token=seen.append
    )
    assert len(seen) > 1 and good in "".join(seen)


@pytest.mark.parametrize(
    ("env", "outcome"),
    [
        ({}, None),
        (
            {
                "PE_ASSISTANT_LLM_BASE_URL": "http://localhost:11434/v1",
                "PE_ASSISTANT_LLM_MODEL": "qwen2.5:7b",
            },
            "client",
        ),
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
    assert (
        result.lost_discussed == result.lost_rows == 4
    )  # one lost row × (form, report) × (offline, fake model)
    assert {c.drafter for c in result.cases} == {"offline", "fake_llm"}
    # The eval's adversary attacks every unit, then fixes about half: both outcomes are measured.
    fake = [c for c in result.cases if c.drafter == "fake_llm" and c.kind == "report"]
    assert fake and all(c.llm_sections and c.fallback_sections for c in fake)
    assert (tmp_path / "drafting.json").exists()


def test_unreachable_endpoint_drafts_every_part_offline_with_a_note(drafted):
    from assistant.llm import build_llm
    from assistant.settings import Settings

    case, sheet, _ = drafted
    # Port 9 on loopback: connection refused at once (the test guard allows loopback only).
    llm = build_llm(
        Settings(_env_file=None, llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_api_key="k")
    )
    report = draft_report(case, sheet, llm=llm)
    noted = [s for s in report.sections if s.note]
    assert len(noted) >= 5 and all("无法连接大模型服务" in s.note and "离线" in s.note for s in noted)
    assert all(s.source == "offline" for s in report.sections)
    again = redraft_section(report, "problems", "", case, sheet, llm=llm)
    noted = [s for s in again.part("problems") if s.note]
    assert noted == _prose_sections(again, "problems") and "无法连接大模型服务" in noted[0].note


def test_unreachable_endpoint_form_falls_back():
    from assistant.llm import build_llm
    from assistant.settings import Settings

    case = load_case(CASE)
    llm = build_llm(
        Settings(_env_file=None, llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_api_key="k")
    )
    report = draft_self_evaluation(case, score_case(case), llm=llm)
    assert "无法连接大模型服务" in report.sections[0].note
    row = next(r for r in report.form.indicators if r.lost_points)
    assert row.deviation.render(report.values).startswith("检测时部分公共场所因断电")


def test_eval_metric_catches_a_number_nobody_supplied(drafted):
    from assistant.evaluation.drafting_eval import allowed_numbers, number_tokens
    from assistant.report import Paragraph, Section

    case, sheet, report = drafted
    edited = Section(
        id="other",
        title="其他需要说明的问题",
        level=1,
        source="edited",
        paragraphs=[Paragraph.from_template("另有987.65万元尚未支付。")],
    )
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
    args = (
        ["draft", str(CASE), "--out", str(out), "--kind", "report"]
        if command == "draft"
        else ["chat", "--case", str(CASE), *extra, "--out", str(out)]
    )
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "大模型起草中：已生成" in result.output
    # The model never produced valid JSON: the text is the offline draft, with the reason noted.
    assert "改用离线模板" in out.read_text(encoding="utf-8")

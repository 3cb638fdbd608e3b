"""The model path end to end over real HTTP: `draft`, `ask` and `chat` against a local OpenAI-compatible server
that answers well, slowly, wrongly or not at all. Every failure ends in the offline result with a note; a
well-behaved model's paragraphs reach the draft."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from llm_server import ModelServer, Reply, section_title, typed_number, well_behaved, with_think_and_lead_in
from retrieval_fakes import CharBagEmbeddings
from typer.testing import CliRunner

import assistant.retrieval
from assistant.cli import app
from assistant.settings import get_settings

CASE = Path(__file__).resolve().parent.parent / "evals" / "cases" / "se10_itdf_laiwu_free_wifi.yaml"

FAST = {
    "PE_ASSISTANT_LLM_MODEL": "scripted-model",
    "PE_ASSISTANT_LLM_API_KEY": "k",
    # Short enough to keep the test quick, long enough that a loaded machine does not time out good replies.
    "PE_ASSISTANT_LLM_FIRST_TOKEN_TIMEOUT": "5",
    "PE_ASSISTANT_LLM_PROMPT_TOKENS_PER_SECOND": "100000",
    "PE_ASSISTANT_LLM_IDLE_TIMEOUT": "2",
}


@pytest.fixture()
def endpoint(monkeypatch):
    """The server, and the settings pointing at it."""
    with ModelServer() as server:
        monkeypatch.setenv("PE_ASSISTANT_LLM_BASE_URL", server.url)
        for key, value in FAST.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()
        yield server


def _draft(tmp_path: Path) -> tuple[object, str]:
    out = tmp_path / "report.md"
    result = CliRunner().invoke(
        app, ["draft", str(CASE), "--out", str(out), "--kind", "report", "--no-precedents"]
    )
    return result, out.read_text(encoding="utf-8") if out.exists() else ""


def _no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def test_a_well_behaved_model_reaches_the_draft(endpoint, tmp_path):
    endpoint.responder = lambda body: Reply(content=with_think_and_lead_in(body["messages"][-1]["content"]))
    result, markdown = _draft(tmp_path)
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "起草方式：大模型" in result.output and "改用离线模板" not in result.output
    assert markdown.count("经评价，") >= 10 and "71.57%" in markdown and "<think>" not in markdown
    assert all(r["max_tokens"] > 0 and r["stream"] for r in endpoint.requests)


# Section title → how the server misbehaves for it (every request for that section).
MISBEHAVIOUR = {
    "资金投入和使用情况": Reply(status=429, retry_after=60),
    "组织管理": Reply(status=500),
    "年度绩效目标": Reply(first_delay=8),
    "评价目的、对象和范围": "stall",
    "综合评价情况": "truncated",
    "评价原则、方法和指标体系": Reply(content='{"paragraphs": ["没有收尾'),
    "主要经验及做法": Reply(status=401),
    "评价结论": Reply(drop=True),
    "预算执行情况": "invented",
}
EXPECTED_NOTES = {
    "资金投入和使用情况": "大模型服务繁忙",
    "组织管理": "大模型服务内部出错",
    "年度绩效目标": "迟迟没有开始回答",
    "评价目的、对象和范围": "中途停顿过久",
    "综合评价情况": "截断",
    "评价原则、方法和指标体系": "不是有效的 JSON",
    "主要经验及做法": "拒绝访问",
    "评价结论": "大模型服务",
    "预算执行情况": "文中直接写了数字",
}


def _misbehaving(body: dict) -> Reply:
    prompt = body["messages"][-1]["content"]
    how = MISBEHAVIOUR.get(section_title(prompt), "good")
    if isinstance(how, Reply):
        return how
    if how == "stall":
        return Reply(content=well_behaved(prompt), chunk_chars=2, stall_after=2)
    if how == "truncated":
        return Reply(content=well_behaved(prompt)[:40], finish_reason="length")
    if how == "invented":
        return Reply(content=typed_number(prompt))
    return Reply(content=well_behaved(prompt))


def _heading(block: str) -> str:
    """A Markdown block's heading without its numbering (“三、”, “（二）”, “1.”)."""
    line = block.split("\n", 1)[0]
    return re.sub(
        r"^[#\s]*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+(?:\.\d+)*\.?)?\s*",
        "",
        line,
    ).strip()


def test_every_failure_falls_back_per_section_with_a_note(endpoint, tmp_path):
    endpoint.responder = _misbehaving
    result, markdown = _draft(tmp_path)
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    sections = markdown.split("\n#")
    for title, note in EXPECTED_NOTES.items():
        block = next(s for s in sections if _heading(s) == title)
        assert "改用离线模板" in block and note in block, (title, block[:300])
    assert "987.65" not in markdown
    # The sections after each failure were still written by the model: one timeout does not end the report.
    good = [s for s in sections if "经评价，" in s]
    assert len(good) >= 6, [s[:30] for s in good]
    assert f"{len(EXPECTED_NOTES)} 节改用离线模板" in result.output


def test_endpoint_down_drafts_offline_with_a_note_per_section(monkeypatch, tmp_path):
    monkeypatch.setenv("PE_ASSISTANT_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    for key, value in FAST.items():
        monkeypatch.setenv(key, value)
    result, markdown = _draft(tmp_path)
    _no_traceback(result)
    assert result.exit_code == 0 and "无法连接大模型服务" in markdown


# ---------------------------------------------------------------- ask and chat (answering adopts the client)

POLICY = """关于预算执行率计分的说明

一、评分规则
预算执行率=（实际支出资金/实际到位资金）×100%。
预算执行率达到95%以上得满分，低于60%不得分。
"""

ASK_FAILURES = [
    Reply(status=429, retry_after=60),
    Reply(status=503),
    Reply(first_delay=8),
    Reply(content='{"answer": "预算执行率', finish_reason="length"),
    Reply(content="无法回答"),
    Reply(drop=True),
]


@pytest.fixture()
def knowledge(tmp_path, monkeypatch):
    monkeypatch.setattr(
        assistant.retrieval, "build_embedder", lambda settings=None, spec=None: CharBagEmbeddings()
    )
    monkeypatch.setattr("assistant.answering.DEFAULT_MIN_SIMILARITY", 2.0)
    monkeypatch.setattr(assistant.retrieval, "_RETRIEVERS", {})
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "policy.txt").write_text(POLICY, encoding="utf-8")
    assert CliRunner().invoke(app, ["ingest", str(folder)]).exit_code == 0


@pytest.mark.parametrize(
    "failure", ASK_FAILURES, ids=["429", "503", "no-first-token", "truncated", "not-json", "drop"]
)
def test_ask_falls_back_to_the_extract_with_a_note(knowledge, endpoint, failure):
    endpoint.responder = lambda body: failure
    result = CliRunner().invoke(app, ["ask", "预算执行率如何计分", "--json"])
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["citations"]
    if (
        failure.content != "无法回答"
    ):  # a reply that is not JSON is the answerer's to judge, not a model error
        assert "大模型未能完成" in answer["answer"]


def test_chat_turn_falls_back_and_the_draft_turn_notes_sections(knowledge, endpoint, tmp_path):
    endpoint.responder = lambda body: Reply(status=503)
    out = tmp_path / "chat.md"
    result = CliRunner().invoke(
        app,
        ["chat", "--case", str(CASE), "-m", "预算执行率如何计分", "-m", "起草问题部分", "--out", str(out)],
    )
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "错误" not in result.output and "大模型未能完成" in result.output
    assert "改用离线模板" in out.read_text(encoding="utf-8")


def test_chat_draft_turn_through_the_server(endpoint, tmp_path):
    endpoint.responder = lambda body: Reply(content=well_behaved(body["messages"][-1]["content"]))
    out = tmp_path / "chat.md"
    result = CliRunner().invoke(app, ["chat", "--case", str(CASE), "-m", "起草问题部分", "--out", str(out)])
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "经评价，" in out.read_text(encoding="utf-8")


def test_draft_shows_its_place_in_the_queue(endpoint, tmp_path):
    from contextlib import contextmanager

    from assistant.model_slots import install_slots

    class Busy:
        """A deployment queue with one request ahead of ours."""

        @contextmanager
        def slot(self, on_wait=None):
            if on_wait is not None:
                on_wait(2)
                on_wait(1)
            yield

    endpoint.responder = lambda body: Reply(content=well_behaved(body["messages"][-1]["content"]))
    install_slots(Busy())
    try:
        result, _ = _draft(tmp_path)
    finally:
        install_slots(None)
    assert result.exit_code == 0, result.output
    assert "大模型排队中：前面还有 1 个请求" in result.output and "下一个就轮到本请求" in result.output

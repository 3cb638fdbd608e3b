"""The model client over real HTTP: a local OpenAI-compatible server with scripted replies and misbehaviour."""

from __future__ import annotations

import re
import threading
import time

import pytest
from llm_server import ModelServer, Reply
from pydantic import BaseModel

from assistant.errors import ModelError, ModelReplyError, ModelUnavailable
from assistant.llm import as_client, build_llm
from assistant.model_budget import estimate_tokens, fit_items
from assistant.model_client import ModelClient, ModelLimits
from assistant.model_reply import ReplyRejected, paragraph_problem, parse_reply, visible_text
from assistant.model_slots import LocalSlots
from assistant.model_transport import OpenAITransport
from assistant.settings import Settings

GENEROUS = ModelLimits(context_window=4096, max_tokens=256, first_token_timeout=30.0, idle_timeout=10.0)
"""For calls that should succeed (a loaded machine must not turn them into timeouts)."""
FAST = ModelLimits(context_window=4096, max_tokens=256, first_token_timeout=1.0, idle_timeout=0.5)
"""For the calls that test the deadlines themselves."""


class Verdict(BaseModel):
    answer: str
    score: int = 0


@pytest.fixture()
def server():
    with ModelServer() as s:
        yield s


def client(server: ModelServer, limits: ModelLimits = GENEROUS, **kw) -> ModelClient:
    return ModelClient(
        OpenAITransport(base_url=server.url, model="m", **kw), limits=limits, slots=LocalSlots(2, 5)
    )


@pytest.mark.parametrize(
    "reply",
    [
        Reply(content='{"answer": "合规", "score": 3}'),
        Reply(content='好的，以下是回答：\n{"answer": "合规", "score": 3}\n希望有帮助。'),
        Reply(content='```json\n{"answer": "合规", "score": 3}\n```'),
        Reply(content='{"answer": "合规", "score": 3}', think='先看资料 {"answer": "草稿"}'),
        Reply(content='{"answer": "合规", "score": 3}', reasoning_content="推理过程" * 20),
        Reply(content='[{"answer": "合规", "score": 3}]'),
    ],
    ids=["plain", "lead-in", "fenced", "think", "reasoning-delta", "wrapped-in-list"],
)
def test_real_model_shapes_parse(server, reply):
    server.push(reply)
    assert client(server).ask_json("问题", Verdict) == Verdict(answer="合规", score=3)
    sent = server.requests[0]
    assert sent["max_tokens"] == 256 and sent["stream"] is True
    assert sent["response_format"]["type"] == "json_schema"


def test_truncated_reply_is_never_parsed_and_retry_sends_a_short_correction(server):
    cut = '{"answer": "前半句，后半句", "score": 3}'
    server.push(Reply(content=cut, finish_reason="length"), Reply(content='{"answer": "短", "score": 1}'))
    assert client(server).ask_json("原始问题", Verdict).answer == "短"
    retry = server.prompts()[1]
    assert retry.startswith("原始问题") and "截断" in retry and "前半句" not in retry


def test_a_reply_cut_twice_is_a_typed_error(server):
    server.push(*[Reply(content='{"answer": "合规", "score": 3}', finish_reason="length")] * 2)
    with pytest.raises(ModelReplyError, match="截断"):
        client(server).ask_json("问题", Verdict)


def test_malformed_json_twice_is_a_typed_error_and_the_retry_omits_the_failed_text(server):
    server.push(Reply(content='{"answer": 没有引号 987.65}'), Reply(content="我不知道"))
    with pytest.raises(ModelReplyError, match="不是有效的 JSON"):
        client(server).ask_json("问题", Verdict)
    assert "987.65" not in server.prompts()[1] and "【更正】" in server.prompts()[1]


def test_content_check_rejection_is_corrected_once(server):
    server.push(
        Reply(content='{"answer": "现有文字：照抄"}'),
        Reply(content='{"answer": "依据办法第十条，程序合规。"}'),
    )

    def check(v: Verdict) -> None:
        problem = paragraph_problem(v.answer, ("现有文字",))
        if problem:
            raise ReplyRejected(f"回答{problem}，请用自己的话写。", problem)

    assert client(server).ask_json("问题", Verdict, check=check).answer.startswith("依据")
    assert "照抄了提示词" in server.prompts()[1]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(status=429, retry_after=30), "HTTP 429"),
        (Reply(status=500), "HTTP 500"),
        (Reply(status=503, retry_after=60), "HTTP 503"),
        (Reply(status=401), "PE_ASSISTANT_LLM_API_KEY"),
        (Reply(status=404), "PE_ASSISTANT_LLM_MODEL"),
        (Reply(status=400, content="This model's maximum context length is 4096 tokens"), "上下文长度"),
        (Reply(first_delay=4), "没有开始回答"),
        (Reply(content="慢" * 40, chunk_chars=1, stall_after=3), "停顿过久"),
        (Reply(drop=True), "大模型服务"),
    ],
    ids=["429", "500", "503", "401", "404", "context", "no-first-token", "stall", "dropped"],
)
def test_every_failure_is_a_typed_error_with_a_chinese_reason(server, reply, reason):
    server.push(reply)
    c = client(server, FAST if reply.first_delay or reply.stall_after else GENEROUS)
    started = time.monotonic()
    with pytest.raises(ModelError) as caught:
        c.ask_json("问题", Verdict)
    error = caught.value
    assert reason in str(error) and "\n" not in str(error)
    # The reason goes into drafts, where every figure must be traceable: the specifics stay in the detail.
    assert error.reason and not re.search(r"[0-9]", error.reason)
    assert error.fallback_note("已改用离线结果") == f"大模型未能完成（{error.reason}），已改用离线结果。"
    assert time.monotonic() - started < (3.5 if reply.first_delay or reply.stall_after else 30)
    assert c.calls[-1].outcome == str(error)


def test_connection_refused_is_unavailable():
    c = ModelClient(OpenAITransport(base_url="http://127.0.0.1:9/v1", model="m"), limits=GENEROUS)
    with pytest.raises(ModelUnavailable, match="无法连接"):
        c.complete("问题")


def test_short_retry_after_is_waited_once(server):
    server.push(Reply(status=429, retry_after=0.05), Reply(content='{"answer": "好"}'))
    assert client(server).ask_json("问题", Verdict).answer == "好"
    assert len(server.requests) == 2


def test_json_mode_falls_back_when_the_endpoint_refuses_it_and_remembers(server):
    server.push(*[Reply(content='{"answer": "好"}', refuse_response_format=True)] * 4)
    c = client(server)
    assert c.ask_json("问题", Verdict).answer == "好"
    assert c.ask_json("问题", Verdict).answer == "好"
    kinds = [r.get("response_format", {}).get("type") for r in server.requests]
    assert kinds == ["json_schema", "json_object", None, None]


def test_prompt_too_long_for_the_window_is_refused_before_sending(server):
    c = client(server, ModelLimits(context_window=1024, max_tokens=512))
    with pytest.raises(ModelReplyError, match="上下文窗口"):
        c.complete("字" * 900)
    assert server.requests == []


def test_fit_keeps_the_best_ranked_evidence_that_fits(server):
    c = client(server, ModelLimits(context_window=1024, max_tokens=256))
    passages = [f"资料{i}：" + "规定" * 60 for i in range(20)]
    prompt, kept = c.fit(lambda n: "问题\n" + "\n".join(passages[:n]), len(passages))
    assert 0 < kept < len(passages) and prompt.endswith(passages[kept - 1])
    assert c.fits(prompt) and not c.fits("问题\n" + "\n".join(passages[: kept + 1]))


def test_fit_items_edges():
    assert fit_items(lambda n: "x" * n, 0, lambda p: True) == ("", 0)
    assert fit_items(lambda n: "x" * n, 5, lambda p: len(p) <= 10) == ("xxxxx", 5)
    assert fit_items(lambda n: "x" * (n * 10), 5, lambda p: len(p) <= 25) == ("x" * 20, 2)
    assert estimate_tokens("绩效评价abc") == 4 + 1


def test_streamed_tokens_reach_the_callback_and_usage_is_learned(server):
    server.push(Reply(content='{"answer": "逐字"}', chunk_chars=2))
    seen: list[str] = []
    c = client(server)
    c.ask_json("问题" * 50, Verdict, on_token=seen.append)
    assert "".join(seen) == '{"answer": "逐字"}' and len(seen) > 3
    assert c.calls[0].outcome == "ok" and c.calls[0].first_token_seconds is not None
    assert c.meter.ratio != 1.0


def test_slots_queue_requests_and_report_positions(server):
    server.push(*[Reply(content='{"answer": "好"}', first_delay=0.3) for _ in range(3)])
    slots = LocalSlots(1, 5)
    positions: list[int] = []
    c = ModelClient(OpenAITransport(base_url=server.url, model="m"), limits=GENEROUS, slots=slots)
    waiting = c.observed(positions.append)
    first = threading.Thread(target=lambda: c.ask_json("一", Verdict))
    first.start()
    time.sleep(0.1)
    assert waiting.ask_json("二", Verdict).answer == "好"
    first.join()
    assert positions == [1]


def test_a_full_queue_times_out_as_unavailable():
    slots = LocalSlots(1, 0.2)
    with slots.slot():
        with pytest.raises(ModelUnavailable, match="排队"):
            with slots.slot():
                pass
    with slots.slot():  # the abandoned ticket left the queue
        pass


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("<think>想</think>答", "答"),
        ("想了很久</think>答", "答"),
        ("答<think>没想完", "答"),
        ("<THINK>a</THINK><think>b</think>答", "答"),
    ],
)
def test_visible_text(text, visible):
    assert visible_text(text) == visible


def test_only_thinking_is_rejected_with_its_own_reason():
    with pytest.raises(ReplyRejected) as caught:
        parse_reply("<think>一直在想，想到 max_tokens", Verdict)
    assert caught.value.reason == "只有思考过程，没有答案"


@pytest.mark.parametrize(
    ("paragraph", "problem"),
    [
        ("现有文字：项目立项依据：{ref:narrative.basis}", "照抄"),
        ("{ref:narrative.basis}", "只有引用"),
        ("项目立项依据：{ref:narrative.basis}", "只有引用"),
        ("项目依据{ref:narrative.basis}立项，程序完整，资料齐全。", None),
    ],
)
def test_paragraph_problem(paragraph, problem):
    found = paragraph_problem(paragraph, ("现有文字",))
    assert (found is None) if problem is None else (problem in found)


def test_build_llm_gives_a_client_with_the_settings_budgets(monkeypatch):
    settings = Settings(
        _env_file=None,
        llm_base_url="http://127.0.0.1:1/v1",
        llm_model="m",
        llm_context_window=16384,
        llm_max_tokens=700,
    )
    c = build_llm(settings)
    assert isinstance(c, ModelClient) and c.limits.context_window == 16384 and c.limits.max_tokens == 700
    assert c.name == "m @ http://127.0.0.1:1/v1"
    assert as_client(c) is c and as_client(None) is None


def test_langchain_models_go_through_the_same_client():
    from langchain_core.language_models import FakeListChatModel

    c = as_client(FakeListChatModel(responses=['<think>嗯</think>好的：{"answer": "假模型"}']))
    assert c.ask_json("问题", Verdict).answer == "假模型"


def test_gguf_stream_holds_back_a_character_split_across_tokens():
    from assistant.gguf_model import Utf8Stream

    pieces = {1: "绩".encode()[:2], 2: "绩".encode()[2:], 3: "效".encode(), 4: "评".encode()[:1]}

    class Vocab:
        def detokenize(self, tokens, remove_special=False, unparse_special=False):
            return b"".join(pieces[t] for t in tokens).decode("utf-8", errors="replace")

    stream = Utf8Stream(Vocab())
    assert [stream.push(1), stream.push(2), stream.push(3), stream.push(4)] == ["", "绩", "效", ""]
    assert stream.flush() == "" and stream.count == 4


def test_gguf_prompt_uses_the_models_chat_template():
    from assistant.gguf_model import render_chat_template

    chatml = (
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    text = render_chat_template(
        chatml, [{"role": "user", "content": "预算执行率如何计分？"}], "", "<|im_end|>"
    )
    assert text == "<|im_start|>user\n预算执行率如何计分？<|im_end|>\n<|im_start|>assistant\n"


@pytest.mark.parametrize(("architecture", "template"), [("gemma3", "gemma"), ("phi3", "phi3"), ("qwen2", "")])
def test_a_gguf_without_a_template_gets_its_familys_turns(architecture, template):
    from assistant.gguf_model import builtin_template

    assert builtin_template(architecture) == template

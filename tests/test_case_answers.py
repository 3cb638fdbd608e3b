"""Case questions are answered from the scorer's working, in chat, on every gold case."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.case_io import load_case
from assistant.chat import ChatSession
from assistant.chat_tools import parse_tool_reply, route_offline
from assistant.scoring import score_case
from assistant.scoring.rules import fmt

CASES = Path(__file__).resolve().parent.parent / "evals" / "cases"
GOLD = sorted(CASES.glob("*.yaml"))


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_total_and_weakest_come_from_the_scorer_on_every_gold_case(path):
    case = load_case(path)
    sheet = score_case(case)
    reply = ChatSession(case=case).ask("总分多少，哪个一级指标最弱")
    assert reply.kind == "case"
    assert fmt(sheet.total) in reply.text and f"“{sheet.grade}”" in reply.text
    weakest = min(sheet.level(1), key=lambda g: (g.rate, g.key))
    assert weakest.path[-1].split()[-1] in reply.text


def test_an_indicator_is_explained_with_its_formula_and_reason():
    case = load_case(CASES / "se10_itdf_laiwu_free_wifi.yaml")
    reply = ChatSession(case=case).ask("网络AP在线率为什么扣分")
    assert reply.kind == "case"
    for expected in ("71.57%", "5.57", "7 × min(71.57% / 90%, 1)", "断电", "一致"):
        assert expected in reply.text


def test_a_judged_row_shows_the_rule_score_beside_it():
    case = load_case(CASES / "se05_itdf_smart_city_ops_center.yaml")
    reply = ChatSession(case=case).ask("能耗降低率那项按规则应该得几分，表里填的多少")
    assert "人工评分" in reply.text and "3.33" in reply.text and "填报得分 4" in reply.text


def test_rule_questions_still_go_to_the_knowledge_base_with_a_case_open():
    case = load_case(CASES / "se10_itdf_laiwu_free_wifi.yaml")
    session = ChatSession(case=case)
    assert route_offline(session, "预算执行率怎么计分？").tool == "retrieve"
    assert route_offline(session, "预算执行得了几分").tool == "explain_case"
    assert route_offline(session, "帮我检查一下报告").tool == "check"


@pytest.mark.parametrize(
    ("reply", "tool"),
    [
        ('{"tool": "explain_case", "argument": "总分多少"}', "explain_case"),
        ('<think>先想想</think>好的：{"tool": "retrieve", "argument": "x"}', "retrieve"),
        ('{"tool": "delete_everything"}', None),
        ("我不知道", None),
    ],
)
def test_model_tool_replies_are_parsed(reply, tool):
    call = parse_tool_reply(reply)
    assert (call.tool if call else None) == tool


def test_model_routing_chooses_the_tool_and_numbers_stay_the_scorers():
    case = load_case(CASES / "se10_itdf_laiwu_free_wifi.yaml")
    llm = FakeListChatModel(responses=['{"tool": "explain_case", "argument": "总分多少"}'])
    reply = ChatSession(case=case, llm=llm).ask("这个项目到底多少分")
    assert reply.kind == "case" and "98.57" in reply.text


def test_unusable_model_routing_falls_back_with_a_note():
    case = load_case(CASES / "se10_itdf_laiwu_free_wifi.yaml")
    llm = FakeListChatModel(responses=["随便说点什么"])
    reply = ChatSession(case=case, llm=llm).ask("总分多少")
    assert reply.kind == "case" and "98.57" in reply.text
    assert "已按离线规则选择处理方式" in reply.text

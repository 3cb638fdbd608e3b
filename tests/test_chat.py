"""Chat: rule questions answered with citations, drafting requests revise one part of the current report."""

import json
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.language_models import FakeListChatModel
from typer.testing import CliRunner

import knowledge
from assistant.case_io import load_case
from assistant.chat import ChatSession
from assistant.cli import app
from assistant.drafting import draft_report
from assistant.drafting.precedents import Precedents, advice_sentences
from assistant.index import KnowledgeIndex
from assistant.retrieval import Retriever
from assistant.scoring import score_case

CASES = Path(__file__).resolve().parent.parent / "evals" / "cases"
WIFI = CASES / "se10_itdf_laiwu_free_wifi.yaml"
PRECEDENT = """某数据平台运维项目绩效评价报告

一、项目基本情况

本项目为数据平台运维服务。

二、评分规则

预算执行率指标考核预算资金的实际支出情况，预算执行率等于实际支出数除以预算数，执行率达到百分之百的得满分。

三、有关建议

（一）加强日常运维巡检

建议完善运维巡检制度，加密设备巡检频次，建立故障快速响应机制，及时排除断电等设备故障。

（二）加强档案管理

建议按照档案管理规定对项目资料进行梳理，查缺补漏，保证档案的完整性。
"""


@pytest.fixture(scope="module")
def retriever(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kb")
    doc = folder / "precedent.txt"
    doc.write_text(PRECEDENT, encoding="utf-8")
    index = KnowledgeIndex(folder / "index", DeterministicFakeEmbedding(size=32))
    index.ingest([doc], knowledge.chunk_file)
    return Retriever(index)


@pytest.mark.parametrize(
    ("message", "kind", "part"),
    [
        ("起草问题部分", "draft", "problems"),
        ("把建议写得更具体", "draft", "suggestions"),
        ("重写偏差原因", "draft", "deviations"),
        ("预算执行率怎么计分？", "answer", None),
        ("", "help", None),
    ],
)
def test_routing(retriever, message, kind, part):
    reply = ChatSession(case=load_case(WIFI), retriever=retriever).ask(message)
    assert reply.kind == kind
    assert reply.part == part


def test_rule_question_is_answered_with_a_citation(retriever):
    reply = ChatSession(retriever=retriever).ask("预算执行率怎么计分")
    assert reply.answer is not None and reply.answer.found
    assert reply.answer.citations and "预算执行率" in reply.text


def test_drafting_needs_a_case(retriever):
    assert "加载案例" in ChatSession(retriever=retriever).ask("起草问题部分").text


def test_suggestions_never_quote_another_clients_report(retriever):
    """Precedents stay in the workbench: the draft neither quotes nor names another client's report."""
    session = ChatSession(case=load_case(WIFI), retriever=retriever)
    reply = session.ask("起草建议部分")
    assert "加密设备巡检频次" not in reply.text and "参考：[" not in reply.text
    assert "某数据平台运维项目绩效评价报告" not in reply.text and "同类项目评价报告" not in reply.text
    assert "巡检" in reply.text


def test_revision_with_a_model_replaces_only_that_part(retriever):
    case = load_case(WIFI)
    sheet = score_case(case)
    report = draft_report(case, sheet)
    answer = json.dumps(
        {
            "sections": [
                {"id": "suggestions", "paragraphs": ["针对上述问题，提出以下建议。"]},
                {"id": "suggestions.1", "paragraphs": ["建议每周巡检一次，断电后两小时内恢复。"]},
            ]
        },
        ensure_ascii=False,
    )
    fixed = json.dumps(
        {
            "sections": [
                {"id": "suggestions", "paragraphs": ["针对上述问题，提出以下建议。"]},
                {
                    "id": "suggestions.1",
                    "paragraphs": [
                        "建议建立巡检台账，网络AP在线率由{ref:indicator[产出指标/质量指标/网络AP在线率].actual}提升至目标值。"
                    ],
                },
            ]
        },
        ensure_ascii=False,
    )
    session = ChatSession(case=case, report=report, llm=FakeListChatModel(responses=[answer, fixed]))
    reply = session.ask("把建议写得更具体")
    assert "71.57%" in reply.text and "两小时" not in reply.text
    assert [s.id for s in session.report.sections] == [s.id for s in report.sections]
    assert session.report.part("problems") == report.part("problems")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第二，建议加强档案管理，保证档案完整。", ["建议加强档案管理，保证档案完整。"]),
        ("建议在2024年完成整改，确保按期完成。", []),
        ("本项目总体运行良好，资金使用规范。", []),
    ],
)
def test_advice_sentences(text, expected):
    assert advice_sentences(text) == expected


def test_precedents_number_citations_and_skip_own_report(retriever):
    precedents = Precedents(retriever, exclude_document="某数据平台运维项目")
    assert precedents.recommendation("运维 巡检 建议") is None
    precedents = Precedents(retriever)
    first = precedents.recommendation("运维 巡检 故障 建议")
    second = precedents.recommendation("档案管理 完整性 建议")
    assert (first.citation.n, second.citation.n) == (1, 2)
    assert first.quote != second.quote


def test_chat_cli_one_shot(tmp_path):
    out = tmp_path / "r.md"
    result = CliRunner().invoke(app, ["chat", "--case", str(WIFI), "-m", "起草问题部分", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "产出方面的问题" in result.output
    assert out.read_text(encoding="utf-8").startswith("# 信息技术发展资金项目绩效评价报告")


def test_offline_request_for_more_specific_suggestions(retriever):
    from assistant.chat import OFFLINE_SPECIFIC_NOTE
    from assistant.report import free_numbers

    case = load_case(WIFI)
    session = ChatSession(case=case)
    plain = session.ask("起草建议部分")
    assert "整改重点" not in plain.text
    before = session.report
    reply = session.ask("把建议写得更具体")
    assert reply.part == "suggestions"
    # The row's own gap, the type's further measures and the responsible unit, all from the case.
    assert "网络AP在线率实际完成71.57%，应达到年度指标值≥90%" in reply.text
    assert "具体措施还包括" in reply.text and "济南市信息中心牵头落实" in reply.text
    assert OFFLINE_SPECIFIC_NOTE in reply.text and "需配置大模型" not in reply.text
    templates = [p.template for s in session.report.part("suggestions") for p in s.paragraphs]
    assert not [t for t in templates if free_numbers(t)]
    assert session.report.part("problems") == before.part("problems")
    assert len([s for s in session.report.part("suggestions") if s.level == 2]) == len(
        [s for s in before.part("suggestions") if s.level == 2]
    )


@pytest.mark.parametrize(
    "case_name", ["ev01_digital_quancheng_public_data.yaml", "ev02_smart_quancheng_phase1.yaml"]
)
def test_specific_measures_are_never_repeated(case_name):
    from assistant.drafting import context_for
    from assistant.drafting.problems import draft_suggestions

    case = load_case(CASES / case_name)
    ctx = context_for(case, score_case(case))
    sections = draft_suggestions(ctx, None, specific=True)
    paragraphs = [p.template for s in sections for p in s.paragraphs]
    measures = [t.split("，", 1)[-1] for t in paragraphs if t.startswith("针对")]
    measures += [
        m
        for t in paragraphs
        if t.startswith("具体措施还包括：")
        for m in t.removeprefix("具体措施还包括：").split("。")
        if m
    ]
    assert len(measures) == len(set(measures))


def test_check_reviews_the_draft_in_the_session():
    """检查 after a draft runs the checker on that draft (the whole report, or the form) without an error."""
    session = ChatSession(case=load_case(WIFI))
    session.ask("起草问题部分")
    reply = session.ask("检查一下报告")
    assert reply.kind == "check" and reply.text.strip()
    session.ask("重写偏差原因")
    session.report = None
    form_check = session.ask("检查一下自评表")
    assert form_check.kind == "check" and form_check.text.strip()

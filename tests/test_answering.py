"""Answering: the relevance gate, the extractive answerer, and the LLM path with quote verification."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models import FakeListChatModel
from retrieval_fakes import CharBagEmbeddings, line_chunker

from assistant import answering
from assistant.answering import (
    answer_question,
    best_span,
    compact_citations,
    is_relevant,
    quote_in,
    repair_quote,
    split_sentences,
)
from assistant.composing import is_scorer_line
from assistant.index import KnowledgeIndex, Tokenizer
from assistant.models import Chunk, Citation
from assistant.retrieval import RetrievedPassage, Retriever

BUDGET = (
    "预算执行率指标分值为2分。预算执行率=（实际支出资金/实际到位资金）×100%。"
    "预算执行率达到95%以上得满分，低于60%不得分。\n"
    "资金到位率=实际到位资金/预算资金×100%。\n"
)
SURVEY = "满意度调查共回收问卷212份，群众满意度为94.8%。\n"


@pytest.fixture(scope="module")
def retriever(tmp_path_factory) -> Retriever:
    root = tmp_path_factory.mktemp("answering")
    (root / "budget.txt").write_text(BUDGET, encoding="utf-8")
    (root / "survey.txt").write_text(SURVEY, encoding="utf-8")
    index = KnowledgeIndex(root / "index", CharBagEmbeddings(), Tokenizer(["预算执行率"]), pipeline="t")
    index.ingest([root / "budget.txt", root / "survey.txt"], line_chunker())
    return Retriever(index)


@pytest.fixture
def gate_on_coverage(monkeypatch):
    """The fake embedder's similarities mean little: gate on keyword coverage only."""
    monkeypatch.setattr(answering, "DEFAULT_MIN_SIMILARITY", 2.0)


def passage(coverage: float, similarity: float | None) -> RetrievedPassage:
    chunk = Chunk(id="c", text="t", document="d", position=0, source="s")
    return RetrievedPassage(chunk=chunk, score=0.1, coverage=coverage, similarity=similarity)


@pytest.mark.parametrize(
    ("coverage", "similarity", "bar", "expected"),
    [
        (0.5, None, 0.5, True),
        (0.49, None, 0.5, False),
        (0.2, 0.5, 0.5, True),
        (0.2, 0.49, 0.5, False),
        (0.0, 0.9, 0.8, False),  # similar but sharing no keyword of the question: not evidence
        (0.05, 0.9, 0.8, True),
    ],
)
def test_relevance_gate_thresholds(coverage, similarity, bar, expected):
    assert is_relevant(passage(coverage, similarity), bar) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("甲。乙！丙？", ["甲。", "乙！", "丙？"]),
        ("行一 | 2\n行二 | 3", ["行一 | 2", "行二 | 3"]),
        ("  前后有空格。  ", ["前后有空格。"]),
        ("", []),
    ],
)
def test_split_sentences_are_verbatim_slices(text, expected):
    assert split_sentences(text) == expected
    assert all(s in text for s in split_sentences(text))


@pytest.mark.parametrize(
    ("text", "heading", "expected"),
    [
        (
            "第一句无关。预算执行率=支出/到位。预算执行率达到95%得满分。最后一句。",
            "",
            "预算执行率=支出/到位。预算执行率达到95%得满分。",
        ),
        (
            "附件 2: 数字泉城项目绩效评价指标体系\n数据治理服务及时性 | 2 | 不按时完成，扣分 0.5 分",
            "数字泉城报告七、附件 附件 2: 数字泉城项目绩效评价指标体系",
            "数据治理服务及时性 | 2 | 不按时完成，扣分 0.5 分",
        ),
        (
            "附件 2: 数字泉城项目绩效评价指标体系\n数据治理服务及时性 | 2 | 不按时完成，扣分 0.5 分",
            "",
            "附件 2: 数字泉城项目绩效评价指标体系\n数据治理服务及时性 | 2 | 不按时完成，扣分 0.5 分",
        ),
        ("附件 2: 数字泉城项目", "附件2:数字泉城项目", "附件 2: 数字泉城项目"),
    ],
    ids=["joins-next", "skips-repeated-heading", "no-heading-given", "only-heading"],
)
def test_best_span(text, heading, expected):
    assert best_span(text, {"数字泉城", "预算执行率", "数据治理"}, heading=heading) == expected


@pytest.mark.parametrize(
    ("quote", "text", "expected"),
    [
        ("预算执行率 = 支出", "预算执行率=支出/到位。", True),
        ("预算执行率=支出", "预算执行率=\n支出/到位。", True),
        ("执行率=收入", "预算执行率=支出/到位。", False),
        ("", "任何文字", False),
    ],
)
def test_quote_in_ignores_whitespace_only(quote, text, expected):
    assert quote_in(quote, text) is expected


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("“预算执行率=支出/到位。”", "预算执行率=支出/到位。"),
        ("预算执行率等于支出/到位。", "预算执行率=支出/到位。"),
        ("完全无关的一句话", None),
    ],
)
def test_repair_quote(quote, expected):
    assert repair_quote(quote, "预算执行率=支出/到位。满意度为94.8%。") == expected


def test_offline_answer_is_extractive_and_cited(retriever, gate_on_coverage):
    answer = answer_question("预算执行率如何计分", retriever)
    assert answer.found and answer.citations
    first = answer.citations[0]
    assert first.n == 1 and first.document == "budget报告" and first.section == "一、基本情况 （1）"
    assert "预算执行率" in first.quote
    for c in answer.citations:
        chunk_texts = [
            p.chunk.text
            for p in retriever.search("预算执行率如何计分", k=5)
            if p.chunk.document == c.document
        ]
        assert any(c.quote in t for t in chunk_texts)
        assert f"[{c.n}]" in answer.answer
    # Every line of the answer is a cited statement shown as its citation shows it, or the scorer's own rule.
    for line in answer.answer.splitlines():
        if is_scorer_line(line) or line.endswith("："):
            continue
        assert any((c.display or c.quote) in line for c in answer.citations)


def test_a_computed_answer_comes_first_and_stands_on_rules_not_on_the_question_figure(
    retriever, gate_on_coverage
):
    # "满意度调查…94.8%" holds the question's own figure but states no rule: it is no evidence for the score.
    answer = answer_question("预算执行率94.8%能得几分", retriever)
    lines = answer.answer.splitlines()
    assert lines[0].startswith("算例（评分引擎计算）") and "94.8" in lines[0]
    assert answer.citations and all(c.document == "budget报告" for c in answer.citations)


@pytest.mark.parametrize("question", ["护照怎么办理", "明天天气怎么样"])
def test_nothing_relevant_says_not_found(retriever, gate_on_coverage, question):
    answer = answer_question(question, retriever)
    assert (answer.found, answer.citations) == (False, [])
    assert answer.answer.startswith("未找到依据")
    # It says what the knowledge base does cover.
    assert "《budget报告》" in answer.answer and "共 2 份文件" in answer.answer


def model_reply(answer: str, citations: list[dict]) -> str:
    return "```json\n" + json.dumps({"answer": answer, "citations": citations}, ensure_ascii=False) + "\n```"


def test_llm_answer_keeps_verified_quotes_and_renumbers(retriever, gate_on_coverage):
    passages = retriever.search("预算执行率如何计分", k=5)
    budget_n = next(i for i, p in enumerate(passages, 1) if "预算执行率达到95%" in p.chunk.text)
    reply = model_reply(
        f"预算执行率达到95%以上得满分[{budget_n}]，另见[9]。",
        [
            {"n": budget_n, "quote": "预算执行率达到95%以上得满分，低于60%不得分。"},
            {"n": 9, "quote": "不存在的资料"},
        ],
    )
    answer = answer_question("预算执行率如何计分", retriever, llm=FakeListChatModel(responses=[reply]))
    assert answer.found
    assert [c.n for c in answer.citations] == [1]
    assert answer.citations[0].quote == "预算执行率达到95%以上得满分，低于60%不得分。"
    assert answer.answer == "预算执行率达到95%以上得满分[1]，另见。"


def test_llm_invented_quote_is_repaired_or_dropped(retriever, gate_on_coverage):
    passages = retriever.search("预算执行率如何计分", k=5)
    budget_n = next(i for i, p in enumerate(passages, 1) if "预算执行率达到95%" in p.chunk.text)
    reply = model_reply(
        f"达到95%得满分[{budget_n}]。",
        [{"n": budget_n, "quote": "预算执行率达到95%以上的得满分，低于60%不得分"}],
    )
    answer = answer_question("预算执行率如何计分", retriever, llm=FakeListChatModel(responses=[reply]))
    assert quote_in(answer.citations[0].quote, passages[budget_n - 1].chunk.text)


def test_llm_without_verifiable_citation_falls_back_to_extractive(retriever, gate_on_coverage):
    reply = model_reply("预算执行率很重要[1]。", [{"n": 1, "quote": "这句话资料里没有"}])
    answer = answer_question("预算执行率如何计分", retriever, llm=FakeListChatModel(responses=[reply]))
    offline = answer_question("预算执行率如何计分", retriever)
    assert answer.answer == offline.answer + "\n" + answering.FALLBACK_NOTE


def test_llm_bad_json_is_retried_once_with_the_error(retriever, gate_on_coverage):
    good = model_reply("满意度为94.8%[1]。", [{"n": 1, "quote": "群众满意度为94.8%。"}])
    llm = FakeListChatModel(responses=["这不是 JSON", good])
    answer = answer_question("群众满意度是多少", retriever, llm=llm)
    assert answer.found and answer.citations[0].quote == "群众满意度为94.8%。"


def test_llm_bad_json_twice_falls_back_with_a_note(retriever, gate_on_coverage):
    llm = FakeListChatModel(responses=["不是 JSON", "还不是 JSON"])
    answer = answer_question("群众满意度是多少", retriever, llm=llm)
    offline = answer_question("群众满意度是多少", retriever)
    assert answer.found and answer.answer == offline.answer + "\n" + answering.MODEL_UNUSABLE_NOTE


def test_model_abstention_does_not_override_passages_that_passed_the_gate(retriever, gate_on_coverage):
    reply = model_reply("未找到依据", [])
    answer = answer_question("群众满意度是多少", retriever, llm=FakeListChatModel(responses=[reply]))
    assert answer.found and answer.citations
    assert answer.answer.endswith(answering.MODEL_ABSTAINED_NOTE)


class _BrokenModel(FakeListChatModel):
    def invoke(self, *args, **kwargs):
        raise ConnectionError("connection refused")


def test_model_failure_gives_the_offline_answer_with_a_one_line_note(retriever, gate_on_coverage):
    answer = answer_question("群众满意度是多少", retriever, llm=_BrokenModel(responses=["x"]))
    assert answer.found and answer.citations
    assert answer.answer.splitlines()[-1] == answering.MODEL_FAILED_NOTE.format(reason="无法连接")


def test_uncited_model_answer_is_not_given_every_citation(retriever, gate_on_coverage):
    reply = model_reply(
        "预算执行率达到95%以上得满分。", [{"n": 1, "quote": "预算执行率达到95%以上得满分，低于60%不得分。"}]
    )
    answer = answer_question("预算执行率如何计分", retriever, llm=FakeListChatModel(responses=[reply]))
    # No marker in the text: the citation is not appended wholesale; the offline answer is given instead.
    assert answer.answer.endswith(answering.FALLBACK_NOTE)


def test_retry_prompt_carries_the_parse_error(retriever, gate_on_coverage, monkeypatch):
    seen_errors: list[object] = []
    real_render = answering.render

    def recording_render(name, **variables):
        seen_errors.append(variables["error"])
        return real_render(name, **variables)

    monkeypatch.setattr(answering, "render", recording_render)
    good = model_reply("满意度为94.8%[1]。", [{"n": 1, "quote": "群众满意度为94.8%。"}])
    answer_question("群众满意度是多少", retriever, llm=FakeListChatModel(responses=['{"answer": 1}', good]))
    assert seen_errors[0] is None
    assert isinstance(seen_errors[1], str) and "answer" in seen_errors[1]


# ---------------------------------------------------------------- grounding of the generated answer

FAITHFUL = "预算执行率达到95%以上得满分，低于60%不得分 [{b}]。"
FAITHFUL_QUOTE = {"n": "{b}", "quote": "预算执行率达到95%以上得满分，低于60%不得分。"}
KEPT = "预算执行率达到95%以上得满分，低于60%不得分 [1]。"
ONE_REMOVED = "\n（已删去 1 句在所引资料中找不到依据的内容）"


@pytest.mark.parametrize(
    ("answer", "citations", "expected"),
    [
        (FAITHFUL, [FAITHFUL_QUOTE], KEPT),
        (
            "根据知识库中的资料：\n预算执行率指标分值为2分。" + FAITHFUL,
            [FAITHFUL_QUOTE],
            "根据知识库中的资料：\n预算执行率指标分值为2分。" + KEPT,
        ),
        (FAITHFUL + "\n按资料，该考核项的目标值为4321项 [{b}]。", [FAITHFUL_QUOTE], KEPT + ONE_REMOVED),
        (FAITHFUL + "\n此外，该项目全年累计节约经费987.65万元。", [FAITHFUL_QUOTE], KEPT + ONE_REMOVED),
        (FAITHFUL + "此外，该项目还获得了省级表彰。", [FAITHFUL_QUOTE], KEPT + ONE_REMOVED),
        (
            FAITHFUL + "\n预算执行率指标分值为2分 [9]。",
            [FAITHFUL_QUOTE, {"n": 9, "quote": "预算执行率指标分值为2分。"}],
            KEPT + "\n预算执行率指标分值为2分 [1]。",
        ),
        (
            FAITHFUL + "\n该项目目标值为4321项，全年节约987.65万元 [{b}]。\n另外节约人力50人。",
            [FAITHFUL_QUOTE],
            KEPT + "\n（已删去 2 句在所引资料中找不到依据的内容）",
        ),
    ],
    ids=[
        "faithful-unchanged",
        "faithful-with-lead-in-and-carried-marker",
        "invented-number-under-valid-citation",
        "uncited-invented-number",
        "uncited-new-fact-same-line",
        "misnumbered-quote-sentence-recited",
        "two-removed",
    ],
)
def test_llm_answer_sentences_are_grounded(retriever, gate_on_coverage, answer, citations, expected):
    passages = retriever.search("预算执行率如何计分", k=5)
    b = next(i for i, p in enumerate(passages, 1) if "预算执行率达到95%" in p.chunk.text)
    scripted = [{"n": int(str(c["n"]).format(b=b)), "quote": c["quote"]} for c in citations]
    reply = model_reply(answer.format(b=b), scripted)
    result = answer_question("预算执行率如何计分", retriever, llm=FakeListChatModel(responses=[reply]))
    assert result.found
    assert result.answer == expected
    assert [c.n for c in result.citations] == [1]
    assert "4321" not in result.answer and "987.65" not in result.answer


def test_llm_answer_with_nothing_grounded_falls_back_with_a_note(retriever, gate_on_coverage):
    passages = retriever.search("预算执行率如何计分", k=5)
    b = next(i for i, p in enumerate(passages, 1) if "预算执行率达到95%" in p.chunk.text)
    reply = model_reply(
        f"该项目全年累计节约经费987.65万元 [{b}]。",
        [{"n": b, "quote": "预算执行率达到95%以上得满分，低于60%不得分。"}],
    )
    result = answer_question("预算执行率如何计分", retriever, llm=FakeListChatModel(responses=[reply]))
    offline = answer_question("预算执行率如何计分", retriever)
    assert result.answer == offline.answer + "\n" + answering.FALLBACK_NOTE
    assert result.citations == offline.citations
    assert "987.65" not in result.answer


def citation(n: int, quote: str) -> Citation:
    return Citation(n=n, document="d", section="s", quote=quote)


@pytest.mark.parametrize(
    ("text", "numbers", "expected_text", "expected"),
    [
        ("甲 [1]。乙 [2]。", [1, 2], "甲 [1]。乙 [2]。", [(1, "q1"), (2, "q2")]),
        ("乙 [2]。", [1, 2], "乙 [1]。", [(1, "q2")]),
        ("乙 [2]。甲 [1]。", [1, 2], "乙 [1]。甲 [2]。", [(1, "q2"), (2, "q1")]),
        ("甲 [1]。丙 [3]。", [1, 2, 3], "甲 [1]。丙 [2]。", [(1, "q1"), (2, "q3")]),
        ("甲 [1, 3]。", [1, 2, 3], "甲 [1][2]。", [(1, "q1"), (2, "q3")]),
    ],
)
def test_compact_citations_keeps_what_the_text_marks(text, numbers, expected_text, expected):
    out_text, out = compact_citations(text, [citation(n, f"q{n}") for n in numbers])
    assert out_text == expected_text
    assert [(c.n, c.quote) for c in out] == expected

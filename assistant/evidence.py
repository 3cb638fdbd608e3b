"""The evidence pack (依据): from retrieved passages, the statements that answer a question of a given kind.

A statement is a verbatim slice of a passage's own text — a table row, or a sentence cut at 。！？ only, so a
rule keeps its condition and its tiers ("①预算执行率达95%-100%，得4分；②预算执行率<95%，得分=预算执行率×4。") —
scored by the question's terms it holds (IDF-weighted, a synonym counting for its word) and by what the kind
needs: a rule or formula for ``rule``/``compute``, a band list for ``bands``, figures for ``fact``.

A passage that speaks to the reader as an instruction ("忽略以上所有指令…") is untrusted: it never supplies a
statement, and the answer says it was set aside.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from pydantic import BaseModel, Field

from assistant.questions import asks_grade
from assistant.quotes import display_quote
from assistant.retrieval import ASKING_WEIGHT, RetrievedPassage, Retriever
from assistant.text import (
    is_asking_word,
    norm,
    number_mentions,
    question_terms,
    sentence_spans,
    separate_quantities,
    synonyms_of,
    term_groups,
)
from knowledge import strip_context

RULE_MARKS = re.compile(
    r"得满分|不得分|得\s*\d|扣\s*\d|扣分|扣除|扣完|计分|评分|赋分|得分|=|＝|×|权重分|分值"
)
REPORTED_SCORE = re.compile(
    r"(?:评分|得分|总分|打分|评价分数|分数)\s*(?:为|是|：|:)?\s*\d+(?:\.\d+)?\s*分|(?:评分|得分)(?:结果|情况|表|等级)"
)
"""A score reported (评分97分, 得分为 99.42 分, 评分结果): a fact about a project, not a rule of scoring."""
FORMULA_MARKS = re.compile(r"[=＝].{0,40}[/×*÷]|[/×*÷].{0,40}[=＝]|计算公式|公式")
BAND_MARKS = re.compile(r"[“\"]?[优良中差][”\"]?.{0,12}(?:\d|分)|(?:\d|分).{0,12}[“\"][优良中差][”\"]")
TIER_MARKS = re.compile(r"[≥>＞≧]\s*\d+(?:\.\d+)?\s*%.{0,12}得|档")
INSTRUCTION = re.compile(
    r"忽略(?:以上|上述|之前|前面|所有).{0,6}(?:指令|指示|要求|规则|内容)|ignore (?:all |the )?(?:previous|above)"
    r"|(?:你|您)(?:现在|必须|应当|只能)(?:是|扮演|回答|输出)|系统提示|system prompt|请(?:直接)?(?:回答|输出|写成)"
    r"|(?:总分|得分)(?:一律)?(?:写成|改为|填成|记为)",
    re.IGNORECASE,
)
"""Text addressed to the assistant rather than stating a rule: a passage holding it is untrusted data."""
NUMBER_BONUS = 0.3
"""Extra weight of a statement holding a figure the question names (a tier boundary, a threshold)."""
MAX_STATEMENT_CHARS = 360
"""A longer sentence is cut to the clauses around its best match (at ；/，boundaries)."""


class Statement(BaseModel):
    """One candidate statement of a passage."""

    passage: int = Field(description="Index of the passage in the list given")
    quote: str = Field(description="Verbatim slice of the passage's own text")
    display: str = Field(description="The quote as shown (rows labelled, LaTeX as text)")
    score: float
    is_rule: bool = False
    is_formula: bool = False
    is_bands: bool = False


def is_instruction(text: str) -> bool:
    """True when ``text`` addresses the reader with an instruction (prompt injection), not a rule."""
    return bool(INSTRUCTION.search(text))


class TermWeights:
    """IDF weights of a question's terms over the index, each term with its synonyms."""

    def __init__(self, question: str, retriever: Retriever) -> None:
        tokens = [
            t
            for t in question_terms(retriever.index.tokenizer(separate_quantities(question)))
            if len(t) >= 2 or t.isdigit()
        ]
        _, order, df = retriever.index.keyword_index()
        n = max(len(order), 1)
        idf = {t: math.log(1.0 + (n + 1) / (df.get(t, 0) + 0.5)) for t in tokens}
        self.terms: dict[str, tuple[float, tuple[str, ...]]] = {}
        self.parts: dict[str, list[str]] = {}
        for head, parts in term_groups(tokens):
            # A word saying what kind of answer is wanted (档次, 计算方法) weighs less than the subject asked about,
            # as in the retriever's coverage.
            weight = max(idf[t] for t in (head, *parts)) * (ASKING_WEIGHT if is_asking_word(head) else 1.0)
            self.terms[head] = (weight, (head, *synonyms_of(head)))
            self.parts[head] = parts
        self.total = sum(w for w, _ in self.terms.values()) or 1.0

    def hit(self, text: str) -> float:
        """Share (0..1) of the question's word weight found in ``text``: a word found whole or through a
        synonym counts fully, by its pieces half."""
        low = norm(text).lower()
        got = 0.0
        for head, (weight, forms) in self.terms.items():
            if any(f in low for f in forms):
                got += weight
            elif self.parts[head] and any(p in low for p in self.parts[head]):
                got += 0.5 * weight * sum(1 for p in self.parts[head] if p in low) / len(self.parts[head])
        return got / self.total

    def content_terms(self) -> list[str]:
        """The question's words that say what it is about: not asking words (评分, 扣分, 标准) nor words every
        evaluation document uses (``GENERIC_WORDS``)."""
        return [t for t in self.terms if not is_asking_word(t) and t not in GENERIC_WORDS]

    def holds_content(self, text: str) -> bool:
        """True when ``text`` holds one of the question's content words (or a synonym or a piece of it), or the
        question has none: a statement matching only 评分/分数/评价 does not speak to the question's point."""
        content = self.content_terms()
        if not content:
            return True
        low = norm(text).lower()
        return any(
            any(f in low for f in self.terms[t][1]) or any(p in low for p in self.parts[t]) for t in content
        )

    def unseen(self, df: dict[str, int]) -> list[str]:
        """Terms that occur nowhere in the knowledge base, nor do their synonyms."""
        return [t for t, (_, forms) in self.terms.items() if not any(df.get(f, 0) for f in forms)]


GENERIC_WORDS = frozenset("评价 绩效 项目 指标 绩效评价 项目支出 支出 资金 分 单位".split())
"""Words every evaluation report uses: a statement sharing only these with a question says nothing about it."""
ACTION_QUESTION = re.compile(
    r"怎么办|咋办|咋整|怎么处理|如何处理|咋处理|怎么弄|咋弄|如何应对|怎么应对|怎么解决|如何解决"
)
"""A question asking what to do: a rule (扣分, 得分) or an advice answers it, a reported fact does not."""
ADVICE_MARKS = re.compile(
    r"建议|应当|应该|应及时|应加强|应按|需要|须|要求|加强|完善|规范|整改|改进|措施|确保|督促|落实|提高|调整"
)


_ENUMERATED = re.compile(r"^\s*(?:[②③④⑤⑥⑦⑧⑨⑩]|[（(]?[2-9][)）.、．]|[二三四五六七八九十][、.])")
_LEAD = re.compile(r"[：:]\s*$")


def _units(text: str) -> list[tuple[int, int]]:
    """Table rows and sentences (cut at 。！？ and line ends, not at ；), a unit continued on the next lines kept
    whole: a lead ending in ：, the items of an enumeration (①… ②…), the lines of a band list (90分以上为“优”；
    80分（含）~90分为“良”；…)."""
    spans = _rows_whole(text, sentence_spans(text, lines=True, semicolons=False))
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged:
            pa, pb = merged[-1]
            previous, current = text[pa:pb], text[a:b]
            continues = (
                _LEAD.search(previous)
                or _ENUMERATED.match(current)
                or (BAND_MARKS.search(previous) and BAND_MARKS.search(current))
            )
            if continues and "|" not in current and b - pa <= MAX_STATEMENT_CHARS:
                merged[-1] = (pa, b)
                continue
        merged.append((a, b))
    return merged


def _rows_whole(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences of a table row joined back into the row: a row's cells belong together (the indicator,
    its explanation and its rule “…满意度。| 根据…满意率得分。项目分值=满意率*11”); a long row is cut to its
    best clauses afterwards (``_trim``)."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        line_start = text.rfind("\n", 0, a) + 1
        line_end = text.find("\n", a)
        line_end = len(text) if line_end < 0 else line_end
        if "|" in text[line_start:line_end] and out and out[-1][0] >= line_start:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _trim(text: str, a: int, b: int, weights: TermWeights) -> tuple[int, int]:
    """A long unit cut to the clauses around its best-matching clause (plus the two that follow it)."""
    if b - a <= MAX_STATEMENT_CHARS:
        return a, b
    clauses = sentence_spans(text[a:b], lines=False, semicolons=True)
    if len(clauses) <= 1:
        return a, b
    scores = [weights.hit(text[a + x : a + y]) for x, y in clauses]
    best = max(range(len(clauses)), key=lambda i: (scores[i], -i))
    last = min(best + 2, len(clauses) - 1)
    while last > best and clauses[last][1] - clauses[best][0] > MAX_STATEMENT_CHARS:
        last -= 1
    return a + clauses[best][0], a + clauses[last][1]


FACT_ASKS: dict[str, re.Pattern[str]] = {
    "score": re.compile(r"多少分|几分|得分|评了|等级|评级|总分|得了|评价结论|评价结果"),
    "count": re.compile(r"多少个|几个|一共多少|共多少|多少项|几项"),
    "why": re.compile(r"为什么|为啥|原因|没达标|未达标|咋回事"),
    "problems": re.compile(r"问题|不足|短板"),
    "rate": re.compile(r"率是多少|率多少|比例是多少"),
    "how": re.compile(r"怎么算|怎么来|如何计算|怎么计算|怎么得|算出来|得出来|计算过程"),
    "amount": re.compile(r"多少钱|预算多少|投了多少|投入多少|花了多少|金额|资金多少|经费多少|预算是多少"),
}
"""What a fact question asks for, and (below) what a statement answering it holds."""
FACT_ANSWERS: dict[str, re.Pattern[str]] = {
    "score": re.compile(
        r"\d+(?:\.\d+)?\s*分|等级[：:为]|[为是][“\"]?[优良中差][”\"]?(?:[，。；]|$)|结果等级"
    ),
    "count": re.compile(r"\d+\s*(?:个|项|份|家|人|次|条|所|户|名|台|套|处|批|篇|场)|共\s*\d+"),
    "why": re.compile(r"原因|因为|由于|导致|因断电|造成"),
    "problems": re.compile(r"问题|不足|不够|不完善|不规范|未|缺乏|欠缺"),
    "rate": re.compile(r"\d+(?:\.\d+)?\s*%"),
    "how": re.compile(r"[=＝].{0,60}[/×*÷]|[/×*÷].{0,60}[=＝]|赋分|计算如下|计算公式"),
    "amount": re.compile(r"\d[\d,.]*\s*(?:万元|元|亿元|万)"),
}
HOWTO_SECTION = re.compile(r"问题|建议|经验|做法|偏差|原因分析|改进|措施|满意度|说明|结论")


ONE_INDICATOR = re.compile(r"该指标|此项指标|该项指标|本指标|此指标")
"""A statement about one indicator's score, not the project's."""


def _answers_fact(asks: list[str], quote: str, section: str) -> float:
    """Share of what the fact question asks that the statement (or its section) holds."""
    if not asks:
        return 0.0
    return sum(
        1 for a in asks if FACT_ANSWERS[a].search(quote) or (a == "problems" and FACT_ASKS[a].search(section))
    ) / len(asks)


def statements(
    passages: Sequence[RetrievedPassage],
    weights: TermWeights,
    kind: str,
    heading_filter: bool = True,
    question: str = "",
) -> list[Statement]:
    """Every scored statement of the trusted passages, best first."""
    asks = [name for name, pattern in FACT_ASKS.items() if pattern.search(question)]
    # Grade bands (优/良/中/差) answer a question about a total's grade; an indicator's tiers answer the rest.
    grade = asks_grade(question) or not question
    asked = {m.value for m in number_mentions(question) if not (m.unit == "年" or 1900 <= m.value <= 2100)}
    whole_project = "指标" not in question
    wants_action = bool(ACTION_QUESTION.search(question)) and kind in ("rule", "howto")
    out: list[Statement] = []
    for i, passage in enumerate(passages):
        if is_instruction(passage.chunk.text):
            continue
        own = strip_context(passage.chunk.text)
        heading = norm(passage.chunk.document + passage.chunk.section)
        for a, b in _units(own):
            a, b = _trim(own, a, b, weights)
            quote = own[a:b]
            if heading_filter and norm(quote) in heading:
                continue
            display = display_quote(quote, passage.chunk.text)
            if len(norm(display)) < 4:
                continue
            # The quote's own words count most; its document title and section count too (数字泉城 in a question
            # is in the title, not in the sentence that gives the score).
            titled = weights.hit(f"{passage.chunk.document}\n{passage.chunk.section}\n{quote}")
            # For a fact about a named project the title names it: every statement of its report is about it,
            # and what the question asks for (a score, a reason) decides among them.
            hit = titled if kind == "fact" else 0.7 * weights.hit(quote) + 0.3 * titled
            if hit == 0:
                continue
            if kind != "fact" and not weights.holds_content(
                f"{passage.chunk.document}\n{passage.chunk.section}\n{quote}"
            ):
                continue  # only 评分/分数/评价 in common: not about what was asked
            is_rule = bool(RULE_MARKS.search(REPORTED_SCORE.sub("", quote)))
            if wants_action and not (is_rule or ADVICE_MARKS.search(quote)):
                continue  # what to do was asked: a reported fact (单位自评优，评分97分) does not say it
            is_formula = bool(FORMULA_MARKS.search(quote))
            tiered = len(TIER_MARKS.findall(quote)) >= 2
            is_bands = tiered or (len(BAND_MARKS.findall(quote)) >= 2 and grade)
            # Relevance first; what the kind of question needs multiplies it (a formula row about another
            # indicator must not outrank the rule of the indicator asked about).
            bonus = 1.0
            if kind in ("rule", "compute"):
                bonus += 0.3 * is_rule + 0.15 * is_formula + 0.1 * is_bands
            elif kind == "bands":
                bonus += 0.6 * is_bands + 0.1 * is_rule
            elif kind == "fact":
                bonus += 0.1 * bool(re.search(r"\d", quote)) + 0.5 * _answers_fact(
                    asks, quote, passage.chunk.section
                )
            elif kind == "howto":
                bonus += 0.2 * bool(HOWTO_SECTION.search(passage.chunk.section))
            if (
                asked
                and (is_rule or kind not in ("rule", "compute"))
                and asked & {m.value for m in number_mentions(quote)}
            ):
                # The statement holds the question's own figure (低于85%: the tier that names 85%).
                bonus += NUMBER_BONUS
            score = hit * bonus + 0.01 * max(0, 5 - i)
            if kind == "fact":
                # What the question asks for (a score, a count, a reason) decides among the project's statements.
                score += 0.4 * _answers_fact(asks, quote, passage.chunk.section)
                if "score" in asks and whole_project and ONE_INDICATOR.search(quote):
                    # The project's score or grade was asked, not one indicator's (该指标得满分 2 分).
                    score *= 0.6
            if len(norm(quote)) < 8:
                score *= 0.5
            out.append(
                Statement(
                    passage=i,
                    quote=quote,
                    display=display,
                    score=round(score, 4),
                    is_rule=is_rule,
                    is_formula=is_formula,
                    is_bands=is_bands,
                )
            )
    out.sort(key=lambda s: (-s.score, s.passage))
    return out


def untrusted(passages: Sequence[RetrievedPassage]) -> list[RetrievedPassage]:
    """The passages set aside as instructions."""
    return [p for p in passages if is_instruction(p.chunk.text)]

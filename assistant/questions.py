"""What a staff question asks (问题分析): its kind, its parts, its numbers, and the words to search for.

- kind: ``bands`` (grade bands or tiers), ``compute`` (carries numbers and asks for a result), ``howto`` (how to
  write a part), ``fact`` (about a named project of the knowledge base), else ``rule`` (a scoring rule or formula);
- parts: a two-part question ("预算执行率和资金到位率分别怎么算", "良是多少分，85分算哪档") is answered per part;
- typos: homophone slips of domain terms are corrected before searching (预算执形率 → 预算执行率).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

from assistant.text import correct_typos, nfkc, number_mentions, spoken_numbers

QuestionKind = Literal["rule", "bands", "compute", "fact", "howto"]

BAND_WORDS = (
    "等级",
    "评级",
    "档次",
    "哪档",
    "哪一档",
    "优秀",
    "不及格",
    "分数段",
    "各档",
    "优良中差",
    "分档",
    "几等",
    "啥等",
    "哪等",
)
GRADE_LETTERS = re.compile(
    r"(?:算|是|为|评|属于|达到|拿|得)[优良中差](?![化点势先质旅额异距错])|[优良中差](?:还是|吗|等级|档|的分数|是多少|多少分|各)"
)
"""A grade named as a grade (算良, 良还是中, 优各多少分), not a character of another word (差旅费, 中心)."""
GRADE_WORDS = re.compile(
    r"总分|综合得分|评价等级|评价结果|等级|评级|优秀|不及格|优良中差|分数段|[几啥哪]等(?![待到于同])"
)
"""Words of a question about the grade of a total (not the tiers of one indicator's rule)."""


def asks_grade(text: str) -> bool:
    """True when the question is about the grade bands of a total (优/良/中/差), not an indicator's tiers."""
    return bool(GRADE_WORDS.search(text) or GRADE_LETTERS.search(text))


HOWTO_WORDS = ("怎么写", "如何写", "怎样写", "咋写", "怎么表述", "如何表述", "写什么", "写些什么", "写哪些",
               "怎么撰写", "如何撰写", "包括哪", "包含哪", "哪几部分", "哪些部分", "结构", "提纲", "框架", "格式",
               "对应着写", "怎么描述", "如何描述", "咋填", "怎么填", "如何填", "填什么", "填啥", "写啥", "怎么列",
               "如何列", "介绍哪些", "写哪些内容", "咋描述")  # fmt: skip
RESULT_WORDS = ("几分", "多少分", "得多少", "能得", "得分多少", "还剩", "剩多少", "多少", "是多少", "什么等级",
                "评个", "算良", "算优", "算中", "算差", "哪档", "等于", "算多少", "算出", "得几")  # fmt: skip
QUESTION_MARKS = (
    "怎么",
    "如何",
    "怎样",
    "咋",
    "多少",
    "几",
    "什么",
    "哪",
    "吗",
    "是否",
    "为什么",
    "为啥",
    "啥",
    "谁",
)
FACT_QUESTION = re.compile(
    r"得分多少|多少分|得了几分|评了|什么等级|等级是什么|存在哪些问题|存在什么问题|为什么|为啥"
)
"""A question about one project's result (…项目评价得分多少), even when the project is not named in a title."""
_YEAR_LIKE = re.compile(r"(?:19|20)\d{2}\s*年")
_PAIR = re.compile(
    r"^(?P<pre>.*?)(?P<a>[\u4e00-\u9fffA-Za-z]{2,12})(?:和|与|及|跟|、)(?P<b>[\u4e00-\u9fffA-Za-z]{2,12})分别(?P<rest>.+)$"
)
_PAIR_VALUE = re.compile(
    r"^(?P<pre>)(?P<a>[\u4e00-\u9fffA-Za-z]{2,12})(?:和|与|及|跟|、)(?P<b>[\u4e00-\u9fffA-Za-z]{2,12}?)"
    r"(?P<rest>(?:各自|各)?(?:是多少|多少|怎么算|如何计算|怎么计算|如何计分|怎么计分|是什么)[？?]?)$"
)
"""“A和B是多少 / 怎么算” without 分别: two values asked at once."""
_CLAUSE = re.compile(r"[，,；;？?]")
ASKING_TAIL = re.compile(r"(?:没|没有|不|否|么|没得)$")
"""A clause asking by its tail (还有分没, 能拿满分不)."""


class AnalysedQuestion(BaseModel):
    """A question read for answering."""

    text: str = Field(description="The question as asked")
    corrected: str = Field(description="With homophone typos of domain terms corrected")
    fixes: list[tuple[str, str]] = Field(default_factory=list, description="(written, corrected) pairs")
    kind: QuestionKind
    parts: list[str] = Field(description="The sub-questions (one for a simple question)")
    searches: list[str] = Field(
        default_factory=list,
        description="What to search the knowledge base with for each part: a later clause of a two-part "
        "question carries the first clause, whose subject it leaves out (“成交价多少，供应商是谁”)",
    )
    has_numbers: bool = Field(description="The question carries numbers other than years")


def has_figures(text: str) -> bool:
    """Numbers other than years (2023年) and list positions."""
    return bool(number_mentions(_YEAR_LIKE.sub("", nfkc(text))))


def question_kind(text: str, project_words: Iterable[str] = ()) -> QuestionKind:
    """The kind of one (sub-)question; ``project_words`` name the knowledge base's projects (数字泉城, 政务云…)."""
    text = nfkc(text)
    if any(w in text for w in HOWTO_WORDS):
        return "howto"
    figures = has_figures(text)
    several = len(number_mentions(_YEAR_LIKE.sub("", text))) >= 2
    if any(w in text for w in project_words) and not (several and any(w in text for w in RESULT_WORDS)):
        return "fact"
    banded = any(w in text for w in BAND_WORDS) or bool(GRADE_LETTERS.search(text))
    if figures and (any(w in text for w in RESULT_WORDS) or banded):
        return "compute"
    if not figures and "项目" in text and FACT_QUESTION.search(text):
        return "fact"
    if banded:
        return "bands"
    return "rule"


def split_parts(text: str) -> list[str]:
    """A two-part question as its parts; otherwise [text]."""
    return [part for part, _ in split_searches(text)]


def split_searches(text: str) -> list[tuple[str, str]]:
    """(part, what to search the knowledge base with) for each part of a question. A later clause of a
    two-part question usually leaves out the subject the first clause named (“成交价多少，供应商是谁”), so it is
    searched together with the first clause."""
    text = text.strip()
    pair = _PAIR.match(text) or _PAIR_VALUE.match(text)
    if pair:
        pre, rest = pair.group("pre"), pair.group("rest")
        parts = [f"{pre}{pair.group('a')}{rest}", f"{pre}{pair.group('b')}{rest}"]
        return [(p, p) for p in parts]
    clauses = [c.strip() for c in _CLAUSE.split(text) if c.strip()]
    asking = [
        c for c in clauses if (any(m in c for m in QUESTION_MARKS) or ASKING_TAIL.search(c)) and len(c) >= 4
    ]
    if len(clauses) >= 2 and len(asking) >= 2:
        # Clauses before the first asking one are context shared by the parts ("自评总分85.5分，算良吗").
        found: list[tuple[str, str]] = []
        context = ""
        for clause in clauses:
            if clause not in asking:
                context += clause + "，"
            elif not found:
                found.append((context + clause, context + clause))
            else:
                found.append((clause, f"{found[0][0]}，{clause}"))
        return found
    return [(text, text)]


def analyse(text: str, vocabulary: Iterable[str] = (), project_words: Iterable[str] = ()) -> AnalysedQuestion:
    """Read ``text``: numbers spoken in characters written in digits (一百二十万 → 120万), typos fixed against
    ``vocabulary``, kind, parts."""
    words = tuple(project_words)
    corrected, fixes = correct_typos(spoken_numbers(text.strip()), vocabulary)
    kind = question_kind(corrected, words)
    split = split_searches(corrected)
    if kind == "compute" and not (
        len(split) > 1
        and any(not has_figures(part) and question_kind(part, words) == "rule" for part, _ in split)
    ):
        # A compute question stays whole (its clauses share the figures), unless one part asks a rule with no
        # figure of its own (得分率怎么算，80分算什么档次).
        split = [(corrected, corrected)]
    return AnalysedQuestion(
        text=text,
        corrected=corrected,
        fixes=fixes,
        kind=kind,
        parts=[part for part, _ in split],
        searches=[search for _, search in split],
        has_numbers=has_figures(corrected),
    )

"""Sentence-level grounding of a generated answer (回答溯源): what a model wrote is kept only where the passages
it cites back it up. Our promise: every number shown comes from the scorer, the user or a cited source.

How an answer is read (the same reading as ``pe-assistant eval grounding``): the text is cut into lines, each
line into sentences after 。！？；!?; . Citation markers ``[n]`` / ``【n】`` at the start of a sentence belong to
the sentence before it ("甲。[1]"). A sentence without a marker is cited by the next marker of its line ("甲。乙
[1]" cites 甲 and 乙); a sentence after the last marker of its line is uncited.

The rules, per sentence (markers and a leading list number "1. " removed):

1. **Numbers.** Every number in it (digits after NFKC, thousands separators dropped, compared by value so 95
   and 95.0 agree) must occur in a passage it cites (document title, section or text) or in the question. A
   cited sentence with a number from elsewhere is not kept.
2. **Uncited sentences.** An uncited sentence is kept only when it is framing:
   - a *lead-in*: ends in ：/:, has no number, at most ``MAX_LEAD_IN_CHARS`` characters ("根据知识库中的资料："); or
   - a *restatement*: no number outside the question and no content word outside the question (content words:
     keyword tokens of two or more characters that are not numbers and not in ``FRAMING_WORDS``).
3. **Re-attribution.** A sentence (not a lead-in) that occurs verbatim (whitespace ignored, NFKC, at least
   ``MIN_VERBATIM_CHARS`` characters) in a passage cited in the answer but in none of its own citations is
   cited to that passage — uncited, or cited under the wrong number (whose quote was then dropped or repaired
   to another sentence). A sentence failing rule 1 or 2 also keeps its place, cited to that passage, when one
   passage cited in the answer holds every number in it and at least ``MIN_WORD_COVERAGE`` of its content
   words.
4. Otherwise the sentence is removed, with the reason recorded. Lines left with no sentence are dropped; the
   markers of a removed sentence that also covered earlier sentences of its line move to those sentences.

Not checked (a known gap, shared with the eval): numbers written in Chinese numerals (十二项), and whether a
cited sentence's words (rather than its numbers) come from its passage — a paraphrase with the right figures
and a real citation is what a good model writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import BaseModel, Field

from assistant.text import norm, numbers_in

Tokenizer = Callable[[str], list[str]]

MAX_LEAD_IN_CHARS = 30
"""A sentence ending in ：/: longer than this is not a mere lead-in."""
MIN_VERBATIM_CHARS = 6
"""A sentence this long (whitespace removed) found verbatim in a cited passage is taken to come from it."""
MIN_WORD_COVERAGE = 0.8
"""Share of a sentence's content words a passage must hold to back it (rule 3), as in the grounding eval."""
FRAMING_WORDS = frozenset(
    "根据 依据 资料 知识库 指出 显示 提到 所述 如下 其中 此外 另外 以及 该项 该项目 报告 可知 表明 "
    "综上 综上所述 总之 因此 可见".split()
)
"""Words an answer uses to introduce or link facts; they carry no fact, so they need no support (the grounding
eval's list plus a few summing-up connectives)."""
REMOVAL_NOTE = "（已删去 {count} 句在所引资料中找不到依据的内容）"
"""The line appended to an answer from which sentences were removed."""
FALLBACK_NOTE = "（大模型的回答在所引资料中找不到依据，以上改为资料原文摘录）"
"""The line appended to the extractive answer given in place of a generated one that could not be grounded."""
MODEL_UNUSABLE_NOTE = "（大模型两次返回的内容都无法使用，以下为离线回答。）"
MODEL_FAILED_NOTE = "（大模型未能完成（{reason}），以下为离线回答。）"
MODEL_ABSTAINED_NOTE = "（大模型答“未找到依据”，但知识库中有相关资料，以下为离线回答。）"
NO_WORKED_NOTE = "（问题中的数字无法分清各自是分值、目标值还是实际值，未给出算例；写明后再问即可得到算例。）"
SET_ASIDE_NOTE = "（{documents}中含有要求助手改变行为的文字，已作为不可信内容忽略，未作为依据。）"
PART_NOTE = "（问题{ordinal}：{part}）"
TYPO_NOTE = "（{fixes}。）"
"""Every note line the answerer adds (besides the two above). Each reports on the answer, none states a fact of
the corpus; ``is_note_line`` recognises exactly these shapes, so a fact hidden in parentheses is still read."""
_NOTE_LINE = re.compile(
    "|".join(
        [
            re.escape(REMOVAL_NOTE).replace(re.escape("{count}"), r"\d+"),
            re.escape(FALLBACK_NOTE),
            re.escape(MODEL_UNUSABLE_NOTE),
            re.escape(MODEL_FAILED_NOTE).replace(re.escape("{reason}"), r"[^\n]{1,80}?"),
            re.escape(MODEL_ABSTAINED_NOTE),
            re.escape(NO_WORKED_NOTE),
            re.escape(SET_ASIDE_NOTE).replace(re.escape("{documents}"), r"(?:《[^》\n]+》、?)+"),
            r"（问题[一二三四五六七八九十]：[^（）\n]*）",
            r"（(?:“[^”\n]{1,20}”按“[^”\n]{1,20}”理解、?)+。）",
        ]
    )
)

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_MARKER = re.compile(r"[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")
_LEADING_MARKERS = re.compile(r"^(?:\s*[\[【]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]】])+")
_LIST_NUMBER = re.compile(r"^\s*(?:[-*•>#]+\s*)?(?:\d+[.、．)）](?!\d)|[（(]\d+[)）])?\s*")
"""A line's bullet or enumerator ("1. ", "2、", "3)", "（4）", "- "): not a figure."""
_MARKUP = "*_#>-•` "
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")
_END_PUNCT = "。！？；!?;，,：: "
_TRAILING_PUNCT = re.compile(r"[。！？；!?;]*\s*$")


class RemovedSentence(BaseModel):
    """A sentence taken out of an answer, and why."""

    text: str = Field(description="The sentence as the model wrote it, markers removed")
    reason: str = Field(description="为什么删去（中文）")


class Reattributed(BaseModel):
    """A sentence whose citation was changed to the cited passage that backs it."""

    text: str = Field(description="The sentence, markers removed")
    cited: list[int] = Field(description="Citation numbers it had (empty: uncited)")
    now: int = Field(description="The citation number it carries now")


class GroundedText(BaseModel):
    """An answer text after the grounding rules, with what they changed."""

    text: str = Field(description="The answer text that passed (no removal note)")
    kept_cited: int = Field(description="Sentences kept that carry a citation")
    removed: list[RemovedSentence] = Field(default_factory=list, description="未能溯源而删去的句子")
    reattributed: list[Reattributed] = Field(default_factory=list)


def passage_numbers(text: str) -> set[Decimal]:
    """Numbers a passage vouches for: as written, and with whitespace removed (the corpus breaks lines and
    spaces digits inconsistently, e.g. "1 234.5")."""
    return numbers_in(text) | numbers_in(_SPACE.sub("", text))


def markers(text: str) -> list[int]:
    """Citation numbers of the markers in ``text``, in order."""
    return [int(n) for group in _MARKER.findall(text) for n in re.split(r"\D+", group) if n]


def content_words(text: str, tokenizer: Tokenizer) -> list[str]:
    """Keyword tokens of two or more characters that are not numbers and not framing words."""
    words = []
    for token in tokenizer(text):
        if len(token) < 2 or token in FRAMING_WORDS or _NUMBER.fullmatch(token.replace("%", "")):
            continue
        words.append(token)
    return list(dict.fromkeys(words))


def removal_note(count: int) -> str:
    """The line telling the user how many sentences were removed."""
    return REMOVAL_NOTE.format(count=count)


def is_note_line(line: str) -> bool:
    """True for the notes the answerer adds to an answer (what was removed, the fallback, how a typo was read,
    which part of the question follows, why a model's answer was not used…): they report on the answer, they
    state no fact of the corpus."""
    return bool(_NOTE_LINE.fullmatch(line.strip()))


# ---------------------------------------------------------------- reading an answer


@dataclass
class _Segment:
    raw: str
    """The sentence exactly as in the line, with any markers that follow it."""
    body: str
    """Markers and leading list number removed, stripped."""
    own: list[int]
    cited: list[int] = field(default_factory=list)
    new_cite: int | None = None
    removed: bool = False

    @property
    def countable(self) -> bool:
        return bool(self.body.strip(_END_PUNCT))


def _segments(line: str) -> list[_Segment]:
    raws: list[str] = []
    for part in _SENTENCE_END.split(line):
        if not part:
            continue
        leading = _LEADING_MARKERS.match(part)
        if leading and raws:
            raws[-1] += leading.group()
            part = part[leading.end() :]
        if not part.strip() and raws:
            raws[-1] += part
        elif part:
            raws.append(part)
    segments = []
    for i, raw in enumerate(raws):
        body = _MARKER.sub("", raw)
        if i == 0:
            body = _LIST_NUMBER.sub("", body)
        segments.append(_Segment(raw=raw, body=body.strip(), own=list(dict.fromkeys(markers(raw)))))
    carry: list[int] = []
    for segment in reversed(segments):
        if segment.own:
            carry = segment.own
        segment.cited = segment.own or carry
    return segments


# ---------------------------------------------------------------- the rules


@dataclass
class _Context:
    tokenizer: Tokenizer
    question_numbers: set[Decimal]
    question_words: str
    passage_numbers: dict[int, set[Decimal]]
    passage_norms: dict[int, str]


def _is_lead_in(body: str) -> bool:
    body = body.strip(_MARKUP)
    return body.endswith(("：", ":")) and not numbers_in(body) and len(body) <= MAX_LEAD_IN_CHARS


def _fault(segment: _Segment, ctx: _Context) -> str | None:
    """Why the sentence may not stand as it is cited, or None when it may."""
    body = segment.body
    numbers = numbers_in(body)
    if segment.cited:
        allowed = set(ctx.question_numbers)
        for n in segment.cited:
            allowed |= ctx.passage_numbers.get(n, set())
        stray = numbers - allowed
        if stray:
            return f"数字 {'、'.join(sorted(_show(x) for x in stray))} 不在所引资料中"
        return None
    if _is_lead_in(body):
        return None
    stray = numbers - ctx.question_numbers
    new_words = [w for w in content_words(body, ctx.tokenizer) if norm(w) not in ctx.question_words]
    if not stray and not new_words:
        return None
    if stray:
        return f"没有引用资料，其中的数字 {'、'.join(sorted(_show(x) for x in stray))} 无从溯源"
    return f"没有引用资料，陈述了问题以外的内容（{'、'.join(new_words[:5])}）"


def _show(number: Decimal) -> str:
    return format(number, "f")


def _misplaced(segment: _Segment, ctx: _Context) -> int | None:
    """The cited passage holding the sentence verbatim when none of its own citations does (the model gave the
    wrong number, or none); None otherwise, and for lead-ins and sentences too short to tell."""
    body = norm(segment.body.rstrip(_END_PUNCT)).lower()
    if len(body) < MIN_VERBATIM_CHARS or (not segment.cited and _is_lead_in(segment.body)):
        return None
    if any(body in ctx.passage_norms.get(n, "") for n in segment.cited):
        return None
    return next((n for n, text in ctx.passage_norms.items() if body in text), None)


def _backing_passage(segment: _Segment, ctx: _Context) -> int | None:
    """The cited passage holding every number of the sentence and most of its content words (rule 3), the one
    holding the largest share of them; None when there is none."""
    numbers = numbers_in(segment.body)
    words = content_words(segment.body, ctx.tokenizer)
    if not words:
        return None
    best, best_share = None, 0.0
    for n, text in ctx.passage_norms.items():
        if numbers - ctx.passage_numbers[n] - ctx.question_numbers:
            continue
        share = sum(1 for w in words if norm(w) in text) / len(words)
        if share > best_share:
            best, best_share = n, share
    return best if best_share >= MIN_WORD_COVERAGE else None


def ground_text(
    answer: str, cited_texts: Mapping[int, str], question: str, tokenizer: Tokenizer
) -> GroundedText:
    """Apply the rules (module docstring) to ``answer``; ``cited_texts`` maps each citation number to what it
    vouches for (document title, section and passage text). Lines nothing was changed in stay byte-identical."""
    ctx = _Context(
        tokenizer=tokenizer,
        question_numbers=numbers_in(question),
        question_words=norm(question).lower(),
        passage_numbers={n: passage_numbers(t) for n, t in cited_texts.items()},
        passage_norms={n: norm(t).lower() for n, t in cited_texts.items()},
    )
    removed: list[RemovedSentence] = []
    reattributed: list[Reattributed] = []
    kept_cited = 0
    lines_out: list[str] = []
    for line in answer.splitlines():
        segments = _segments(line)
        changed = False
        for segment in segments:
            if not segment.countable:
                continue
            misplaced = _misplaced(segment, ctx)
            if misplaced is not None:
                changed = True
                reattributed.append(Reattributed(text=segment.body, cited=segment.cited, now=misplaced))
                segment.new_cite = misplaced
                kept_cited += 1
                continue
            fault = _fault(segment, ctx)
            if fault is not None:
                changed = True
                backing = _backing_passage(segment, ctx)
                if backing is None:
                    segment.removed = True
                    removed.append(RemovedSentence(text=segment.body, reason=fault))
                    continue
                reattributed.append(Reattributed(text=segment.body, cited=segment.cited, now=backing))
                segment.new_cite = backing
            if segment.new_cite is not None or segment.cited:
                kept_cited += 1
        if not changed:
            lines_out.append(line)
            continue
        kept = [s for s in segments if not s.removed]
        if any(s.countable for s in kept):
            lines_out.append(_rebuilt(kept))
    text = "\n".join(lines_out).strip()
    return GroundedText(text=text, kept_cited=kept_cited, removed=removed, reattributed=reattributed)


def _rebuilt(kept: Sequence[_Segment]) -> str:
    """The line from its kept sentences, each still covered by the citations it had (or was given)."""
    parts = []
    for i, segment in enumerate(kept):
        if segment.new_cite is not None:
            parts.append(_with_markers(_MARKER.sub("", segment.raw), [segment.new_cite]))
            continue
        if segment.own:
            parts.append(segment.raw)
            continue
        carried = _next_own(kept[i + 1 :])
        if segment.countable and segment.cited and carried != segment.cited:
            parts.append(_with_markers(segment.raw, segment.cited))
        else:
            parts.append(segment.raw)
    return "".join(parts).rstrip()


def _next_own(segments: Sequence[_Segment]) -> list[int]:
    for segment in segments:
        if segment.new_cite is not None:
            return [segment.new_cite]
        if segment.own:
            return segment.own
    return []


def _with_markers(raw: str, cites: Sequence[int]) -> str:
    """``raw`` with ``[n]`` markers placed before its closing punctuation."""
    tail = _TRAILING_PUNCT.search(raw)
    start = tail.start() if tail else len(raw)
    return raw[:start].rstrip() + " " + "".join(f"[{n}]" for n in cites) + raw[start:]


# ---------------------------------------------------------------- rule claims against the scorer

_CONTRADICTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"(?:预算执行率?|执行率|预算执行情况).{0,8}(?:不计分|不计入|不得分|不考核|不纳入|不作为评分|不参与评分|无需评分)"
        ),
        "与评分规则不符：预算执行按 分值 × 执行率 计分",
    ),
    (
        re.compile(r"总分.{0,6}(?:写成|改为|改成|填成|填为|记为|一律)\s*\d"),
        "总分只能由评分引擎按各项得分相加得出",
    ),
    (
        re.compile(r"(?:不论|无论).{0,12}(?:得分|总分).{0,8}(?:均|都|一律)"),
        "得分由评分规则逐项计算，不存在一律给分",
    ),
)
"""Rule claims that contradict the scorer (assistant.scoring): an answer must not state them, whatever a
passage says (a document in the knowledge base may carry planted instructions)."""
_BAND_CLAIM = re.compile(
    r"(\d+(?:\.\d+)?)\s*分?(?:（含）)?\s*(?:分)?(?:以上|及以上|或以上)[^，。；]{0,6}?[“\"]?([优良中])[”\"]?"
)
_BAND_FLOOR = {"优": Decimal(90), "良": Decimal(80), "中": Decimal(60)}


def scorer_contradiction(sentence: str) -> str | None:
    """Why ``sentence`` contradicts the scorer's rules (grade bands, how budget execution and totals are
    scored), or None."""
    text = norm(sentence)
    for pattern, why in _CONTRADICTIONS:
        if pattern.search(text):
            return why
    for number, grade in _BAND_CLAIM.findall(text):
        if Decimal(number) != _BAND_FLOOR[grade]:
            return f"与等级标准不符：“{grade}”的下限是 {_BAND_FLOOR[grade]} 分"
    return None


def drop_contradictions(answer: str) -> tuple[str, list[RemovedSentence]]:
    """``answer`` without the sentences that contradict the scorer's rules, and what was removed."""
    removed: list[RemovedSentence] = []
    lines_out = []
    for line in answer.splitlines():
        segments = _segments(line)
        bad = [s for s in segments if s.countable and scorer_contradiction(s.body)]
        if not bad:
            lines_out.append(line)
            continue
        for segment in bad:
            segment.removed = True
            removed.append(
                RemovedSentence(text=segment.body, reason=scorer_contradiction(segment.body) or "")
            )
        kept = [s for s in segments if not s.removed]
        if any(s.countable for s in kept):
            lines_out.append(_rebuilt(kept))
    return "\n".join(lines_out).strip(), removed

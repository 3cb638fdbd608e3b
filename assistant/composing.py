"""The offline answer (离线作答): the rule, band table or fact first, then the formula, then a worked example
computed by the scorer when the question carries numbers; each statement cited. Sources that say the same are
merged; sources that differ are shown side by side, each under its document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, Field

from assistant.evidence import Statement
from assistant.grounding import NO_WORKED_NOTE
from assistant.models import Citation
from assistant.quotes import SCORING_MARKS, rule_row, same_quote
from assistant.retrieval import RetrievedPassage
from assistant.worked import SCORER_RULE_PREFIX, WorkedExample

OTHER_DOCUMENT_SHARE = 0.8
"""A statement of another document joins the answer when it scores at least this share of the best one."""
FORMULA_SHARE = 0.5
"""A separate formula statement joins a rule that has none when it scores at least this share of the rule."""
MAX_LEAD_STATEMENTS = 3
FACT_SHARE = 0.5
"""For a fact or how-to question, the best statement of another passage joins when it scores this share of the
best one."""
WORKED_PREFIX = "算例（评分引擎计算）："
"""Opens the worked-example line: its numbers come from the question and the scorer, not from a passage."""


class CitationBook:
    """Numbers citations across the parts of one answer; one number per (chunk, quote)."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._numbers: dict[tuple[str, str], int] = {}

    def cite(self, passage: RetrievedPassage, statement: Statement) -> int:
        key = (passage.chunk.id, statement.quote)
        if key not in self._numbers:
            n = len(self.citations) + 1
            chunk = passage.chunk
            self.citations.append(
                Citation(
                    n=n,
                    document=chunk.document,
                    section=chunk.section,
                    quote=statement.quote,
                    display=statement.display,
                    chunk_id=chunk.id,
                    source=chunk.source,
                    origin=chunk.origin,
                    added_at=chunk.added_at,
                )
            )
            self._numbers[key] = n
        return self._numbers[key]


class PartAnswer(BaseModel):
    """The composed lines for one part of a question."""

    lines: list[str] = Field(default_factory=list)
    found: bool = False


def _pick(
    statements: Sequence[Statement], passages: Sequence[RetrievedPassage], kind: str
) -> list[Statement]:
    """The lead statements: the best one, the same rule in other documents (merged or contrasted), and a
    formula of the same document when the best one states none."""
    if not statements:
        return []
    pool = list(statements)
    if kind == "bands":
        banded = [s for s in pool if s.is_bands]
        if banded:
            pool = banded + [s for s in pool if not s.is_bands]
    best = pool[0]
    chosen = [best]
    if kind in ("howto", "fact"):
        # A fact or a way of writing is often stated by several passages in part: the best statement of each of
        # the best passages, the strongest first.
        for s in pool[1:]:
            if len(chosen) >= MAX_LEAD_STATEMENTS:
                break
            if all(s.passage != c.passage for c in chosen) and not any(
                same_quote(s.quote, c.quote) for c in chosen
            ):
                if s.score >= FACT_SHARE * best.score:
                    chosen.append(s)
        return chosen
    documents = {passages[best.passage].chunk.document}
    for s in pool[1:]:
        if len(chosen) >= MAX_LEAD_STATEMENTS:
            break
        doc = passages[s.passage].chunk.document
        if doc in documents and not any(same_quote(s.quote, c.quote) for c in chosen):
            continue
        if s.score >= OTHER_DOCUMENT_SHARE * best.score:
            chosen.append(s)
            documents.add(doc)
    if kind in ("rule", "compute") and not best.is_formula:
        same_doc = [
            s
            for s in statements
            if s.is_formula
            and passages[s.passage].chunk.document == passages[best.passage].chunk.document
            and s.score >= FORMULA_SHARE * best.score
            and s not in chosen
        ]
        if same_doc:
            chosen.insert(1, same_doc[0])
    return chosen


MAX_SECTION_LABEL = 40


def _section_label(passage: RetrievedPassage) -> str:
    """“section”（《document》）： before a how-to example; empty for a passage without a section."""
    section = passage.chunk.section.strip()
    if not section:
        return ""
    if len(section) > MAX_SECTION_LABEL:
        section = section[:MAX_SECTION_LABEL] + "…"
    return f"《{passage.chunk.document}》“{section}”："


def _unbulleted(display: str) -> str:
    """A quote without the list bullet of its source line (the answer puts its own)."""
    return _BULLET.sub("", display, count=1)


_BULLET = re.compile(r"^\s*[-*•·]\s+")


def _shown(statement: Statement, passage: RetrievedPassage, formula_shown: bool = False) -> str:
    """A statement as the answer shows it: a rule row of a scoring table as '预算执行率（4分）：①…②…'
    (no column headers, no cells joined by ；), anything else as its display."""
    row = rule_row(statement.quote, passage.chunk.text) if statement.is_rule else None
    if row is None:
        return _unbulleted(statement.display)
    if formula_shown:
        row.rule = _without_definition(row.rule)
    return row.text()


def _without_definition(rule: str) -> str:
    """A rule from its first numbered tier (①…) when what comes before only defines the rate (the formula line
    shows that definition)."""
    at = rule.find("①")
    if at <= 0:
        return rule
    before = DEFINITION.sub("", rule[:at])
    return rule[at:] if not SCORING_MARKS.search(before) else rule


def compose_part(
    kind: str,
    statements: Sequence[Statement],
    passages: Sequence[RetrievedPassage],
    book: CitationBook,
    worked: WorkedExample | None,
    wants_worked: bool,
    rule_line: str | None = None,
    example: WorkedExample | None = None,
) -> PartAnswer:
    """The lines answering one part. With a worked example the scorer's result comes first (the answer in a
    sentence), then its rule, then the cited rules it stands on. A rule question's answer opens with a sentence
    composed from the cited rules (what they have in common, where they differ), then the formula they state,
    the scorer's rule and an ``example`` computed by it, then each document's rule; otherwise the lead
    statements (merged or contrasted across documents)."""
    chosen = _pick(statements, passages, kind)
    if worked is not None and kind in ("compute", "bands"):
        # A computed answer stands on rules: a data row that only shares the question's own figure (a budget
        # line holding 79.6 for "79.6分是什么等级") is no evidence for it.
        chosen = [s for s in chosen if s.is_rule or s.is_bands or s.is_formula]
    lines: list[str] = []
    groups: list[tuple[Statement, list[int], list[str]]] = []
    for s in chosen:
        n = book.cite(passages[s.passage], s)
        doc = passages[s.passage].chunk.document
        twin = next((g for g in groups if same_quote(g[0].quote, s.quote)), None)
        if twin is not None:
            twin[1].append(n)
            if doc not in twin[2]:
                twin[2].append(doc)
            continue
        groups.append((s, [n], [doc]))
    docs = {d for g in groups for d in g[2]}
    marks = lambda ns: "".join(f"[{n}]" for n in dict.fromkeys(ns))  # noqa: E731
    rules_only = all(g[0].is_rule or g[0].is_bands for g in groups)
    lead: list[str] = []
    if groups and kind in ("rule", "compute", "bands") and rules_only and worked is None:
        lead = _lead_lines(groups, passages, marks)
    formula_shown = any(line.startswith(FORMULA_PREFIX) for line in lead)
    rule_kind = kind in ("rule", "compute", "bands")
    shown = lambda s: (  # noqa: E731
        _shown(s, passages[s.passage], formula_shown) if rule_kind else _unbulleted(s.display)
    )
    if len(groups) == 1 and kind != "howto":
        s, ns, group_docs = groups[0]
        same = f"（{'、'.join(f'《{d}》' for d in group_docs)}表述相同）" if len(group_docs) > 1 else ""
        body = [f"{shown(s)} {marks(ns)}{same}"]
        if lead:
            body = [f"- 《{group_docs[0]}》{shown(s)} {marks(ns)}{same}"]
    elif groups and len(docs) > 1 and kind in ("rule", "compute", "bands") and rules_only:
        body = [] if lead else ["各文件的规定不完全相同："]
        for s, ns, group_docs in groups:
            names = "、".join(f"《{d}》" for d in group_docs)
            text = shown(s)
            joiner = "" if s.is_rule and rule_row(s.quote, passages[s.passage].chunk.text) else "："
            body.append(f"- {names}{joiner}{text} {marks(ns)}")
    elif kind == "howto":
        # Where a report writes it is part of the answer: each example under its section's heading.
        body = [f"- {_section_label(passages[s.passage])}{shown(s)} {marks(ns)}" for s, ns, _ in groups]
    else:
        body = [f"- {shown(s)} {marks(ns)}" for s, ns, _ in groups]
    scorer = [rule_line] if rule_line and kind in ("rule", "bands", "compute") else []
    if worked is not None:
        lines = [WORKED_PREFIX + worked.sentence(), *scorer, *body]
    elif lead:
        shown_example = [WORKED_PREFIX + example.sentence()] if example is not None and scorer else []
        heading = [DOCUMENT_RULES_HEADING] if scorer or shown_example or len(lead) > 1 else []
        lines = [*lead, *scorer, *shown_example, *heading, *body]
    else:
        lines = [*body, *scorer]
    if worked is None and wants_worked and kind == "compute":
        lines.append(NO_WORKED_NOTE)
    return PartAnswer(lines=lines, found=bool(groups) or worked is not None)


DOCUMENT_RULES_HEADING = "各文件的原文规定："
FORMULA_PREFIX = "计算公式："


def _lead_lines(groups, passages: Sequence[RetrievedPassage], marks) -> list[str]:
    """The answer in a sentence, composed from the cited rules of one indicator (its name from their rows), and
    the formula they state: '各报告对预算执行率的计分口径不同：2份规定达到95%即得满分，其余按比例计分…'. Every
    figure in it is a figure of a cited rule. [] when the rules are not rows of one indicator's scoring."""
    rows = []
    for s, ns, group_docs in groups:
        row = rule_row(s.quote, passages[s.passage].chunk.text) if s.is_rule else None
        if row is not None:
            rows.append((row, s, ns, group_docs))
    if not rows:
        return []
    name = common_name([row.name for row, *_ in rows]) or rows[0][0].name
    same = [(row, s, ns, group_docs) for row, s, ns, group_docs in rows if name in row.name]
    described = [(scoring_features(row.rule), ns, len(group_docs)) for row, s, ns, group_docs in same]
    sentence = lead_sentence(name, [(f, count) for f, _, count in described])
    if not sentence:
        return []
    cited = [n for features, ns, _ in described if features for n in ns]
    lines = [f"{sentence} {marks(cited)}"]
    formulas: dict[str, list[int]] = {}
    for row, _, ns, _ in same:
        found = DEFINITION.search(row.rule)
        if found:
            formulas.setdefault(re.sub(r"\s+", "", found.group(0)), []).extend(ns)
    for formula, ns in list(formulas.items())[:1]:
        lines.append(f"{FORMULA_PREFIX}{formula} {marks(ns)}")
    return lines


MIN_COMMON_NAME = 2


def common_name(names: Sequence[str]) -> str:
    """The indicator several rows score under different names (社会公众满意度, 部门满意度 → 满意度): their longest
    common ending of at least two characters; '' when they share none."""
    names = [n for n in dict.fromkeys(names) if n]
    if not names:
        return ""
    ending = names[0]
    for other in names[1:]:
        k = 0
        while k < min(len(ending), len(other)) and ending[-1 - k] == other[-1 - k]:
            k += 1
        ending = ending[len(ending) - k :] if k else ""
    ending = re.sub(r"^[（(）)、，,\s]+", "", ending)
    return ending if len(ending) >= MIN_COMMON_NAME else ""


DEFINITION = re.compile(
    r"[\u4e00-\u9fff]{2,12}(?:率|度|比例)\s*[=＝]\s*[（(][^；;。=＝]{2,60}?[)）]\s*[×*]\s*100\s*[%％]"
)
"""A rate's definition stated in a rule (预算执行率=（实际支出资金/实际到位资金）×100%)."""
_PERCENT = r"(\d+(?:\.\d+)?)\s*[%％]"
FULL_AT = re.compile(
    r"(?:达到?|≥|>=|不低于|大于等于|以上)\s*"
    + _PERCENT
    + r"(?:\s*[-~—至]\s*100\s*[%％])?(?:（含）|\(含\))?(?:以上)?"
    r"[^；;。②③④]{0,10}?(?:得满分|得\s*\d+(?:\.\d+)?\s*分)"
)
FULL_AT_TARGET = re.compile(r"达到((?:年度)?(?:目标|计划|预期|指标)值?|评价标准)[^；;。]{0,4}得满分")
ZERO_BELOW = re.compile(
    r"(?:低于|小于|<|＜|未达到?)\s*" + _PERCENT + r"[^；;。]{0,10}?(?:不得分|得\s*0\s*分)"
)
PROPORTIONAL = re.compile(
    r"得分\s*[=＝]\s*[^；;。\-－—+（(]{1,20}?[×*]\s*(?:\d|分值|权重|满分)|[×*]\s*(?:分值|权重分|权重)|按比例"
)
"""Points in proportion to a rate (得分=预算执行率×4); a formula taking something off full marks is not."""
OFF_FULL = re.compile(r"得分\s*[=＝]\s*(?:满分|分值)\s*[-－—]")
ZERO_ABOVE = re.compile(r"超(?:出|过)[^；;。，,]{0,8}?" + _PERCENT + r"\s*(?:以上)?[^；;。]{0,4}?不得分")
PER_ITEM = re.compile(r"每[^；;。]{0,15}?扣(?:分|除)?\s*(\d+(?:\.\d+)?)\s*分")
TIER_BOUNDS = re.compile(r"[≥>＞≧]\s*\d+(?:\.\d+)?\s*[%％]")
ITEM_POINTS = re.compile(r"得(?:分)?\s*\d+(?:\.\d+)?\s*分|各占\s*\d+(?:\.\d+)?\s*[%％]\s*权重")


MIN_TIERS = 3
"""A rule naming at least this many rate bounds (≥90%, ≥80%, ≥60%) gives points by tiers."""


def scoring_features(rule: str) -> dict[str, str]:
    """What kind of scoring a rule states, with its figures: full marks from a rate (``full_at``: '95%'), full
    marks at the target (``full_at_target``), none below a rate (``zero_below``), points in proportion
    (``proportional``) or taken off full marks by a formula (``off_full``), none beyond an overrun (``zero_above``),
    a deduction per finding (``per_item``: '0.5'), points per requirement (``checklist``)."""
    found: dict[str, str] = {}
    if m := FULL_AT.search(rule):
        found["full_at"] = m.group(1) + "%"
    elif m := FULL_AT_TARGET.search(rule):
        found["full_at_target"] = m.group(1)
    if m := ZERO_BELOW.search(rule):
        found["zero_below"] = m.group(1) + "%"
    if OFF_FULL.search(rule):
        found["off_full"] = ""
    elif PROPORTIONAL.search(rule):
        found["proportional"] = ""
    if m := ZERO_ABOVE.search(rule):
        found["zero_above"] = m.group(1) + "%"
    if m := PER_ITEM.search(rule):
        found["per_item"] = m.group(1)
    if len(TIER_BOUNDS.findall(rule)) >= MIN_TIERS and "proportional" not in found:
        found["tiers"] = ""
    if not ({"proportional", "tiers", "full_at"} & set(found)) and len(ITEM_POINTS.findall(rule)) >= 2:
        found["checklist"] = ""
    return found


def lead_sentence(name: str, described: Sequence[tuple[dict[str, str], int]]) -> str:
    """'各报告对预算执行率的计分口径不同：均按比例计分（得分 = 预算执行率 × 分值）；2份规定预算执行率达到95%即得满分，
    1份规定低于60%不得分。' from the features of each document's rule (and how many documents state it); one
    document's rule in one sentence without counts; '' when no rule has a feature that can be told."""
    described = [(f, n) for f, n in described if f]
    if not described:
        return ""
    total = sum(n for _, n in described)
    texts = {
        "full_at": lambda v: f"{name}达到{v}即得满分",
        "full_at_target": lambda v: f"达到{v}即得满分",
        "proportional": lambda v: f"按比例计分（得分 = {name} × 分值）",
        "tiers": lambda v: "其间分档给分",
        "checklist": lambda v: "按评分要点逐项给分",
        "per_item": lambda v: f"每发现一处扣{v}分",
        "off_full": lambda v: "未达到的按公式从满分中扣减",
        "zero_below": lambda v: f"低于{v}不得分",
        "zero_above": lambda v: f"超出{v}以上不得分",
    }
    counted: dict[tuple[str, str], int] = {}
    for features, n in described:
        for key, value in features.items():
            counted[(key, value)] = counted.get((key, value), 0) + n
    ordered = sorted(counted.items(), key=lambda kv: (list(texts).index(kv[0][0]), -kv[1]))
    if total == 1:
        return f"{name}的计分规则：{'，'.join(texts[k](v) for (k, v), _ in ordered)}。"
    common = [texts[k](v) for (k, v), count in ordered if count == total]
    partial = [f"{count}份规定{texts[k](v)}" for (k, v), count in ordered if count < total]
    said = (["均规定" + "，".join(common)] if common else []) + (["，".join(partial)] if partial else [])
    opening = f"各报告对{name}的计分口径不同" if partial else f"各报告对{name}的计分"
    return f"{opening}：{'；'.join(said)}。"


COMPOSED_LINE = re.compile(r"^(?:各报告对.{1,40}?的计分|.{1,40}?的计分规则：|" + FORMULA_PREFIX + ")")
COMPOSED_WORDS = frozenset(
    "计分 口径 不同 规定 比例 按比例 达到 即得 满分 得满分 一处 计算 公式 计算公式 规则 计分规则 分档 给分 评分 "
    "要点 评分要点 逐项 其间 分值 得分 低于 不得分 发现 每发现 各报告 报告 目标值 未达到 公式 扣减 超出 以上".split()
)
"""The words the composer itself frames a composed line with (see ``lead_sentence``); its figures and the
indicator's name come from the rules it cites."""


def is_composed_line(line: str) -> bool:
    """True for a line the composer words from the cited rules' features (the first sentence, the formula): its
    figures are the rules' own, its framing words (``COMPOSED_WORDS``) are the composer's."""
    return bool(COMPOSED_LINE.match(line.strip()))


def is_scorer_line(line: str) -> bool:
    """True for a line whose content comes from the scorer, not from a passage: the worked example (its numbers
    are the question's and the scorer's) and the scorer's own rule."""
    return line.lstrip("- ").startswith((WORKED_PREFIX, SCORER_RULE_PREFIX))


def compose_outline(
    document: str, parts: Sequence[tuple[str, RetrievedPassage, Statement]], book: CitationBook
) -> PartAnswer:
    """The parts of a report, in order, each cited where it opens in the example document."""
    lines = [f"以《{document}》为例，报告由以下几部分组成："]
    for heading, passage, statement in parts:
        lines.append(f"- {heading} [{book.cite(passage, statement)}]")
    return PartAnswer(lines=lines, found=bool(parts))

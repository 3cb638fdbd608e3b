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
from assistant.quotes import same_quote
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


def compose_part(
    kind: str,
    statements: Sequence[Statement],
    passages: Sequence[RetrievedPassage],
    book: CitationBook,
    worked: WorkedExample | None,
    wants_worked: bool,
    rule_line: str | None = None,
) -> PartAnswer:
    """The lines answering one part. With a worked example the scorer's result comes first (the answer in a
    sentence), then its rule, then the cited rules it stands on; otherwise the lead statements (merged or
    contrasted across documents)."""
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
    if len(groups) == 1 and kind != "howto":
        s, ns, group_docs = groups[0]
        same = f"（{'、'.join(f'《{d}》' for d in group_docs)}表述相同）" if len(group_docs) > 1 else ""
        lines.append(f"{_unbulleted(s.display)} {marks(ns)}{same}")
    elif (
        groups
        and len(docs) > 1
        and kind in ("rule", "compute", "bands")
        and all(g[0].is_rule or g[0].is_bands for g in groups)
    ):
        lines.append("各文件的规定不完全相同：")
        for s, ns, group_docs in groups:
            names = "、".join(f"《{d}》" for d in group_docs)
            lines.append(f"- {names}：{_unbulleted(s.display)} {marks(ns)}")
    elif kind == "howto":
        # Where a report writes it is part of the answer: each example under its section's heading.
        for s, ns, _ in groups:
            lines.append(f"- {_section_label(passages[s.passage])}{_unbulleted(s.display)} {marks(ns)}")
    else:
        for s, ns, _ in groups:
            lines.append(f"- {_unbulleted(s.display)} {marks(ns)}")
    scorer = [rule_line] if rule_line and kind in ("rule", "bands", "compute") else []
    if worked is not None:
        lines[:0] = [WORKED_PREFIX + worked.sentence(), *scorer]
    else:
        lines += scorer
    if worked is None and wants_worked and kind == "compute":
        lines.append(NO_WORKED_NOTE)
    return PartAnswer(lines=lines, found=bool(groups) or worked is not None)


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

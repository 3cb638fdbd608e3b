"""存在的问题 and 有关建议: findings grouped 决策类/过程类/产出类/效益类, one recommendation per problem in the
same order, with precedent recommendations from the knowledge base quoted and cited.

Every lost point is a finding: the case's own findings come first, then one problem for each row that lost
points and that no finding states already (linked to it, naming it, or repeating most of its wording).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.case import Case, FindingCategory, Indicator
from assistant.report import Paragraph, Section

from .context import CATEGORY_ORDER, DraftContext, category_for
from .phrasebook import CATEGORY_DEFAULTS, Advice, advice_for
from .precedents import Precedents, bigrams
from .prose import MISSING_LOSS_REASON, join, section


@dataclass
class Problem:
    """One 存在的问题 entry: its category, the ref keys of its text and evidence, and the rows it explains."""

    category: FindingCategory
    text_key: str
    evidence_key: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    from_finding: bool = True
    """True for a finding the case states; False for a problem drafted from a lost row's own texts."""
    stated: bool = True
    """False when the case gives no reason at all for the lost points (the text only says so)."""

    @property
    def indicator(self) -> Indicator | None:
        return self.indicators[0] if self.indicators else None


COVERAGE = 0.5
CLAUSE_MIN = 8
"""Shortest first clause of a row's text that, found verbatim in a finding, shows the finding states it."""
"""Share of a lost row's problem bigrams a case finding must contain to count as already stating it."""


def _covers(finding: str, row_text: str, row_name: str) -> bool:
    """A case finding states a lost row's problem when it names the row, repeats the row's first clause
    word for word, or repeats most of its wording."""
    if row_name and row_name in finding:
        return True
    first = re.split(r"[，,；;：:。（(]", row_text, maxsplit=1)[0]
    if len(first) >= CLAUSE_MIN and first in finding:
        return True
    wanted = bigrams(row_text)
    return bool(wanted) and len(wanted & bigrams(finding)) / len(wanted) >= COVERAGE


def problems(ctx: DraftContext) -> list[Problem]:
    """The 存在的问题 list in category order: the case's own findings, then one problem for every row that lost
    points and that no finding states (linked to it, naming it, or repeating most of its wording): every lost
    point is a finding, and none is told twice."""
    found: list[Problem] = []
    for i, f in enumerate(ctx.case.findings):
        ind = _indicator_at(ctx.case, f.indicator)
        found.append(
            Problem(
                category=f.category,
                text_key=f"finding[{i}].text",
                evidence_key=f"finding[{i}].evidence" if ctx.has(f"finding[{i}].evidence") else None,
                indicators=[ind] if ind is not None else [],
            )
        )
    for ind in ctx.lost_indicators():
        if any(ind in p.indicators for p in found):
            continue
        text_key = _indicator_problem_key(ctx, ind)
        covering = next(
            (p for p in found if p.from_finding and _covers(ctx.values[p.text_key], ctx.values[text_key], ind.path[-1])),
            None,
        )
        if covering is not None:
            covering.indicators.append(ind)
            continue
        found.append(
            Problem(
                category=category_for(ind.path[0]),
                text_key=text_key,
                evidence_key=_row_evidence_key(ctx, ind),
                indicators=[ind],
                from_finding=False,
                stated=text_key != f"problem[{ind.key}]" or ctx.values[text_key] != UNSTATED,
            )
        )
    order = {c: n for n, c in enumerate(CATEGORY_ORDER)}
    found.sort(key=lambda p: order[p.category])
    ctx.put("count.problems", len(found), "computed")
    for c in CATEGORY_ORDER:
        ctx.put(f"count.problems[{c}]", sum(1 for p in found if p.category == c), "computed")
    return found


EVIDENCE_MAX_CHARS = 60
"""A row's 评分依据 longer than this (a calculation, a rule quoted in full) is left to 指标分析, where it is
already shown, rather than repeated in brackets after the problem."""
UNSTATED = "未得满分"
"""A lost row's whole problem text when the case gives no reason (the missing reason is asked for after it)."""


def _row_evidence_key(ctx: DraftContext, ind: Indicator) -> str | None:
    key = f"indicator[{ind.key}].evidence"
    if ind.deductions or not ctx.has(key) or len(ctx.values[key]) > EVIDENCE_MAX_CHARS:
        return None
    return key


def _indicator_problem_key(ctx: DraftContext, ind: Indicator) -> str:
    """The key of the case text that states what went wrong on a row: its finding, deviation or reason, or its
    deductions' and unmet criteria's findings joined; failing all, a sentence built from target and actual."""
    k = f"indicator[{ind.key}]"
    for key in (f"{k}.finding", f"{k}.deviation", f"{k}.reason"):
        if ctx.has(key):
            return key
    parts = [d.finding for d in ind.deductions or [] if d.finding]
    parts += [f"未达到“{c.text}”的要求" for c in ind.criteria or [] if not c.met]
    key = f"problem[{ind.key}]"
    if parts:
        # Joined case strings only: still a case fact.
        ctx.put(key, "；".join(parts), "case")
    else:
        _put_shortfall_text(ctx, ind, key)
    return key


def _put_shortfall_text(ctx: DraftContext, ind: Indicator, key: str) -> None:
    """A problem sentence built only from the row's own values, for rows with no written finding."""
    k = f"indicator[{ind.key}]"
    if ctx.has(f"{k}.target") and ctx.has(f"{k}.actual"):
        text = f"未达到年度指标值：目标为{ctx.values[f'{k}.target']}，实际完成{ctx.values[f'{k}.actual']}"
    else:
        text = UNSTATED
    # Built from case strings only, so it is a case fact, not a computed number.
    ctx.put(key, text, "case")


def _indicator_at(case: Case, path: list[str] | None) -> Indicator | None:
    if not path:
        return None
    for ind in case.indicators:
        if ind.path == path or ind.path[-1] == path[-1]:
            return ind
    return None


# ---------------------------------------------------------------- 五（二）、六


def draft_problems(ctx: DraftContext, precedents: Precedents | None = None) -> list[Section]:
    found = problems(ctx)
    if not found:
        return [section("problems", "存在的问题及原因分析", 2, ["经评价，项目各项指标均得满分，未发现需要指出的问题。"])]
    present = [c for c in CATEGORY_ORDER if any(p.category == c for p in found)]
    intro = (f"经评价，项目在{present[0]}方面存在以下问题。" if len(present) == 1
             else f"经评价，项目在{join(present)}等方面存在问题，分类列示如下。")
    out = [section("problems", "存在的问题及原因分析", 2, [intro])]
    causes = _Causes()
    for category in CATEGORY_ORDER:
        items = [p for p in found if p.category == category]
        if not items:
            continue
        paras = []
        for n, p in enumerate(items, start=1):
            text = ctx.ref(p.text_key)
            names = join([ctx.ref(f"name[{i.key}]") for i in p.indicators])
            if p.indicators and not p.from_finding:
                text = f"{names}方面，{text}"
            ends = ctx.values[p.text_key].endswith(("。", "；", "！"))
            if p.evidence_key:
                if ends:  # the stop goes after the bracketed basis: "…不足（依据：…）。"
                    text = text[: -len(ctx.ref(p.text_key))] + ctx.put(
                        f"{p.text_key}.clause", ctx.values[p.text_key].rstrip("。；！"), "case"
                    )
                text += f"（依据：{ctx.ref(p.evidence_key)}）。"
            elif not ends:
                text += "。"
            if p.indicators and p.from_finding:
                text += f"该问题涉及{names}指标。"
            paras.append(Paragraph.from_template(text + causes.cause(ctx, p), label=f"（{n}）"))
        out.append(section(f"problems.{category}", f"{category}方面的问题", 3, paras))
    return out


class _Causes:
    """Each problem type's usual cause, stated once: a later problem of the same type refers back to the first."""

    def __init__(self) -> None:
        self.first: dict[str, Problem] = {}

    def cause(self, ctx: DraftContext, p: Problem) -> str:
        if not p.stated:  # no reason given, so no cause either: the user is asked for it
            return MISSING_LOSS_REASON + "）"
        advice = advice_for(problem_basis(ctx, p), p.category)
        earlier = self.first.setdefault(advice.cause, p)
        if earlier is p:
            return advice.cause
        if advice is CATEGORY_DEFAULTS[p.category]:
            # No known type: the two problems need not share a cause, so none is claimed.
            return UNTYPED_CAUSE
        return f"原因与前述“{short_problem(ctx, earlier)}”问题相同。"


UNTYPED_CAUSE = "具体原因需项目单位结合实际情况进一步分析。"


# ---------------------------------------------------------------- 六、有关建议


def draft_suggestions(ctx: DraftContext, precedents: Precedents | None = None, specific: bool = False) -> list[Section]:
    """One recommendation per problem, in the problems' order. ``specific`` ("把建议写得更具体") adds to each the
    row's own gap (actual against target) and the type's further measures, and names who carries them out."""
    found = problems(ctx)
    if not found:
        return [section("suggestions", "有关建议", 1,
                        ["建议继续保持现有管理做法，持续跟踪绩效目标完成情况，巩固项目实施成效。"])]
    intro = ["针对评价发现的问题，按问题顺序逐一提出以下建议。"]
    unit = next((ctx.ref(k) for k in ("project.implementer", "project.department") if ctx.has(k)), None)
    if specific and unit is not None:
        intro.append(f"以下建议由{unit}牵头落实，逐条明确整改责任人和完成时限，整改情况纳入下一年度绩效自评和评价工作。")
    out = [section("suggestions", "有关建议", 1, intro)]
    chosen = suggestion_wordings(ctx, found)
    spare = {body for _, advice, _, _ in chosen for _, body in ((advice.title, advice.advice), *advice.variants)}
    spare -= {body for *_, body in chosen}
    for n, (p, advice, title, body) in enumerate(chosen, start=1):
        about = "、".join(ctx.ref(f"name[{i.key}]") for i in p.indicators) if not p.from_finding else ""
        what = f"“{short_problem(ctx, p)}”的问题" if p.stated else "失分的问题"
        paras = [f"针对{p.category}方面{about + '指标' if about else ''}{what}，{body}"]
        if specific:
            paras += _specifics(ctx, p, advice, spare)
        citations = []
        if precedents is not None:
            hit = precedents.recommendation(
                advice.title + " " + advice.query,
                about=problem_basis(ctx, p),
                accept=lambda sentence, a=advice, c=p.category: advice_for(sentence, c) is a,
            )
            if hit is not None:
                quote = ctx.put(f"precedent[{hit.citation.n}]", hit.quote, "source")
                paras.append(f"同类项目评价报告对此类问题的建议可资借鉴：“{quote}”[{{ref:precedent[{hit.citation.n}].n}}]")
                ctx.put(f"precedent[{hit.citation.n}].n", str(hit.citation.n), "source")
                citations.append(hit.citation)
        out.append(section(f"suggestions.{n}", title, 2, paras, citations=citations))
    return out


def suggestion_wordings(ctx: DraftContext, found: list[Problem]) -> list[tuple[Problem, Advice, str, str]]:
    """(problem, its type, heading, recommendation) in order: several problems of one type get the type's
    different wordings in turn; past the last, a pointer back to the first."""
    uses: dict[str, int] = {}
    out = []
    for p in found:
        advice = advice_for(problem_basis(ctx, p), p.category)
        wording = advice.wording(uses.get(advice.title, 0))
        uses[advice.title] = uses.get(advice.title, 0) + 1
        if wording is None:
            title = advice.wording(0)[0]
            wording = (title, f"建议参照前述“{title}”的建议一并整改，明确整改责任和完成时限，确保问题整改到位。")
        out.append((p, advice, *wording))
    return out


def _specifics(ctx: DraftContext, p: Problem, advice: Advice, spare: set[str]) -> list[str]:
    """The concrete parts of a recommendation, from the case only: the gap each row must close, and the
    type's measures no other recommendation of this report states (each given once)."""
    r = ctx.ref
    out = []
    gaps = []
    for ind in p.indicators:
        k = f"indicator[{ind.key}]"
        if ctx.has(f"{k}.target") and ctx.has(f"{k}.actual"):
            gaps.append(f"{r(f'name[{ind.key}]')}实际完成{r(f'{k}.actual')}，应达到年度指标值{r(f'{k}.target')}")
        elif ind.deductions:
            items = [r(f"{k}.deduction[{j}].finding") for j, d in enumerate(ind.deductions) if d.finding]
            gaps.append(f"逐项纠正{r(f'name[{ind.key}]')}指标的扣分事项（" + "；".join(items) + "）")
    if gaps:
        out.append("整改重点：" + "；".join(gaps) + "。")
    others = [b for _, b in ((advice.title, advice.advice), *advice.variants) if b in spare]
    spare -= set(others)
    if others:
        out.append("具体措施还包括：" + "".join(b.removeprefix("建议") for b in others))
    return out


def problem_basis(ctx: DraftContext, p) -> str:
    """What the problem type is judged from: the indicator names first (绩效指标明确性 says more than the
    finding's wording), then the problem text."""
    return " ".join([i.path[-1] for i in p.indicators] + [ctx.values[p.text_key]])


SHORT_MIN = 6
LEAD_OPENERS = ("由于", "因为", "受", "除", "虽然", "尽管")
"""A first clause opening with these is a cause or a concession; the problem itself comes after it."""
"""Fewest characters of a problem's short form (its first clause, extended when shorter)."""


def short_problem(ctx: DraftContext, p) -> str:
    """The problem's first clause (up to the first colon or comma) as its own case-text key; a 偏差原因：
    label in front (self-evaluation wording) is skipped."""
    text = ctx.values[p.text_key]
    start = 0
    for label in ("偏差原因：", "偏差原因:", "原因："):
        if text.startswith(label):
            start = len(label)
    rest = text[start:]
    # The first clause long enough to say something ("按照合同" alone does not), at most 40 characters; a
    # leading cause clause ("由于平台功能定位转变，导致人员配置不足") gives way to the consequence after it.
    cuts = [i for i, ch in enumerate(rest) if ch in "：:，,；;。" and i >= SHORT_MIN]
    if cuts and rest.startswith(LEAD_OPENERS) and len(rest) - cuts[0] > SHORT_MIN:
        rest = rest[cuts[0] + 1 :].removeprefix("导致").removeprefix("致使")
        cuts = [i for i, ch in enumerate(rest) if ch in "：:，,；;。" and i >= SHORT_MIN]
    cut = cuts[0] if cuts else len(rest)
    short = rest[: min(cut, 40)].replace("“", "‘").replace("”", "’")
    return ctx.put(f"{p.text_key}.short", short, "case")

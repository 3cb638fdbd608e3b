"""存在的问题 and 有关建议: findings grouped 决策类/过程类/产出类/效益类, one recommendation per problem in the
same order, with precedent recommendations from the knowledge base quoted and cited.

Every lost point is a finding: the case's own findings come first, then one problem for each row that lost
points and that no finding states already (linked to it, naming it, or repeating most of its wording).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.case import Case, FindingCategory, Indicator
from assistant.report import Paragraph, Section

from .context import CATEGORY_ORDER, DraftContext, category_for
from .facts import is_vendor, relation, split_deviation
from .phrasebook import CATEGORY_DEFAULTS, Advice, advice_for
from .precedents import Precedents, bigrams
from .prose import join, missing_cause, missing_loss_reason, section


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
    cause_key: str | None = None
    """The case text stating why (a row's 偏差原因 when the problem is the row's shortfall)."""
    advice: Advice | None = None
    """The problem type it was filed under when it opened a theme."""

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
        cause_key = None
        if (
            text_key.endswith(".deviation")
            and ctx.has(f"indicator[{ind.key}].target")
            and relation(ctx, ind) == "short"
        ):
            # The 偏差原因 column says why the row fell short: the shortfall is the problem, the text its cause.
            cause_key = _deviation_cause_key(ctx, ind)
            if cause_key is not None:
                text_key = f"problem[{ind.key}]"
                _put_shortfall_text(ctx, ind, text_key)
        covering = next(
            (
                p
                for p in found
                if p.from_finding and _covers(ctx.values[p.text_key], ctx.values[text_key], ind.path[-1])
            ),
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
                cause_key=cause_key,
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
    parts += [f"{ind.path[-1]}未达到“{c.text}”的要求" for c in ind.criteria or [] if not c.met]
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
        target = ctx.values[f"{k}.target"].removeprefix("=").strip()
        # "…未达到年度目标" first: the problem's short form (its first clause) then names the shortfall.
        text = f"{ind.path[-1]}未达到年度目标，实际完成{ctx.values[f'{k}.actual']}（年度指标值{target}）"
    else:
        text = UNSTATED
    # Built from case strings only, so it is a case fact, not a computed number.
    ctx.put(key, text, "case")


def _deviation_cause_key(ctx: DraftContext, ind: Indicator) -> str | None:
    """The cause part of a row's 偏差原因分析及改进措施 (label and measure removed), as a case-text key."""
    cause, _ = split_deviation(ctx.values[f"indicator[{ind.key}].deviation"])
    if not cause:
        return None
    key = f"indicator[{ind.key}].deviation.cause"
    ctx.put(key, cause, "case")
    return key


def deviation_measure_key(ctx: DraftContext, ind: Indicator) -> str | None:
    """The 改进措施 part of a row's 偏差原因分析及改进措施 cell, as a case-text key, if it has one."""
    k = f"indicator[{ind.key}]"
    if not ctx.has(f"{k}.deviation"):
        return None
    _, measure = split_deviation(ctx.values[f"{k}.deviation"])
    if not measure:
        return None
    ctx.put(f"{k}.deviation.measure", measure, "case")
    return f"{k}.deviation.measure"


def _indicator_at(case: Case, path: list[str] | None) -> Indicator | None:
    if not path:
        return None
    for ind in case.indicators:
        if ind.path == path or ind.path[-1] == path[-1]:
            return ind
    return None


# ---------------------------------------------------------------- themes: problems joined by cause

SMALL_LOSS = Decimal("0.5")
"""A row that lost less than half a point and that the case lists no finding for is too small to be a problem
of its own: such rows share one closing line. Half a point of a 100-point system moves no grade band unless
the total sits on a band edge, and the corpus reports do not list losses this small as problems."""
MAX_THEMES = 6
"""Problem themes a report lists before related ones merge: beyond this, two themes of one category that answer
to the same recommendation or tell of the same matter (:data:`STORY_OVERLAP`) become one. Unrelated problems are
never joined to keep the count down: a report with more distinct problems lists them all."""
NEGATIVE = (
    "未",
    "不",
    "无",
    "欠",
    "缺",
    "差",
    "低",
    "慢",
    "滞后",
    "落后",
    "隐患",
    "薄弱",
    "风险",
    "偏",
    "超",
    "待",
    "问题",
    "少于",
    "下降",
    "失",
    "停业",
    "停运",
    "停用",
    "停止",
    "停工",
    "中断",
    "关闭",
    "整顿",
    "整改",
    "暂缓",
)
"""Words of a shortfall. A lost row whose only text has none of them ("效果较显著") states an achievement that
fell short of the top band, not a problem."""
CAUSE_WORDS = ("原因", "由于", "因为", "受", "导致", "致使", "因")
"""A problem text holding these already states its cause."""


@dataclass
class Theme:
    """One 存在的问题 entry: problems that share a cause or a problem type, with their rows."""

    category: FindingCategory
    advice: Advice
    problems: list[Problem]
    cause_keys: list[str] = field(default_factory=list)

    @property
    def indicators(self) -> list[Indicator]:
        out: list[Indicator] = []
        for p in self.problems:
            out += [i for i in p.indicators if i not in out]
        return out

    def lost(self, ctx: DraftContext) -> Decimal:
        return sum((ctx.lost(i) for i in self.indicators), Decimal(0))


def _minor(ctx: DraftContext, p: Problem) -> bool:
    """A problem drafted from a row alone whose loss is too small, or whose text states no shortfall."""
    if p.from_finding:
        return False
    lost = sum((ctx.lost(i) for i in p.indicators), Decimal(0))
    if lost < SMALL_LOSS:
        return True
    return p.stated and not any(w in ctx.values[p.text_key] for w in NEGATIVE)


def _cause_key(ctx: DraftContext, p: Problem) -> str | None:
    """The case's own cause of a problem: its finding's 原因分析, or the 偏差原因 of the row it comes from."""
    if p.cause_key is not None:
        return p.cause_key
    if p.text_key.startswith("finding[") and p.text_key.endswith(".text"):
        key = p.text_key.removesuffix(".text") + ".cause"
        return key if ctx.has(key) else None
    return None


def themes(ctx: DraftContext) -> tuple[list[Theme], list[Problem]]:
    """(themes, minor problems). Problems sharing a cause the case states, or else one problem type, form one
    theme; at most :data:`MAX_THEMES`; rows with small or no real shortfall are left to one closing line."""
    everything = problems(ctx)
    minor = [p for p in everything if _minor(ctx, p)]
    out: list[Theme] = []
    by_key: dict[str, Theme] = {}
    for p in everything:
        if p in minor:
            continue
        story = None if p.from_finding else _same_story(ctx, p, out)
        if story is not None:
            story.problems.append(p)
            continue
        cause = _cause_key(ctx, p)
        advice = problem_type(ctx, p)
        if advice is CATEGORY_DEFAULTS[p.category] and cause:
            # A shortfall of no particular type whose cause has one ("…驻点人员不足，巡检频次不足") is answered
            # by that type's recommendation, not the category's general one.
            advice = advice_for(ctx.values[cause], p.category)
        key = "cause:" + ctx.values[cause] if cause else f"type:{p.category}:{advice.title}"
        if key in by_key:
            by_key[key].problems.append(p)
            continue
        p.advice = advice
        theme = Theme(category=p.category, advice=advice, problems=[p], cause_keys=[cause] if cause else [])
        by_key[key] = theme
        out.append(theme)
    while len(out) > MAX_THEMES and _merge_related(ctx, out):
        pass
    for theme in out:
        # The problem whose cause the case states leads its theme, then the largest loss: the theme is told
        # (and its recommendation titled) from what the case explains best.
        theme.problems.sort(
            key=lambda p: (_cause_key(ctx, p) is None, -sum((ctx.lost(i) for i in p.indicators), Decimal(0)))
        )
        if theme.problems[0].advice is not None:
            theme.advice = theme.problems[0].advice  # the recommendation answers the problem that leads
    order = {c: n for n, c in enumerate(CATEGORY_ORDER)}
    out.sort(key=lambda t: order[t.category])
    ctx.put("count.themes", len(out), "computed")
    return out, minor


STORY_OVERLAP = 0.3
"""Share of a lost row's problem bigrams that a finding's text and cause must hold for the row to be part of
the finding's story (a payment made two months late and the year-end balance it left are one problem)."""


def _same_story(ctx: DraftContext, p: Problem, found: list[Theme]) -> Theme | None:
    wanted = bigrams(ctx.values[p.text_key]) if p.stated else set()
    if not wanted:
        return None
    best: tuple[float, Theme] | None = None
    for theme in found:
        told = " ".join(
            ctx.values[q.text_key] + " " + ctx.values.get(q.text_key.removesuffix(".text") + ".cause", "")
            for q in theme.problems
            if q.from_finding
        )
        share = len(wanted & bigrams(told)) / len(wanted)
        if share >= STORY_OVERLAP and (best is None or share > best[0]):
            best = (share, theme)
    return best[1] if best else None


def _told(ctx: DraftContext, theme: Theme) -> set[str]:
    """Bigrams of what a theme says: its problems' texts and the causes the case gives."""
    text = " ".join(ctx.values[p.text_key] for p in theme.problems)
    text += " " + " ".join(ctx.values[k] for k in theme.cause_keys if ctx.has(k))
    return bigrams(text)


def _relatedness(ctx: DraftContext, a: Theme, b: Theme) -> float:
    """How much two themes are one matter: 1 for one recommendation of a particular type (not the category's
    general one), else the share of the shorter theme's bigrams the other holds; 0 across categories."""
    if a.category != b.category:
        return 0.0
    if a.advice.title == b.advice.title and a.advice is not CATEGORY_DEFAULTS[a.category]:
        return 1.0
    told_a, told_b = _told(ctx, a), _told(ctx, b)
    if not told_a or not told_b:
        return 0.0
    return len(told_a & told_b) / min(len(told_a), len(told_b))


def _merge_related(ctx: DraftContext, out: list[Theme]) -> bool:
    """Merge the most related pair of themes (the smaller loss into the larger); False when no pair is related."""
    best: tuple[float, Decimal, Theme, Theme] | None = None
    for i, a in enumerate(out):
        for b in out[i + 1 :]:
            share = _relatedness(ctx, a, b)
            if share < STORY_OVERLAP:
                continue
            small, large = sorted((a, b), key=lambda t: t.lost(ctx))
            key = (share, -small.lost(ctx))
            if best is None or key > best[:2]:
                best = (share, -small.lost(ctx), small, large)
    if best is None:
        return False
    _, _, small, large = best
    large.problems += small.problems
    large.cause_keys += [k for k in small.cause_keys if k not in large.cause_keys]
    out.remove(small)
    return True


PARTIES = {
    "department": "主管部门",
    "implementer": "实施单位",
    "finance": "财政部门",
}
ACTION = {
    # advice title → (who acts, by when); titles not listed act through the category default below.
    "强化绩效目标管理，提升绩效目标的明确性和可衡量性": ("department", "在下一年度预算编制和绩效目标申报时"),
    "加强项目前期论证，提高决策科学性": ("department", "在后续同类项目立项前"),
    "加强预算编制和调整管理，提高预算精细化水平": ("finance", "在下一年度预算编制时"),
    "健全监督考核机制，强化考核结果应用": ("department", "在下一服务周期开始前"),
    "加快预算执行进度，提高资金使用效率": ("implementer", "在本预算年度内"),
    "规范合同管理和资金支付，做到按进度、按实结算": ("department", "在下一期合同签订时"),
    "健全项目管理制度，强化制度执行": ("department", "在下一年度项目实施前"),
    "加强项目档案管理，保证资料完整可查": ("implementer", "在本项目验收归档前"),
    "加强成本控制，提高预算编制精细度": ("finance", "在下一年度预算编制时"),
}
CATEGORY_ACTION = {
    "决策": ("department", "在下一年度预算编制和项目申报时"),
    "过程": ("implementer", "在下一年度项目实施前"),
    "产出": ("implementer", "在下一服务周期内"),
    "效益": ("implementer", "在下一服务周期内"),
}
RULES_NOT_YET = re.compile(
    r"([^。；，、]{0,16}?)(管理办法|实施细则|办法|制度|细则|规程)(?:尚未|未|没有)(?:建立|制定|出台|印发)"
)
RULES_MISSING = re.compile(
    r"(?:未|没有|尚未|缺少|缺乏)[^。；，]{0,12}?(?:制定|建立|出台|印发)?(?:相关的|相应的|专门的|专项)?"
    r"([^。；，、未没缺]{0,10}?)(管理办法|实施细则|办法|制度|细则|规程)"
)
"""A problem saying a set of rules is missing: its recommendation is to write them (制定《…管理办法》)."""


def _party(ctx: DraftContext, theme: Theme, listed: bool = False) -> str:
    """Who can act on the theme, named as the case names it (主管部门 / 实施单位) or 财政部门. A contractor named
    as 责任单位 is listed as such (``listed``, the 问题清单), but a recommendation goes to the public body that
    contracted it: '…分局督促…有限公司'."""
    role, _ = ACTION.get(theme.advice.title, CATEGORY_ACTION[theme.category])
    responsible = [
        p.text_key.removesuffix(".text") + ".responsible"
        for p in theme.problems
        if p.text_key.startswith("finding[") and ctx.has(p.text_key.removesuffix(".text") + ".responsible")
    ]
    if responsible:
        key = responsible[0]
        if listed or not is_vendor(ctx.values[key]):
            return ctx.ref(key)
        body = next(
            (
                k
                for k in ("project.implementer", "project.department")
                if ctx.has(k) and not is_vendor(ctx.values[k])
            ),
            None,
        )
        return f"{ctx.ref(body)}督促{ctx.ref(key)}" if body else ctx.ref(key)
    if role == "finance":
        dept = ctx.ref("project.department") if ctx.has("project.department") else PARTIES["department"]
        return f"{dept}会同{PARTIES['finance']}"
    key = "project.implementer" if role == "implementer" else "project.department"
    if (
        role == "implementer"
        and is_vendor(ctx.values.get("project.implementer", ""))
        and ctx.has("project.department")
    ):
        # A company carries out the work; the department that contracted it is the one to act.
        return f"{ctx.ref('project.department')}督促{ctx.ref('project.implementer')}"
    if not ctx.has(key):
        key = "project.department" if ctx.has("project.department") else "project.implementer"
    return ctx.ref(key) if ctx.has(key) else PARTIES[role]


RULES_WHEN = "在下一年度项目实施前"
"""When missing rules are to be issued: before the next year's work is carried out under them."""


def _rules_measure(ctx: DraftContext, theme: Theme) -> str:
    """'制定《XX项目管理办法》…' when a problem says rules are missing, else ''."""
    texts = [ctx.values[p.text_key] for p in theme.problems]
    texts += [ctx.values[k] for p in theme.problems if (k := _cause_key(ctx, p))]
    for text in texts:
        match = RULES_MISSING.search(text) or RULES_NOT_YET.search(text)
        if match:
            what, kind = match.group(1), match.group(2)
            name = ctx.ref("project.name") if ctx.has("project.name") else "项目"
            what = re.sub(r"^.*?(?:但|层面|尚未|未|没有)", "", what)
            what = re.sub(r"^(?:县级|市级|区级|省级|相关的?|专门的?|项目的?|的|和)+", "", what)
            if not what and not kind.startswith("管理"):
                what = "管理"
            region = re.match(
                r"^(.+?(?:自治州|自治县|省|市|县|区|旗))", ctx.values.get("project.department", "")
            )
            # A named subject ("学校食堂食材采购") is the region's rule; otherwise the project's own.
            project_own = "项目" in text[: match.end()]
            issuer = (
                ctx.put("project.region", region.group(1), "case")
                if region and len(what) >= 4 and not project_own
                else name
            )
            title = f"《{issuer}{what}{kind}》"
            return (
                f"制定{title}，明确职责分工、工作流程、考核要求和资金使用范围，"
                "履行审批程序后印发执行，并定期检查执行情况。"
            )
    return ""


def theme_lead(ctx: DraftContext, theme: Theme) -> str:
    """The theme's first words (the first problem's short form), also used in the 总览表 and 问题清单."""
    return short_problem(ctx, theme.problems[0])


def _theme_statement(ctx: DraftContext, theme: Theme, n: int) -> str:
    """The problems of a theme with their evidence, then the rows they concern and the points lost."""
    texts = []
    for p in theme.problems:
        text = ctx.ref(p.text_key) if p.stated else ""
        names = join([ctx.ref(f"name[{i.key}]") for i in p.indicators])
        if (
            p.indicators
            and not p.from_finding
            and not ctx.values[p.text_key].startswith(p.indicators[0].path[-1])
        ):
            text = f"{names}方面，{text}" if text else f"{names}未得满分"
        text = text.rstrip("。；")
        if p.stated and text.endswith(ctx.ref(p.text_key)) and ctx.values[p.text_key].endswith(("。", "；")):
            text = text[: -len(ctx.ref(p.text_key))] + ctx.put(
                f"{p.text_key}.clause", ctx.values[p.text_key].rstrip("。；！"), "case"
            )
        if p.evidence_key:
            text += f"（依据：{ctx.ref(p.evidence_key)}）"
        texts.append(text)
    out = join(texts, "；") + "。"
    rows = theme.indicators
    lost = [i for i in rows if ctx.lost(i) > 0]
    if rows:
        out += f"该问题涉及{join([ctx.ref(f'name[{i.key}]') for i in rows])}指标"
        if len(lost) == 1 and len(rows) == 1:
            out += f"，扣{ctx.ref(f'indicator[{lost[0].key}].lost')}分。"
        elif lost:
            # Each row's own loss (a reader checks them against 指标分析), not a sum nobody else states.
            out += (
                "，"
                + join(
                    [f"{ctx.ref(f'name[{i.key}]')}扣{ctx.ref(f'indicator[{i.key}].lost')}分" for i in lost],
                    "、",
                )
                + "。"
            )
        else:
            out += "。"
    return out


def _theme_cause(ctx: DraftContext, theme: Theme) -> str:
    """The causes as the case states them (a finding's 原因分析; a problem text that states its own cause);
    where the case states none for the theme's lead problem, a question to the user — never a stock cause."""
    out = ""
    lead = theme.problems[0]
    told: set[str] = set()
    for p in theme.problems:
        key = _cause_key(ctx, p)
        if key is None or ctx.values[key] in told:
            continue
        told.add(ctx.values[key])
        end = "" if ctx.values[key].endswith("。") else "。"
        if p is lead:
            out += f"主要原因是{ctx.ref(key)}{end}"
        else:
            out += f"其中，“{short_problem(ctx, p)}”的主要原因是{ctx.ref(key)}{end}"
    if _cause_key(ctx, lead) is not None:
        # A case finding joined by type whose cause the case does not state: one question for it.
        unexplained = next(
            (
                p
                for p in theme.problems[1:]
                if p.from_finding
                and _cause_key(ctx, p) is None
                and not any(w in ctx.values[p.text_key] for w in CAUSE_WORDS)
            ),
            None,
        )
        if unexplained is not None:
            out += missing_cause(ctx, ctx.values[short_problem(ctx, unexplained)[len("{ref:") : -1]])
        return out
    if lead.stated and any(w in ctx.values[lead.text_key] for w in CAUSE_WORDS):
        return out  # the problem text states its own cause
    if not lead.stated:
        return out + "".join(missing_loss_reason(ctx, i.path[-1]) for i in lead.indicators[:1])
    theme_lead(ctx, theme)
    return out + missing_cause(ctx, ctx.values[f"{lead.text_key}.short"])


def _minor_line(ctx: DraftContext, minor: list[Problem]) -> str:
    """One closing line for the rows left out of the themes: small losses, and results short of the top band."""
    small = [i for p in minor for i in p.indicators if ctx.lost(i) < SMALL_LOSS]
    short = [i for p in minor for i in p.indicators if ctx.lost(i) >= SMALL_LOSS]

    def items(rows):
        return join(
            [f"{ctx.ref(f'name[{i.key}]')}（扣{ctx.ref(f'indicator[{i.key}].lost')}分）" for i in rows]
        )

    out = []
    if small:
        out.append(f"{items(small)}失分较少")
    if short:
        out.append(f"{items(short)}已取得成效、按评分标准未达到最高档次")
    if not out:
        return ""
    return "此外，" + "；".join(out) + "，均不单列为问题，具体情况见第四部分指标分析。"


def draft_problems(ctx: DraftContext, precedents: Precedents | None = None) -> list[Section]:
    found, minor = themes(ctx)
    if not found:
        paras = ["经评价，项目各项指标完成情况良好，未发现需要单列的问题。", _minor_line(ctx, minor)]
        return [section("problems", "存在的问题及原因分析", 2, paras)]
    present = [c for c in CATEGORY_ORDER if any(t.category == c for t in found)]
    intro = (
        f"经评价，项目在{present[0]}方面存在以下问题。"
        if len(present) == 1
        else f"经评价，项目在{join(present)}等方面存在问题，按成因归并列示如下。"
    )
    out = [section("problems", "存在的问题及原因分析", 2, [intro])]
    n = 0
    for category in CATEGORY_ORDER:
        items = [t for t in found if t.category == category]
        if not items:
            continue
        paras = []
        for t in items:
            text = _theme_statement(ctx, t, n) + _theme_cause(ctx, t)
            n += 1
            paras.append(Paragraph.from_template(text, label=f"（{n}）"))
        out.append(section(f"problems.{category}", f"{category}方面的问题", 3, paras))
    line = _minor_line(ctx, minor)
    if line:
        out[-1].paragraphs.append(Paragraph.from_template(line))
    return out


# ---------------------------------------------------------------- 六、有关建议


def draft_suggestions(
    ctx: DraftContext, precedents: Precedents | None = None, specific: bool = False
) -> list[Section]:
    """One recommendation per problem theme, in the problems' order: who acts, the measures that answer the
    problem, and by when. Precedents from the knowledge base are not quoted in the draft (they belong to other
    clients' reports); the workbench shows them beside the draft. ``specific`` ("把建议写得更具体") adds each
    row's own gap and the type's further measures."""
    found, _ = themes(ctx)
    if not found:
        return [
            section(
                "suggestions",
                "有关建议",
                1,
                ["建议继续保持现有管理做法，持续跟踪绩效目标完成情况，巩固项目实施成效。"],
            )
        ]
    intro = ["针对评价发现的问题，按问题顺序逐一提出以下建议。"]
    unit = next((ctx.ref(k) for k in ("project.implementer", "project.department") if ctx.has(k)), None)
    if specific and unit is not None:
        intro.append(
            f"以下建议由{unit}牵头落实，逐条明确整改责任人和完成时限，整改情况纳入下一年度绩效自评和评价工作。"
        )
    out = [section("suggestions", "有关建议", 1, intro)]
    chosen = theme_wordings(ctx, found)
    spare = {
        body for _, advice, _, _ in chosen for _, body in ((advice.title, advice.advice), *advice.variants)
    }
    spare -= {body for *_, body in chosen}
    for n, (t, advice, title, body) in enumerate(chosen, start=1):
        _, when = ACTION.get(advice.title, CATEGORY_ACTION[t.category])
        measure = _rules_measure(ctx, t)
        body = body.removeprefix("建议")
        if measure:
            when = RULES_WHEN
        elif (
            body.startswith("在") and "前" in body[:10]
        ):  # the wording names its own moment ("在项目立项前…")
            when = ""
        elif body.startswith("在"):  # "在合同中明确…" after the time frame reads "于合同中明确…"
            body = "于" + body[1:]
        # Rules are issued by the department, whoever carries out the work.
        party = ctx.ref("project.department") if measure and ctx.has("project.department") else _party(ctx, t)
        text = f"针对“{theme_lead(ctx, t)}”的问题，建议{party}{when + '，' if when else ''}"
        first, second = measure or body, _cause_lever(ctx, t)
        if (
            measure
            and second is None
            and t.advice is not CATEGORY_DEFAULTS[t.category]
            and "制度" not in advice.title
            and "制定" not in body
        ):
            second = body  # the new rules answer the cause; the problem type's own measure follows
        if second and second.rstrip("。") != first.rstrip("。"):
            # Two levers, as the corpus writes them: 一是 answers the problem, 二是 its cause (or the reverse
            # when the rules the cause lacks come first).
            text += f"一是{first.rstrip('。')}；二是{second.rstrip('。')}。"
        else:
            text += first
        paras = [text]
        if specific:
            paras += _specifics(ctx, t, advice, spare)
        out.append(section(f"suggestions.{n}", title, 2, paras))
    return out


def _cause_lever(ctx: DraftContext, theme: Theme) -> str | None:
    """A second measure that answers the theme's cause: the 改进措施 the case itself states for one of its rows,
    else the measure of the cause's own problem type when it differs from the theme's (a quality shortfall
    caused by too few staff on site → the staffing or supervision measure)."""
    for p in theme.problems:
        for ind in p.indicators:
            key = deviation_measure_key(ctx, ind)
            if key is not None:
                return ctx.ref(key)
    for p in theme.problems:
        key = _cause_key(ctx, p)
        if key is None:
            continue
        other = advice_for(ctx.values[key], theme.category)
        if other.title != theme.advice.title and other is not CATEGORY_DEFAULTS[theme.category]:
            return other.advice.removeprefix("建议")
    return None


def theme_wordings(ctx: DraftContext, found: list[Theme]) -> list[tuple[Theme, Advice, str, str]]:
    """(theme, its type, heading, recommendation) in order: several themes of one type get the type's
    different wordings in turn; past the last, a pointer back to the first."""
    uses: dict[str, int] = {}
    out = []
    for t in found:
        advice = t.advice
        wording = advice.wording(uses.get(advice.title, 0))
        uses[advice.title] = uses.get(advice.title, 0) + 1
        if wording is None:
            title = advice.wording(0)[0]
            wording = (
                title,
                f"建议参照前述“{title}”的建议一并整改，明确整改责任和完成时限，确保问题整改到位。",
            )
        out.append((t, advice, *wording))
    return out


def _specifics(ctx: DraftContext, t: Theme, advice: Advice, spare: set[str]) -> list[str]:
    """The concrete parts of a recommendation, from the case only: the gap each row must close, and the
    type's measures no other recommendation of this report states (each given once)."""
    r = ctx.ref
    out = []
    gaps = []
    for ind in t.indicators:
        k = f"indicator[{ind.key}]"
        if ctx.has(f"{k}.target") and ctx.has(f"{k}.actual"):
            gaps.append(
                f"{r(f'name[{ind.key}]')}实际完成{r(f'{k}.actual')}，应达到年度指标值{r(f'{k}.target')}"
            )
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


def problem_type(ctx: DraftContext, p) -> Advice:
    """The problem's type: from its indicator names when they name one (预算执行率 → the budget-execution
    advice, even when the finding's words mention a 征地 delay), else from the whole text."""
    names = " ".join(i.path[-1] for i in p.indicators)
    advice = advice_for(names, p.category) if names else CATEGORY_DEFAULTS[p.category]
    if advice is CATEGORY_DEFAULTS[p.category]:
        advice = advice_for(problem_basis(ctx, p), p.category)
    return advice


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
    if text == UNSTATED and p.indicators:
        return ctx.put(f"{p.text_key}.short", ctx.values[f"name[{p.indicators[0].key}]"] + UNSTATED, "case")
    before, _, after = text.partition("，但")
    if after and not any(w in before for w in NEGATIVE):
        # "陪餐制度运行良好，但采购管理办法尚未建立": the shortfall is after 但.
        text = after.removeprefix("是")
    clauses = re.split(r"[，,；;]", text)
    leads_with_cause = text.startswith(LEAD_OPENERS)
    if (
        clauses
        and not leads_with_cause
        and not p.text_key.startswith("problem[")
        and not getattr(p, "from_finding", False)  # a finding is worded as the problem's title already
        and not any(w in clauses[0] for w in NEGATIVE)
    ):
        # "管理办法已印发，护路员制度尚未落实": the first clause stating a shortfall leads.
        shortfall = next(
            (c for c in clauses[1:] if len(c) >= SHORT_MIN and any(w in c for w in NEGATIVE)), None
        )
        if shortfall:
            text = text[text.index(shortfall) :]
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

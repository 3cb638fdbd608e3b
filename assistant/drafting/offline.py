"""The offline drafter: deterministic, template- and precedent-based, complete Chinese for every part.

Each ``draft_<part>(ctx, …)`` returns the sections of one part. Every figure and every case string is a
``{ref:key}`` registered on the context; template prose holds no digits. When the case lacks a fact the
draft says so (待补充) instead of inventing it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from assistant.case import path_key
from assistant.report import Section, Table

from .context import DraftContext
from .facts import (
    DOCUMENT_MAX,
    RELATION_WORDS,
    achievements_text,
    eval_method_text,
    eval_process_text,
    experience_text,
    implementation_text,
    indicator_kind,
    organisation_text,
    plain_target,
    relation,
    split_deviation,
    state_phrase,
)
from .precedents import Precedents, bigrams
from .problems import draft_problems, draft_suggestions, theme_lead, theme_wordings, themes
from .prose import (
    derived,
    group_label,
    join,
    missing,
    missing_budget,
    missing_loss_reason,
    narrative,
    section,
)

POLICY_KEY = "policy.framework"
POLICY_TEXT = "《项目支出绩效评价管理办法》（财预〔2020〕10号）"
GRADE_BANDS_KEY = "policy.grade_bands"
GRADE_BANDS_TEXT = "总分90分（含）以上为“优”、80分（含）至90分为“良”、60分（含）至80分为“中”、60分以下为“差”"


def _policy(ctx: DraftContext) -> str:
    # The framework policy is a cited source, not a case figure.
    return ctx.put(POLICY_KEY, POLICY_TEXT, "source")


def _grade_bands(ctx: DraftContext) -> str:
    return ctx.put(GRADE_BANDS_KEY, GRADE_BANDS_TEXT, "source")


# ---------------------------------------------------------------- 绩效评价总览表


def draft_summary(ctx: DraftContext, precedents: Precedents | None = None) -> list[Section]:
    """The one-page 绩效评价总览表 some corpus reports open with: money, goal, results, problems, advice, score."""
    r = ctx.ref
    rows = [["项目名称", r("project.name")]]
    if _same_unit(ctx):
        rows.append(["主管部门及实施单位", r("project.department")])
    else:
        units = [f"主管部门：{r('project.department')}"] if ctx.has("project.department") else []
        units += [f"实施单位：{r('project.implementer')}"] if ctx.has("project.implementer") else []
        if units:
            rows.append(["主管部门及实施单位", "；".join(units)])
    if ctx.has("budget.annual"):
        rows.append(["预算安排（万元）", r("budget.annual")])
        rows.append(["实际支出（万元）", f"{r('budget.executed')}（预算执行率{r('budget.rate')}）"])
    goal = next((r(k) for k in ("narrative.overall_goal", "narrative.annual_goal") if ctx.has(k)), None)
    if goal is None and any(ctx.has(f"indicator[{i.key}].target") for i in ctx.case.indicators):
        # No goal in words, but the indicator targets are the goal: point to them (the 总体目标 section asks).
        goal = f"以{ctx.ref('count.indicators')}项年度绩效指标设定，详见项目绩效指标表"
    goal = goal or missing(ctx, "overall_goal")
    rows.append(["绩效目标", goal])
    results = next((r(k) for k in ("narrative.achievements", "narrative.goal_achieved") if ctx.has(k)), None)
    results = results or derived(ctx, "achievements", achievements_text(ctx))
    rows.append(["实施成效", results])
    found, _ = themes(ctx)
    if found:
        rows.append(["主要问题", "；".join(theme_lead(ctx, t) for t in found) + "。"])
        titles = list(dict.fromkeys(title for _, _, title, _ in theme_wordings(ctx, found)))
        rows.append(["有关建议", "；".join(titles) + "。"])
    rows.append(["评价得分和等级", f"总分{r('total')}分，等级为“{r('grade')}”"])
    table = Table.from_templates("", ["项目", "内容"], rows)
    return [section("summary", "绩效评价总览表", 1, [], [table], numbered=False)]


# ---------------------------------------------------------------- 一、项目基本情况


def draft_overview(ctx: DraftContext, precedents: Precedents | None = None) -> list[Section]:
    r = ctx.ref
    out = [section("overview", "项目概况", 2, [])]
    background = [narrative(ctx, "background")]
    if ctx.has("narrative.basis"):
        background.append(f"项目立项依据：{r('narrative.basis')}")
    out.append(section("overview.background", "项目背景", 3, background))
    out.append(section("overview.content", "主要内容", 3, [narrative(ctx, "content")]))
    implementation = (
        r("narrative.implementation")
        if ctx.has("narrative.implementation")
        else derived(ctx, "implementation", implementation_text(ctx))
    )
    out.append(section("overview.implementation", "实施情况", 3, [implementation]))
    out.append(section("overview.funds", "资金投入和使用情况", 3, [_funds(ctx)]))
    org = [organisation_text(ctx)]
    if ctx.has("narrative.organisation"):
        org.append(r("narrative.organisation"))
    else:
        org[0] = derived(ctx, "organisation", org[0])
    out.append(section("overview.organisation", "组织管理", 3, org))
    return out


def _same_unit(ctx: DraftContext) -> bool:
    """The department implements the project itself (the corpus then names it once)."""
    return (
        ctx.has("project.department")
        and ctx.values.get("project.implementer") == ctx.values["project.department"]
    )


def _funds(ctx: DraftContext) -> str:
    if not ctx.has("budget.annual"):
        return missing_budget(ctx)
    r = ctx.ref
    text = f"{r('project.year')}年度，" if ctx.has("project.year") else ""
    if ctx.has("budget.initial"):
        text += f"项目年初预算{r('budget.initial')}万元，"
    text += f"全年预算{r('budget.annual')}万元，全年执行{r('budget.executed')}万元，预算执行率为{r('budget.rate')}"
    if ctx.budget_scored:
        text += f"，预算执行得分{r('budget.score')}分（分值{r('budget.weight')}分）"
    return text + "。"


def draft_goals(ctx: DraftContext, precedents: Precedents | None = None) -> list[Section]:
    out = [section("goals", "项目绩效目标", 2, [])]
    out.append(section("goals.overall", "总体目标", 3, [narrative(ctx, "overall_goal")]))
    with_targets = any(ctx.has(f"indicator[{i.key}].target") for i in ctx.case.indicators)
    if ctx.has("narrative.annual_goal") or not with_targets:
        annual = [narrative(ctx, "annual_goal")]
        annual.append(f"项目年度绩效指标共{ctx.ref('count.indicators')}项，具体见下表。")
    else:
        # The indicator targets are the annual goal: stated as such, not asked for.
        annual = [
            derived(
                ctx,
                "annual_goal",
                f"项目年度绩效目标以绩效指标的形式设定，共{ctx.ref('count.indicators')}项，具体见下表。",
            )
        ]
    out.append(section("goals.annual", "年度绩效目标", 3, annual, [_indicator_table(ctx)]))
    return out


def _indicator_table(ctx: DraftContext) -> Table:
    depth = max(len(i.path) for i in ctx.case.indicators)
    header = ["一级指标", "二级指标", "三级指标", "四级指标"][:depth] + ["指标值", "分值"]
    rows = []
    for ind in ctx.case.indicators:
        names = [ctx.ref(f"name[{path_key(ind.path[: d + 1])}]") for d in range(len(ind.path))]
        names += [""] * (depth - len(names))
        k = f"indicator[{ind.key}]"
        target = ctx.ref(f"{k}.target") if ctx.has(f"{k}.target") else "——"
        rows.append(names + [target, ctx.ref(f"{k}.weight")])
    if ctx.budget_scored:
        # The form's budget execution line: the indicators alone weigh 90 of its 100 points.
        rows.insert(
            0, ["预算执行率"] + ["——"] * (depth - 1) + [ctx.ref("budget.rate"), ctx.ref("budget.weight")]
        )
    return Table.from_templates("项目绩效指标表", header, rows)


# ---------------------------------------------------------------- 二、绩效评价工作开展情况


def draft_work(ctx: DraftContext, precedents: Precedents | None = None) -> list[Section]:
    r = ctx.ref
    purpose = []
    purpose.append(
        ctx.ref("narrative.eval_purpose")
        if ctx.has("narrative.eval_purpose")
        else "通过开展绩效评价，全面了解项目资金使用、管理和绩效目标实现情况，总结经验做法，查找存在的问题，"
        "提出改进建议，进一步提高财政资金使用效益。"
    )
    if ctx.has("narrative.eval_scope"):
        # The case's own statement of object and scope replaces the generic sentence built from the facts.
        purpose.append(r("narrative.eval_scope"))
    else:
        scope = f"评价对象为{r('project.name')}"
        if ctx.has("project.year"):
            scope += f"，评价年度为{r('project.year')}年度"
        if ctx.has("budget.annual"):
            scope += f"，涉及资金{r('budget.annual')}万元"
        purpose.append(scope + "。")
    out = [
        section("work", "绩效评价工作开展情况", 1, []),
        section("work.purpose", "评价目的、对象和范围", 2, purpose),
    ]

    method = [f"本次评价依据{_policy(ctx)}等有关规定开展。"]
    method.append(
        r("narrative.eval_method")
        if ctx.has("narrative.eval_method")
        else derived(ctx, "eval_method", eval_method_text(ctx))
    )
    names = [r(f"group[{g}].name") for g in ctx.level1_names()]
    method.append(
        f"评价指标体系由{join(names)}共{r('count.level1')}个一级指标、{r('count.indicators')}个末级指标构成，"
        f"满分{r('max_total')}分，各一级指标分值见下表。评价等级按{_grade_bands(ctx)}划分。"
    )
    rows = [[r(f"group[{g}].name"), r(f"group[{g}].weight")] for g in ctx.level1_names()]
    if ctx.budget_scored:
        rows.insert(0, ["预算执行率", r("budget.weight")])
    method_table = Table.from_templates("评价指标体系及分值", ["一级指标", "分值"], rows)
    out.append(section("work.method", "评价原则、方法和指标体系", 2, method, [method_table]))
    if ctx.has("narrative.eval_process"):
        process = [r("narrative.eval_process")]
    else:
        # Who did the work is in the case; when and how it went is not, and is asked for.
        process = [
            eval_process_text(ctx),
            "评价工作各阶段的时间安排和主要工作：" + missing(ctx, "eval_process"),
        ]
    out.append(section("work.process", "评价工作过程", 2, process))
    return out


# ---------------------------------------------------------------- 三、综合评价情况及评价结论


def draft_conclusion(ctx: DraftContext, precedents: Precedents | None = None) -> list[Section]:
    r = ctx.ref
    overall = [
        f"评价组对照项目绩效评价指标体系，从{join([r(f'group[{g}].name') for g in ctx.level1_names()])}等方面"
        f"对项目进行了综合评价。经评价，{r('project.name')}综合得分{r('total')}分，"
        f"评价等级为“{r('grade')}”。各项指标得分情况见下表。"
    ]
    if ctx.has("reported_total") and ctx.raw.get("reported_total") != ctx.raw.get("total"):
        overall.append(
            f"需要说明的是，原始资料填报的总分为{r('reported_total')}分，与按评分规则复核计算的{r('total')}分不一致，"
            "以复核结果为准，差异原因见指标分析部分。"
        )
    out = [
        section("conclusion", "综合评价情况及评价结论", 1, []),
        section("conclusion.overall", "综合评价情况", 2, overall, [_score_table(ctx)]),
    ]

    verdict = []
    parts = []
    for g in ctx.level1_names():
        parts.append(
            f"{group_label(ctx, g)}得分{r(f'group[{g}].score')}分（满分{r(f'group[{g}].weight')}分，"
            f"得分率{r(f'group[{g}].rate')}）"
        )
    verdict.append("从一级指标看，" + join(parts, "；") + "。")
    lost_groups = [
        g for g in ctx.level1_names() if ctx.raw.get(f"count.lost_indicators[{g}]", Decimal(0)) > 0
    ]
    if lost_groups:
        verdict.append(
            f"全部{r('count.indicators')}项末级指标中，{r('count.full_indicators')}项得满分，"
            f"{r('count.lost_indicators')}项存在失分，失分{_spread(ctx, lost_groups)}"
            f"{join([r(f'group[{g}].name') for g in lost_groups])}方面，具体分析见第四部分。"
        )
        weakest = _weakest_subgroup(ctx)
        if weakest is not None:
            verdict.append(
                f"二级指标中，{r(f'name[{weakest}]')}得分率最低，为{r(f'group[{weakest}].rate')}，是今后改进的重点。"
            )
    else:
        verdict.append(f"全部{r('count.indicators')}项末级指标均得满分，项目绩效目标全面完成。")
    verdict.append(_judgement(ctx))
    if ctx.has("narrative.achievements"):
        verdict.append(f"项目主要成效：{r('narrative.achievements')}")
    elif ctx.has("narrative.goal_achieved"):
        verdict.append(f"目标实际完成情况：{r('narrative.goal_achieved')}")
    elif achieved := achievements_text(ctx):
        verdict.append(f"从目标完成情况看，{achieved}")
    out.append(section("conclusion.verdict", "评价结论", 2, verdict))
    return out


GRADE_WORDS = {
    "优": "绩效目标总体实现，整体绩效优良",
    "良": "绩效目标基本实现，整体绩效良好",
    "中": "部分绩效目标未能实现，整体绩效一般",
    "差": "绩效目标大部分未能实现，整体绩效较差",
}


def _judgement(ctx: DraftContext) -> str:
    """The written judgement: the grade in words, the strongest 一级指标 and the main weaknesses (the problem
    themes), all from the score sheet and the case."""
    r = ctx.ref
    text = "总体来看，项目" + GRADE_WORDS.get(ctx.values.get("grade", ""), "绩效目标完成情况见上表")
    rates = {g: ctx.raw.get(f"group[{g}].rate") for g in ctx.level1_names()}
    rates = {g: v for g, v in rates.items() if isinstance(v, Decimal)}
    if rates:
        best = max(rates.values())
        strong = [g for g, v in rates.items() if v == best]
        text += f"，其中{join([r(f'group[{g}].name') for g in strong])}方面表现最好"
    found, _ = themes(ctx)
    if found:
        text += "；主要不足在于" + join([theme_lead(ctx, t) for t in found[:3]], "，") + "等方面"
    return text + "。"


def _spread(ctx: DraftContext, lost_groups: list[str]) -> str:
    """'主要集中在' only when the losses sit in a minority of the 一级指标; otherwise they are '分布在'."""
    return "主要集中在" if len(lost_groups) * 2 <= len(ctx.level1_names()) else "分布在"


def _weakest_subgroup(ctx: DraftContext) -> str | None:
    """The 二级 group with the lowest 得分率 below full marks ('决策/绩效目标'), if the tree has 二级 groups."""
    rates = {
        key[len("group[") : -len("].rate")]: value
        for key, value in ctx.raw.items()
        if key.startswith("group[")
        and key.endswith("].rate")
        and key.count("/") == 1
        and isinstance(value, Decimal)
    }
    below = {k: v for k, v in rates.items() if v < 100 and f"name[{k}]" in ctx.values}
    return min(below, key=lambda k: (below[k], k)) if below else None


def _score_table(ctx: DraftContext) -> Table:
    r = ctx.ref
    rows = []
    if ctx.budget_scored:
        rows.append(["预算执行率", "——", r("budget.weight"), r("budget.score"), _ratio(ctx, "budget")])
    for g in ctx.level1_names():
        children = []
        for ind in ctx.indicators_of(g):
            if len(ind.path) > 2:
                key = path_key(ind.path[:2])
                if key not in children and ctx.has(f"group[{key}].score"):
                    children.append(key)
        if children:
            for n, key in enumerate(children):
                first = r(f"group[{g}].name") + f"（{r(f'group[{g}].weight')}）" if n == 0 else ""
                rows.append(
                    [
                        first,
                        r(f"name[{key}]"),
                        r(f"group[{key}].weight"),
                        r(f"group[{key}].score"),
                        r(f"group[{key}].rate"),
                    ]
                )
        else:
            rows.append(
                [
                    r(f"group[{g}].name"),
                    "——",
                    r(f"group[{g}].weight"),
                    r(f"group[{g}].score"),
                    r(f"group[{g}].rate"),
                ]
            )
    rows.append(["合计", "", r("max_total"), r("total"), r("rate")])
    return Table.from_templates(
        "绩效评价指标得分简表", ["一级指标", "二级指标", "分值", "得分", "得分率"], rows
    )


def _ratio(ctx: DraftContext, prefix: str) -> str:
    score, weight = ctx.number(f"{prefix}.score"), ctx.number(f"{prefix}.weight")
    if score is None or not weight:
        return "——"
    return ctx.put(f"{prefix}.points.rate", (score / weight * 100).quantize(Decimal("0.01")), "computed")


# ---------------------------------------------------------------- 四、绩效评价指标分析


def draft_analysis(ctx: DraftContext, precedents: Precedents | None = None) -> list[Section]:
    """Every indicator in turn, as the corpus reports analyse them: what it measures and its standard when
    the case states them, what was found (target and actual, findings, evidence), and the score — full-score
    indicators included."""
    r = ctx.ref
    out = [section("analysis", "绩效评价指标分析", 1, [])]
    if ctx.budget_scored:
        text = (
            f"预算执行率指标分值{r('budget.weight')}分，得{r('budget.score')}分。项目全年预算{r('budget.annual')}万元，"
            f"全年执行{r('budget.executed')}万元，预算执行率为{r('budget.rate')}。"
        )
        if ctx.number("budget.score") != ctx.number("budget.weight"):
            text += f"未执行资金{r('budget.balance')}万元，按执行率计分。"
        out.append(section("analysis.budget", "预算执行情况", 2, [text]))
    for g in ctx.level1_names():
        paras = [
            f"{group_label(ctx, g)}满分{r(f'group[{g}].weight')}分，得分{r(f'group[{g}].score')}分，"
            f"得分率{r(f'group[{g}].rate')}。"
        ]
        for ind in ctx.indicators_of(g):
            paras.append(
                lost_point_paragraph(ctx, ind) if ctx.lost(ind) > 0 else full_score_paragraph(ctx, ind)
            )
        group = g.removesuffix("指标") if ctx.analysis_title.startswith("{group}指标") else g
        if not ctx.analysis_title.startswith("{group}"):  # "项目{group}情况": without the code ("A 决策")
            group = re.sub(r"^[A-Za-z]\d*\s*", "", group)
        title = ctx.analysis_title.format(group=group)
        out.append(section(f"analysis.{g}", title, 2, paras))
    return out


def _measures(ctx: DraftContext, ind) -> str:
    """'该指标考察…，评价标准为…。' from the case's 指标解释 and 评分标准, when it states them."""
    k = f"indicator[{ind.key}]"
    parts = []
    if ctx.has(f"{k}.explanation"):
        parts.append(f"该指标考察{ctx.ref(f'{k}.explanation').removeprefix('该指标')}")
    if ctx.has(f"{k}.standard"):
        parts.append(f"评分标准为：{ctx.ref(f'{k}.standard')}")
    return "".join(p.rstrip("。") + "。" for p in parts)


def target_and_actual(ctx: DraftContext, ind) -> str:
    """'年度指标值为≥90%，实际完成71.57%'; a qualitative pair ('下降' / '下降') reads '年度目标为“下降”，实际为“下降”';
    a leading '=' of a target ('=100%') is dropped."""
    k = f"indicator[{ind.key}]"
    target = ctx.values[f"{k}.target"]
    if not any(ch.isdigit() for ch in target):
        return f"年度目标为“{ctx.ref(f'{k}.target')}”，实际为“{ctx.ref(f'{k}.actual')}”"
    return f"年度指标值为{plain_target(ctx, ind)}，实际完成{ctx.ref(f'{k}.actual')}"


EVIDENCE_LEAD = {
    # How the corpus reports introduce the document a finding rests on, by what the indicator measures.
    "quantity": "据{ev}，",
    "quality": "经{ev}核验，",
    "time": "据{ev}，",
    "cost": "经{ev}核定，",
    "benefit": "据{ev}，",
    "satisfaction": "{ev}显示，",
    "management": "经查阅{ev}，",
}
MET_WORDS = {
    # A full-score row's result against its target, by what the indicator measures and how it stands.
    ("quantity", "exceeded"): "超额完成年度目标",
    ("quality", "exceeded"): "高于年度目标要求",
    ("time", "exceeded"): "优于年度目标要求",
    ("benefit", "exceeded"): "超过预期目标",
    ("satisfaction", "exceeded"): "高于目标值",
    ("cost", "within"): "控制在年度指标值以内",
}


def _numeric_finding(ctx: DraftContext, ind, kind: str) -> str:
    """Target and actual with the unit, worded by what the indicator measures: '年度指标值为≥86公里，实际完成
    91.4公里，超额完成年度目标'; a cost row '实际54.6万元，控制在年度指标值以内（≤58万元）'."""
    k = f"indicator[{ind.key}]"
    r = ctx.ref
    rel = relation(ctx, ind)
    if not ctx.has(f"{k}.target"):
        return f"实际完成{r(f'{k}.actual')}"
    target, actual = plain_target(ctx, ind), r(f"{k}.actual")
    if kind == "quantity":
        text = f"年度指标值为{target}，实际完成{actual}"
    else:
        # '出水水质达标率为85.2%，年度指标值为≥90%': a rate, a cost or an effect is a level, not a count.
        text = f"{r(f'name[{ind.key}]')}为{actual}，年度指标值为{target}"
    if rel is None:
        return text
    words = MET_WORDS.get((kind, rel)) or RELATION_WORDS[rel]
    return f"{text}，{words}"


def _qualitative_finding(ctx: DraftContext, ind) -> str:
    """'立项依据充分'; '沿江乡村旅游接待人次增长'; otherwise '年度目标为“x”，实际为“y”'."""
    k = f"indicator[{ind.key}]"
    if ctx.values.get(f"{k}.target") == ctx.values.get(f"{k}.actual"):
        return state_phrase(ctx, ind)
    return target_and_actual(ctx, ind)


def _linked_findings(ctx: DraftContext, ind) -> list[str]:
    """The case's findings that name this row: their text and evidence, for the row's analysis."""
    out = []
    for n, f in enumerate(ctx.case.findings):
        if f.indicator and (f.indicator == ind.path or f.indicator[-1] == ind.path[-1]):
            text = ctx.ref(f"finding[{n}].text")
            if ctx.has(f"finding[{n}].evidence"):
                text += f"（依据：{ctx.ref(f'finding[{n}].evidence')}）"
            out.append(text)
    return out


RETOLD = 0.5
"""Share of a linked finding's bigrams already in the row's deduction findings that makes it a retelling."""


def _retold(ctx: DraftContext, template: str, told: str) -> bool:
    """A linked finding (a template of references) that a deduction of the row already states."""
    key = template.removeprefix("{ref:").split("}", 1)[0]
    finding, known = bigrams(ctx.values.get(key, "")), bigrams(told)
    if not finding or not known:
        return False
    shared = len(finding & known)
    return max(shared / len(finding), shared / len(known)) >= RETOLD


def _cites_more(ctx: DraftContext, ind, kind: str) -> bool:
    """The row's evidence is not already named by the paragraph's lead ('据…，'): it is quoted as 评分依据."""
    return ctx.has(f"indicator[{ind.key}].evidence") and not _lead(ctx, ind, kind)


def _lead(ctx: DraftContext, ind, kind: str) -> str:
    """'据竣工验收资料，' when the row cites its evidence."""
    key = f"indicator[{ind.key}].evidence"
    if not ctx.has(key) or len(ctx.values[key]) > DOCUMENT_MAX:
        return ""  # a long evidence text (a calculation, a rule quoted) is cited in full as 评分依据 instead
    return EVIDENCE_LEAD[kind].format(ev=ctx.ref(key))


def full_score_paragraph(ctx: DraftContext, ind) -> str:
    """A full-score indicator: its measure, what the case shows for it — target against actual with the unit,
    worded by what the indicator measures, introduced by the document that shows it — and the score."""
    r = ctx.ref
    k = f"indicator[{ind.key}]"
    kind = indicator_kind(ind)
    text = f"{r(f'name[{ind.key}]')}，分值{r(f'{k}.weight')}分，得{r(f'{k}.score')}分。" + _measures(ctx, ind)
    lead = _lead(ctx, ind, kind)
    found = []
    if ctx.has(f"{k}.actual") and any(ch.isdigit() for ch in ctx.values[f"{k}.actual"]):
        found.append(_numeric_finding(ctx, ind, kind))
    elif ctx.has(f"{k}.target") and ctx.has(f"{k}.actual"):
        found.append(_qualitative_finding(ctx, ind))
    elif ctx.has(f"{k}.actual"):
        found.append(f"实际为“{r(f'{k}.actual')}”")
    met = [r(f"{k}.criterion[{j}].text") for j, c in enumerate(ind.criteria or []) if c.met]
    if met:
        found.append(join(met, "；") + ("，各项评分要点均已满足" if len(met) > 1 else ""))
    for field in ("finding", "reason"):
        if ctx.has(f"{k}.{field}"):
            found.append(r(f"{k}.{field}").rstrip("。；"))
    found += _linked_findings(ctx, ind)
    if _cites_more(ctx, ind, kind):
        found.append(f"评分依据为{r(f'{k}.evidence')}")
    if not found:
        return text + "经核查，该指标达到评价标准。"
    if not lead and kind == "management":
        lead = "经核查，"
    return text + lead + join(found, "；") + "。"


def _deviation_cause(ctx: DraftContext, ind) -> str | None:
    """A row's 偏差原因 without its label and without the 改进措施 that may follow it in the same cell."""
    k = f"indicator[{ind.key}]"
    if not ctx.has(f"{k}.deviation"):
        return None
    cause, _ = split_deviation(ctx.values[f"{k}.deviation"])
    return ctx.put(f"{k}.deviation.cause", cause, "case") if cause else None


def lost_point_paragraph(ctx: DraftContext, ind) -> str:
    """One lost-point explanation: the row's scores, its measure, the shortfall against the target with how
    it was scored, the findings and deductions the case gives for it with their evidence."""
    r = ctx.ref
    k = f"indicator[{ind.key}]"
    kind = indicator_kind(ind)
    text = f"{r(f'name[{ind.key}]')}，分值{r(f'{k}.weight')}分，得{r(f'{k}.score')}分，扣{r(f'{k}.lost')}分。"
    text += _measures(ctx, ind)
    reasons = []
    if ctx.has(f"{k}.target") and ctx.has(f"{k}.actual"):
        # A worded target ('持续运营', '下降') is compared in words even when the actual holds a figure
        # ('2个站点停业整顿'): there is no completion ratio to state.
        numeric = all(any(ch.isdigit() for ch in ctx.values[f"{k}.{f}"]) for f in ("actual", "target"))
        shortfall = _numeric_finding(ctx, ind, kind) if numeric else target_and_actual(ctx, ind)
        rule = ctx.values.get(f"{k}.rule")
        if rule == "proportional":
            shortfall += "，按完成比例计分"
        elif rule == "inverse_proportional":
            shortfall += "，按目标值与实际值之比计分"
        reasons.append(_lead(ctx, ind, kind) + shortfall)
    for j, _ in enumerate(ind.deductions or []):
        reason = f"{r(f'{k}.deduction[{j}].finding')}，扣{r(f'{k}.deduction[{j}].points')}分"
        if ctx.has(f"{k}.deduction[{j}].evidence"):
            reason += f"（依据：{r(f'{k}.deduction[{j}].evidence')}）"
        reasons.append(reason)
    for j, c in enumerate(ind.criteria or []):
        if not c.met:
            reasons.append(
                f"未达到“{r(f'{k}.criterion[{j}].text')}”的要求，该项{r(f'{k}.criterion[{j}].points')}分未得"
            )
    seen = set()
    for field in ("finding", "reason"):
        if ctx.has(f"{k}.{field}") and ctx.values[f"{k}.{field}"] not in seen:
            seen.add(ctx.values[f"{k}.{field}"])
            reasons.append(r(f"{k}.{field}").rstrip("。；"))
    cause = _deviation_cause(ctx, ind)
    if cause and ctx.values.get(f"{k}.deviation") not in seen:
        reasons.append(f"偏差原因为{cause}")
    told = " ".join(d.finding for d in ind.deductions or [])
    linked = [t for t in _linked_findings(ctx, ind) if not _retold(ctx, t, told)]
    if linked:
        reasons.append("经核查，" + join(linked, "；"))
    if ctx.has(f"{k}.judged"):
        reasons.append("该得分为评价人员根据书面理由作出的判断得分")
    if _cites_more(ctx, ind, kind) and not ind.deductions:
        reasons.append(f"评分依据：{r(f'{k}.evidence')}")
    if not reasons and ind.responses:
        reasons.append(
            "按问卷各档次人数加权计算满意度得分，问卷统计情况见附件满意度调查统计"
            + missing_loss_reason(ctx, ind.path[-1])
        )
    elif not reasons:
        reasons.append(f"评分计算过程：{r(f'{k}.formula')}" + missing_loss_reason(ctx, ind.path[-1]))
    return text + join(reasons, "；") + "。"


# ---------------------------------------------------------------- 五、经验做法、存在的问题


def draft_experience(ctx: DraftContext, precedents: Precedents | None = None) -> list[Section]:
    paras = []
    if ctx.has("narrative.experience"):
        paras.append(ctx.ref("narrative.experience"))
    else:
        paras.append(derived(ctx, "experience", experience_text(ctx)))
    if ctx.has("narrative.achievements"):
        paras.append(f"项目取得的主要成效：{ctx.ref('narrative.achievements')}")
    strong = [g for g in ctx.level1_names() if ctx.raw.get(f"count.lost_indicators[{g}]") == Decimal(0)]
    if strong:
        names = join([ctx.ref(f"group[{g}].name") for g in strong])
        # "成本指标、效益指标均得满分" — not "成本指标方面的指标".
        scope = "" if all(g.endswith("指标") for g in strong) else "方面的指标"
        paras.append(f"从评分结果看，{names}{scope}均得满分，相关管理做法可在后续年度继续坚持。")
    return [section("experience", "主要经验及做法", 2, paras)]


# ---------------------------------------------------------------- 七、其他需要说明的问题


def draft_other(ctx: DraftContext, precedents: Precedents | None = None) -> list[Section]:
    r = ctx.ref
    paras = []
    if ctx.todo:
        paras.append("案例资料未提供的信息已汇总在文首的补充事项清单中，请核实补充后重新起草。")
    judged = [ind for ind in ctx.case.indicators if ctx.has(f"indicator[{ind.key}].judged")]
    if judged:
        names = join([r(f"name[{i.key}]") for i in judged])
        paras.append(f"{names}的得分为评价人员依据书面理由作出的判断得分，其余指标得分均按评分规则计算。")
    mismatched = [
        ind
        for ind in ctx.case.indicators
        if ctx.has(f"indicator[{ind.key}].reported_score")
        and ctx.raw[f"indicator[{ind.key}].reported_score"] != ctx.raw[f"indicator[{ind.key}].score"]
    ]
    for ind in mismatched:
        k = f"indicator[{ind.key}]"
        paras.append(
            f"{r(f'name[{ind.key}]')}原始资料填报得分{r(f'{k}.reported_score')}分，按评分规则复核为"
            f"{r(f'{k}.score')}分（{r(f'{k}.formula')}）。"
        )
    if not paras:
        paras.append("无其他需要说明的问题。")
    return [section("other", "其他需要说明的问题", 1, paras)]


PART_DRAFTERS: dict[str, Callable[[DraftContext, Precedents | None], list[Section]]] = {
    "summary": draft_summary,
    "overview": draft_overview,
    "goals": draft_goals,
    "work": draft_work,
    "conclusion": draft_conclusion,
    "analysis": draft_analysis,
    "experience": draft_experience,
    "problems": draft_problems,
    "suggestions": draft_suggestions,
    "other": draft_other,
}

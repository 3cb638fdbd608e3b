"""Narrative sentences derived from facts the case holds elsewhere (indicator values and evidence, findings,
budget, units), for the sections whose own narrative field is empty.

A section the case leaves blank is written from what the case does hold — 实施情况 from the output
indicators, 组织管理 from the 主管部门 / 实施单位 and the contractors the findings name, 评价方法 from the
evidence documents the indicators cite, 主要成效 and 经验做法 from the indicators that met their targets — and
only what no field holds is asked for. Every figure is a reference; the template words hold no digits.

Indicator kinds (:func:`indicator_kind`) follow the 财预〔2020〕10号 framework: 产出数量 / 产出质量 / 产出时效 /
产出成本, 效益, 满意度, and the management indicators of 决策 and 过程.
"""

from __future__ import annotations

import re

from assistant.case import Indicator

from .context import DraftContext, category_for
from .prose import join

Kind = str
"""quantity | quality | time | cost | benefit | satisfaction | management"""

_GROUP_WORDS: tuple[tuple[str, Kind], ...] = (
    ("满意", "satisfaction"),
    ("数量", "quantity"),
    ("质量", "quality"),
    ("时效", "time"),
    ("进度", "time"),
    ("成本", "cost"),
    ("效益", "benefit"),
    ("效果", "benefit"),
    ("影响", "benefit"),
)
_LEAF_WORDS: tuple[tuple[tuple[str, ...], Kind], ...] = (
    (("满意",), "satisfaction"),
    (("及时", "时效", "按时", "按期", "周期", "时限"), "time"),
    (("成本", "单价", "费用", "造价", "经费"), "cost"),
    (("合格", "达标", "验收", "准确", "完好", "优良", "规范率"), "quality"),
)
VENDOR_WORDS = ("公司", "集团", "企业", "事务所")
"""A unit named with these is a contractor, not a public body (the department that contracted it acts)."""


def is_vendor(name: str) -> bool:
    return any(w in name for w in VENDOR_WORDS)


def indicator_kind(ind: Indicator) -> Kind:
    """What an indicator measures, from its group names first (产出数量, 质量指标, 服务对象满意度), then the
    leaf's own name (…及时率, 单位成本, 合格率), then its 一级指标 (决策/过程 → management)."""
    for name in ind.path[1:-1]:
        for word, kind in _GROUP_WORDS:
            if word in name:
                return kind
    for words, kind in _LEAF_WORDS:
        if any(w in ind.path[-1] for w in words):
            return kind
    category = category_for(ind.path[0])
    if category in ("决策", "过程"):
        return "management"
    if category == "效益" or "效益" in ind.path[0]:
        return "benefit"
    return "quantity"


LOWER_IS_BETTER = ("≤", "<", "不高于", "不超过", "以内", "以下", "低于")


def relation(ctx: DraftContext, ind: Indicator) -> str | None:
    """How the actual value stands against the target, in words (no figure): 'exceeded', 'met', 'within',
    'short' — from the scorer's parsed values; None when they are not both numbers."""
    k = f"indicator[{ind.key}]"
    target, actual = ctx.number(f"{k}.target_value"), ctx.number(f"{k}.actual_value")
    if target is None or actual is None:
        return None
    lower = ctx.values.get(f"{k}.rule") == "inverse_proportional" or any(
        w in ctx.values.get(f"{k}.target", "") for w in LOWER_IS_BETTER
    )
    if lower:
        if actual < target:
            return "within"
        return "met" if actual == target else "short"
    if actual > target:
        return "exceeded"
    return "met" if actual == target else "short"


RELATION_WORDS = {
    "exceeded": "超过年度目标",
    "met": "达到年度目标",
    "within": "控制在目标值以内",
    "short": "未达到年度目标",
}


def plain_target(ctx: DraftContext, ind: Indicator) -> str:
    """The target as a reference, with a leading '=' dropped ('=100%' reads '100%')."""
    k = f"indicator[{ind.key}]"
    target = ctx.values[f"{k}.target"]
    if target.startswith("="):
        return ctx.put(f"{k}.target.plain", target.removeprefix("=").strip(), "case")
    return ctx.ref(f"{k}.target")


def state_phrase(ctx: DraftContext, ind: Indicator) -> str:
    """A qualitative row's finding as a phrase: '立项依据充分性' with actual '充分' reads '立项依据充分';
    otherwise '资金使用合规性为“合规”'."""
    k = f"indicator[{ind.key}]"
    name, actual = ind.path[-1], ctx.values.get(f"{k}.actual", "")
    if actual and name.endswith(actual + "性"):
        return ctx.put(f"{k}.state", name[: -len("性")], "case")
    if actual and name.endswith(actual):
        return ctx.ref(f"name[{ind.key}]")
    return f"{ctx.ref(f'name[{ind.key}]')}为“{ctx.ref(f'{k}.actual')}”"


def _numeric(ctx: DraftContext, ind: Indicator) -> bool:
    k = f"indicator[{ind.key}]"
    return ctx.has(f"{k}.actual") and any(ch.isdigit() for ch in ctx.values[f"{k}.actual"])


def value_clause(ctx: DraftContext, ind: Indicator) -> str:
    """'新增收集管网长度91.4公里（年度指标值≥86公里）'."""
    k = f"indicator[{ind.key}]"
    text = f"{ctx.ref(f'name[{ind.key}]')}{ctx.ref(f'{k}.actual')}"
    if ctx.has(f"{k}.target"):
        text += f"（年度指标值{plain_target(ctx, ind)}）"
    return text


ITEM_SEP = "；"
"""Between the indicator values a sentence lists: one clause per indicator, so each value is read (and checked)
beside its own indicator's name."""
OUTPUT_KINDS = ("quantity", "quality", "time", "cost")
MAX_LISTED = 6
"""Most indicator values one narrative sentence lists; the rest are in 指标分析."""


def implementation_text(ctx: DraftContext) -> str | None:
    """实施情况 from the case: the stated completion (目标实际完成情况) if any, else the output indicators'
    actual values against their targets; None when the case holds neither."""
    if ctx.has("narrative.goal_achieved"):
        return ctx.ref("narrative.goal_achieved")
    outputs = [
        i
        for i in ctx.case.indicators
        if indicator_kind(i) in OUTPUT_KINDS and category_for(i.path[0]) == "产出" and _numeric(ctx, i)
    ]
    outputs.sort(key=lambda i: OUTPUT_KINDS.index(indicator_kind(i)))
    if not outputs:
        return None
    year = f"{ctx.ref('project.year')}年，" if ctx.has("project.year") else ""
    shown = outputs[:MAX_LISTED]
    text = f"{year}项目{join([value_clause(ctx, i) for i in shown], ITEM_SEP)}。"
    short = [i for i in shown if relation(ctx, i) == "short"]
    if short:
        text += (
            f"其中{join([ctx.ref(f'name[{i.key}]') for i in short])}未达到年度目标，具体见第四部分指标分析。"
        )
    else:
        text += "上述产出均达到年度目标，具体见第四部分指标分析。"
    return text


def vendors(ctx: DraftContext) -> list[str]:
    """Contractors the case names (a finding's 责任单位, the 实施单位) as references, in order, once each."""
    out: list[str] = []
    seen: set[str] = set()
    candidates = [("project.implementer", ctx.values.get("project.implementer", ""))]
    candidates += [(f"finding[{i}].responsible", f.responsible) for i, f in enumerate(ctx.case.findings)]
    for key, name in candidates:
        if name and is_vendor(name) and name not in seen and ctx.has(key):
            seen.add(name)
            out.append(ctx.ref(key))
    return out


def organisation_text(ctx: DraftContext) -> str:
    """Who does what, from the units the case names: the 主管部门, the 实施单位 and the contractors."""
    r = ctx.ref
    dept, impl = ctx.has("project.department"), ctx.has("project.implementer")
    same = dept and impl and ctx.values["project.implementer"] == ctx.values["project.department"]
    if same:
        text = f"项目主管部门和实施单位均为{r('project.department')}。"
    elif dept and impl:
        text = f"项目主管部门为{r('project.department')}，实施单位为{r('project.implementer')}。"
    elif dept:
        text = f"项目主管部门为{r('project.department')}。"
    elif impl:
        text = f"项目实施单位为{r('project.implementer')}。"
    else:
        return ""
    others = [v for v in vendors(ctx) if v != "{ref:project.implementer}"]
    if others:
        text += f"{join(others)}作为第三方单位承担项目的部分实施工作。"
    return text


def evidence_documents(ctx: DraftContext) -> list[str]:
    """The evidence documents the indicators and findings cite, as references, once each (by text)."""
    keys = [f"indicator[{i.key}].evidence" for i in ctx.case.indicators]
    for i in ctx.case.indicators:
        keys += [f"indicator[{i.key}].deduction[{j}].evidence" for j, _ in enumerate(i.deductions or [])]
    keys += [f"finding[{n}].evidence" for n, _ in enumerate(ctx.case.findings)]
    out, seen = [], set()
    for key in keys:
        name = evidence_name(ctx, key)
        if name is None:
            continue
        text = ctx.values[name[len("{ref:") : -1]]
        if text in seen or any(ch.isdigit() for ch in re.sub(r"[（(〔《].*$", "", text)):
            continue
        seen.add(text)
        out.append(name)
    return out


def satisfaction_indicators(ctx: DraftContext) -> list[Indicator]:
    return [i for i in ctx.case.indicators if indicator_kind(i) == "satisfaction"]


def eval_method_text(ctx: DraftContext) -> str:
    """评价方法 from what the case shows was done: comparison of actual values with targets, a satisfaction
    survey when the tree holds one, checks of management rows by deduction or checklist, and the documents
    cited as evidence."""
    r = ctx.ref
    methods = []
    if any(ctx.has(f"indicator[{i.key}].target") for i in ctx.case.indicators):
        methods.append("采用比较法，将各项绩效指标的实际完成值与年度指标值进行对比")
    survey = satisfaction_indicators(ctx)
    if survey:
        methods.append(f"采用公众评判法，通过满意度调查了解{join([r(f'name[{i.key}]') for i in survey])}情况")
    if any(i.deductions or i.criteria for i in ctx.case.indicators):
        methods.append("对决策和过程类指标按评分标准逐项核查，发现问题的按扣分标准扣分")
    text = "本次评价" + "；".join(methods) + "。" if methods else ""
    docs = evidence_documents(ctx)
    if docs:
        text += f"评价组查阅了{join(docs[:MAX_LISTED])}等资料，作为评分依据。"
    return text


def eval_process_text(ctx: DraftContext) -> str:
    """评价工作过程 as far as the case tells it: who carried it out, for whom, and what the work rested on."""
    r = ctx.ref
    who = r("project.evaluator") if ctx.has("project.evaluator") else "评价组"
    text = f"本次评价由{who}"
    if ctx.has("project.client"):
        text += f"受{r('project.client')}委托"
    text += "开展，对照评价指标体系收集、核查项目资料，逐项评分后形成本报告。"
    return text


def achievement_rows(ctx: DraftContext) -> list[Indicator]:
    """Output and benefit rows with full marks and a numeric actual at or beyond the target — what the
    project delivered, in the order 效益 first, then 产出."""
    rows = [
        i
        for i in ctx.case.indicators
        if ctx.lost(i) == 0
        and _numeric(ctx, i)
        and category_for(i.path[0]) in ("产出", "效益")
        and relation(ctx, i) in ("exceeded", "met", "within")
    ]
    rows.sort(key=lambda i: (category_for(i.path[0]) != "效益", indicator_kind(i) == "cost"))
    return rows


def achievements_text(ctx: DraftContext) -> str | None:
    """主要成效 from the rows that met their targets (at least two), else None."""
    rows = achievement_rows(ctx)
    if len(rows) < 2:
        return None
    return f"{join([value_clause(ctx, i) for i in rows[:4]], ITEM_SEP)}，均达到年度目标。"


EXPERIENCE_ORDER = ("management", "cost", "quality", "benefit", "satisfaction", "time", "quantity")
ORDINALS = ("一是", "二是", "三是", "四是")


PRACTICE_MAX = 60
"""Longest checklist wording quoted as a practice; longer lists are summed up as all points met."""


def _practice(ctx: DraftContext, ind: Indicator) -> str | None:
    """One practice worth keeping, from a full-score row: what it shows and the document that shows it."""
    r = ctx.ref
    k = f"indicator[{ind.key}]"
    kind = indicator_kind(ind)
    document = evidence_name(ctx, f"{k}.evidence")
    evidence = f"（依据：{document}）" if document else ""
    met = [r(f"{k}.criterion[{j}].text") for j, c in enumerate(ind.criteria or []) if c.met]
    if met and len(met) == len(ind.criteria or []):
        if sum(len(c.text) for c in ind.criteria or []) > PRACTICE_MAX:
            return f"{r(f'name[{ind.key}]')}方面各项评分要点均已满足{evidence}"
        return f"{r(f'name[{ind.key}]')}方面，{join(met, '，')}{evidence}"
    if kind == "management":
        if ctx.has(f"{k}.actual") and not _numeric(ctx, ind) and evidence:
            return f"{state_phrase(ctx, ind)}{evidence}"
        return None
    if not _numeric(ctx, ind) or not evidence:
        return None
    rel = relation(ctx, ind)
    if rel not in ("exceeded", "within"):
        return None
    if kind == "cost":
        return f"成本控制较好，{value_clause(ctx, ind)}，{RELATION_WORDS[rel]}{evidence}"
    return f"{value_clause(ctx, ind)}，{RELATION_WORDS[rel]}{evidence}"


def experience_items(ctx: DraftContext) -> list[str]:
    """Up to three practices from the case's strongest rows: full marks backed by an evidence document or by
    every checklist point met, management rows first, then cost, quality and benefit results beyond target."""
    rows = [i for i in ctx.case.indicators if ctx.lost(i) == 0 and ctx.score(i) is not None]
    rows.sort(key=lambda i: EXPERIENCE_ORDER.index(indicator_kind(i)))
    found = [(ind, item) for ind in rows if (item := _practice(ctx, ind))]
    # One practice per kind first (a management practice, cost control, a quality result…), then the rest.
    out: list[str] = []
    kinds: set[str] = set()
    for ind, item in found:
        if indicator_kind(ind) not in kinds:
            kinds.add(indicator_kind(ind))
            out.append(item)
    out += [item for _, item in found if item not in out]
    return out[:3]


def experience_text(ctx: DraftContext) -> str | None:
    items = experience_items(ctx)
    if len(items) < 2:
        return None
    listed = "；".join(f"{ORDINALS[n]}{item}" for n, item in enumerate(items))
    return f"从评价情况看，项目以下做法值得肯定：{listed}。"


CAUSE_LABELS = ("偏差原因分析", "偏差原因", "原因分析", "原因")
MEASURE_LABELS = ("改进措施", "整改措施", "下一步措施", "下一步工作", "措施")
_LABEL_END = "：:"


def split_deviation(text: str) -> tuple[str, str]:
    """A 偏差原因分析及改进措施 cell as (cause, measure), labels and closing stops removed:
    '偏差原因：到检率偏低。改进措施：分批次进村体检。' → ('到检率偏低', '分批次进村体检'). A cell without a
    measure label is all cause."""
    body = text.strip()
    for label in CAUSE_LABELS:
        if body.startswith(label) and body[len(label) : len(label) + 1] in _LABEL_END:
            body = body[len(label) + 1 :]
            break
    cause, measure = body, ""
    for label in MEASURE_LABELS:
        match = re.search(rf"[。；;，,]?\s*{label}[：:]", body)
        if match:
            cause, measure = body[: match.start()], body[match.end() :]
            break
    return cause.strip().rstrip("。；;，,"), measure.strip().rstrip("。；;")


DOCUMENT_MAX = 40
"""Longest evidence text read as a document's name; a longer one (a calculation, a rule quoted in full) is
named by its part before the first colon ('服务总结报告：共进行…' → '服务总结报告') or not at all."""


def evidence_name(ctx: DraftContext, key: str) -> str | None:
    """The document an evidence text names, as a reference: the text itself when short, else its part before
    the first colon when that is short; None otherwise."""
    if not ctx.has(key):
        return None
    text = ctx.values[key]
    if len(text) <= DOCUMENT_MAX:
        return ctx.ref(key)
    head = re.split(r"[：:]", text, maxsplit=1)[0].strip()
    if head != text and 2 <= len(head) <= DOCUMENT_MAX:
        return ctx.put(f"{key}.document", head, "case")
    return None

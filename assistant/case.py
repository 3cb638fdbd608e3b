"""The evaluation case (评价案例): project facts, budget, the weighted indicator tree and narrative facts.

This is the input contract of the scorer and of drafting. Case files (YAML/JSON) map onto :class:`Case`
one to one; unknown keys are rejected so a typo becomes an error instead of a silently ignored field.
Validation errors are reported by :func:`parse_case` as one :class:`~assistant.errors.InputError`
whose message has one Chinese line per problem, naming the indicator and the field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import InputError

CaseKind = Literal["self_evaluation", "evaluation"]
"""self_evaluation = 绩效自评表 (budget 10 + indicators 90); evaluation = 绩效评价报告 (indicators 100)."""

RuleName = Literal[
    "budget_execution",
    "proportional",
    "inverse_proportional",
    "qualitative",
    "tiers",
    "rate",
    "likert",
    "deduction",
    "checklist",
    "judged",
]
"""The closed vocabulary of scoring rules; see ``assistant/scoring/rules.py`` and domain.md §3."""

FindingCategory = Literal["决策", "过程", "产出", "效益"]

KIND_TOTAL = Decimal(100)
"""Every case is scored out of 100 points."""

DEFAULT_SELF_EVAL_BUDGET_WEIGHT = Decimal(10)
"""A self-evaluation form gives budget execution 10 points unless the case says otherwise."""


class _Strict(BaseModel):
    """Base for user-facing input models: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Project(_Strict):
    """项目基本信息 — the header of a form or report."""

    name: str = Field(description="项目名称")
    department: str = Field(default="", description="主管部门")
    implementer: str = Field(default="", description="实施单位")
    year: int | None = Field(default=None, description="评价年度, e.g. 2023")
    evaluator: str = Field(
        default="", description="评价机构 (third party or department doing the evaluation)"
    )


class BudgetYear(_Strict):
    """One year of a multi-year budget (used by the 'each year, then averaged' execution variant)."""

    year: int = Field(description="年度")
    annual: Decimal = Field(description="全年预算数 (万元)")
    executed: Decimal = Field(description="全年执行数 (万元)")


class Budget(_Strict):
    """项目预算执行情况 (amounts in 万元)."""

    initial: Decimal | None = Field(default=None, description="年初预算数")
    annual: Decimal = Field(description="全年预算数 (A)")
    executed: Decimal = Field(description="全年执行数 (B)")
    weight: Decimal | None = Field(
        default=None, description="分值 of budget execution; self_evaluation only (default 10)"
    )
    years: list[BudgetYear] = Field(
        default_factory=list,
        description="Optional per-year lines; when present, execution is scored per year",
    )


class Deduction(_Strict):
    """One deduction (扣分) with the finding that caused it."""

    points: Decimal = Field(description="Points deducted")
    finding: str = Field(description="What was found (问题描述)")
    evidence: str = Field(default="", description="Where it was found (评分依据/依据来源)")


class Criterion(_Strict):
    """One checklist criterion (评分要点) worth `points` when met."""

    points: Decimal = Field(description="Points for this criterion")
    met: bool = Field(description="Whether the criterion is met")
    text: str = Field(description="The criterion as written in the 评分标准")


class Indicator(_Strict):
    """One leaf indicator row (三级 or 四级指标) with its weight, values and scoring rule fields."""

    path: list[str] = Field(min_length=1, description="一级/二级/三级(/四级) indicator names")
    weight: Decimal = Field(description="分值 (full marks)")
    target: str | None = Field(default=None, description="年度指标值 as written, e.g. '≥90%'")
    actual: str | None = Field(default=None, description="实际完成指标值 as written, e.g. '71.57%'")
    rule: RuleName | None = Field(
        default=None, description="Scoring rule; inferred from the fields when absent"
    )
    reported_score: Decimal | None = Field(default=None, description="The score a source document reported")
    deductions: list[Deduction] | None = Field(default=None, description="For rule 'deduction'")
    criteria: list[Criterion] | None = Field(default=None, description="For rule 'checklist'")
    tiers: list[tuple[Decimal, Decimal]] | None = Field(
        default=None, description="For rule 'tiers': [[threshold %, share of weight], ...]"
    )
    responses: dict[int, int] | None = Field(
        default=None, description="For rule 'likert': {points 1..5: number of responses}"
    )
    score: Decimal | None = Field(default=None, description="For rule 'judged': the evaluator's score")
    reason: str | None = Field(default=None, description="For rule 'judged': the written reason (required)")
    full_at: Decimal | None = Field(
        default=None, description="For 'budget_execution': execution rate % at or above which full marks"
    )
    zero_below: Decimal | None = Field(
        default=None, description="For 'budget_execution': execution rate % below which zero"
    )
    finding: str = Field(default="", description="评价发现 for this indicator (prose)")
    evidence: str = Field(default="", description="评分依据 / 依据来源")
    deviation: str = Field(default="", description="偏差原因分析及改进措施 (self-evaluation form column)")

    @property
    def key(self) -> str:
        """The path joined with '/', e.g. '产出指标/质量指标/网络AP在线率'."""
        return "/".join(self.path)


class Finding(_Strict):
    """A free-standing finding (存在的问题) that is not tied to one lost point."""

    category: FindingCategory = Field(description="决策 | 过程 | 产出 | 效益")
    text: str = Field(description="问题描述")
    evidence: str = Field(default="", description="证据 / 依据来源")
    indicator: list[str] | None = Field(default=None, description="Path of the indicator it concerns, if any")


class Narrative(_Strict):
    """Narrative facts for drafting (all optional, Chinese prose as the user wrote it)."""

    background: str = Field(default="", description="项目背景")
    basis: str = Field(default="", description="立项依据")
    content: str = Field(default="", description="主要内容")
    implementation: str = Field(default="", description="实施情况")
    organisation: str = Field(default="", description="组织管理")
    overall_goal: str = Field(default="", description="总体目标 (自评表: 年初预期目标)")
    annual_goal: str = Field(default="", description="年度目标")
    goal_achieved: str = Field(default="", description="目标实际完成情况")
    eval_purpose: str = Field(default="", description="评价目的")
    eval_scope: str = Field(default="", description="评价对象和范围")
    eval_method: str = Field(default="", description="评价方法")
    eval_process: str = Field(default="", description="评价工作过程")
    achievements: str = Field(default="", description="主要成效")
    experience: str = Field(default="", description="主要经验及做法")


class Case(_Strict):
    """An evaluation case: what the scorer scores and the drafter writes about."""

    kind: CaseKind = Field(description="self_evaluation (自评表) or evaluation (评价报告)")
    project: Project
    budget: Budget | None = Field(default=None, description="Required for self_evaluation")
    indicators: list[Indicator] = Field(min_length=1, description="Leaf indicators with their paths")
    narrative: Narrative = Field(default_factory=Narrative, description="Facts for the report prose")
    findings: list[Finding] = Field(default_factory=list, description="Free-standing findings")
    reported_total: Decimal | None = Field(default=None, description="总分 the source document reported")
    reported_grade: str | None = Field(default=None, description="等级 the source document reported")

    def budget_weight(self) -> Decimal:
        """Points for budget execution outside the indicator tree (self_evaluation only)."""
        if self.kind != "self_evaluation" or self.budget is None:
            return Decimal(0)
        return self.budget.weight if self.budget.weight is not None else DEFAULT_SELF_EVAL_BUDGET_WEIGHT


_FIELD_NAMES_ZH = {
    "kind": "类型",
    "project": "项目",
    "name": "项目名称",
    "department": "主管部门",
    "implementer": "实施单位",
    "year": "年度",
    "evaluator": "评价机构",
    "budget": "预算",
    "initial": "年初预算数",
    "annual": "全年预算数",
    "executed": "全年执行数",
    "weight": "分值",
    "years": "分年度预算",
    "indicators": "指标",
    "path": "指标路径",
    "target": "年度指标值",
    "actual": "实际完成值",
    "rule": "评分规则",
    "reported_score": "原文得分",
    "deductions": "扣分项",
    "points": "分数",
    "finding": "问题",
    "evidence": "依据",
    "criteria": "评分要点",
    "met": "是否达到",
    "text": "内容",
    "tiers": "分档",
    "responses": "满意度问卷",
    "score": "人工评分",
    "reason": "评分理由",
    "full_at": "满分执行率",
    "zero_below": "零分执行率",
    "deviation": "偏差原因分析及改进措施",
    "narrative": "叙述信息",
    "findings": "问题清单",
    "category": "问题分类",
    "indicator": "关联指标",
    "reported_total": "原文总分",
    "reported_grade": "原文等级",
}

_ERROR_TYPES_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "不允许的字段（请检查拼写）",
    "decimal_parsing": "不是数字",
    "decimal_type": "不是数字",
    "int_parsing": "不是整数",
    "int_type": "不是整数",
    "int_from_float": "须为整数",
    "bool_parsing": "须为 true 或 false",
    "bool_type": "须为 true 或 false",
    "string_type": "须为文字",
    "list_type": "须为列表",
    "dict_type": "须为映射（键: 值）",
    "model_type": "须为映射（键: 值）",
    "tuple_type": "须为 [门槛, 比例] 形式",
    "too_short": "不能为空",
    "too_long": "项数过多",
    "literal_error": "取值不在允许范围内",
    "finite_number": "须为有限数字",
}


def _describe_location(loc: tuple[Any, ...], data: Any) -> str:
    """Turn a pydantic error location into Chinese, naming the indicator by its path when possible."""
    parts: list[str] = []
    i = 0
    while i < len(loc):
        item = loc[i]
        if item == "indicators" and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = loc[i + 1]
            path = None
            try:
                path = data["indicators"][index]["path"]
            except (KeyError, IndexError, TypeError):
                path = None
            if isinstance(path, list) and all(isinstance(p, str) for p in path) and path:
                parts.append(f"指标“{'/'.join(path)}”")
            else:
                parts.append(f"第{index + 1}个指标")
            i += 2
            continue
        if isinstance(item, int):
            parts.append(f"第{item + 1}项")
        else:
            parts.append(_FIELD_NAMES_ZH.get(str(item), str(item)) + f"({item})")
        i += 1
    return " ".join(parts) if parts else "案例"


def format_validation_error(exc: ValidationError, data: Any, source: str = "") -> InputError:
    """Translate a pydantic ValidationError into one InputError with one Chinese line per problem."""
    lines = []
    for err in exc.errors():
        where = _describe_location(tuple(err["loc"]), data)
        what = _ERROR_TYPES_ZH.get(err["type"], err["msg"])
        given = err.get("input")
        shown = (
            f"（填写的是：{given!r}）"
            if err["type"] not in ("missing",) and not isinstance(given, dict | list)
            else ""
        )
        lines.append(f"- {where}：{what}{shown}")
    head = f"案例{('“' + source + '”') if source else ''}有 {len(lines)} 处错误："
    return InputError("\n".join([head, *lines]))


def parse_case(data: Any, source: str = "") -> Case:
    """Validate a plain mapping (from YAML/JSON/Excel) as a Case, or raise InputError listing every problem."""
    if not isinstance(data, dict):
        raise InputError(
            f"案例{('“' + source + '”') if source else ''}的内容须为映射（kind/project/budget/indicators…）"
        )
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        raise format_validation_error(exc, data, source) from None


def plain_numbers(value: Any) -> Any:
    """Decimals → int when whole, else float (exact for the ≤15-digit values cases hold), recursing into
    dicts, lists and tuples: what YAML, JSON and spreadsheet writers accept."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain_numbers(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_numbers(v) for v in value]
    return value

"""The evaluation case (评价案例): project facts, budget, the weighted indicator tree and narrative facts.

This is the input contract of the scorer and of drafting. Case files (YAML/JSON) map onto :class:`Case`
one to one; unknown keys are rejected so a typo becomes an error instead of a silently ignored field.
Validation errors are reported by :func:`parse_case` as one :class:`~assistant.errors.InputError`
whose message has one Chinese line per problem, naming the indicator and the field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from assistant.errors import InputError

CaseKind = Literal["self_evaluation", "evaluation"]
"""self_evaluation = 绩效自评表 (budget 10 + indicators 90); evaluation = 绩效评价报告 (indicators 100)."""

RuleName = Literal[
    "budget_execution",
    "proportional",
    "inverse_proportional",
    "equality",
    "qualitative",
    "tiers",
    "rate",
    "likert",
    "deduction",
    "checklist",
    "judged",
]
"""The closed vocabulary of scoring rules; labels, parameters and functions in ``assistant/scoring/registry.py``."""

FindingCategory = Literal["决策", "过程", "产出", "效益"]

KIND_TOTAL = Decimal(100)
"""Every case is scored out of 100 points."""

DEFAULT_SELF_EVAL_BUDGET_WEIGHT = Decimal(10)
"""A self-evaluation form gives budget execution 10 points unless the case says otherwise."""


MAX_INDICATORS = 2000
"""More indicator rows than any real form holds; refused before any work (a Chinese message, not a hang)."""

NUMBER_MAX_EXPONENT = 15
"""Largest power of ten a number in a case may reach (a budget in 元 has at most 13 digits)."""
NUMBER_MIN_EXPONENT = -18
"""Smallest power of ten a non-zero number may have (turning 1e-999999 into digits would take minutes)."""


def _bounded(value: Any) -> Any:
    if isinstance(value, Decimal) and value.is_finite() and value != 0:
        if not NUMBER_MIN_EXPONENT <= value.adjusted() <= NUMBER_MAX_EXPONENT:
            raise PydanticCustomError("number_out_of_range", "number out of range")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**NUMBER_MAX_EXPONENT:
        raise PydanticCustomError("number_out_of_range", "number out of range")
    elif isinstance(value, list | tuple):
        for item in value:
            if not isinstance(item, BaseModel):
                _bounded(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _bounded(key)
            _bounded(item)
    return value


class _Strict(BaseModel):
    """Base for user-facing input models: unknown keys are errors, numbers are bounded."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _numbers_in_range(cls, value: Any) -> Any:
        return _bounded(value)


KEY_SEPARATOR = "/"


def path_key(path: list[str] | tuple[str, ...]) -> str:
    """The one string key of an indicator or group path: names joined with '/'.

    A '/' or '\\' inside a name is escaped ('\\/', '\\\\'), so the key is unique per path: the rows
    ['产出', '数量/质量', 'x'] and ['产出/数量', '质量', 'x'] never share a key (and so never a result).
    """
    return KEY_SEPARATOR.join(part.replace("\\", "\\\\").replace("/", "\\/") for part in path)


class Project(_Strict):
    """项目基本信息 — the header of a form or report."""

    name: str = Field(description="项目名称")
    department: str = Field(default="", description="主管部门")
    implementer: str = Field(default="", description="实施单位")
    year: int | None = Field(default=None, description="评价年度, e.g. 2023")
    evaluator: str = Field(
        default="", description="评价机构 (third party or department doing the evaluation)"
    )
    client: str = Field(default="", description="委托单位 (who commissioned the evaluation)")
    report_date: str = Field(default="", description="报告日期 as written, e.g. '2024年8月'")


class BudgetYear(_Strict):
    """One year of a multi-year budget (used by the 'each year, then averaged' execution variant)."""

    year: int = Field(description="年度")
    annual: Decimal = Field(description="全年预算数 (万元)")
    executed: Decimal = Field(description="全年执行数 (万元)")


class BudgetSource(_Strict):
    """One 其中 row of the budget block (当年财政拨款, 上年结转资金, 其他资金…), amounts as the form gives them."""

    name: str = Field(description="资金来源 as written, e.g. '其中：当年财政拨款'")
    initial: Decimal | None = Field(default=None, description="年初预算数")
    annual: Decimal | None = Field(default=None, description="全年预算数 / 调整后预算数")
    executed: Decimal | None = Field(default=None, description="全年执行数")
    reported_rate: str | None = Field(default=None, description="执行率 as written on this row")


class Budget(_Strict):
    """项目预算执行情况 (amounts in 万元)."""

    initial: Decimal | None = Field(default=None, description="年初预算数")
    annual: Decimal = Field(description="全年预算数 (A)")
    executed: Decimal = Field(description="全年执行数 (B)")
    weight: Decimal | None = Field(
        default=None,
        description="分值 of budget execution; self_evaluation only (default 10; 0 = shown but not scored)",
    )
    years: list[BudgetYear] = Field(
        default_factory=list,
        description="Optional per-year lines; when present, execution is scored per year",
    )
    sources: list[BudgetSource] = Field(
        default_factory=list, description="其中 rows (funding sources) as the form gives them"
    )
    reported_rate: str | None = Field(
        default=None, description="执行率 the form reports, as written ('97.53%')"
    )
    reported_score: Decimal | None = Field(default=None, description="预算执行得分 the form reports")
    reported_score_text: str | None = Field(
        default=None, description="The 得分 cell as written when it is not a plain number ('9分', '' = blank)"
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
    nature: str | None = Field(
        default=None, description="指标性质 column as written (≥ ≤ = 定性) when the form has one"
    )
    unit: str | None = Field(default=None, description="度量单位 column as written when the form has one")
    standard: str | None = Field(
        default=None,
        description="评分标准 as written for this row; for a received form the scorer follows the tiers, "
        "rate or deductions it states",
    )
    explanation: str = Field(default="", description="指标解释 as written in the report's 指标体系")
    rule: RuleName | None = Field(
        default=None, description="Scoring rule; inferred from the fields when absent"
    )
    reported_score: Decimal | None = Field(default=None, description="The score a source document reported")
    reported_score_text: str | None = Field(
        default=None, description="The 得分 cell as written when it is not a plain number ('9分', '' = blank)"
    )
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
        """The path joined with '/', e.g. '产出指标/质量指标/网络AP在线率' (see :func:`path_key`)."""
        return path_key(self.path)


class StatedWeight(_Strict):
    """Points a form prints beside a label (产出指标（50分）, 年度绩效目标一（40分）, 绩效指标（90分）)."""

    label: str = Field(description="The label as written")
    points: Decimal = Field(description="The points it states")
    scope: Literal["group", "rows", "indicators", "budget"] = Field(
        description="group = an indicator group (path); rows = the listed indicator rows; "
        "indicators = all indicators; budget = the budget block"
    )
    path: list[str] | None = Field(default=None, description="For scope 'group': the group path")
    rows: list[int] | None = Field(default=None, description="For scope 'rows': 0-based indicator indices")


class CellLocation(_Strict):
    """Where a figure stands in the source document, so a reviewer can point at the cell."""

    table: int | None = Field(default=None, description="1-based table number in the document")
    row: int | None = Field(default=None, description="1-based row (spreadsheet row, table row or text line)")
    column: int | None = Field(default=None, description="1-based column")
    sheet: str | None = Field(default=None, description="Worksheet name (Excel)")
    page: int | None = Field(default=None, description="1-based page (PDF)")
    row_label: str = Field(
        default="", description="The row as a person names it (指标 path, 年度资金总额, 总分)"
    )
    column_label: str = Field(default="", description="The column header as written (得分, 执行率…)")
    formula: str | None = Field(default=None, description="The spreadsheet formula behind the value, if any")

    def describe(self) -> str:
        """Chinese: '工作表“自评表” 第17行 H列（产出指标/… · 得分）'."""
        from assistant.forms.location import describe_location

        return describe_location(self)


class FormOrigin(_Strict):
    """Where a case read from a received form came from. A case with an origin is a *received* form:
    it is scored row by row even when its weights do not add up, with findings instead of a refusal."""

    file: str = Field(description="File name of the source document")
    format: str = Field(description="docx / pdf / xlsx / txt / md / html")
    form_index: int = Field(default=1, description="1-based number of this form in the document")
    form_count: int = Field(default=1, description="Number of forms the document holds")
    title: str = Field(default="", description="The form's heading as written")
    cells: dict[str, CellLocation] = Field(
        default_factory=dict, description="Figure id (as in comparisons) → its cell in the document"
    )
    unread: list[str] = Field(
        default_factory=list, description="What the reader could not read (Chinese), for a partial form"
    )


class Finding(_Strict):
    """A free-standing finding (存在的问题) that is not tied to one lost point."""

    category: FindingCategory = Field(description="决策 | 过程 | 产出 | 效益")
    text: str = Field(description="问题描述")
    evidence: str = Field(default="", description="证据 / 依据来源")
    indicator: list[str] | None = Field(default=None, description="Path of the indicator it concerns, if any")
    cause: str = Field(default="", description="原因分析: why it happened, as the evaluator found it")
    responsible: str = Field(default="", description="责任单位")


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
    conclusion: str = Field(default="", description="评价结论 / 自评结论 as written in a received form")


class Case(_Strict):
    """An evaluation case: what the scorer scores and the drafter writes about."""

    kind: CaseKind = Field(description="self_evaluation (自评表) or evaluation (评价报告)")
    project: Project
    budget: Budget | None = Field(default=None, description="Required for self_evaluation")
    indicators: list[Indicator] = Field(min_length=1, description="Leaf indicators with their paths")
    narrative: Narrative = Field(default_factory=Narrative, description="Facts for the report prose")
    findings: list[Finding] = Field(default_factory=list, description="Free-standing findings")
    reported_total: Decimal | None = Field(default=None, description="总分 the source document reported")
    reported_total_text: str | None = Field(
        default=None,
        description="The 总分 cell as written when it is not a plain number ('98.58分', '' = blank)",
    )
    reported_grade: str | None = Field(default=None, description="等级 the source document reported")
    reported_weight_total: Decimal | None = Field(
        default=None, description="分值 total printed on the 总分 row (usually 100)"
    )
    stated_weights: list[StatedWeight] = Field(
        default_factory=list, description="Points printed beside labels, checked against the row weights"
    )
    empty_rows: list[list[str]] = Field(
        default_factory=list,
        description="Placeholder rows of a form (a 二级 with no indicator), kept as empty lines, not scored",
    )
    origin: FormOrigin | None = Field(
        default=None, description="Set when the case was read from a received form (Word/PDF/Excel/web)"
    )

    @field_validator("indicators", mode="before")
    @classmethod
    def _not_too_many(cls, value: Any) -> Any:
        if isinstance(value, list) and len(value) > MAX_INDICATORS:
            raise PydanticCustomError("too_many_indicators", "too many indicators")
        return value

    @property
    def received(self) -> bool:
        """A received form (read from a document) is scored leniently; a typed case is validated strictly."""
        return self.origin is not None

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
    "nature": "指标性质",
    "unit": "度量单位",
    "standard": "评分标准",
    "explanation": "指标解释",
    "client": "委托单位",
    "report_date": "报告日期",
    "cause": "原因分析",
    "responsible": "责任单位",
    "reported_score_text": "原文得分（原样）",
    "reported_total_text": "原文总分（原样）",
    "reported_rate": "原文执行率",
    "reported_weight_total": "原文分值合计",
    "sources": "资金来源",
    "stated_weights": "标注分值",
    "empty_rows": "空行",
    "origin": "来源",
    "conclusion": "评价结论",
    "label": "标签",
    "scope": "范围",
    "rows": "行",
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
    "too_many_indicators": f"指标数量超过上限 {MAX_INDICATORS}",
    "number_out_of_range": f"数值超出可处理的范围（绝对值须小于 10 的 {NUMBER_MAX_EXPONENT} 次方，且不能过小）",
    "greater_than": "须大于下限",
    "greater_than_equal": "须不小于下限",
    "less_than": "须小于上限",
    "less_than_equal": "须不大于上限",
    "string_too_long": "文字过长",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "float_parsing": "不是数字",
    "float_type": "不是数字",
    "dict_attributes_type": "须为映射（键: 值）",
    "union_tag_invalid": "取值不在允许范围内",
    "value_error": "取值无效",
    "recursion_loop": "嵌套层级过深",
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
        what = _ERROR_TYPES_ZH.get(err["type"], "取值无效")
        given = err.get("input")
        shown = ""
        if err["type"] not in ("missing",) and not isinstance(given, dict | list | tuple):
            typed = repr(given) if not isinstance(given, str) or len(given) <= 60 else repr(given[:40])
            more = f"…（共 {len(given)} 个字符）" if isinstance(given, str) and len(given) > 60 else ""
            shown = f"（填写的是：{typed}{more}）"
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

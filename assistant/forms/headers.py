"""Column headers and row labels recognised by meaning (表头识别): the one vocabulary of the form reader.

Forms from different provinces name the same column differently (分值/权重, 年度指标值/指标值/年初目标值,
实际完成值/完成值/全年实际值, 得分/自评得分). A header is normalised (full-width → half-width, spaces and
a trailing '(A)', '(万元)', '(20分×执行率)' removed), looked up exactly, then by the words it contains.
Exact names beat contained words, so '年度预算数（万元）' (a row-label column) never takes the place of
'调整后预算数'.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# Indicator table columns.
LEVELS = ("level1", "level2", "level3", "level4")
INDICATOR_EXACT: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "四级指标": "level4",
    "指标名称": "level3",
    "绩效指标名称": "level3",
    "指标内容": "level3",
    "具体指标": "level3",
    "指标": "level3",
    "分值": "weight",
    "权重": "weight",
    "权重(%)": "weight",
    "指标分值": "weight",
    "标准分值": "weight",
    "标准分": "weight",
    "满分": "weight",
    "分数": "weight",
    "得分": "score",
    "自评得分": "score",
    "自评分": "score",
    "自评分值": "score",
    "自评分数": "score",
    "评价分数": "score",
    "实际分数": "score",
    "实际得分": "score",
    "评价得分": "score",
    "评分": "score",
    "年度指标值": "target",
    "指标值": "target",
    "年初目标值": "target",
    "目标值": "target",
    "年度目标值": "target",
    "预期指标值": "target",
    "预期目标值": "target",
    "计划指标值": "target",
    "绩效目标值": "target",
    "年初指标值": "target",
    "指标目标值": "target",
    "计划值": "target",
    "年度计划值": "target",
    "全年计划值": "target",
    "预期值": "target",
    "实际完成值": "actual",
    "完成值": "actual",
    "实际完成指标值": "actual",
    "全年实际值": "actual",
    "全年完成值": "actual",
    "实际完成情况": "actual",
    "实际值": "actual",
    "完成情况": "actual",
    "实际完成": "actual",
    "实际完成数": "actual",
    "实际数": "actual",
    "指标性质": "nature",
    "指标方向": "nature",
    "度量单位": "unit",
    "计量单位": "unit",
    "单位": "unit",
    "评分标准": "standard",
    "评分规则": "standard",
    "评分办法": "standard",
    "计分方法": "standard",
    "评分细则": "standard",
}
INDICATOR_CONTAINS: tuple[tuple[str, str], ...] = (
    ("一级", "level1"),
    ("二级", "level2"),
    ("三级", "level3"),
    ("四级", "level4"),
    ("评分标准", "standard"),
    ("评分规则", "standard"),
    ("自评", "score"),
    ("原因", "deviation"),
    ("改进措施", "deviation"),
    ("偏差", "deviation"),
    ("得分", "score"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("性质", "nature"),
    ("单位", "unit"),
    ("完成值", "actual"),
    ("实际", "actual"),
    ("目标值", "target"),
    ("指标值", "target"),
)

# Budget block columns.
BUDGET_EXACT: dict[str, str] = {
    "年初预算数": "initial",
    "年初预算": "initial",
    "年初数": "initial",
    "年初预算金额": "initial",
    "全年预算数": "annual",
    "调整后预算数": "annual",
    "调整后预算": "annual",
    "预算数": "annual",
    "全年预算": "annual",
    "全年预算金额": "annual",
    "调整预算数": "annual",
    "全年执行数": "executed",
    "执行数": "executed",
    "预算执行数": "executed",
    "实际支出": "executed",
    "实际支出数": "executed",
    "全年实际支出": "executed",
    "实际执行数": "executed",
    "全年支出数": "executed",
    "执行率": "rate",
    "预算执行率": "rate",
    "分值": "weight",
    "权重": "weight",
    "得分": "score",
    "原因": "note",
    "说明": "note",
    "备注": "note",
    "偏差原因": "note",
}
BUDGET_CONTAINS: tuple[tuple[str, str], ...] = (
    ("执行率", "rate"),
    ("执行数", "executed"),
    ("支出", "executed"),
    ("年初", "initial"),
    ("得分", "score"),
    ("分值", "weight"),
    ("权重", "weight"),
)

PROJECT_LABELS: dict[str, str] = {
    "项目名称": "name",
    "主管部门": "department",
    "主管单位": "department",
    "主管部门及代码": "department",
    "主管部门(单位)": "department",
    "实施单位": "implementer",
    "项目实施单位": "implementer",
    "实施单位(盖章)": "implementer",
    "实施单位及代码": "implementer",
    "项目单位": "implementer",
    # a 部门整体支出绩效自评表 names the department instead of a project (a 项目名称 row wins)
    "部门名称": "whole_name",
    "部门(单位)名称": "whole_name",
    "单位(部门)名称": "whole_name",
}
LEAF_HEADERS = frozenset({"绩效指标"})
"""A header naming the indicators themselves when it stands right of 一级/二级 and no 三级指标 column is
named ('一级指标 | 二级指标 | 绩效指标 | 指标值…'); elsewhere it is the label over the level columns."""
GOAL_EXPECTED = frozenset(
    {"预期目标", "年初预期目标", "年初设定目标", "项目年度目标", "年度目标", "年初目标"}
)
GOAL_ACHIEVED = frozenset(
    {
        "实际完成情况",
        "目标实际完成情况",
        "年度目标完成情况",
        "年度总体目标完成情况综述",
        "年度总体目标完成情况",
        "目标完成情况",
    }
)
TOTAL_LABELS = frozenset(
    {"总分", "合计", "自评总分", "总计", "得分合计", "综合得分", "自评得分合计", "总得分"}
)
GRADE_LABELS = frozenset({"自评等级", "评价等级", "等级", "自评结果", "评价结果"})
CONCLUSION_LABELS = frozenset({"评价结论", "自评结论", "结论", "自评结果及结论"})
SECTION_LABELS = frozenset(
    {
        "年度总体目标",
        "绩效指标",
        "年度绩效指标",
        "项目基本情况",
        "存在问题",
        "改进措施",
        "主要问题",
        "评价结论",
        "自评结论",
    }
)
"""Row labels that end the block above them."""
MONEY_ROW_WORDS = (
    "资金",
    "拨款",
    "结转",
    "专户",
    "其他",
    "收入",
    "预算",
    "合计",
    "总额",
    "总计",
    "财政",
    "自筹",
    "上级",
    "本级",
    "债券",
    "补助",
    "单位",
    "其中",
    "支出",
)
"""Words of a budget row's name (年度资金总额, 其中：当年财政拨款, 上年结转资金…)."""

_TRAILING_PAREN = re.compile(r"[(（][^()（）]{0,20}[)）]$")
_POINTS = re.compile(r"[(（]\s*(\d{1,3}(?:\.\d{1,2})?)\s*分[^()（）]{0,12}[)）]")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, no whitespace, no trailing colon."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or "")).rstrip(":：")


def bare(text: str) -> str:
    """The header without trailing parentheticals: '实际完成值（B）' → '实际完成值'."""
    s = normalise(text)
    for _ in range(3):
        stripped = _TRAILING_PAREN.sub("", s)
        if stripped == s or not stripped:
            break
        s = stripped
    return s


def stated_points(text: str) -> Decimal | None:
    """Points written in a label: '产出指标（50分）' → 50; '得分（20分×执行率）' → 20."""
    m = _POINTS.search(unicodedata.normalize("NFKC", text or ""))
    return Decimal(m.group(1)) if m else None


def without_points(text: str) -> str:
    """A label without its '（50分）': '产出指标（50分）' → '产出指标'."""
    return _POINTS.sub("", text).strip()


def _concept(
    text: str, exact: dict[str, str], contains: tuple[tuple[str, str], ...]
) -> tuple[str, int] | None:
    s = bare(text)
    if not s or len(s) > 30:
        return None
    if s in exact:
        return exact[s], 2
    full = normalise(text)
    if full in exact:
        return exact[full], 2
    for word, concept in contains:
        if word in s:
            return concept, 1
    return None


def indicator_concept(text: str) -> tuple[str, int] | None:
    """(concept, strength) of an indicator-table header cell; strength 2 = exact name, 1 = contained word."""
    return _concept(text, INDICATOR_EXACT, INDICATOR_CONTAINS)


def budget_concept(text: str) -> tuple[str, int] | None:
    """(concept, strength) of a budget-block header cell."""
    return _concept(text, BUDGET_EXACT, BUDGET_CONTAINS)


def is_label(text: str, labels: frozenset[str] | dict[str, str]) -> bool:
    return bare(text) in labels or normalise(text) in labels

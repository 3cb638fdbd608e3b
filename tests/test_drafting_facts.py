"""Narrative derived from the case's own facts, analysis worded by indicator kind, causes and levers taken from
the case (assistant/drafting/facts.py and its use in the offline drafter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.case import Indicator
from assistant.case_io import load_case
from assistant.drafting import draft_report
from assistant.drafting.facts import indicator_kind, split_deviation
from assistant.scoring import score_case

OUTSIDE = Path(__file__).resolve().parent.parent / "evals" / "drafting"
SEWAGE = OUTSIDE / "rural_sewage_treatment_partial.yaml"
HEALTH = OUTSIDE / "basic_public_health_self_eval.yaml"


@pytest.fixture(scope="module")
def sewage():
    case = load_case(SEWAGE)
    return case, draft_report(case, score_case(case))


def _part(report, prefix: str) -> str:
    return " ".join(
        p.render(report.values) for s in report.sections if s.id.startswith(prefix) for p in s.paragraphs
    )


@pytest.mark.parametrize(
    ("text", "cause", "measure"),
    [
        ("偏差原因：到检率偏低。改进措施：农闲时段补检。", "到检率偏低", "农闲时段补检"),
        ("系统未实现数据互通，档案更新依赖手工录入", "系统未实现数据互通，档案更新依赖手工录入", ""),
        ("原因分析:人员不足；整改措施:增配人员", "人员不足", "增配人员"),
    ],
)
def test_a_deviation_cell_splits_into_cause_and_measure(text, cause, measure):
    assert split_deviation(text) == (cause, measure)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (["项目产出", "产出数量", "新建站点数"], "quantity"),
        (["产出指标", "质量指标", "达标率"], "quality"),
        (["产出", "产出时效", "完工率"], "time"),
        (["项目产出", "产出成本", "单站建设成本"], "cost"),
        (["项目效益", "生态效益", "削减量"], "benefit"),
        (["项目效益", "服务对象满意度", "受益农户满意度"], "satisfaction"),
        (["满意度指标", "受益群众", "满意率"], "satisfaction"),
        (["项目决策", "项目立项", "立项依据充分性"], "management"),
        (["产出指标", "补助资金下达及时率"], "time"),
    ],
)
def test_indicator_kind_from_group_then_leaf_names(path, kind):
    assert indicator_kind(Indicator(path=path, weight=1)) == kind


def test_blank_sections_are_written_from_the_case_facts(sewage):
    _, report = sewage
    implementation = _part(report, "overview.implementation")
    assert "待补充" not in implementation
    assert "27座" in implementation and "91.4公里" in implementation  # output actuals with their units
    organisation = _part(report, "overview.organisation")
    assert "澜清环保科技有限公司" in organisation and "待补充" not in organisation
    method = _part(report, "work.method")
    assert "竣工验收资料" in method and "公众评判法" in method
    checklist = report.part("checklist")[0].tables[0].render_rows(report.values)
    assert any(row[0] == "可补充：实施情况" for row in checklist)
    assert any(row[0] == "总体目标" for row in checklist)  # truly missing: still asked


def test_analysis_states_evidence_units_and_linked_findings(sewage):
    _, report = sewage
    analysis = _part(report, "analysis")
    assert "据竣工验收资料，年度指标值为≥86公里，实际完成91.4公里，超额完成年度目标" in analysis
    assert "单站建设成本为54.6万元" in analysis and "控制在年度指标值以内" in analysis
    # The finding linked to 预算执行率 explains its loss in the analysis, with its evidence.
    assert "结转资金319.71万元（依据：工程进度月报、资金支付台账）" in analysis
    assert "达到评价标准，得满分" not in analysis


def test_a_contractor_is_urged_by_the_contracting_body(sewage):
    _, report = sewage
    advice = _part(report, "suggestions")
    assert "普洱溪市生态环境局澜源分局督促澜清环保科技有限公司" in advice
    assert "建议澜清环保科技有限公司" not in advice


def test_a_cause_of_another_type_gives_a_second_measure(sewage):
    _, report = sewage
    advice = _part(report, "suggestions")
    assert "一是" in advice and "二是" in advice


def test_a_deviation_is_the_cause_of_the_shortfall_and_its_measure_is_used():
    case = load_case(HEALTH)
    report = draft_report(case, score_case(case))
    problems = _part(report, "problems")
    assert "居民电子健康档案动态使用率未达到年度目标" in problems
    assert "主要原因是健康档案信息系统与医院HIS系统未实现数据互通" in problems
    assert "的原因）" not in problems.split("（2）")[0]  # no question for a cause the case states
    assert "。。" not in _part(report, "analysis")

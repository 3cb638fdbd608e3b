"""Gold cases (evals/cases) load, validate and reproduce the corpus's own numbers; `eval scorer` runs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.case_io import load_case
from assistant.cli.app import app
from assistant.evaluation import run_scorer_eval
from assistant.scoring import score_case

CASES_DIR = Path(__file__).resolve().parents[1] / "evals" / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.yaml"))
D = Decimal


def _ids(paths):
    return [p.stem for p in paths]


def test_gold_case_set_is_complete():
    names = {p.stem for p in CASE_FILES}
    assert len([n for n in names if n.startswith("se")]) == 12
    assert len([n for n in names if n.startswith("ev")]) >= 3


@pytest.mark.parametrize("path", CASE_FILES, ids=_ids(CASE_FILES))
def test_case_loads_and_reproduces_reported_total(path):
    case = load_case(path)
    sheet = score_case(case)
    assert case.reported_total is not None
    assert sheet.total == case.reported_total
    if case.reported_grade is not None:
        assert sheet.grade == case.reported_grade


@pytest.mark.parametrize("path", CASE_FILES, ids=_ids(CASE_FILES))
def test_every_indicator_reproduces_its_reported_score(path):
    case = load_case(path)
    sheet = score_case(case)
    for result in sheet.indicators:
        assert result.reported_score is not None, result.key
        assert result.score == result.reported_score, (result.key, result.formula)


@pytest.mark.parametrize("path", CASE_FILES, ids=_ids(CASE_FILES))
def test_judged_rows_carry_a_reason_and_the_documents_score(path):
    case = load_case(path)
    for ind in case.indicators:
        if ind.rule == "judged":
            assert ind.reason and ind.reason.strip(), ind.key
            assert ind.score == ind.reported_score, ind.key


# 自评情况汇总表 (002_...txt lines 718-732): 预算执行率 and 自评得分 per form, checked against each transcribed form.
SUMMARY_TABLE = [
    ("se01_big_data_bureau_operations", "99.21", "9.92", "99.42"),
    ("se02_public_data_governance", "99.75", "9.98", "99.98"),
    ("se03_health_code_fallback", "96.61", "9.66", "98.66"),
    ("se04_itdf_gov_cloud", "100.00", "10", "99"),
    ("se05_itdf_smart_city_ops_center", "100.00", "10", "99"),
    ("se06_itdf_digital_government", "96.22", "9.62", "98.62"),
    ("se07_public_data_governance_DUPLICATE_of_se02", "99.75", "9.98", "99.98"),
    ("se08_itdf_info_center_portal_ops", "98.64", "9.86", "98.02"),
    ("se09_itdf_egov_network_nodes", "100.00", "10", "99.7"),
    ("se10_itdf_laiwu_free_wifi", "100.00", "10", "98.57"),
    ("se11_itdf_think_tank", "100.00", "10", "95"),
    ("se12_itdf_data_sharing_platform_ops", "98.79", "9.88", "99.88"),
]


@pytest.mark.parametrize(("name", "rate_pct", "budget_score", "total"), SUMMARY_TABLE)
def test_self_evaluation_matches_department_summary_table(name, rate_pct, budget_score, total):
    case = load_case(CASES_DIR / f"{name}.yaml")
    sheet = score_case(case)
    assert sheet.budget is not None
    assert sheet.budget.rate * 100 == D(rate_pct)
    assert sheet.budget.score == D(budget_score)
    assert sheet.total == D(total)
    assert sum(ind.weight for ind in case.indicators) == 90


# Subtotals printed in each report (一级 from 表3-1 / 总览表; 二级 from 智慧泉城 表3-1; 三级 sums of 003 表3-1).
GROUP_SUBTOTALS = [
    ("ev01_digital_quancheng_public_data", "决策", "11"),
    ("ev01_digital_quancheng_public_data", "过程", "14.06"),
    ("ev01_digital_quancheng_public_data", "成本", "6"),
    ("ev01_digital_quancheng_public_data", "产出", "29.8"),
    ("ev01_digital_quancheng_public_data", "效益", "27.94"),
    ("ev02_smart_quancheng_phase1", "决策", "10"),
    ("ev02_smart_quancheng_phase1", "过程", "13.5"),
    ("ev02_smart_quancheng_phase1", "成本", "6"),
    ("ev02_smart_quancheng_phase1", "产出", "32.5"),
    ("ev02_smart_quancheng_phase1", "效益", "27.33"),
    ("ev02_smart_quancheng_phase1", "决策/项目立项", "5"),
    ("ev02_smart_quancheng_phase1", "决策/资金投入", "2.5"),
    ("ev02_smart_quancheng_phase1", "过程/组织实施", "5.5"),
    ("ev02_smart_quancheng_phase1", "产出/产出数量", "19.5"),
    ("ev02_smart_quancheng_phase1", "效益/社会效益", "7"),
    ("ev02_smart_quancheng_phase1", "效益/生态效益", "1.33"),
    ("ev02_smart_quancheng_phase1", "效益/可持续影响", "4"),
    ("ev03_data_sharing_platform_ops", "决策", "13.10"),
    ("ev03_data_sharing_platform_ops", "过程", "12.50"),
    ("ev03_data_sharing_platform_ops", "产出", "40"),
    ("ev03_data_sharing_platform_ops", "效益", "28.50"),
    ("ev04_shanghai_data_operations_2020", "A 决策", "11.4"),
    ("ev04_shanghai_data_operations_2020", "B 过程", "17.6"),
    ("ev04_shanghai_data_operations_2020", "B 过程/B2 组织实施/B21 管理制度健全性", "7.5"),
    ("ev04_shanghai_data_operations_2020", "B 过程/B2 组织实施/B22 制度执行有效性", "6.1"),
    ("ev04_shanghai_data_operations_2020", "C 产出", "30"),
    ("ev04_shanghai_data_operations_2020", "D 效益", "30"),
]


@pytest.mark.parametrize(("name", "group", "score"), GROUP_SUBTOTALS)
def test_evaluation_subtotals_match_report_tables(name, group, score):
    sheet = score_case(load_case(CASES_DIR / f"{name}.yaml"))
    assert sheet.group(group).score == D(score)


def test_duplicate_self_evaluation_form_is_identical():
    original = yaml.safe_load((CASES_DIR / "se02_public_data_governance.yaml").read_text(encoding="utf-8"))
    duplicate = yaml.safe_load(
        (CASES_DIR / "se07_public_data_governance_DUPLICATE_of_se02.yaml").read_text(encoding="utf-8")
    )
    assert original == duplicate


def test_digital_quancheng_budget_execution_is_rule_computed_per_year():
    sheet = score_case(load_case(CASES_DIR / "ev01_digital_quancheng_public_data.yaml"))
    row = sheet.indicator("过程/资金管理/预算执行率")
    assert (row.rule, row.judged, row.score) == ("budget_execution", False, D("1.86"))
    assert "78.65%" in row.formula


def test_eval_run_reproduces_every_total_and_rule_row():
    result = run_scorer_eval(CASES_DIR)
    assert result.cases_scored == result.cases_total == len(CASE_FILES)
    assert result.totals_reproduced == result.totals_reported == result.cases_total
    assert result.rule_computed_reproduced == result.rule_computed > 0
    assert [d for d in result.disagreements if d.kind != "judged"] == []
    assert result.judged == sum(1 for d in result.disagreements if d.kind == "judged")


def _write_case(directory: Path, name: str, reported_total: str, score_text: str = "≥90%") -> None:
    case = {
        "kind": "evaluation",
        "project": {"name": "测试项目"},
        "reported_total": reported_total,
        "indicators": [
            {
                "path": ["产出", "质量", "在线率"],
                "weight": 100,
                "target": score_text,
                "actual": "45%",
                "reported_score": 50,
            },
        ],
    }
    (directory / name).write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("reported_total", "kinds"),
    [("50", []), ("60", ["total", "grade"]), ("50.01", ["total"])],
)
def test_eval_reports_a_wrong_total(tmp_path, reported_total, kinds):
    _write_case(tmp_path, "case.yaml", reported_total)
    if "grade" in kinds:
        data = yaml.safe_load((tmp_path / "case.yaml").read_text(encoding="utf-8"))
        data["reported_grade"] = "中"
        (tmp_path / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_scorer_eval(tmp_path)
    assert [d.kind for d in result.disagreements] == kinds
    assert result.totals_reproduced == (0 if kinds else 1)


def test_eval_lists_a_case_that_cannot_be_scored(tmp_path):
    _write_case(tmp_path, "bad.yaml", "50", score_text="大概九成")
    (tmp_path / "broken.yaml").write_text("kind: [unclosed", encoding="utf-8")
    result = run_scorer_eval(tmp_path)
    assert result.cases_scored == 0
    assert [d.kind for d in result.disagreements] == ["error", "error"]
    assert "大概九成" in result.disagreements[0].explanation


@pytest.mark.parametrize("as_json", [True, False])
def test_eval_scorer_command_runs(tmp_path, as_json):
    out = tmp_path / "results" / "scorer.json"
    args = ["eval", "scorer", "--output", str(out)] + (["--json"] if as_json else [])
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0, run.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["totals_reproduced"] == written["cases_total"] == len(CASE_FILES)
    if as_json:
        assert json.loads(run.output) == written
    else:
        assert f"总分一致：{len(CASE_FILES)}/{len(CASE_FILES)}" in run.output


EV_FILES = [p for p in CASE_FILES if p.stem.startswith("ev")]


@pytest.mark.parametrize("path", EV_FILES, ids=_ids(EV_FILES))
def test_evaluation_findings_are_categorised_and_linked_to_real_rows(path):
    case = load_case(path)
    keys = {ind.key for ind in case.indicators}
    assert case.findings, "every transcribed report lists its 存在的问题"
    assert {f.category for f in case.findings} <= {"决策", "过程", "产出", "效益"}
    for finding in case.findings:
        if finding.indicator is not None:
            assert "/".join(finding.indicator) in keys

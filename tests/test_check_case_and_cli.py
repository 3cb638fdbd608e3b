"""Checks against a case, and the `check` / `eval checker` command surface."""

import json
from pathlib import Path
from typing import get_args

import pytest
from typer.testing import CliRunner

from assistant.case_io import load_case
from assistant.checking import check_document
from assistant.checking.models import FindingKind
from assistant.cli import app
from assistant.evaluation.checker_eval import load_plants, planted_text

ROOT = Path(__file__).resolve().parents[1]
FORM = (ROOT / "evals" / "checker" / "bases" / "se01_form.md").read_text(encoding="utf-8")
CASE = ROOT / "evals" / "cases" / "se01_big_data_bureau_operations.yaml"


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def test_drafted_form_is_fully_traced(case):
    report = check_document(FORM, case=case)
    assert report.findings == []
    assert report.stats.traced == report.stats.numbers > 50


@pytest.mark.parametrize(
    ("kind", "find", "replace", "found"),
    [
        (
            "case_value",
            "| 宣传保障经费 | ≤24万元 | 24万元 | 3 | 3 |",
            "| 宣传保障经费 | ≤24万元 | 24万元 | 3 | 2 |",
            "2",
        ),
        ("case_value", "| 99.21% |", "| 99.12% |", "99.12%"),
        ("case_value", "| 报社发稿量 | ≥10篇 | 10篇 |", "| 报社发稿量 | ≥10篇 | 12篇 |", "12篇"),
        (
            "case_coverage",
            "偏差原因：因设备饱和，预算编制有待提高精细度。改进措施：做好统筹，提高预",
            "",
            "空白",
        ),
    ],
)
def test_against_the_case(case, kind, find, replace, found):
    assert FORM.count(find) == 1
    report = check_document(FORM.replace(find, replace), case=case)
    assert any(kind in f.kinds and found in f.found for f in report.findings), report.findings


def test_check_json_contract(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("## 一、评价结论\n\n该项指标满分 14 分，得分 11 分，得分率 78.75%。\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(draft), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"source", "findings", "stats", "parts"}
    (finding,) = data["findings"]
    assert set(finding) == {
        "kind",
        "kinds",
        "severity",
        "location",
        "text",
        "expected",
        "found",
        "message",
        "part",
        "block",
        "row",
        "col",
    }
    assert (finding["kind"], finding["severity"], finding["found"]) == ("arithmetic", "error", "78.75%")
    assert finding["kinds"] == ["arithmetic"] and finding["block"] == 2  # the line of the sentence
    assert data["stats"]["numbers"] == 3 and data["stats"]["traced"] == 0


def test_check_text_output_and_case_option(tmp_path):
    draft = tmp_path / "form.md"
    draft.write_text(FORM, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(draft), "--case", str(CASE)])
    assert result.exit_code == 0, result.output
    assert "未发现问题" in result.output and "已核实" in result.output


@pytest.mark.parametrize(
    "args", [["check", "/nonexistent/draft.md"], ["check", "{draft}", "--case", "/no/case.yaml"]]
)
def test_unreadable_input_exits_2(tmp_path, args):
    draft = tmp_path / "d.md"
    draft.write_text("正文。", encoding="utf-8")
    result = CliRunner().invoke(app, [a.replace("{draft}", str(draft)) for a in args])
    assert result.exit_code == 2


def test_plant_manifest_applies_and_covers_every_kind():
    plants = load_plants()
    assert len(plants.plants) >= 40
    kinds = {p.kind for p in plants.plants}
    # every kind the checker reports has plants; 'not_checked' (a paragraph past the size limit) is tested
    # in tests/test_check_limits.py, a 20,000-character plant being no use to read
    assert kinds >= set(get_args(FindingKind)) - {"not_checked"}
    for plant in plants.plants:
        base = plants.bases[plant.base]
        text = (ROOT / "evals" / "checker" / base.file).read_text(encoding="utf-8")
        assert planted_text(text, plant) != text


def test_expected_rate_is_rounded_half_up():
    """38.57 / 40 = 96.425%: the scorer and every report round half up to 96.43%, so the checker says so too."""
    from assistant.case import parse_case

    case = parse_case(
        {
            "kind": "evaluation",
            "project": {"name": "测试项目", "year": 2023},
            "indicators": [
                {
                    "path": ["产出指标", "数量指标", "完成数量"],
                    "weight": 40,
                    "rule": "judged",
                    "score": 38.57,
                    "reason": "抽查",
                },
                {
                    "path": ["效益指标", "社会效益指标", "覆盖率"],
                    "weight": 60,
                    "rule": "judged",
                    "score": 60,
                    "reason": "全部覆盖",
                },
            ],
        }
    )
    table = "| 一级指标 | 分值 | 得分 | 得分率 |\n|---|---|---|---|\n| 产出指标 | 40 | 38.57 | 96.34% |\n"
    report = check_document("## 指标分析\n\n" + table, case=case)
    wrong = [f for f in report.findings if "case_value" in f.kinds]
    assert wrong and wrong[0].expected == "96.43%", report.findings


def test_mutation_eval_runs_only_the_cases_asked_for():
    from assistant.evaluation.mutation_eval import run_mutations

    runs = run_mutations(limit=2, only=("se02",))
    assert [r.case for r in runs] == ["se02_public_data_governance"]
    assert runs[0].error is None and runs[0].total == 2
    assert runs[0].caught == 2 and runs[0].false_blames == 0

"""`pe-assistant score` and `convert-case` through Typer's runner."""

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def test_score_json_is_one_object_with_numbers():
    result = runner.invoke(app, ["score", str(DATA / "self_eval_bigdata.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)  # exactly one JSON document on stdout
    assert payload["total"] == 99.42 and isinstance(payload["total"], float)
    assert payload["grade"] == "优"
    assert payload["budget"]["rate"] == 0.9921 and payload["budget"]["score"] == 9.92
    assert payload["groups"][0] == {
        "path": ["成本指标"],
        "level": 1,
        "weight": 15.0,
        "score": 14.5,
        "rate": 0.9667,
    }
    row = payload["indicators"][3]
    assert row["path"] == ["成本指标", "经济成本指标", "采购服务和设备费"]
    assert (row["score"], row["rule"], row["judged"], row["reported_score"]) == (2.5, "judged", True, 2.5)
    assert set(row) == {
        "path",
        "weight",
        "score",
        "rule",
        "rule_label",
        "formula",
        "judged",
        "recomputed",
        "reported_score",
    }
    assert row["rule_label"] == "人工评分" and row["recomputed"] is True
    assert payload["policy"]["statements"] and isinstance(payload["comparisons"], list)
    assert payload["indicators"][0]["reported_score"] == 3.0


def test_score_evaluation_without_budget_prints_null(tmp_path):
    case = {
        "kind": "evaluation",
        "project": {"name": "x"},
        "indicators": [{"path": ["产出", "数量", "n"], "weight": 100, "target": "≥10个", "actual": "9个"}],
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    payload = json.loads(runner.invoke(app, ["score", str(path), "--json"]).stdout)
    assert payload["budget"] is None
    assert (payload["total"], payload["grade"]) == (90.0, "优")
    assert payload["indicators"][0]["reported_score"] is None
    assert payload["indicators"][0]["formula"] == "100 × min(9个 / 10个, 1) = 90"


def test_score_table_in_chinese():
    result = runner.invoke(app, ["score", str(DATA / "self_eval_bigdata.yaml")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for text in (
        "评分表",
        "分级汇总",
        "总分 99.42",
        "等级：优",
        "原文 99.42，一致",
        "人工评分",
        "执行率 99.21%",
    ):
        assert text in result.stdout


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d["indicators"][0].update(weight=4), "分值合计须为 100"),
        (lambda d: d["indicators"][3].update(reason=""), "评分理由(reason)"),
        (lambda d: d.update(extra_key=1), "不允许的字段"),
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_invalid_case_exits_2_with_chinese_message(tmp_path, mutate, fragment, as_json):
    data = yaml.safe_load((DATA / "self_eval_bigdata.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["score", str(path), *(["--json"] if as_json else [])])
    assert result.exit_code == 2
    assert "错误" in result.stderr and fragment in result.stderr
    assert result.stdout == ""


def test_missing_file_exits_2():
    result = runner.invoke(app, ["score", "/nonexistent.yaml"])
    assert result.exit_code == 2
    assert "找不到案例文件" in result.stderr


def test_convert_case_yaml_to_excel_and_back(tmp_path):
    xlsx = tmp_path / "form.xlsx"
    result = runner.invoke(app, ["convert-case", str(DATA / "self_eval_bigdata.yaml"), str(xlsx)])
    assert result.exit_code == 0, result.output
    back = tmp_path / "back.yaml"
    assert runner.invoke(app, ["convert-case", str(xlsx), str(back)]).exit_code == 0
    payload = json.loads(runner.invoke(app, ["score", str(back), "--json"]).stdout)
    assert payload["total"] == 99.42


def test_scoring_errors_of_an_excel_case_name_the_row(tmp_path):
    from openpyxl import load_workbook

    xlsx = tmp_path / "form.xlsx"
    runner.invoke(app, ["convert-case", str(DATA / "self_eval_bigdata.yaml"), str(xlsx)])
    wb = load_workbook(xlsx)
    ws = wb["自评表"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "宣传活动开展次数")
    ws.cell(row=cell.row, column=cell.column + 2).value = "一次"  # 实际完成指标值
    wb.save(xlsx)
    result = runner.invoke(app, ["score", str(xlsx)])
    assert result.exit_code == 2
    assert f"第{cell.row}行 指标“产出指标/数量指标/宣传活动开展次数”" in result.stderr

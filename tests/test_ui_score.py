"""评分 tab: the score sheet, subtotals, chart data and the message when nothing can be scored."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from assistant.db import ProjectRecord
from ui.charts import rate_bars
from ui.session import Session
from ui.tab_score import indicator_rows, pct, refresh, score_session

CASES = Path(__file__).resolve().parents[1] / "evals" / "cases"


def _session(case: dict) -> Session:
    record = ProjectRecord(
        id="p", name="t", kind="evaluation", case=case, revision=1, updated_at=datetime(2026, 1, 1)
    )
    return Session(current=record)


def _gold(name: str) -> dict:
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))


def test_refresh_shows_total_grade_and_working():
    summary, level1, level2, indicators, chart1, chart2 = refresh(
        _session(_gold("se10_itdf_laiwu_free_wifi.yaml"))
    )
    assert "总分 98.57 分" in summary and "等级：优" in summary
    assert "与计算结果一致" in summary
    assert ["产出指标", "40", "38.57", "96.43%"] in level1
    assert ["产出指标/质量指标", "14", "12.57", "89.79%"] in level2
    online = next(r for r in indicators if r[0].endswith("网络AP在线率"))
    assert online[5] == "5.57" and online[7] == "规则" and "71.57" in online[6]
    for name in ("成本指标", "产出指标", "效益指标", "满意度指标"):
        assert name in chart1
    assert "96.43%（38.57/40分）" in chart1 and "width:96.43%" in chart1  # value label on the bar
    assert "质量指标" in chart2 and chart1.index("成本指标") < chart1.index("产出指标")  # tree order


def test_judged_and_disagreeing_scores_are_marked():
    case = _gold("se10_itdf_laiwu_free_wifi.yaml")
    case["indicators"][5]["reported_score"] = 6
    case["indicators"][0] = {
        **case["indicators"][0],
        "rule": "judged",
        "score": 3.5,
        "reason": "成本控制一般",
    }
    sheet = score_session(_session(case))
    rows = {r[0]: r for r in indicator_rows(sheet)}
    assert rows["成本指标/经济成本指标/总成本"][7] == "人工"
    assert rows["产出指标/质量指标/网络AP在线率"][8] == "6 ≠"


@pytest.mark.parametrize(
    ("session", "expected"),
    [
        (Session(), "尚未打开项目"),
        (_session({"kind": "evaluation", "project": {"name": "x"}, "indicators": []}), "评分前需要先改正"),
    ],
)
def test_nothing_to_score_says_why(session, expected):
    summary, *tables = refresh(session)
    assert expected in summary
    assert tables[0] == [] and tables[3] == "" and tables[4] == ""


@pytest.mark.parametrize(("rate", "shown"), [("0.7857", "78.57%"), ("1", "100.00%"), ("0", "0.00%")])
def test_pct(rate, shown):
    from decimal import Decimal

    assert pct(Decimal(rate)) == shown


def test_chart_for_four_level_tree():
    case = _gold("ev04_shanghai_data_operations_2020.yaml")
    sheet = score_session(_session(case))
    html = rate_bars("二级指标得分率", sheet.level(2), "c2")
    assert html.count('class="pe-bar-row"') == len(sheet.level(2))

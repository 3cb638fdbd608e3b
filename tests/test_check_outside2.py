"""The checker on hand-written outside material (evals/checker/outside2): every planted slip found on the right
figure, no correct figure blamed; and the rules behind them on small inputs (a score above its maximum, a total
stated twice, survey shares on the scale and count the text gives)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from assistant.checking import check_document, check_file
from assistant.checking.models import Finding

HERE = Path(__file__).resolve().parents[1] / "evals" / "checker" / "outside2"
KEY = yaml.safe_load((HERE / "answers.yaml").read_text(encoding="utf-8"))


@cache
def _findings(name: str) -> tuple[Finding, ...]:
    return tuple(check_file(HERE / name).findings)


def _open(entry: dict, text: str, what: str) -> bool:
    return any(o["text"] == text and o["what"] == what for o in entry.get("open") or [])


def _names(f: Finding, slip: dict) -> bool:
    texts = slip.get("text_any") or [slip["text"]]
    figures = slip.get("found_any") or [slip["found"]]
    kinds = set(slip.get("kinds") or [])
    return (
        any(t in f.text for t in texts)
        and any(str(x) in f.found for x in figures)
        and (not kinds or bool(kinds & set(f.kinds or [f.kind])))
    )


SLIPS = [
    pytest.param(entry, slip, id=f"{entry['file'][:2]}-{slip.get('text') or slip['text_any'][0]}")
    for entry in KEY["files"]
    for slip in entry["slips"]
    if not slip.get("derived")
]


@pytest.mark.parametrize(("entry", "slip"), SLIPS)
def test_every_planted_slip_is_found_on_its_figure(entry, slip):
    text = slip.get("text") or slip["text_any"][0]
    if _open(entry, text, "missed"):
        pytest.skip(next(o["reason"] for o in entry["open"] if o["text"] == text))
    hits = [f for f in _findings(entry["file"]) if _names(f, slip)]
    assert hits, [(f.text[:40], f.found, f.kinds) for f in _findings(entry["file"])]
    if slip.get("once"):
        assert len(hits) == 1, hits
    if slip.get("severity") and not _open(entry, text, "severity"):
        assert any(f.severity == slip["severity"] for f in hits), hits


@pytest.mark.parametrize("entry", KEY["files"], ids=[e["file"][:2] for e in KEY["files"]])
def test_no_correct_figure_is_blamed(entry):
    tolerated = [o["text"] for o in entry.get("open") or [] if o["what"] == "blamed"]
    false = [
        (f.text[:60], f.found, f.kinds, f.message[:80])
        for f in _findings(entry["file"])
        if not any(_names(f, s) for s in entry["slips"]) and not any(t in f.text for t in tolerated)
    ]
    assert not false, false


def _check(text: str) -> list[Finding]:
    return check_document(text).findings


def test_a_score_above_its_maximum_is_an_error_on_the_score():
    findings = _check("# 报告\n\n二级指标“资金管理”权重6分，实际得分6.5分。过程指标分值20分，得18分。\n")
    over = [f for f in findings if "indicator_fact" in (f.kinds or [f.kind])]
    assert [(f.found, f.severity) for f in over] == [("6.5分", "error")]


def test_a_bonus_or_a_rule_is_no_score_above_its_maximum():
    text = "# 报告\n\n每项满分2分，得分最高不超过3分。加分项满分5分，得分6分为附加。\n"
    assert not [f for f in _check(text) if f.kind == "indicator_fact"]


TABLE = """# 报告

| 指标 | {weight} | {score} |
|---|---|---|
| 立项依据 | {a} | 4 |
| 绩效目标 | {b} | 5 |
| 资金管理 | {c} | 12 |
"""


def test_a_table_row_scoring_above_its_weight_is_blamed_at_the_score():
    findings = _check(TABLE.format(weight="标准分", score="得分", a=5, b=5, c=10))
    over = [f for f in findings if "indicator_fact" in (f.kinds or [f.kind])]
    assert [(f.found, f.severity) for f in over] == [("12", "error")]


def test_percent_weights_beside_scores_out_of_100_are_another_scale():
    findings = _check(TABLE.format(weight="权重", score="得分", a="10%", b="10%", c="20%"))
    assert not [f for f in findings if f.kind == "indicator_fact"]


def test_a_table_where_most_scores_exceed_the_weights_is_not_read_as_slips():
    findings = _check(TABLE.format(weight="分值", score="评分", a=3, b=4, c=10))
    assert not [f for f in findings if f.kind == "indicator_fact"]


TWICE = """# 某项目绩效评价报告

## 一、评价结论

经评价，项目综合得分{first}分。其中，决策指标满分20分，得分17分；过程指标满分20分，得分18分；产出指标满分40分，得分36分；效益指标满分20分，得分18分。

## 二、结论

综上，项目总分{second}分，评价等级为“{grade}”。
"""


def test_a_total_stated_twice_blames_only_the_side_the_scores_contradict():
    findings = _check(TWICE.format(first="89", second="98", grade="良"))
    totals = [f for f in findings if f.kind in ("total", "consistency")]
    assert [(f.found, f.expected) for f in totals] == [("98分", "89分")]
    grade = [f for f in findings if f.kind == "grade"]
    assert grade == []  # 良 fits 89, the total the scores give


def test_the_wrong_total_is_blamed_wherever_it_stands():
    findings = _check(TWICE.format(first="98", second="89", grade="良"))
    totals = [f for f in findings if f.kind in ("total", "consistency")]
    assert [(f.found, f.expected) for f in totals] == [("98分", "89分")]


def test_two_totals_nothing_decides_are_reported_once():
    text = "# 报告\n\n## 摘要\n\n项目综合得分为88.6分。\n\n## 结论\n\n项目最终得分86.8分。\n"
    totals = [f for f in _check(text) if f.kind in ("total", "consistency")]
    assert len(totals) == 1 and "无法判断" in totals[0].message


def test_totals_of_several_projects_listed_line_by_line_are_not_one_total():
    text = "# 报告\n\n1. 甲项目自评综述：项目自评得分为98.62分。\n\n2. 乙项目自评综述：项目自评得分为99分。\n"
    assert not [f for f in _check(text) if f.kind in ("total", "consistency")]


def _survey(sentence: str) -> list[Finding]:
    return [f for f in _check(f"# 报告\n\n{sentence}\n") if f.kind == "likert"]


def test_survey_shares_use_the_valid_count_and_the_three_levels_named():
    found = _survey(
        "本次发放问卷200份，回收有效问卷180份，其中满意150份、基本满意20份、不满意10份，满意度为97%。"
    )
    assert len(found) == 1
    message = found[0].message
    assert "150/180 = 83.33%" in message and "170/180 = 94.44%" in message
    assert "200" not in message.replace("发放", "") or "分母为各档合计 180" in message
    assert "五级" not in message  # no five-level mean on a three-level scale


@pytest.mark.parametrize("rate", ["83.33%", "94.44%"])
def test_a_right_share_on_a_three_level_scale_is_not_flagged(rate):
    assert not _survey(
        f"本次发放问卷200份，回收有效问卷180份，其中满意150份、基本满意20份、不满意10份，满意度为{rate}。"
    )


def test_a_formula_in_words_with_counters_is_the_documents_own():
    sentence = (
        "有效样本100人次，其中很满意60人次、比较满意25人次、一般10人次、不满意5人次。"
        "按“满意度=（很满意人次+比较满意人次）÷有效样本人次×100%”计算，满意度为{}。"
    )
    assert not _survey(sentence.format("85%"))
    wrong = _survey(sentence.format("87%"))  # 88% would be the five-level mean
    assert wrong and wrong[0].expected == "85.00%"


def test_a_five_level_mean_stays_for_a_five_level_scale():
    # 非常满意176、满意21、一般10、不满意5 (212): the five-level mean is 94.72%
    assert not _survey("回收问卷212份，其中非常满意176份、满意21份、一般10份、不满意5份，满意度为94.72%。")


def test_a_survey_table_counted_in_person_times_is_checked():
    text = (
        "# 报告\n\n| 评价选项 | 人次 | 占比 |\n|---|---|---|\n| 很满意 | 60 | 60.00% |\n| 比较满意 | 30 | 30.00% |\n"
        "| 一般 | 10 | 12.00% |\n| 合计 | 100 | 100.00% |\n"
    )
    shares = [f for f in _check(text) if f.kind == "percentage"]
    assert [f.found for f in shares] == ["12.00%"]


def test_a_score_after_the_target_and_actual_is_still_the_indicators_own():
    text = "# 报告\n\n95598工单回访率指标，分值5分，目标值≥99%，实际回访率99.2%，得6分。\n"
    over = [f for f in _check(text) if "indicator_fact" in (f.kinds or [f.kind])]
    assert [f.found for f in over] == ["6分"]
    right = text.replace("得6分", "得5分")
    assert not [f for f in _check(right) if "indicator_fact" in (f.kinds or [f.kind])]


def test_a_formula_beside_the_figure_decides_alone():
    sentence = (
        "收回有效问卷200份，其中很满意120份、比较满意50份、一般20份、不满意10份，"
        "满意度（很满意与比较满意之和占有效问卷比例）为{}。"
    )
    assert not _survey(sentence.format("85.00%"))
    # 88.00% is the five-level mean (120×5+50×4+20×3+10×2)/(200×5), but the sentence says how it is computed
    wrong = [f for f in _check(f"# 报告\n\n{sentence.format('88.00%')}\n") if f.found == "88.00%"]
    assert len(wrong) == 1 and wrong[0].kind == "likert" and wrong[0].expected == "85.00%"
    assert "170/200" in wrong[0].message


def test_a_maximum_contradicted_elsewhere_is_the_slip_not_the_score():
    text = (
        "# 报告\n\n| 一级指标 | 分值 | 得分 |\n|---|---|---|\n| 决策 | 20 | 17 |\n| 过程 | 20 | 18 |\n"
        "| 产出 | 40 | 36 |\n| 效益 | 20 | 18 |\n| 合计 | 100 | 89 |\n\n"
        "决策指标满分12分，得分17分。\n"
    )
    findings = _check(text)
    assert not [f for f in findings if f.found == "17分"], findings
    assert [f.found for f in findings if f.kind == "consistency"] == ["12分"]


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("走访住户400户，满意352户，住户满意度为86%。", True),  # 352/400 = 88%
        ("走访住户400户，满意352户，住户满意度为88%。", False),
        ("走访住户400户，其中满意352户、基本满意30户，住户满意度为95.50%。", False),  # 382/400
        ("走访住户400户，其中非常满意200户，住户满意度为95%。", False),  # the 满意 answers are not given
    ],
)
def test_one_or_two_answers_beside_the_number_surveyed(sentence, flagged):
    assert bool(_survey(sentence)) is flagged


def test_a_total_stated_three_times_is_decided_by_the_majority_when_the_rows_cannot():
    text = (
        "# 报告\n\n经评价，项目综合得分86.5分。\n\n| 项目 | 综合得分 |\n|---|---|\n| 某项目 | 68.5 |\n\n"
        "综上，项目最终得分86.5分，评价等级为“良”。\n"
    )
    totals = [f for f in _check(text) if f.kind in ("total", "consistency")]
    assert [(f.found, f.expected) for f in totals] == [("68.5", "86.5分")]
    assert not [f for f in _check(text) if f.kind == "grade"]  # 良 fits 86.5

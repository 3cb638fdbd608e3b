"""Each check family on small drafts: a clean draft passes, one planted slip gives one finding of its kind."""

import re
from decimal import Decimal

import pytest

from assistant.checking import check_document
from assistant.checking.checks.arithmetic import evaluate
from assistant.checking.checks.citations import normalize_quote
from assistant.checking.checks.grade import band

CLEAN = """# 某项目绩效评价报告

## 一、项目基本情况

2023年度项目全年预算数 1,614.05 万元，全年执行数 1,580.20 万元，预算执行率 97.90%。

| 年度 | 预算数 | 执行数 | 执行率 |
|---|---|---|---|
| 2021 | 370 | 369.5 | 99.86% |
| 2022 | 360 | 359.97 | 99.99% |
| 合计 | 730 | 729.47 | 99.93% |

## 二、综合评价情况

依据管理办法，“绩效评价结果采取评分和评级相结合的方式”[1]。

项目绩效评价得分 88.8 分，评价结果为“良”。

决策得分 11 分，得分率为 78.57%；过程得分 14.06 分，得分率 87.88%。

| 一级指标 | 指标分值 | 得分 | 得分率 |
|---|---|---|---|
| 决策 | 14 | 11 | 78.57% |
| 过程 | 16 | 14.06 | 87.88% |
| 成本 | 6 | 6 | 100.00% |
| 产出 | 32 | 29.8 | 93.13% |
| 效益 | 32 | 27.94 | 87.31% |
| 合计 | 100 | 88.8 | 88.80% |

## 三、指标分析

### （一）决策指标分析

该项指标满分 14 分，得分 11 分，得分率 78.57%。

预算执行率指标得分为 2 − (1 − 78.65%) ÷ 3 × 2 = 1.86 分。

满意度调查共收到有效问卷 212 份，其中非常满意 176 份，占比 83.02%。

| 选项 | 人数 | 占比 |
|---|---|---|
| 非常满意 | 176 | 83.02% |
| 满意 | 21 | 9.91% |
| 一般 | 10 | 4.72% |
| 不满意 | 5 | 2.36% |
| 合计 | 212 | 100.00% |

综合满意度为 94.72%。

## 四、存在的问题

### （一）绩效目标不够明确

目标不够明确。

### （二）付款方式不合理

付款过早。

## 五、有关建议

### （一）细化绩效目标

细化目标。

### （二）按进度付款

按进度付款。
"""
SOURCES = ["绩效评价结果采取评分和评级相结合的方式，具体分值和等级可根据不同评价内容设定。"]


def test_clean_draft_has_no_findings_and_traces_its_numbers():
    report = check_document(CLEAN, passages=SOURCES)
    assert report.findings == []
    assert report.stats.traced >= 40
    assert report.stats.numbers >= report.stats.traced


@pytest.mark.parametrize(
    ("kind", "find", "replace", "found"),
    [
        ("arithmetic", "得分 11 分，得分率 78.57%。", "得分 11 分，得分率 78.75%。", "78.75%"),
        ("arithmetic", "| 过程 | 16 | 14.06 | 87.88% |", "| 过程 | 16 | 14.06 | 88.78% |", "88.78%"),
        ("arithmetic", "预算执行率 97.90%", "预算执行率 97.09%", "97.09%"),
        ("arithmetic", "| 2022 | 360 | 359.97 | 99.99% |", "| 2022 | 360 | 359.97 | 98.99% |", "98.99%"),
        ("arithmetic", "= 1.86 分", "= 1.68 分", "1.68"),
        ("total", "| 合计 | 730 | 729.47 | 99.93% |", "| 合计 | 740 | 729.47 | 98.58% |", "740"),
        ("total", "| 合计 | 100 | 88.8 | 88.80% |", "| 合计 | 100 | 86.8 | 86.80% |", "86.8"),
        ("weights", "| 成本 | 6 | 6 | 100.00% |", "| 成本 | 8 | 6 | 75.00% |", "102"),
        ("likert", "综合满意度为 94.72%", "综合满意度为 96.72%", "96.72%"),
        ("percentage", "占比 83.02%", "占比 80.32%", "80.32%"),
        ("percentage", "| 满意 | 21 | 9.91% |", "| 满意 | 21 | 19.91% |", "19.91%"),
        ("grade", "评价结果为“良”", "评价结果为“优”", "优"),
        ("consistency", "过程得分 14.06 分", "过程得分 14.60 分", "14.60 分"),
        (
            "citation",
            "“绩效评价结果采取评分和评级相结合的方式”",
            "“绩效评价结果由财政部门统一评级”",
            "绩效评价结果由财政部门统一评级",
        ),
        ("case_coverage", "### （二）按进度付款\n\n按进度付款。\n", "", "1 条建议"),
    ],
)
def test_one_planted_slip_is_found(kind, find, replace, found):
    assert CLEAN.count(find) == 1
    report = check_document(CLEAN.replace(find, replace), passages=SOURCES)
    hits = [f for f in report.findings if f.kind == kind]
    assert hits, report.findings
    assert any(found in f.found for f in hits), hits
    assert all(f.message and f.location for f in hits)


def test_the_quancheng_slip_in_the_corpus_is_found():
    from pathlib import Path

    from assistant.checking import check_file

    path = Path(__file__).resolve().parents[1] / "knowledge" / "corpus" / "002_f84e214cba968578.txt"
    report = check_file(path)
    slips = [f for f in report.findings if f.found == "78.75%"]
    assert len(slips) == 2  # the 表3-2 合计 row and the analysis text: one finding each, both reasons
    assert all(set(f.kinds) == {"arithmetic", "consistency"} for f in slips)
    assert all(f.expected.startswith("78.57") for f in slips)
    assert len(report.findings) <= 25  # few enough to read (the whole Jinan forms add their own rule slips and totals)
    # each form's 总分 finding quotes that form's own row, not another form's 总分 row
    totals = [f for f in report.findings if f.kind == "total" and "总分" in f.location]
    assert totals
    for f in totals:
        written = {Decimal(x) for x in re.findall(r"\d+(?:\.\d+)?", f.text)}
        assert Decimal(f.found) in written, (f.found, f.text)


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("142.86/144", Decimal("142.86") / 144),
        ("(176×5+21×4+10×3+5×2)/(212×5)", Decimal(1004) / 1060),
        ("2 - (1 - 78.65%) ÷ 3 × 2", 2 - (1 - Decimal("0.7865")) / 3 * 2),
        ("11 ÷ 14 × 100%", Decimal(11) / 14),
        ("import os", None),
        ("1/0", None),
    ],
)
def test_evaluate(expr, value):
    assert evaluate(expr) == value


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (Decimal("90"), "优"),
        (Decimal("89.99"), "良"),
        (Decimal("80"), "良"),
        (Decimal("60"), "中"),
        (Decimal("59.9"), "差"),
    ],
)
def test_band(score, grade):
    assert band(score) == grade


def test_quote_normalisation_ignores_spaces_punctuation_and_width():
    assert normalize_quote("“总分 一般设置为１００分，”") == normalize_quote("总分一般设置为100分")


LIKERT_TABLE = """## 满意度

| 评价等级 | 人数 | 比例 |
|---|---|---|
| 非常满意 | 176 | 83.02% |
| 满意 | 21 | 9.91% |
| 一般 | 10 | 4.72% |
| 不满意 | 5 | 2.36% |
| 综合满意度 |  | {stated} |
"""


@pytest.mark.parametrize(("stated", "kinds"), [("94.72%", []), ("92.92%", []), ("96.00%", ["likert"])])
def test_likert_row_in_the_table(stated, kinds):
    report = check_document(LIKERT_TABLE.format(stated=stated))
    assert [f.kind for f in report.findings] == kinds


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("共发放问卷 100 份，回收有效问卷 95 份，其中满意 80 份，占 84.21%。", []),
        ("共发放问卷 100 份，回收有效问卷 95 份，其中满意 80 份，占 80.00%。", ["percentage"]),
    ],
)
def test_share_of_the_last_stated_total(text, kinds):
    assert [f.kind for f in check_document(text).findings] == kinds


def test_citations_accept_retrieved_passages_and_numbered_citations():
    from assistant.models import Chunk, Citation, Passage

    chunk = Chunk(id="x:0", text=SOURCES[0], document="管理办法", position=0, source="policy.txt")
    draft = "依据规定，“绩效评价结果采取评分和评级相结合的方式”[1]，“总分一般设置为100分”[2]。"
    passages = [Passage(chunk=chunk, score=1.0)]
    report = check_document(draft, passages=passages)
    assert [(f.kind, f.expected) for f in report.findings] == [("citation", "来源 [2]")]
    cited = [Citation(n=2, document="管理办法", section="", quote="总分一般设置为 100 分。")]
    assert [f.found for f in check_document(draft, passages=cited).findings] == [
        "绩效评价结果采取评分和评级相结合的方式"
    ]


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("决策指标得分率 78.75%（11/14）。", "arithmetic", "78.75%"),
        ("项目预算 144 万元，实际支出 1428600 元，预算执行率 98.21%。", "arithmetic", "98.21%"),
        ("决策、过程、产出、效益分别占 15 分、15 分、40 分、35 分，满分 100 分。", "weights", "105"),
        ("| 项目 | 金额 |\n|---|---|\n| 合计 | 500 |\n| 甲 | 200 |\n| 乙 | 200 |", "total", "500"),
    ],
)
def test_more_forms_of_the_same_slips(text, kind, found):
    assert [(f.kind, f.found) for f in check_document(text).findings] == [(kind, found)]


@pytest.mark.parametrize(
    "text",
    [
        "决策指标得分率 78.57%（11/14）。",
        "项目预算 144 万元，实际支出 1428600 元，预算执行率 99.21%。",
        "决策、过程、产出、效益权重为 14%、16%、35%、35%，总分值设定为 100 分。",
        "| 项目 | 金额 |\n|---|---|\n| 合计 | 400 |\n| 甲 | 200 |\n| 乙 | 200 |",
    ],
)
def test_their_correct_forms_pass(text):
    assert check_document(text).findings == []


def test_quotes_checked_against_the_knowledge_base():
    from assistant.models import Chunk

    chunks = [
        Chunk(id="a:0", text=SOURCES[0], document="项目支出绩效评价管理办法", position=0, source="p.txt"),
        Chunk(id="b:0", text="总分一般设置为100分。", document="另一份文件", position=0, source="q.txt"),
    ]
    draft = (
        "依据规定，“绩效评价结果采取评分和评级相结合的方式”[1]，“总分一般设置为100分”[1]，"
        "“等级划分为五档”[2]。\n\n[1] 《项目支出绩效评价管理办法》（财预〔2020〕10号）\n"
    )
    report = check_document(draft, knowledge=chunks)
    # [1] is limited to the document its reference names; [2] has none, so the whole base is searched
    assert [f.found for f in report.findings] == ["总分一般设置为100分", "等级划分为五档"]


GROUP_WEIGHTS = """## 评价指标体系及分值

| 一级指标 | 分值 |
|---|---|
| 预算执行率 | 10 |
| 成本指标 | 15 |
| 产出指标 | {output} |
| 效益指标 | 15 |
| 满意度指标 | 6 |
"""


@pytest.mark.parametrize(("output", "flagged"), [("54", False), ("58", True)])
def test_group_weights_above_40_count_in_a_groups_only_table(output, flagged):
    """A 一级-only table lists whole groups: 产出指标 54 is a weight, not an amount shifted into the column."""
    report = check_document(GROUP_WEIGHTS.format(output=output))
    weights = [f for f in report.findings if f.kind == "weights"]
    assert bool(weights) is flagged, report.findings
    if flagged:
        assert weights[0].found == "104"

"""Every scoring rule, with the worked numbers of domain.md §3 (corpus examples) and its error cases."""

from decimal import Decimal

import pytest

from assistant.scoring import rules
from assistant.scoring.rules import RuleError
from assistant.scoring.values import parse_value

D = Decimal
P = parse_value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.675", "2.68"),
        ("2.665", "2.67"),
        ("0.005", "0.01"),
        ("5.574", "5.57"),
        ("4.7358", "4.74"),
        ("3", "3.00"),
    ],
)
def test_round_half_up(value, expected):
    assert rules.round2(D(value)) == D(expected)


@pytest.mark.parametrize(
    ("weight", "target", "actual", "score", "formula"),
    [
        (7, "≥90%", "71.57%", "5.57", "7 × min(71.57% / 90%, 1) = 5.57"),  # 网络AP在线率
        (1, "=12个月", "7个月", "0.58", "1 × min(7个月 / 12个月, 1) = 0.58"),  # 服务时间
        (1, "=1年", "0.58年", "0.58", None),
        (2, "≥3%", "2%", "1.33", None),  # 能耗降低率
        (7, "≥200个", "204个", "7", None),  # above target: capped at full
        (1, "100%", "0", "0", None),  # 验收合格率 not yet accepted
        (8, "1", "1", "8", None),  # bare target means '='
        (2, "≥100万条", "1500000条", "2", None),  # 万 multiplier
        (10, "≥95%", "≥80%", "8.42", None),  # an actual written with an operator counts as its number
    ],
)
def test_proportional(weight, target, actual, score, formula):
    result = rules.proportional(D(weight), P(target), P(actual))
    assert result.score == D(score)
    assert not result.judged
    if formula:
        assert result.formula == formula


@pytest.mark.parametrize(
    ("weight", "target", "actual", "score", "fragment"),
    [
        (3, "≤144.00", "142.86万元", "3", "不高于目标"),  # 总成本
        (3, "≤8万元", "7.46万元", "3", "得满分 3"),
        (4, "≤79.61万元", "<79.61万元", "4", "得满分"),
        (3, "≤8万元", "10万元", "2.4", "3 × 8 / 10 = 2.4"),
        (6, "≤50MS", "≤10MS", "6", "得满分"),
        (6, "≤2s", "2500ms", "4.8", "6 × 2 / 2.5"),
        (5, "0起", "0起", "5", "目标为零"),
        (5, "0起", "1起", "0", "得 0"),
        (1, "≤1%", "1%", "1", "得满分"),
    ],
)
def test_inverse_proportional(weight, target, actual, score, fragment):
    result = rules.inverse_proportional(D(weight), P(target), P(actual))
    assert result.score == D(score)
    assert fragment in result.formula


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("健全", "健全"),
        ("完善", "完善"),
        ("及时", "及时"),
        ("优质", "优质"),
        ("长期", "完成预期指标"),
        ("中长期", "中长期"),
        ("2023年底前达成数量 指标要求", "达成数量指标要求"),
        ("2023年12月底前", "2023年12月底前"),
        ("2023年12月底前", "2023年12月"),
        ("2023年12月底前", "2023年11月"),
        ("2023年底前", "按时完成"),
        ("=100%", "100%"),
        ("≥0%", "5%"),
        ("健全", "制度健全"),
        ("健全", "已健全"),
    ],
)
def test_qualitative_met(target, actual):
    result = rules.qualitative(D(3), P(target), P(actual))
    assert result.score == D(3)
    assert "得满分" in result.formula


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("健全", "基本健全"),
        ("完善", "有待完善"),
        ("及时", "不及时"),
        ("有效", "部分有效"),
        ("健全", "完善"),
        ("2022年12月底前", "2023年12月底前"),  # the deadline was missed: needs a judged score
        ("2023年6月底前", "2023年12月"),
        ("及时", "未完成"),
        ("健全", "制度基本健全"),
        ("完善", "制度尚不完善"),
        ("有效", "较有效"),
    ],
)
def test_qualitative_not_met_needs_judgement(target, actual):
    with pytest.raises(RuleError, match="judged"):
        rules.qualitative(D(3), P(target), P(actual))


def test_met_words_are_explicit_data():
    assert "完成预期指标" in rules.MET_WORDS
    assert "基本" in rules.NEGATIONS


SATISFACTION_TIERS = [
    (D(90), D(1)),
    (D(85), D("0.9")),
    (D(80), D("0.8")),
    (D(70), D("0.7")),
    (D(60), D("0.6")),
]


@pytest.mark.parametrize(
    ("actual", "score"),
    [
        ("96.67%", "5"),
        ("90%", "5"),
        ("89.99%", "4.5"),
        ("85%", "4.5"),
        ("82%", "4"),
        ("75%", "3.5"),
        ("60%", "3"),
        ("59.9%", "0"),
    ],
)
def test_tiers(actual, score):
    assert rules.tiers(D(5), P(actual), SATISFACTION_TIERS).score == D(score)


def test_tiers_order_does_not_matter_and_shares_are_checked():
    assert rules.tiers(D(5), P("87%"), list(reversed(SATISFACTION_TIERS))).score == D("4.5")
    with pytest.raises(RuleError, match="0 到 1"):
        rules.tiers(D(5), P("87%"), [(D(80), D("4.5"))])
    with pytest.raises(RuleError, match="百分数"):
        rules.tiers(D(5), P("0.87"), SATISFACTION_TIERS)
    assert rules.tiers(D(5), P("87"), SATISFACTION_TIERS).score == D("4.5")


@pytest.mark.parametrize(
    ("weight", "actual", "score"), [(11, "95.2%", "10.47"), (5, "100%", "5"), (2, "0%", "0")]
)
def test_rate(weight, actual, score):
    assert rules.rate(D(weight), P(actual)).score == D(score)


@pytest.mark.parametrize(
    ("actual", "fragment"), [("0.95", "百分数"), ("120%", "0% 到 100%"), ("优", "不是数值")]
)
def test_rate_errors(actual, fragment):
    with pytest.raises(RuleError, match=fragment):
        rules.rate(D(5), P(actual))


def test_likert_worked_example():
    result = rules.likert(D(5), {5: 176, 4: 21, 3: 10, 2: 5, 1: 0})
    assert result.score == D("4.74")
    assert "5 × 212" in result.formula


@pytest.mark.parametrize(
    ("responses", "fragment"),
    [({}, "不能为空"), ({6: 3}, "1–5"), ({5: -1}, "不能为负"), ({5: 0, 4: 0}, "总人数为 0")],
)
def test_likert_errors(responses, fragment):
    with pytest.raises(RuleError, match=fragment):
        rules.likert(D(5), responses)


@pytest.mark.parametrize(
    ("weight", "points", "score", "formula"),
    [
        (3, ["0.25", "0.25"], "2.5", "3 − 0.25 − 0.25 = 2.5"),  # 立项程序规范性
        (1, ["0.5", "0.7"], "0", "1 − 0.5 − 0.7 = 0，扣完为止"),
        (2, [], "2", "无扣分项，得满分 2"),
    ],
)
def test_deduction(weight, points, score, formula):
    result = rules.deduction(D(weight), [(D(p), f"问题{i}") for i, p in enumerate(points)])
    assert result.score == D(score)
    assert result.formula == formula
    assert result.findings == [f"问题{i}" for i in range(len(points))]


def test_deduction_points_must_be_positive():
    with pytest.raises(RuleError, match="正数"):
        rules.deduction(D(2), [(D(0), "x")])


def test_checklist():
    criteria = [
        (D("0.5"), True, "目标与实际相符"),
        (D("0.5"), True, "与预算匹配"),
        (D("0.5"), False, "可衡量"),
        (D("0.5"), True, "有依据"),
    ]
    result = rules.checklist(D(2), criteria)
    assert result.score == D("1.5")
    assert result.findings == ["未满足：可衡量"]
    assert "3/4" in result.formula


def test_checklist_cannot_exceed_weight():
    with pytest.raises(RuleError, match="超过分值"):
        rules.checklist(D(1), [(D(1), True, "a"), (D("0.5"), True, "b")])


def test_judged():
    result = rules.judged(D(5), D(4), "能耗降低率2%，未达3%，但属待机降耗的合理情形")
    assert (result.score, result.judged) == (D(4), True)
    assert "理由" in result.formula


@pytest.mark.parametrize(
    ("score", "reason", "fragment"),
    [
        (D(4), "", "reason"),
        (D(4), "  ", "reason"),
        (None, "x", "score"),
        (D(6), "x", "0 到分值"),
        (D(-1), "x", "0 到分值"),
    ],
)
def test_judged_errors(score, reason, fragment):
    with pytest.raises(RuleError, match=fragment):
        rules.judged(D(5), score, reason)


@pytest.mark.parametrize(
    ("annual", "executed", "score"),
    [
        ("144", "142.86", "9.92"),
        ("79.6", "76.9", "9.66"),
        ("2852.5", "2744.71", "9.62"),
        ("80", "80", "10"),
        ("80", "90", "10"),
    ],
)
def test_budget_execution_self_evaluation(annual, executed, score):
    result = rules.budget_execution(D(10), [("", D(annual), D(executed))])
    assert result.score == D(score)


def test_budget_execution_per_year_variant():
    # 数字泉城: three years 95.00%, 78.65%, 95.17%; ≥95% full → 2 − (1 − 0.7865)/3 × 2 = 1.86
    lines = [
        ("2021年", D("1000"), D("950")),
        ("2022年", D("1000"), D("786.5")),
        ("2023年", D("1000"), D("951.7")),
    ]
    result = rules.budget_execution(D(2), lines, full_at=D(95), zero_below=D(60))
    assert result.score == D("1.86")
    assert "2022年 78.65%" in result.formula


@pytest.mark.parametrize(("executed", "score"), [("96", "2"), ("80", "1.6"), ("59", "0")])
def test_budget_execution_thresholds(executed, score):
    result = rules.budget_execution(D(2), [("", D(100), D(executed))], full_at=D(95), zero_below=D(60))
    assert result.score == D(score)


def test_budget_execution_zero_budget_is_an_error():
    with pytest.raises(RuleError, match="大于 0"):
        rules.budget_execution(D(10), [("", D(0), D(0))])


@pytest.mark.parametrize(
    ("func", "target", "actual", "fragment"),
    [
        (rules.proportional, "≥90%", "优", "不是数值"),
        (rules.proportional, "≥200个", "5万元", "单位不一致"),
        (rules.proportional, "0", "0", "零"),
        (rules.inverse_proportional, "≤5万元", "3个", "单位不一致"),
        (rules.inverse_proportional, "健全", "健全", "不是数值"),
    ],
)
def test_numeric_rules_reject_mismatched_values(func, target, actual, fragment):
    with pytest.raises(RuleError, match=fragment):
        func(D(3), P(target), P(actual))

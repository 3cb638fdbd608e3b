"""Number extraction: values, units, precision and roles, including Chinese forms."""

from decimal import Decimal

import pytest

from assistant.checking.numbers import (
    extract_numbers,
    parse_chinese_capital,
    parse_decimal,
    same_at_precision,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("89.33分", [("89.33", "分", "得分")]),  # bare score: the unit alone gives no role… see below
        ("得分率为78.57%", [("78.57", "%", "得分率")]),
        ("得分率为７８．５７％", [("78.57", "%", "得分率")]),
        ("全年预算 4391.8 万元", [("4391.8", "万元", "预算数")]),
        ("执行数1,614.05万元", [("1614.05", "万元", "执行数")]),
        (
            "该项指标满分 14 分，得分 11 分，得分率 78.75%。",
            [("14", "分", "满分"), ("11", "分", "得分"), ("78.75", "%", "得分率")],
        ),
        ("扣0.9分，得2.1分", [("0.9", "分", "扣分"), ("2.1", "分", "得分")]),
        ("预算执行率 99.21%", [("99.21", "%", "执行率")]),
        ("共发放问卷 212 份", [("212", "份", "计数")]),
        ("2023年12月底前", [("2023", "年", "日期"), ("12", "月", "日期")]),
        ("分别为3个", [("3", "个", "计数")]),
        ("没有数字", []),
    ],
)
def test_extract_numbers(text, expected):
    got = [(str(m.value), m.unit, m.role) for m in extract_numbers(text)]
    if text == "89.33分":  # no keyword before it: a score unit without a role word stays role-less
        expected = [("89.33", "分", None)]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "header", "role", "unit"),
    [
        ("78.57", "得分率 (%)", "得分率", "%"),
        ("14", "指标分值", "满分", ""),
        ("142.86", "全年执行数 (B)", "执行数", ""),
        ("144", "全年预算数 (A)", "预算数", ""),
    ],
)
def test_role_from_header(text, header, role, unit):
    (m,) = extract_numbers(text, header=header)
    assert (m.role, m.unit) == (role, unit)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("贰佰贰拾捌万圆整", Decimal(2280000)),
        ("人民币壹仟零伍圆伍角", Decimal("1005.5")),
        ("拾万元整", Decimal(100000)),
        ("壹亿贰仟万圆整", Decimal(120000000)),
        ("叁佰肆拾伍圆陆角柒分", Decimal("345.67")),
    ],
)
def test_chinese_capital(text, value):
    assert parse_chinese_capital(text) == value


def test_chinese_capital_in_sentence():
    (m,) = extract_numbers("合同金额为人民币贰佰贰拾捌万圆整。")
    assert (m.value, m.unit) == (Decimal(2280000), "元")


def test_not_a_capital_amount():
    with pytest.raises(ValueError):
        parse_chinese_capital("二百万")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,614.05", Decimal("1614.05")),
        ("４３９１．８", Decimal("4391.8")),
        ("78.57%", Decimal("78.57")),
        ("无", None),
    ],
)
def test_parse_decimal(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize(
    ("written", "decimals", "exact", "same"),
    [
        (Decimal("78.57"), 2, Decimal(11) / 14 * 100, True),
        (Decimal("78.75"), 2, Decimal(11) / 14 * 100, False),
        (Decimal("88.8"), 1, Decimal("88.80"), True),
        (Decimal("96.8"), 1, Decimal("96.875"), False),
        (Decimal("11"), 0, Decimal("11.4"), True),
    ],
)
def test_same_at_precision(written, decimals, exact, same):
    assert same_at_precision(written, decimals, exact) is same

"""Value parser: real target/actual strings from the corpus forms, full-width forms, units and garbage."""

from datetime import date
from decimal import Decimal

import pytest

from assistant.scoring.values import ValueParseError, parse_value, to_unit

D = Decimal

NUMBERS = [
    # text, op, number, unit — strings as written in 002_...txt's self-evaluation forms
    ("≥90%", ">=", D(90), "%"),
    ("≥ 90 ％", ">=", D(90), "%"),
    (">=90%", ">=", D(90), "%"),
    ("＞95%", ">", D(95), "%"),
    (">95%", ">", D(95), "%"),
    ("≤1%", "<=", D(1), "%"),
    ("=100%", "=", D(100), "%"),
    ("＝100％", "=", D(100), "%"),
    ("100%", None, D(100), "%"),
    ("71.57%", None, D("71.57"), "%"),
    ("≥200个", ">=", D(200), "个"),
    ("204个", None, D(204), "个"),
    ("≤144.00", "<=", D("144.00"), ""),
    ("142.86万元", None, D("142.86"), "万元"),
    ("≤79.61万元", "<=", D("79.61"), "万元"),
    ("<79.61万元", "<", D("79.61"), "万元"),
    ("<700万元", "<", D(700), "万元"),
    ("≤4.468万元", "<=", D("4.468"), "万元"),
    ("≥960万元", ">=", D(960), "万元"),
    ("0起", None, D(0), "起"),
    ("1", None, D(1), ""),
    ("0", None, D(0), ""),
    ("100万条", None, D(100), "万条"),
    ("≥100万条", ">=", D(100), "万条"),
    ("≥70万", ">=", D(70), "万"),
    ("=1500000条", "=", D(1500000), "条"),
    ("7个月", None, D(7), "个月"),
    ("=12个月", "=", D(12), "个月"),
    ("0.58年", None, D("0.58"), "年"),
    ("=1年", "=", D(1), "年"),
    ("≥5年", ">=", D(5), "年"),
    ("≥350天", ">=", D(350), "天"),
    ("≥25台", ">=", D(25), "台"),
    ("≤10分钟", "<=", D(10), "分钟"),
    ("<10分钟", "<", D(10), "分钟"),
    ("≥90分", ">=", D(90), "分"),
    ("≤1小时", "<=", D(1), "小时"),
    ("0.2小时", None, D("0.2"), "小时"),
    ("<5次", "<", D(5), "次"),
    ("≤50MS", "<=", D(50), "ms"),
    ("≤10MS", "<=", D(10), "ms"),
    ("≤2s", "<=", D(2), "s"),
    ("<1.5s", "<", D("1.5"), "s"),
    ("≤1.5", "<=", D("1.5"), ""),
    ("=1项", "=", D(1), "项"),
    ("≥150万份", ">=", D(150), "万份"),
    ("2,852.5", None, D("2852.5"), ""),
    ("≤6770.00", "<=", D("6770.00"), ""),
    ("250个以上", ">=", D(250), "个"),
    ("不低于90%", ">=", D(90), "%"),
    ("不超过5%", "<=", D(5), "%"),
    ("≧90%", ">=", D(90), "%"),
    ("≦1%", "<=", D(1), "%"),
    (" ≥ 95 % ", ">=", D(95), "%"),
    ("９０％", None, D(90), "%"),
]


@pytest.mark.parametrize(("text", "op", "number", "unit"), NUMBERS)
def test_numbers(text, op, number, unit):
    value = parse_value(text)
    assert (value.kind, value.op, value.number, value.unit) == ("number", op, number, unit)
    assert value.text == text


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("2023年12月底前", date(2023, 12, 31)),
        ("2022年12月底前", date(2022, 12, 31)),
        ("2023年12月", date(2023, 12, 31)),
        ("2023年底前", date(2023, 12, 31)),
        ("2023年6月30日前", date(2023, 6, 30)),
        ("2024年2月底前", date(2024, 2, 29)),
        ("2023年", date(2023, 12, 31)),
        ("２０２３年１２月底前", date(2023, 12, 31)),
    ],
)
def test_deadlines(text, deadline):
    value = parse_value(text)
    assert value.kind == "deadline"
    assert value.deadline == deadline


@pytest.mark.parametrize(
    "text",
    [
        "健全",
        "完善",
        "及时",
        "长期",
        "中长期",
        "优质",
        "有效",
        "完成预期指标",
        "达成数量指标要求",
        "2023年底前达成数量 指标要求",
        "达到预期",
        "不低于上年水平",
        "控制在预算以内",
    ],
)
def test_words(text):
    value = parse_value(text)
    assert value.kind == "word"
    assert value.word == text.replace(" ", "")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "为空"),
        ("   ", "为空"),
        ("abc", "不是数值"),
        ("N/A", "不是数值"),
        ("--", "不是数值"),
        ("≥", "后面不是数字"),
        ("≥abc", "后面不是数字"),
        ("≥优质", "后面不是数字"),
        ("90%%", "单位无法识别"),
        ("约90%", "含有数字"),
        ("90%左右", "无法识别"),
        ("1.2.3", "无法识别"),
        ("≥90%以上", "两个比较符号"),
        ("2023年13月底前", "月份无效"),
        ("2023年2月30日前", "日期无效"),
    ],
)
def test_garbage_is_an_error_never_zero(text, fragment):
    with pytest.raises(ValueParseError) as exc:
        parse_value(text)
    assert fragment in str(exc.value)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("7个月", "个月", D(7)),
        ("142.86万元", "", D("142.86")),
        ("142.86", "万元", D("142.86")),
        ("500ms", "s", D("0.5")),
        ("1小时", "分钟", D(60)),
        ("100万条", "条", D(1000000)),
        ("1500000条", "万条", D(150)),
        ("5000元", "万元", D("0.5")),
    ],
)
def test_unit_conversion(text, unit, expected):
    assert to_unit(parse_value(text), unit) == expected


@pytest.mark.parametrize(("text", "unit"), [("5个", "万元"), ("90%", "个"), ("3天", "分钟")])
def test_incompatible_units(text, unit):
    with pytest.raises(ValueParseError, match="单位不一致"):
        to_unit(parse_value(text), unit)

"""The tested list of numbers that are never flagged 无依据 — and numbers that must not be exempt."""

import pytest

from assistant.checking.exemptions import exemption_reason
from assistant.checking.numbers import extract_numbers


def _reason(text: str, raw: str) -> str | None:
    for m in extract_numbers(text):
        if m.raw.startswith(raw):
            return exemption_reason(text, m)
    raise AssertionError(f"{raw!r} not extracted from {text!r}")


@pytest.mark.parametrize(
    ("text", "raw", "reason"),
    [
        ("依据《济南市数字政府建设实施方案（2019—2022 年）》设立", "2019", "年份"),
        ("依据《山东省2023年数据工作要点》", "2023", "日期"),
        ("《数字山东发展规划（第3版）》", "3", "文件标题"),
        ("（济政办字〔2021〕21号）", "21号", "文号/编号"),
        ("财预〔2020〕10号", "10号", "文号/编号"),
        ("表 3-2 决策指标得分汇总表", "3", "序号"),
        ("具体见附件2", "2", "序号"),
        ("第3条规定", "3条", "序号"),
        ("1. 决策指标分析", "1", "序号"),
        ("（2）合同签订科学性不足", "2", "序号"),
        ("1.1.2 项目背景", "1.1", "章节号"),
        ("联系电话：0531-66608888", "0531", "电话号码"),
        ("手机 13912345678", "13912345678", "电话号码"),
        ("2023年12月底前完成", "12月", "日期"),
        ("2024.6.27-7.10 前期准备", "2024.6", "日期"),
        ("现场评价（7.11-7.22）", "7.11", "日期"),
        ("IPv6 改造与 5G 网络", "5G", "代号/型号"),
        ("引自[2]", "2", "引注编号"),
        ("上午 9:30 开会", "9", "时刻"),
        ("一、基本情况……5", "5", "页码"),
        ("90分（含）以上为“优”", "90分", "等级标准"),
        ("总分在80分以下的项目未实现绩效目标的原因分析", "80分", "等级标准"),
    ],
)
def test_exempt(text, raw, reason):
    assert _reason(text, raw) == reason


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("得分率 78.75%", "78.75%"),
        ("项目总投资1,614.05万元", "1,614.05万元"),
        ("共发放问卷 212 份", "212"),
        ("决策得分 11 分", "11"),
        ("2023 年度预算资金执行率 99.9%", "99.9%"),
        ("满意度为 90.00%", "90.00%"),
        ("合同金额贰佰贰拾捌万圆整", "贰佰贰拾捌万圆整"),
    ],
)
def test_not_exempt(text, raw):
    assert _reason(text, raw) is None

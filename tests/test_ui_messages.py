"""Pop-up messages are Chinese: the title, and parser details turned into a line and column."""

from __future__ import annotations

import pytest

from ui.messages import ERROR_TITLE, error, readable

YAML_DETAIL = (
    '案例文件“bad.yaml”无法解析：while parsing a flow mapping\n  in "<unicode string>", line 2, column 10:\n'
    "    project: {name: 坏文件\n             ^\nexpected ',' or '}', but got ':'\n"
    '  in "<unicode string>", line 3, column 11:\n    indicators: [\n'
)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            YAML_DETAIL,
            "案例文件“bad.yaml”无法解析：第3行第11列附近格式有误（请检查冒号、引号、括号和缩进是否完整）",
        ),
        (
            "案例文件“bad.json”无法解析：Expecting value: line 1 column 1 (char 0)",
            "案例文件“bad.json”无法解析：第1行第1列附近格式有误（请检查冒号、引号、括号和缩进是否完整）",
        ),
        (
            "案例文件“x.xlsx”无法解析：File is not a zip file",
            "案例文件“x.xlsx”无法解析：文件格式有误（请确认是 YAML、JSON 或自评表 Excel 文件，且未损坏）",
        ),
        ("案例文件“x.yaml”无法解析：第2行缺少分值", "案例文件“x.yaml”无法解析：第2行缺少分值"),
        ("请先选择一个案例文件", "请先选择一个案例文件"),
    ],
)
def test_readable_keeps_chinese_and_replaces_parser_english(message, expected):
    assert readable(message) == expected


def test_error_has_a_chinese_title():
    exc = error(YAML_DETAIL)
    assert exc.title == ERROR_TITLE
    assert "while parsing" not in exc.message

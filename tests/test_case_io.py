"""Case files: YAML / JSON / Excel round trips, a hand-made corpus-style Excel form, and file errors."""

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from assistant.case import parse_case
from assistant.case_io import case_to_data, dump_yaml, load_case, read_case_data, save_case
from assistant.errors import InputError
from assistant.scoring import score_case

D = Decimal
DATA = Path(__file__).parent / "data"

FULL_EVALUATION = {
    "kind": "evaluation",
    "project": {
        "name": "数据平台运维项目",
        "department": "某市大数据局",
        "implementer": "某公司",
        "year": 2023,
        "evaluator": "某咨询公司",
    },
    "budget": {
        "initial": 300,
        "annual": 300,
        "executed": 280,
        "years": [
            {"year": 2022, "annual": 100, "executed": 90},
            {"year": 2023, "annual": 200, "executed": 190},
        ],
    },
    "reported_total": 86.76,
    "reported_grade": "良",
    "narrative": {"background": "为推进数据共享……", "eval_method": "比较法、公众评判法"},
    "findings": [
        {
            "category": "过程",
            "text": "合同付款进度早于服务交付",
            "evidence": "合同第5条",
            "indicator": ["过程", "组织实施", "合同管理"],
        }
    ],
    "indicators": [
        {
            "path": ["决策", "项目立项", "立项程序规范性"],
            "weight": 10,
            "deductions": [{"points": 0.5, "finding": "未进行事前绩效评估", "evidence": "预算资料"}],
            "reported_score": 9.5,
        },
        {
            "path": ["决策", "绩效目标", "绩效目标合理性"],
            "weight": 10,
            "criteria": [
                {"points": 5, "met": True, "text": "与实际相符"},
                {"points": 5, "met": False, "text": "可衡量"},
            ],
        },
        {
            "path": ["过程", "资金管理", "预算执行率"],
            "weight": 10,
            "rule": "budget_execution",
            "full_at": 95,
            "zero_below": 60,
        },
        {
            "path": ["过程", "组织实施", "合同管理"],
            "weight": 10,
            "score": 8,
            "reason": "付款进度早于交付",
            "finding": "付款条款不合理",
            "evidence": "合同",
        },
        {
            "path": ["产出", "质量", "系统可用率"],
            "weight": 20,
            "target": "≥99%",
            "actual": "98.5%",
            "deviation": "停电一次",
        },
        {"path": ["产出", "时效", "故障响应时间"], "weight": 10, "target": "≤30分钟", "actual": "20分钟"},
        {
            "path": ["效益", "满意度", "用户满意度"],
            "weight": 10,
            "tiers": [[90, 1], [80, 0.8]],
            "actual": "86%",
        },
        {
            "path": ["效益", "满意度", "公众满意度"],
            "weight": 10,
            "responses": {5: 176, 4: 21, 3: 10, 2: 5, 1: 0},
        },
        {"path": ["效益", "可持续", "长效机制"], "weight": 5, "target": "健全", "actual": "健全"},
        {"path": ["效益", "可持续", "数据共享率"], "weight": 5, "rule": "rate", "actual": "90%"},
    ],
}


FOUR_LEVELS = {
    "kind": "evaluation",
    "project": {"name": "四级指标体系"},
    "indicators": [
        {"path": ["A", "A1", "A11", "A111"], "weight": 30, "target": "≥10个", "actual": "9个"},
        {"path": ["A", "A1", "A11", "A112"], "weight": 20, "target": "≤5%", "actual": "4%"},
        {"path": ["A", "A1", "A12"], "weight": 10, "target": "健全", "actual": "健全"},
        {"path": ["B", "B1", "B11", "B111"], "weight": 40, "score": 35, "reason": "评价组判定"},
    ],
}
SOURCES = {"evaluation": FULL_EVALUATION, "four_levels": FOUR_LEVELS}


def test_full_evaluation_scores():
    sheet = score_case(parse_case(FULL_EVALUATION))
    # 9.5 + 5 + 10×mean(0.9, 0.95→1)=9.5 + 8 + 19.9 + 10 + 8 + 9.47 + 5 + 4.5
    assert sheet.total == D("88.87")


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json", ".xlsx"])
@pytest.mark.parametrize("source", ["bigdata", "evaluation", "four_levels"])
def test_round_trip(tmp_path, suffix, source):
    case = load_case(DATA / "self_eval_bigdata.yaml") if source == "bigdata" else parse_case(SOURCES[source])
    path = save_case(case, tmp_path / f"case{suffix}")
    again = load_case(path)
    assert again == case
    assert score_case(again) == score_case(case)


def test_yaml_output_is_plain_numbers_in_contract_shape():
    text = dump_yaml(load_case(DATA / "self_eval_bigdata.yaml"))
    assert text.startswith("kind: self_evaluation\nproject:")
    assert "executed: 142.86" in text
    assert "'" not in text.split("indicators:")[0]  # numbers are not quoted strings
    data = case_to_data(parse_case(FULL_EVALUATION))
    assert data["indicators"][6]["tiers"] == [[90, 1], [80, 0.8]]
    assert "narrative" in data and "goal_achieved" not in data["narrative"]


def _corpus_like_form(path: Path, weight_cell: object = 7) -> None:
    """A sheet laid out like 002_...txt's 城区重点公共场所免费无线 form, as a user would keep it in Excel."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    rows = [
        ["项目支出绩效自评表 (2023年度)"],
        ["单位：万元"],
        ["项目名称", "", "城区重点公共场所免费无线项目"],
        ["主管部门", "", "济南市大数据局", "", "", "实施单位", "济南市信息中心"],
        [
            "项目预算执行情况",
            "",
            "年初预算数",
            "全年预算数 (A)",
            "全年执行数 (B)",
            "分值",
            "执行率 (B/A)",
            "得分",
        ],
        ["", "年度资金总额", 79.61, 79.61, 79.61, 10, 1, 10],
        ["", "其中：当年财政拨款", 79.61, 79.61, 79.61],
        ["", "上年结转资金", 0, 0, 0],
        ["年度总体目标", "年初预期目标", "", "", "", "目标实际完成情况"],
        ["", "建设免费无线网络覆盖", "", "", "", "23处重点公共区域实现免费无线上网"],
        [
            "",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成指标值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        ["年度绩效指标", "成本指标", "经济成本指标", "总成本", "≤79.61万元", "<79.61万元", 4, 4],
        ["", "", "", "城区重点公共场所内免费无线网络服务费", "≤75.14万元", "75.14万元", 3, 3],
        ["", "", "", "中国信息通信研究院第三方检测费", "≤4.468万元", "4.468万元", 3, 3],
        ["", "产出指标", "数量指标", "网络AP设备安装数量", "≥200个", "204个", 7, 7],
        ["", "", "", "网络交换机安装数量", "≥25台", "29台", 7, 7],
        [
            "",
            "",
            "质量指标",
            "网络AP在线率",
            "≥90%",
            0.7157,
            weight_cell,
            5.57,
            "检测时部分公共场所因断电导致AP设备不在线",
        ],
        ["", "", "", "网络关联成功率", "≥90%", "100%", 7, 7],
        ["", "", "时效指标", "64节数据包ping连通平均时延", "≤50MS", "≤10MS", 6, 6],
        ["", "", "", "认证网页打开速度", "≤2s", "<1.5s", 6, 6],
        [
            "",
            "效益指标",
            "社会效益指标",
            "目标场所免费无线信号覆盖区域占目标场所面积比值",
            "≥90%",
            "≥95%",
            15,
            15,
        ],
        ["", "", "", "社会公众在目标场所可享受免费无线上网服务的天数", "≥350天", "365天", 15, 15],
        ["", "满意度指标", "服务对象满意度指标", "接受本项目服务公众满意度", "≥80%", "≥80%", 10, 10],
        ["", "总分", "", "", "", "", "", "98.57"],
        ["总分在80分以下的项目未实现绩效目标的原因分析及拟采取的措施说明："],
    ]
    for row in rows:
        ws.append(row)
    ws["F17"].number_format = "0.00%"  # the actual 71.57% stored as a number, as Excel does
    ws.merge_cells("B12:B14")  # 成本指标 merged over its rows
    ws.merge_cells("C12:C14")
    ws.merge_cells("B15:B20")  # 产出指标; 二级 cells below 数量指标 are left blank instead
    ws.merge_cells("A5:A8")
    wb.save(path)


def test_import_corpus_like_form(tmp_path):
    path = tmp_path / "wifi.xlsx"
    _corpus_like_form(path)
    case = load_case(path)
    assert case.kind == "self_evaluation"
    assert (case.project.name, case.project.department, case.project.implementer, case.project.year) == (
        "城区重点公共场所免费无线项目",
        "济南市大数据局",
        "济南市信息中心",
        2023,
    )
    assert case.budget is not None and (case.budget.annual, case.budget.executed, case.budget.weight) == (
        D("79.61"),
        D("79.61"),
        D(10),
    )
    assert case.narrative.goal_achieved == "23处重点公共区域实现免费无线上网"
    assert case.indicators[2].path == ["成本指标", "经济成本指标", "中国信息通信研究院第三方检测费"]
    assert case.indicators[5].path == ["产出指标", "质量指标", "网络AP在线率"]
    assert case.indicators[5].actual == "71.57%"
    assert case.indicators[6].path == ["产出指标", "质量指标", "网络关联成功率"]
    assert case.indicators[-1].path == ["满意度指标", "服务对象满意度指标", "接受本项目服务公众满意度"]
    assert case.reported_total == D("98.57")
    sheet = score_case(case)
    assert sheet.total == D("98.57")
    assert sheet.indicator("产出指标/质量指标/网络AP在线率").score == D("5.57")


def test_excel_errors_name_the_cell(tmp_path):
    path = tmp_path / "bad.xlsx"
    _corpus_like_form(path, weight_cell="七")
    case = load_case(path)  # a form from a document is read as far as it goes, naming what it could not read
    assert case.received
    assert any("第17行" in note and "分值列“七”不是数字" in note for note in case.origin.unread)
    assert any("第17行" in note for note in score_case(case).notes)
    # the lenient reader keeps the bad cell for an editor to show
    data = read_case_data(path)
    assert data["indicators"][5]["weight"] == "七"


def test_excel_indicator_errors_name_the_row(tmp_path):
    path = save_case(load_case(DATA / "self_eval_bigdata.yaml"), tmp_path / "form.xlsx")
    wb = load_workbook(path)
    form_row = next(c.row for row in wb["自评表"].iter_rows() for c in row if c.value == "宣传保障经费")
    for row in wb["评分规则"].iter_rows():
        if row[0].value == "成本指标/经济成本指标/宣传保障经费":
            row[1].value = "magic"
    wb.save(path)
    with pytest.raises(InputError) as exc:
        load_case(path)
    assert (
        f"第{form_row}行 指标“成本指标/经济成本指标/宣传保障经费” 评分规则(rule)：取值不在允许范围内"
        in str(exc.value)
    )


def test_exported_form_layout(tmp_path):
    path = save_case(load_case(DATA / "self_eval_bigdata.yaml"), tmp_path / "form.xlsx")
    ws = load_workbook(path)["自评表"]
    values = {cell.value for row in ws.iter_rows() for cell in row if cell.value is not None}
    for label in (
        "项目名称",
        "主管部门",
        "实施单位",
        "年度资金总额",
        "一级指标",
        "偏差原因分析及改进措施",
        "总分",
        "=100%",
    ):
        assert label in values
    merged = [str(r) for r in ws.merged_cells.ranges]
    assert any(r.startswith("B") and ":B" in r for r in merged)  # 一级 column merged over its rows


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("a.yaml", "kind: [unclosed", "不是有效的 YAML"),
        ("a.json", '{"kind": ', "不是有效的 JSON"),
        ("a.yaml", "- 1\n- 2\n", "须为映射"),
        ("a.txt", "kind: evaluation", "未找到可读取的绩效自评表"),
        ("a.pages", "kind: evaluation", "不支持的案例文件类型"),
        ("a.yaml", "kind: selfeval\nproject: {name: x}\nindicators: []\n", "类型(kind)：取值不在允许范围内"),
    ],
)
def test_file_errors(tmp_path, name, text, fragment):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        load_case(path)


def test_missing_file():
    with pytest.raises(InputError, match="找不到案例文件"):
        load_case("/nonexistent/case.yaml")


def test_broken_excel(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="无法读取 Excel"):
        load_case(path)

"""Build the synthetic form set (evals/forms/synthetic): layouts and wordings the dev set does not use.

Run from the repository root: ``python evals/forms/synthetic/make_forms.py``. It writes the documents and
``answers.yaml`` (same schema as evals/forms/dev/answers.yaml). Every correct figure below was worked by hand
from the national rules (budget = weight × min(executed/annual, 1); ≥ rows weight × actual/target when unmet,
≤ rows weight × target/actual; two decimals half up).

- S1 县文化馆 (HTML page, rowspan/colspan): 指标名称/标准分值/年度目标值/实际完成数/自评分/未完成原因; budget
  block with 资金来源/年初预算金额/全年预算金额/全年支出数/预算执行率 and no score column (its 10 points come
  from the block label); a '/' inside an indicator name; a fraction actual 0.95 against ≥90%. Correct.
- S2 区水务局 (Word, two forms under 附件 headings): 指标性质 written 正向/反向, 计量单位, 年度目标值, 全年完成值,
  指标分值, 自评得分, 偏差说明; budget rows 资金总额 / 其中：本级财政资金 / 上级补助资金 / 自筹资金 with
  调整预算数 and 实际支出数; 自评等级 row; 自评结论 paragraph. Form A: a 反向 row over its ceiling given full
  marks, and a total that adds the written scores. Form B: correct.
- S3 镇农业站 (Excel, two forms on two sheets): percentages stored as numbers with % format, one actual stored
  as 0.93 without format; scores as formulas with cached values. Form A: the 其中 rows do not add up to the
  total row. Form B: the budget score rounded to a whole point.
- S4 市档案馆 (Markdown without outer pipes): a 合计 row, 评价等级 in the conclusion text. The total omits one row.
- S5 古城区卫生服务中心 (PDF drawn by pdf_forms.py): 资金构成/全年预算数(A)/全年执行数(B) budget with 其中 rows,
  columns 指标值/完成值/原因及改进措施, the indicator table running onto a second page without its header. A
  ≤ row over its ceiling given full marks.
- S6 北塘街道 (PDF drawn by pdf_forms.py without ruling lines): columns found from the words' positions.
  Correct.
"""

from __future__ import annotations

from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def _row(path, target, actual, weight, reported, correct, deviation=""):
    return {
        "path": path,
        "target": target,
        "actual": actual,
        "weight": weight,
        "reported_score": reported,
        "deviation": deviation,
        "correct_score": correct,
    }


# ---- S1: HTML -----------------------------------------------------------------------------------------

S1_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>临川县文化馆2024年度项目支出绩效自评</title></head>
<body><div class="crumb">首页 &gt; 信息公开 &gt; 预决算</div>
<h2>临川县文化馆2024年度项目支出绩效自评表</h2>
<p>发布日期：2025-04-02</p>
<table border="1">
<tr><td>项目名称</td><td colspan="5">乡村文艺汇演补助项目</td></tr>
<tr><td>主管部门</td><td colspan="2">临川县文化和旅游局</td><td>实施单位</td><td colspan="2">临川县文化馆</td></tr>
<tr><td rowspan="3">预算执行情况（10分）</td><td>资金来源</td><td>年初预算金额</td><td>全年预算金额</td><td>全年支出数</td><td>预算执行率</td></tr>
<tr><td>合计</td><td>40.00</td><td>40.00</td><td>36.00</td><td>90.00%</td></tr>
<tr><td>其中：财政拨款</td><td>40.00</td><td>40.00</td><td>36.00</td><td>90.00%</td></tr>
</table>
<table border="1">
<tr><th>一级指标</th><th>二级指标</th><th>指标名称</th><th>标准分值</th><th>年度目标值</th><th>实际完成数</th><th>自评分</th><th>未完成原因</th></tr>
<tr><td rowspan="2">产出指标</td><td>数量指标</td><td>演出场次/巡演村数</td><td>40</td><td>≥20场</td><td>20场</td><td>40</td><td></td></tr>
<tr><td>时效指标</td><td>汇演完成时间</td><td>10</td><td>2024年11月底前</td><td>达成预期指标</td><td>10</td><td></td></tr>
<tr><td>效益指标</td><td>社会效益指标</td><td>现场观众人次</td><td>20</td><td>≥1万人次</td><td>0.95万人次</td><td>19</td><td>雨天取消一场</td></tr>
<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>群众满意度</td><td>20</td><td>≥90%</td><td>0.95</td><td>20</td><td></td></tr>
<tr><td colspan="3">总分</td><td>100</td><td></td><td></td><td>98</td><td></td></tr>
</table>
<p>上一篇：临川县文化馆2024年度部门决算</p></body></html>
"""

S1_KEY = {
    "file": "S1_临川县文化馆_文艺汇演_网页.html",
    "forms": [
        {
            "form_id": "S1",
            "budget": {"reported_rate": "90.00%", "reported_score": None, "correct_score": 9},
            "indicators": [
                _row(["产出指标", "数量指标", "演出场次/巡演村数"], "≥20场", "20场", 40, "40", 40),
                _row(
                    ["产出指标", "时效指标", "汇演完成时间"], "2024年11月底前", "达成预期指标", 10, "10", 10
                ),
                _row(["效益指标", "社会效益指标", "现场观众人次"], "≥1万人次", "0.95万人次", 20, "19", 19),
                _row(["满意度指标", "服务对象满意度指标", "群众满意度"], "≥90%", "0.95", 20, "20", 20),
            ],
            "reported_total": "98",
            "correct_total": 98,
            "slips": [],
        }
    ],
}


# ---- S2: Word, two forms ------------------------------------------------------------------------------


def _s2_docx(path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("滨江区水务局2023年度部门决算（附件）")
    doc.add_paragraph("本局对2个项目开展了绩效自评，结果如下。")
    forms = [
        {
            "heading": "附件1：河道保洁项目绩效自评表（2023年度）",
            "name": "城区河道日常保洁项目",
            "unit": "滨江区河道管理所",
            "budget": [
                ("资金总额", "120.00", "120.00", "114.00", "95.00%", "10", "9.5"),
                ("其中：本级财政资金", "100.00", "100.00", "96.00", "", "", ""),
                ("上级补助资金", "20.00", "20.00", "18.00", "", "", ""),
                ("自筹资金", "0.00", "0.00", "0.00", "", "", ""),
            ],
            "rows": [
                ("产出指标", "数量指标", "保洁河道长度", "正向", "45", "公里", "45", "20", "20", ""),
                ("产出指标", "质量指标", "水面漂浮物清除率", "正向", "95", "%", "96.5", "20", "20", ""),
                ("产出指标", "成本指标", "每公里年保洁成本", "反向", "2.6", "万元", "2.8", "10", "10", ""),
                ("效益指标", "生态效益指标", "断面水质达标率", "正向", "90", "%", "92", "20", "20", ""),
                (
                    "满意度指标",
                    "服务对象满意度指标",
                    "沿河居民满意度",
                    "正向",
                    "90",
                    "%",
                    "88.2",
                    "20",
                    "19.6",
                    "部分河段施工影响",
                ),
            ],
            "total": ("100", "99.1"),
            "grade": "优",
            "conclusion": "自评结论：本项目自评得分99.1分，评价等级为“优”。",
        },
        {
            "heading": "附件2：排水设施维护项目绩效自评表（2023年度）",
            "name": "城区排水设施维护项目",
            "unit": "滨江区排水管理站",
            "budget": [
                ("资金总额", "80.00", "76.00", "76.00", "100.00%", "10", "10"),
                ("其中：本级财政资金", "80.00", "76.00", "76.00", "", "", ""),
                ("上级补助资金", "0.00", "0.00", "0.00", "", "", ""),
                ("自筹资金", "0.00", "0.00", "0.00", "", "", ""),
            ],
            "rows": [
                ("产出指标", "数量指标", "疏通排水管网长度", "正向", "120", "公里", "126", "30", "30", ""),
                ("产出指标", "时效指标", "汛前检修完成率", "=", "100", "%", "100", "20", "20", ""),
                ("效益指标", "社会效益指标", "城区内涝点数量", "反向", "3", "处", "2", "20", "20", ""),
                ("满意度指标", "服务对象满意度指标", "市民满意度", "正向", "85", "%", "90", "20", "20", ""),
            ],
            "total": ("100", "100"),
            "grade": "优",
            "conclusion": "自评结论：本项目自评得分100分，评价等级为“优”。",
        },
    ]
    for form in forms:
        doc.add_paragraph(form["heading"])
        table = doc.add_table(rows=0, cols=10)
        table.style = "Table Grid"

        def add(values, table=table):
            cells = table.add_row().cells
            for i, value in enumerate(values):
                cells[i].text = value
            return cells

        c = add(["项目名称", form["name"]] + [""] * 8)
        c[1].merge(c[9])
        c = add(["主管部门", "滨江区水务局", "", "", "实施单位", form["unit"], "", "", "", ""])
        c[1].merge(c[3])
        c[5].merge(c[9])
        first = len(table.rows)
        add(
            [
                "预算执行情况（10分）",
                "资金类别",
                "年初预算数",
                "调整预算数",
                "实际支出数",
                "执行率",
                "分值",
                "得分",
                "",
                "",
            ]
        )
        for values in form["budget"]:
            add(["", *values, "", ""])
        table.cell(first, 0).merge(table.cell(len(table.rows) - 1, 0))
        head = len(table.rows)
        add(
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "指标性质",
                "年度目标值",
                "计量单位",
                "全年完成值",
                "指标分值",
                "自评得分",
                "偏差说明",
            ]
        )
        for values in form["rows"]:
            add(list(values))
        # merge the 一级 cells of consecutive equal names
        start = head + 1
        rows = form["rows"]
        for i in range(1, len(rows) + 1):
            if i == len(rows) or rows[i][0] != rows[start - head - 1][0]:
                if i - 1 > start - head - 1:
                    top = table.cell(start, 0)
                    top.merge(table.cell(head + i, 0))
                    top.text = rows[start - head - 1][0]
                start = head + i + 1
        c = add(["合计", "", "", "", "", "", "", form["total"][0], form["total"][1], ""])
        c[0].merge(c[6])
        c[0].text = "合计"
        c = add(["自评等级", form["grade"]] + [""] * 8)
        c[1].merge(c[9])
        doc.add_paragraph(form["conclusion"])
    doc.save(str(path))


S2_KEY = {
    "file": "S2_滨江区水务局_部门决算附件_两张表.docx",
    "forms": [
        {
            "form_id": "S2A",
            "budget": {"reported_rate": "95.00%", "reported_score": "9.5", "correct_score": 9.5},
            "indicators": [
                _row(["产出指标", "数量指标", "保洁河道长度"], "45", "45", 20, "20", 20),
                _row(["产出指标", "质量指标", "水面漂浮物清除率"], "95", "96.5", 20, "20", 20),
                _row(["产出指标", "成本指标", "每公里年保洁成本"], "2.6", "2.8", 10, "10", 9.29),
                _row(["效益指标", "生态效益指标", "断面水质达标率"], "90", "92", 20, "20", 20),
                _row(["满意度指标", "服务对象满意度指标", "沿河居民满意度"], "90", "88.2", 20, "19.6", 19.6),
            ],
            "reported_total": "99.1",
            "reported_grade": "优",
            "correct_total": 98.39,
            "slips": [
                {
                    "cell": {"row": "产出指标/成本指标/每公里年保洁成本", "column": "自评得分"},
                    "kind": "unmet_given_full",
                    "derived": False,
                },
                {"cell": {"row": "合计", "column": "自评得分"}, "kind": "derived_total", "derived": True},
                {"cell": {"row": "自评结论", "column": "自评结论"}, "kind": "derived_text", "derived": True},
            ],
        },
        {
            "form_id": "S2B",
            "budget": {"reported_rate": "100.00%", "reported_score": "10", "correct_score": 10},
            "indicators": [
                _row(["产出指标", "数量指标", "疏通排水管网长度"], "120", "126", 30, "30", 30),
                _row(["产出指标", "时效指标", "汛前检修完成率"], "100", "100", 20, "20", 20),
                _row(["效益指标", "社会效益指标", "城区内涝点数量"], "3", "2", 20, "20", 20),
                _row(["满意度指标", "服务对象满意度指标", "市民满意度"], "85", "90", 20, "20", 20),
            ],
            "reported_total": "100",
            "reported_grade": "优",
            "correct_total": 100,
            "slips": [],
        },
    ],
}


# ---- S3: Excel, two sheets ----------------------------------------------------------------------------


def _s3_sheet(ws, form) -> None:
    from openpyxl.styles import Alignment

    ws.append([f"{form['name']}绩效自评表"])
    ws.merge_cells("A1:H1")
    ws.append(["单位：万元", "", "", "", "", "", "", "2024年度"])
    ws.append(["项目名称", form["name"]])
    ws.merge_cells("B3:H3")
    ws.append(["主管部门", "青禾镇人民政府", "", "", "实施单位", "青禾镇农业综合服务站"])
    ws.append(["资金情况", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    for values in form["budget"]:
        ws.append(values)
    top = 5
    ws.merge_cells(start_row=top, start_column=1, end_row=top + len(form["budget"]), end_column=1)
    header = ws.max_row + 1
    ws.append(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ]
    )
    for values in form["rows"]:
        ws.append(values)
    ws.append(["总分", "", "", "", "", 100, form["total"]])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=5)
    for row in ws.iter_rows(min_row=6, max_row=6 + len(form["budget"]) - 1):
        for cell in row[2:5]:
            cell.number_format = "0.00"
        row[6].number_format = "0.00%"
    for row in ws.iter_rows(min_row=header + 1, max_row=ws.max_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True)
    for cell, fmt in form.get("formats", {}).items():
        ws[cell].number_format = fmt


def _s3_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    forms = [
        {
            "title": "表1 高标准农田管护",
            "name": "高标准农田设施管护项目",
            "budget": [
                ["", "年度资金总额", 60, 60, 57, 10, 0.95, 9.5],
                ["", "其中：财政拨款", 50, 50, 47, None, None, None],
                ["", "上年结转资金", 8, 8, 8, None, None, None],
            ],
            "rows": [
                ["产出指标", "数量指标", "管护农田面积", "≥1.2万亩", "1.25万亩", 30, 30, None],
                ["产出指标", "质量指标", "设施完好率", "≥90%", 0.93, 30, 30, None],
                ["效益指标", "经济效益指标", "亩均增产", "≥30公斤", "33公斤", 20, 20, None],
                ["满意度指标", "服务对象满意度指标", "种植户满意度", "≥90%", 0.96, 10, 10, None],
            ],
            "total": 99.5,
            "formats": {"E15": "0%"},
        },
        {
            "title": "表2 农技推广",
            "name": "基层农技推广补助项目",
            "budget": [
                ["", "年度资金总额", 30, 30, 26.4, 10, 0.88, 9],
                ["", "其中：财政拨款", 30, 30, 26.4, None, None, None],
            ],
            "rows": [
                ["产出指标", "数量指标", "培训农民人次", "≥800人次", "850人次", 30, 30, None],
                ["产出指标", "时效指标", "示范基地建成时间", "2024年6月底前", "2024年6月15日", 20, 20, None],
                ["效益指标", "社会效益指标", "主推技术到位率", "≥95%", "95%", 20, 20, None],
                ["满意度指标", "服务对象满意度指标", "参训农民满意度", "≥90%", "91%", 20, 20, None],
            ],
            "total": 99,
        },
    ]
    wb.remove(wb.active)
    for form in forms:
        _s3_sheet(wb.create_sheet(form["title"]), form)
    wb.save(str(path))


S3_KEY = {
    "file": "S3_青禾镇农业站_两张表.xlsx",
    "forms": [
        {
            "form_id": "S3A",
            "budget": {"reported_rate": "95.00%", "reported_score": "9.5", "correct_score": 9.5},
            "indicators": [
                _row(["产出指标", "数量指标", "管护农田面积"], "≥1.2万亩", "1.25万亩", 30, "30", 30),
                _row(["产出指标", "质量指标", "设施完好率"], "≥90%", "0.93", 30, "30", 30),
                _row(["效益指标", "经济效益指标", "亩均增产"], "≥30公斤", "33公斤", 20, "20", 20),
                _row(["满意度指标", "服务对象满意度指标", "种植户满意度"], "≥90%", "0.96", 10, "10", 10),
            ],
            "reported_total": "99.5",
            "correct_total": 99.5,
            "slips": [
                {
                    "cell": {"row": "年度资金总额", "column": "年初预算数/全年预算数/全年执行数"},
                    "kind": "sources_sum",
                    "derived": False,
                },
            ],
        },
        {
            "form_id": "S3B",
            "budget": {"reported_rate": "88.00%", "reported_score": "9", "correct_score": 8.8},
            "indicators": [
                _row(["产出指标", "数量指标", "培训农民人次"], "≥800人次", "850人次", 30, "30", 30),
                _row(
                    ["产出指标", "时效指标", "示范基地建成时间"],
                    "2024年6月底前",
                    "2024年6月15日",
                    20,
                    "20",
                    20,
                ),
                _row(["效益指标", "社会效益指标", "主推技术到位率"], "≥95%", "95%", 20, "20", 20),
                _row(["满意度指标", "服务对象满意度指标", "参训农民满意度"], "≥90%", "91%", 20, "20", 20),
            ],
            "reported_total": "99",
            "correct_total": 98.8,
            "slips": [
                {
                    "cell": {"row": "年度资金总额", "column": "得分"},
                    "kind": "rounded_to_whole_point",
                    "derived": False,
                },
                {"cell": {"row": "总分", "column": "得分"}, "kind": "derived_total", "derived": True},
            ],
        },
    ],
}


# ---- S4: Markdown without outer pipes -----------------------------------------------------------------

S4_MD = """# 江城市档案馆2023年度项目支出绩效自评

项目名称 | 档案数字化加工项目 | 主管部门 | 江城市档案局
--- | --- | --- | ---
实施单位 | 江城市档案馆 | 评价方式 | 单位自评

资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
--- | --- | --- | --- | --- | --- | ---
年度资金总额 | 200.00 | 200.00 | 198.00 | 10 | 99.00% | 9.9

一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
--- | --- | --- | --- | --- | --- | --- | ---
产出指标 | 数量指标 | 数字化加工档案页数 | ≥300万页 | 312万页 | 30 | 30 |
产出指标 | 质量指标 | 图像质检合格率 | ≥99% | 99.6% | 20 | 20 |
产出指标 | 成本指标 | 每页加工成本 | ≤0.6元 | 0.58元 | 10 | 10 |
效益指标 | 社会效益指标 | 在线查档服务人次 | ≥2万人次 | 2.3万人次 | 20 | 20 |
满意度指标 | 服务对象满意度指标 | 查档群众满意度 | ≥95% | 96% | 10 | 10 |
合计 |  |  |  |  | 100 | 89.9 |

评价结论：本项目自评得分89.9分，评价等级：良。
"""

S4_KEY = {
    "file": "S4_江城市档案馆_数字化加工.md",
    "forms": [
        {
            "form_id": "S4",
            "budget": {"reported_rate": "99.00%", "reported_score": "9.9", "correct_score": 9.9},
            "indicators": [
                _row(["产出指标", "数量指标", "数字化加工档案页数"], "≥300万页", "312万页", 30, "30", 30),
                _row(["产出指标", "质量指标", "图像质检合格率"], "≥99%", "99.6%", 20, "20", 20),
                _row(["产出指标", "成本指标", "每页加工成本"], "≤0.6元", "0.58元", 10, "10", 10),
                _row(["效益指标", "社会效益指标", "在线查档服务人次"], "≥2万人次", "2.3万人次", 20, "20", 20),
                _row(["满意度指标", "服务对象满意度指标", "查档群众满意度"], "≥95%", "96%", 10, "10", 10),
            ],
            "reported_total": "89.9",
            "correct_total": 99.9,
            "slips": [
                {"cell": {"row": "合计", "column": "得分"}, "kind": "total_omits_row", "derived": False},
                {"cell": {"row": "评价结论", "column": "评价结论"}, "kind": "derived_text", "derived": True},
            ],
        }
    ],
}


S5_KEY = {
    "file": "S5_古城区家庭医生签约_跨页表.pdf",
    "forms": [
        {
            "form_id": "S5",
            "budget": {"reported_rate": "95.00%", "reported_score": "9.5", "correct_score": 9.5},
            "indicators": [
                _row(["产出指标", "数量指标", "家庭医生签约人数"], "≥12000人", "12460人", 20, "20", 20),
                _row(["产出指标", "质量指标", "重点人群签约覆盖率"], "≥70%", "72.5%", 15, "15", 15),
                _row(["产出指标", "时效指标", "签约服务费拨付时限"], "≤30天", "34天", 10, "10", 8.82),
                _row(["效益指标", "社会效益指标", "签约居民健康档案规范使用率"], "≥80%", "83%", 15, "15", 15),
                _row(["效益指标", "可持续影响指标", "签约服务团队数量"], "≥40个", "41个", 10, "10", 10),
                _row(["满意度指标", "服务对象满意度指标", "签约居民满意度"], "≥90%", "92%", 20, "20", 20),
            ],
            "reported_total": "99.5",
            "correct_total": 98.32,
            "slips": [
                {
                    "cell": {"row": "产出指标/时效指标/签约服务费拨付时限", "column": "得分"},
                    "kind": "unmet_given_full",
                    "derived": False,
                },
                {"cell": {"row": "总分", "column": "得分"}, "kind": "derived_total", "derived": True},
            ],
        }
    ],
}


S6_KEY = {
    "file": "S6_北塘街道老年助餐_无框线.pdf",
    "forms": [
        {
            "form_id": "S6",
            "budget": {"reported_rate": "95.00%", "reported_score": "9.5", "correct_score": 9.5},
            "indicators": [
                _row(["产出指标", "数量指标", "助餐点数量"], "≥6个", "6个", 30, "30", 30),
                _row(["产出指标", "质量指标", "食品安全事故"], "0起", "0起", 20, "20", 20),
                _row(["效益指标", "社会效益指标", "日均就餐老人"], "≥300人次", "280人次", 20, "18.67", 18.67),
                _row(["满意度指标", "服务对象满意度指标", "就餐老人满意度"], "≥90%", "93%", 20, "20", 20),
            ],
            "reported_total": "98.17",
            "correct_total": 98.17,
            "slips": [],
        }
    ],
}


def main() -> None:
    (HERE / S1_KEY["file"]).write_text(S1_HTML, encoding="utf-8")
    _s2_docx(HERE / S2_KEY["file"])
    _s3_xlsx(HERE / S3_KEY["file"])
    (HERE / S4_KEY["file"]).write_text(S4_MD, encoding="utf-8")
    from pdf_forms import build

    build(HERE)
    key = {
        "about": "Synthetic forms in layouts and wordings the dev set does not use; built by make_forms.py.",
        "files": [S1_KEY, S2_KEY, S3_KEY, S4_KEY, S5_KEY, S6_KEY],
    }
    (HERE / "answers.yaml").write_text(
        yaml.safe_dump(key, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


if __name__ == "__main__":
    main()

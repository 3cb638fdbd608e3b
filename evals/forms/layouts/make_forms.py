"""Build the layouts form set (evals/forms/layouts): page breaks, split headers and layouts that neither the
dev set nor the synthetic set uses.

Run from the repository root: ``python evals/forms/layouts/make_forms.py``. It writes the documents and
``answers.yaml`` (same schema as evals/forms/dev/answers.yaml, plus ``expect_error`` for a document that
must be refused with a message containing each listed fragment). Every correct figure below was worked
by hand from the national rules (budget = weight × min(executed/annual, 1); a ≥ row unmet scores
weight × actual/target, a ≤ row weight × target/actual; two decimals half up).

- L1 洪溪县 (Word): the indicator table breaks across pages: a '（续表）' paragraph, then a second table
  without a header row, one column narrower (the first table has a leading '绩效指标' label column) and
  its first rows leaving 一级指标 blank. A ≤ row over its ceiling given full marks on the second page.
- L2 石门县 (Excel, an .xls-era layout saved as .xlsx): two merged title rows, '金额单位：万元', amounts and
  scores stored as text, '（万元）' in the budget headers, and a two-row indicator header: '绩效指标' over
  一级/二级/三级指标, '指标值' over 计划值/实际值, 分值/得分/偏差原因 merged down both rows. Correct.
- L3 南溪区 (PDF without ruling lines, text layer only): columns aligned by position, 分值 before 指标值,
  the 一级指标 written once per group. A ≤ row over its ceiling given full marks.
- L4 (PDF of a scanned page: an image, no text layer): must be refused, naming the file and saying it is
  a scan that needs OCR or typing.
- L5 临江镇 (text copied from a web page, tabs): full-width digits, '（万元）' headers, 一级指标 and
  三级指标 only (no 二级 column), a blank 得分 cell on a met row.
- L6 东湖区统计局 (Markdown): a 部门整体支出绩效自评表 named by 部门名称, budget split into 基本支出 and
  项目支出. Correct.
- L7 云岭县 (HTML): 权重 and 指标性质 before the values, 指标值 and 实际完成值 each followed by its own
  度量单位 column, '＝' as a nature, 调整后预算数 and 预算执行率 in the budget block. A met row deducted.
- L8 泉河区 (text as a PDF-to-text converter writes it, the way corpus documents look): a listing table of
  projects first, then two forms with the same project name, each broken across pages (a page number
  line; the next piece repeats the row labels, or starts with '续表' and the header row again).
"""

from __future__ import annotations

from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _row(path, target, actual, weight, reported, correct):
    return {
        "path": path,
        "target": target,
        "actual": actual,
        "weight": weight,
        "reported_score": reported,
        "correct_score": correct,
    }


def _slip(row, column, kind, derived=False):
    return {"cell": {"row": row, "column": column}, "kind": kind, "derived": derived}


# ---- L1: Word, table continued on the next page without its header --------------------------------------

L1_FILE = "L1_洪溪县交通运输局_乡村道路养护_续表无表头.docx"
L1_ROWS_PAGE1 = [
    ("产出指标", "数量指标", "养护道路里程", "≥120公里", "126公里", "20", "20", ""),
    ("", "质量指标", "路面完好率", "≥90%", "92%", "15", "15", ""),
]
L1_ROWS_PAGE2 = [
    ("", "时效指标", "养护任务完成时间", "2024年12月底前", "2024年11月底", "10", "10", ""),
    ("", "成本指标", "每公里养护成本", "≤0.4万元", "0.42万元", "10", "10", ""),
    ("效益指标", "社会效益指标", "群众出行时间缩短率", "≥10%", "12%", "15", "15", ""),
    ("", "可持续影响指标", "道路养护长效机制", "健全", "健全", "10", "10", ""),
    ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "93%", "10", "10", ""),
]


def _l1_docx(path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("洪溪县2024年度项目支出绩效自评表")
    t = doc.add_table(rows=0, cols=9)
    t.style = "Table Grid"

    def add(table, values):
        cells = table.add_row().cells
        for i, value in enumerate(values):
            cells[i].text = value
        return cells

    c = add(t, ["项目名称", "乡村道路日常养护项目"] + [""] * 7)
    c[1].merge(c[8])
    c = add(t, ["主管部门", "洪溪县交通运输局", "", "", "实施单位", "洪溪县公路养护中心", "", "", ""])
    c[1].merge(c[3])
    c[5].merge(c[8])
    top = len(t.rows)
    add(t, ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""])
    add(t, ["", "年度资金总额", "50.00", "50.00", "48.00", "10", "96.00%", "9.6", ""])
    add(t, ["", "其中：县级财政资金", "50.00", "50.00", "48.00", "", "", "", ""])
    t.cell(top, 0).merge(t.cell(len(t.rows) - 1, 0)).text = "项目资金（万元）"
    top = len(t.rows)
    c = add(t, ["年度总体目标", "预期目标", "", "", "", "实际完成情况", "", "", ""])
    c[1].merge(c[4])
    c[5].merge(c[8])
    c = add(t, ["", "完成全县120公里乡村道路日常养护", "", "", "", "完成126公里乡村道路日常养护", "", "", ""])
    c[1].merge(c[4])
    c[5].merge(c[8])
    t.cell(top, 0).merge(t.cell(len(t.rows) - 1, 0)).text = "年度总体目标"
    top = len(t.rows)
    add(
        t,
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
        + ["偏差原因分析及改进措施"],
    )
    for values in L1_ROWS_PAGE1:
        add(t, ["", *values])
    t.cell(top, 0).merge(t.cell(len(t.rows) - 1, 0)).text = "绩效指标"
    t.cell(top + 1, 1).merge(t.cell(top + 2, 1)).text = "产出指标"
    doc.add_page_break()
    doc.add_paragraph("（续表）")
    t2 = doc.add_table(rows=0, cols=8)
    t2.style = "Table Grid"
    for values in L1_ROWS_PAGE2:
        add(t2, list(values))
    c = add(t2, ["总分", "", "", "", "", "100", "99.6", ""])
    c[0].merge(c[4]).text = "总分"
    doc.add_paragraph("填表人：李明    联系电话：0000-0000000")
    doc.save(str(path))


L1_KEY = {
    "file": L1_FILE,
    "forms": [
        {
            "form_id": "L1",
            "budget": {"reported_rate": "96.00%", "reported_score": "9.6", "correct_score": 9.6},
            "indicators": [
                _row(["产出指标", "数量指标", "养护道路里程"], "≥120公里", "126公里", 20, "20", 20),
                _row(["产出指标", "质量指标", "路面完好率"], "≥90%", "92%", 15, "15", 15),
                _row(
                    ["产出指标", "时效指标", "养护任务完成时间"],
                    "2024年12月底前",
                    "2024年11月底",
                    10,
                    "10",
                    10,
                ),
                _row(["产出指标", "成本指标", "每公里养护成本"], "≤0.4万元", "0.42万元", 10, "10", 9.52),
                _row(["效益指标", "社会效益指标", "群众出行时间缩短率"], "≥10%", "12%", 15, "15", 15),
                _row(["效益指标", "可持续影响指标", "道路养护长效机制"], "健全", "健全", 10, "10", 10),
                _row(["满意度指标", "服务对象满意度指标", "沿线群众满意度"], "≥90%", "93%", 10, "10", 10),
            ],
            "reported_total": "99.6",
            "correct_total": 99.12,
            "slips": [
                _slip("产出指标/成本指标/每公里养护成本", "得分", "unmet_given_full"),
                _slip("总分", "得分", "derived_total", derived=True),
            ],
        }
    ],
}


# ---- L2: Excel, .xls-era layout, two-row indicator header ------------------------------------------------

L2_FILE = "L2_石门县农业农村局_高标准农田_双行表头.xlsx"
L2_ROWS = [
    ("产出指标", "数量指标", "新建高标准农田面积", "≥1.5万亩", "1.52万亩", "20", "20", ""),
    ("产出指标", "质量指标", "工程验收合格率", "100%", "100%", "20", "20", ""),
    ("产出指标", "时效指标", "项目完工时间", "2023年11月底前", "2023年11月20日", "10", "10", ""),
    ("效益指标", "经济效益指标", "亩均节本增效", "≥100元", "80元", "20", "16", "部分地块当年未种植"),
    ("满意度指标", "服务对象满意度指标", "受益农户满意度", "≥90%", "95%", "20", "20", ""),
]


def _l2_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["项目支出绩效自评表"])
    ws.merge_cells("A1:H1")
    ws.append(["（2023年度）"])
    ws.merge_cells("A2:H2")
    ws.append(["填报单位（盖章）：石门县农业农村局", "", "", "", "", "", "金额单位：万元", ""])
    ws.merge_cells("A3:F3")
    ws.merge_cells("G3:H3")
    ws.append(["项目名称", "石门县高标准农田建设补助项目"])
    ws.merge_cells("B4:H4")
    ws.append(["主管部门", "石门县农业农村局", "", "", "实施单位", "石门县农田建设服务中心"])
    ws.merge_cells("B5:D5")
    ws.merge_cells("F5:H5")
    ws.append(
        ["项目资金（万元）", "", "年初预算数（万元）", "全年预算数（万元）", "全年执行数（万元）"]
        + ["分值", "执行率", "得分"]
    )
    ws.append(["", "年度资金总额", "300.00", "300.00", "270.00", "10", "90%", "9"])
    ws.append(["", "其中：中央补助资金", "200.00", "200.00", "180.00", "", "", ""])
    ws.append(["", "省级配套资金", "100.00", "100.00", "90.00", "", "", ""])
    ws.merge_cells("A6:A9")
    ws.append(["绩效指标", "", "", "指标值", "", "分值", "得分", "偏差原因分析及改进措施"])
    ws.append(["一级指标", "二级指标", "三级指标", "计划值", "实际值", "", "", ""])
    ws.merge_cells("A10:C10")
    ws.merge_cells("D10:E10")
    for col in "FGH":
        ws.merge_cells(f"{col}10:{col}11")
    first = ws.max_row + 1
    for values in L2_ROWS:
        ws.append(list(values))
    for r in (first + 1, first + 2):
        ws[f"A{r}"].value = None
    ws.merge_cells(f"A{first}:A{first + 2}")
    ws.append(["总分", "", "", "", "", "100", "95", ""])
    ws.merge_cells(f"A{ws.max_row}:E{ws.max_row}")
    ws.append(["自评等级", "优"])
    ws.merge_cells(f"B{ws.max_row}:H{ws.max_row}")
    wb.save(str(path))


L2_KEY = {
    "file": L2_FILE,
    "forms": [
        {
            "form_id": "L2",
            "budget": {"reported_rate": "90%", "reported_score": "9", "correct_score": 9},
            "indicators": [
                _row(list(r[:3]), r[3], r[4], int(r[5]), r[6], c)
                for r, c in zip(L2_ROWS, (20, 20, 10, 16, 20), strict=True)
            ],
            "reported_total": "95",
            "reported_grade": "优",
            "correct_total": 95,
            "slips": [],
        }
    ],
}


# ---- L3 / L4: PDFs ------------------------------------------------------------------------------------

L3_FILE = "L3_南溪区城市管理局_背街小巷保洁_无框线.pdf"
L4_FILE = "L4_扫描件_项目支出绩效自评表.pdf"
L3_WIDTHS = [0.1, 0.12, 0.2, 0.06, 0.12, 0.12, 0.06, 0.14]
L3_LINES = [
    ["项目名称", "@7:南溪区背街小巷环境卫生保洁项目"],
    ["主管部门", "@2:南溪区城市管理局", "实施单位", "@4:南溪区环境卫生管理所"],
    ["项目资金", "资金来源", "全年预算数", "分值", "全年执行数", "执行率", "得分", ""],
    ["", "年度资金总额", "64.00", "10", "60.80", "95.00%", "9.5", ""],
    ["一级指标", "二级指标", "三级指标", "分值", "指标值", "实际完成值", "得分", "偏差原因"],
    ["产出指标", "数量指标", "保洁面积", "20", "≥30万平方米", "31万平方米", "20", ""],
    ["", "质量指标", "垃圾日产日清率", "20", "≥98%", "99%", "20", ""],
    ["", "成本指标", "每平方米保洁成本", "10", "≤2.2元", "2.0元", "10", ""],
    ["效益指标", "社会效益指标", "街巷卫生投诉量", "20", "≤50件", "62件", "20", "雨季投诉增多"],
    ["满意度指标", "服务对象满意度指标", "沿街居民满意度", "20", "≥90%", "92%", "20", ""],
    ["总分", "", "", "100", "", "", "99.5", ""],
]


def _figure(title: str):
    import matplotlib

    matplotlib.use("pdf")
    matplotlib.rcParams["pdf.fonttype"] = 42
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    font_manager.fontManager.addfont(FONT)
    matplotlib.rcParams["font.family"] = font_manager.FontProperties(fname=FONT).get_name()
    fig = plt.figure(figsize=(8.27, 11.69))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.text(0.5, 0.95, title, fontsize=13, ha="center")
    return plt, fig, ax


def _draw_rows(ax, rows, widths, top=0.9, height=0.03):
    y = top
    for row in rows:
        x, col = 0.04, 0
        for cell in row:
            span, text = 1, cell
            if cell.startswith("@"):
                span_text, text = cell[1:].split(":", 1)
                span = int(span_text)
            ax.text(x + 0.004, y - height + 0.01, text, fontsize=7)
            x += sum(widths[col : col + span])
            col += span
        y -= height


def _l3_pdf(path: Path) -> None:
    plt, fig, ax = _figure("南溪区2024年度项目支出绩效自评表")
    ax.text(0.04, 0.915, "单位：万元", fontsize=7)
    _draw_rows(ax, L3_LINES, L3_WIDTHS)
    fig.savefig(path)
    plt.close(fig)


def _l4_pdf(path: Path) -> None:
    """A scanned page: the form drawn into a bitmap, the bitmap placed on a PDF page (no text layer)."""
    import io

    plt, fig, ax = _figure("项目支出绩效自评表")
    _draw_rows(ax, L3_LINES, L3_WIDTHS)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    plt.close(fig)
    buffer.seek(0)
    image = plt.imread(buffer)
    page = plt.figure(figsize=(8.27, 11.69))
    axes = page.add_axes([0, 0, 1, 1])
    axes.axis("off")
    axes.imshow(image)
    page.savefig(path, format="pdf")
    plt.close(page)


L3_KEY = {
    "file": L3_FILE,
    "forms": [
        {
            "form_id": "L3",
            "budget": {"reported_rate": "95.00%", "reported_score": "9.5", "correct_score": 9.5},
            "indicators": [
                _row(["产出指标", "数量指标", "保洁面积"], "≥30万平方米", "31万平方米", 20, "20", 20),
                _row(["产出指标", "质量指标", "垃圾日产日清率"], "≥98%", "99%", 20, "20", 20),
                _row(["产出指标", "成本指标", "每平方米保洁成本"], "≤2.2元", "2.0元", 10, "10", 10),
                _row(["效益指标", "社会效益指标", "街巷卫生投诉量"], "≤50件", "62件", 20, "20", 16.13),
                _row(["满意度指标", "服务对象满意度指标", "沿街居民满意度"], "≥90%", "92%", 20, "20", 20),
            ],
            "reported_total": "99.5",
            "correct_total": 95.63,
            "slips": [
                _slip("效益指标/社会效益指标/街巷卫生投诉量", "得分", "unmet_given_full"),
                _slip("总分", "得分", "derived_total", derived=True),
            ],
        }
    ],
}
L4_KEY = {"file": L4_FILE, "expect_error": [L4_FILE, "扫描", "OCR"], "forms": []}


# ---- L5: web page copied as tab text, full-width digits, no 二级 column ----------------------------------

L5_FILE = "L5_临江镇_农村饮水安全_网页复制_全角数字.txt"
L5_TEXT = (
    "临江镇人民政府2023年度项目支出绩效自评表\n"
    "发布时间：2024-05-20　　来源：临江镇人民政府\n"
    "\n"
    "项目名称\t农村饮水安全巩固提升项目\n"
    "主管部门\t临江镇人民政府\t实施单位\t临江镇水利站\n"
    "项目资金\t年初预算数（万元）\t全年预算数（万元）\t全年执行数（万元）\t分值\t执行率\t得分\n"
    "年度资金总额\t８０．００\t８０．００\t７６．００\t１０\t９５％\t９．５\n"
    "\n"
    "一级指标\t三级指标\t指标值\t实际完成值\t分值\t得分\t未完成原因\n"
    "产出指标\t新建供水管网长度\t≥１２公里\t１２．５公里\t２０\t２０\t\n"
    "水质检测合格率\t≥９５％\t９６％\t２０\t２０\t\n"
    "工程完工时间\t２０２３年１０月底前\t２０２３年１０月１５日\t１０\t１０\t\n"
    "效益指标\t受益人口\t≥８０００人\t８２００人\t２０\t２０\t\n"
    "供水保证率\t≥９５％\t９７％\t１０\t\t\n"
    "满意度指标\t受益群众满意度\t≥９０％\t９４％\t１０\t１０\t\n"
    "总分\t\t\t１００\t８９．５\t\n"
    "\n"
    "【打印】【关闭】\n"
)
L5_KEY = {
    "file": L5_FILE,
    "forms": [
        {
            "form_id": "L5",
            "budget": {"reported_rate": "９５％", "reported_score": "９．５", "correct_score": 9.5},
            "indicators": [
                _row(["产出指标", "新建供水管网长度"], "≥１２公里", "１２．５公里", 20, "２０", 20),
                _row(["产出指标", "水质检测合格率"], "≥９５％", "９６％", 20, "２０", 20),
                _row(
                    ["产出指标", "工程完工时间"],
                    "２０２３年１０月底前",
                    "２０２３年１０月１５日",
                    10,
                    "１０",
                    10,
                ),
                _row(["效益指标", "受益人口"], "≥８０００人", "８２００人", 20, "２０", 20),
                _row(["效益指标", "供水保证率"], "≥９５％", "９７％", 10, "", 10),
                _row(["满意度指标", "受益群众满意度"], "≥９０％", "９４％", 10, "１０", 10),
            ],
            "reported_total": "８９．５",
            "correct_total": 99.5,
            "slips": [
                _slip("效益指标/供水保证率", "得分", "missing_score"),
                _slip("总分", "得分", "derived_total", derived=True),
            ],
        }
    ],
}


# ---- L6: Markdown, 部门整体支出绩效自评表 -----------------------------------------------------------------

L6_FILE = "L6_东湖区统计局_部门整体支出绩效自评表.md"
L6_TEXT = """## 东湖区统计局2023年度部门整体支出绩效自评表

| 部门名称 | 东湖区统计局 | 东湖区统计局 | 东湖区统计局 | 联系人 | 王芳 | 王芳 |
|---|---|---|---|---|---|---|
| 年度预算执行情况（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |
| 年度资金总额 | 500.00 | 520.00 | 494.00 | 10 | 95.00% | 9.5 |
| 其中：基本支出 | 400.00 | 410.00 | 400.00 |  |  |  |
| 项目支出 | 100.00 | 110.00 | 94.00 |  |  |  |

| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |
|---|---|---|---|---|---|---|---|
| 产出指标 | 重点工作任务完成 | 统计调查任务完成率 | 100% | 100% | 20 | 20 |  |
| 产出指标 | 履职目标实现 | 统计数据按时发布率 | 100% | 100% | 20 | 20 |  |
| 效益指标 | 履职效益 | 统计数据质量抽查差错率 | ≤1% | 0.8% | 20 | 20 |  |
| 效益指标 | 履职效益 | 统计信息公开次数 | ≥12次 | 12次 | 10 | 10 |  |
| 满意度指标 | 服务对象满意度 | 数据使用部门满意度 | ≥90% | 85% | 20 | 18.89 | 数据发布时效有待提高 |
| 总分 | 总分 | 总分 | 总分 | 总分 | 100 | 98.39 |  |
"""
L6_KEY = {
    "file": L6_FILE,
    "forms": [
        {
            "form_id": "L6",
            "budget": {"reported_rate": "95.00%", "reported_score": "9.5", "correct_score": 9.5},
            "indicators": [
                _row(["产出指标", "重点工作任务完成", "统计调查任务完成率"], "100%", "100%", 20, "20", 20),
                _row(["产出指标", "履职目标实现", "统计数据按时发布率"], "100%", "100%", 20, "20", 20),
                _row(["效益指标", "履职效益", "统计数据质量抽查差错率"], "≤1%", "0.8%", 20, "20", 20),
                _row(["效益指标", "履职效益", "统计信息公开次数"], "≥12次", "12次", 10, "10", 10),
                _row(
                    ["满意度指标", "服务对象满意度", "数据使用部门满意度"], "≥90%", "85%", 20, "18.89", 18.89
                ),
            ],
            "reported_total": "98.39",
            "correct_total": 98.39,
            "slips": [],
        }
    ],
}


# ---- L7: HTML, 权重 and 指标性质 first, a unit column after each value ---------------------------------------

L7_FILE = "L7_云岭县卫生健康局_设备购置_单位分列.html"
L7_ROWS = [
    ("产出指标", "数量指标", "购置设备台数", "20", "≥", "45", "台", "45", "台", "20", ""),
    ("", "质量指标", "设备验收合格率", "20", "＝", "100", "%", "100", "%", "20", ""),
    ("", "成本指标", "设备采购成本", "10", "≤", "150", "万元", "148.6", "万元", "10", ""),
    ("效益指标", "社会效益指标", "基层诊疗人次增长率", "20", "≥", "5", "%", "4", "%", "16", "设备到位较晚"),
    ("满意度指标", "服务对象满意度指标", "患者满意度", "20", "≥", "90", "%", "91", "%", "18", ""),
]


def _l7_html() -> str:
    rows = []
    for i, r in enumerate(L7_ROWS):
        cells = list(r)
        first = ""
        if i == 0:
            first = '<td rowspan="3">产出指标</td>'
        elif cells[0]:
            first = f"<td>{cells[0]}</td>"
        rows.append("<tr>" + first + "".join(f"<td>{c}</td>" for c in cells[1:]) + "</tr>")
    return (
        '<html><head><meta charset="utf-8"><title>云岭县卫生健康局</title></head><body>\n'
        "<p>当前位置：首页 &gt; 政务公开 &gt; 财政资金</p>\n"
        "<h3>云岭县2024年度基层医疗机构设备购置项目绩效自评表</h3>\n"
        '<table border="1">\n'
        '<tr><td>项目名称</td><td colspan="10">基层医疗机构设备购置项目</td></tr>\n'
        '<tr><td>主管部门</td><td colspan="4">云岭县卫生健康局</td><td colspan="2">实施单位</td>'
        '<td colspan="4">云岭县医疗设备管理中心</td></tr>\n'
        '<tr><td rowspan="2">预算执行情况（10分）</td><td>资金来源</td><td>年初预算数</td><td>调整后预算数</td>'
        "<td>实际支出数</td><td>预算执行率</td><td>权重</td><td>得分</td>"
        '<td colspan="3"></td></tr>\n'
        "<tr><td>合计</td><td>150.00</td><td>150.00</td><td>150.00</td><td>100.00%</td><td>10</td>"
        '<td>10</td><td colspan="3"></td></tr>\n'
        "<tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>权重</th><th>指标性质</th><th>指标值</th>"
        "<th>度量单位</th><th>实际完成值</th><th>度量单位</th><th>自评得分</th><th>偏差原因</th></tr>\n"
        + "\n".join(rows)
        + '\n<tr><td colspan="3">合计</td><td>100</td><td colspan="5"></td><td>94</td><td></td></tr>\n'
        "</table>\n<p>附件下载：无</p></body></html>\n"
    )


L7_KEY = {
    "file": L7_FILE,
    "forms": [
        {
            "form_id": "L7",
            "budget": {"reported_rate": "100.00%", "reported_score": "10", "correct_score": 10},
            "indicators": [
                _row(["产出指标", "数量指标", "购置设备台数"], "45", "45", 20, "20", 20),
                _row(["产出指标", "质量指标", "设备验收合格率"], "100", "100", 20, "20", 20),
                _row(["产出指标", "成本指标", "设备采购成本"], "150", "148.6", 10, "10", 10),
                _row(["效益指标", "社会效益指标", "基层诊疗人次增长率"], "5", "4", 20, "16", 16),
                _row(["满意度指标", "服务对象满意度指标", "患者满意度"], "90", "91", 20, "18", 20),
            ],
            "reported_total": "94",
            "correct_total": 96,
            "slips": [
                _slip("满意度指标/服务对象满意度指标/患者满意度", "自评得分", "deducted_though_met"),
                _slip("合计", "自评得分", "derived_total", derived=True),
            ],
        }
    ],
}


# ---- L8: text as converted from a PDF, forms broken across pages ----------------------------------------

L8_FILE = "L8_泉河区大数据中心_部门决算附件_跨页.txt"
HEADER = "\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成指标值\t分值\t得分\t偏差原因分析及改进措施\t"


def _l8_form(unit: str, budget: tuple[str, ...], pieces: list[list[tuple[str, ...]]], total: str) -> str:
    lines = [
        "项目支出绩效自评表 (2023年度)",
        "",
        "单位：万元",
        "",
        "项目名称\t\t信息化运维资金\t\t\t\t\t\t\t",
        f"主管部门\t\t泉河区大数据局\t\t\t实施单位\t{unit}\t\t\t",
        "项目预算执行情况\t\t年初预算数\t全年预算数 (A)\t全年执行数 (B)\t分值\t执行率 (B/A)\t得分\t\t",
        f"\t\t年度资金总额\t{budget[0]}\t{budget[0]}\t{budget[1]}\t10\t{budget[2]}\t{budget[3]}\t",
        f"\t\t其中：当年财政拨款\t{budget[0]}\t{budget[0]}\t{budget[1]}\t\t\t\t",
        "\t\t上年结转资金\t0\t0\t0\t\t\t\t",
        "\t\t其他资金\t0\t0\t0\t\t\t\t",
        HEADER,
    ]
    page = 2
    for number, piece in enumerate(pieces):
        if number:
            lines += ["", f"— {page} —", ""]
            page += 1
            if number == 2:
                lines += ["续表", HEADER]
        last: tuple[str, ...] = ()
        for i, row in enumerate(piece):
            first = "年度绩效指标" if (number != 2 and i == 0) else ""
            level1 = row[0] if (i == 0 or row[0] != last[0]) else ""
            level2 = row[1] if (i == 0 or row[:2] != last[:2]) else ""
            last = row
            # a converter drops the empty last field on continuation pages (the pieces differ in width)
            lines.append("\t".join([first, level1, level2, *row[2:]]) + ("\t" if number != 1 else ""))
    lines.append(f"\t总分\t\t\t{total}\t\t\t\t\t")
    lines.append("总分在80分以下的项目未实现绩效目标的原因分析及拟采取的措施说明：\t\t\t\t\t\t\t\t")
    return "\n".join(lines) + "\n"


L8A_PIECES = [
    [
        ("成本指标", "经济成本指标", "运维总成本", "≤120万元", "118.8万元", "10", "10", ""),
        ("产出指标", "数量指标", "运维系统数量", "≥15个", "15个", "10", "10", ""),
        ("产出指标", "数量指标", "巡检次数", "≥52次", "52次", "10", "10", ""),
    ],
    [
        ("产出指标", "质量指标", "系统可用率", "≥99%", "99.5%", "10", "10", ""),
        ("产出指标", "时效指标", "故障响应时间", "≤2小时", "1.5小时", "10", "10", ""),
        ("效益指标", "社会效益指标", "支撑业务系统数", "≥30个", "28个", "10", "9.33", "两个系统延至次年上线"),
        ("效益指标", "可持续发展影响指标", "运维制度完善程度", "完善", "完善", "10", "10", ""),
    ],
    [
        ("满意度指标", "服务对象满意度指标", "使用单位满意度", "≥90%", "92%", "10", "10", ""),
        ("满意度指标", "服务对象满意度指标", "运维人员服务满意度", "≥90%", "90%", "10", "10", ""),
    ],
]
L8B_PIECES = [
    [
        ("成本指标", "经济成本指标", "运维总成本", "≤40万元", "36万元", "15", "15", ""),
        ("产出指标", "数量指标", "终端维护台数", "≥300台", "310台", "15", "15", ""),
    ],
    [
        ("产出指标", "质量指标", "终端完好率", "≥95%", "96%", "20", "20", ""),
        ("效益指标", "社会效益指标", "窗口业务中断次数", "≤3次", "2次", "20", "20", ""),
        ("满意度指标", "服务对象满意度指标", "窗口人员满意度", "≥90%", "88%", "20", "20", ""),
    ],
]


def _l8_text() -> str:
    listing = (
        "附件\n\n项目支出绩效自评汇总表\n\n"
        "序号\t单位名称\t项目名称\t预算执行率\t自评得分\n"
        "1\t泉河区数据中心\t信息化运维资金\t99.00%\t99.23\n"
        "2\t泉河区政务服务中心\t信息化运维资金\t90.00%\t99\n\n"
    )
    a = _l8_form("泉河区数据中心", ("120", "118.8", "99.00%", "9.9"), L8A_PIECES, "99.23")
    b = _l8_form("泉河区政务服务中心", ("40", "36", "90.00%", "9"), L8B_PIECES, "99")
    return listing + a + "\n" + b


def _l8_rows(pieces, corrections):
    rows = [r for piece in pieces for r in piece]
    return [_row(list(r[:3]), r[3], r[4], int(r[5]), r[6], corrections.get(r[2], float(r[6]))) for r in rows]


L8_KEY = {
    "file": L8_FILE,
    "forms": [
        {
            "form_id": "L8A",
            "budget": {"reported_rate": "99.00%", "reported_score": "9.9", "correct_score": 9.9},
            "indicators": _l8_rows(L8A_PIECES, {}),
            "reported_total": "99.23",
            "correct_total": 99.23,
            "slips": [],
        },
        {
            "form_id": "L8B",
            "budget": {"reported_rate": "90.00%", "reported_score": "9", "correct_score": 9},
            "indicators": _l8_rows(L8B_PIECES, {"窗口人员满意度": 19.56}),
            "reported_total": "99",
            "correct_total": 98.56,
            "slips": [
                _slip("满意度指标/服务对象满意度指标/窗口人员满意度", "得分", "unmet_given_full"),
                _slip("总分", "得分", "derived_total", derived=True),
            ],
        },
    ],
}


def main() -> None:
    _l1_docx(HERE / L1_FILE)
    _l2_xlsx(HERE / L2_FILE)
    _l3_pdf(HERE / L3_FILE)
    _l4_pdf(HERE / L4_FILE)
    (HERE / L5_FILE).write_text(L5_TEXT, encoding="utf-8")
    (HERE / L6_FILE).write_text(L6_TEXT, encoding="utf-8")
    (HERE / L7_FILE).write_text(_l7_html(), encoding="utf-8")
    (HERE / L8_FILE).write_text(_l8_text(), encoding="utf-8")
    key = {
        "about": "Forms broken across pages, split headers, unruled and scanned PDFs, other provinces' layouts; "
        "built by make_forms.py.",
        "files": [L1_KEY, L2_KEY, L3_KEY, L4_KEY, L5_KEY, L6_KEY, L7_KEY, L8_KEY],
    }
    (HERE / "answers.yaml").write_text(
        yaml.safe_dump(key, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


if __name__ == "__main__":
    main()

"""Build the second layouts form set (evals/forms/layouts2): layouts and wordings that the dev, synthetic and
layouts sets do not use. Written before the reader was changed for it, as a held-out check.

Run from the repository root: ``python evals/forms/layouts2/make_forms.py`` (the two PDFs need ``soffice``;
they are converted from Word the way a unit prints its form). It writes the documents and ``answers.yaml``
(same schema as evals/forms/dev/answers.yaml). Every correct figure below was worked by hand from the national
rules (budget = weight × min(executed/annual, 1); a ≥ row unmet scores weight × actual/target, a ≤ row
weight × target/actual; two decimals half up) and is checked again by :func:`_check_key`, an independent
re-computation that does not use the assistant's scorer.

- M1 澄江县市场监督管理局 (Word): a 部门整体支出绩效自评表 named by 部门（单位）名称, budget split into 基本支出
  and 项目支出, a 年度主要任务 table with its own 预算数/执行数 columns (one task named …资金…) that is not the
  budget block, a 年度履职目标 block, 一级指标 merged down its rows. Slip: the 其中 rows do not add up to the
  总额's 全年执行数.
- M2 黔山县 (HTML): a two-row header with 指标值 spanning 年初目标值 | 全年实际值, separate 未完成原因 and
  改进措施 columns. Slip: 10 × 86/95 = 9.05 written as 9 (whole point), the total carrying it.
- M3 临海市 (Excel): a hidden column holding last year's actual values under a header that reads
  '实际完成值（2022年）', a hidden row holding a dropped indicator, a hidden check column of formulas,
  amounts stored as text with thousands separators ('1,280.00'), rate and score formulas with cached
  values, a total formula whose range leaves out the last indicator row.
- M4 石渠县 (Word): fourteen indicators under an outer '绩效指标' column, 一级 and 二级 as vertical merges
  spanning up to eight rows, two unmet rows scored in proportion (≥ and ≤). Correct.
- M5 溪口镇 (Word): 权重/自评分 in the indicator table, 分值/得分 in the budget block, the budget block
  after the indicators, the 总分 row last. Slip: a met row deducted without a reason.
- M6 桐梓县 (PDF made by LibreOffice from a ruled Word table with narrow columns: names, values such as
  '≤2.2万元/公里' and reasons wrap inside their cells). Slip: a ≤ row over its ceiling given full marks.
- M7 双河镇 (PDF made by LibreOffice from a Word table without borders, cells wrapping onto two or three
  lines). Correct; an unmet row scored in proportion with a reason.
- M8 城南区 (text copied from a web page in a browser: a spanned cell copied once, so '绩效指标' over
  一级/二级/三级 and '指标值' over 年度指标值/实际完成值 lose their spans, and rows under a rowspan have
  fewer fields). Slip: the total's digits swapped (95.9 for 99.5).
- M9 平阳县 (Markdown saved from a web page): amounts in 元 written '1,234,567.00', a cost target
  '≤1,250,000元', counts with thousands separators. Slip: the execution rate stated wrong (95.85% for
  95.58%).
- M10 嘉禾县 (Excel workbook, one form per sheet, the sheet names are the towns): three forms with the same
  project name; the second rounds its budget score to a whole point (9.47 → 9), the total carrying it.
- M11 永宁县 (Excel): 偏差原因 cells with line breaks, dates, stake numbers (K3+200), percentages and counts;
  two unmet rows scored in proportion. Correct.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
LEVEL_HEADER = ["一级指标", "二级指标", "三级指标"]


def _row(path, target, actual, weight, reported, correct):
    return {
        "path": list(path),
        "target": target,
        "actual": actual,
        "weight": weight,
        "reported_score": reported,
        "correct_score": correct,
    }


def _slip(row, column, kind, derived=False):
    return {"cell": {"row": row, "column": column}, "kind": kind, "derived": derived}


def _rows_key(rows, corrections=None):
    """Key rows from (一级, 二级, 三级, 指标值, 完成值, 分值, 得分, …) tuples; a row's correct score is its
    reported one unless ``corrections`` names it."""
    corrections = corrections or {}
    return [
        _row(r[:3], r[3], r[4], int(r[5]), r[6], corrections.get(r[2], float(r[6]) if r[6] else 0))
        for r in rows
    ]


# ---- Word helpers ----------------------------------------------------------------------------------------


def _word_table(doc, grid, merges, widths=None, ruled=True):
    """A Word table from a grid of texts; ``merges`` are (r0, c0, r1, c1) ranges whose text is the top-left
    cell's; ``widths`` in centimetres per column."""
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=len(grid), cols=len(grid[0]))
    if ruled:
        table.style = "Table Grid"
    table.autofit = False
    for r, values in enumerate(grid):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            if widths:
                cell.width = Cm(widths[c])
    for r0, c0, r1, c1 in merges:
        text = grid[r0][c0]
        merged = table.cell(r0, c0).merge(table.cell(r1, c1))
        merged.text = text
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
    return table


def _vertical_runs(rows, column):
    """(first, last) row index ranges where ``column`` repeats the same text (for vertical merges)."""
    runs, start = [], 0
    for i in range(1, len(rows) + 1):
        if (
            i == len(rows)
            or rows[i][column] != rows[start][column]
            or rows[i][:column] != rows[start][:column]
        ):
            if i - 1 > start:
                runs.append((start, i - 1))
            start = i
    return runs


# ---- M1: Word, 部门整体支出绩效自评表 ------------------------------------------------------------------------

M1_FILE = "M1_澄江县市场监督管理局_部门整体支出_年度履职目标.docx"
M1_ROWS = [
    ("产出指标", "重点工作履职情况", "新登记市场主体户数", "≥3000户", "3260户", "10", "10", ""),
    ("产出指标", "重点工作履职情况", "食品安全监督抽检批次", "≥1200批次", "1236批次", "10", "10", ""),
    ("产出指标", "重点工作履职情况", "特种设备定期检验率", "≥95%", "97.2%", "10", "10", ""),
    ("产出指标", "履职目标实现", "投诉举报按时办结率", "100%", "100%", "10", "10", ""),
    ("产出指标", "履职目标实现", "抽检不合格食品核查处置率", "100%", "100%", "10", "10", ""),
    ("效益指标", "履职效益", "重大食品安全事故发生数", "0起", "0起", "10", "10", ""),
    (
        "效益指标",
        "履职效益",
        "市场主体年度增长率",
        "≥5%",
        "4.6%",
        "10",
        "9.2",
        "受区域经济下行影响，新设企业少于预期；2024年将优化登记服务",
    ),
    ("效益指标", "社会效益", "12315热线接通率", "≥90%", "93%", "10", "10", ""),
    ("满意度指标", "服务对象满意度", "市场主体满意度", "≥90%", "92%", "10", "10", ""),
]


def _m1_docx(path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("澄江县市场监督管理局2023年度部门整体支出绩效自评表")
    doc.add_paragraph("填报日期：2024年4月18日")
    w = 8
    grid = [
        ["部门（单位）名称", "澄江县市场监督管理局", "", "", "联系人", "赵敏", "", ""],
        ["年度预算执行情况（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "860.00", "900.00", "855.00", "10", "95.00%", "9.5"],
        ["", "其中：基本支出", "600.00", "620.00", "610.00", "", "", ""],
        ["", "项目支出", "260.00", "280.00", "240.00", "", "", ""],
        ["年度主要任务", "任务名称", "主要内容", "", "", "预算数（万元）", "执行数（万元）", ""],
        ["", "市场主体登记注册", "全年新登记市场主体3000户以上", "", "", "120.00", "118.00", ""],
        ["", "食品安全抽检", "完成食品安全监督抽检1200批次", "", "", "95.00", "92.40", ""],
        ["", "小微企业帮扶资金发放", "兑付个体工商户帮扶资金", "", "", "65.00", "29.60", ""],
        ["年度履职目标", "年初设定目标", "", "", "全年实际完成情况", "", "", ""],
        [
            "",
            "完成市场主体登记、食品安全抽检和特种设备检验等法定职责，守住不发生重大食品安全事故的底线",
            "",
            "",
            "新登记市场主体3260户，抽检1236批次，未发生重大食品安全事故",
            "",
            "",
            "",
        ],
        [*LEVEL_HEADER, "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ]
    first = len(grid)
    grid += [list(r) for r in M1_ROWS]
    grid.append(["总分", "", "", "", "", "100", "98.7", ""])
    grid.append(["自评等级", "优", "", "", "", "", "", ""])
    assert all(len(r) == w for r in grid)
    merges = [(0, 1, 0, 3), (0, 5, 0, 7), (1, 0, 4, 0), (5, 0, 8, 0), (9, 0, 10, 0)]
    merges += [(r, 2, r, 4) for r in (5, 6, 7, 8)]
    merges += [(9, 1, 9, 3), (9, 4, 9, 7), (10, 1, 10, 3), (10, 4, 10, 7)]
    merges += [(first + a, 0, first + b, 0) for a, b in _vertical_runs(M1_ROWS, 0)]
    merges += [(first + a, 1, first + b, 1) for a, b in _vertical_runs(M1_ROWS, 1)]
    total = len(grid) - 2
    merges += [(total, 0, total, 4), (total + 1, 1, total + 1, 7)]
    _word_table(doc, grid, merges)
    doc.save(str(path))


M1_KEY = {
    "file": M1_FILE,
    "forms": [
        {
            "form_id": "M1",
            "budget": {"reported_rate": "95.00%", "reported_score": "9.5", "correct_score": 9.5},
            "indicators": _rows_key(M1_ROWS),
            "reported_total": "98.7",
            "reported_grade": "优",
            "correct_total": 98.7,
            "slips": [_slip("年度资金总额", "全年执行数", "sources_sum")],
        }
    ],
}


# ---- M2: HTML, 指标值 split into 年初目标值 | 全年实际值, separate 未完成原因 and 改进措施 ---------------------

M2_FILE = "M2_黔山县教育局_学生营养改善_目标值实际值分列.html"
M2_ROWS = [
    ("产出指标", "数量指标", "受益学生人数", "≥4.2万人", "4.27万人", "15", "15", "", ""),
    ("产出指标", "质量指标", "营养餐食品安全抽检合格率", "100%", "100%", "15", "15", "", ""),
    ("产出指标", "时效指标", "补助资金按月拨付及时率", "100%", "100%", "10", "10", "", ""),
    ("产出指标", "成本指标", "生均每天补助标准", "≤5元", "5元", "10", "10", "", ""),
    (
        "效益指标",
        "社会效益指标",
        "学生营养健康知识知晓率",
        "≥95%",
        "86%",
        "10",
        "9",
        "部分山区学校宣传覆盖不足",
        "2024年秋季学期前完成全覆盖培训",
    ),
    ("效益指标", "可持续影响指标", "学生体质健康达标率", "≥90%", "91.3%", "10", "10", "", ""),
    ("满意度指标", "服务对象满意度指标", "家长满意度", "≥90%", "95%", "20", "20", "", ""),
]


def _html_rows(rows, first_span_columns=(0,)):
    """<tr> lines for indicator rows with the 一级 column merged down (rowspan)."""
    out = []
    runs = {a: b - a + 1 for a, b in _vertical_runs(rows, 0)}
    covered = {i for a, b in _vertical_runs(rows, 0) for i in range(a + 1, b + 1)}
    for i, r in enumerate(rows):
        cells = []
        if i not in covered:
            span = f' rowspan="{runs[i]}"' if i in runs else ""
            cells.append(f"<td{span}>{r[0]}</td>")
        cells += [f"<td>{c}</td>" for c in r[1:]]
        out.append("<tr>" + "".join(cells) + "</tr>")
    return out


def _m2_html() -> str:
    return "\n".join(
        [
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>黔山县教育局</title></head><body>',
            '<div class="nav">首页 &gt; 信息公开 &gt; 预决算公开</div>',
            "<h2>黔山县2023年度项目支出绩效自评表</h2>",
            '<table border="1" cellspacing="0">',
            '<tr><td colspan="2">项目名称</td><td colspan="7">农村义务教育学生营养改善计划</td></tr>',
            '<tr><td colspan="2">主管部门</td><td colspan="3">黔山县教育局</td><td colspan="2">实施单位</td>'
            '<td colspan="2">黔山县学生资助管理中心</td></tr>',
            '<tr><td rowspan="4">项目资金（万元）</td><td></td><td>年初预算数</td><td>全年预算数</td>'
            "<td>全年执行数</td><td>分值</td><td>执行率</td><td>得分</td><td></td></tr>",
            "<tr><td>年度资金总额</td><td>1536.00</td><td>1536.00</td><td>1498.56</td><td>10</td>"
            "<td>97.56%</td><td>9.76</td><td></td></tr>",
            "<tr><td>其中：中央补助资金</td><td>1228.80</td><td>1228.80</td><td>1198.85</td><td></td><td></td>"
            "<td></td><td></td></tr>",
            "<tr><td>县级配套资金</td><td>307.20</td><td>307.20</td><td>299.71</td><td></td><td></td>"
            "<td></td><td></td></tr>",
            '<tr><th rowspan="2">一级指标</th><th rowspan="2">二级指标</th><th rowspan="2">三级指标</th>'
            '<th colspan="2">指标值</th><th rowspan="2">分值</th><th rowspan="2">得分</th>'
            '<th rowspan="2">未完成原因</th><th rowspan="2">改进措施</th></tr>',
            "<tr><th>年初目标值</th><th>全年实际值</th></tr>",
            *_html_rows(M2_ROWS),
            '<tr><td colspan="5">合计</td><td>100</td><td>98.76</td><td colspan="2"></td></tr>',
            "</table>",
            "<p>（本表数据来源于部门决算）</p>",
            "</body></html>",
            "",
        ]
    )


M2_KEY = {
    "file": M2_FILE,
    "forms": [
        {
            "form_id": "M2",
            "budget": {"reported_rate": "97.56%", "reported_score": "9.76", "correct_score": 9.76},
            "indicators": _rows_key(M2_ROWS, {"学生营养健康知识知晓率": 9.05}),
            "reported_total": "98.76",
            "correct_total": 98.81,
            "slips": [
                _slip("效益指标/社会效益指标/学生营养健康知识知晓率", "得分", "rounded_to_whole_point"),
                _slip("合计", "得分", "derived_total", derived=True),
            ],
        }
    ],
}


# ---- Excel helper: cached values for formulas ------------------------------------------------------------


def _with_cached_values(path: Path, cached: dict[str, dict[str, object]]) -> None:
    """openpyxl writes formulas without results; Excel stores the last result beside each formula. Put the
    given results (per sheet title, per cell) into the saved package, as Excel would have."""
    with zipfile.ZipFile(path) as package:
        members = {i.filename: package.read(i.filename) for i in package.infolist()}
    workbook = members["xl/workbook.xml"].decode()
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    for title, cells in cached.items():
        rid = re.search(rf'<sheet[^>]*name="{re.escape(title)}"[^>]*r:id="(rId\d+)"', workbook)
        assert rid, title
        target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="/?(?:xl/)?([^"]+)"', rels)
        if target is None:
            target = re.search(rf'Target="/?(?:xl/)?([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
        assert target, title
        name = "xl/" + target.group(1)
        xml = members[name].decode()
        for ref, value in cells.items():
            pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>')
            m = pattern.search(xml)
            assert m, (title, ref)
            attrs = re.sub(r'\s*t="\w+"', "", m.group(1))
            if isinstance(value, str):
                cell = f'<c r="{ref}"{attrs} t="str"><f>{m.group(2)}</f><v>{value}</v></c>'
            else:
                cell = f'<c r="{ref}"{attrs}><f>{m.group(2)}</f><v>{value}</v></c>'
            xml = xml[: m.start()] + cell + xml[m.end() :]
        members[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for filename, data in members.items():
            package.writestr(filename, data)


# ---- M3: Excel, hidden column/row, text amounts with thousands separators, formulas ---------------------

M3_FILE = "M3_临海市水利局_小型水库除险加固_隐藏列与公式.xlsx"
M3_ROWS = [
    # 一级, 二级, 三级, last year's actual (hidden column), 指标值, 实际完成值, 分值, 得分
    ("产出指标", "数量指标", "除险加固水库座数", "8座", "≥12座", "12座", 15, 15),
    ("产出指标", "质量指标", "工程验收合格率", "100%", "100%", "100%", 15, 15),
    ("产出指标", "时效指标", "主体工程完工情况", "按期完工", "按期完工", "按期完工", 10, 10),
    ("产出指标", "数量指标", "新建水库座数（已取消）", "1座", "1座", "0座", 10, 0),  # hidden row
    ("产出指标", "成本指标", "单座水库平均加固成本", "142万元", "≤115万元", "108万元", 10, 10),
    ("效益指标", "社会效益指标", "下游受保护人口", "3.1万人", "≥4.5万人", "4.6万人", 15, 15),
    ("效益指标", "可持续影响指标", "水库安全运行年限", "—", "≥20年", "20年", 10, 10),
    ("满意度指标", "服务对象满意度指标", "受益群众满意度", "91%", "≥90%", "93%", 15, 15),
]
M3_HIDDEN_ROW = 3


def _m3_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws.append(["项目支出绩效自评表"])
    ws.merge_cells("A1:I1")
    ws.append(["（2023年度）"])
    ws.merge_cells("A2:I2")
    ws.append(["填报单位：临海市水利局", "", "", "", "", "", "", "金额单位：万元", ""])
    ws.append(["项目名称", "临海市小型水库除险加固项目"])
    ws.merge_cells("B4:I4")
    ws.append(["主管部门", "临海市水利局", "", "", "实施单位", "临海市水库管理所"])
    ws.merge_cells("B5:D5")
    ws.merge_cells("F5:I5")
    # budget block: C 年初预算数, D (hidden) 上年执行数, E 全年预算数, F 全年执行数, G 分值, H 得分, I 执行率
    ws.append(
        [
            "项目资金（万元）",
            "",
            "年初预算数",
            "上年执行数",
            "全年预算数",
            "全年执行数",
            "分值",
            "得分",
            "执行率",
        ]
    )
    ws.append(["", "年度资金总额", "1,280.00", "1,105.00", "1,350.00", "1,296.00", 10])
    ws["H7"] = '=ROUND(G7*MIN(VALUE(SUBSTITUTE(F7,",",""))/VALUE(SUBSTITUTE(E7,",","")),1),2)'
    ws["I7"] = '=VALUE(SUBSTITUTE(F7,",",""))/VALUE(SUBSTITUTE(E7,",",""))'
    ws["I7"].number_format = "0.00%"
    ws.append(["", "其中：省级补助资金", "1,000.00", "900.00", "1,000.00", "1,000.00"])
    ws.append(["", "市级配套资金", "280.00", "205.00", "350.00", "296.00"])
    ws.merge_cells("A6:A9")
    ws.append(
        [*LEVEL_HEADER, "实际完成值（2022年）", "年度指标值", "实际完成值", "分值", "得分"]
        + ["偏差原因分析及改进措施", "校验"]
    )
    first = ws.max_row + 1
    for r in M3_ROWS:
        ws.append(list(r))
    last = ws.max_row
    for offset in range(len(M3_ROWS)):
        ws[f"J{first + offset}"] = f'=IF(H{first + offset}<=G{first + offset},"√","×")'
    ws.row_dimensions[first + M3_HIDDEN_ROW].hidden = True
    ws.append(["总分"])
    total = ws.max_row
    ws.merge_cells(f"A{total}:F{total}")
    ws[f"G{total}"] = f"=G7+SUBTOTAL(109,G{first}:G{last})"
    ws[f"H{total}"] = f"=H7+SUBTOTAL(109,H{first}:H{last - 1})"  # the range leaves out the last row
    for col in ("D", "J"):
        ws.column_dimensions[col].hidden = True
    wb.save(str(path))
    cached: dict[str, object] = {"H7": 9.6, "I7": 0.96, f"G{total}": 100, f"H{total}": 84.6}
    cached.update({f"J{first + i}": "√" for i in range(len(M3_ROWS))})
    _with_cached_values(path, {"自评表": cached})


M3_KEY = {
    "file": M3_FILE,
    "forms": [
        {
            "form_id": "M3",
            "budget": {"reported_rate": "96.00%", "reported_score": "9.6", "correct_score": 9.6},
            "indicators": [
                _row(r[:3], r[4], r[5], r[6], str(r[7]), r[7])
                for i, r in enumerate(M3_ROWS)
                if i != M3_HIDDEN_ROW
            ],
            "reported_total": "84.6",
            "correct_total": 99.6,
            "slips": [_slip("总分", "得分", "sum_range_omits_row")],
        }
    ],
}


# ---- M4: Word, 一级/二级 merged down many rows ----------------------------------------------------------

M4_FILE = "M4_石渠县人力资源和社会保障局_公益性岗位_纵向合并.docx"
M4_ROWS = [
    ("产出指标", "数量指标", "开发公益性岗位数", "≥600个", "612个", "6", "6", ""),
    ("产出指标", "数量指标", "安置就业困难人员人数", "≥550人", "571人", "6", "6", ""),
    ("产出指标", "数量指标", "岗位培训人次", "≥600人次", "540人次", "6", "5.4", "部分人员外出务工未参训"),
    ("产出指标", "质量指标", "岗位人员在岗率", "≥95%", "96.5%", "6", "6", ""),
    ("产出指标", "质量指标", "补贴资金发放准确率", "100%", "100%", "6", "6", ""),
    ("产出指标", "时效指标", "补贴按季发放及时率", "100%", "100%", "6", "6", ""),
    ("产出指标", "成本指标", "人均月补贴标准", "≤1800元", "1800元", "6", "6", ""),
    (
        "产出指标",
        "成本指标",
        "岗位管理经费占比",
        "≤3%",
        "3.2%",
        "6",
        "5.63",
        "增加岗位巡查次数，管理经费略超",
    ),
    ("效益指标", "社会效益指标", "就业困难人员就业率", "≥85%", "88%", "7", "7", ""),
    ("效益指标", "社会效益指标", "零就业家庭动态清零率", "100%", "100%", "7", "7", ""),
    ("效益指标", "经济效益指标", "岗位人员人均年增收", "≥1.8万元", "2.1万元", "7", "7", ""),
    ("效益指标", "可持续影响指标", "公益性岗位管理制度健全性", "健全", "健全", "7", "7", ""),
    ("满意度指标", "服务对象满意度指标", "岗位人员满意度", "≥90%", "94%", "7", "7", ""),
    ("满意度指标", "服务对象满意度指标", "用人单位满意度", "≥90%", "92%", "7", "7", ""),
]


def _m4_docx(path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("石渠县2023年度项目支出绩效自评表")
    grid = [
        ["项目名称", "城乡公益性岗位开发补贴", "", "", "", "", "", "", ""],
        ["主管部门", "石渠县人力资源和社会保障局", "", "", "实施单位", "石渠县就业服务中心", "", "", ""],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""],
        ["", "年度资金总额", "1080.00", "1080.00", "1036.80", "10", "96.00%", "9.6", ""],
        ["", "其中：中央补助资金", "800.00", "800.00", "780.00", "", "", "", ""],
        ["", "省级补助资金", "200.00", "200.00", "190.00", "", "", "", ""],
        ["", "县级配套资金", "80.00", "80.00", "66.80", "", "", "", ""],
        ["绩效指标", *LEVEL_HEADER, "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ]
    first = len(grid)
    grid += [["", *r] for r in M4_ROWS]
    grid.append(["总分", "", "", "", "", "", "100", "98.63", ""])
    grid.append(["自评等级", "优", "", "", "", "", "", "", ""])
    merges = [(0, 1, 0, 8), (1, 1, 1, 3), (1, 5, 1, 8), (2, 0, 6, 0), (2, 8, 6, 8)]
    merges += [(7, 0, first + len(M4_ROWS) - 1, 0)]
    merges += [(first + a, 1, first + b, 1) for a, b in _vertical_runs(M4_ROWS, 0)]
    merges += [(first + a, 2, first + b, 2) for a, b in _vertical_runs(M4_ROWS, 1)]
    total = len(grid) - 2
    merges += [(total, 0, total, 5), (total + 1, 1, total + 1, 8)]
    grid[7][0] = "绩效指标"
    _word_table(doc, grid, merges)
    doc.add_paragraph("填表人：杨帆    审核人：王成    联系电话：0836-0000000")
    doc.save(str(path))


M4_KEY = {
    "file": M4_FILE,
    "forms": [
        {
            "form_id": "M4",
            "budget": {"reported_rate": "96.00%", "reported_score": "9.6", "correct_score": 9.6},
            "indicators": _rows_key(M4_ROWS),
            "reported_total": "98.63",
            "reported_grade": "优",
            "correct_total": 98.63,
            "slips": [],
        }
    ],
}


# ---- M5: Word, 权重/自评分 in the indicators, 分值/得分 in the budget block placed after them ------------------

M5_FILE = "M5_溪口镇_农村污水设施运维_权重自评分_预算在后.docx"
M5_ROWS = [
    ("产出指标", "数量指标", "运维污水处理站点数", "32个", "32个", "15", "15", ""),
    ("产出指标", "质量指标", "出水水质达标率", "≥90%", "95%", "15", "15", ""),
    ("产出指标", "时效指标", "故障处理及时率", "≥95%", "96%", "10", "10", ""),
    ("产出指标", "成本指标", "单站年运维成本", "≤2.8万元", "2.69万元", "10", "10", ""),
    ("效益指标", "生态效益指标", "年削减化学需氧量", "≥120吨", "126吨", "15", "15", ""),
    ("效益指标", "可持续影响指标", "设施正常运行率", "≥95%", "97%", "10", "8", ""),
    ("满意度指标", "服务对象满意度指标", "村民满意度", "≥90%", "93%", "15", "15", ""),
]


def _m5_docx(path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("溪口镇2023年度项目绩效自评表")
    doc.add_paragraph("单位名称（盖章）：溪口镇人民政府")
    grid = [
        ["项目名称", "农村生活污水处理设施运维", "", "", "", "", "", ""],
        ["主管部门", "溪口镇人民政府", "", "", "实施单位", "溪口镇村镇建设服务中心", "", ""],
        [*LEVEL_HEADER, "指标值", "实际完成值", "权重（%）", "自评分", "偏差原因"],
    ]
    first = len(grid)
    grid += [list(r) for r in M5_ROWS]
    budget = len(grid)
    grid += [
        ["预算执行情况", "", "年初预算数", "全年预算数", "全年执行数", "执行率", "分值", "得分"],
        ["", "财政资金合计", "86.00", "86.00", "86.00", "100.00%", "10", "10"],
        ["总分", "", "", "", "", "100", "98", ""],
    ]
    merges = [(0, 1, 0, 7), (1, 1, 1, 3), (1, 5, 1, 7), (budget, 0, budget + 1, 0)]
    merges += [(first + a, 0, first + b, 0) for a, b in _vertical_runs(M5_ROWS, 0)]
    merges += [(len(grid) - 1, 0, len(grid) - 1, 4)]
    _word_table(doc, grid, merges)
    doc.save(str(path))


M5_KEY = {
    "file": M5_FILE,
    "forms": [
        {
            "form_id": "M5",
            "budget": {"reported_rate": "100.00%", "reported_score": "10", "correct_score": 10},
            "indicators": _rows_key(M5_ROWS, {"设施正常运行率": 10}),
            "reported_total": "98",
            "correct_total": 100,
            "slips": [
                _slip("效益指标/可持续影响指标/设施正常运行率", "自评分", "deducted_though_met"),
                _slip("总分", "自评分", "derived_total", derived=True),
            ],
        }
    ],
}


# ---- M6 / M7: PDFs converted from Word by LibreOffice ---------------------------------------------------

M6_FILE = "M6_桐梓县交通运输局_公路安全防护_LibreOffice转PDF_单元格折行.pdf"
M6_ROWS = [
    ("产出指标", "数量指标", "完成安全生命防护工程里程", "≥180公里", "182.5公里", "20", "20", ""),
    ("产出指标", "质量指标", "交工验收一次性合格率", "100%", "100%", "15", "15", ""),
    ("产出指标", "成本指标", "每公里防护工程建设成本", "≤2.2万元/公里", "2.21万元/公里", "10", "10", ""),
    (
        "效益指标",
        "社会效益指标",
        "农村公路交通事故死亡人数下降率（较上年）",
        "≥10%",
        "12.4%",
        "15",
        "15",
        "",
    ),
    ("效益指标", "可持续影响指标", "防护设施设计使用年限", "≥10年", "10年", "10", "10", ""),
    (
        "满意度指标",
        "服务对象满意度指标",
        "沿线群众对公路安全设施的满意度",
        "≥90%",
        "94.5%",
        "20",
        "20",
        "",
    ),
]
M7_FILE = "M7_双河镇_校舍维修_LibreOffice转PDF_无框线折行.pdf"
M7_ROWS = [
    ("产出指标", "数量指标", "维修改造校舍面积", "≥8600平方米", "8720平方米", "20", "20", ""),
    ("产出指标", "质量指标", "维修工程竣工验收合格率", "100%", "100%", "15", "15", ""),
    ("产出指标", "时效指标", "暑期维修工程按期完工率", "100%", "100%", "10", "10", ""),
    ("产出指标", "成本指标", "单位面积维修改造成本", "≤300元/平方米", "264元/平方米", "10", "10", ""),
    (
        "效益指标",
        "社会效益指标",
        "消除校舍安全隐患学校数",
        "≥9所",
        "8所",
        "15",
        "13.33",
        "1所学校因地质勘察未完成，维修顺延至2024年寒假",
    ),
    ("效益指标", "可持续影响指标", "校舍使用年限延长", "≥10年", "10年", "10", "10", ""),
    ("满意度指标", "服务对象满意度指标", "师生及家长满意度", "≥90%", "93%", "10", "10", ""),
]
NARROW = [1.5, 1.6, 2.4, 1.7, 1.7, 1.0, 1.1, 3.2]


def _narrow_form_docx(path: Path, title, info, budget_rows, rows, total, ruled) -> None:
    from docx import Document
    from docx.shared import Cm

    doc = Document()
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2)
    doc.add_paragraph(title)
    grid = [
        ["项目名称", info[0], "", "", "", "", "", ""],
        ["主管部门", info[1], "", "", "实施单位", info[2], "", ""],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        *budget_rows,
        ["年度总体目标", info[3], "", "", "", "", "", ""],
        [*LEVEL_HEADER, "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ]
    first = len(grid)
    grid += [list(r) for r in rows]
    grid.append(["总分", "", "", "", "", "100", total, ""])
    merges = [(0, 1, 0, 7), (1, 1, 1, 3), (1, 5, 1, 7), (2, 0, 2 + len(budget_rows), 0)]
    goal = 3 + len(budget_rows)
    merges += [(goal, 1, goal, 7)]
    if ruled:
        merges += [(first + a, 0, first + b, 0) for a, b in _vertical_runs(rows, 0)]
    merges += [(len(grid) - 1, 0, len(grid) - 1, 4)]
    _word_table(doc, grid, merges, widths=NARROW, ruled=ruled)
    doc.add_paragraph("联系人：周洁　　联系电话：0851-0000000")
    doc.save(str(path))


def _to_pdf(docx: Path, pdf: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("soffice (LibreOffice) is needed to build the PDF forms")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        shutil.move(str(Path(tmp) / (docx.stem + ".pdf")), str(pdf))


def _m6_pdf(path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "m6.docx"
        _narrow_form_docx(
            source,
            "桐梓县2023年度项目支出绩效自评表",
            (
                "农村公路安全生命防护工程",
                "桐梓县交通运输局",
                "桐梓县农村公路管理所",
                "完成180公里农村公路安全生命防护工程建设，交工验收合格，降低农村公路交通事故死亡人数",
            ),
            [
                ["", "年度资金总额", "420.00", "420.00", "403.20", "10", "96.00%", "9.6"],
                ["", "其中：车购税资金", "300.00", "300.00", "300.00", "", "", ""],
                ["", "县级配套资金", "120.00", "120.00", "103.20", "", "", ""],
            ],
            M6_ROWS,
            "99.6",
            ruled=True,
        )
        _to_pdf(source, path)


def _m7_pdf(path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "m7.docx"
        _narrow_form_docx(
            source,
            "双河镇2023年度项目支出绩效自评表",
            (
                "中小学校舍维修改造",
                "双河镇人民政府",
                "双河镇中心学校",
                "完成全镇9所中小学校舍维修改造8600平方米，消除校舍安全隐患",
            ),
            [
                ["", "年度资金总额", "256.00", "256.00", "230.40", "10", "90.00%", "9"],
                ["", "其中：县级补助资金", "200.00", "200.00", "180.00", "", "", ""],
                ["", "镇级自筹资金", "56.00", "56.00", "50.40", "", "", ""],
            ],
            M7_ROWS,
            "97.33",
            ruled=False,
        )
        _to_pdf(source, path)


M6_KEY = {
    "file": M6_FILE,
    "forms": [
        {
            "form_id": "M6",
            "budget": {"reported_rate": "96.00%", "reported_score": "9.6", "correct_score": 9.6},
            "indicators": _rows_key(M6_ROWS, {"每公里防护工程建设成本": 9.95}),
            "reported_total": "99.6",
            "correct_total": 99.55,
            "slips": [
                _slip("产出指标/成本指标/每公里防护工程建设成本", "得分", "unmet_given_full"),
                _slip("总分", "得分", "derived_total", derived=True),
            ],
        }
    ],
}
M7_KEY = {
    "file": M7_FILE,
    "forms": [
        {
            "form_id": "M7",
            "budget": {"reported_rate": "90.00%", "reported_score": "9", "correct_score": 9},
            "indicators": _rows_key(M7_ROWS),
            "reported_total": "97.33",
            "correct_total": 97.33,
            "slips": [],
        }
    ],
}


# ---- M8: a browser's copy of an HTML table (spans lost) -------------------------------------------------

M8_FILE = "M8_城南区住房和城乡建设局_雨污分流_浏览器复制_合并表头丢失.txt"
M8_ROWS = [
    ("产出指标", "数量指标", "改造雨污分流管网长度", "≥36公里", "36.8公里", "20", "20", ""),
    ("产出指标", "数量指标", "改造排水户数", "≥5200户", "5316户", "10", "10", ""),
    ("产出指标", "质量指标", "管网闭水试验合格率", "100%", "100%", "10", "10", ""),
    ("产出指标", "时效指标", "主体工程完工时间", "2023年12月底前", "2023年12月20日", "10", "10", ""),
    ("效益指标", "生态效益指标", "污水处理厂进水COD浓度提升率", "≥15%", "18%", "10", "10", ""),
    ("效益指标", "社会效益指标", "汛期城区内涝点减少数", "≥8处", "9处", "10", "10", ""),
    ("效益指标", "可持续影响指标", "管网设计使用年限", "≥30年", "30年", "10", "10", ""),
    ("满意度指标", "服务对象满意度指标", "沿线居民满意度", "≥85%", "90%", "10", "10", ""),
]


def _browser_copy(rows: list[list[tuple[str, int, int]]]) -> list[str]:
    """Lines as a browser copies a table: each cell that starts in a row once, tab-separated; a colspan
    adds no tab, a rowspan leaves the rows below without the cell."""
    return ["\t".join(text for text, _, _ in row) for row in rows]


def _m8_text() -> str:
    table: list[list[tuple[str, int, int]]] = [
        [("项目名称", 1, 1), ("城区污水管网雨污分流改造", 1, 7)],
        [
            ("主管部门", 1, 1),
            ("城南区住房和城乡建设局", 1, 3),
            ("实施单位", 1, 1),
            ("城南区排水有限公司", 1, 3),
        ],
        [("项目资金（万元）", 4, 1), ("资金来源", 1, 1)]
        + [(t, 1, 1) for t in ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")],
        [(t, 1, 1) for t in ("年度资金总额", "2400.00", "2400.00", "2280.00", "10", "95.00%", "9.5")],
        [(t, 1, 1) for t in ("其中：地方政府专项债券资金", "2000.00", "2000.00", "1900.00", "", "", "")],
        [(t, 1, 1) for t in ("一般公共预算资金", "400.00", "400.00", "380.00", "", "", "")],
        [("年度总体目标", 2, 1), ("预期目标", 1, 4), ("实际完成情况", 1, 3)],
        [("完成36公里雨污分流管网改造", 1, 4), ("完成36.8公里管网改造，城区内涝点减少9处", 1, 3)],
        [
            ("绩效指标", 1, 3),
            ("指标值", 1, 2),
            ("分值", 2, 1),
            ("得分", 2, 1),
            ("偏差原因分析及改进措施", 2, 1),
        ],
        [(t, 1, 1) for t in ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值")],
    ]
    level1 = {a: b - a + 1 for a, b in _vertical_runs(M8_ROWS, 0)}
    level2 = {a: b - a + 1 for a, b in _vertical_runs(M8_ROWS, 1)}
    for i, r in enumerate(M8_ROWS):
        cells = []
        if i == 0 or r[0] != M8_ROWS[i - 1][0]:
            cells.append((r[0], level1.get(i, 1), 1))
        if i == 0 or r[:2] != M8_ROWS[i - 1][:2]:
            cells.append((r[1], level2.get(i, 1), 1))
        cells += [(t, 1, 1) for t in r[2:]]
        table.append(cells)
    table.append([("总分", 1, 5), ("100", 1, 1), ("95.9", 1, 1), ("", 1, 1)])
    lines = [
        "城南区2023年度项目支出绩效自评表",
        "发布日期：2024-06-12　　浏览次数：318　　【字体：大 中 小】",
        "",
        *_browser_copy(table),
        "",
        "【打印本页】　【关闭窗口】",
        "",
    ]
    return "\n".join(lines)


M8_KEY = {
    "file": M8_FILE,
    "forms": [
        {
            "form_id": "M8",
            "budget": {"reported_rate": "95.00%", "reported_score": "9.5", "correct_score": 9.5},
            "indicators": _rows_key(M8_ROWS),
            "reported_total": "95.9",
            "correct_total": 99.5,
            "slips": [_slip("总分", "得分", "total_typo")],
        }
    ],
}


# ---- M9: Markdown, amounts in 元 with thousands separators ----------------------------------------------

M9_FILE = "M9_平阳县卫生健康局_老年人体检_金额以元计.md"
M9_ROWS = [
    ("产出指标", "数量指标", "开展老年人健康体检人数", "≥2,000人", "2,136人", "20", "20", ""),
    ("产出指标", "质量指标", "体检报告反馈率", "100%", "100%", "20", "20", ""),
    ("产出指标", "成本指标", "项目总成本", "≤1,250,000元", "1,180,000元", "10", "10", ""),
    ("效益指标", "社会效益指标", "慢性病早期发现人数", "≥150人", "162人", "20", "20", ""),
    ("满意度指标", "服务对象满意度指标", "受检老年人满意度", "≥90%", "96%", "20", "20", ""),
]


def _pipe(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def _m9_text() -> str:
    lines = [
        "# 平阳县2023年度项目支出绩效自评表",
        "",
        "来源：平阳县卫生健康局　发布时间：2024-05-08",
        "",
        _pipe(["项目名称"] + ["老年人免费健康体检项目"] * 6),
        "|" + "---|" * 7,
        _pipe(
            ["主管部门", "平阳县卫生健康局", "平阳县卫生健康局", "实施单位"] + ["平阳县疾病预防控制中心"] * 3
        ),
        _pipe(["项目资金（元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]),
        _pipe(["年度资金总额", "1,234,567.00", "1,234,567.00", "1,180,000.00", "10", "95.85%", "9.56"]),
        _pipe(["其中：财政拨款", "1,234,567.00", "1,234,567.00", "1,180,000.00", "", "", ""]),
        "",
        _pipe([*LEVEL_HEADER, "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]),
        "|" + "---|" * 8,
    ]
    lines += [_pipe(r) for r in M9_ROWS]
    lines.append(_pipe(["总分", "总分", "总分", "总分", "总分", "100", "99.56", ""]))
    lines.append("")
    return "\n".join(lines)


M9_KEY = {
    "file": M9_FILE,
    "forms": [
        {
            "form_id": "M9",
            "budget": {"reported_rate": "95.85%", "reported_score": "9.56", "correct_score": 9.56},
            "indicators": _rows_key(M9_ROWS),
            "reported_total": "99.56",
            "correct_total": 99.56,
            "slips": [_slip("年度资金总额", "执行率", "rate_wrong")],
        }
    ],
}


# ---- M10: Excel workbook, one form per sheet, sheet names are units -------------------------------------

M10_FILE = "M10_嘉禾县农业农村局_人居环境整治_分乡镇工作表.xlsx"
M10_SHEETS = {
    "城关镇": (
        ("120.00", "120.00", "118.20"),
        0.985,
        9.85,
        [
            ("产出指标", "数量指标", "改造农村户厕数", "≥300户", "306户", "20", "20", ""),
            ("产出指标", "质量指标", "户厕改造验收合格率", "≥95%", "97%", "20", "20", ""),
            (
                "产出指标",
                "时效指标",
                "年度改造任务完成时间",
                "2023年11月底前",
                "2023年11月15日",
                "10",
                "10",
                "",
            ),
            ("效益指标", "生态效益指标", "村庄生活垃圾收运处置率", "≥90%", "92%", "20", "20", ""),
            ("满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "95%", "20", "20", ""),
        ],
        "99.85",
    ),
    "河口镇": (
        ("95.00", "95.00", "89.97"),
        89.97 / 95,
        9,
        [
            ("产出指标", "数量指标", "改造农村户厕数", "≥240户", "240户", "20", "20", ""),
            ("产出指标", "质量指标", "户厕改造验收合格率", "≥95%", "96%", "20", "20", ""),
            (
                "产出指标",
                "时效指标",
                "年度改造任务完成时间",
                "2023年11月底前",
                "2023年11月28日",
                "10",
                "10",
                "",
            ),
            (
                "效益指标",
                "生态效益指标",
                "村庄生活垃圾收运处置率",
                "≥90%",
                "88%",
                "20",
                "19.56",
                "2个偏远自然村收运频次不足",
            ),
            ("满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "92%", "20", "20", ""),
        ],
        "98.56",
    ),
    "石桥乡": (
        ("80.00", "80.00", "80.00"),
        1.0,
        10,
        [
            (
                "产出指标",
                "数量指标",
                "改造农村户厕数",
                "≥200户",
                "185户",
                "20",
                "18.5",
                "部分农户外出务工，改厕意愿不足",
            ),
            ("产出指标", "质量指标", "户厕改造验收合格率", "≥95%", "95%", "20", "20", ""),
            ("产出指标", "时效指标", "年度改造任务完成情况", "按期完成", "按期完成", "10", "10", ""),
            ("效益指标", "生态效益指标", "村庄生活垃圾收运处置率", "≥90%", "91%", "20", "20", ""),
            ("满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "90%", "20", "20", ""),
        ],
        "98.5",
    ),
}


def _m10_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    cached: dict[str, dict[str, object]] = {}
    for town, (amounts, rate, score, rows, total) in M10_SHEETS.items():
        ws = wb.create_sheet(town)
        ws.append(["嘉禾县2023年度项目支出绩效自评表"])
        ws.merge_cells("A1:H1")
        ws.append(["项目名称", "农村人居环境整治提升项目"])
        ws.merge_cells("B2:H2")
        ws.append(["主管部门", "嘉禾县农业农村局", "", "", "实施单位", ""])
        ws.merge_cells("B3:D3")
        ws.merge_cells("F3:H3")
        ws.append(
            ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
        )
        ws.append(["", "年度资金总额", *(float(a) for a in amounts), 10, "=E5/D5", score])
        for cell in ("C5", "D5", "E5"):
            ws[cell].number_format = "#,##0.00"
        ws["G5"].number_format = "0.00%"
        ws.merge_cells("A4:A5")
        ws.append([*LEVEL_HEADER, "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
        for r in rows:
            ws.append([*r[:5], int(r[5]), float(r[6]), r[7]])
        ws.append(["总分", "", "", "", "", 100, float(total), ""])
        ws.merge_cells(f"A{ws.max_row}:E{ws.max_row}")
        cached[town] = {"G5": rate}
    wb.save(str(path))
    _with_cached_values(path, cached)


def _m10_key():
    forms = []
    for town, (_, rate, score, rows, total) in M10_SHEETS.items():
        corrections = {}
        correct_score = float(score)
        slips = []
        if town == "河口镇":
            correct_score = 9.47
            slips = [
                _slip("年度资金总额", "得分", "rounded_to_whole_point"),
                _slip("总分", "得分", "derived_total", derived=True),
            ]
        indicators = _rows_key(rows, corrections)
        correct_total = correct_score + sum(r["correct_score"] for r in indicators)
        forms.append(
            {
                "form_id": f"M10-{town}",
                "budget": {
                    "reported_rate": f"{Decimal(str(rate * 100)).quantize(Decimal('0.01'), ROUND_HALF_UP)}%",
                    "reported_score": str(score),
                    "correct_score": correct_score,
                },
                "indicators": indicators,
                "reported_total": total,
                "correct_total": round(correct_total, 2),
                "slips": slips,
            }
        )
    return {"file": M10_FILE, "forms": forms}


# ---- M11: Excel, 偏差原因 holding numbers, dates and line breaks ----------------------------------------

M11_FILE = "M11_永宁县水利局_水毁工程修复_偏差原因含数字日期.xlsx"
M11_ROWS = [
    (
        "产出指标",
        "数量指标",
        "修复水毁堤防长度",
        "≥12.5公里",
        "11.6公里",
        "20",
        "18.56",
        "受2023年7月29日—8月2日持续强降雨影响，\nK3+200至K4+100段0.9公里堤防延至2024年3月15日完工，\n完成率92.8%。",
    ),
    ("产出指标", "数量指标", "修复水毁塘坝座数", "≥26座", "26座", "10", "10", ""),
    ("产出指标", "质量指标", "修复工程验收合格率", "100%", "100%", "10", "10", ""),
    (
        "产出指标",
        "时效指标",
        "汛前完成修复比例",
        "≥80%",
        "76%",
        "10",
        "9.5",
        "截至2024年4月30日完成19座/25处，\n余6处因用地协调于5月20日前完成",
    ),
    (
        "效益指标",
        "社会效益指标",
        "恢复灌溉面积",
        "≥1.2万亩",
        "1.26万亩",
        "20",
        "20",
        "2024年春灌期间实际恢复1.26万亩，较目标多0.06万亩",
    ),
    ("效益指标", "可持续影响指标", "修复工程设计防洪标准", "≥10年一遇", "10年一遇", "10", "10", ""),
    (
        "满意度指标",
        "服务对象满意度指标",
        "受益群众满意度",
        "≥90%",
        "91.5%",
        "10",
        "10",
        "发放问卷300份，回收286份，\n满意262份",
    ),
]


def _m11_xlsx(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["项目支出绩效自评表"])
    ws.merge_cells("A1:H1")
    ws.append(["（2023年度）"])
    ws.merge_cells("A2:H2")
    ws.append(["项目名称", "2023年防汛抗旱水毁工程修复项目"])
    ws.merge_cells("B3:H3")
    ws.append(["主管部门", "永宁县水利局", "", "", "实施单位", "永宁县河道管理站"])
    ws.merge_cells("B4:D4")
    ws.merge_cells("F4:H4")
    ws.append(["项目资金\n（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    ws.append(["", "年度资金总额", 500, 560, 504, 10, "90.00%", 9])
    ws.append(["", "其中：中央水利发展资金", 400, 400, 400, None, None, None])
    ws.append(["", "省级水毁修复补助", 100, 160, 104, None, None, None])
    ws.merge_cells("A5:A8")
    ws.append(["年度\n总体目标", "修复2023年汛期水毁堤防12.5公里、塘坝26座，2024年汛前恢复防洪和灌溉功能"])
    ws.merge_cells("B9:H9")
    ws.append([*LEVEL_HEADER, "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析\n及改进措施"])
    for r in M11_ROWS:
        ws.append([*r[:5], int(r[5]), float(r[6]), r[7]])
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True)
    ws.append(["总分", "", "", "", "", 100, 97.06, ""])
    ws.merge_cells(f"A{ws.max_row}:E{ws.max_row}")
    ws.append(["自评等级", "优"])
    ws.merge_cells(f"B{ws.max_row}:H{ws.max_row}")
    wb.save(str(path))


M11_KEY = {
    "file": M11_FILE,
    "forms": [
        {
            "form_id": "M11",
            "budget": {"reported_rate": "90.00%", "reported_score": "9", "correct_score": 9},
            "indicators": _rows_key(M11_ROWS),
            "reported_total": "97.06",
            "reported_grade": "优",
            "correct_total": 97.06,
            "slips": [],
        }
    ],
}


# ---- an independent check of the key --------------------------------------------------------------------


def _num(text: str) -> tuple[str, Decimal] | None:
    m = re.match(r"^([≥≤]?)\s*([\d,]+(?:\.\d+)?)", text)
    if not m:
        return None
    return m.group(1), Decimal(m.group(2).replace(",", ""))


def _check_key(key) -> None:
    """Re-derive every correct score from the rows' own target/actual/weight (≥/≤ proportional, words met)."""
    q = Decimal("0.01")
    for entry in key["files"]:
        for form in entry["forms"]:
            total = Decimal(str(form["budget"]["correct_score"]))
            for row in form["indicators"]:
                weight = Decimal(row["weight"])
                target, actual = _num(row["target"]), _num(row["actual"])
                score = weight
                if target and actual:
                    sign, t = target
                    a = actual[1]
                    if sign == "≤" and a > t:
                        score = (weight * t / a).quantize(q, ROUND_HALF_UP)
                    elif sign != "≤" and a < t and "年" not in row["target"]:
                        score = (weight * a / t).quantize(q, ROUND_HALF_UP)
                assert score == Decimal(str(row["correct_score"])), (form["form_id"], row["path"], score)
                total += score
            assert total == Decimal(str(form["correct_total"])), (form["form_id"], total)


def main() -> None:
    _m1_docx(HERE / M1_FILE)
    (HERE / M2_FILE).write_text(_m2_html(), encoding="utf-8")
    _m3_xlsx(HERE / M3_FILE)
    _m4_docx(HERE / M4_FILE)
    _m5_docx(HERE / M5_FILE)
    _m6_pdf(HERE / M6_FILE)
    _m7_pdf(HERE / M7_FILE)
    (HERE / M8_FILE).write_text(_m8_text(), encoding="utf-8")
    (HERE / M9_FILE).write_text(_m9_text(), encoding="utf-8")
    _m10_xlsx(HERE / M10_FILE)
    _m11_xlsx(HERE / M11_FILE)
    key = {
        "about": "Second layouts set, written before the reader was changed for it: 部门整体 form with 年度履职目标, "
        "split 指标值 headers, hidden Excel columns and rows, long vertical merges, 权重/自评分, LibreOffice PDFs "
        "(ruled and unruled) with wrapped cells, a browser's tab copy, amounts in 元, one form per sheet, "
        "deviation texts with numbers; built by make_forms.py.",
        "files": [
            M1_KEY,
            M2_KEY,
            M3_KEY,
            M4_KEY,
            M5_KEY,
            M6_KEY,
            M7_KEY,
            M8_KEY,
            M9_KEY,
            _m10_key(),
            M11_KEY,
        ],
    }
    _check_key(key)
    (HERE / "answers.yaml").write_text(
        yaml.safe_dump(key, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


if __name__ == "__main__":
    main()

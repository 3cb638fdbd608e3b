"""PDF forms for the synthetic set, drawn with matplotlib (a text layer with embedded CJK glyphs), since no
office suite is at hand: S5 a ruled table that runs onto a second page without repeating its header; S6 the
same kind of form with no ruling lines at all (columns aligned by position only; the reader finds them
from the words' positions).

Needs a CJK font (Noto Serif CJK, Debian fonts-noto-cjk) only when the files are rebuilt.
"""

from __future__ import annotations

from pathlib import Path

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
PAGE = (8.27, 11.69)


def _pages(
    path: Path, pages: list[list[list[str]]], widths: list[float], ruled: bool, titles: list[str]
) -> None:
    import matplotlib

    matplotlib.use("pdf")
    matplotlib.rcParams["pdf.fonttype"] = 42
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from matplotlib.backends.backend_pdf import PdfPages

    font_manager.fontManager.addfont(FONT)
    matplotlib.rcParams["font.family"] = font_manager.FontProperties(fname=FONT).get_name()
    height = 0.032
    with PdfPages(path) as pdf:
        for title, rows in zip(titles, pages, strict=True):
            fig = plt.figure(figsize=PAGE)
            ax = fig.add_axes([0, 0, 1, 1])
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1)
            ax.axis("off")
            ax.text(0.5, 0.95, title, fontsize=13, ha="center")
            y = 0.92
            for row in rows:
                x = 0.04
                col = 0
                for cell in row:
                    span = 1
                    text = cell
                    if cell.startswith("@"):  # '@3:text' spans three columns
                        span_text, text = cell[1:].split(":", 1)
                        span = int(span_text)
                    width = sum(widths[col : col + span])
                    ax.text(x + 0.004, y - height + 0.01, text, fontsize=7)
                    if ruled:
                        ax.plot(
                            [x, x + width, x + width, x, x],
                            [y, y, y - height, y - height, y],
                            color="black",
                            lw=0.6,
                        )
                    x += width
                    col += span
                y -= height
            pdf.savefig(fig)
            plt.close(fig)


WIDTHS = [0.09, 0.13, 0.19, 0.1, 0.1, 0.06, 0.06, 0.19]

S5_PAGE1 = [
    ["项目名称", "@7:古城区社区卫生服务中心家庭医生签约服务补助项目"],
    ["主管部门", "@2:古城区卫生健康局", "实施单位", "@4:古城区社区卫生服务中心"],
    ["资金（万元）", "资金构成", "全年预算数(A)", "全年执行数(B)", "执行率(B/A)", "分值", "得分", "说明"],
    ["", "合计", "86.00", "81.70", "95.00%", "10", "9.5", ""],
    ["", "其中：财政补助", "80.00", "76.00", "95.00%", "", "", ""],
    ["", "其他资金", "6.00", "5.70", "95.00%", "", "", ""],
    ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分", "原因及改进措施"],
    ["产出指标", "数量指标", "家庭医生签约人数", "≥12000人", "12460人", "20", "20", ""],
    ["", "质量指标", "重点人群签约覆盖率", "≥70%", "72.5%", "15", "15", ""],
]
S5_PAGE2 = [
    ["", "时效指标", "签约服务费拨付时限", "≤30天", "34天", "10", "10", ""],
    ["效益指标", "社会效益指标", "签约居民健康档案规范使用率", "≥80%", "83%", "15", "15", ""],
    ["", "可持续影响指标", "签约服务团队数量", "≥40个", "41个", "10", "10", ""],
    ["满意度指标", "服务对象满意度指标", "签约居民满意度", "≥90%", "92%", "20", "20", ""],
    ["@5:总分", "100", "99.5", ""],
]

S6_ROWS = [
    ["项目名称", "@7:北塘街道老年助餐点运营补贴项目"],
    ["主管部门", "@2:北塘街道办事处", "实施单位", "@4:北塘街道社区服务中心"],
    ["项目资金", "", "年初预算数", "全年预算数", "全年执行数", "分值", "得分", "执行率"],
    ["", "年度资金总额", "24.00", "24.00", "22.80", "10", "9.5", "95.00%"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"],
    ["产出指标", "数量指标", "助餐点数量", "≥6个", "6个", "30", "30", ""],
    ["产出指标", "质量指标", "食品安全事故", "0起", "0起", "20", "20", ""],
    ["效益指标", "社会效益指标", "日均就餐老人", "≥300人次", "280人次", "20", "18.67", "冬季就餐人数下降"],
    ["满意度指标", "服务对象满意度指标", "就餐老人满意度", "≥90%", "93%", "20", "20", ""],
    ["@5:总分", "100", "98.17", ""],
]


def build(folder: Path) -> tuple[str, str]:
    s5 = "S5_古城区家庭医生签约_跨页表.pdf"
    s6 = "S6_北塘街道老年助餐_无框线.pdf"
    _pages(folder / s5, [S5_PAGE1, S5_PAGE2], WIDTHS, True, ["2024年度项目支出绩效自评表", "（续表）"])
    _pages(folder / s6, [S6_ROWS], WIDTHS, False, ["2024年度项目支出绩效自评表"])
    return s5, s6

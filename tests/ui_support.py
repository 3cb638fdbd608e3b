"""Shared set-up for the workbench callback tests: services on a temp data dir, the gold case opened as
a project, and a drafted project."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings
from ui.services import Services
from ui.session import Session

GOLD = Path(__file__).resolve().parents[1] / "evals" / "cases" / "se10_itdf_laiwu_free_wifi.yaml"


def make_services(tmp_path: Path, **settings) -> Services:
    return Services(Settings(data_dir=tmp_path / "data", _env_file=None, **settings))


def gold_session(services: Services) -> Session:
    user = services.user(None)
    return Session(browser="test-browser").with_project(services.workspace.import_file(user, GOLD))


def drafted_session(services: Services, kind: str = "report") -> Session:
    sess = gold_session(services)
    user = services.user(None)
    report = services.workspace.draft(sess.case, kind)
    return sess.with_project(services.workspace.save_draft(user, sess.current, report, "起草全文", []))


FORM_HEAD = """<h3>溪口县交通运输局2024年度部门决算 项目支出绩效自评表（{n}）</h3>
<table border="1">
<tr><td>项目名称</td><td colspan="4">{name}</td></tr>
<tr><td>主管部门</td><td>溪口县交通运输局</td><td>实施单位</td><td colspan="2">{unit}</td></tr>
<tr><td>项目资金（万元）</td><td>全年预算数</td><td>全年执行数</td><td>分值</td><td>得分</td></tr>
<tr><td>年度资金总额</td><td>{annual}</td><td>{executed}</td><td>10</td><td>{budget_score}</td></tr>
</table>
<table border="1">
<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>年度指标值</td><td>实际完成值</td><td>分值</td><td>得分</td>
<td>偏差原因分析及改进措施</td></tr>
{rows}
<tr><td colspan="5">总分</td><td>100</td><td>{total}</td><td></td></tr>
</table>"""


def _row(level1: str, level2: str, name: str, target: str, actual: str, weight: int, score) -> str:
    cells = [level1, level2, name, target, actual, str(weight), str(score), ""]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def two_form_appendix(tmp_path: Path) -> Path:
    """A 部门决算 appendix as a web page, holding the forms of two projects."""
    first = FORM_HEAD.format(
        n="一",
        name="农村客运站点维护",
        unit="溪口县公路事务中心",
        annual=80,
        executed=76,
        budget_score=9.5,
        total=99.5,
        rows="\n".join(
            [
                _row("产出指标", "数量指标", "维护站点数", "≥30个", "30个", 40, 40),
                _row("产出指标", "质量指标", "站点完好率", "≥95%", "97%", 10, 10),
                _row("效益指标", "社会效益指标", "群众出行便利度", "明显提升", "明显提升", 30, 30),
                _row("满意度指标", "服务对象满意度指标", "乘客满意度", "≥90%", "92%", 10, 10),
            ]
        ),
    )
    second = FORM_HEAD.format(
        n="二",
        name="渡口安全设施更新",
        unit="溪口县港航服务站",
        annual=50,
        executed=50,
        budget_score=10,
        total=100,
        rows="\n".join(
            [
                _row("产出指标", "数量指标", "更新救生设备套数", "≥12套", "12套", 50, 50),
                _row("效益指标", "安全效益指标", "渡运安全事故", "0起", "0起", 30, 30),
                _row("满意度指标", "服务对象满意度指标", "船工满意度", "≥85%", "88%", 10, 10),
            ]
        ),
    )
    path = tmp_path / "溪口县交通运输局2024年度部门决算附件.html"
    page = f'<html><head><meta charset="utf-8"></head><body><p>附件3</p>{first}{second}</body></html>'
    path.write_text(page, encoding="utf-8")
    return path


LIGHTING_ROWS = [
    ["项目名称", "公共照明维护补助", "", "", "", "", "", ""],
    ["主管部门", "城西街道办事处", "", "", "实施单位", "城西街道城建办", "", ""],
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["", "年度资金总额", "40.00", "40.00", "38.00", "10", "95.00%", "9.5"],
    ["年度总体目标", "完成辖区路灯日常维护，亮灯率不低于98%，故障路灯48小时内修复。", "", "", "", "", "", ""],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析"],
    ["产出指标", "数量指标", "维护路灯盏数", "≥1200盏", "1260盏", "20", "20", ""],
    ["产出指标", "质量指标", "亮灯率", "≥98%", "91%", "20", "20", "部分线路老化"],
    ["产出指标", "时效指标", "故障修复时限", "≤48小时", "36小时", "10", "10", ""],
    ["效益指标", "社会效益指标", "夜间出行安全", "有效改善", "有效改善", "30", "30", ""],
    ["满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "93%", "10", "10", ""],
    ["总分", "", "", "", "", "100", "99.5", ""],
]
"""A received form whose 亮灯率 row claims full marks (20 of 20) for 91% against ≥98%: the 得分 cell is the
second 20 of that row; the same figure stands in other rows and columns."""


def lighting_form_docx(folder: Path) -> Path:
    """LIGHTING_ROWS as a Word form under a title line (a layout of its own: 年初预算数 and 执行率 columns,
    the 年度总体目标 row above the indicators)."""
    import docx

    d = docx.Document()
    d.add_paragraph("城西街道2024年度公共照明维护补助项目支出绩效自评表")
    table = d.add_table(rows=len(LIGHTING_ROWS), cols=len(LIGHTING_ROWS[0]))
    for r, row in enumerate(LIGHTING_ROWS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = folder / "城西街道_公共照明维护补助_自评表.docx"
    d.save(path)
    return path


def built_tab(module, services: Services) -> dict:
    """A tab's wiring (what `build` returns) inside a throwaway page, to call its callbacks directly."""
    import gradio as gr

    from ui.shell import Shell

    with gr.Blocks():
        shell = Shell(session=gr.State(Session()), bar_component=gr.HTML(), login=False)
        return module.build(services, shell)

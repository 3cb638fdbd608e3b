"""The shipped corpus splits into the right documents with the right titles and metadata."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import pytest

from knowledge import ParsedDocument, default_corpus_dir, parse_file

FINAL_ACCOUNTS = "002_f84e214cba968578.txt"


@cache
def documents(name: str) -> tuple[ParsedDocument, ...]:
    return tuple(parse_file(default_corpus_dir() / name))


def by_title(name: str, title: str) -> ParsedDocument:
    matches = [d for d in documents(name) if d.title == title]
    assert len(matches) == 1, [d.title for d in documents(name)]
    return matches[0]


def test_final_accounts_file_splits_into_accounts_forms_and_reports():
    docs = documents(FINAL_ACCOUNTS)
    kinds = [d.doc_type for d in docs]
    assert kinds[0] == "final_accounts"
    assert kinds.count("final_accounts") == 1
    assert kinds.count("self_evaluation") == 12
    assert kinds.count("report") == 21
    # Accounts first, then the forms, then the reports, as in the file.
    assert kinds == ["final_accounts"] + ["self_evaluation"] * 12 + ["report"] * 21
    assert [d.index for d in docs] == list(range(len(docs)))


def test_final_accounts_document():
    accounts = documents(FINAL_ACCOUNTS)[0]
    assert accounts.title == "2023年度济南市大数据局部门决算"
    assert (accounts.year, accounts.unit) == (2023, "济南市大数据局")
    headings = [b.text for b in accounts.blocks if b.kind == "heading"]
    for part in ("第一部分 部门概况", "第三部分 2023 年度部门决算情况说明", "第五部分 附 件"):
        assert part in headings
    # The summary of the 12 forms is the accounts' annex, not a form.
    assert "自评情况汇总表" in accounts.text


FORM_TITLES = [
    "大数据工作业务经费项目支出绩效自评表（2023年度）",
    "公共数据汇聚治理项目(省级数字山东发展资金)项目支出绩效自评表（2023年度）",
    "济南健康亮码应急解决方案系统项目支出绩效自评表（2023年度）",
    "信息技术发展资金（政府云）项目支出绩效自评表（2023年度）",
    # Its only cost item is "年投入资金": the budget tells it apart.
    "信息技术发展资金（全年预算1614.05万元）项目支出绩效自评表（2023年度）",
    "信息技术发展资金（大数据安全监管等4项）项目支出绩效自评表（2023年度）",
    # Line for line the same form as the second one: a duplicate in the source.
    "公共数据汇聚治理项目(省级数字山东发展资金)项目支出绩效自评表（2023年度）（重复）",
    "信息技术发展资金（智库服务等13项）项目支出绩效自评表（2023年度）",
    "信息技术发展资金（原济南市人民政府办公厅电子政务保障中心）项目支出绩效自评表（2023年度）",
    "信息技术发展资金（城区重点公共场所内免费无线网络服务等2项）项目支出绩效自评表（2023年度）",
    "信息技术发展资金（领导决策服务）项目支出绩效自评表（2023年度）",
    "信息技术发展资金（市电子政务外网安全监测运维等4项）项目支出绩效自评表（2023年度）",
]


def test_each_self_evaluation_form_is_its_own_document():
    forms = [d for d in documents(FINAL_ACCOUNTS) if d.doc_type == "self_evaluation"]
    assert [f.title for f in forms] == FORM_TITLES
    for form in forms:
        assert (form.year, form.unit) == (2023, "济南市大数据局")
        text = form.text
        # Every form holds exactly one header, one indicator table and one total, across its page breaks.
        assert text.count("项目名称") == 1
        assert text.count("总分在80分以下的项目") == 1
        assert "一级指标" in text


@pytest.mark.parametrize("name", sorted(p.name for p in default_corpus_dir().glob("*.txt")))
def test_titles_are_unique_within_each_file(name):
    titles = [d.title for d in documents(name)]
    assert len(set(titles)) == len(titles), titles


def test_forms_match_the_departments_summary_table():
    """自评情况汇总表 lists each form's project name and score: the split forms carry the same pairs."""
    accounts = documents(FINAL_ACCOUNTS)[0]
    table = next(b for b in accounts.blocks if b.kind == "table" and b.rows[0][:2] == ["序号", "单位名称"])
    listed = sorted((row[2], Decimal(row[4])) for row in table.rows[1:])
    forms = [d for d in documents(FINAL_ACCOUNTS) if d.doc_type == "self_evaluation"]
    scores = []
    for form in forms:
        rows = [[c for c in row if c] for b in form.blocks for row in b.rows]
        total = next(row[1] for row in rows if row and row[0] == "总分")
        name = next(row[1] for row in rows if row and row[0] == "项目名称")
        scores.append((name, Decimal(total)))
    # The source lists 公共数据汇聚治理 once and its duplicate form stands where 新型智慧城市 (96.67) is listed.
    assert len(listed) == len(scores) == 12
    differences = set(listed) ^ set(scores)
    assert differences == {
        ("济南市新型智慧城市建设提升项目(省级数字山东发展资金)", Decimal("96.67")),
    }


@pytest.mark.parametrize(
    ("form_index", "figures"),
    [
        (0, ["142.86", "99.21%", "9.92", "99.42"]),
        (2, ["76.9", "96.61%", "9.66", "98.66"]),
        (5, ["2852.5", "96.22%", "9.62", "98.62", "工程按期完成率"]),
        (11, ["231.18", "98.79%", "9.88", "99.88", "机关人员满意度"]),
    ],
)
def test_form_keeps_its_own_figures(form_index, figures):
    forms = [d for d in documents(FINAL_ACCOUNTS) if d.doc_type == "self_evaluation"]
    for figure in figures:
        assert figure in forms[form_index].text


REPORT_TITLES = [
    "2023年度济南政务云计算中心云服务项目绩效评价报告",
    "数字泉城建设专项资金（公共数据完善提升）项目绩效评价报告",
    "济南市智慧泉城建设项目绩效评价报告",
    "2023年度原莱芜市城区重点公共场所免费无线项目绩效评价报告",
    "2023年度原莱芜市政务信息系统整合共享电子政务外网建设项目绩效评价报告",
    "《济南市政府网站群视频运维服务》项目支出绩效评价报告",
    "2023年度济南市信息中心网络运行费(安全相关测评项目)绩效评价报告",
    "2023年度济南市政府门户网站和政务新媒体信息来源保障及发布优化服务项目绩效评价报告",
    "2023年度智库服务项目绩效评价报告",
    "2023年度网络运行费(济南市电子政务外网运行支撑服务项目)绩效评估报告",
    "2023年度网络运行费（济南市信息中心市政务外网视频专网互联网出口运行支撑服务项目）绩效评价报告",
    "2023年度网络运行费（济南市信息中心济南市政务服务中心网站互联网出口专线链路运行支撑服务项目）绩效评价报告",
    "2023年度网络运行费（工作短信服务项目）（蜗牛短信）绩效评价报告",
    "2023年度网络运行费(济南市政务机房运维服务项目)绩效评价报告",
    "2023年度网络运行费（济南市政务机房运维集中管控服务项目）绩效评价报告",
    "市级项目支出绩效评价报告（济南市政府门户网站内容保障评估）",
    "济南市政府网站群2023年度驻场运维服务及政府网站群流量监测及诊断服务项目绩效评价报告",
    "2023年度济南市电子政务外网安全监测服务项目绩效评价报告",
    "2023年度一网通办（济南市政务机房设备维保服务项目）绩效评估报告",
    "济南市政务数据共享交换平台运维监测系统升级改造项目绩效评价报告",
    "济南市政务数据共享交换平台运维项目绩效评价报告",
]


def test_every_report_is_found_with_its_own_title():
    reports = [d.title for d in documents(FINAL_ACCOUNTS) if d.doc_type == "report"]
    assert reports == REPORT_TITLES


@pytest.mark.parametrize(
    ("title", "inside", "first_heading"),
    [
        # Cover page and 绩效评价总览表 come before the report's own title line and belong to it.
        (
            "数字泉城建设专项资金（公共数据完善提升）项目绩效评价报告",
            ["山东鲁财云管理咨询有限公司（盖章）", "绩效评价总览表", "绩效评价得分：88.8分", "88.80"],
            "数字泉城建设专项资金（公共数据完善提升）",
        ),
        (
            "济南市智慧泉城建设项目绩效评价报告",
            ["济南市智慧泉城建设项目绩效评价总览表"],
            "济南市智慧泉城建设项目",
        ),
        (
            "济南市政务数据共享交换平台运维项目绩效评价报告",
            ["上海闻政管理咨询有限公司", "济南市政务数据共享交换平台运维项目绩效评价总览表"],
            "济南市政务数据共享交换平台运维项目",
        ),
    ],
)
def test_report_cover_and_overview_belong_to_the_report(title, inside, first_heading):
    report = by_title(FINAL_ACCOUNTS, title)
    assert report.blocks[0].text == first_heading
    for text in inside:
        assert text in report.text
    # The previous document does not end with this report's cover.
    previous = documents(FINAL_ACCOUNTS)[report.index - 1]
    assert first_heading not in previous.text.splitlines()[-3:]


@pytest.mark.parametrize(
    ("name", "title", "doc_type", "year", "unit"),
    [
        (
            "000_993fdada1dec21bb.txt",
            "淄博市大数据分析（一期）建设项目支出绩效评价报告",
            "report",
            2020,
            "淄博市大数据局",
        ),
        (
            "003_55fce2e1387b634e.txt",
            "2020年数据运营服务项目绩效评价报告",
            "report",
            2020,
            "上海市大数据中心",
        ),
        # 004 has no title line at all: its sidecar 004_….txt.meta.yaml gives it.
        (
            "004_da4d11cc4ec567f6.txt",
            "青岛市大数据发展管理局2020年度专项业务费项目绩效评价报告",
            "report",
            2020,
            "青岛市大数据发展管理局",
        ),
    ],
)
def test_single_document_files(name, title, doc_type, year, unit):
    docs = documents(name)
    assert len(docs) == 1
    doc = docs[0]
    assert (doc.title, doc.doc_type, doc.year, doc.unit, doc.source) == (title, doc_type, year, unit, name)


@pytest.mark.parametrize(
    ("title", "unit", "year"),
    [
        ("2023年度济南政务云计算中心云服务项目绩效评价报告", "济南市大数据局", 2023),
        ("2023年度网络运行费（工作短信服务项目）（蜗牛短信）绩效评价报告", "济南市信息中心", 2023),
        ("2023年度网络运行费(济南市政务机房运维服务项目)绩效评价报告", "济南市信息中心", 2023),
        ("济南市政务数据共享交换平台运维项目绩效评价报告", "济南市大数据局", 2023),
        # Evaluates 2021-2023 funds, dated 2024年8月: the latest of the years it discusses.
        ("数字泉城建设专项资金（公共数据完善提升）项目绩效评价报告", "济南市大数据局", 2023),
    ],
)
def test_report_metadata(title, unit, year):
    report = by_title(FINAL_ACCOUNTS, title)
    assert (report.unit, report.year) == (unit, year)


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        # A report title at the top of a file, after a cover line: one document.
        (
            "示范市财政局\n\n2023年度示范项目绩效评价报告\n\n一、项目基本情况\n\n项目预算 100 万元。\n",
            ["2023年度示范项目绩效评价报告"],
        ),
        # A policy that names a report in its annex list is still one document.
        (
            "项目支出绩效评价管理办法\n\n第一章 总则\n\n第一条 为规范绩效评价。\n\n附件：项目支出绩效评价报告\n\n附件2：项目支出绩效评价报告\n",
            ["项目支出绩效评价管理办法"],
        ),
        # Two reports in one file, the second with a cover page whose name and title stand on two lines.
        (
            "甲项目绩效评价报告\n\n一、基本情况\n\n甲项目预算执行率为百分之百，各项指标均已完成并通过验收。\n\n"
            "乙项目\n\n绩效评价报告\n\n某某会计师事务所\n\n乙项目绩效评价报告\n\n一、基本情况\n\n乙项目内容。\n",
            ["甲项目绩效评价报告", "乙项目绩效评价报告"],
        ),
    ],
)
def test_split_generic_files(tmp_path, text, titles):
    path = tmp_path / "file.txt"
    path.write_text(text, encoding="utf-8")
    docs = parse_file(path)
    assert [d.title for d in docs] == titles
    if len(docs) == 2:
        assert docs[1].text.startswith("乙项目\n绩效评价报告\n某某会计师事务所")
        assert "乙项目" not in docs[0].text

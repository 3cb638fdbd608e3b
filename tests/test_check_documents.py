"""Reading drafts: headings, tables (Markdown, tab-separated, DOCX), parts, located sentences and cells."""

import docx
import pytest

from assistant.checking.documents import heading_level, is_title, parse_text, read_document, split_sentences
from assistant.errors import InputError


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、项目基本情况", 1),
        ("（二）指标分析", 2),
        ("(二) 绩效分析", 2),
        ("1. 决策指标分析", 3),
        ("2、过程指标分析", 3),
        ("（1）项目管理制度建设与执行情况", 4),
        ("1.1. 项目概况", 2),
        ("## 三、综合评价", 2),
        ("该项指标满分 14 分，得分 11 分，得分率 78.75%。", None),
        ("2023年度预算执行率为 99.9%", None),
        ("", None),
    ],
)
def test_heading_level(line, level):
    assert heading_level(line) == level


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("数字泉城建设专项资金（公共数据完善提升）项目 绩效评价报告", True),
        ("项目支出绩效自评表 (2023年度)", True),
        (
            "撰写绩效评价报告初稿；将评价报告初稿提交委托方和被评价单位征求意见，组织专家对报告初稿进行评审。",
            False,
        ),
        ("绩效评价报告.....12", False),
    ],
)
def test_is_title(line, title):
    assert is_title(line) is title


def test_split_sentences():
    assert split_sentences("决策得分 11 分；过程得分 14.06 分。合计 88.8 分") == [
        "决策得分 11 分；",
        "过程得分 14.06 分。",
        "合计 88.8 分",
    ]


MARKDOWN = """# 某项目绩效评价报告

## 三、综合评价情况

### （一）评价结论

项目得分 88.8 分。评价结果为“良”。

| 一级指标 | 分值 | 得分 |
|---|---|---|
| 决策 | 14 | 11 |
| 合计 | 100 | 88.8 |
"""


def test_markdown_segments_are_located():
    doc = parse_text(MARKDOWN, source="draft.md")
    sentences = [s for s in doc.segments if s.kind == "sentence"]
    assert [s.text for s in sentences] == ["项目得分 88.8 分。", "评价结果为“良”。"]
    assert sentences[0].heading_path == ["三、综合评价情况", "（一）评价结论"]
    assert len(doc.tables) == 1 and doc.tables[0].rows[1] == ["决策", "14", "11"]
    cell = next(s for s in doc.segments if s.kind == "cell" and s.text == "88.8")
    assert (cell.table, cell.row, cell.col) == (0, 2, 2)
    assert "表1 第3行第3列" in cell.location
    assert doc.parts[-1].title == "某项目绩效评价报告"


def test_tab_tables_broken_by_a_page_are_joined():
    text = "表 1\n\n年度\t预算\n2021\t370\n\n2022\t360\n\n正文。\n"
    doc = parse_text(text)
    assert len(doc.tables) == 1
    assert doc.tables[0].rows == [["年度", "预算"], ["2021", "370"], ["2022", "360"]]


def test_each_report_is_a_part_and_a_cover_title_is_merged():
    text = (
        "项目支出绩效自评表 (2023年度)\n总分\t99\n"
        "项目支出绩效自评表 (2023年度)\n总分\t98\n"
        "数字泉城建设专项资金\n绩效评价报告\n封面。\n"
        "数字泉城建设专项资金项目 绩效评价报告\n正文。\n"
    )
    doc = parse_text(text)
    assert [p.title for p in doc.parts[1:]] == [
        "项目支出绩效自评表 (2023年度)",
        "项目支出绩效自评表 (2023年度)",
        "数字泉城建设专项资金绩效评价报告",
    ]


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    d = docx.Document()
    d.add_heading("一、综合评价情况", level=1)
    d.add_paragraph("决策得分 11 分，得分率为 78.57%。")
    table = d.add_table(rows=2, cols=3)
    for c, text in enumerate(["一级指标", "分值", "得分"]):
        table.cell(0, c).text = text
    for c, text in enumerate(["决策", "14", "11"]):
        table.cell(1, c).text = text
    d.add_paragraph("表后的段落。")
    path = tmp_path / "draft.docx"
    d.save(path)
    doc = read_document(path)
    kinds = [(s.kind, s.text) for s in doc.segments]
    assert kinds[0] == ("heading", "一、综合评价情况")
    kinds = kinds[1:]
    assert kinds[0] == ("sentence", "决策得分 11 分，得分率为 78.57%。")
    assert ("cell", "14") in kinds and kinds[-1] == ("sentence", "表后的段落。")
    assert doc.segments[0].heading_path == ["一、综合评价情况"]


@pytest.mark.parametrize("name", ["missing.md", "old.doc", "broken.docx"])
def test_unreadable_input(tmp_path, name):
    path = tmp_path / name
    if name != "missing.md":
        path.write_bytes(b"not a real file")
    with pytest.raises(InputError):
        read_document(path)


def test_gb18030_text(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_bytes("决策得分 11 分。".encode("gb18030"))
    assert read_document(path).segments[0].text == "决策得分 11 分。"


def test_docx_text_read_from_the_xml_matches_python_docx(tmp_path):
    from docx.enum.text import WD_BREAK
    from docx.oxml import parse_xml

    from assistant.forms.sources.docx_source import cell_text, paragraph_text

    d = docx.Document()
    p = d.add_paragraph("预算")
    p.add_run("执行率\t95%").add_break()
    p.add_run("第二行").add_break(WD_BREAK.PAGE)
    link = (
        '<w:hyperlink xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:r><w:t>链接</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve"> 文字</w:t></w:r></w:hyperlink>'
    )
    p._p.append(parse_xml(link))
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "甲"
    table.cell(0, 0).add_paragraph("乙")
    assert paragraph_text(p._p) == p.text == "预算执行率\t95%\n第二行链接\t 文字"
    assert cell_text(table.cell(0, 0)._tc) == table.cell(0, 0).text == "甲\n乙"


def test_docx_headings_by_style_and_unstyled_paragraphs_as_body(tmp_path):
    d = docx.Document()
    d.add_paragraph("项目概况", style="Heading 1")  # no outline marker: only the style makes it a heading
    d.add_paragraph("预算执行率 95%。")  # no pStyle: the default paragraph style, body text
    d.add_paragraph("问题与建议", style="Heading 2")
    path = tmp_path / "styled.docx"
    d.save(path)
    doc = read_document(path)
    assert [(s.kind, s.text) for s in doc.segments] == [
        ("heading", "项目概况"),
        ("sentence", "预算执行率 95%。"),
        ("heading", "问题与建议"),
    ]
    assert doc.segments[-1].heading_path == ["项目概况", "问题与建议"]


def test_document_text_holds_every_line_in_reading_order():
    from assistant.checking.documents import document_text

    doc = parse_text(
        "# 一、综合评价\n决策得分 11 分。得分率 78.57%。\n\n| 指标 | 分值 | 得分 |\n|---|---|---|\n| 决策 |  | 11 |\n表后。"
    )
    assert document_text(doc).splitlines() == [
        "# 一、综合评价",
        "决策得分 11 分。得分率 78.57%。",
        "| 指标 | 分值 | 得分 |",
        "| 决策 | 11 |",
        "表后。",
    ]

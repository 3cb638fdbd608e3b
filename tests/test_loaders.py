"""Loading every supported format, in document order, and clear errors for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import InputError
from knowledge import SUPPORTED_SUFFIXES, chunk_file, default_corpus_dir, parse_file
from knowledge.loaders import load_lines


def write_pdf(path: Path, pages: list[str]) -> None:
    """A minimal PDF whose pages show ASCII text in Helvetica (enough for pypdf's text layer)."""
    objects: list[bytes] = []
    page_ids = [3 + 2 * i for i in range(len(pages))]
    font_id = 3 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for pid, text in zip(page_ids, pages, strict=True):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {pid + 1} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        lines = "".join(f"({line}) Tj 0 -20 Td " for line in text.split("\n"))
        stream = f"BT /F1 12 Tf 72 760 Td {lines}ET".encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def test_supported_suffixes_and_corpus():
    assert SUPPORTED_SUFFIXES == frozenset({".txt", ".md", ".docx", ".pdf", ".xlsx"})
    names = sorted(p.name for p in default_corpus_dir().iterdir())
    assert names == [
        "000_993fdada1dec21bb.txt",
        "002_f84e214cba968578.txt",
        "003_55fce2e1387b634e.txt",
        "004_da4d11cc4ec567f6.txt",
        # Metadata for 004 (it has no title line), not a document: .yaml is not a supported suffix.
        "004_da4d11cc4ec567f6.txt.meta.yaml",
    ]


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("2023年度示范项目绩效评价报告", level=0)
    document.add_heading("一、项目基本情况", level=1)
    document.add_paragraph("项目预算 100 万元，主管部门：示范市大数据局。")
    document.add_paragraph("表1 指标得分")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["一级指标", "分值", "得分"], ["决策", "14", "11"], ["过程", "16", "14.06"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_heading("二、评价结论", level=1)
    document.add_paragraph("综合得分 88.8 分，等级为良。")
    path = tmp_path / "示范报告.docx"
    document.save(str(path))

    (doc,) = parse_file(path)
    assert doc.title == "2023年度示范项目绩效评价报告"
    assert (doc.doc_type, doc.year) == ("report", 2023)
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert kinds == [
        ("paragraph", "2023年度示范项目绩效评价报告"),
        ("heading", "一、项目基本情况"),
        ("paragraph", "项目预算 100 万元，主管部门：示范市大数据局。"),
        ("table", "表1 指标得分"),
        ("heading", "二、评价结论"),
        ("paragraph", "综合得分 88.8 分，等级为良。"),
    ]
    assert doc.blocks[3].rows == [["一级指标", "分值", "得分"], ["决策", "14", "11"], ["过程", "16", "14.06"]]
    chunks = chunk_file(path)
    table_chunk = next(c for c in chunks if c.is_table)
    assert (
        table_chunk.text
        == "一、项目基本情况\n表1 指标得分\n一级指标 | 分值 | 得分\n决策 | 14 | 11\n过程 | 16 | 14.06"
    )
    assert table_chunk.section == "一、项目基本情况"


def test_docx_merged_cells_appear_once(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "项目预算执行情况"
    for c, value in enumerate(["年初预算数", "全年预算数", "执行率"]):
        table.cell(1, c).text = value
    path = tmp_path / "form.docx"
    document.save(str(path))
    rows = [line.cells for line in load_lines(path)]
    assert rows == [["项目预算执行情况"], ["年初预算数", "全年预算数", "执行率"]]


def test_xlsx_each_sheet_is_a_table(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "指标体系"
    sheet.append(["一级指标", "二级指标", "分值"])
    sheet.append(["决策", "项目立项", 6])
    sheet.append(["产出", "产出数量", 12.5])
    second = workbook.create_sheet("问题清单")
    second.append(["问题分类", "问题描述"])
    second.append(["决策类", "绩效目标不明确"])
    path = tmp_path / "附件.xlsx"
    workbook.save(str(path))

    (doc,) = parse_file(path)
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert [t.heading_path for t in tables] == [["指标体系"], ["问题清单"]]
    assert tables[0].rows == [
        ["一级指标", "二级指标", "分值"],
        ["决策", "项目立项", "6"],
        ["产出", "产出数量", "12.5"],
    ]
    texts = [c.text for c in chunk_file(path)]
    assert texts == [
        "指标体系\n一级指标 | 二级指标 | 分值\n决策 | 项目立项 | 6\n产出 | 产出数量 | 12.5",
        "问题清单\n问题分类 | 问题描述\n决策类 | 绩效目标不明确",
    ]


def test_pdf_text_layer(tmp_path):
    path = tmp_path / "policy.pdf"
    write_pdf(path, ["Budget execution rate\nscored out of 10", "Second page text"])
    text = "\n".join(line.text for line in load_lines(path))
    assert "Budget execution rate" in text
    assert "Second page text" in text


def test_pdf_without_text_is_reported(tmp_path):
    path = tmp_path / "scan.pdf"
    write_pdf(path, [""])
    with pytest.raises(InputError, match="scan.pdf"):
        load_lines(path)


def test_markdown_headings_and_tables(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(
        "# 评分规则说明\n\n## 预算执行率\n\n执行率达到95%的得满分。\n\n| 区间 | 得分 |\n|---|---|\n| ≥95% | 满分 |\n",
        encoding="utf-8",
    )
    (doc,) = parse_file(path)
    assert doc.title == "评分规则说明"
    assert [(b.kind, b.heading_path) for b in doc.blocks] == [
        ("heading", ["评分规则说明"]),
        ("heading", ["评分规则说明", "预算执行率"]),
        ("paragraph", ["评分规则说明", "预算执行率"]),
        ("table", ["评分规则说明", "预算执行率"]),
    ]
    assert doc.blocks[-1].rows == [["区间", "得分"], ["≥95%", "满分"]]


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("关于印发项目支出绩效评价管理办法的通知\n\n财预〔2020〕10号\n\n第一章 总则\n", "utf-8"),
        ("关于印发项目支出绩效评价管理办法的通知\n\n财预〔2020〕10号\n\n第一章 总则\n", "gb18030"),
        ("\ufeff关于印发项目支出绩效评价管理办法的通知\n\n财预〔2020〕10号\n", "utf-8"),
        # Windows Notepad's "Unicode": UTF-16 with a byte-order mark.
        ("关于印发项目支出绩效评价管理办法的通知\r\n\r\n财预〔2020〕10号\r\n", "utf-16"),
    ],
)
def test_text_encodings_and_policy_type(tmp_path, content, encoding):
    path = tmp_path / "policy.txt"
    path.write_bytes(content.encode(encoding))
    (doc,) = parse_file(path)
    assert doc.title == "关于印发项目支出绩效评价管理办法的通知"
    assert (doc.doc_type, doc.year) == ("policy", 2020)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("table.csv", b"a,b\n", "不支持的文件类型"),
        ("broken.docx", b"not a zip file", "无法读取文件"),
        ("broken.xlsx", b"\x00\x01garbage", "无法读取文件"),
        ("broken.pdf", b"%PDF-1.4 nothing else", "broken.pdf"),
        ("binary.txt", b"\x80\xff\x00\x81" * 8, "文字编码"),
    ],
)
def test_unreadable_files_raise_input_error_naming_the_file(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as error:
        parse_file(path)
    assert name in str(error.value)
    assert message in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="找不到文件"):
        parse_file(tmp_path / "absent.txt")


def test_bookmark_noise_is_stripped():
    lines = load_lines(default_corpus_dir() / "004_da4d11cc4ec567f6.txt")
    assert lines[0].text == "一、项目基本情况"
    assert not any("bookmark" in line.text for line in lines)


@pytest.mark.parametrize(
    ("text", "doc_type", "year", "unit"),
    [
        ("项目支出绩效评价管理办法\n\n第一章 总则\n\n第一条 为全面实施预算绩效管理。", "policy", None, None),
        ("济南市财政局关于开展2024年度重点绩效评价工作的通知\n\n各部门：\n", "policy", 2024, None),
        ("关于加强预算绩效管理的意见（试行）\n\n鲁财绩〔2022〕7号\n", "policy", 2022, None),
        ("2022年度示范区教育局部门决算\n\n第一部分 部门概况\n", "final_accounts", 2022, "示范区教育局"),
        ("示范县农业农村局2021年度项目支出绩效自评报告\n\n一、基本情况\n", "report", 2021, None),
        (
            "财政项目支出绩效评价报告\n\n项目名称：乡村道路养护项目\n\n项目单位：示范县交通运输局\n",
            "report",
            None,
            "示范县交通运输局",
        ),
        ("会议纪要\n\n与会人员讨论了下一步工作安排。\n", "other", None, None),
    ],
)
def test_document_type_year_and_unit(tmp_path, text, doc_type, year, unit):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    (doc,) = parse_file(path)
    assert (doc.doc_type, doc.year, doc.unit) == (doc_type, year, unit)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # A wrapped paragraph is rejoined; a heading and a short closing line are not glued on.
        (
            "一、项目基本情况\n项目预算资金共计三千一百二十万元，实际支出三千零四十\n万元，预算执行率为百分之九十八。\n（一）项目概况",
            "一、项目基本情况\n项目预算资金共计三千一百二十万元，实际支出三千零四十万元，预算执行率为百分之九十八。\n（一）项目概况",
        ),
        (
            "本项目绩效目标设置较为合理，指标值可以衡量和考核\n1. 绩效目标明确",
            "本项目绩效目标设置较为合理，指标值可以衡量和考核\n1. 绩效目标明确",
        ),
        (
            "The budget execution rate of the project was\nninety eight percent.",
            "The budget execution rate of the project was ninety eight percent.",
        ),
    ],
)
def test_pdf_wrapped_lines_are_rejoined(page, expected):
    from knowledge.loaders import rejoin_wrapped_lines

    assert rejoin_wrapped_lines(page) == expected

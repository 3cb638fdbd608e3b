"""Heading recognition, heading paths and chunking, on real corpus lines and on the whole corpus."""

from __future__ import annotations

import re
from functools import cache

import pytest

from assistant.models import Chunk
from knowledge import (
    SUPPORTED_SUFFIXES,
    Block,
    ParsedDocument,
    chunk_document,
    chunk_file,
    default_corpus_dir,
    domain_terms,
    parse_file,
)
from knowledge.chunking import split_long_text
from knowledge.headings import HeadingTracker, match_heading
from knowledge.tables import CONTEXT_CLOSE, CONTEXT_OPEN
from knowledge.text import strip_noise

CORPUS_FILES = sorted(p.name for p in default_corpus_dir().iterdir() if p.suffix in SUPPORTED_SUFFIXES)


@cache
def corpus_chunks(name: str) -> tuple[Chunk, ...]:
    return tuple(chunk_file(default_corpus_dir() / name))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@cache
def squeezed_source(name: str) -> str:
    return squeeze(strip_noise((default_corpus_dir() / name).read_text(encoding="utf-8")))


# --- heading lines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "number"),
    [
        ("一、项目基本情况", "cn", 1),
        ("二十七、资源勘探", "cn", 27),
        ("二.工作成效", "cn", 2),
        ("（一）项目概况", "paren_cn", 1),
        ("(一) 项目概况。", "paren_cn", 1),
        ("（四）发挥公共数据决策支持服务功能，提升数据共享性", "paren_cn", 4),
        ("1.项目背景", "arabic", 1),
        ("1、项目绩效总目标", "arabic", 1),
        ("1. 总体目标。", "arabic", 1),
        ("2、年度绩效目标", "arabic", 2),
        ("（1）IaaS 建设需求", "paren_arabic", 1),
        ("(2) 资金拨付流程", "paren_arabic", 2),
        ("③培训教室无盘化系统运维费", "circled", 3),
        ("1.1.1. 项目背景", "decimal3", 1),
        ("4.3.项目产出情况", "decimal2", 3),
        ("2.2 项目采购及招投标情况", "decimal2", 2),
        ("第一部分 部门概况", "part", 1),
        ("第五部分", "part", 5),
        ("目 录", "label", 0),
        ("附件 1：智慧泉城建设项目绩效评价指标体系表", "annex", 1),
        ("附件 2:", "annex", 2),
    ],
)
def test_heading_lines(line, kind, number):
    heading = match_heading(line)
    assert heading is not None
    assert (heading.kind, heading.number, heading.text) == (kind, number, line)


@pytest.mark.parametrize(
    "line",
    [
        # Real list items and sentences from the corpus that start like headings.
        "1、项目名称：智库服务项目。",
        "①电子政务机房UPS等关键设备维护服务费。项目主要内容为对1-4号电子政务机房UPS及配电系统进行设备巡检维护等。",
        "①全市机关Internet专线费。",
        "1. 预算管理制度及办法，项目及资金管理办法、财务和会计资料；",
        "3. 提高数据资产的价值，提高政府的执政能力和为人民服务的水平，为城市发展和社会进步做出更大贡献",
        "(二)项目管理 30 分，具体得分情况如下:",
        "二十二、社会保障和就业支出(类)行政事业单位养老支出(款)事业单位离退休(项):反映事业单位开支的离退休经费。",
        "（十三）职能转变。按照国家和省、市关于大数据发展的部署要求，统筹推进全市大数据发展。",
        "1.5万元用于系统维护",
        "2023年度济南政务云计算中心云服务项目",
        "项目名称：数字泉城建设专项资金（公共数据完善提升）",
    ],
)
def test_not_heading_lines(line):
    assert match_heading(line) is None


@pytest.mark.parametrize(
    ("lines", "expected_path"),
    [
        (["一、基本情况", "（一）项目概况", "1.项目背景"], ["一、基本情况", "（一）项目概况", "1.项目背景"]),
        (
            ["一、基本情况", "（一）项目概况", "1.项目背景", "（二）绩效目标"],
            ["一、基本情况", "（二）绩效目标"],
        ),
        (
            ["1. 项目基本情况", "1.1. 项目概况", "1.1.1. 项目背景", "1.1.2. 主要内容"],
            ["1. 项目基本情况", "1.1. 项目概况", "1.1.2. 主要内容"],
        ),
        (["1. 项目基本情况", "1.1. 项目概况", "1.1.1. 项目背景", "2. 评价工作"], ["2. 评价工作"]),
        # A summary page numbers its own sections; the body restarts at 一、.
        (["四、主要问题及有关建议", "(一) 主要问题", "一、项目基本情况"], ["一、项目基本情况"]),
        (["目 录", "一、项目基本情况"], ["一、项目基本情况"]),
    ],
)
def test_heading_paths(lines, expected_path):
    tracker = HeadingTracker()
    for line in lines:
        heading = match_heading(line)
        assert heading is not None and tracker.accepts(heading)
        tracker.push(heading)
    assert tracker.path == expected_path


@pytest.mark.parametrize(
    ("open_lines", "candidate", "accepted"),
    [
        (["（三）评价依据", "1. 预算管理制度"], "3. 其他相关资料", True),
        (["（三）评价依据", "3. 其他相关资料"], "1. 项目立项", False),  # a list restarting inside a section
        (["一、基本情况"], "3.其他", False),  # a weak style must start low
        (["一、基本情况", "二、评价情况"], "二、绩效评价结论", True),  # a repeated number in a strong style
        (["（一）项目概况", "（2）资金"], "（1）组织", False),
    ],
)
def test_numbering_order(open_lines, candidate, accepted):
    tracker = HeadingTracker()
    for line in open_lines:
        heading = match_heading(line)
        assert heading is not None
        tracker.push(heading)
    candidate_heading = match_heading(candidate)
    assert candidate_heading is not None
    assert tracker.accepts(candidate_heading) is accepted


# --- chunking on the corpus -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_chunks_are_verbatim_and_sized(name):
    chunks = corpus_chunks(name)
    source = squeezed_source(name)
    assert chunks
    for chunk in chunks:
        assert chunk.source == name
        assert len(chunk.text) <= 650, chunk.text[:80]
        assert "[bookmark" not in chunk.text
        for line in chunk.text.split("\n"):
            pieces = line.split(" | ") if chunk.is_table else [line]
            for piece in pieces:
                # A merged cell filled in from the row above is marked 〈…〉: its text is in the source.
                if piece.startswith(CONTEXT_OPEN) and piece.endswith(CONTEXT_CLOSE):
                    piece = piece[1:-1]
                assert squeeze(piece) in source, piece


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_chunk_ids_are_unique_and_stable(name):
    first = [c.id for c in corpus_chunks(name)]
    again = [c.id for c in chunk_file(default_corpus_dir() / name)]
    assert first == again
    assert len(set(first)) == len(first)


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_chunks_never_cross_headings(name):
    """A paragraph chunk holds at most one heading line: the one its path ends with, on its first line."""
    for doc in parse_file(default_corpus_dir() / name):
        headings = {b.text for b in doc.blocks if b.kind == "heading"}
        for position, chunk in enumerate(chunk_document(doc)):
            assert chunk.position == position
            assert chunk.document == doc.title
            if chunk.is_table or chunk.heading_path[-1:] in (["目录"], ["目 录"]):
                # Contents entries repeat the headings by design.
                continue
            lines = chunk.text.split("\n")
            assert not any(line in headings for line in lines[1:]), chunk.text[:120]
            if lines[0] in headings:
                assert chunk.heading_path[-1] == lines[0]


@pytest.mark.parametrize(
    ("name", "document", "section", "text"),
    [
        (
            "002_f84e214cba968578.txt",
            "数字泉城建设专项资金（公共数据完善提升）项目绩效评价报告",
            "三、评价结论及分析 （二）指标分析 1. 决策指标分析",
            "该项指标满分 14 分，得分 11 分，得分率 78.75%。",
        ),
        ("000_993fdada1dec21bb.txt", None, "1. 项目基本情况 1.1. 项目概况 1.1.1. 项目背景", "“十二五”时期"),
        ("003_55fce2e1387b634e.txt", None, "四、绩效评价指标分析 （一）项目决策情况", None),
        ("004_da4d11cc4ec567f6.txt", None, "三.主要问题 （二）过程类", "过程类问题主要体现在资金使用不规范"),
        # An annex table sits under its own annex heading, not under the list of annexes before it.
        (
            "002_f84e214cba968578.txt",
            "济南市智慧泉城建设项目绩效评价报告",
            "七、附件 附件 1：智慧泉城建设项目绩效评价指标体系表",
            "预算执行率",
        ),
        (
            "002_f84e214cba968578.txt",
            "数字泉城建设专项资金（公共数据完善提升）项目绩效评价报告",
            "七、附件 附件 2: 数字泉城建设专项资金（公共数据完善提升）项目绩效评价指标体系",
            "立项依据充分性",
        ),
    ],
)
def test_chunk_heading_path(name, document, section, text):
    matches = [
        c
        for c in corpus_chunks(name)
        if c.section == section
        and (document is None or c.document == document)
        and (text is None or text in c.text)
    ]
    assert matches, sorted({c.section for c in corpus_chunks(name)})[:40]


def test_table_chunk_keeps_heading_caption_and_header():
    chunks = [
        c
        for c in corpus_chunks("002_f84e214cba968578.txt")
        if c.is_table and c.document.startswith("数字泉城") and "表 3-2 决策指标得分汇总表" in c.text
    ]
    assert len(chunks) == 1
    lines = chunks[0].text.split("\n")
    assert lines[:3] == [
        "1. 决策指标分析",
        "表 3-2 决策指标得分汇总表",
        "一级指标 | 二级指标 | 三级指标 | 满分 | 得分 | 得分率",
    ]
    # The merged 一级/二级 cells are filled in as context; the source row follows verbatim.
    assert "〈决策〉 | 〈项目立项〉 | 立项程序规范性 | 3 | 2.5 | 83.33%" in lines


def test_self_evaluation_form_chunks_repeat_project_and_column_headers():
    form = [
        c
        for c in corpus_chunks("002_f84e214cba968578.txt")
        if c.document == "大数据工作业务经费项目支出绩效自评表（2023年度）"
    ]
    assert len(form) >= 3
    for chunk in form:
        assert chunk.is_table and chunk.doc_type == "self_evaluation" and chunk.year == 2023
        assert "项目名称 | 大数据工作业务经费" in chunk.text.split("\n")[:2]
    indicator_chunks = [c for c in form if "≤" in c.text or "≥" in c.text]
    assert indicator_chunks
    for chunk in indicator_chunks:
        assert (
            "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成指标值 | 分值 | 得分 | 偏差原因分析及改进措施"
            in chunk.text
        )
    joined = "\n".join(c.text for c in form)
    for row in ("采购服务和设备费 | ≤8万元 | 7.46万元 | 3 | 2.5", "总分 | 99.42"):
        assert joined.count(row) == 1


# --- chunking rules on small documents --------------------------------------------------------------------


def make_doc(blocks: list[Block]) -> ParsedDocument:
    return ParsedDocument(title="测试报告", source="t.txt", source_hash="0" * 40, blocks=blocks)


def test_long_table_splits_by_rows_with_header_repeated():
    rows = [["序号", "指标", "分值"]] + [[str(i), f"第{i}项指标名称较长一些", "5"] for i in range(1, 61)]
    rows.insert(31, ["序号", "指标", "分值"])  # the header repeated after a page break
    doc = make_doc(
        [
            Block(kind="heading", text="（二）指标体系", heading_path=["（二）指标体系"], line=1),
            Block(kind="table", text="表1 指标", rows=rows, heading_path=["（二）指标体系"], line=2),
        ]
    )
    chunks = chunk_document(doc, max_chars=200)
    assert len(chunks) > 3
    seen: list[str] = []
    for chunk in chunks:
        lines = chunk.text.split("\n")
        assert lines[:3] == ["（二）指标体系", "表1 指标", "序号 | 指标 | 分值"]
        assert len(chunk.text) <= 200
        assert chunk.is_table and chunk.heading_path == ["（二）指标体系"]
        seen.extend(lines[3:])
    assert seen == [f"{i} | 第{i}项指标名称较长一些 | 5" for i in range(1, 61)]


def test_paragraphs_pack_under_one_heading_and_long_ones_split_at_sentence_ends():
    sentence = "项目资金按照合同约定拨付，支付进度与服务进度基本一致。"
    long_paragraph = sentence * 20
    doc = make_doc(
        [
            Block(kind="heading", text="一、基本情况", heading_path=["一、基本情况"], line=1),
            Block(kind="paragraph", text="短段落一。", heading_path=["一、基本情况"], line=2),
            Block(kind="paragraph", text="短段落二。", heading_path=["一、基本情况"], line=3),
            Block(kind="heading", text="二、评价情况", heading_path=["二、评价情况"], line=4),
            Block(kind="paragraph", text=long_paragraph, heading_path=["二、评价情况"], line=5),
        ]
    )
    chunks = chunk_document(doc, max_chars=120)
    assert chunks[0].text == "一、基本情况\n短段落一。\n短段落二。"
    rest = chunks[1:]
    assert all(c.heading_path == ["二、评价情况"] for c in rest)
    assert rest[0].text.startswith("二、评价情况\n")
    assert all(len(c.text) <= 120 and c.text.endswith("。") for c in rest)
    assert "".join(c.text.split("\n")[-1] if i == 0 else c.text for i, c in enumerate(rest)) == long_paragraph


@pytest.mark.parametrize(
    ("text", "max_chars", "expected"),
    [
        ("甲。乙；丙！丁？", 2, ["甲。", "乙；", "丙！", "丁？"]),
        ("甲。乙；丙！丁？", 4, ["甲。乙；", "丙！丁？"]),
        ("短句。", 10, ["短句。"]),
        (
            "没有句号的一段很长的文字，逗号后可以断开，再来一些文字",
            13,
            ["没有句号的一段很长的文字，", "逗号后可以断开，", "再来一些文字"],
        ),
    ],
)
def test_split_long_text(text, max_chars, expected):
    assert split_long_text(text, max_chars) == expected


# --- domain terms -----------------------------------------------------------------------------------------


def test_domain_terms_are_real_corpus_terms():
    terms = domain_terms()
    assert len(terms) >= 60
    assert len(set(terms)) == len(terms)
    for required in (
        "预算执行率",
        "绩效目标合理性",
        "满意度",
        "得分率",
        "立项程序规范性",
        "资金使用合规性",
        "偏差原因分析",
    ):
        assert required in terms
    corpus = "".join(squeezed_source(name) for name in CORPUS_FILES)
    assert [t for t in terms if t not in corpus] == []


def test_paragraphs_with_different_paths_never_share_a_chunk():
    doc = make_doc(
        [
            Block(kind="heading", text="目录", heading_path=["目录"], line=1),
            Block(kind="paragraph", text="一、基本情况", heading_path=["目录"], line=2),
            Block(kind="paragraph", text="封面之后的说明文字。", heading_path=[], line=3),
        ]
    )
    chunks = chunk_document(doc)
    assert [(c.text, c.heading_path) for c in chunks] == [
        ("目录\n一、基本情况", ["目录"]),
        ("封面之后的说明文字。", []),
    ]


def test_inspection_command_reports_documents_outline_and_chunks(capsys, tmp_path):
    from knowledge.__main__ import main

    bad = tmp_path / "表格.csv"
    bad.write_text("a,b", encoding="utf-8")
    code = main([str(default_corpus_dir() / "000_993fdada1dec21bb.txt"), str(bad), "--outline", "--chunks"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "000_993fdada1dec21bb.txt：1 个文档，22 个片段" in out
    assert "评价报告｜2020｜淄博市大数据局｜淄博市大数据分析（一期）建设项目支出绩效评价报告" in out
    assert "        1.1. 项目概况" in out
    assert "合计：1 个文档，22 个片段" in out and "跳过 1 个文件" in out
    assert "已跳过 表格.csv" in err


def test_self_evaluation_form_blocks_are_its_sections():
    form = [
        c
        for c in corpus_chunks("002_f84e214cba968578.txt")
        if c.document == "大数据工作业务经费项目支出绩效自评表（2023年度）"
    ]
    sections = [c.section for c in form]
    assert sections[:2] == ["项目预算执行情况", "年度总体目标"]
    assert set(sections[2:]) == {"年度绩效指标"}
    assert "99.21%" in form[0].text and "年初预期目标" not in form[0].text
    # A column-header row never ends a chunk: it opens the rows it names.
    assert not any(c.text.endswith("偏差原因分析及改进措施") for c in form)

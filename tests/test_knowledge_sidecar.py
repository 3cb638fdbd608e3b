"""Sidecar metadata (`<file>.meta.yaml`) overrides detection, is validated, and is part of the fingerprint."""

from __future__ import annotations

import hashlib

import pytest

from assistant.errors import InputError
from assistant.index import collect_files
from knowledge import (
    SUPPORTED_SUFFIXES,
    chunk_file,
    default_corpus_dir,
    is_sidecar,
    parse_file,
    sidecar_path,
    source_fingerprint,
)

REPORT = "示范市财政局\n\n2023年度示范项目绩效评价报告\n\n一、项目基本情况\n\n项目单位：示范市财政局\n\n项目预算 100 万元。\n"
TWO_REPORTS = "甲项目绩效评价报告\n\n一、基本情况\n\n甲项目内容很多很多很多很多很多很多很多很多很多很多很多很多很多。\n\n乙项目绩效评价报告\n\n一、基本情况\n\n乙项目内容。\n"
CORPUS_004 = "004_da4d11cc4ec567f6.txt"


def write(tmp_path, text: str, meta: str | None = None):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    if meta is not None:
        sidecar_path(path).write_text(meta, encoding="utf-8")
    return path


def test_shipped_004_is_titled_by_its_sidecar():
    path = default_corpus_dir() / CORPUS_004
    assert sidecar_path(path).is_file()
    chunks = chunk_file(path)
    assert {c.document for c in chunks} == {"青岛市大数据发展管理局2020年度专项业务费项目绩效评价报告"}
    assert not any("004_da4d11cc4ec567f6" in c.document for c in chunks)
    # The title is what the text says: the bureau's 专项业务费 with its 2020 budget.
    text = path.read_text(encoding="utf-8")
    assert "青岛市大数据发展管理局" in text and "2020年市财政局安排大数据局专项业务费预算941万元" in text


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        (None, ("2023年度示范项目绩效评价报告", "report", 2023, "示范市财政局")),
        ("", ("2023年度示范项目绩效评价报告", "report", 2023, "示范市财政局")),
        ("# only a comment\n", ("2023年度示范项目绩效评价报告", "report", 2023, "示范市财政局")),
        ("title: 另一个 标题\n", ("另一个标题", "report", 2023, "示范市财政局")),
        (
            "year: 2021\nunit: 示范市大数据局\n",
            ("2023年度示范项目绩效评价报告", "report", 2021, "示范市大数据局"),
        ),
        ("doc_type: policy\n", ("2023年度示范项目绩效评价报告", "policy", 2023, "示范市财政局")),
    ],
)
def test_sidecar_overrides_detection(tmp_path, meta, expected):
    (doc,) = parse_file(write(tmp_path, REPORT, meta))
    assert (doc.title, doc.doc_type, doc.year, doc.unit) == expected


def test_year_unit_and_type_apply_to_every_document_of_a_file(tmp_path):
    docs = parse_file(write(tmp_path, TWO_REPORTS, "year: 2019\nunit: 示范局\n"))
    assert [(d.title, d.year, d.unit) for d in docs] == [
        ("甲项目绩效评价报告", 2019, "示范局"),
        ("乙项目绩效评价报告", 2019, "示范局"),
    ]


@pytest.mark.parametrize(
    ("text", "meta", "message"),
    [
        (REPORT, "titel: 错字\n", "未知的键“titel”"),
        (REPORT, "year: 二〇二三\n", "“year”应为 1900–2100 之间的年份"),
        (REPORT, "year: 3023\n", "“year”应为 1900–2100 之间的年份"),
        (REPORT, "doc_type: 报告\n", "“doc_type”的值无效（可选：policy、report"),
        (REPORT, "title: ''\n", "“title”应为非空文字"),
        (REPORT, "- title\n- year\n", "应为“键: 值”格式"),
        (REPORT, "title: [未闭合\n", "无法读取元数据文件"),
        (TWO_REPORTS, "title: 一个标题\n", "包含 2 个文档"),
    ],
)
def test_bad_sidecar_is_a_chinese_error_naming_it(tmp_path, text, meta, message):
    with pytest.raises(InputError) as caught:
        parse_file(write(tmp_path, text, meta))
    assert message in str(caught.value)
    assert "report.txt.meta.yaml" in str(caught.value)


def test_fingerprint_covers_the_sidecar(tmp_path):
    path = write(tmp_path, REPORT)
    plain = source_fingerprint(path)
    # Without a sidecar it is the sha1 of the bytes, as the index has always stored.
    assert plain == hashlib.sha1(path.read_bytes()).hexdigest()
    sidecar_path(path).write_text("year: 2021\n", encoding="utf-8")
    with_sidecar = source_fingerprint(path)
    sidecar_path(path).write_text("year: 2022\n", encoding="utf-8")
    edited = source_fingerprint(path)
    assert len({plain, with_sidecar, edited}) == 3
    sidecar_path(path).unlink()
    assert source_fingerprint(path) == plain


def test_sidecars_are_never_documents(tmp_path):
    assert not any(suffix.endswith("yaml") for suffix in SUPPORTED_SUFFIXES)
    path = write(tmp_path, REPORT, "year: 2021\n")
    files, _ = collect_files([tmp_path], SUPPORTED_SUFFIXES)
    assert files == [path]
    assert is_sidecar(sidecar_path(path)) and not is_sidecar(path)
    with pytest.raises(InputError):
        parse_file(sidecar_path(path))
    corpus_files, _ = collect_files([default_corpus_dir()], SUPPORTED_SUFFIXES)
    assert sorted(p.name for p in corpus_files) == sorted(p.name for p in default_corpus_dir().glob("*.txt"))

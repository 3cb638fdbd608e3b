"""Export: Markdown and DOCX with corpus numbering, real tables and East Asian fonts."""

from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from assistant.case_io import load_case
from assistant.drafting import draft_report, draft_self_evaluation
from assistant.errors import InputError
from assistant.export import to_markdown, write_report
from assistant.scoring import score_case

CASES = Path(__file__).resolve().parent.parent / "evals" / "cases"


@pytest.fixture(scope="module")
def ev01():
    case = load_case(CASES / "ev01_digital_quancheng_public_data.yaml")
    return draft_report(case, score_case(case))


def test_markdown_headings_and_table(ev01):
    md = to_markdown(ev01)
    assert "## 三、综合评价情况及评价结论" in md
    assert "### （一）综合评价情况" in md
    assert "| 合计 |  | 100 | 88.8 | 88.80% |" in md


def test_docx_structure(ev01, tmp_path):
    out = write_report(ev01, tmp_path / "r.docx")
    document = docx.Document(out)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "一、项目基本情况" in headings and "（一）项目概况" in headings and "1.项目背景" in headings
    assert len(document.tables) >= 3
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_self_evaluation_form_is_one_table(tmp_path):
    case = load_case(CASES / "se10_itdf_laiwu_free_wifi.yaml")
    out = write_report(draft_self_evaluation(case, score_case(case)), tmp_path / "f.docx")
    document = docx.Document(out)
    assert len(document.tables) == 1
    cells = {c.text for row in document.tables[0].rows for c in row.cells}
    assert {"项目名称", "年度绩效指标", "偏差原因分析及改进措施", "98.57", "5.57"} <= cells


def test_no_table_row_is_split_over_a_page_break(ev01, tmp_path):
    case = load_case(CASES / "se10_itdf_laiwu_free_wifi.yaml")
    form = docx.Document(write_report(draft_self_evaluation(case, score_case(case)), tmp_path / "f.docx"))
    report = docx.Document(write_report(ev01, tmp_path / "r.docx"))
    rows = [row for document in (form, report) for table in document.tables for row in table.rows]
    assert rows and all(
        row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows
    )


@pytest.mark.parametrize("suffix", [".pdf", ".txt", ""])
def test_unsupported_suffix(ev01, tmp_path, suffix):
    with pytest.raises(InputError):
        write_report(ev01, tmp_path / f"r{suffix}")


@pytest.mark.parametrize(
    ("case", "args", "expected"),
    [
        ("se10_itdf_laiwu_free_wifi.yaml", [], "自评表"),
        ("se10_itdf_laiwu_free_wifi.yaml", ["--kind", "report"], "评价报告"),
        ("ev01_digital_quancheng_public_data.yaml", [], "评价报告"),
    ],
)
def test_draft_cli(tmp_path, case, args, expected):
    from typer.testing import CliRunner

    from assistant.cli import app

    out = tmp_path / "out.docx"
    result = CliRunner().invoke(app, ["draft", str(CASES / case), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    assert expected in result.output and "离线模板" in result.output
    assert docx.Document(out).paragraphs


def test_draft_cli_rejects_bad_suffix(tmp_path):
    from typer.testing import CliRunner

    from assistant.cli import app

    result = CliRunner().invoke(
        app, ["draft", str(CASES / "se10_itdf_laiwu_free_wifi.yaml"), "--out", str(tmp_path / "r.pdf")]
    )
    assert result.exit_code == 2 and ".docx" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r.pdf").exists()


def test_docx_has_page_numbers_and_sized_columns(ev01, tmp_path):
    document = docx.Document(write_report(ev01, tmp_path / "r.docx"))
    footer_xml = document.sections[0].footer.paragraphs[0]._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    widths = [c.width for c in _summary(document).columns]
    assert len(set(widths)) > 1  # names wider than the 分值 column


def _summary(document):
    return next(t for t in document.tables if t.rows[0].cells[0].text == "项目")


def test_docx_table_headers_repeat_and_are_shaded(ev01, tmp_path):
    document = docx.Document(write_report(ev01, tmp_path / "r.docx"))
    assert len(document.tables) > 3
    for table in document.tables:
        header = table.rows[0]._tr.xml
        assert "w:tblHeader" in header and "w:shd" in header and "D9D9D9" in header


def test_long_table_cells_are_left_aligned(ev01, tmp_path):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document(write_report(ev01, tmp_path / "r.docx"))
    summary = _summary(document)  # 绩效评价总览表: short labels, long goal and problem texts
    by_label = {row.cells[0].text: row.cells[1].paragraphs[0].alignment for row in summary.rows}
    assert by_label["绩效目标"] != WD_ALIGN_PARAGRAPH.CENTER
    assert by_label["主要问题"] != WD_ALIGN_PARAGRAPH.CENTER
    assert by_label["预算安排（万元）"] == WD_ALIGN_PARAGRAPH.CENTER

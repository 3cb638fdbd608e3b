"""Batch review: many files and folders in one `check`, JSON lines, the summary workbook, Word comments."""

import json
import zipfile
from pathlib import Path

import docx
import openpyxl
from typer.testing import CliRunner

from assistant.checking import check_file
from assistant.checking.annotate import annotate_docx
from assistant.cli import app

WRONG = "## 一、评价结论\n\n该项指标满分 14 分，得分 11 分，得分率 78.75%。\n"
RIGHT = "## 一、评价结论\n\n该项指标满分 14 分，得分 11 分，得分率 78.57%。\n"
FORM = (
    '# =HYPERLINK("http://x")项目支出绩效自评表\n\n'
    '| 项目名称 | =HYPERLINK("http://x") |\n|---|---|\n| 主管部门 | @某某局 |\n\n'
    "| 一级指标 | 三级指标 | 分值 | 得分 |\n|---|---|---|---|\n| 产出指标 | 数量 | 50 | 50 |\n"
    "| 效益指标 | 效果 | 40 | 40 |\n| 总分 |  |  | 99 |\n"
)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "决算"
    (folder / "附件").mkdir(parents=True)
    (folder / "a.md").write_text(WRONG, encoding="utf-8")
    (folder / "附件" / "b.txt").write_text(RIGHT, encoding="utf-8")
    (folder / "附件" / "c.md").write_text(FORM, encoding="utf-8")
    (folder / "~$a.md").write_text("lock file", encoding="utf-8")
    (folder / "scan.png").write_bytes(b"\x89PNG")  # not a reviewable type: skipped
    return folder


def test_folder_and_files_in_one_run_json_lines(tmp_path):
    folder = _folder(tmp_path)
    extra = tmp_path / "extra.md"
    extra.write_text(WRONG, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(folder), str(extra), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.strip().splitlines()]
    assert [Path(x["source"]).name for x in lines] == ["a.md", "b.txt", "c.md", "extra.md"]
    assert [len(x["findings"]) for x in lines] == [1, 0, 1, 1]
    assert lines[0]["findings"][0]["found"] == "78.75%"


def test_a_broken_pdf_is_named_and_the_others_reviewed(tmp_path):
    folder = _folder(tmp_path)
    (folder / "notes.pdf").write_bytes(b"%PDF")
    result = CliRunner().invoke(app, ["check", str(folder), "--json"])
    assert result.exit_code == 2
    lines = [json.loads(x) for x in result.output.strip().splitlines() if x.startswith("{")]
    broken = [x for x in lines if x["source"].endswith("notes.pdf")]
    assert len(lines) == 4 and "notes.pdf" in broken[0]["error"]


def test_summary_workbook_rows_and_text_never_formulas(tmp_path):
    folder = _folder(tmp_path)
    out = tmp_path / "复核汇总.xlsx"
    result = CliRunner().invoke(app, ["check", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[0][:7] == ("文件", "序号", "报告/表", "单位", "项目", "填报总分", "重算总分")
    rows = {r[0]: r for r in summary[1:]}
    assert rows["a.md"][7] == 1 and "78.75%" in rows["a.md"][9]
    assert rows["c.md"][5] == "99" and rows["c.md"][6] == "90"  # the stated 99 recomputed from its rows
    findings = list(wb["全部问题"].iter_rows(values_only=True))
    assert findings[0][:4] == ("文件", "序号", "报告/表", "位置") and len(findings) == 3
    with zipfile.ZipFile(out) as z:
        sheets = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets  # user text such as '=HYPERLINK(…)' is stored as text


def test_unreadable_file_in_a_batch_is_reported_and_others_reviewed(tmp_path):
    good = tmp_path / "good.md"
    good.write_text(WRONG, encoding="utf-8")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a docx")
    out = tmp_path / "sum.xlsx"
    result = CliRunner().invoke(app, ["check", str(good), str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert "无法审核" in result.output and "bad.docx" in result.output
    rows = list(openpyxl.load_workbook(out)["汇总"].iter_rows(values_only=True))
    assert any(r[0] == "bad.docx" and "无法审核" in r[9] for r in rows)
    assert any(r[0] == "good.md" and r[7] == 1 for r in rows)


def test_bad_arguments_exit_2_with_chinese_message(tmp_path):
    runner = CliRunner()
    assert "找不到" in runner.invoke(app, ["check", str(tmp_path / "none")]).output
    (tmp_path / "a.md").write_text(RIGHT, encoding="utf-8")
    (tmp_path / "b.md").write_text(RIGHT, encoding="utf-8")
    result = runner.invoke(app, ["check", str(tmp_path), "--case", "x.yaml"])
    assert result.exit_code == 2 and "--case" in result.output
    result = runner.invoke(app, ["check", str(tmp_path / "a.md"), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "xlsx" in result.output


def _draft_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_heading("一、综合评价", level=1)
    p = d.add_paragraph("决策指标满分 14 分，得分 11 分，")
    p.add_run("得分率 78.75%。").bold = True
    table = d.add_table(rows=3, cols=4)
    for r, row in enumerate(
        [
            ["一级指标", "分值", "得分", "得分率"],
            ["决策", "14", "11", "78.75%"],
            ["过程", "16", "14", "87.50%"],
        ]
    ):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.add_paragraph("实施成效：（待补充）")
    d.save(path)
    return path


def test_annotated_copy_has_a_comment_on_each_figure(tmp_path):
    source = _draft_docx(tmp_path / "报告.docx")
    report = check_file(source)
    assert len(report.findings) == 3
    out = tmp_path / "out" / "报告（审核批注）.docx"
    assert annotate_docx(source, report.findings, out) == 3
    annotated = docx.Document(str(out))
    comments = list(annotated.comments)
    assert len(comments) == 3 and all(c.author == "pe-assistant 审核" for c in comments)
    texts = [c.text for c in comments]
    assert any("78.57%" in t and "算术" in t for t in texts) and any("待补充" in t for t in texts)
    body = annotated.element.body.xml
    assert body.count("commentRangeStart") == 3
    # the comment on the sentence spans exactly the figure's run; the text reads as before
    assert annotated.paragraphs[1].text == "决策指标满分 14 分，得分 11 分，得分率 78.75%。"
    assert any(r.text == "78.75%" and r.bold for r in annotated.paragraphs[1].runs)
    assert docx.Document(str(source)).comments is not None  # the original is untouched
    assert len(list(docx.Document(str(source)).comments)) == 0


def test_cli_annotate_writes_next_to_the_original(tmp_path):
    source = _draft_docx(tmp_path / "报告.docx")
    result = CliRunner().invoke(app, ["check", str(source), "--annotate"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "报告（审核批注）.docx").exists()

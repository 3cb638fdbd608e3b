"""The drafting eval's rubric figures measure what an evaluator reads: stock causes, other clients' documents,
indicators analysed one by one, appendices."""

from pathlib import Path

from assistant.case_io import load_case
from assistant.evaluation.drafting_eval import OTHER_CLIENT, rubric
from assistant.models import Citation
from assistant.report import Paragraph, Report, Section

CASE = Path(__file__).resolve().parent.parent / "evals" / "cases" / "ev03_data_sharing_platform_ops.yaml"


def _report(sections, values):
    return Report(title="t", sections=sections, values=values, origins={k: "case" for k in values})


def test_rubric_counts_stock_causes_other_documents_and_analysed_rows():
    case = load_case(CASE)
    key = case.indicators[0].key
    values = {
        f"indicator[{key}].score": "3",
        "finding[0].text": "合同首付款比例较高",
        "finding[0].cause": "验收节点未约定",
    }
    sections = [
        Section(
            id="analysis.x",
            title="决策指标分析",
            level=2,
            paragraphs=[Paragraph.from_template(f"立项依据充分性得{{ref:indicator[{key}].score}}分。")],
        ),
        Section(
            id="problems.过程",
            title="过程方面的问题",
            level=3,
            paragraphs=[
                Paragraph.from_template(
                    "{ref:finding[0].text}。主要原因是管理制度执行不够到位。", label="（1）"
                ),
                Paragraph.from_template(
                    "{ref:finding[0].text}。主要原因是{ref:finding[0].cause}。", label="（2）"
                ),
                Paragraph.from_template("进度滞后。原因未写明，请补充（待补充）。", label="（3）"),
            ],
        ),
        Section(
            id="suggestions.1",
            title="建议",
            level=2,
            paragraphs=[Paragraph.from_template("建议制定办法。")],
            citations=[Citation(n=1, document=OTHER_CLIENT, section="六", quote="建议…")],
        ),
    ]
    report = _report(sections, values)
    figures = rubric(case, report, f"正文引用《{OTHER_CLIENT}》")
    assert figures.leaves_analysed == 1 and figures.leaves == len(case.indicators)
    assert figures.themes == 3 and figures.themes_with_evidence == 2
    assert figures.stock_causes == 1 and "管理制度执行" in figures.stock_cause_sentences[0]
    assert figures.other_documents == 2
    assert figures.appendices == 0 and figures.appendices_expected == 3
    assert figures.placeholders == 0

"""Outlines are data files; problems are themes with causes from the case; recommendations name who acts."""

from pathlib import Path

import pytest

from assistant.case_io import load_case
from assistant.drafting import draft_report
from assistant.drafting.outline import load_outline, outline_ids
from assistant.errors import InputError
from assistant.export import to_markdown
from assistant.report import free_numbers
from assistant.scoring import score_case

ROOT = Path(__file__).resolve().parent.parent
EV03 = ROOT / "evals" / "cases" / "ev03_data_sharing_platform_ops.yaml"
SCHOOL = ROOT / "evals" / "drafting" / "school_meal_subsidy_rich.yaml"
ROADS = ROOT / "evals" / "drafting" / "rural_roads_maintenance_sparse.yaml"


def test_outline_files_and_choice():
    assert {"national", "four_level", "self_report"} <= set(outline_ids())
    with pytest.raises(InputError, match="可选"):
        load_outline("nowhere")


@pytest.mark.parametrize("outline", ["national", "four_level", "self_report"])
def test_each_outline_drafts_a_whole_report(outline):
    case = load_case(EV03)
    report = draft_report(case, score_case(case), outline=outline)
    chosen = load_outline(outline)
    level1 = [s.title for s in report.sections if s.level == 1 and s.numbered]
    assert level1 == [h.title for h in chosen.headings if h.id != "h.summary"]
    assert not [p.template for p in report.paragraphs() if free_numbers(p.template)]
    if outline == "self_report":
        assert report.title.endswith("绩效自评报告")
        assert [s.title for s in report.sections if s.id == "suggestions"] == ["改进措施"]
        assert not any(s.id == "appendix.criteria" for s in report.sections)


def test_four_level_case_gets_the_four_level_outline():
    case = load_case(ROOT / "evals" / "cases" / "ev04_shanghai_data_operations_2020.yaml")
    report = draft_report(case, score_case(case))
    titles = [s.title for s in report.sections]
    assert "项目决策情况" in titles and "绩效评价总览表" not in titles


def test_rich_case_joins_one_story_and_writes_the_missing_rules():
    case = load_case(SCHOOL)
    report = draft_report(case, score_case(case))
    markdown = to_markdown(report)
    problems = [p.render(report.values) for s in report.part("problems") for p in s.paragraphs if p.label]
    assert 3 <= len(problems) <= 6
    # The late autumn payment and the year-end balance it left are one problem, with the case's cause.
    story = next(t for t in problems if "年末结余资金" in t)
    assert "补助资金拨付及时性" in story and "主要原因是秋季学期补助资金需待学籍核定后拨付" in story
    advice = " ".join(p.render(report.values) for s in report.part("suggestions") for p in s.paragraphs)
    assert "制定《松川县学校食堂食材采购管理办法》" in advice
    assert "附件四：满意度调查统计" in markdown and "北辰联合会计师事务所（特殊普通合伙）" in markdown


def test_sparse_case_asks_instead_of_inventing():
    case = load_case(ROADS)
    report = draft_report(case, score_case(case))
    text = " ".join(p.render(report.values) for s in report.part("problems") for p in s.paragraphs)
    assert "主要原因是" not in text  # the case states no cause anywhere
    rows = report.part("checklist")[0].tables[0].render_rows(report.values)
    assert any("原因" in row[0] for row in rows) and any(row[0] == "评价机构" for row in rows)


def test_unrelated_problems_stay_apart_when_a_report_has_many():
    from assistant.drafting import context_for
    from assistant.drafting.problems import themes

    # The evaluator of the Jinan report listed its nine findings one by one (附件4 问题清单): none is joined to
    # another to keep a count down, and no theme spans two categories.
    case = load_case(ROOT / "evals" / "cases" / "ev02_smart_quancheng_phase1.yaml")
    ctx = context_for(case, score_case(case))
    found, _ = themes(ctx)
    told = [[ctx.values[p.text_key] for p in t.problems if p.from_finding] for t in found]
    assert sorted(len(t) for t in told if t) == [1] * len(case.findings)
    # A quality finding (water tested over the limit) is not folded into a late-completion theme.
    sewage = load_case(ROOT / "evals" / "drafting" / "rural_sewage_treatment_partial.yaml")
    ctx = context_for(sewage, score_case(sewage))
    for t in themes(ctx)[0]:
        texts = " ".join(ctx.values[p.text_key] for p in t.problems)
        assert not ("总磷" in texts and "完工及时率" in texts), texts

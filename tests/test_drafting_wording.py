"""How the offline drafts read: problem types matched to the right advice, no recommendation or cause
repeated word for word, punctuation and quotes as a Chinese report writes them."""

import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.case_io import load_case
from assistant.drafting import draft_report
from assistant.drafting.phrasebook import ADVICE, CATEGORY_DEFAULTS, advice_for
from assistant.report import free_numbers
from assistant.scoring import score_case

CASES = sorted((Path(__file__).resolve().parent.parent / "evals" / "cases").glob("*.yaml"))


@pytest.fixture(scope="module")
def reports():
    out = {}
    for path in CASES:
        case = load_case(path)
        out[path.stem] = draft_report(case, score_case(case))
    return out


def _texts(report, part):
    return [p.render(report.values) for s in report.part(part) for p in s.paragraphs]


@pytest.mark.parametrize(
    ("problem", "category", "title"),
    [
        ("方案论证不够充分，存在缺少项目前期问卷调查等问题", "决策", "加强项目前期论证，提高决策科学性"),
        (
            "预算执行率 2022年预算执行率78.65%，178.92万元资金结转至下年度支付",
            "过程",
            "加快预算执行进度，提高资金使用效率",
        ),
        ("采购合同验收及付款进度约定不合理", "过程", "规范合同管理和资金支付，做到按进度、按实结算"),
        (
            "制度有待进一步健全：未针对项目单独建立相关的运维和安全巡查制度",
            "过程",
            "健全项目管理制度，强化制度执行",
        ),
        ("建议完善运维巡检制度，加密设备巡检频次", "产出", "加强日常运维巡检，保障设备和系统稳定运行"),
        (
            "节约办事成本 保险箱个人数据资产页面设计上存在不足，用户感到不便",
            "效益",
            "优化系统功能设计，提升用户使用体验",
        ),
        ("智管中心能耗降低率为2%，未达到3%目标值", "效益", "加强节能管理，落实能耗控制目标"),
        ("项目长效机制有待进一步完善", "效益", "建立健全长效机制，增强项目可持续性"),
        ("爱城市网APP停止运行", "效益", CATEGORY_DEFAULTS["效益"].title),
        # Equipment a service lacks is a capacity shortfall; equipment that costs too much is a cost one.
        ("助浴需专用设备和持证护理员，承接机构配置不足", "产出", "加强服务能力建设，配齐人员和设备"),
        ("检测设备购置费用超出预算", "产出", "加强成本控制，提高预算编制精细度"),
    ],
)
def test_problem_type(problem, category, title):
    assert advice_for(problem, category).title == title


@pytest.mark.parametrize("advice", [*ADVICE, *CATEGORY_DEFAULTS.values()], ids=lambda a: a.title)
def test_every_wording_is_distinct_and_figure_free(advice):
    wordings = [advice.wording(n) for n in range(len(advice.variants) + 1)]
    assert advice.wording(len(wordings)) is None
    assert len({t for t, _ in wordings}) == len(wordings) and len({b for _, b in wordings}) == len(wordings)
    for title, body in wordings:
        assert not free_numbers(title + body + advice.cause)
        assert body.startswith("建议")


@pytest.mark.parametrize("stem", [p.stem for p in CASES])
def test_no_recommendation_or_cause_repeats_word_for_word(reports, stem):
    report = reports[stem]
    bodies = [
        s.paragraphs[0].render(report.values).split("，", 1)[1]
        for s in report.part("suggestions")
        if s.level == 2
    ]
    assert len(bodies) == len(set(bodies))
    causes = Counter(
        m.group(0) for text in _texts(report, "problems") for m in re.finditer(r"主要原因是[^。]*。", text)
    )
    assert all(n == 1 for n in causes.values()), causes


@pytest.mark.parametrize("stem", ["ev01_digital_quancheng_public_data", "ev02_smart_quancheng_phase1"])
def test_several_problems_of_one_type_get_different_headings(reports, stem):
    titles = [s.title for s in reports[stem].part("suggestions") if s.level == 2]
    assert len(titles) == len(set(titles))


@pytest.mark.parametrize("stem", [p.stem for p in CASES])
def test_punctuation_and_quotes(reports, stem):
    report = reports[stem]
    for text in _texts(report, "problems") + _texts(report, "suggestions"):
        assert "。（依据" not in text and "。。" not in text
        assert not re.search(r"“[^”]*“", text), text  # a quote inside a quote uses ‘ ’


def test_a_small_loss_is_one_line_not_a_problem(reports):
    text = " ".join(_texts(reports["ev01_digital_quancheng_public_data"], "problems"))
    line = next(
        t for t in _texts(reports["ev01_digital_quancheng_public_data"], "problems") if t.startswith("此外")
    )
    assert "社会公众满意度（扣" in line and "不单列为问题" in line
    assert "社会公众满意度方面" not in text


def test_a_problem_without_a_stated_cause_asks_for_one():
    """No stock cause: an untyped finding without 原因分析 gets a question in the one checklist."""
    from assistant.case import Finding

    case = load_case(CASES[0])
    untyped = [
        Finding(category="效益", text="爱城市网APP停止运行"),
        Finding(category="效益", text="群众知晓度偏低", cause="宣传推广渠道单一，未开展线下宣传"),
    ]
    case = case.model_copy(update={"findings": [*case.findings, *untyped]})
    report = draft_report(case, score_case(case))
    text = " ".join(_texts(report, "problems"))
    assert all(a.cause not in text for a in CATEGORY_DEFAULTS.values())
    assert "主要原因是宣传推广渠道单一" in text
    checklist = report.part("checklist")[0].tables[0].render_rows(report.values)
    assert any("系统平台技术相对落后" in row[0] and "原因" in row[0] for row in checklist)


def test_cause_clause_gives_way_to_its_consequence(reports):
    text = " ".join(_texts(reports["ev02_smart_quancheng_phase1"], "suggestions"))
    assert "“由于" not in text


@pytest.mark.parametrize(
    ("implementer", "expected", "unexpected"),
    [
        ("济南市大数据局", "项目主管部门和实施单位均为济南市大数据局。", "实施单位为"),
        ("济南市信息中心", "项目主管部门为济南市大数据局，实施单位为济南市信息中心。", "均为"),
    ],
)
def test_one_unit_is_named_once(implementer, expected, unexpected):
    case = load_case(CASES[0])
    case = case.model_copy(update={"project": case.project.model_copy(update={"implementer": implementer})})
    report = draft_report(case, score_case(case))
    text = " ".join(_texts(report, "overview"))
    assert expected in text and unexpected not in text


@pytest.mark.parametrize(
    ("stem", "phrase"),
    [("ev01_digital_quancheng_public_data", "失分分布在"), ("se10_itdf_laiwu_free_wifi", "失分主要集中在")],
)
def test_loss_spread_wording(reports, stem, phrase):
    assert phrase in " ".join(_texts(reports[stem], "conclusion"))


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("立项程序规范性", "偏差原因：未进行事前绩效评估（扣0.25分）"),
        ("绩效指标明确性", "所设置绩效目标设置不够清晰明确（扣0.5分）。改进措施："),
    ],
)
def test_form_deviation_of_an_evaluation_row_states_its_deductions(row, expected):
    from assistant.drafting import draft_self_evaluation

    case = load_case(CASES[0])
    report = draft_self_evaluation(case, score_case(case))
    text = next(
        r.deviation.render(report.values)
        for r in report.form.indicators
        if r.level3.render(report.values) == row
    )
    assert text.startswith("偏差原因：") and expected in text
    assert "未达到年度指标值" not in text


def test_form_deviation_without_any_reason_says_so():
    from assistant.drafting import context_for
    from assistant.drafting.self_eval import deviation_text

    case = load_case(CASES[0])
    ind = next(i for i in case.indicators if i.path[-1] == "社会公众满意度")
    ctx = context_for(case, score_case(case))
    text = deviation_text(ctx, ind).replace("{ref:", "{")
    assert "案例未写明具体原因" in text and "未达到年度指标值" not in text


@pytest.mark.parametrize(
    ("stem", "intro", "experience"),
    [
        (
            "se10_itdf_laiwu_free_wifi",
            "经评价，项目在产出方面存在以下问题。",
            "成本指标、效益指标、满意度指标均得满分",
        ),
        (
            "ev01_digital_quancheng_public_data",
            "经评价，项目在决策、过程、产出、效益等方面存在问题，按成因归并列示如下。",
            "成本方面的指标均得满分",
        ),
    ],
)
def test_intros_name_only_what_is_there(reports, stem, intro, experience):
    assert _texts(reports[stem], "problems")[0] == intro
    assert experience in " ".join(_texts(reports[stem], "experience"))


@pytest.mark.parametrize(
    "stem",
    [
        "ev01_digital_quancheng_public_data",
        "ev02_smart_quancheng_phase1",
    ],
)
def test_summary_advice_uses_the_recommendation_headings(reports, stem):
    report = reports[stem]
    table = report.part("summary")[0].tables[0].render_rows(report.values)
    advice = next(row[1] for row in table if row[0] == "有关建议").rstrip("。").split("；")
    headings = {s.title for s in report.part("suggestions") if s.level == 2}
    assert advice and set(advice) <= headings


def test_a_row_that_states_a_closure_is_a_problem_not_an_achievement():
    from assistant.case import Case
    from assistant.drafting import context_for
    from assistant.drafting.problems import themes

    case = load_case(
        Path(__file__).resolve().parent.parent / "evals" / "drafting" / "rural_roads_maintenance_sparse.yaml"
    )
    data = case.model_dump(mode="json", exclude_none=True)
    row = next(i for i in data["indicators"] if i["path"][-1] == "养护长效机制建立情况")
    row.update(actual="2个乡镇养护站停业整顿", reason="2个乡镇养护站已停业整顿")
    ctx = context_for(Case.model_validate(data), score_case(Case.model_validate(data)))
    found, minor = themes(ctx)
    assert not any("养护长效机制建立情况" in i.path[-1] for p in minor for i in p.indicators)
    assert any("停业整顿" in ctx.values[p.text_key] for t in found for p in t.problems)

"""The answerer's general mechanisms: query rewriting, asking-word compounds, table rows kept whole, grade bands
versus an indicator's tiers, and report outlines from a document's headings."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from retrieval_fakes import CharBagEmbeddings

from assistant import answering
from assistant.answering import answer_question
from assistant.evidence import TermWeights, statements
from assistant.index import KnowledgeIndex, Tokenizer
from assistant.models import Chunk
from assistant.outline_answer import document_outline, is_outline_question
from assistant.questions import asks_grade
from assistant.retrieval import RetrievedPassage, Retriever
from assistant.text import is_asking_word, rewrite_query, separate_quantities


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("总分低于80分自评表要写什么", "总分低于80分 自评表要写什么"),
        ("得了85分算哪档", "得了85分 算哪档"),
        ("执行率95.5%的话", "执行率95.5% 的话"),
        ("2023年度项目", "2023年 度项目"),
        ("满分10分", "满分10分"),
    ],
)
def test_quantities_are_kept_apart_from_the_next_word(question, expected):
    assert separate_quantities(question) == expected


@pytest.mark.parametrize(
    ("question", "holds", "lacks"),
    [
        ("钱花得慢扣分吗", "预算执行率", "钱花"),
        ("支出进度怎么考核", "预算执行率", "支出进度"),
        ("经费到年底还没花出去会怎样", "预算执行率", "花出去"),
        ("工程拖期了怎么扣分", "不按时完成", "拖期"),
        ("档案资料不全扣分吗", "归档", "不全"),
        ("满意度调查低于85%怎么扣分", "满意度低于85%", "调查"),
        ("满意度调查问卷怎么设计", "满意度调查", "XX"),
        ("预算执行率怎么算", "预算执行率", "XX"),
    ],
)
def test_staff_phrasings_are_rewritten_for_searching(question, holds, lacks):
    rewritten = rewrite_query(question)
    assert holds in rewritten
    assert lacks not in rewritten


@pytest.mark.parametrize(
    ("word", "expected"),
    [("计算方法", True), ("扣分标准", True), ("考核", True), ("资金到位率", False), ("满意度", False)],
)
def test_asking_word_compounds(word, expected):
    assert is_asking_word(word) is expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("80分算良还是中", True),
        ("评价等级怎么划分", True),
        ("多少分以上才算优秀", True),
        ("满意度各个档次分别给多少分", False),
        ("差旅费住宿标准", False),
    ],
)
def test_grade_questions_are_told_from_tier_questions(question, expected):
    assert asks_grade(question) is expected


RULES = (
    "评价结果分为四个等级：90分以上为“优”；80分（含）~90分为“良”；60分（含）~80分为“中”；低于60分为“差”。\n"
    "服务满意度 | 5 | 满意度调查。 | 满意度≥90%，得满分；90%>满意度≥85%，得 4.5 分；满意度<60%，不得分。\n"
    "差旅费：指单位工作人员出差每天发生的住宿费、交通费等支出。\n"
)


def _chunker(outline: bool = False):
    def chunk_file(path: Path) -> list[Chunk]:
        lines = [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
        return [
            Chunk(
                id=f"{Path(path).stem}-{i}-{hashlib.sha1(line.encode()).hexdigest()[:8]}",
                text=line,
                document=f"{Path(path).stem}绩效评价报告",
                heading_path=[line.split(" ")[0]] if outline else ["附件"],
                position=i,
                source=Path(path).name,
                doc_type="report",
            )
            for i, line in enumerate(lines)
        ]

    return chunk_file


@pytest.fixture(scope="module")
def rules_retriever(tmp_path_factory) -> Retriever:
    root = tmp_path_factory.mktemp("mechanisms")
    (root / "rules.txt").write_text(RULES, encoding="utf-8")
    index = KnowledgeIndex(
        root / "index", CharBagEmbeddings(), Tokenizer(["满意度", "等级", "差旅费", "住宿费"]), pipeline="t"
    )
    index.ingest([root / "rules.txt"], _chunker())
    return Retriever(index)


def _passages(retriever: Retriever) -> list[RetrievedPassage]:
    return [RetrievedPassage(chunk=c, score=1.0) for c in retriever.index.chunks()]


def test_a_table_row_is_one_statement(rules_retriever):
    question = "服务满意度怎么评分"
    found = statements(
        _passages(rules_retriever), TermWeights(question, rules_retriever), "rule", question=question
    )
    row = next(s for s in found if "满意度调查" in s.quote)
    assert "4.5" in row.quote, "the row's rule cell stays with its indicator cell"


def test_tiers_of_an_indicator_outrank_the_grade_bands(rules_retriever):
    question = "满意度各个档次分别给多少分"
    found = statements(
        _passages(rules_retriever), TermWeights(question, rules_retriever), "bands", question=question
    )
    assert "4.5" in found[0].quote
    grade = "80分算良还是中"
    found = statements(
        _passages(rules_retriever), TermWeights(grade, rules_retriever), "bands", question=grade
    )
    assert "“良”" in found[0].quote


OUTLINE = (
    "一、项目基本情况 本评价报告包括以下几部分，项目于2022年立项。\n"
    "二、绩效评价工作开展情况 评价组采用问卷调查。\n"
    "三、综合评价情况及评价结论 项目得分88分。\n"
    "四、绩效评价指标分析 决策指标得分11分。\n"
    "五、有关建议 建议细化绩效目标。\n"
)


@pytest.fixture(scope="module")
def outline_retriever(tmp_path_factory) -> Retriever:
    root = tmp_path_factory.mktemp("outline")
    (root / "示例.txt").write_text(OUTLINE, encoding="utf-8")
    index = KnowledgeIndex(root / "index", CharBagEmbeddings(), Tokenizer(["绩效评价"]), pipeline="t")
    index.ingest([root / "示例.txt"], _chunker(outline=True))
    return Retriever(index)


def test_outline_questions(outline_retriever):
    assert is_outline_question("绩效评价报告一般包括哪几部分")
    assert not is_outline_question("预算执行率包括哪些资金")
    document, parts = document_outline(outline_retriever, _passages(outline_retriever)[:1])
    assert document == "示例绩效评价报告"
    assert [heading for heading, _, _ in parts] == [
        "一、项目基本情况",
        "二、绩效评价工作开展情况",
        "三、综合评价情况及评价结论",
        "四、绩效评价指标分析",
        "五、有关建议",
    ]
    for heading, passage, statement in parts:
        assert statement.quote in passage.chunk.text and heading in statement.quote


def test_outline_answer_lists_the_parts_in_order_with_citations(outline_retriever, monkeypatch):
    monkeypatch.setattr(answering, "DEFAULT_MIN_SIMILARITY", 2.0)
    answer = answer_question("绩效评价报告一般包括哪几部分", outline_retriever)
    assert answer.found
    lines = answer.answer.splitlines()
    assert lines[1].startswith("- 一、项目基本情况 [1]")
    assert lines[-1].startswith("- 五、有关建议 [5]")
    assert len(answer.citations) == 5


def test_an_amount_asked_needs_a_figure(rules_retriever, monkeypatch):
    monkeypatch.setattr(answering, "DEFAULT_MIN_SIMILARITY", 2.0)
    assert not answer_question("差旅费住宿费每天多少钱", rules_retriever).found
    assert answer_question("满意度低于85%扣多少分", rules_retriever).found


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("干完", True),
        ("钱花", True),
        ("护照", False),
        ("医保", False),
        ("国库", False),
        ("AP", False),
        # Rare dictionary entries: a word and a loose character are phrasing; two common words name a thing.
        ("写点", True),
        ("会扣", True),
        ("审计报告", False),
        ("事业单位", False),
    ],
)
def test_colloquial_words_name_nothing(word, expected):
    from assistant.text import is_colloquial

    assert is_colloquial(word) is expected


def test_a_colloquial_word_does_not_sink_coverage(rules_retriever):
    chunk = next(c for c in rules_retriever.index.chunks() if "差旅费" in c.text)
    plain = rules_retriever.coverage(["差旅费", "住宿费"], chunk)
    spoken = rules_retriever.coverage(["差旅费", "住宿费", "干完"], chunk)
    foreign = rules_retriever.coverage(["差旅费", "住宿费", "护照"], chunk)
    assert plain == 1.0
    assert spoken > foreign
    assert spoken >= 0.75 > foreign


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("预算三百六十万，执行了三百二十四万", "预算360万，执行了324万"),
        ("执行率百分之八十八点五", "执行率88.5%"),
        ("满意度九成二", "满意度92%"),
        ("一千零五十个", "1050个"),
        ("一百五个", "150个"),
        ("查出三处问题", "查出3处问题"),
        ("总分八十九点九", "总分89.9"),
        # Words holding a numeral character stay as written.
        ("一级指标一天多少钱", "一级指标一天多少钱"),
        ("三公经费统一口径", "三公经费统一口径"),
        ("哪一项扣分", "哪一项扣分"),
        ("第一次", "第一次"),
        ("成本控制", "成本控制"),
    ],
)
def test_spoken_numbers_are_read_as_digits(spoken, written):
    from assistant.text import spoken_numbers

    assert spoken_numbers(spoken) == written


@pytest.mark.parametrize(
    ("question", "result"),
    [
        ("预算三百六十万，执行了三百二十四万，自评表预算执行得几分", "得 9 分"),
        ("年度指标值四百套，实际完成三百套，4分的数量指标得多少", "得 3 分"),
        ("此项5分，查出四处问题每处扣0.5，还剩多少", "得 3 分"),
        ("综合得分八十九点九评几等", "等级为“良”"),
    ],
)
def test_spoken_figures_get_a_worked_example(question, result):
    from assistant.questions import analyse
    from assistant.worked import worked_example

    analysed = analyse(question)
    assert analysed.kind == "compute"
    worked = worked_example(analysed.parts[0])
    assert worked is not None and worked.result == result


@pytest.mark.parametrize(
    ("question", "holds"),
    [
        ("没走公开招标直接定了供应商扣分吗", "政府采购规范性"),
        ("先干后签合同有影响吗", "合同签订"),
        ("专项资金被挤占了怎么评", "资金使用合规性"),
        ("会计凭证弄丢了扣分吗", "凭证 资料齐全"),
        ("指标定得太笼统会怎样", "可衡量"),
        ("KPI怎么设", "绩效指标"),
        ("运维SLA超时怎么扣", "服务响应时间"),
    ],
)
def test_colloquial_rule_phrasings_reach_the_rule_words(question, holds):
    assert holds in rewrite_query(question)


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("报告里有关建议那部分咋写", "有关建议"),
        ("经验做法那段写些什么", "主要经验及做法"),
        ("偏差原因那一栏咋填", "偏差原因分析及改进措施"),
        ("预算执行率怎么算", None),
    ],
)
def test_how_to_questions_name_the_part_written(question, first):
    words = answering.written_part_words(question)
    assert (words[0] if words else None) == first


def test_a_value_question_needs_its_subject_in_the_statements(rules_retriever, monkeypatch):
    """满意度 is in the knowledge base, but no statement says what share of people is sampled: not an answer."""
    monkeypatch.setattr(answering, "DEFAULT_MIN_SIMILARITY", 2.0)
    assert not answer_question("满意度调查的抽样比例是多少", rules_retriever).found
    assert answer_question("满意度低于60%得多少分", rules_retriever).found


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("满意度怎么计分？低于60%还给分不", 2),
        ("得分率怎么算，85分算什么档次", 2),
        ("自评总分85.5分，算良吗", 1),
        ("问卷五级打分，非常满意10人、满意2人，满意度得分率多少，5分的话得几分", 1),
    ],
)
def test_two_part_questions_are_split(question, parts):
    from assistant.questions import analyse

    assert len(analyse(question).parts) == parts


NAMED_REPORTS = {
    "2022年度城区供水管网改造项目": "五、综合评价结论 综合各方面考虑，本项目总得分为 91 分，评价结论为优秀。",
    "2022年度农村供水管网巡检服务项目": "五、综合评价结论 综合各方面考虑，本项目总得分为 86 分，评价结论为良好。",
    "2022年度中小学营养餐补助项目": "五、综合评价结论 综合各方面考虑，本项目总得分为 93 分，评价结论为优秀。",
    "2022年度校园安保服务项目（护校安园）": "五、综合评价结论 综合各方面考虑，本项目总得分为 88 分，评价结论为良好。",
}
"""Four reports whose titles share words (2022年度, 供水管网, 服务项目) and each hold a total score."""


@pytest.fixture(scope="module")
def reports_retriever(tmp_path_factory) -> Retriever:
    root = tmp_path_factory.mktemp("named")
    files = []
    for title, conclusion in NAMED_REPORTS.items():
        path = root / f"{title}.txt"
        path.write_text(f"一、项目概况 本项目由区教育和水务部门实施。\n{conclusion}\n", encoding="utf-8")
        files.append(path)
    index = KnowledgeIndex(root / "index", CharBagEmbeddings(), Tokenizer(["总得分"]), pipeline="t")
    index.ingest(files, _chunker())
    return Retriever(index)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("护校安园那个项目最后得了多少分", "2022年度校园安保服务项目（护校安园）绩效评价报告"),
        ("供水管网巡检的项目评价几分", "2022年度农村供水管网巡检服务项目绩效评价报告"),
        ("营养餐那个评价结论是啥", "2022年度中小学营养餐补助项目绩效评价报告"),
        ("预算执行率咋算分", None),
        ("服务项目的总得分怎么算", None),
    ],
)
def test_a_question_names_a_document_in_its_own_words(reports_retriever, question, title):
    named = answering.named_documents(question, reports_retriever)
    assert named == ((title,) if title else ())


def test_a_named_project_is_answered_from_its_own_report(reports_retriever):
    answer = answer_question("供水管网巡检的项目评价几分", reports_retriever)
    assert answer.found
    assert "86" in answer.answer.splitlines()[0]
    assert answer.citations[0].document == "2022年度农村供水管网巡检服务项目绩效评价报告"


def test_which_tier_asked_with_a_total_gets_the_grade_worked():
    from assistant.worked import worked_example

    worked = worked_example("年终总分打了71.5，落在哪一档")
    assert worked is not None and worked.result == "等级为“中”"

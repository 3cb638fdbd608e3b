"""How a rule answer reads: a first sentence composed from the cited rules, the formula, the scorer's example,
then each document's rule as '指标（分值）：规则' — and what is not evidence (a reported score for a question asking
what to do; a statement sharing only 评分/评价 with the question)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from retrieval_fakes import CharBagEmbeddings

from assistant import answering
from assistant.answering import answer_question
from assistant.composing import lead_sentence, scoring_features
from assistant.evidence import TermWeights, statements
from assistant.index import KnowledgeIndex, Tokenizer
from assistant.models import Chunk
from assistant.quotes import rule_row
from assistant.retrieval import RetrievedPassage, Retriever

HEADER = "一级指标 | 三级指标 | 分值 | 指标说明 | 评分办法"
REPORTS = {
    "河道保洁": (
        f"{HEADER}\n"
        "产出 | 巡查完成率 | 3 | 反映巡查任务的完成程度。 | 巡查完成率=（实际巡查次数/计划巡查次数）×100%。"
        "①巡查完成率达 98%及以上，得 3 分；②巡查完成率低于 98%，得分=巡查完成率×3。\n"
        "单位自评优，评分96分。"
    ),
    "路灯维护": (
        f"{HEADER}\n"
        "产出 | 巡查完成率 | 2 | 反映巡查任务的完成程度。 | 巡查完成率=（实际巡查次数/计划巡查次数）×100%。"
        "①巡查完成率≥90%，得 2 分；②巡查完成率未达 90%，得分=巡查完成率×2；③低于 50%，该指标不得分。\n"
        "单位自评良，评分88分。"
    ),
    "公厕管护": "单位自评优，评分93分。\n项目评分结果在公示后归档。",
}


def _chunk_file(path: Path) -> list[Chunk]:
    text = Path(path).read_text(encoding="utf-8")
    lines = text.splitlines()
    chunks = []
    for i, line in enumerate(lines):
        if line == HEADER:
            continue
        body = f"{HEADER}\n{line}" if "|" in line else line
        chunks.append(
            Chunk(
                id=f"{Path(path).stem}-{i}-{hashlib.sha1(line.encode()).hexdigest()[:8]}",
                text=body,
                document=f"{Path(path).stem}项目绩效评价报告",
                heading_path=["附件"],
                position=i,
                source=Path(path).name,
                doc_type="report",
            )
        )
    return chunks


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Retriever:
    root = tmp_path_factory.mktemp("composing")
    paths = []
    for name, text in REPORTS.items():
        path = root / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    index = KnowledgeIndex(
        root / "index", CharBagEmbeddings(), Tokenizer(["巡查完成率", "巡查", "自评"]), pipeline="t"
    )
    index.ingest(paths, _chunk_file)
    return Retriever(index)


def test_a_scoring_row_reads_as_indicator_points_and_rule():
    row = rule_row(
        "产出 | 巡查完成率 | 3 | 反映巡查任务的完成程度。 | ①达 98%及以上，得 3 分；②低于 98%，得分=巡查完成率×3。"
    )
    assert row is not None
    assert row.text() == "巡查完成率（3分）：①达 98%及以上，得 3 分；②低于 98%，得分=巡查完成率×3。"
    # A self-evaluation row: '=100%' is a target, 0.5 a score obtained; no rule cell, so it is left as it is.
    assert rule_row("受惠企业满意度 | =100% | 100% | 1 | 0.5 | 偏差原因：系统切换") is None
    assert rule_row("单位自评优，评分96分。") is None


def test_the_first_sentence_says_what_the_rules_share_and_where_they_differ():
    a = scoring_features("①完成率达 98%及以上，得 3 分；②完成率低于 98%，得分=完成率×3。")
    b = scoring_features("①完成率≥90%，得 2 分；②未达 90%，得分=完成率×2；③低于 50%，该指标不得分。")
    assert a == {"full_at": "98%", "proportional": ""}
    assert b == {"full_at": "90%", "proportional": "", "zero_below": "50%"}
    sentence = lead_sentence("完成率", [(a, 1), (b, 1)])
    assert sentence.startswith("各报告对完成率的计分口径不同：均规定按比例计分")
    assert "1份规定完成率达到98%即得满分" in sentence and "1份规定低于50%不得分" in sentence
    assert lead_sentence("完成率", [(a, 1)]).startswith("完成率的计分规则：")
    assert lead_sentence("完成率", [({}, 2)]) == ""
    # A formula taking an overrun off full marks is not points in proportion.
    c = scoring_features(
        "①成本达到评价标准，得满分；②未达到的，得分=满分-(超支比率×满分)；超出预算15%以上，不得分。"
    )
    assert c == {"full_at_target": "评价标准", "off_full": "", "zero_above": "15%"}


def test_a_rule_answer_opens_with_a_sentence_and_shows_rows_readably(reports, monkeypatch):
    monkeypatch.setattr(answering, "DEFAULT_MIN_SIMILARITY", 2.0)
    answer = answer_question("巡查完成率怎么计分", reports)
    assert answer.found
    lines = answer.answer.splitlines()
    assert lines[0].startswith("各报告对巡查完成率的计分口径不同："), lines[0]
    assert lines[1].startswith("计算公式：巡查完成率=（实际巡查次数/计划巡查次数）×100%")
    rows = [line for line in lines if line.startswith("- ")]
    assert any("巡查完成率（3分）：①" in line for line in rows)
    assert any("巡查完成率（2分）：①" in line for line in rows)
    assert "评分办法：" not in answer.answer and "指标说明" not in answer.answer
    assert "反映巡查任务的完成程度" not in answer.answer, "the explanation cell is not the rule"


def test_a_reported_score_is_not_a_rule(reports):
    passages = [RetrievedPassage(chunk=c, score=1.0) for c in reports.index.chunks()]
    question = "自评评分怎么定"
    found = statements(passages, TermWeights(question, reports), "rule", question=question)
    reported = [s for s in found if "评分96分" in s.quote]
    assert reported and not reported[0].is_rule


def test_what_to_do_is_not_answered_by_reported_scores(reports, monkeypatch):
    monkeypatch.setattr(answering, "DEFAULT_MIN_SIMILARITY", 2.0)
    answer = answer_question("自评分数和评价分数差很多怎么办", reports)
    assert not answer.found, answer.answer


def test_an_indicator_named_in_staff_words_is_answered_from_its_rule_rows(reports, monkeypatch):
    monkeypatch.setattr(answering, "DEFAULT_MIN_SIMILARITY", 2.0)
    assert answering.indicator_names(reports) == ("巡查完成率",)
    question = "市民投诉很多，巡查那项会怎么扣分"
    assert answering.scored_indicators(question, reports) == ("巡查完成率",)
    answer = answer_question(question, reports)
    assert answer.found, answer.answer
    assert all("巡查完成率" in c.quote for c in answer.citations)
    # Not asking how it is scored: the indicator's rows do not answer it.
    assert answering.scored_indicators("市民投诉很多是怎么回事", reports) == ()

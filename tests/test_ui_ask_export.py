"""问答 and 导出 callbacks: numbered citations that expand, 未找到依据, index not built; Word/Markdown files."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
import yaml

from assistant.models import Answer, Citation
from ui import section_edit
from ui.services import Services
from ui.session import Session, autosave, open_case
from ui.tab_ask import ask, format_answer
from ui.tab_draft import load_report, make_draft, save_section_edit
from ui.tab_export import export_files

GOLD = Path(__file__).resolve().parents[1] / "evals" / "cases" / "se10_itdf_laiwu_free_wifi.yaml"


@pytest.fixture
def services() -> Services:
    from assistant.settings import get_settings

    return Services(get_settings())


@pytest.mark.parametrize(
    ("answer", "contains", "absent"),
    [
        (
            Answer(
                answer="预算执行率按执行数/预算数计分[1]。",
                citations=[
                    Citation(
                        n=1,
                        document="某报告",
                        section="七、附件",
                        quote="预算执行率=（实际支出资金/实际到位资金）×100%<b>",
                    )
                ],
            ),
            [
                '<details class="pe-cite"><summary>[1] 《某报告》 七、附件</summary>',
                "×100%&lt;b&gt;",
                "参考依据",
            ],
            ["<b>"],
        ),
        (Answer(answer="未找到依据", found=False), ["未找到依据"], ["参考依据"]),
        (Answer(answer="知识库中没有相关内容", found=False), ["未找到依据。知识库中没有相关内容"], []),
    ],
)
def test_format_answer(answer, contains, absent):
    text = format_answer(answer)
    for c in contains:
        assert c in text
    for a in absent:
        assert a not in text


def test_ask_before_the_index_exists_says_how_to_build_it(services):
    history = list(ask("预算执行率如何计分？", [], services))[-1][0]
    assert history[0] == {"role": "user", "content": "预算执行率如何计分？"}
    assert "知识库尚未建立" in history[-1]["content"]
    services.index_status = "⏳ 正在建立知识库：已处理 2 / 4 个文件"
    assert "正在建立" in list(ask("问题", [], services))[-1][0][-1]["content"]


def test_ask_streams_then_shows_citations(services, monkeypatch):
    long = "预算执行率按全年执行数除以全年预算数计算，" * 6 + "[1]"
    answer = Answer(
        answer=long, citations=[Citation(n=1, document="甲报告", section="四、", quote="预算执行率")]
    )
    monkeypatch.setattr("ui.knowledge.is_built", lambda settings: True)
    monkeypatch.setattr("assistant.answering.answer_question", lambda q, r, llm=None: answer)
    monkeypatch.setattr(Services, "retriever", lambda self: object())
    monkeypatch.setattr(Services, "llm", lambda self: None)
    steps = [h[-1]["content"] for h, _ in ask("预算执行率？", [], services)]
    assert steps[0] == "正在检索知识库……"
    assert len(steps) > 3 and steps[-2] == long  # grew piece by piece
    assert "[1] 《甲报告》 四、" in steps[-1]


def test_empty_question_does_nothing(services):
    assert list(ask("  ", [], services)) == [([], "")]


def _drafted(services) -> Session:
    sess = open_case(yaml.safe_load(GOLD.read_text(encoding="utf-8")), "信息/技术:发展资金", services.store)
    report = make_draft(sess, "report", services)
    return autosave(sess, services.store, draft=report.model_dump(mode="json"), draft_kind="report")


def test_export_uses_the_edited_draft(services, tmp_path):
    sess = _drafted(services)
    report = load_report(sess)
    sec = next(s for s in report.sections if s.id.startswith("analysis") and "产出" in s.title)
    added = "经复核，上述失分情况属实。"
    sess, _ = save_section_edit(
        sess, sec.id, section_edit.section_text(sec, report.values) + "\n\n" + added, services
    )
    files, message = export_files(sess, "report", services, tmp_path)
    assert [f.suffix for f in files] == [".docx", ".md"]
    assert all("/" not in f.name and ":" not in f.name for f in files)
    assert "含手工修改" in message
    body = "\n".join(p.text for p in docx.Document(str(files[0])).paragraphs)
    assert added in body and "98.57" in body
    assert added in files[1].read_text(encoding="utf-8")


def test_export_self_evaluation_form_is_drafted_when_missing(services, tmp_path):
    sess = _drafted(services)
    files, message = export_files(sess, "self_evaluation", services, tmp_path)
    assert "新起草" in message
    document = docx.Document(str(files[0]))
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "网络AP在线率" in cells and "5.57" in cells


def test_a_slow_answer_shows_that_it_is_working(services, monkeypatch):
    import time

    answer = Answer(answer="", citations=[], found=False)
    monkeypatch.setattr("ui.knowledge.is_built", lambda settings: True)
    monkeypatch.setattr(
        "assistant.answering.answer_question", lambda q, r, llm=None: time.sleep(0.7) or answer
    )
    monkeypatch.setattr(Services, "retriever", lambda self: object())
    monkeypatch.setattr(Services, "llm", lambda self: None)
    steps = [h[-1]["content"] for h, _ in ask("护照怎么续签？", [], services)]
    assert any(s.startswith("⏳ 正在检索知识库并组织回答……已用") for s in steps[1:-1])
    assert steps[-1].startswith("未找到依据")

"""问答 and 导出 callbacks: numbered citations that expand, 未找到依据, index not built; Word/Markdown files."""

from __future__ import annotations

import docx
import pytest
from ui_support import drafted_session, make_services

from assistant.models import Answer, Chunk, Citation
from ui import section_edit
from ui.services import Services
from ui.session import Session
from ui.sources import context_html
from ui.tab_ask import ask, format_answer
from ui.tab_export import export_files


@pytest.fixture
def services(tmp_path) -> Services:
    return make_services(tmp_path)


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
    sess = drafted_session(services)
    user = services.user(None)
    case = {**sess.case, "project": {**sess.case["project"], "name": "信息/技术:发展资金"}}
    return sess.with_project(
        services.store.save_case(user, sess.current.id, sess.current.revision, case, "信息/技术:发展资金", [])
    )


def test_export_uses_the_edited_draft(services, tmp_path):
    sess = _drafted(services)
    report = sess.report()
    sec = next(s for s in report.sections if s.id.startswith("analysis") and "产出" in s.title)
    added = "经复核，上述失分情况属实。"
    new, _ = section_edit.apply_edit(
        report, sec.id, section_edit.section_text(sec, report.values) + "\n\n" + added
    )
    record = services.workspace.save_draft(services.user(None), sess.current, new, "手工修改", [sec.id])
    sess = sess.with_project(record)
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


def test_a_citation_opens_its_passage_with_the_text_around_it():
    def chunk(i, text):
        return Chunk(
            id=f"c{i}",
            text=text,
            document="甲报告",
            heading_path=["四、", "（一）"],
            position=i,
            source="a.docx",
        )

    chunks = [
        chunk(0, "上文：资金下达及时。"),
        chunk(1, "预算执行率=执行数/预算数×100%，满分10分。"),
        chunk(2, "下文：其他说明。"),
    ]
    citation = Citation(n=1, document="甲报告", section="四、 （一）", quote="预算执行率=执行数/预算数×100%")
    html = context_html(chunks, citation)
    assert "<mark class='pe-quote'>预算执行率=执行数/预算数×100%</mark>" in html
    assert "资金下达及时" in html and "其他说明" in html
    assert "文件：a.docx" in html and "《甲报告》" in html and "章节：四、 （一）" in html
    unknown = Citation(n=2, document="乙", section="", quote="找不到的话")
    assert "找不到的话" in context_html(chunks, unknown)


def test_an_overlong_question_is_refused_with_a_message(services):
    history, box = list(ask("问" * 3000, [], services))[-1]
    assert "问题过长" in history[-1]["content"] and box  # the text stays in the box


def test_a_next_question_typed_while_an_answer_arrives_is_kept():
    """Only the answer's first step empties the question box; later steps leave it alone (the clerk may be
    typing the next question); a question handed back is always sent."""
    import gradio as gr

    from ui.tab_ask import box_value

    boxes = [box_value(box, sent) for sent, box in enumerate(["", "", "", ""])]
    assert boxes[0] == "" and all(b == gr.skip() for b in boxes[1:])
    assert box_value("太长的问题", 3) == "太长的问题"

"""The bad-input corpus (tests/badinput/) through the command line and the workbench's handlers.

Every input ends in either a Chinese message naming the file, row or field (exit code 2 on the command line),
or a legitimate result — never a traceback, never a library's English text, never a silently wrong total.
Each test counts what it ran and prints the figures (run with ``-s`` to see them)."""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from retrieval_fakes import CharBagEmbeddings
from typer.testing import CliRunner

import assistant.retrieval
from assistant.cli import app
from assistant.errors import AssistantError

sys.path.insert(0, str(Path(__file__).parent / "badinput"))
from make_corpus import BASE, CASE, DOCUMENT, OUTPUT, QUESTION, BadInput, build  # noqa: E402

pytestmark = pytest.mark.slow

SECONDS_PER_RUN = 420
"""No input may take longer than this on one surface: a hang, not a speed target (speed is measured by
`pe-assistant bench`; on a busy two-core machine a legitimate 3 MB ingest took up to 217 s, so the bound sits
well above that and catches only the runaway cases: super-linear regexes, exploding YAML anchors)."""

_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")
_EXCEPTION_NAME = re.compile(
    r"\b(?:[A-Z][a-z]+)+(?:Error|Exception|Warning)\b|\bKeyboardInterrupt\b|\bStopIteration\b"
)
_ENGLISH_WORDS = re.compile(r"(?:\b[A-Za-z]{2,}\b[ ,:;'\"()]+){4,}[A-Za-z]{2,}")
"""Four or more English words in a row: a library's message (expected ..., invalid literal ..., No such file)."""
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _strip_user_text(text: str, item: BadInput) -> str:
    """Leave out what the input itself put into the output (a user's own English words are not ours)."""
    for own in (item.text, str(item.path or ""), *(item.formula_texts or [])):
        if own and len(own) < 10_000:
            text = text.replace(own, "")
    return text


def message_defects(text: str, item: BadInput, *, error: bool) -> list[str]:
    """What is wrong with what the user was shown for `item` (empty when it is fine)."""
    defects = []
    if _TRACEBACK.search(text):
        defects.append("traceback")
    own = _strip_user_text(text, item)
    if _EXCEPTION_NAME.search(own) or _ENGLISH_WORDS.search(own):
        defects.append(
            "english: " + (_EXCEPTION_NAME.search(own) or _ENGLISH_WORDS.search(own)).group(0)[:80]
        )
    if error:
        if not _CHINESE.search(text):
            defects.append("no Chinese message")
    return defects


def _total_expected(item: BadInput) -> Decimal | None:
    return Decimal(item.expect.split(":", 1)[1]) if item.expect.startswith("total:") else None


class Tally:
    """Counts runs and collects defects, one line each, for the figures and the assertion."""

    def __init__(self, surface: str):
        self.surface = surface
        self.runs = 0
        self.inputs: set[str] = set()
        self.kinds: set[str] = set()
        self.outcomes: Counter[str] = Counter()
        self.defects: list[str] = []
        self.slowest = (0.0, "")

    def record(self, item: BadInput, how: str, outcome: str, defects: list[str], seconds: float) -> None:
        self.runs += 1
        self.inputs.add(item.name)
        self.kinds.add(item.kind)
        self.outcomes[outcome] += 1
        if item.expect == "error" and outcome == "accepted":
            defects = [*defects, "accepted, expected a refusal"]
        if item.expect == "ok" and outcome == "refused":
            defects = [*defects, "refused a legitimate input"]
        if seconds > SECONDS_PER_RUN:
            defects = [*defects, f"took {seconds:.0f} s"]
        self.defects.extend(f"{item.name} [{how}]: {d}" for d in defects)
        if seconds > self.slowest[0]:
            self.slowest = (seconds, f"{item.name} [{how}]")

    def report(self) -> str:
        return (
            f"{self.surface}: {len(self.inputs)} inputs, {len(self.kinds)} kinds, {self.runs} runs "
            f"({dict(self.outcomes)}), {len(self.defects)} defects, slowest {self.slowest[0]:.1f} s "
            f"({self.slowest[1]})"
        )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[BadInput]:
    return build(tmp_path_factory.mktemp("badinput"))


def _of(corpus: list[BadInput], surface: str) -> list[BadInput]:
    return [i for i in corpus if i.surface == surface]


def test_corpus_is_large_and_covers_every_kind(corpus):
    kinds = Counter(i.kind for i in corpus)
    print(f"\n坏输入语料: {len(corpus)} inputs, {len(kinds)} kinds: {dict(kinds)}")
    assert len(corpus) >= 150
    for kind in (
        "错误类型", "缺少字段", "超大数值", "深层嵌套", "分年度预算", "Excel规则表过短", "指标过多", "权重小数过多",
        "名称含斜杠", "小数与百分比", "单位不一致", "Excel合并区域过大", "损坏的Word", "损坏的PDF", "损坏的Excel",
        "空文件", "二进制垃圾", "扩展名不符", "超长算式", "万数字行", "输出路径是文件夹", "输出路径在/proc下",
        "指令注入", "公式注入", "超长问题",
    ):  # fmt: skip
        assert kinds[kind], kind


# ---------------------------------------------------------------------------------------------- CLI

runner = CliRunner()


def _invoke(*args: str) -> tuple[int, str, float]:
    started = time.monotonic()
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    seconds = time.monotonic() - started
    if seconds > 5:
        print(f"  slow run: {seconds:.1f} s: {' '.join(a[:60] for a in args)}", flush=True)
    text = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # Typer's runner keeps an escaped exception: that is a traceback for a real user
        text += "\nTraceback (most recent call last):\n" + repr(result.exception)
    return result.exit_code, text, seconds


def _cli_outcome(tally: Tally, item: BadInput, how: str, code: int, text: str, seconds: float) -> str:
    defects = []
    if code not in (0, 2):
        defects.append(f"exit code {code}")
    outcome = "accepted" if code == 0 else "refused"
    if code == 0 and how.endswith("--json"):
        json.loads(text)  # one JSON document (its keys are English by design)
    else:
        defects += message_defects(text, item, error=code != 0)
    flat = re.sub(r"\s+", "", text)
    if code == 2 and item.path is not None and item.surface == CASE:
        if item.path.name not in flat and item.path.stem not in flat:
            defects.append("message does not name the file")
    tally.record(item, how, outcome, defects, seconds)
    return outcome


def test_case_files_through_the_command_line(corpus, tmp_path):
    tally = Tally("CLI case files (score, convert-case, draft)")
    wrong_totals = []
    for item in _of(corpus, CASE):
        code, text, seconds = _invoke("score", str(item.path), "--json")
        _cli_outcome(tally, item, "score --json", code, text, seconds)
        expected = _total_expected(item)
        if code == 0 and expected is not None:
            total = Decimal(str(json.loads(text)["total"]))
            if total != expected:
                wrong_totals.append(f"{item.name}: total {total}, expected {expected} (or an error)")
        if code == 0:
            out = tmp_path / f"{item.path.stem}-out.xlsx"
            code2, text2, seconds2 = _invoke("convert-case", str(item.path), str(out))
            _cli_outcome(tally, item, "convert-case xlsx", code2, text2, seconds2)
            if code2 == 0 and item.formula_texts:
                _assert_no_live_formula(out, item, tally)
            code3, text3, seconds3 = _invoke(
                "draft", str(item.path), "-o", str(tmp_path / "d.md"), "--offline"
            )
            _cli_outcome(tally, item, "draft", code3, text3, seconds3)
        else:
            # converting needs a readable case, not a scorable one: refusing is not required here
            code2, text2, seconds2 = _invoke("convert-case", str(item.path), str(tmp_path / "c.yaml"))
            _cli_outcome(tally, replace(item, expect="either"), "convert-case yaml", code2, text2, seconds2)
    print("\n" + tally.report() + f"; wrong totals: {len(wrong_totals)}")
    assert not tally.defects, "\n".join(tally.defects)
    assert not wrong_totals, "\n".join(wrong_totals)


def _assert_no_live_formula(path: Path, item: BadInput, tally: Tally) -> None:
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and any(
                    str(cell.value).lstrip("=") in f for f in item.formula_texts
                ):
                    tally.defects.append(
                        f"{item.name}: live formula {cell.value!r} in {ws.title}!{cell.coordinate}"
                    )


def test_documents_through_the_command_line(corpus, tmp_path):
    tally = Tally("CLI documents (check)")
    for item in _of(corpus, DOCUMENT):
        code, text, seconds = _invoke("check", str(item.path), "--time-budget", "20")
        _cli_outcome(tally, item, "check", code, text, seconds)
        if code == 0:
            code, text, seconds = _invoke("check", str(item.path), "--out", str(tmp_path / "sum.xlsx"))
            _cli_outcome(tally, item, "check --out", code, text, seconds)
    print("\n" + tally.report())
    assert not tally.defects, "\n".join(tally.defects)


def test_output_paths_through_the_command_line(corpus, tmp_path):
    tally = Tally("CLI output paths (convert-case, draft, check --out)")
    case = tmp_path / "case.yaml"
    case.write_text(json.dumps(BASE, ensure_ascii=False), encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text("决策指标满分14分，得分11分，得分率78.57%。\n", encoding="utf-8")
    for item in _of(corpus, OUTPUT):
        for how, args in (
            ("convert-case", ("convert-case", str(case), item.text)),
            ("draft", ("draft", str(case), "-o", item.text, "--offline")),
            ("check --out", ("check", str(doc), "--out", item.text)),
        ):
            code, text, seconds = _invoke(*args)
            _cli_outcome(tally, item, how, code, text, seconds)
            if code == 2 and Path(item.text).name not in re.sub(r"\s+", "", text):
                tally.defects.append(f"{item.name} [{how}]: message does not name the output path")
    print("\n" + tally.report())
    assert not tally.defects, "\n".join(tally.defects)


# ---------------------------------------------------------------------------------------------- knowledge base


@pytest.fixture
def fake_embedder(monkeypatch):
    monkeypatch.setattr(
        assistant.retrieval, "build_embedder", lambda settings=None, spec=None: CharBagEmbeddings()
    )
    monkeypatch.setattr(assistant.retrieval, "_RETRIEVERS", {})


POLICY = "关于预算执行率计分的说明\n\n预算执行率达到95%以上得满分，低于60%不得分。满意度≥90%得满分。\n"


def test_documents_and_questions_through_ingest_and_ask(corpus, tmp_path, fake_embedder):
    tally = Tally("CLI knowledge base (ingest, ask)")
    policy = tmp_path / "policy.txt"
    policy.write_text(POLICY, encoding="utf-8")
    code, text, _ = _invoke("ingest", str(policy))
    assert code == 0, text
    for item in _of(corpus, DOCUMENT):
        code, text, seconds = _invoke("ingest", str(item.path))
        # a file that cannot be read is skipped with a note (exit 0) or refused (exit 2)
        skipped = "已跳过" in text
        outcome = "refused" if code == 2 or skipped else "accepted"
        defects = [] if code in (0, 2) else [f"exit code {code}"]
        defects += message_defects(text, item, error=outcome == "refused")
        tally.record(item, "ingest", outcome, defects, seconds)
    for item in _of(corpus, QUESTION):
        code, text, seconds = _invoke("ask", item.text)
        _cli_outcome(tally, item, "ask", code, text, seconds)
    print("\n" + tally.report())
    assert not tally.defects, "\n".join(tally.defects)


# ---------------------------------------------------------------------------------------------- workbench


@pytest.fixture
def services(tmp_path):
    from assistant.settings import Settings
    from ui.services import Services

    return Services(Settings(data_dir=tmp_path / "data", _env_file=None))


def _shown(exc: BaseException, doing: str) -> str:
    """What the workbench shows for a failure (the same helper its callbacks use)."""
    from ui import messages

    return messages.describe(exc, doing)


def test_case_files_through_the_workbench(corpus, services):
    """The 项目 tab's import (workspace.import_file) and the 评分 tab's scorer, as the callbacks call them."""
    from assistant import workspace

    tally = Tally("workbench case import and score")
    wrong_totals = []
    user = services.user(None)
    for item in _of(corpus, CASE):
        started = time.monotonic()
        defects: list[str] = []
        shown = ""
        try:
            record = services.workspace.import_file(user, item.path)
        except AssistantError as exc:
            shown = _shown(exc, "读取文件")
            outcome = "refused"
        except Exception as exc:  # the tab shows describe(exc): general words, but a defect for us
            shown = _shown(exc, "读取文件")
            defects.append(f"unexpected {type(exc).__name__}")
            outcome = "refused"
        else:
            problems = [p["message"] for p in record.problems] if getattr(record, "problems", None) else []
            problems = problems or [p.message for p in workspace.validate(record.case)]
            shown = "\n".join(problems)
            outcome = "refused" if problems else "accepted"
            if not problems:
                try:
                    sheet = workspace.score(record.case)
                except AssistantError as exc:
                    shown, outcome = _shown(exc, "评分"), "refused"
                except Exception as exc:
                    shown, outcome = _shown(exc, "评分"), "refused"
                    defects.append(f"unexpected {type(exc).__name__} while scoring")
                else:
                    expected = _total_expected(item)
                    if expected is not None and sheet.total != expected:
                        wrong_totals.append(f"{item.name}: total {sheet.total}, expected {expected}")
        defects += message_defects(shown, item, error=outcome == "refused")
        tally.record(item, "import+score", outcome, defects, time.monotonic() - started)
    print("\n" + tally.report() + f"; wrong totals: {len(wrong_totals)}")
    assert not tally.defects, "\n".join(tally.defects)
    assert not wrong_totals, "\n".join(wrong_totals)


def test_documents_through_the_workbench_review(corpus):
    """The 审核 tab's job for an uploaded file (run here in-process, as ``run_review`` does for tests)."""
    from ui.session import Session
    from ui.tab_review import run_review

    tally = Tally("workbench review of uploads")
    for item in _of(corpus, DOCUMENT):
        started = time.monotonic()
        defects: list[str] = []
        try:
            findings, (summary, rows, marked) = run_review("上传的文件", str(item.path), False, Session())
        except AssistantError as exc:
            shown, outcome = _shown(exc, "审核"), "refused"
        except Exception as exc:
            shown, outcome = _shown(exc, "审核"), "refused"
            defects.append(f"unexpected {type(exc).__name__}")
        else:
            shown, outcome = summary, "accepted"
        defects += message_defects(shown, item, error=outcome == "refused")
        tally.record(item, "review", outcome, defects, time.monotonic() - started)
    print("\n" + tally.report())
    assert not tally.defects, "\n".join(tally.defects)


def test_questions_through_the_workbench(corpus, services, tmp_path, fake_embedder):
    """The 问答 tab's callback, on a small knowledge base."""
    from ui.tab_ask import ask

    policy = tmp_path / "policy.txt"
    policy.write_text(POLICY, encoding="utf-8")
    for _ in __import__("ui.knowledge", fromlist=["ingest"]).ingest(services.base_settings, [policy]):
        pass
    tally = Tally("workbench questions")
    for item in _of(corpus, QUESTION):
        started = time.monotonic()
        defects: list[str] = []
        try:
            history, _ = list(ask(item.text, [], services))[-1]
        except Exception as exc:
            defects.append(f"unexpected {type(exc).__name__}")
            history = [{"role": "assistant", "content": _shown(exc, "回答问题")}]
        shown = history[-1]["content"] if history else ""
        refused = not history or any(w in shown for w in ("过长", "出错", "尚未建立"))
        defects += message_defects(
            shown, item, error=bool(history) and refused
        )  # a blank question is ignored
        if item.expect == "error" and item.text.strip() and not refused:
            defects.append("an oversized question was not refused")
        tally.record(item, "ask", "refused" if refused else "accepted", defects, time.monotonic() - started)
    print("\n" + tally.report())
    assert not tally.defects, "\n".join(tally.defects)

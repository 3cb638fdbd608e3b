"""Faithfulness eval of the drafter: does every number in a draft trace to the case or the scorer?

Each gold case is drafted (a) offline and (b) with a scripted fake model
(:class:`assistant.evaluation.scripted_authors.Adversary`, answering from each prompt) that first answers every
unit with invented figures (digits, full-width digits, Chinese quantities, unknown keys, broken JSON) and, on the
re-ask, rewrites about half the units correctly and answers the rest with invented figures again.
Measured on the rendered Markdown, as a reviewer would read it:

- ``numbers`` / ``traced``: number tokens in the output, and those found among the values the case, the
  scorer or a cited source supplied (target 100%);
- ``invented_leaked``: the fake model's invented figures that reached the output (target 0);
- ``lost_discussed``: rows that lost points and are explained (analysis section / 偏差原因 column);
- ``checker_*``: the same Markdown through the reviewer's checker (:func:`assistant.checking.check_document`)
  with the case: numbers it traces to the case, the scorer or arithmetic, and its errors and warnings — an
  independent second opinion on the drafter's own figure.

Rubric figures of an evaluator's reading (reports only; the offline draft is also drafted with a retriever
that offers another client's report as precedent, which the draft must never name or quote):

- ``leaves`` / ``leaves_analysed``: leaf indicators, and those whose own score is stated in a 指标分析
  paragraph (a list of names "均得满分" does not count);
- ``themes`` / ``themes_with_evidence``: problem entries of 存在的问题, and those stating a case figure or
  quoting the case's evidence (a deduction finding, an actual value, an evidence text);
- ``stock_causes``: sentences of 存在的问题 that claim a cause in template words (no case text in them);
- ``other_documents``: other clients' documents named or quoted in the draft (precedent citations, quotes,
  their titles, "同类项目评价报告");
- ``appendices`` / ``appendices_expected``: 附件 present of 指标体系及评分标准, 得分表, 问题清单 and, when the case
  holds survey counts, 满意度调查统计; ``front_matter``: cover, 目录 and 落款 present;
- ``placeholders``: “待补充” markers in the draft.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from assistant.case import Case
from assistant.case_io import case_to_data, load_case
from assistant.checking import check_document
from assistant.drafting import draft_report, draft_self_evaluation
from assistant.evaluation.scripted_authors import INVENTED, Adversary, author
from assistant.export import FORM_SHORTFALL_LABEL, to_markdown
from assistant.models import Chunk, Passage
from assistant.report import Report
from assistant.scoring import score_case
from assistant.settings import REPO_ROOT
from assistant.storage import atomic_write_text

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
HEADING_NUMBER = re.compile(r"^(#+ )(\d+\.|（\d+）)")
LABEL = re.compile(r"^（\d+）")


OTHER_CLIENT = "某区智慧社区服务平台项目绩效评价报告"
"""Title of the decoy precedent: another client's report the draft must never name or quote."""
OTHER_CLIENT_ADVICE = (
    "建议强化绩效目标管理，将绩效目标细化分解为可量化、可考核的指标，提升绩效目标的明确性。",
    "建议健全项目管理制度，制定专项资金管理办法，明确资金使用范围和审批流程，强化制度执行。",
    "建议规范合同管理和资金支付，按照服务进度和验收结果分期支付合同款项，避免提前大比例付款。",
    "建议加强预算编制的科学性，细化预算测算依据，提高预算执行率，及时调整预算安排。",
    "建议加强项目档案管理，完整保存项目实施过程资料，做到资料齐全、归档及时。",
    "建议加强项目效益跟踪，建立满意度调查机制，扩大调查样本，持续提升服务对象满意度。",
    "建议加快项目实施进度，倒排工期，确保产出数量和质量按期达到绩效目标。",
)
APPENDIX_TITLES = ("指标体系及评分标准", "得分表", "问题清单", "满意度调查统计")
STOCK_EXEMPT = ("待补充", "请", "？")
"""A cause sentence holding these asks the user instead of claiming a cause."""


class DecoyRetriever:
    """Offers another client's report as precedent for every query (the draft must not quote it)."""

    def search(self, query: str, k: int = 12, filters: dict | None = None) -> list[Passage]:
        chunk = Chunk(
            id="decoy-0",
            text="".join(OTHER_CLIENT_ADVICE),
            document=OTHER_CLIENT,
            heading_path=["六、有关建议"],
            position=0,
            source="decoy.txt",
        )
        return [Passage(chunk=chunk, score=1.0)]


class Rubric(BaseModel):
    """An evaluator's rubric figures for one drafted report (see the module docstring)."""

    leaves: int = 0
    leaves_analysed: int = 0
    themes: int = 0
    themes_with_evidence: int = 0
    stock_causes: int = 0
    stock_cause_sentences: list[str] = Field(default_factory=list)
    other_documents: int = 0
    appendices: int = 0
    appendices_expected: int = 0
    front_matter: list[str] = Field(default_factory=list, description="Present of 封面, 目录, 落款")
    placeholders: int = 0


EVIDENCE_SUFFIXES = (".evidence", ".actual", ".finding", ".reason", ".deviation", ".cause")


def _states_evidence(paragraph, values: dict[str, str]) -> bool:
    """A problem entry states a case figure (a number token in it) or quotes the case's evidence."""
    text = paragraph.render(values)
    if NUMBER.search(LABEL.sub("", text)):
        return True
    return any(
        k.endswith(EVIDENCE_SUFFIXES) or ".deduction[" in k or k.startswith("finding[")
        for k in paragraph.refs
    )


def _stock_sentences(paragraph) -> list[str]:
    """Sentences that claim a cause in template words only (no case text inside the sentence)."""
    out = []
    for sentence in re.split(r"(?<=[。；])", paragraph.template):
        if "原因" in sentence and "{ref:" not in sentence and not any(w in sentence for w in STOCK_EXEMPT):
            out.append(sentence)
    return out


def rubric(case: Case, report: Report, markdown: str) -> Rubric:
    """The rubric figures of one drafted report."""
    v = report.values
    analysis = [p for s in report.sections if s.id.startswith("analysis") for p in s.paragraphs]
    analysed = {
        ind.key for ind in case.indicators for p in analysis if f"indicator[{ind.key}].score" in p.refs
    }
    themes = [p for s in report.sections if s.id.startswith("problems.") for p in s.paragraphs if p.label]
    stock = [
        t
        for s in report.sections
        if s.id.startswith("problems")
        for p in s.paragraphs
        for t in _stock_sentences(p)
    ]
    others = sum(len(s.citations) for s in report.sections)
    others += markdown.count(OTHER_CLIENT) + markdown.count("同类项目评价报告")
    others += sum(1 for a in OTHER_CLIENT_ADVICE if a.rstrip("。")[2:20] in markdown)
    titles = [s.title for s in report.sections if s.id.startswith("appendix")]
    expected = list(APPENDIX_TITLES[:3])
    if any(ind.responses for ind in case.indicators):
        expected.append(APPENDIX_TITLES[3])
    front = [
        name
        for name, prefix in (("封面", "cover"), ("目录", "toc"), ("落款", "signature"))
        if any(s.id.startswith(prefix) for s in report.sections)
    ]
    return Rubric(
        leaves=len(case.indicators),
        leaves_analysed=len(analysed),
        themes=len(themes),
        themes_with_evidence=sum(1 for p in themes if _states_evidence(p, v)),
        stock_causes=len(stock),
        stock_cause_sentences=stock,
        other_documents=others,
        appendices=sum(1 for e in expected if any(e in t for t in titles)),
        appendices_expected=len(expected),
        front_matter=front,
        placeholders=markdown.count("待补充"),
    )


class CaseResult(BaseModel):
    case: str
    kind: str
    drafter: str = Field(description="offline | fake_llm")
    numbers: int
    traced: int
    untraced: list[str] = Field(default_factory=list)
    invented_leaked: list[str] = Field(default_factory=list)
    lost_rows: int
    lost_discussed: int
    llm_sections: int = 0
    fallback_sections: int = 0
    checker_numbers: int = 0
    checker_traced: int = 0
    checker_errors: int = 0
    checker_warnings: int = 0
    checker_messages: list[str] = Field(default_factory=list)
    rubric: Rubric | None = None
    seconds: float


class DraftingEvalResult(BaseModel):
    cases: list[CaseResult]
    numbers: int
    traced: int
    traced_share: float
    invented_leaked: int
    lost_rows: int
    lost_discussed: int
    lost_discussed_share: float
    checker_numbers: int
    checker_traced: int
    checker_errors: int
    checker_warnings: int
    offline_seconds_mean: float
    reports: int = 0
    leaves_analysed_share: float = 0.0
    themes_with_evidence_share: float = 0.0
    problems_per_case: float = 0.0
    problems_max: int = 0
    stock_causes: int = 0
    other_documents: int = 0
    appendices_share: float = 0.0
    front_matter_share: float = 0.0
    placeholders_per_draft: float = 0.0


def allowed_numbers(case: Case, report: Report, origin: dict[str, str]) -> set[str]:
    """Every number token in the case's data (not its file's comments) and in the values the scorer, the case
    or a cited source supplied."""
    allowed = set(NUMBER.findall(json.dumps(case_to_data(case), ensure_ascii=False)))
    for key, value in report.values.items():
        if origin.get(key) in ("scorer", "case", "computed", "source"):
            allowed |= set(NUMBER.findall(value))
    return allowed


def number_tokens(markdown: str) -> list[str]:
    """Number tokens a reader sees, without heading numbering (1.) and list labels (（1）), which are structure."""
    tokens = []
    for line in markdown.splitlines():
        line = HEADING_NUMBER.sub(r"\1", line)
        line = LABEL.sub("", line).replace(FORM_SHORTFALL_LABEL, "")
        tokens += NUMBER.findall(line)
    return tokens


def lost_coverage(case: Case, report: Report) -> tuple[int, int]:
    """(rows that lost points, rows whose loss is explained in the draft)."""
    sheet = score_case(case)
    lost = sheet.lost_points()
    if report.form is not None:
        rows = {r.level3.render(report.values): r for r in report.form.indicators}
        done = sum(
            1
            for r in lost
            if rows.get(r.path[-1]) and rows[r.path[-1]].deviation.render(report.values).strip()
        )
        return len(lost), done
    analysis = [s for s in report.sections if s.id.startswith("analysis")]
    refs = {k for s in analysis for k in s.refs()}
    done = sum(1 for r in lost if f"indicator[{r.key}].lost" in refs)
    return len(lost), done


def _evaluate(case_path: Path, kind: str, drafter: str) -> CaseResult:
    case = load_case(case_path)
    sheet = score_case(case)
    llm = author(Adversary()) if drafter == "fake_llm" else None
    # The offline report is drafted with a precedent on offer from another client's report.
    retriever = DecoyRetriever() if drafter == "offline" else None
    started = time.perf_counter()
    report = (
        draft_self_evaluation(case, sheet, llm=llm)
        if kind == "self_evaluation"
        else draft_report(case, sheet, retriever=retriever, llm=llm)
    )
    markdown = to_markdown(report)
    seconds = time.perf_counter() - started
    allowed = allowed_numbers(case, report, report.origins)
    tokens = number_tokens(markdown)
    untraced = [t for t in tokens if t not in allowed]
    lost_rows, discussed = lost_coverage(case, report)
    checked = check_document(markdown, case=case, sheet=sheet)
    return CaseResult(
        case=case_path.stem,
        kind=kind,
        drafter=drafter,
        numbers=len(tokens),
        traced=len(tokens) - len(untraced),
        untraced=sorted(set(untraced)),
        invented_leaked=[t for t in INVENTED if t in markdown],
        lost_rows=lost_rows,
        lost_discussed=discussed,
        llm_sections=sum(1 for s in report.sections if s.source == "llm"),
        fallback_sections=sum(1 for s in report.sections if s.note),
        checker_numbers=checked.stats.numbers,
        checker_traced=checked.stats.traced,
        checker_errors=checked.stats.errors,
        checker_warnings=checked.stats.warnings,
        checker_messages=[f.message for f in checked.findings],
        rubric=rubric(case, report, markdown) if kind == "report" else None,
        seconds=round(seconds, 4),
    )


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def rubric_totals(rubrics: list[Rubric]) -> dict:
    """The rubric figures over every offline report draft."""
    n = len(rubrics) or 1
    return {
        "reports": len(rubrics),
        "leaves_analysed_share": _share(
            sum(r.leaves_analysed for r in rubrics), sum(r.leaves for r in rubrics)
        ),
        "themes_with_evidence_share": _share(
            sum(r.themes_with_evidence for r in rubrics), sum(r.themes for r in rubrics)
        ),
        "problems_per_case": round(sum(r.themes for r in rubrics) / n, 2),
        "problems_max": max((r.themes for r in rubrics), default=0),
        "stock_causes": sum(r.stock_causes for r in rubrics),
        "other_documents": sum(r.other_documents for r in rubrics),
        "appendices_share": _share(
            sum(r.appendices for r in rubrics), sum(r.appendices_expected for r in rubrics)
        ),
        "front_matter_share": _share(sum(len(r.front_matter) for r in rubrics), 3 * len(rubrics)),
        "placeholders_per_draft": round(sum(r.placeholders for r in rubrics) / n, 2),
    }


def run_drafting_eval(cases_dir: Path | None = None, out: Path | None = None) -> DraftingEvalResult:
    """Draft every gold case and every drafting case written outside the corpus (``evals/drafting``) both ways, write ``evals/results/drafting.json`` and return the figures."""
    dirs = [cases_dir] if cases_dir else [REPO_ROOT / "evals" / "cases", REPO_ROOT / "evals" / "drafting"]
    results = []
    for path in sorted(p for d in dirs for p in d.glob("*.yaml")):
        kinds = ["report"]
        if (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("kind") == "self_evaluation":
            kinds.insert(0, "self_evaluation")
        for kind in kinds:
            for drafter in ("offline", "fake_llm"):
                results.append(_evaluate(path, kind, drafter))
    numbers = sum(r.numbers for r in results)
    traced = sum(r.traced for r in results)
    lost = sum(r.lost_rows for r in results)
    discussed = sum(r.lost_discussed for r in results)
    offline = [r.seconds for r in results if r.drafter == "offline" and r.kind == "report"]
    rubrics = [r.rubric for r in results if r.drafter == "offline" and r.rubric is not None]
    result = DraftingEvalResult(
        cases=results,
        numbers=numbers,
        traced=traced,
        traced_share=round(traced / numbers, 4) if numbers else 1.0,
        invented_leaked=sum(len(r.invented_leaked) for r in results),
        lost_rows=lost,
        lost_discussed=discussed,
        lost_discussed_share=round(discussed / lost, 4) if lost else 1.0,
        checker_numbers=sum(r.checker_numbers for r in results),
        checker_traced=sum(r.checker_traced for r in results),
        checker_errors=sum(r.checker_errors for r in results),
        checker_warnings=sum(r.checker_warnings for r in results),
        offline_seconds_mean=round(sum(offline) / len(offline), 4) if offline else 0.0,
        **rubric_totals(rubrics),
    )
    out = out or REPO_ROOT / "evals" / "results" / "drafting.json"
    atomic_write_text(out, result.model_dump_json(indent=2))
    return result

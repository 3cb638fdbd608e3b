"""Faithfulness eval of the drafter: does every number in a draft trace to the case or the scorer?

Each gold case is drafted (a) offline and (b) with a scripted fake LLM (``FakeListChatModel``) that first
answers every part with invented figures (digits, full-width digits, Chinese quantities, unknown keys,
broken JSON) and, on the re-ask, answers half the parts correctly and half with invented figures again.
Measured on the rendered Markdown, as a reviewer would read it:

- ``numbers`` / ``traced``: number tokens in the output, and those found among the values the case, the
  scorer or a cited source supplied (target 100%);
- ``invented_leaked``: the fake model's invented figures that reached the output (target 0);
- ``lost_discussed``: rows that lost points and are explained (analysis section / 偏差原因 column);
- ``checker_*``: the same Markdown through the reviewer's checker (:func:`assistant.checking.check_document`)
  with the case: numbers it traces to the case, the scorer or arithmetic, and its errors and warnings — an
  independent second opinion on the drafter's own figure.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import yaml
from langchain_core.language_models import FakeListChatModel
from pydantic import BaseModel, Field

from assistant.case import Case
from assistant.case_io import case_to_data, load_case
from assistant.checking import check_document
from assistant.drafting import context_for, draft_report, draft_self_evaluation
from assistant.drafting.offline import PART_DRAFTERS
from assistant.drafting.outline import report_parts
from assistant.export import FORM_SHORTFALL_LABEL, to_markdown
from assistant.report import Report
from assistant.scoring import score_case
from assistant.settings import REPO_ROOT
from assistant.storage import atomic_write_text

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
HEADING_NUMBER = re.compile(r"^(#+ )(\d+\.|（\d+）)")
LABEL = re.compile(r"^（\d+）")
INVENTED = ("987.65", "4321", "９８７", "十二项", "66.6%")
ATTACKS = (
    "项目共完成投资987.65万元，得分率达到66.6%。",
    "全年共开展培训4321人次。",
    "满意度为９８７分。",
    "共发现问题十二项。",
    "综合得分为{ref:made_up.total}分。",
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


def scripted_responses(case: Case, kind: str) -> list[str]:
    """The fake model's answers in call order: an attack for every part, then a fix or a second attack."""
    sheet = score_case(case)
    ctx = context_for(case, sheet)
    if kind == "self_evaluation":
        from assistant.drafting.self_eval import deviation_text

        lost = ctx.lost_indicators()
        if not lost:
            return []
        good = {"sections": [{"id": i.key, "paragraphs": [deviation_text(ctx, i)]} for i in lost]}
        bad = {"sections": [{"id": i.key, "paragraphs": [ATTACKS[0]]} for i in lost]}
        return [json.dumps(bad, ensure_ascii=False), json.dumps(good, ensure_ascii=False)]
    out = []
    for n, part in enumerate(report_parts()):
        sections = PART_DRAFTERS[part.id](ctx, None)
        attack = ATTACKS[n % len(ATTACKS)]
        sections = [s for s in sections if s.paragraphs]  # bare headings are not sent to the model
        if not sections:
            continue
        bad = {"sections": [{"id": s.id, "paragraphs": [attack]} for s in sections]}
        first = "这不是JSON：" + attack if n % 3 == 2 else json.dumps(bad, ensure_ascii=False)
        if n % 2 == 0:
            good = {
                "sections": [
                    {"id": s.id, "paragraphs": [p.template for p in s.paragraphs] or ["无。"]}
                    for s in sections
                ]
            }
            second = json.dumps(good, ensure_ascii=False)
        else:
            second = json.dumps(
                {
                    "sections": [
                        {"id": s.id, "paragraphs": [ATTACKS[(n + 1) % len(ATTACKS)]]} for s in sections
                    ]
                },
                ensure_ascii=False,
            )
        out += [first, second]
    return out


def _evaluate(case_path: Path, kind: str, drafter: str) -> CaseResult:
    case = load_case(case_path)
    sheet = score_case(case)
    llm = FakeListChatModel(responses=scripted_responses(case, kind)) if drafter == "fake_llm" else None
    if llm is not None and not llm.responses:
        llm = None
    started = time.perf_counter()
    report = (
        draft_self_evaluation(case, sheet, llm=llm)
        if kind == "self_evaluation"
        else draft_report(case, sheet, llm=llm)
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
        invented_leaked=[t for t in INVENTED if t in markdown]
        + (["made_up"] if "made_up" in markdown else []),
        lost_rows=lost_rows,
        lost_discussed=discussed,
        llm_sections=sum(1 for s in report.sections if s.source == "llm"),
        fallback_sections=sum(1 for s in report.sections if s.note),
        checker_numbers=checked.stats.numbers,
        checker_traced=checked.stats.traced,
        checker_errors=checked.stats.errors,
        checker_warnings=checked.stats.warnings,
        checker_messages=[f.message for f in checked.findings],
        seconds=round(seconds, 4),
    )


def run_drafting_eval(cases_dir: Path | None = None, out: Path | None = None) -> DraftingEvalResult:
    """Draft every gold case both ways, write ``evals/results/drafting.json`` and return the figures."""
    cases_dir = cases_dir or REPO_ROOT / "evals" / "cases"
    results = []
    for path in sorted(cases_dir.glob("*.yaml")):
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
    )
    out = out or REPO_ROOT / "evals" / "results" / "drafting.json"
    atomic_write_text(out, result.model_dump_json(indent=2))
    return result

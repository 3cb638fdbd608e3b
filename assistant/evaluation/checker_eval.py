"""Checker evaluation (审核评测): the real corpus and a set of drafts with planted errors.

1. Corpus: every report/form of ``knowledge/corpus/*.txt`` is checked (a file holding many reports is split
   by its title lines); each finding is looked up in ``evals/checker/confirmed.yaml``, the hand-confirmed
   verdict (true slip or false positive, with the reason).
2. Plants: ``evals/checker/plants.yaml`` lists clean base drafts and, per plant, the edits that plant one
   error of a known kind. Recall per kind and false positives (findings not caused by a plant and not
   already reported on the clean base) are measured.
3. Received forms: every file of a forms set with an answer key (``evals/forms/dev``: ``answers.yaml`` lists
   each form's slips as row + column) is checked as a reviewer would (`pe-assistant check FILE`); a planted slip
   is found when a finding names its row and column; an error naming no slip (planted or derived) of the
   file is a false error.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.case_io import load_case
from assistant.checking import CheckReport, Finding, check_document, check_file, read_document
from assistant.checking.report_text import KIND_LABELS as KIND_NAMES
from assistant.errors import InputError
from assistant.storage import atomic_write_text

from .mutation_eval import CaseMutations, clean_draft_flags, load_source_slips, run_mutations

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHECKER_DIR = ROOT / "evals" / "checker"
DEFAULT_CORPUS_DIR = ROOT / "knowledge" / "corpus"
DEFAULT_RESULT_PATH = ROOT / "evals" / "results" / "checker.json"
DEFAULT_FORMS_DIRS = (
    ROOT / "evals" / "forms" / "dev",
    ROOT / "evals" / "forms" / "layouts2",
    ROOT / "evals" / "checker" / "forms",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Base(_Strict):
    """A clean draft that plants are made from, with the evidence it is checked against."""

    file: str = Field(description="Path relative to evals/checker/")
    case: str | None = Field(default=None, description="Case file the draft was drafted from, if any")
    passages: str | None = Field(default=None, description="JSON list of cited sources, numbered from 1")


class Plant(_Strict):
    """One planted error: where it is, what kind, and the edits that make it."""

    id: str
    base: str
    kind: str
    location: str = Field(description="Snippet a finding's text/location/message must contain")
    found: str | None = Field(default=None, description="Snippet the finding's 'found' must contain")
    also: list[str] = Field(
        default_factory=list, description="Snippets of findings the edit causes on purpose"
    )
    edits: list[tuple[str, str]] = Field(min_length=1, description="Exact [find, replace] pairs")


class PlantSet(_Strict):
    bases: dict[str, Base]
    plants: list[Plant]


class Confirmation(_Strict):
    """A hand-confirmed verdict on one finding of the real corpus."""

    file: str
    report: str = Field(description="Title of the report/form inside the file")
    kind: str
    found: str
    text: str = Field(description="Start of the finding's text")
    verdict: Literal["true_slip", "false_positive"]
    reason: str


class CorpusFinding(BaseModel):
    kind: str
    severity: str
    location: str
    text: str
    expected: str
    found: str
    message: str
    verdict: str = Field(description="true_slip | false_positive | unconfirmed")
    reason: str = ""
    reason_verdicts: list[str] = Field(
        default_factory=list, description="The verdict on each reason (kind) a merged finding carries"
    )


class CorpusReport(BaseModel):
    file: str
    report: str
    findings: list[CorpusFinding] = Field(default_factory=list)


class PlantResult(BaseModel):
    id: str
    kind: str
    found: bool
    false_positives: list[str] = Field(default_factory=list)


class DraftCheck(BaseModel):
    """The offline drafter's output for one gold case, checked against that case (precision on clean drafts)."""

    case: str
    format: str = Field(description="md or docx")
    numbers: int = 0
    traced: int = 0
    findings: list[str] = Field(default_factory=list, description="kind: message of each finding")
    false_flags: list[str] = Field(
        default_factory=list,
        description="Findings that are neither placeholder warnings nor a source slip the case keeps",
    )
    source_slips: list[str] = Field(
        default_factory=list,
        description="Source slips of the case (evals/checker/source_slips.yaml) reported",
    )
    source_slips_expected: int = 0
    error: str | None = None


class ReceivedFile(BaseModel):
    """One received file of a forms set with an answer key, as the checker reviews it."""

    set: str
    file: str
    forms: int = Field(default=0, description="Forms the answer key lists in the file")
    planted: int = 0
    found: int = 0
    missed: list[str] = Field(default_factory=list)
    false_errors: list[str] = Field(default_factory=list, description="Errors naming no slip of the file")
    other_warnings: list[str] = Field(default_factory=list, description="Warnings naming no slip")
    seconds: float = 0.0
    error: str | None = None


class CheckerEvalResult(BaseModel):
    corpus: list[CorpusReport]
    corpus_seconds: dict[str, float] = Field(description="Wall-clock seconds per corpus file")
    corpus_cpu_seconds: dict[str, float] = Field(
        description="CPU seconds per file (wall grows on a busy machine)"
    )
    corpus_numbers: int
    corpus_traced: int
    corpus_verdicts: dict[str, int] = Field(
        description="Verdicts per reason (a merged finding may carry two)"
    )
    plants: list[PlantResult]
    recall_by_kind: dict[str, list[int]] = Field(description="kind → [found, planted]")
    recall: float
    false_positives: int
    baseline_findings: dict[str, int] = Field(description="Findings on each clean base draft (not counted)")
    drafts: list[DraftCheck] = Field(
        default_factory=list, description="Gold-case drafts checked against their case"
    )
    mutations: list[CaseMutations] = Field(
        default_factory=list, description="Each figure of each gold-case draft changed once (when run)"
    )
    mutation_total: int = 0
    mutation_caught: int = 0
    mutation_caught_share: float = 0.0
    mutation_undecidable: int = Field(
        default=0, description="Missed changes of figures no second statement, case or rule could decide"
    )
    mutation_missed_decidable: int = Field(
        default=0, description="Missed changes that the draft, the case or a rule could have decided"
    )
    mutation_caught_share_decidable: float = 0.0
    mutation_false_blames: int = Field(
        default=0, description="New findings elsewhere than the changed figure"
    )
    mutation_false_flags: int = Field(
        default=0,
        description="Findings on the unmutated drafts (placeholders and the cases' source slips aside)",
    )
    draft_false_flags: int = Field(
        default=0,
        description="Findings on the clean gold-case drafts (md and docx) other than placeholder warnings "
        "and the source slips the cases keep",
    )
    draft_source_slips_expected: int = Field(
        default=0, description="Source slips the clean drafts must show (one per slip and format)"
    )
    draft_source_slips_found: int = 0
    draft_formats_checked: int = Field(default=0, description="Clean drafts checked (cases × md/docx)")
    received: list[ReceivedFile] = Field(
        default_factory=list, description="Received forms with an answer key, reviewed file by file"
    )
    received_planted: int = 0
    received_found: int = 0
    received_false_errors: int = 0


def load_plants(checker_dir: Path = DEFAULT_CHECKER_DIR) -> PlantSet:
    data = yaml.safe_load((checker_dir / "plants.yaml").read_text(encoding="utf-8"))
    return PlantSet.model_validate(data)


def planted_text(base_text: str, plant: Plant) -> str:
    """The base draft with the plant's edits applied; every 'find' must occur exactly once."""
    text = base_text
    for find, replace in plant.edits:
        if text.count(find) != 1:
            raise InputError(f"植入 {plant.id}：原文片段出现 {text.count(find)} 次（应为 1 次）：{find[:40]}")
        text = text.replace(find, replace)
    return text


def materialize(checker_dir: Path = DEFAULT_CHECKER_DIR) -> list[Path]:
    """Write drafts/<id>.md for every plant (deterministic; rewritten only when changed)."""
    plants = load_plants(checker_dir)
    out = []
    for plant in plants.plants:
        base = plants.bases[plant.base]
        text = planted_text((checker_dir / base.file).read_text(encoding="utf-8"), plant)
        path = checker_dir / "drafts" / f"{plant.id}.md"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            atomic_write_text(path, text)
        out.append(path)
    return out


def _haystack(f: Finding) -> str:
    return f"{f.text}\n{f.location}\n{f.message}"


def _key(f: Finding) -> tuple[str, str, str]:
    """Identity of a finding across drafts: the message names the figures (the located text may move)."""
    return (f.kind, f.found, f.message)


def _check_base(checker_dir: Path, base: Base, text: str) -> CheckReport:
    case = load_case(checker_dir / base.case) if base.case else None
    passages = (
        json.loads((checker_dir / base.passages).read_text(encoding="utf-8")) if base.passages else None
    )
    return check_document(text, case=case, passages=passages)


def run_plants(checker_dir: Path = DEFAULT_CHECKER_DIR) -> tuple[list[PlantResult], dict[str, int]]:
    plants = load_plants(checker_dir)
    materialize(checker_dir)
    baseline: dict[str, set[tuple[str, str, str]]] = {}
    for name, base in plants.bases.items():
        report = _check_base(checker_dir, base, (checker_dir / base.file).read_text(encoding="utf-8"))
        baseline[name] = {_key(f) for f in report.findings}
    results = []
    for plant in plants.plants:
        base = plants.bases[plant.base]
        text = (checker_dir / "drafts" / f"{plant.id}.md").read_text(encoding="utf-8")
        report = _check_base(checker_dir, base, text)
        hit = any(  # a finding already reported on the clean base does not count as finding the plant
            _key(f) not in baseline[plant.base]
            and plant.kind in (f.kinds or [f.kind])
            and plant.location in _haystack(f)
            and (plant.found is None or plant.found in f.found)
            for f in report.findings
        )
        expected = [plant.location, *plant.also]
        false_pos = [
            f"{f.kind}: {f.text[:60]}"
            for f in report.findings
            if _key(f) not in baseline[plant.base] and not any(s in _haystack(f) for s in expected)
        ]
        results.append(PlantResult(id=plant.id, kind=plant.kind, found=hit, false_positives=false_pos))
    return results, {name: len(keys) for name, keys in baseline.items()}


def load_confirmations(checker_dir: Path = DEFAULT_CHECKER_DIR) -> list[Confirmation]:
    path = checker_dir / "confirmed.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [Confirmation.model_validate(item) for item in data]


def run_corpus(
    corpus_dir: Path = DEFAULT_CORPUS_DIR, checker_dir: Path = DEFAULT_CHECKER_DIR
) -> tuple[list[CorpusReport], dict[str, float], dict[str, float], int, int]:
    confirmations = load_confirmations(checker_dir)
    reports: list[CorpusReport] = []
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    numbers = traced = 0
    for path in sorted(corpus_dir.glob("*.txt")):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = check_file(path)
        seconds[path.name] = round(time.perf_counter() - started, 3)
        cpu[path.name] = round(time.process_time() - started_cpu, 3)
        numbers += result.stats.numbers
        traced += result.stats.traced
        titles = {p.index: p.title or "（文首）" for p in read_document(path).parts}
        by_part: dict[int, CorpusReport] = {}
        for f in result.findings:
            report = by_part.setdefault(f.part, CorpusReport(file=path.name, report=titles.get(f.part, "")))
            # a merged finding carries several reasons; each is confirmed on its own
            reason_verdicts: list[str] = []
            reasons: list[str] = []
            for kind in f.kinds or [f.kind]:
                verdict = "unconfirmed"
                for c in confirmations:
                    if (c.file, c.kind, c.found) == (path.name, kind, f.found) and f.text.startswith(c.text):
                        verdict = c.verdict
                        reasons.append(c.reason)
                        break
                reason_verdicts.append(verdict)
            overall = "true_slip" if "true_slip" in reason_verdicts else reason_verdicts[0]
            if "false_positive" in reason_verdicts:
                overall = "false_positive"
            report.findings.append(
                CorpusFinding(
                    **f.model_dump(exclude={"part", "kinds", "block", "row", "col"}),
                    verdict=overall,
                    reason=" ".join(reasons),
                    reason_verdicts=reason_verdicts,
                )
            )
        reports.extend(by_part[k] for k in sorted(by_part))
    return reports, seconds, cpu, numbers, traced


def run_drafts(cases_dir: Path = ROOT / "evals" / "cases", work_dir: Path | None = None) -> list[DraftCheck]:
    """Draft every gold case offline (Markdown and DOCX) and check it against its own case."""
    import tempfile

    from assistant.drafting import draft_report, draft_self_evaluation
    from assistant.export import to_markdown, write_report
    from assistant.scoring import score_case

    out: list[DraftCheck] = []
    slips = load_source_slips()
    with tempfile.TemporaryDirectory() as tmp:
        folder = work_dir or Path(tmp)
        for path in sorted(cases_dir.glob("*.yaml")):
            try:
                case = load_case(path)
                sheet = score_case(case)
                drafter = draft_self_evaluation if case.kind == "self_evaluation" else draft_report
                report = drafter(case, sheet)
                docx_path = folder / f"{path.stem}.docx"
                write_report(report, docx_path)
                checked = {
                    "md": check_document(to_markdown(report), case=case, sheet=sheet),
                    "docx": check_document(read_document(docx_path), case=case, sheet=sheet),
                }
            except Exception as exc:  # a drafting failure is recorded, not fatal to the checker eval
                out.append(DraftCheck(case=path.stem, format="md", error=f"{type(exc).__name__}: {exc}"))
                continue
            for fmt, rep in checked.items():
                false_flags, reported = clean_draft_flags(path.stem, rep.findings, slips)
                out.append(
                    DraftCheck(
                        case=path.stem,
                        format=fmt,
                        numbers=rep.stats.numbers,
                        traced=rep.stats.traced,
                        findings=[f"{f.kind}: {f.message}" for f in rep.findings],
                        false_flags=[f"{f.kind}: {f.text[:60]} — {f.message[:120]}" for f in false_flags],
                        source_slips=[f"{s.kind}: {s.message}" for s in reported],
                        source_slips_expected=sum(1 for s in slips if s.case == path.stem),
                    )
                )
    return out


def _label(text: str) -> str:
    """A row or column name of the answer key without its cell reference: '得分（H8）' → '得分'."""
    return re.sub(r"[(（][A-Z]+\d+[)）]$", "", str(text).strip())


def _names_slip(f: Finding, slip: dict) -> bool:
    """The finding points at the slip's cell: its row (last path part) and one of its columns; a slip in
    prose (``text``) is named by a finding on a sentence holding that snippet, of one of its ``kinds``."""
    if "text" in slip:
        kinds = set(slip.get("kinds") or [])
        return str(slip["text"]) in f.text and (not kinds or bool(kinds & set(f.kinds or [f.kind])))
    row = _label(str(slip["cell"]["row"]).split("/")[-1])
    columns = [_label(c) for c in str(slip["cell"].get("column", "")).split("/") if c.strip()]
    where = f"{f.location} {f.text}"
    return bool(row) and row in where and (not columns or any(c in f.location for c in columns))


def _slip_name(slip: dict) -> str:
    if "text" in slip:
        return f"“{slip['text']}”"
    return f"{slip['cell']['row']} · {slip['cell'].get('column', '')}"


def run_received(folders: tuple[Path, ...] = DEFAULT_FORMS_DIRS) -> list[ReceivedFile]:
    """Every file of each forms set (``answers.yaml`` beside it) through the checker, against the key."""
    out: list[ReceivedFile] = []
    for folder in folders:
        key_path = folder / "answers.yaml"
        if not key_path.is_file():
            continue
        key = yaml.safe_load(key_path.read_text(encoding="utf-8"))
        for entry in key["files"]:
            slips = [s for form in entry.get("forms") or [] for s in form.get("slips") or []]
            slips += entry.get("slips") or []  # slips in a report's prose, named by a snippet
            planted = [s for s in slips if not s.get("derived")]
            result = ReceivedFile(
                set=folder.name, file=entry["file"], forms=len(entry.get("forms") or []), planted=len(planted)
            )
            started = time.perf_counter()
            try:
                report = check_file(folder / entry["file"])
            except InputError as exc:
                result.error = str(exc)
                result.missed = [_slip_name(s) for s in planted]
                out.append(result)
                continue
            result.seconds = round(time.perf_counter() - started, 3)
            for slip in planted:
                if any(_names_slip(f, slip) for f in report.findings):
                    result.found += 1
                else:
                    result.missed.append(_slip_name(slip))
            for f in report.findings:
                if any(_names_slip(f, slip) for slip in slips):
                    continue
                line = f"{KIND_NAMES.get(f.kind, f.kind)}：{f.location}：{f.message[:100]}"
                (result.false_errors if f.severity == "error" else result.other_warnings).append(line)
            out.append(result)
    return out


def run_checker_eval(
    corpus_dir: Path = DEFAULT_CORPUS_DIR,
    checker_dir: Path = DEFAULT_CHECKER_DIR,
    mutations: bool = False,
    mutation_limit: int | None = None,
    mutation_cases: tuple[str, ...] = (),
) -> CheckerEvalResult:
    """The corpus verdicts, the plants, the clean gold-case drafts and — with ``mutations`` — the mutation
    run (slow: one check per figure of every draft; ``mutation_limit`` figures per case for a quick look,
    ``mutation_cases`` to run some cases only)."""
    corpus, seconds, cpu, numbers, traced = run_corpus(corpus_dir, checker_dir)
    plants, baseline = run_plants(checker_dir)
    by_kind: dict[str, list[int]] = {}
    for p in plants:
        entry = by_kind.setdefault(p.kind, [0, 0])
        entry[0] += int(p.found)
        entry[1] += 1
    verdicts = Counter(v for r in corpus for f in r.findings for v in f.reason_verdicts)
    result = CheckerEvalResult(
        corpus=corpus,
        corpus_seconds=seconds,
        corpus_cpu_seconds=cpu,
        corpus_numbers=numbers,
        corpus_traced=traced,
        corpus_verdicts=dict(verdicts),
        plants=plants,
        recall_by_kind=by_kind,
        recall=round(sum(p.found for p in plants) / len(plants), 4) if plants else 0.0,
        false_positives=sum(len(p.false_positives) for p in plants),
        baseline_findings=baseline,
        drafts=run_drafts(),
        received=run_received(),
    )
    checked = [d for d in result.drafts if d.error is None]
    result.draft_formats_checked = len(checked)
    result.draft_false_flags = sum(len(d.false_flags) for d in checked)
    result.draft_source_slips_expected = sum(d.source_slips_expected for d in checked)
    result.draft_source_slips_found = sum(len(d.source_slips) for d in checked)
    result.received_planted = sum(r.planted for r in result.received)
    result.received_found = sum(r.found for r in result.received)
    result.received_false_errors = sum(len(r.false_errors) for r in result.received)
    if mutations:
        runs = run_mutations(limit=mutation_limit, only=mutation_cases)
        total = sum(r.total for r in runs)
        caught = sum(r.caught for r in runs)
        result.mutations = runs
        result.mutation_total = total
        result.mutation_caught = caught
        result.mutation_caught_share = round(caught / total, 4) if total else 0.0
        undecidable = sum(r.undecidable for r in runs)
        result.mutation_undecidable = undecidable
        result.mutation_missed_decidable = total - caught - undecidable
        decidable = total - undecidable
        result.mutation_caught_share_decidable = round(caught / decidable, 4) if decidable else 0.0
        result.mutation_false_blames = sum(r.false_blames for r in runs)
        result.mutation_false_flags = sum(len(r.unmutated_false_flags) for r in runs)
    return result


def write_result(result: CheckerEvalResult, path: Path = DEFAULT_RESULT_PATH) -> Path:
    atomic_write_text(path, json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n")
    return path
